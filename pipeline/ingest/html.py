"""HTML pages: trafilatura finds the main content; its XML keeps the paragraph structure."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pipeline.domain import LANGS
from pipeline.ingest import chrome
from pipeline.ingest.byline import clean_author, parse_byline
from pipeline.ingest.common import clean_inline
from pipeline.ingest.dates import normalize_date
from pipeline.ingest.text import filter_blocks

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
_SKIP_TAGS = ("script", "style", "noscript", "template", "svg", "head", "iframe")


@dataclass
class HtmlParts:
    title: str
    blocks: list[tuple[str, str]]
    author: str | None = None
    date: str | None = None
    url: str | None = None
    lang: str | None = None
    dropped: list[str] = field(default_factory=list)


def parse_html(html: str) -> HtmlParts | None:
    """Title, metadata and story blocks of a page; None when no main content was found."""
    import lxml.html
    from trafilatura import bare_extraction

    document: Any = bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_formatting=False,
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
    blocks = body_blocks(document.body)
    tree = lxml.html.fromstring(html)
    title = _pick_title(tree, document.title)
    if blocks and title and chrome.key_of(blocks[0][1]) == chrome.key_of(title):
        blocks = blocks[1:]
    if not title and blocks and blocks[0][0] == "h":
        title, blocks = blocks[0][1], blocks[1:]
    # trafilatura keeps some in-article chrome ("Читайте також: ...", tag lines, bylines).
    blocks, filtered = filter_blocks(blocks, title)
    dropped = list(dict.fromkeys(filtered.dropped + _dropped_text(tree, blocks, title)))
    author, date = _byline_from(dropped)
    return HtmlParts(
        title=title,
        blocks=blocks,
        author=clean_author(document.author) or author or filtered.author,
        date=_published(tree, document.date) or date or filtered.date,
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


def _published(tree: Any, found: str | None) -> str | None:
    """The page's publication date with its time and zone where the page states them;
    `found` is the day trafilatura settled on (a full timestamp of another day loses)."""
    day = normalize_date(found) if found else None
    candidates: list[str] = []
    for meta in tree.iter("meta"):
        name = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if name in _PUBLISHED_META and meta.get("content"):
            candidates.append(meta.get("content"))
    for script in tree.iter("script"):
        if "ld+json" in (script.get("type") or ""):
            candidates += [m.group("value") for m in _JSON_LD_DATE.finditer(script.text or "")]
    candidates += [t.get("datetime") for t in tree.iter("time") if t.get("datetime")]
    for value in candidates:
        iso = normalize_date(value)
        if iso and "T" in iso and (day is None or iso.startswith(day[:10])):
            return iso
    return day


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


def body_blocks(body: Any) -> list[tuple[str, str]]:
    """trafilatura's XML body (p, head, list/item, quote) as (kind, text) pairs."""
    blocks: list[tuple[str, str]] = []
    for element in body:
        tag = element.tag
        if tag == "list":
            for item in element.iter("item"):
                text = _own_item_text(item)
                if text:
                    blocks.append(("li", text))
        elif tag == "quote":
            paragraphs = [p for p in element if p.tag == "p"]
            for part in paragraphs or [element]:
                blocks.append(("quote", clean_inline("".join(part.itertext()))))
        elif tag == "head":
            blocks.append(("h", clean_inline("".join(element.itertext()))))
        elif tag in ("p", "code", "div"):
            blocks.append(("p", clean_inline("".join(element.itertext()))))
    return [(kind, text) for kind, text in blocks if text]


def _own_item_text(item: Any) -> str:
    """An item's text without its nested list (whose items come as their own blocks)."""
    parts = [item.text or ""]
    for child in item:
        if child.tag != "list":
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return clean_inline("".join(parts))


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


def _dropped_text(tree: Any, blocks: list[tuple[str, str]], title: str) -> list[str]:
    """Roughly what the page showed that the story leaves out: menus, asides, footers."""
    kept = " \n ".join([chrome.key_of(title)] + [chrome.key_of(text) for _, text in blocks])
    dropped: list[str] = []
    seen: set[str] = set()
    for element in tree.iter(*_TEXT_TAGS):
        if any(parent.tag in _SKIP_TAGS for parent in element.iterancestors()):
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
