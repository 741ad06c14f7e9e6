"""Find the editions of one story among stored articles (pure: plain records in, pairs out).

A newsroom that publishes in uk, ru and en has each story as two or three articles. They are
paired in two ways:

- **declared**: an article whose ``translation_of`` names another's url (or id), or one the
  store already links (``edition_of``). Confidence 1.0.
- **automatic**: two articles in different languages scored on what editions share:
  - the url with its language marker taken out (``/uk/`` ``/rus/`` ``/en/`` path parts, a
    ``-ua``/``_en`` suffix on a path part, ``?lang=``/``?hl=``, a ``ru.``/``en.`` subdomain):
    the same language-neutral url is the strongest sign (``URL_SAME``);
  - the same for the file an article was read from, where its name or folder carries a
    language marker (``budget.uk.md`` / ``budget.en.md``, ``uk/budget.md`` / ``en/budget.md``,
    ``budget_ru.txt``), counted as a url is, when that name holds one article per language;
  - the date (the same day, or the next: editions go out within hours);
  - numbers both texts hold (amounts, dates, counts survive translation as digits);
  - names: capitalised words, transliterated to Latin letters, that both texts hold;
  - title similarity (`pipeline.align.similarity.text_similarity`).

  A pair at or above ``LINK`` is linked; one between ``REPORT`` and ``LINK`` is *uncertain*:
  reported, never linked (a wrong link would put one story's text into another's). The
  weights are set by hand on the samples and the tests' cases, not fitted; see ``pair_score``.

A story is a set of linked articles with one per language; its original is the article the
others declare themselves editions of, else the earliest dated, else the first in uk, ru, en
order (the newsrooms this serves write in Ukrainian first).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date as Date
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

LANG_ORDER: tuple[str, ...] = ("uk", "ru", "en")

# Confidence thresholds (see the module docstring).
LINK = 0.75
REPORT = 0.4
URL_SAME = 0.9

# Language markers newsrooms put into urls, each mapped to our language code.
URL_LANGS: dict[str, str] = {
    "uk": "uk",
    "ua": "uk",
    "ukr": "uk",
    "ru": "ru",
    "rus": "ru",
    "en": "en",
    "eng": "en",
}
_QUERY_KEYS = ("lang", "language", "hl", "locale")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_WORD = re.compile(r"\w+")
# a path part with a language suffix: "story-en", "story_ru.html"
_SUFFIX = re.compile(r"^(?P<stem>.+?)[-_.](?P<lang>[a-z]{2,3})(?P<ext>\.html?|\.php)?$")
_TRANSLIT = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ye",
        "ё": "e", "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k",
        "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
        "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
        "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "'": "", "’": "",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Candidate:
    """One stored article as pairing sees it.

    ``sentences``: its text in reading order (the title first); ``translation_of``: the url or
    id of the article it declares itself an edition of; ``edition_of``: the id of the article
    the store already links it to, kept as linked (with ``edition_confidence``)."""

    id: str
    lang: str
    title: str
    sentences: tuple[str, ...] = ()
    url: str | None = None
    date: str | None = None  # ISO 8601, as stored
    translation_of: str | None = None
    edition_of: str | None = None
    edition_confidence: float | None = None  # of the stored link (None: declared or unknown)
    source_path: str | None = None  # the file it was read from


@dataclass(frozen=True)
class Pair:
    """Two articles that may be editions of one story; ``reasons`` name what agreed."""

    original: str
    edition: str
    confidence: float
    reasons: tuple[str, ...] = ()
    declared: bool = False


@dataclass(frozen=True)
class Story:
    """An original and its linked editions (at most one per language)."""

    original: str
    editions: tuple[Pair, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return (self.original, *(pair.edition for pair in self.editions))


@dataclass
class Pairing:
    stories: list[Story] = field(default_factory=list)
    uncertain: list[Pair] = field(default_factory=list)  # reported, not linked


def neutral_url(url: str | None) -> tuple[str, str | None] | None:
    """The url with its language marker taken out, and the language it named (None where the
    url names none): "https://x.example/ru/a/b" -> ("x.example/a/b", "ru"). Scheme, "www.",
    a trailing slash and the fragment are ignored. None for no url."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    found: str | None = None
    labels = host.split(".")
    if len(labels) > 2 and labels[0] in URL_LANGS:
        found = URL_LANGS[labels[0]]
        host = ".".join(labels[1:])
    path_parts = []
    for part in parts.path.split("/"):
        low = part.lower()
        if not low:
            continue
        if low in URL_LANGS and found is None:
            found = URL_LANGS[low]
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
            if parts[index] in URL_LANGS:
                found = URL_LANGS[parts[index]]
                del parts[index]
                break
    if found is None:
        return None
    return "/".join(parts), found


