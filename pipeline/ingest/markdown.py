"""Markdown with optional YAML front matter (title, author, date, url, lang)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from pipeline.ingest.common import clean_inline

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^(=+|-+)\s*$")
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+(?P<text>.*)$")
_RULE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+")
_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)]*)\)|!\[(?P<ralt>[^\]]*)\]\[[^\]]*\]")
_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?:[^()]|\([^)]*\))*\)|\[(?P<rtext>[^\]]+)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<(?P<url>(?:https?://|mailto:)[^>]+)>")
_FOOTNOTE = re.compile(r"\[\^[^\]]+\]")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
_EM_UNDERSCORE = re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"~~(.+?)~~")
_CODE = re.compile(r"`+([^`]+)`+")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])")


@dataclass
class MarkdownParts:
    meta: dict[str, Any]
    title: str | None
    blocks: list[tuple[str, str]]
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
    """A front-matter value as text: dates as ISO, lists joined, empty as None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value if v is not None) or None
    text = clean_inline(str(value))
    return text or None


def parse_markdown(text: str) -> MarkdownParts:
    meta, body = split_front_matter(text)
    dropped: list[str] = []
    raw_blocks = _raw_blocks(_HTML_COMMENT.sub("", body), dropped)
    blocks: list[tuple[str, str]] = []
    title = meta_text(meta.get("title"))
    for kind, raw, level in raw_blocks:
        text = strip_inline(raw, dropped)
        if not text:
            continue
        if kind == "h" and level == 1 and title is None:
            title = text
            continue
        blocks.append((kind, text))
    return MarkdownParts(meta=meta, title=title, blocks=blocks, dropped=dropped)


def _raw_blocks(body: str, dropped: list[str]) -> list[tuple[str, str, int]]:
    """(kind, raw text, heading level) in order: h, p, li, quote."""
    out: list[tuple[str, str, int]] = []
    paragraph: list[str] = []
    quote: list[str] = []
    item: list[str] | None = None
    fence: list[str] | None = None

    def flush() -> None:
        nonlocal item
        if paragraph:
            out.append(("p", " ".join(paragraph), 0))
            paragraph.clear()
        if quote:
            out.append(("quote", " ".join(quote), 0))
            quote.clear()
        if item is not None:
            out.append(("li", " ".join(item), 0))
            item = None

    lines = body.split("\n")
    for index, line in enumerate(lines):
        if fence is not None:
            if _FENCE.match(line):
                out.append(("p", " ".join(fence), 0))
                fence = None
            else:
                fence.append(line.strip())
            continue
        if _FENCE.match(line):
            flush()
            fence = []
            continue
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if _REF_DEF.match(line):
            dropped.append(stripped)
            continue
        next_line = lines[index + 1] if index + 1 < len(lines) else ""
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
    if fence:
        out.append(("p", " ".join(fence), 0))
    flush()
    return out


def strip_inline(text: str, dropped: list[str]) -> str:
    """Plain text of a Markdown paragraph; images are recorded as dropped."""

    def drop_image(match: re.Match[str]) -> str:
        alt = match.group("alt") or match.group("ralt") or ""
        src = match.group("src") or ""
        dropped.append(f"image: {alt} {src}".strip())
        return ""

    text = _IMAGE.sub(drop_image, text)
    text = _LINK.sub(lambda m: m.group("text") or m.group("rtext") or "", text)
    text = _AUTOLINK.sub(lambda m: m.group("url"), text)
    text = _FOOTNOTE.sub("", text)
    text = _HTML_TAG.sub("", text)
    text = _CODE.sub(r"\1", text)
    for pattern in (_STRONG, _STRIKE):
        text = pattern.sub(lambda m: m.group(m.lastindex or 0), text)
    text = _EM_STAR.sub(r"\1", text)
    text = _EM_UNDERSCORE.sub(r"\1", text)
    text = _ESCAPE.sub(r"\1", text)
    # Two trailing spaces or a backslash mark a hard line break.
    text = re.sub(r"\\$", "", text)
    return clean_inline(text)
