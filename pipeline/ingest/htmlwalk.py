"""The tree walker behind pipeline.ingest.html: trafilatura's XML, or a fragment's own HTML,
into blocks.

Every text node is read, element tails included. ``<br>`` is a space and two in a row (nothing
but spaces between) a paragraph break; data tables become header and body rows whose cells are
kept one by one (pipeline.verbatim); ``<pre>`` is a code block kept byte for byte and inline
``<code>`` a code span; scripts, styles and other non-text elements are dropped with everything
inside them.
"""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

from pipeline.domain import Block
from pipeline.ingest.common import clean_inline
from pipeline.verbatim import (
    CODE,
    TABLE_HEADER,
    TABLE_ROW,
    code_span,
)

# Leaf-level elements whose text is reported as dropped when the extraction left it out.
TEXT_TAGS = (
    "p",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "figcaption",
    "blockquote",
    "td",
    "th",
    "dt",
    "dd",
    "caption",
    "button",
    "label",
    "a",
    "span",
    "time",
    "small",
    "div",
)
# Elements whose content is never story text. "head" here is HTML's <head>: trafilatura's XML
# uses <head> for headings, so the walker checks it only outside that XML.
_SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "canvas",
        "video",
        "audio",
        "map",
        "select",
        "option",
        "textarea",
        "button",
        "input",
        "nav",
    ]
)
_BREAKS = frozenset({"br", "lb"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "head"})
_ITEMS = frozenset({"li", "item", "dt", "dd"})
_QUOTES = frozenset({"blockquote", "quote"})
_TABLES = frozenset({"table"})
_ROWS = frozenset({"tr", "row"})
_CELLS = frozenset({"td", "th", "cell"})
_IMAGES = frozenset({"img", "graphic", "picture", "figure-img"})
# Elements that start a block of their own; anything else flows into the text around it.
_BLOCKS = (
    frozenset(
        [
            "p",
            "div",
            "section",
            "article",
            "main",
            "header",
            "footer",
            "aside",
            "address",
            "center",
            "details",
            "summary",
            "figure",
            "figcaption",
            "caption",
            "ul",
            "ol",
            "dl",
            "list",
            "menu",
            "body",
            "html",
            "hgroup",
            "fieldset",
            "legend",
            "table",
            "thead",
            "tbody",
            "tfoot",
        ]
    )
    | _HEADINGS
    | _ITEMS
    | _QUOTES
)
# A table is laid out as a grid of data when no cell holds a whole story: longer cells (or a
# table inside) mean the table only positions the page's parts.
_LAYOUT_CELL_CHARS = 300
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_WHITESPACE = re.compile(r"\s+")
XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>", re.IGNORECASE)
_HTML_TAG = re.compile(
    r"<(?:/?(?:p|div|br|hr|h[1-6]|ul|ol|li|blockquote|table|tr|td|th|pre|code|em|strong|b|i|u|"
    r"a|span|img|figure|figcaption|section|article|script|style|iframe|sup|sub|small)\b[^<>]*"
    r"|!--)",
    re.IGNORECASE,
)
SEPARATORS = " \t·•|—–-:,;/"


def xml_blocks(body: Any) -> list[Block]:
    """trafilatura's XML body (p, head, list/item, quote, table/row/cell, code, lb) as blocks."""
    walker = Walker(xml=True)
    walker.container(body, "p")
    return walker.blocks


def fragment_blocks(fragment: str) -> list[Block]:
    """Blocks of an HTML fragment (a CMS body, a raw HTML block): every element is read."""
    import lxml.html

    text = XML_DECLARATION.sub("", fragment, count=1)
    if not text.strip():
        return []
    try:
        roots = lxml.html.fragments_fromstring(text)
    except Exception:  # noqa: BLE001 - lxml raises several kinds for odd markup
        return [Block("p", clean_inline(_strip_tags(text)))]
    walker = Walker(xml=False)
    for root in roots:
        if isinstance(root, str):
            walker.text(root)
        else:
            walker.child(root)
            walker.text(root.tail)
    walker.flush()
    return walker.blocks


def looks_like_html(text: str) -> bool:
    """Whether text carries HTML markup (a tag of the kinds stories use, or a comment)."""
    return _HTML_TAG.search(text) is not None


def _strip_tags(text: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]*>", " ", text))


