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

from pipeline.domain import LANGS, Block, language_code, language_marker, page_key
from pipeline.ingest import chrome
from pipeline.ingest.byline import clean_author, parse_byline
from pipeline.ingest.common import IngestError, clean_inline
from pipeline.ingest.dates import normalize_date
from pipeline.ingest.htmlwalk import (  # noqa: F401 (re-exported)
    SEPARATORS,
    TEXT_TAGS,
    XML_DECLARATION,
    Walker,
    fragment_blocks,
    looks_like_html,
    tag_of,
    xml_blocks,
)
from pipeline.ingest.text import filter_blocks
from pipeline.verbatim import (
    CODE,
    TABLE_KINDS,
    split_spans,
)


@dataclass
class HtmlParts:
    title: str
    blocks: list[Block]
    author: str | None = None
    date: str | None = None
    url: str | None = None
    lang: str | None = None
    dropped: list[str] = field(default_factory=list)
    # The page's editions in other languages as it links them (<link rel="alternate"
    # hreflang="ru" href="...">): language -> absolute url.
    alternates: dict[str, str] = field(default_factory=dict)


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
    html = XML_DECLARATION.sub("", html, count=1)
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
        alternates=_alternates(tree, document.url),
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
    walker = Walker(xml=False)
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


# Share of the extracted prose the text-dump rules must keep for their judgement to stand.
_TRUSTED_SHARE = 0.5


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
    prose_chars = sum(len(b.text) for _, b in prose)
    if sum(len(blocks[i].text) for i in kept) < _TRUSTED_SHARE * prose_chars:
        # trafilatura already chose this as the page's main content; rules made for text
        # dumps that would take most of it away (text in a language they have no stop words
        # for, a page of short lines) are overruled, and only a dateline they found is kept.
        return blocks, [], filtered.author, filtered.date
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
    return value.strip(SEPARATORS) or None


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
    for element in tree.iter("h1", "h2", *TEXT_TAGS):
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


def _alternates(tree: Any, base: str | None) -> dict[str, str]:
    """Language -> url of the page's editions in uk, ru and en, made absolute against the
    page's own url: its ``<link rel="alternate" hreflang=...>`` links (``x-default`` and other
    languages left out), else its language switcher, the "Укр | Рус | Eng" links whose whole
    text names a language (``SWITCHER``) or that carry ``hreflang``. The first of each
    language counts."""
    from urllib.parse import urljoin

    found: dict[str, str] = {}

    def add(code: str | None, href: str) -> None:
        if code in LANGS and href and code not in found and not href.lower().startswith(_NO_PAGE):
            found[code] = urljoin(base, href) if base else href

    for link in tree.iter("link"):
        if "alternate" in (link.get("rel") or "").lower().split():
            add(language_code(link.get("hreflang")), (link.get("href") or "").strip())
    if found:
        return found
    for anchor in tree.iter("a"):
        label = " ".join(anchor.text_content().split()).casefold().rstrip(".")
        code = language_code(anchor.get("hreflang")) or SWITCHER.get(label)
        add(code, (anchor.get("href") or "").strip())
    return found


# Links that name no page: an anchor on this one, mail, phone, a script.
_NO_PAGE = ("#", "mailto:", "tel:", "javascript:")
# Labels of a language switcher's links ("Укр | Рус | Eng"), each naming our language code.
SWITCHER = {
    "укр": "uk", "українська": "uk", "українською": "uk", "ua": "uk", "ukr": "uk",
    "рус": "ru", "русский": "ru", "російська": "ru", "ru": "ru", "rus": "ru",
    "eng": "en", "english": "en", "en": "en", "англ": "en",
}  # fmt: skip


def declared_original(parts: HtmlParts) -> str | None:
    """The url of the edition a page declares, by its alternates (hreflang links, else its
    language switcher), to be the original of its story, or None when the page is that
    edition or says nothing usable.

    The original is the first of the alternates in uk, ru, en order (the newsrooms this serves
    write in Ukrainian first; ``pairing`` takes the same order), if it is another page: not the
    page's own url (where the page names none, not in its language: a url says which page this
    is more surely than a ``lang`` attribute, which some sites leave "uk" on every edition), and
    not a site's home page (a page without a translation often links the other languages' home
    pages)."""
    if not parts.alternates:
        return None
    lang = next(code for code in LANGS if code in parts.alternates)
    url = parts.alternates[lang]
    key = page_key(url) or ""
    own = page_key(parts.url)
    if key == own or (own is None and parts.lang in (None, lang)):
        return None
    path = [part for part in key.split("?")[0].split("/")[1:] if language_marker(part) is None]
    return url if path else None


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
    return language_code(value)


def _dropped_text(tree: Any, blocks: Iterable[Block], title: str) -> list[str]:
    """Roughly what the page showed that the story leaves out: menus, asides, footers."""
    kept = " \n ".join([chrome.key_of(title)] + [chrome.key_of(b.text) for b in blocks])
    skipped = ("script", "style", "noscript", "template", "svg", "head", "iframe")
    dropped: list[str] = []
    seen: set[str] = set()
    for element in tree.iter(*TEXT_TAGS):
        if any(tag_of(parent) in skipped for parent in element.iterancestors()):
            continue
        if any(child.tag in TEXT_TAGS for child in element):
            own = clean_inline(element.text or "")
        else:
            own = clean_inline(element.text_content())
        key = chrome.key_of(own)
        if not key or key in seen or key in kept:
            continue
        seen.add(key)
        dropped.append(own)
    return dropped
