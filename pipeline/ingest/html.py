"""HTML pages and fragments: trafilatura finds a page's main content; one tree walker turns its
XML, or a fragment's own HTML (a CMS export's body, a raw HTML block in Markdown), into blocks.

The walker reads every text node, element tails included. ``<br>`` is a space and two in a row
(nothing but spaces between) a paragraph break; data tables become header and body rows whose
cells are kept one by one (pipeline.verbatim); ``<pre>`` is a code block kept byte for byte and
inline ``<code>`` a code span; scripts, styles and other non-text elements are dropped with
everything inside them.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.domain import LANGS, Block
from pipeline.ingest import chrome
from pipeline.ingest.byline import clean_author, parse_byline
from pipeline.ingest.common import IngestError, clean_inline
from pipeline.ingest.dates import normalize_date
from pipeline.ingest.text import filter_blocks
from pipeline.verbatim import (
    CODE,
    TABLE_HEADER,
    TABLE_KINDS,
    TABLE_ROW,
    code_span,
    split_spans,
)

# Leaf-level elements whose text is reported as dropped when the extraction left it out.
_TEXT_TAGS = (
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
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>", re.IGNORECASE)
_HTML_TAG = re.compile(
    r"<(?:/?(?:p|div|br|hr|h[1-6]|ul|ol|li|blockquote|table|tr|td|th|pre|code|em|strong|b|i|u|"
    r"a|span|img|figure|figcaption|section|article|script|style|iframe|sup|sub|small)\b[^<>]*"
    r"|!--)",
    re.IGNORECASE,
)
_SEPARATORS = " \t·•|—–-:,;/"


@dataclass
class HtmlParts:
    title: str
    blocks: list[Block]
    author: str | None = None
    date: str | None = None
    url: str | None = None
    lang: str | None = None
    dropped: list[str] = field(default_factory=list)


# -- bytes --------------------------------------------------------------------------------------

# A page that is this close to valid UTF-8 has a few damaged bytes, not another encoding: at
# most 1% of its characters undecodable, and (when a legacy encoding might fit instead) at
# least four valid multi-byte characters for each bad one. Text in a legacy Cyrillic encoding
# forms valid UTF-8 pairs only by chance (a capital before "і", "є" or "ї" in cp1251), far
# fewer than its invalid ones.
_MAX_BAD_SHARE = 0.01
_MIN_VALID_PER_BAD = 4
_FEW_BAD = 8  # on a short page 1% is less than one byte


def decode_page(path: Path, data: bytes) -> tuple[str, str, str | None]:
    """Text, encoding and a warning (None when clean) for an HTML file's bytes.

    As pipeline.ingest.files.decode_bytes, except that UTF-8 with a few undecodable bytes is
    decoded with U+FFFD in their place, with a warning naming how many, instead of being read
    in a legacy encoding or refused. Raises IngestError as decode_bytes does otherwise.
    """
    from pipeline.ingest.files import decode_bytes

    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    repaired = body.decode("utf-8", errors="replace")
    bad = repaired.count("\ufffd") - body.decode("utf-8", errors="ignore").count("\ufffd")
    valid = sum(1 for ch in repaired if ord(ch) > 127) - bad
    few = 0 < bad <= max(_FEW_BAD, len(repaired) * _MAX_BAD_SHARE) and not _binary(body)
    plausible = few and bad <= len(repaired) * _MAX_BAD_SHARE
    warning = (
        f"{bad} byte sequence(s) are not valid UTF-8 and were replaced by '\ufffd'"
        " (re-save the page as UTF-8 to keep them)"
    )
    if few and valid >= _MIN_VALID_PER_BAD * bad:
        return repaired, "utf-8", warning
    try:
        text, encoding = decode_bytes(path, data)
        return text, encoding, None
    except IngestError:
        if plausible:
            return repaired, "utf-8", warning
        raise


def _binary(data: bytes) -> bool:
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return b"\x00" in sample or controls > len(sample) * 0.05


# -- pages --------------------------------------------------------------------------------------


def parse_html(html: str) -> HtmlParts | None:
    """Title, metadata and story blocks of a page; None when no main content was found."""
    import lxml.html
    from trafilatura import bare_extraction

    # lxml refuses text that still declares its bytes' encoding (XHTML's <?xml ... ?>).
    html = _XML_DECLARATION.sub("", html, count=1)
    document: Any = bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_formatting=True,
        favor_recall=True,
        deduplicate=False,
        # Loose text search guesses dates from copyright lines; the byline is parsed below.
        date_extraction_params={
            "original_date": True,
            "extensive_search": False,
            "max_date": "2100-12-31",
        },
    )
    if document is None or document.body is None:
        return None
    blocks = xml_blocks(document.body)
    tree = lxml.html.fromstring(html)
    if len(blocks) == 1:
        blocks = _restructure(blocks[0], tree)
    title = _pick_title(tree, _unescape(document.title))
    if blocks and title and chrome.key_of(blocks[0].text) == chrome.key_of(title):
        blocks = blocks[1:]
    if not title and blocks and blocks[0].kind == "h":
        title, blocks = blocks[0].text, blocks[1:]
    # trafilatura keeps some in-article chrome ("Читайте також: ...", tag lines, bylines).
    blocks, filtered_dropped, filtered_author, filtered_date = _filter(blocks, title)
    dropped = list(dict.fromkeys(filtered_dropped + _dropped_text(tree, blocks, title)))
    # A byline sits under the headline; a date above it is the page's ("today" in a header).
    author, date = _byline_from(_under_headline(tree, title, dropped) + dropped)
    return HtmlParts(
        title=title,
        blocks=blocks,
        author=_author(clean_author(_unescape(document.author)) or author or filtered_author),
        date=_published(tree, document.date, filtered_date) or date,
        url=document.url or None,
        lang=_page_lang(tree),
        dropped=dropped,
    )


# Where pages state their publication time in full (Open Graph article:published_time,
# schema.org datePublished as microdata or JSON-LD, Dublin Core, <time datetime>).
_PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "dc.date.issued",
    "dc.date",
    "date",
)
_JSON_LD_DATE = re.compile(r'"datePublished"\s*:\s*"(?P<value>[^"]{8,40})"')


def _published(tree: Any, found: str | None, stated: str | None) -> str | None:
    """The page's publication date, with its time and zone where the page states them.

    What the page declares comes first (Open Graph, schema.org as meta or JSON-LD, Dublin
    Core), then the date in the article's own byline (`stated`), then the day trafilatura
    guessed (`found`: it may come from a page header's "today" line). A `<time datetime>`
    only adds the time to a day already settled, since lists of other stories carry them too."""
    declared: list[str] = []
    for meta in tree.iter("meta"):
        name = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if name in _PUBLISHED_META and meta.get("content"):
            declared.append(meta.get("content"))
    for script in tree.iter("script"):
        if "ld+json" in (script.get("type") or ""):
            declared += [m.group("value") for m in _JSON_LD_DATE.finditer(script.text or "")]
    readable = [iso for iso in map(normalize_date, declared) if iso]
    if any("T" in iso for iso in readable):
        return next(iso for iso in readable if "T" in iso)
    day = (readable[0] if readable else None) or stated or normalize_date(found)
    if day is None or "T" in day:
        return day
    for value in (t.get("datetime") for t in tree.iter("time") if t.get("datetime")):
        iso = normalize_date(value)
        if iso and "T" in iso and iso.startswith(day[:10]):
            return iso
    return day


# Share of a one-block extraction that the page's own blocks must cover to replace it.
_RESTRUCTURE_COVER = 0.9


def _restructure(single: Block, tree: Any) -> list[Block]:
    """The page's own blocks that make up a one-block extraction.

    On short pages trafilatura falls back to a baseline that runs the whole story (headline,
    byline and paragraphs) into one paragraph; the page's elements, read by the walker, give
    the paragraphs back: those whose text lies inside the extraction, kept when together they
    cover most of it. Otherwise the single block stands."""
    walker = _Walker(xml=False)
    body = tree.find(".//body")
    walker.container(body if body is not None else tree, "p")
    whole = " ".join(single.text.split())
    found: list[Block] = []
    position = 0
    for block in walker.blocks:
        text = block.text if block.kind != CODE else " ".join(block.text.split())
        at = whole.find(text, position)
        if at < 0 or len(text) < 2:
            continue
        found.append(block)
        position = at + len(text)
    covered = sum(len(b.text) for b in found)
    return found if covered >= _RESTRUCTURE_COVER * len(whole) else [single]


def _filter(
    blocks: list[Block], title: str
) -> tuple[list[Block], list[str], str | None, str | None]:
    """The story/chrome judgement of text dumps over the prose blocks. Tables, code and lone
    URLs are not judged line by line: one stays when the prose just before it or anywhere
    after it stays."""
    prose = [(i, b) for i, b in enumerate(blocks) if not _structural(b)]
    kept_pairs, filtered = filter_blocks([(b.kind, b.text) for _, b in prose], title)
    kept: set[int] = set()
    cursor = 0
    for kind, text in kept_pairs:
        for position in range(cursor, len(prose)):
            index, block = prose[position]
            if (block.kind, block.text) == (kind, text):
                kept.add(index)
                cursor = position + 1
                break
    last_kept = max(kept, default=-1)
    out: list[Block] = []
    previous_prose_kept = True
    for index, block in enumerate(blocks):
        if _structural(block):
            if previous_prose_kept or index < last_kept:
                out.append(block)
        else:
            previous_prose_kept = index in kept
            if previous_prose_kept:
                out.append(block)
    return out, list(filtered.dropped), filtered.author, filtered.date


def _structural(block: Block) -> bool:
    """A table row, code, or a paragraph of nothing but verbatim spans (a link written out
    in a list of them): kept or dropped with the story around it, not judged as a line."""
    if block.kind in TABLE_KINDS or block.kind == CODE:
        return True
    parts = split_spans(block.text)
    return any(v for v, _ in parts) and all(v or not p.strip() for v, p in parts)


def _author(value: str | None) -> str | None:
    """An author without the separators a byline puts around it ("Name Surname ·")."""
    if not value:
        return None
    return value.strip(_SEPARATORS) or None


def _unescape(value: str | None) -> str | None:
    """Metadata with its character references decoded once (JSON-LD and meta tags often
    carry "&laquo;" or "&amp;" as text)."""
    return html_lib.unescape(value) if value else value


# How many dropped lines under the headline may hold its byline.
_BYLINE_REACH = 4


def _under_headline(tree: Any, title: str, dropped: list[str]) -> list[str]:
    """The first few of the dropped lines that the page shows after its headline, in order."""
    wanted = {chrome.key_of(line): line for line in dropped}
    headline = chrome.key_of(title)
    found: list[str] = []
    seen_headline = False
    for element in tree.iter("h1", "h2", *_TEXT_TAGS):
        key = chrome.key_of(clean_inline(element.text_content()))
        if not key:
            continue
        if key == headline:
            seen_headline = True
        elif seen_headline and key in wanted and wanted[key] not in found:
            found.append(wanted[key])
            if len(found) == _BYLINE_REACH:
                break
    return found


def _byline_from(dropped: list[str]) -> tuple[str | None, str | None]:
    """Author and date from the page's own byline text, the first that parses."""
    author = date = None
    for line in dropped:
        byline = parse_byline(line)
        if byline is None:
            continue
        author = author or byline.author
        date = date or byline.date
        if author and date:
            break
    return author, date


def xml_blocks(body: Any) -> list[Block]:
    """trafilatura's XML body (p, head, list/item, quote, table/row/cell, code, lb) as blocks."""
    walker = _Walker(xml=True)
    walker.container(body, "p")
    return walker.blocks


def fragment_blocks(fragment: str) -> list[Block]:
    """Blocks of an HTML fragment (a CMS body, a raw HTML block): every element is read."""
    import lxml.html

    text = _XML_DECLARATION.sub("", fragment, count=1)
    if not text.strip():
        return []
    try:
        roots = lxml.html.fragments_fromstring(text)
    except Exception:  # noqa: BLE001 - lxml raises several kinds for odd markup
        return [Block("p", clean_inline(_strip_tags(text)))]
    walker = _Walker(xml=False)
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


class _Walker:
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
        tag = _tag(element)
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
        if self.xml and parent is not None and _tag(parent) == "body":
            return True
        return "\n" in _code_text(element).strip("\n") and not "".join(self.run).strip()

    def table(self, table: Any) -> None:
        self.flush()
        rows = [
            (row, [c for c in row if _tag(c) in _CELLS])
            for row in table.iter()
            if _tag(row) in _ROWS and _nearest_table(row) is table
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
            if _tag(element) == "caption":
                self.container(element, "p")
        for row, row_cells in rows:
            texts = tuple(self._cell_text(cell) for cell in row_cells)
            if not any(texts):
                continue
            header = all(_tag(c) == "th" or c.get("role") == "head" for c in row_cells) or any(
                _tag(a) == "thead" for a in row.iterancestors()
            )
            kind = TABLE_HEADER if header else TABLE_ROW
            self.blocks.append(Block(kind, " | ".join(texts), texts))

    def _cell_text(self, cell: Any) -> str:
        inner = _Walker(xml=self.xml)
        inner.container(cell, "p")
        return " ".join(block.text for block in inner.blocks)


def _tag(element: Any) -> str | None:
    tag = element.tag
    if not isinstance(tag, str):  # comments, processing instructions
        return None
    return tag.rsplit("}", 1)[-1].lower()


def _nearest_table(element: Any) -> Any:
    for ancestor in element.iterancestors():
        if _tag(ancestor) in _TABLES:
            return ancestor
    return None


def _code_text(element: Any) -> str:
    """Code as written: text nodes as they are, a <br>/<lb> as a newline."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        parts.append(node.text or "")
        for child in node:
            tag = _tag(child)
            if tag in _BREAKS:
                parts.append("\n")
            elif tag is not None and tag not in _SKIP_TAGS:
                walk(child)
            parts.append(child.tail or "")

    walk(element)
    return "".join(parts)


_SITE_SUFFIX = re.compile(r"\s+[|—–\-:·]\s+[^|—–\-:·]{2,60}$")


def _pick_title(tree: Any, meta_title: str | None) -> str:
    """The page's h1 when it agrees with the metadata title, else that title less the site."""
    meta = clean_inline(meta_title or "")
    h1s = [clean_inline(h.text_content()) for h in tree.iter("h1")]
    h1s = [h for h in h1s if len(chrome.words(h)) >= 2]
    meta_key = chrome.key_of(meta)
    for h1 in h1s:
        key = chrome.key_of(h1)
        if meta_key and (key in meta_key or meta_key in key):
            return h1
    if meta:
        return _SITE_SUFFIX.sub("", meta) if len(chrome.words(meta)) > 4 else meta
    return h1s[0] if h1s else ""


def _page_lang(tree: Any) -> str | None:
    value = (tree.get("lang") or "").strip().lower()
    if not value:
        for meta in tree.iter("meta"):
            if (meta.get("property") or meta.get("http-equiv") or "").lower() in (
                "og:locale",
                "content-language",
            ):
                value = (meta.get("content") or "").lower()
                break
    code = re.split(r"[-_]", value)[0] if value else ""
    code = {"ua": "uk"}.get(code, code)
    return code if code in LANGS else None


def _dropped_text(tree: Any, blocks: Iterable[Block], title: str) -> list[str]:
    """Roughly what the page showed that the story leaves out: menus, asides, footers."""
    kept = " \n ".join([chrome.key_of(title)] + [chrome.key_of(b.text) for b in blocks])
    skipped = ("script", "style", "noscript", "template", "svg", "head", "iframe")
    dropped: list[str] = []
    seen: set[str] = set()
    for element in tree.iter(*_TEXT_TAGS):
        if any(_tag(parent) in skipped for parent in element.iterancestors()):
            continue
        if any(child.tag in _TEXT_TAGS for child in element):
            own = clean_inline(element.text or "")
        else:
            own = clean_inline(element.text_content())
        key = chrome.key_of(own)
        if not key or key in seen or key in kept:
            continue
        seen.add(key)
        dropped.append(own)
    return dropped