def numbers(text: str) -> set[str]:
    """Numbers written with digits, separators normalised ("3,2" and "3.2" are one)."""
    return {n.replace(",", ".") for n in _NUMBER.findall(text)}


def names(text: str) -> set[str]:
    """Capitalised words not at a sentence start, in Latin letters (Kyiv/Київ/Киев -> kyi..),
    cut to 4 letters so case endings and spelling variants meet."""
    found = set()
    words = list(_WORD.finditer(text))
    for index, match in enumerate(words):
        word = match.group()
        before = text[: match.start()].rstrip()
        if not word[:1].isupper() or index == 0 or before.endswith((".", "!", "?", "«", '"')):
            continue
        latin = _latin(word)
        if len(latin) >= 4:
            found.add(latin[:4])
    return found


def _latin(word: str) -> str:
    plain = unicodedata.normalize("NFKD", word.lower().translate(_TRANSLIT))
    return "".join(ch for ch in plain if ch.isascii() and ch.isalpha())


def _overlap(a: set[str], b: set[str]) -> float:
    """Shared items over the larger set (0 when either is empty): editions hold nearly the same
    numbers and names, while a short text's few numbers are easily found in a long one."""
    if not a or not b:
        return 0.0
    return len(a & b) / max(len(a), len(b))


def _day(value: str | None) -> Date | None:
    try:
        return Date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def title_similarity(a: str, b: str) -> float:
    """Cross-language similarity of two titles in [0, 1] (``similarity.text_similarity``)."""
    from pipeline.align.similarity import text_similarity

    return text_similarity(a, b)


def pair_score(
    a: Candidate, b: Candidate, *, same_file: bool = False
) -> tuple[float, tuple[str, ...]]:
    """How sure we are that two articles are editions of one story, in [0, 1], and why.

    The same language-neutral url, or (``same_file``) the same language-neutral file name,
    gives ``URL_SAME`` (+0.1 when the day agrees; down to 0.5 when the dates are more than a
    day apart: a url reused for a different story). Without it,
    a weighted sum of title similarity (0.35), shared numbers (0.25), shared names (0.2) and
    the same day (0.2); a pair with no date in common stays under ``LINK``."""
    if a.lang == b.lang:
        return 0.0, ()
    reasons: list[str] = []
    day_a, day_b = _day(a.date), _day(b.date)
    days_apart = abs((day_a - day_b).days) if day_a and day_b else None
    same_day = days_apart is not None and days_apart <= 1
    url_a, url_b = neutral_url(a.url), neutral_url(b.url)
    same_url = bool(url_a and url_b and url_a[0] == url_b[0] and url_a[1] != url_b[1])
    if same_url or same_file:
        reasons.append("url" if same_url else "file name")
        if days_apart is not None and days_apart > 1:
            return 0.5, (*reasons, f"dates {days_apart} days apart")
        if same_day:
            reasons.append("date")
        return (URL_SAME + (0.1 if same_day else 0.0)), tuple(reasons)
    text_a = " ".join((a.title, *a.sentences))
    text_b = " ".join((b.title, *b.sentences))
    title = title_similarity(a.title, b.title)
    shared_numbers = _overlap(numbers(text_a), numbers(text_b))
    shared_names = _overlap(names(text_a), names(text_b))
    score = 0.35 * title + 0.25 * shared_numbers + 0.2 * shared_names + (0.2 if same_day else 0)
    for name, value in (("title", title), ("numbers", shared_numbers), ("names", shared_names)):
        if value >= 0.5:
            reasons.append(f"{name} {value:.2f}")
    if same_day:
        reasons.append("date")
    else:
        score = min(score, LINK - 0.05)
    return round(min(score, 1.0), 3), tuple(reasons)


