"""Markdown with optional YAML front matter (title, author, date, url, lang)."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from typing import Any

from pipeline.domain import Block
from pipeline.ingest.common import clean_inline
from pipeline.verbatim import CODE, TABLE_HEADER, TABLE_ROW

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^(=+|-+)\s*$")
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+(?P<text>.*)$")
_RULE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")
_FENCE = re.compile(r"^(?P<indent>\s{0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_INDENTED = re.compile(r"^(?: {4}|\t)")
_TABLE_DELIMITER = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
# CommonMark HTML blocks of kinds 1-6: raw HTML that starts a line (a comment is removed first).
_HTML_BLOCK_START = re.compile(
    r"^\s{0,3}<(?:script|style|pre|textarea|/?(?:address|article|aside|blockquote|body|"
    r"caption|center|dd|details|div|dl|dt|fieldset|figcaption|figure|footer|form|h[1-6]|"
    r"header|hr|iframe|li|main|nav|ol|p|section|table|tbody|td|tfoot|th|thead|tr|ul)"
    r"(?:\s|/?>|$))",
    re.IGNORECASE,
)
_RAW_TEXT_END = re.compile(r"</(?:script|style|pre|textarea)>", re.IGNORECASE)
_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+")
_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?:[^()]|\([^)]*\))*\)|\[(?P<rtext>[^\]]+)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<(?P<url>(?:https?://|mailto:)[^>]+)>")
_FOOTNOTE = re.compile(r"\[\^[^\]]+\]")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
_EM_UNDERSCORE = re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"~~(.+?)~~")
# Verbatim inline parts: code spans and image references (kept as written, never translated).
_VERBATIM = re.compile(
    r"(?P<ticks>`+)(?!`).*?(?<!`)(?P=ticks)(?!`)"
    r"|!\[[^\]\n]*\](?:\([^)\s]*(?:\s+\"[^\"\n]*\")?\)|\[[^\]\n]*\])"
)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])")


@dataclass
class MarkdownParts:
    meta: dict[str, Any]
    title: str | None
    blocks: list[Block]
    dropped: list[str] = field(default_factory=list)


class FrontMatterError(ValueError):
    pass


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    import yaml

    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        meta = yaml.safe_load(match.group("yaml")) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        raise FrontMatterError(f"front matter is not valid YAML{where}") from None
    if not isinstance(meta, dict):
        raise FrontMatterError("front matter is not a YAML mapping of fields")
    return meta, text[match.end() :]


def meta_text(value: Any) -> str | None:
    """A front-matter value as text: dates as ISO, lists joined, character references decoded
    once, empty as None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value if v is not None) or None
    text = clean_inline(html.unescape(str(value)))
    return text or None


def parse_markdown(text: str) -> MarkdownParts:
    """Front matter, title and blocks: headings, paragraphs, list items, quotes, pipe tables
    (a header row and body rows, one cell a segment), code blocks kept byte for byte, and raw
    HTML blocks read by the HTML reader (scripts and styles dropped with their content)."""
    from pipeline.ingest.html import fragment_blocks

    meta, body = split_front_matter(text)
    dropped: list[str] = []
    raw_blocks = _raw_blocks(_HTML_COMMENT.sub("", body), dropped)
    blocks: list[Block] = []
    title = meta_text(meta.get("title"))
    for kind, raw, level in raw_blocks:
        if kind == CODE:
            blocks.append(Block(CODE, raw))
            continue
        if kind == "table":
            blocks.extend(_table_rows(raw, dropped))
            continue
        if kind == "html":
            blocks.extend(fragment_blocks(raw))
            continue
        text = strip_inline(raw, dropped)
        if not text:
            continue
        if kind == "h" and level == 1 and title is None:
            title = text
            continue
        blocks.append(Block(kind, text))
    return MarkdownParts(meta=meta, title=title, blocks=blocks, dropped=dropped)


def _table_rows(raw: str, dropped: list[str]) -> list[Block]:
    """A pipe table's rows: the first line is the header, the second the delimiter row."""
    lines = raw.split("\n")
    rows = []
    for number, line in enumerate(lines):
        if number == 1:
            continue
        cells = tuple(
            strip_inline(cell.strip().replace("\\|", "|"), dropped)
            for cell in _CELL_SPLIT.split(_trim_pipes(line))
        )
        kind = TABLE_HEADER if number == 0 else TABLE_ROW
        rows.append(Block(kind, " | ".join(cells), cells))
    return rows


def _trim_pipes(line: str) -> str:
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return text


def _is_table_start(line: str, next_line: str) -> bool:
    """A GFM table: a header row with a pipe, then a delimiter row with as many columns."""
    if "|" not in line or not _TABLE_DELIMITER.match(next_line) or "-" not in next_line:
        return False
    header = _CELL_SPLIT.split(_trim_pipes(line))
    delimiter = _trim_pipes(next_line).split("|")
    return len(header) == len(delimiter)