class Walker:
    """Turns a tree into blocks. ``run`` collects the text of the block being read; a "\\n" in
    it marks a <br> (text nodes have their own whitespace made single spaces)."""

    def __init__(self, *, xml: bool) -> None:
        self.xml = xml
        self.blocks: list[Block] = []
        self.run: list[str] = []
        self.kind = "p"

    def flush(self) -> None:
        text = "".join(self.run)
        self.run.clear()
        for part in _PARAGRAPH_BREAK.split(text):
            cleaned = clean_inline(part)
            if cleaned:
                self.blocks.append(Block(self.kind, cleaned))

    def text(self, value: str | None) -> None:
        if value:
            self.run.append(_WHITESPACE.sub(" ", value))

    def container(self, element: Any, kind: str) -> None:
        saved = self.kind
        self.flush()
        self.kind = kind
        self.text(element.text)
        for child in element:
            self.child(child)
            self.text(child.tail)
        self.flush()
        self.kind = saved

    def child(self, element: Any) -> None:
        tag = tag_of(element)
        if tag is None or tag in _SKIP_TAGS or (tag == "head" and not self.xml):
            return
        if tag in _BREAKS:
            self.run.append("\n")
        elif tag == "hr":
            self.flush()
        elif tag in _TABLES:
            self.table(element)
        elif tag == "pre" or (tag == "code" and self._block_code(element)):
            self.flush()
            code = _code_text(element).strip("\n")
            if code.strip():
                self.blocks.append(Block(CODE, code))
        elif tag == "code":
            code = " ".join(_code_text(element).split())
            if code:
                self.run.append(code_span(code))
        elif tag in _IMAGES:
            return
        elif tag in _BLOCKS:
            self.container(element, self._kind_of(tag))
        else:  # inline: its text flows on; a block inside it still breaks the run
            self.text(element.text)
            for child in element:
                self.child(child)
                self.text(child.tail)

    def _kind_of(self, tag: str) -> str:
        if tag in _HEADINGS:
            return "h"
        if tag in ("li", "item"):
            return "li"
        if tag in _QUOTES:
            return "quote"
        return self.kind if self.kind in ("quote", "li") else "p"

    def _block_code(self, element: Any) -> bool:
        """trafilatura's XML puts a <pre> as a <code> right under the body; elsewhere a <code>
        is a block only when it holds several lines."""
        parent = element.getparent()
        if self.xml and parent is not None and tag_of(parent) == "body":
            return True
        return "\n" in _code_text(element).strip("\n") and not "".join(self.run).strip()

    def table(self, table: Any) -> None:
        self.flush()
        rows = [
            (row, [c for c in row if tag_of(c) in _CELLS])
            for row in table.iter()
            if tag_of(row) in _ROWS and _nearest_table(row) is table
        ]
        cells = [cell for _, row_cells in rows for cell in row_cells]
        layout = (
            not any(len(row_cells) >= 2 for _, row_cells in rows)
            or any(_nearest_table(t) is not table for c in cells for t in c.iter("table"))
            or any(len(" ".join(c.itertext())) > _LAYOUT_CELL_CHARS for c in cells)
        )
        if layout:  # a layout grid: each cell is read as a part of the page
            for cell in cells:
                self.container(cell, self._kind_of("div"))
            return
        for element in table:
            if tag_of(element) == "caption":
                self.container(element, "p")
        for row, row_cells in rows:
            texts = tuple(self._cell_text(cell) for cell in row_cells)
            if not any(texts):
                continue
            header = all(tag_of(c) == "th" or c.get("role") == "head" for c in row_cells) or any(
                tag_of(a) == "thead" for a in row.iterancestors()
            )
            kind = TABLE_HEADER if header else TABLE_ROW
            self.blocks.append(Block(kind, " | ".join(texts), texts))

    def _cell_text(self, cell: Any) -> str:
        inner = Walker(xml=self.xml)
        inner.container(cell, "p")
        return " ".join(block.text for block in inner.blocks)


def tag_of(element: Any) -> str | None:
    tag = element.tag
    if not isinstance(tag, str):  # comments, processing instructions
        return None
    return tag.rsplit("}", 1)[-1].lower()


def _nearest_table(element: Any) -> Any:
    for ancestor in element.iterancestors():
        if tag_of(ancestor) in _TABLES:
            return ancestor
    return None


def _code_text(element: Any) -> str:
    """Code as written: text nodes as they are, a <br>/<lb> as a newline."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        parts.append(node.text or "")
        for child in node:
            tag = tag_of(child)
            if tag in _BREAKS:
                parts.append("\n")
            elif tag is not None and tag not in _SKIP_TAGS:
                walk(child)
            parts.append(child.tail or "")

    walk(element)
    return "".join(parts)
