"""The static trilingual site: a page per article and language, indexes, Atom feeds, sitemap.

Layout under ``site/``: ``<lang>/<slug>.html``, ``<lang>/index.html``, ``<lang>/feed.xml``,
``index.html`` (language chooser) and ``sitemap.xml``. Pages link each other relatively, so the
folder works from ``file://`` and any web root; ``base_url`` (the address ``site/`` is served at)
makes canonical links, alternates, feeds and the sitemap absolute. No external requests: the CSS
is inlined and there are no scripts or web fonts.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources
from string import Template

from pipeline.domain import LANGS, PipelineError, shorten
from pipeline.publish.body import body_html
from pipeline.publish.collect import ArticleVersions, LangVersion, clean

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

SWITCHER_LABELS = {"uk": "Укр", "ru": "Рус", "en": "Eng"}
LANG_NAMES = {"uk": "Українська", "ru": "Русский", "en": "English"}
TEXTS = {
    "uk": {
        "articles": "Статті",
        "empty": "Статей поки немає.",
        "unavailable": "Цією мовою недоступно",
        "languages": "Мови",
        "machine": "Цей текст перекладено машинно ({models}) і ще не перевірено редактором.",
        "machine_short": "машинний переклад",
    },
    "ru": {
        "articles": "Статьи",
        "empty": "Статей пока нет.",
        "unavailable": "На этом языке недоступно",
        "languages": "Языки",
        "machine": "Этот текст переведён машинно ({models}) и ещё не проверен редактором.",
        "machine_short": "машинный перевод",
    },
    "en": {
        "articles": "Articles",
        "empty": "No articles yet.",
        "unavailable": "Not available in this language",
        "languages": "Languages",
        "machine": "This text was machine-translated ({models}) and has not been reviewed by an"
        " editor.",
        "machine_short": "machine translation",
    },
}


@dataclass(frozen=True, kw_only=True)
class SiteOptions:
    base_url: str | None
    site_title: str
    now: str  # RFC 3339; only for feeds with no entries, so output stays reproducible


def render_site(
    articles: Sequence[ArticleVersions], options: SiteOptions
) -> Iterator[tuple[str, bytes]]:
    """(path under site/, bytes) for every file of the site."""
    urls = _Urls(options.base_url)
    for article in articles:
        for lang in article.published:
            yield f"{lang}/{article.slug}.html", _page(article, lang, urls, options)
    for lang in LANGS:
        listed = [a for a in articles if lang in a.published]
        yield f"{lang}/index.html", _index(listed, lang, urls, options)
        yield f"{lang}/feed.xml", _feed(listed, lang, urls, options)
    yield "index.html", _home(urls, options)
    yield "sitemap.xml", _sitemap(articles, urls)


class BaseUrlError(PipelineError):
    pass


# Characters kept as they are in a path: RFC 3986 unreserved, sub-delims, ':', '@', '/', and
# '%' so that an address already percent-encoded is not encoded twice.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"


def check_base_url(base_url: str) -> str:
    """The address site/ is served at, checked and percent-encoded for use in every link.

    Raises BaseUrlError (one line, naming the fix) unless it is an absolute http(s) URL with a
    host and no query or fragment. Spaces and non-ASCII letters in the path are
    percent-encoded as UTF-8 (RFC 3986, section 2.1); a non-ASCII host becomes its IDNA
    (punycode) form (RFC 5890). The trailing slash is dropped.
    """
    from urllib.parse import quote, urlsplit, urlunsplit

    fix = "give an absolute http(s) address like https://news.example.org/ru-news"
    text = base_url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise BaseUrlError(f"--base-url {base_url!r}: {exc}; {fix}") from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise BaseUrlError(f"--base-url {base_url!r}: not an http(s) URL; {fix}")
    host = parts.hostname or ""
    if not host or any(c.isspace() for c in host) or "@" in parts.netloc:
        raise BaseUrlError(f"--base-url {base_url!r}: no valid host name; {fix}")
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        raise BaseUrlError(f"--base-url {base_url!r}: has a query or fragment; {fix}")
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise BaseUrlError(f"--base-url {base_url!r}: host {host!r} is not valid; {fix}") from exc
    netloc = f"[{ascii_host}]" if ":" in ascii_host else ascii_host
    if port is not None:
        netloc += f":{port}"
    path = quote(parts.path, safe=_PATH_SAFE).rstrip("/")
    return urlunsplit((parts.scheme.lower(), netloc, path, "", ""))


class _Urls:
    def __init__(self, base_url: str | None) -> None:
        self.base = check_base_url(base_url) if base_url else None

    def link(self, from_lang: str | None, lang: str | None, name: str) -> str:
        """From a page in from_lang/ (None: the site root) to lang/name (lang None: the root)."""
        if self.base:
            return f"{self.base}/{lang}/{name}" if lang else f"{self.base}/{name}"
        if from_lang == lang:
            return name
        if lang is None:
            return f"../{name}"
        return f"{lang}/{name}" if from_lang is None else f"../{lang}/{name}"


# An alternate: (hreflang, language folder or None for the site root, file name).
Alternate = tuple[str, str | None, str]


def article_alternates(article: ArticleVersions) -> list[Alternate]:
    """An article's published languages, and x-default: its own language where published (what
    the newsroom wrote), else its first published language."""
    name = f"{article.slug}.html"
    available = article.published
    found: list[Alternate] = [(lang, lang, name) for lang in LANGS if lang in available]
    default = article.stored.lang
    fallback = default if default in available else (available[0] if available else None)
    if fallback:
        found.append(("x-default", fallback, name))
    return found


def index_alternates() -> list[Alternate]:
    """The language indexes, and x-default: the root language chooser."""
    return [(lang, lang, "index.html") for lang in LANGS] + [("x-default", None, "index.html")]


def _page(article: ArticleVersions, lang: str, urls: _Urls, options: SiteOptions) -> bytes:
    stored = article.stored
    version = article.langs[lang]
    name = f"{article.slug}.html"
    paragraphs = version.paragraphs()
    description = next((text for _, kind, text in paragraphs if kind == "p"), "")
    meta = [_time(article)] if article.date else []
    if stored.author:
        meta.append(_e(stored.author))
    if stored.url and stored.url.lower().startswith(("http://", "https://")):
        meta.append(f'<a href="{_e(stored.url)}" rel="nofollow">{_e(_host(stored.url))}</a>')
    notice = ""
    if version.machine_translated:
        models = ", ".join(version.unreviewed_models) or "MarianMT"
        text = TEXTS[lang]["machine"].format(models=models)
        notice = f'<p class="notice" role="note" data-machine-translated="true">{_e(text)}</p>\n'
    values = {
        "lang": lang,
        "title": _e(article.title(lang)),
        "description": _e(shorten(description, 200)),
        "canonical": _e(urls.link(lang, lang, name)),
        "alternates": _alternates(article_alternates(article), lang, urls),
        "feed_title": _e(f"{options.site_title} ({LANG_NAMES[lang]})"),
        "feed_href": _e(urls.link(lang, lang, "feed.xml")),
        "css": _template_text("style.css"),
        "site_title": _e(options.site_title),
        "langs_label": TEXTS[lang]["languages"],
        "switcher": _switcher(lang, name, article.published, urls),
        "meta": " · ".join(meta),
        "notice": notice,
        "body": _body(version, lang),
    }
    return _fill("page.html", values)


def _body(version: LangVersion, lang: str) -> str:
    return body_html(version, lang)


def _switcher(lang: str, name: str, available: Sequence[str], urls: _Urls) -> str:
    items = []
    for other in LANGS:
        label = SWITCHER_LABELS[other]
        if other == lang:
            items.append(f'<span class="current" lang="{other}" aria-current="page">{label}</span>')
        elif other in available:
            href = _e(urls.link(lang, other, name))
            items.append(
                f'<a href="{href}" hreflang="{other}" lang="{other}" rel="alternate">{label}</a>'
            )
        else:
            title = _e(TEXTS[lang]["unavailable"])
            items.append(
                f'<span class="unavailable" lang="{other}" title="{title}"'
                f' aria-disabled="true">{label}</span>'
            )
    return " | ".join(items)


def _alternates(alternates: Sequence[Alternate], from_lang: str | None, urls: _Urls) -> str:
    return "\n".join(
        f'<link rel="alternate" hreflang="{hreflang}"'
        f' href="{_e(urls.link(from_lang, folder, name))}">'
        for hreflang, folder, name in alternates
    )


def _time(article: ArticleVersions) -> str:
    """The publication date as a <time> element; empty when the story has no date."""
    if not article.date or not article.day:
        return ""
    return f'<time datetime="{_e(article.date)}">{_e(article.day)}</time>'


def _index(
    articles: Sequence[ArticleVersions], lang: str, urls: _Urls, options: SiteOptions
) -> bytes:
    rows = []
    for article in articles:
        mark = ""
        if article.langs[lang].machine_translated:
            mark = f' <span class="mt">({_e(TEXTS[lang]["machine_short"])})</span>'
        rows.append(
            f"<li>{_time(article)}"
            f'<a href="{_e(article.slug)}.html">{_e(article.title(lang))}</a>{mark}</li>'
        )
    items = (
        '<ol class="articles">\n' + "\n".join(rows) + "\n</ol>"
        if rows
        else f"<p>{_e(TEXTS[lang]['empty'])}</p>"
    )
    values = {
        "lang": lang,
        "heading": _e(TEXTS[lang]["articles"]),
        "site_title": _e(options.site_title),
        "canonical": _e(urls.link(lang, lang, "index.html")),
        "alternates": _alternates(index_alternates(), lang, urls),
        "feed_title": _e(f"{options.site_title} ({LANG_NAMES[lang]})"),
        "feed_href": _e(urls.link(lang, lang, "feed.xml")),
        "css": _template_text("style.css"),
        "langs_label": TEXTS[lang]["languages"],
        "switcher": _switcher(lang, "index.html", LANGS, urls),
        "items": items,
    }
    return _fill("index.html", values)


def _home(urls: _Urls, options: SiteOptions) -> bytes:
    """The root language chooser: every language's index, and the x-default of the indexes.
    Its own text is in no single language, so its lang is "mul" (ISO 639-2, multiple
    languages); each link carries its language."""
    links = "\n".join(
        f'<li><a href="{_e(urls.link(None, lang, "index.html"))}" hreflang="{lang}"'
        f' lang="{lang}">{LANG_NAMES[lang]}</a></li>'
        for lang in LANGS
    )
    values = {
        "lang": "mul",
        "site_title": _e(options.site_title),
        "canonical": _e(urls.link(None, None, "index.html")),
        "alternates": _alternates(index_alternates(), None, urls),
        "css": _template_text("style.css"),
        "links": links,
    }
    return _fill("home.html", values)


def _feed(
    articles: Sequence[ArticleVersions], lang: str, urls: _Urls, options: SiteOptions
) -> bytes:
    feed = ET.Element("feed", {"xmlns": ATOM, _XML_LANG: lang})
    base = urls.base
    ET.SubElement(feed, "id").text = f"{base}/{lang}/" if base else f"urn:pipeline:feed:{lang}"
    ET.SubElement(feed, "title").text = f"{options.site_title} ({LANG_NAMES[lang]})"
    updated = max((a.updated(lang) for a in articles), default=options.now)
    ET.SubElement(feed, "updated").text = updated
    author = ET.SubElement(feed, "author")
    ET.SubElement(author, "name").text = options.site_title
    if base:
        ET.SubElement(feed, "link", {"rel": "self", "href": f"{base}/{lang}/feed.xml"})
    ET.SubElement(feed, "link", {"rel": "alternate", "href": urls.link(lang, lang, "index.html")})
    ET.SubElement(feed, "generator").text = "pipeline"
    for article in articles:
        entry = ET.SubElement(feed, "entry")
        ET.SubElement(entry, "id").text = f"urn:pipeline:article:{article.stored.id}:{lang}"
        ET.SubElement(entry, "title").text = clean(article.title(lang))
        ET.SubElement(entry, "updated").text = article.updated(lang)
        if article.date:  # Atom's published is optional; no date is better than a wrong one
            ET.SubElement(entry, "published").text = article.date
        href = urls.link(lang, lang, f"{article.slug}.html")
        ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": href})
        if article.stored.author:
            entry_author = ET.SubElement(entry, "author")
            ET.SubElement(entry_author, "name").text = clean(article.stored.author)
        summary = next((t for _, k, t in article.langs[lang].paragraphs() if k == "p"), "")
        ET.SubElement(entry, "summary").text = clean(shorten(summary, 300))
    return _xml(feed)


def _sitemap(articles: Sequence[ArticleVersions], urls: _Urls) -> bytes:
    """Every page with the same alternates (x-default included) as its own head, the root
    chooser first. Relative locations without a base URL (search engines need --base-url)."""
    root = ET.Element("urlset", {"xmlns": SITEMAP, "xmlns:xhtml": XHTML})
    indexes = index_alternates()
    entries: list[tuple[str | None, str, list[Alternate], ArticleVersions | None]] = [
        (None, "index.html", indexes, None)
    ]
    entries += [(lang, "index.html", indexes, None) for lang in LANGS]
    for article in articles:
        alternates = article_alternates(article)
        entries += [
            (lang, f"{article.slug}.html", alternates, article) for lang in article.published
        ]
    for folder, name, alternates, page_article in entries:
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = urls.link(None, folder, name)
        if page_article is not None and folder is not None:
            ET.SubElement(url, "lastmod").text = page_article.updated(folder)
        for hreflang, other, other_name in alternates:
            ET.SubElement(
                url,
                "xhtml:link",
                {
                    "rel": "alternate",
                    "hreflang": hreflang,
                    "href": urls.link(None, other, other_name),
                },
            )
    return _xml(root)


def _xml(root: ET.Element) -> bytes:
    """Serialise a tree whose namespaces are plain xmlns attributes on the root (ElementTree's
    own namespace handling cannot mix a default namespace with unqualified attributes)."""
    ET.indent(root, space=" ")
    text = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n").encode("utf-8")


@cache
def _template_text(name: str) -> str:
    return (resources.files("pipeline.publish") / "templates" / name).read_text(encoding="utf-8")


def _fill(name: str, values: dict[str, str]) -> bytes:
    return Template(_template_text(name)).substitute(values).encode("utf-8")


def _e(text: str) -> str:
    return escape(text, quote=True)


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).netloc or url


