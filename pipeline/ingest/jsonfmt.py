"""JSON (an object or an array of objects) and JSON Lines (one object a line)."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any

from pipeline.domain import Block
from pipeline.ingest.common import clean_inline, normalize_text

TITLE_FIELDS = ("title", "headline")
BODY_FIELDS = ("body", "text", "content")
_BULLET = re.compile(r"^\s*(?:[-•–*]|\d{1,2}[.)])\s+(?P<text>\S.*)$")


@dataclass(frozen=True)
class Record:
    index: int  # position among the file's records, counting broken ones
    line: int | None  # 1-based line number in a JSON Lines file
    data: dict[str, Any] | None
    problem: str | None = None


def json_records(text: str) -> list[Record]:
    """Records of a .json file; raises ValueError for text that is not JSON."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(
            f"not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})"
        ) from None
    if isinstance(data, dict):
        return [Record(0, None, data)]
    if isinstance(data, list):
        return [
            Record(i, None, item)
            if isinstance(item, dict)
            else Record(i, None, None, f"record {i} is {type(item).__name__}, not an object")
            for i, item in enumerate(data)
        ]
    raise ValueError(f"top level is {type(data).__name__}; expected an object or an array")


def jsonl_records(text: str) -> list[Record]:
    records = []
    index = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as err:
            records.append(
                Record(index, number, None, f"not valid JSON ({err.msg}, column {err.colno})")
            )
        else:
            if isinstance(data, dict):
                records.append(Record(index, number, data))
            else:
                records.append(
                    Record(index, number, None, f"a {type(data).__name__}, not an object")
                )
        index += 1
    return records


def field_text(data: dict[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = data.get(name)
        if isinstance(value, list):
            value = "\n\n".join(str(v) for v in value if v is not None)
        if value is not None and str(value).strip():
            return str(value)
    return None


def meta_text(value: str | None) -> str | None:
    """A title or metadata value on one line, character references decoded once ("&laquo;",
    "&amp;", "&nbsp;", "&#39;": CMS exports often keep a field's HTML escaping)."""
    if value is None:
        return None
    return " ".join(html.unescape(normalize_text(value)).split()) or None


def body_blocks(body: str) -> list[tuple[str, str] | Block]:
    """Blocks of a record's body: HTML (a CMS export) through the HTML reader; plain text as
    paragraphs split on blank lines, single newlines joined, all-bullet paragraphs as items,
    character references decoded once."""
    from pipeline.ingest.html import fragment_blocks, looks_like_html

    if looks_like_html(body):
        return list(fragment_blocks(body))
    blocks: list[tuple[str, str] | Block] = []
    for paragraph in re.split(r"\n\s*\n", html.unescape(body.replace("\r\n", "\n"))):
        lines = [line for line in paragraph.split("\n") if line.strip()]
        if not lines:
            continue
        if all(_BULLET.match(line) for line in lines):
            for line in lines:
                match = _BULLET.match(line)
                if match:
                    blocks.append(("li", clean_inline(match.group("text"))))
        else:
            blocks.append(("p", clean_inline(" ".join(lines))))
    return blocks