def pair_editions(
    candidates: Sequence[Candidate],
    *,
    focus: Iterable[str] | None = None,
    link: float = LINK,
    report: float = REPORT,
) -> Pairing:
    """Group candidates into stories (see the module docstring for how and with what
    confidence). Every candidate in a story of two or more appears once; a candidate paired
    with nothing is left out. Pairs scoring in [report, link) come back as ``uncertain``.

    Automatic scoring compares articles of different languages only, and without a shared url
    only those dated within a day of each other (or undated); with ``focus`` (ids, e.g. the
    articles just ingested) only pairs holding one of them are scored, so an ingest into a
    large store costs little. Declared and stored links are always kept."""
    focused = set(focus) if focus is not None else None
    by_id = {c.id: c for c in candidates}
    by_url = {}
    for c in candidates:
        if c.url:
            by_url[c.url.strip()] = c.id
    parent: dict[str, str] = {c.id: c.id for c in candidates}
    langs: dict[str, set[str]] = {c.id: {c.lang} for c in candidates}
    declared_of: dict[str, str] = {}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(x: str, y: str) -> bool:
        rx, ry = root(x), root(y)
        if rx == ry or langs[rx] & langs[ry]:
            return False
        parent[ry] = rx
        langs[rx] |= langs[ry]
        return True

    pairs: list[Pair] = []
    for c in candidates:
        declared = by_url.get((c.translation_of or "").strip())
        if declared is None and c.translation_of in by_id:
            declared = c.translation_of
        target = c.edition_of or declared
        if target and target in by_id and target != c.id and join(target, c.id):
            declared_of[c.id] = target
            if target == declared:
                pairs.append(Pair(target, c.id, 1.0, ("declared",), declared=True))
            else:
                sure = 1.0 if c.edition_confidence is None else c.edition_confidence
                pairs.append(Pair(target, c.id, sure, ("linked before",)))
    files = _file_keys(candidates)
    scored: list[Pair] = []
    ordered = sorted(candidates, key=lambda c: (_lang_rank(c.lang), c.id))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if a.lang == b.lang or root(a.id) == root(b.id):
                continue
            if focused is not None and a.id not in focused and b.id not in focused:
                continue
            same_file = a.id in files and files[a.id] == files.get(b.id)
            if not same_file and not _worth_scoring(a, b):
                continue
            confidence, reasons = pair_score(a, b, same_file=same_file)
            if confidence >= report:
                scored.append(Pair(a.id, b.id, confidence, reasons))
    scored.sort(key=lambda p: (-p.confidence, p.original, p.edition))
    uncertain = []
    for pair in scored:
        if pair.confidence >= link and join(pair.original, pair.edition):
            pairs.append(pair)
        elif pair.confidence < link and root(pair.original) != root(pair.edition):
            uncertain.append(pair)
    groups: dict[str, list[str]] = {}
    for c in candidates:
        groups.setdefault(root(c.id), []).append(c.id)
    stories = []
    for members in groups.values():
        if len(members) < 2:
            continue
        original = _original(members, by_id, declared_of)
        editions = [_edition_pair(original, m, pairs + scored) for m in members if m != original]
        editions.sort(key=lambda p: _lang_rank(by_id[p.edition].lang))
        stories.append(Story(original, tuple(editions)))
    stories.sort(key=lambda s: s.original)
    return Pairing(stories=stories, uncertain=uncertain)


def _file_keys(candidates: Sequence[Candidate]) -> dict[str, str]:
    """id -> language-neutral file name, for articles whose file names a language and is the
    only article of its language under that name (a file of many articles says nothing about
    which of them go together)."""
    found: dict[str, tuple[str, str]] = {}
    count: dict[tuple[str, str], int] = {}
    for c in candidates:
        neutral = neutral_path(c.source_path)
        if neutral is not None:
            found[c.id] = (neutral[0], c.lang)
            count[found[c.id]] = count.get(found[c.id], 0) + 1
    return {i: key for i, (key, lang) in found.items() if count[(key, lang)] == 1}


def _lang_rank(lang: str) -> int:
    return LANG_ORDER.index(lang) if lang in LANG_ORDER else len(LANG_ORDER)


def _edition_pair(original: str, member: str, pairs: list[Pair]) -> Pair:
    """The pair of member and the original (``pairs``: linked first, then every scored one):
    direct, else through another edition (as sure as the weakest of member's links)."""
    for pair in pairs:
        if {pair.original, pair.edition} == {original, member}:
            return Pair(original, member, pair.confidence, pair.reasons, pair.declared)
    linked = [p for p in pairs if member in (p.original, p.edition)]
    weakest = min((p.confidence for p in linked), default=0.0)
    return Pair(original, member, weakest, ("through another edition",))


def _worth_scoring(a: Candidate, b: Candidate) -> bool:
    url_a, url_b = neutral_url(a.url), neutral_url(b.url)
    if url_a and url_b and url_a[0] == url_b[0]:
        return True
    day_a, day_b = _day(a.date), _day(b.date)
    return day_a is None or day_b is None or abs((day_a - day_b).days) <= 1


def _original(members: list[str], by_id: dict[str, Candidate], declared_of: dict[str, str]) -> str:
    named = [declared_of[m] for m in members if m in declared_of]
    named = [m for m in named if m not in declared_of]
    if named:
        return named[0]

    def order(member: str) -> tuple[str, int, str]:
        c = by_id[member]
        return ((c.date or "9999")[:10], _lang_rank(c.lang), member)

    return min(members, key=order)
