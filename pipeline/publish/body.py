"""An article body as HTML, by kind: paragraphs, "h" as <h2>, list items in <ul>, quotes, tables
(header and body rows, one cell per segment), code blocks in <pre>; inside prose, code spans as
<code>, http(s) URLs as links and http(s) image references as images. All text is escaped."""

from __future__ import annotations

import re
from html import escape

from pipeline.domain import LANGS
from pipeline.publish.collect import LangVersion
from pipeline.verbatim import (
    CODE,
    TABLE_HEADER,
    TABLE_KINDS,
    code_span_text,
    image_parts,
    place_cells,
    span_kind,
    split_spans,
)

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_WEB = ("http://", "https://")


def inline_html(text: str) -> str:
    """One sentence as escaped HTML, its verbatim spans rendered as what they are."""
    out: list[str] = []
    for verbatim, part in split_spans(_XML_INVALID.sub("", text)):
        if not verbatim:
            out.append(_e(re.sub(r"\s+", " ", part)))
            continue
        kind = span_kind(part)
        image = image_parts(part) if kind == "image" else None
        if kind == "code":
            out.append(f"<code>{_e(code_span_text(part))}</code>")
        elif image is not None and image[1].lower().startswith(_WEB):
            out.append(f'<img src="{_e(image[1])}" alt="{_e(image[0])}" loading="lazy">')
        elif kind == "url" and part.lower().startswith(_WEB):
            out.append(f'<a href="{_e(part)}" rel="nofollow">{_e(part)}</a>')
        else:  # a relative image or a scheme a page must not link: shown as written
            out.append(f"<code>{_e(part)}</code>")
    return "".join(out).strip()


def body_html(version: LangVersion, lang: str) -> str:
    """The body of one language version (titles left out) as HTML lines."""
    paragraphs: dict[int, list[tuple[int, str]]] = {}
    kinds: dict[int, str] = {}
    for item in version.present:
        segment = item.segment
        if segment.kind == "title" or (not item.text and segment.kind not in TABLE_KINDS):
            continue  # empty: merged into another sentence's text (pipeline.alignjob)
        if segment.kind == CODE:  # code has no language to mark
            text = _e(_XML_INVALID.sub("", item.text))
        else:
            text = inline_html(item.text)
        if (
            item.origin == "source"
            and segment.kind != CODE
            and segment.lang != lang
            and segment.lang in LANGS
        ):
            text = f'<span lang="{segment.lang}">{text}</span>'
        paragraphs.setdefault(segment.para_index, []).append((segment.sent_index, text))
        kinds[segment.para_index] = segment.kind
    rows: list[tuple[str, list[str]]] = []
    for index, placed in paragraphs.items():
        kind = kinds[index]
        cells = place_cells(placed) if kind in TABLE_KINDS else [t for _, t in placed]
        rows.append((kind, list(cells)))
    _pad_tables(rows)
    parts: list[str] = []
    previous = ""
    for kind, sentences in rows:
        new_table = kind in TABLE_KINDS and (
            previous not in TABLE_KINDS or (kind == TABLE_HEADER and previous != TABLE_HEADER)
        )
        if previous == "li" and kind != "li":
            parts.append("</ul>")
        if previous in TABLE_KINDS and (kind not in TABLE_KINDS or new_table):
            parts.append("</table>")
        if kind == "li" and previous != "li":
            parts.append("<ul>")
        if new_table:
            parts.append("<table>")
        html = " ".join(sentences)
        if kind == "h":
            parts.append(f"<h2>{html}</h2>")
        elif kind == "quote":
            parts.append(f"<blockquote><p>{html}</p></blockquote>")
        elif kind == "li":
            parts.append(f"<li>{html}</li>")
        elif kind == CODE:
            parts.append(f"<pre><code>{html}</code></pre>")
        elif kind in TABLE_KINDS:
            tag = "th" if kind == TABLE_HEADER else "td"
            parts.append("<tr>" + "".join(f"<{tag}>{c}</{tag}>" for c in sentences) + "</tr>")
        else:
            parts.append(f"<p>{html}</p>")
        previous = kind
    if previous == "li":
        parts.append("</ul>")
    if previous in TABLE_KINDS:
        parts.append("</table>")
    return "\n".join(parts)


def _pad_tables(rows: list[tuple[str, list[str]]]) -> None:
    """Rows of one table made as wide as its widest (empty cells at a row's end hold no
    segment, so they come back here)."""
    start = 0
    while start < len(rows):
        if rows[start][0] not in TABLE_KINDS:
            start += 1
            continue
        end = start
        while end < len(rows) and rows[end][0] in TABLE_KINDS:
            end += 1
        width = max(len(cells) for _, cells in rows[start:end])
        for _, cells in rows[start:end]:
            cells.extend([""] * (width - len(cells)))
        start = end


def _e(text: str) -> str:
    return escape(text, quote=True)
