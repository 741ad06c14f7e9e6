"""Where an article lives, without its language: what pairs editions by url or file name.

Newsrooms put a language marker into an edition's url (a ``/rus/`` or ``/eng/`` path part, a
``-ua`` suffix, ``?lang=en``, an ``en.`` subdomain) or its file name (``budget.uk.md``,
``uk/budget.md``); taken out, the editions of one story share the rest (``neutral_url``,
``neutral_path``). Some sites give each language a domain of its own and a slug in its own
language, and keep only the article's number: ``ukrinform.ua/rubric-polytics/3841234-...`` and
``ukrinform.net/rubric-polytics/3841234-...`` (``article_number``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pipeline.domain import URL_LANGS, language_marker

_QUERY_KEYS = ("lang", "language", "hl", "locale")

# a path part with a language suffix: "story-en", "story_ru.html"
_SUFFIX = re.compile(r"^(?P<stem>.+?)[-_.](?P<lang>[a-z]{2,3})(?P<ext>\.html?|\.php)?$")


def neutral_url(url: str | None) -> tuple[str, str | None] | None:
    """The url with its language marker taken out, and the language it named (None where the
    url names none): "https://x.example/ru/a/b" -> ("x.example/a/b", "ru"). Scheme, "www.",
    a trailing slash and the fragment are ignored. None for no url."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    labels, found = _host_labels(parts.netloc)
    host = ".".join(labels)
    path_parts = []
    for part in parts.path.split("/"):
        low = part.lower()
        if not low:
            continue
        marker = language_marker(low)
        if marker is not None and found is None:
            found = marker
            continue
        marked = _SUFFIX.match(low)
        if marked and marked["lang"] in URL_LANGS and found is None:
            found = URL_LANGS[marked["lang"]]
            low = marked["stem"] + (marked["ext"] or "")
        path_parts.append(low)
    query = []
    for key, value in parse_qsl(parts.query):
        if key.lower() in _QUERY_KEYS and value.lower()[:2] in URL_LANGS:
            found = found or URL_LANGS[value.lower()[:2]]
            continue
        query.append((key, value))
    neutral = urlunsplit(("", host, "/".join(path_parts), urlencode(sorted(query)), ""))
    return neutral.lstrip("/"), found


def _host_labels(netloc: str) -> tuple[list[str], str | None]:
    """A host's labels without "www.", a port or a leading language label ("en."), and the
    language that label named."""
    labels = netloc.lower().split(":")[0].removeprefix("www.").split(".")
    if len(labels) > 2 and labels[0] in URL_LANGS:
        return labels[1:], URL_LANGS[labels[0]]
    return labels, None


# a file name with a language marker before its extension: "budget.uk.md", "budget-en.html"
_FILE = re.compile(r"^(?P<stem>.+?)[-_.](?P<lang>[a-z]{2,3})(?P<ext>(?:\.[a-z0-9]{1,5})*)$")


def neutral_path(path: str | None) -> tuple[str, str] | None:
    """A file path with its language marker taken out, and the language it named, or None when
    neither the file name nor a folder names a language: "news/budget.uk.md" ->
    ("news/budget.md", "uk"), "en/budget.md" -> ("budget.md", "en") with the folder dropped."""
    if not path:
        return None
    parts = [part for part in path.replace("\\", "/").lower().split("/") if part]
    if not parts:
        return None
    found: str | None = None
    marked = _FILE.match(parts[-1])
    if marked and marked["lang"] in URL_LANGS:
        found = URL_LANGS[marked["lang"]]
        parts[-1] = marked["stem"] + marked["ext"]
    else:
        for index in range(len(parts) - 2, -1, -1):
            found = language_marker(parts[index])
            if found is not None:
                del parts[index]
                break
    if found is None:
        return None
    return "/".join(parts), found


# Digits an article number has at least: shorter runs are counts and years in slugs.
NUMBER_DIGITS = 5
_DIGITS = re.compile(r"\d+")
# Labels under a country domain that name no site: "pravda.com.ua" is the site "pravda".
_GENERIC = frozenset({"com", "net", "org", "co", "gov", "edu", "in"})


def article_number(url: str | None) -> tuple[str, str] | None:
    """The site and the article number of a url, or None: ``("ukrinform", "3841234")`` for
    ``https://www.ukrinform.net/rubric-polytics/3841234-zelensky-to-hold-meeting.html``.

    The site is the host without "www.", a language label (``en.``) and its top-level domain
    (and a generic second level such as ``com.``), so ``ukrinform.ua``, ``.ru`` and ``.net``
    are one site. The number is the one run of at least ``NUMBER_DIGITS`` digits in the last
    part of the path that is not a date (``20260321``); None where there is none or more
    than one."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    labels = _host_labels(parts.netloc)[0][:-1]
    while len(labels) > 1 and labels[-1] in _GENERIC:
        labels = labels[:-1]
    path = [part for part in parts.path.split("/") if part and language_marker(part) is None]
    if not labels or not labels[0] or not path:
        return None
    runs = [
        run.lstrip("0")
        for run in _DIGITS.findall(path[-1])
        if len(run) >= NUMBER_DIGITS and not _is_date(run)
    ]
    if len(runs) != 1 or not runs[0]:
        return None
    return ".".join(labels), runs[0]


def _is_date(digits: str) -> bool:
    """Whether a run of digits reads as a date, YYYYMMDD from 1990 to 2099."""
    if len(digits) != 8:
        return False
    year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:])
    return 1990 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= 31


def unique_keys(
    keyed: Iterable[tuple[str, str, object | None]],
) -> dict[str, object]:
    """id -> key for ``(id, language, key)`` triples whose key no other article of that
    language has (an unkeyed article, None, is left out): a key many articles of one language
    share (a file of many articles, a number every article of a day carries) says nothing
    about which of them go together."""
    found: dict[str, tuple[object, str]] = {}
    count: dict[tuple[object, str], int] = {}
    for article_id, lang, key in keyed:
        if key is not None:
            found[article_id] = (key, lang)
            count[(key, lang)] = count.get((key, lang), 0) + 1
    return {i: key for i, (key, lang) in found.items() if count[(key, lang)] == 1}