def _raw_blocks(body: str, dropped: list[str]) -> list[tuple[str, str, int]]:
    """(kind, raw text, heading level) in order: h, p, li, quote, code (text as written),
    table (its lines) and html (a raw HTML block)."""
    out: list[tuple[str, str, int]] = []
    paragraph: list[str] = []
    quote: list[str] = []
    item: list[str] | None = None
    fence: list[str] | None = None
    fence_mark = ""
    fence_indent = 0
    table: list[str] | None = None
    html_block: list[str] | None = None
    indented: list[str] | None = None

    def flush() -> None:
        nonlocal item, table, indented
        if paragraph:
            out.append(("p", " ".join(paragraph), 0))
            paragraph.clear()
        if quote:
            out.append(("quote", " ".join(quote), 0))
            quote.clear()
        if item is not None:
            out.append(("li", " ".join(item), 0))
            item = None
        if table is not None:
            out.append(("table", "\n".join(table), 0))
            table = None
        if indented is not None:
            while indented and not indented[-1].strip():
                indented.pop()
            out.append((CODE, "\n".join(indented), 0))
            indented = None

    lines = body.split("\n")
    for index, line in enumerate(lines):
        if fence is not None:
            closing = _FENCE.match(line)
            if (
                closing
                and closing.group("fence")[0] == fence_mark[0]
                and len(closing.group("fence")) >= len(fence_mark)
                and not closing.group("info").strip()
            ):
                out.append((CODE, "\n".join(fence), 0))
                fence = None
            else:
                fence.append(_dedent(line, fence_indent))
            continue
        if html_block is not None:
            html_block.append(line)
            raw_text = html_block[0].lstrip().lower().startswith(("<script", "<style", "<pre"))
            ends = _RAW_TEXT_END.search(line) if raw_text else not line.strip()
            if ends:
                out.append(("html", "\n".join(html_block), 0))
                html_block = None
            continue
        if indented is not None:
            if _INDENTED.match(line) or not line.strip():
                indented.append(_dedent(line, 4))
                continue
            flush()
        if table is not None:
            if line.strip() and "|" in line:
                table.append(line)
                continue
            flush()
        opening = _FENCE.match(line)
        if opening and not (opening.group("fence")[0] == "`" and "`" in opening.group("info")):
            flush()
            fence, fence_mark = [], opening.group("fence")
            fence_indent = len(opening.group("indent"))
            continue
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        # Indented lines after a list item continue it; elsewhere they are code.
        if (
            _INDENTED.match(line)
            and not paragraph
            and item is None
            and not quote
            and (not out or out[-1][0] != "li")
        ):
            flush()
            indented = [_dedent(line, 4)]
            continue
        if _HTML_BLOCK_START.match(line) and not paragraph:
            flush()
            html_block = [line]
            raw_text = stripped.lower().startswith(("<script", "<style", "<pre"))
            if raw_text and _RAW_TEXT_END.search(line):
                out.append(("html", line, 0))
                html_block = None
            continue
        if _REF_DEF.match(line):
            dropped.append(stripped)
            continue
        next_line = lines[index + 1] if index + 1 < len(lines) else ""
        if not paragraph and item is None and _is_table_start(line, next_line):
            flush()
            table = [line]
            continue
        if paragraph and _SETEXT.match(stripped) and len(paragraph) == 1:
            level = 1 if stripped.startswith("=") else 2
            out.append(("h", paragraph.pop(), level))
            continue
        if _RULE.match(line) and not paragraph:
            flush()
            continue
        heading = _HEADING.match(stripped)
        if heading:
            flush()
            out.append(("h", heading.group("text"), len(heading.group("hashes"))))
            continue
        if stripped.startswith(">"):
            if paragraph or item is not None:
                flush()
            content = stripped.lstrip(">").strip()
            if content:
                quote.append(content)
            elif quote:
                out.append(("quote", " ".join(quote), 0))
                quote.clear()
            continue
        listed = _LIST_ITEM.match(line)
        if listed and not (paragraph and _SETEXT.match(next_line.strip() or "x")):
            flush()
            item = [listed.group("text")]
            continue
        if item is not None:
            item.append(stripped)
        elif quote:
            quote.append(stripped)  # a lazy continuation of the quote
        else:
            paragraph.append(stripped)
    if fence is not None:  # an unclosed fence runs to the end of the document (CommonMark)
        out.append((CODE, "\n".join(fence), 0))
    if html_block is not None:
        out.append(("html", "\n".join(html_block), 0))
    flush()
    return out


def _dedent(line: str, width: int) -> str:
    """A line less up to `width` columns of leading spaces (a tab counts as four)."""
    expanded = line.replace("\t", "    ", 1) if line.startswith("\t") else line
    removable = len(expanded) - len(expanded.lstrip(" "))
    return expanded[min(width, removable) :]


def strip_inline(text: str, dropped: list[str]) -> str:
    """Plain text of a Markdown paragraph: emphasis, links and inline HTML are dropped to their
    text (scripts and styles with their content), character references are decoded; code spans
    and image references stay as written (pipeline.verbatim), as do URLs."""
    parts: list[str] = []
    position = 0
    for match in _VERBATIM.finditer(text):
        parts.append(_plain_inline(text[position : match.start()]))
        parts.append(match.group())
        position = match.end()
    parts.append(_plain_inline(text[position:]))
    return clean_inline("".join(parts))


def _plain_inline(text: str) -> str:
    text = _LINK.sub(lambda m: m.group("text") or m.group("rtext") or "", text)
    text = _AUTOLINK.sub(lambda m: m.group("url"), text)
    text = _FOOTNOTE.sub("", text)
    text = _SCRIPT.sub("", text)
    text = _HTML_TAG.sub("", text)
    for pattern in (_STRONG, _STRIKE):
        text = pattern.sub(lambda m: m.group(m.lastindex or 0), text)
    text = _EM_STAR.sub(r"\1", text)
    text = _EM_UNDERSCORE.sub(r"\1", text)
    text = _ESCAPE.sub(r"\1", text)
    # Two trailing spaces or a backslash mark a hard line break.
    text = re.sub(r"\\$", "", text)
    return html.unescape(text)
