"""Author and date lines: "Автор: ...", "By ...", "Олена Петренко, 12 березня 2026, 14:30"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.ingest.chrome import SECTION_WORDS, STOP_WORDS, words
from pipeline.ingest.common import word_set
from pipeline.ingest.dates import MONTHS, TIME_RE, DateFound, find_date, parse_date

__all__ = [
    "Byline",
    "DateFound",
    "clean_author",
    "find_date",
    "looks_like_name_line",
    "parse_byline",
    "parse_date",
]

_TIME_RE = TIME_RE
MONTH_NAMES = frozenset(MONTHS)
_WEEKDAYS = word_set(
    "понеділок вівторок середа четвер пʼятниця п'ятниця субота неділя понедельник вторник "
    "среда четверг пятница суббота воскресенье monday tuesday wednesday thursday friday "
    "saturday sunday сьогодні вчора сегодня вчера today yesterday mon tue tues wed thu thur "
    "thurs fri sat sun пн вт ср чт пт сб нд вс"
)
_META_WORDS = word_set(
    "опубліковано опубликовано published оновлено обновлено updated дата date автор автори "
    "авторы author authors by текст text written редактор editor року р года г at о в "
    "хв мин min read читання чтения reading хвилин минут minutes"
)
_AUTHOR_PREFIX = re.compile(
    r"^\s*(?:автор(?:ка|и|ы)?|author(?:s)?|by|written by|текст|text|репортаж|reporting by|"
    r"розповідає|записала|записав|записал)(?:\s*[:\-—–]\s*|\s+)(?P<name>\S.*)$",
    re.IGNORECASE,
)
# Words of site navigation that a capitalised menu row ("All Sections", "Support Us") shares
# with nothing a person is called; with the section names they keep menus out of bylines.
_UI_WORDS = SECTION_WORDS | word_set(
    "all sections section search subscribe login log sign register support us about contact "
    "share follow donate account archive latest popular top read also tags rubrics рубрики "
    "розділи разделы пошук поиск підписатися подписаться увійти войти підтримати поддержать "
    "про нас о нас контакти контакты архів архив усі"
)
# Lower-case particles inside names (Марія де Віт, Ludwig van Beethoven).
_PARTICLES = word_set("de da di del der van von ван фон де ді да ибн ibn bin al el la le")
_SEPARATOR_EDGES = " \t|,;·•/-—–:"
# A name word: a capital then letters, with inner hyphens or apostrophes (Лисенко-Коваль, O'Neil).
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_]*(?:['ʼ’\-][^\W\d_]+)*\.?$")


@dataclass(frozen=True)
class Byline:
    author: str | None
    date: str | None  # ISO 8601 (see pipeline.ingest.dates), None when the line gives no year


def parse_byline(line: str) -> Byline | None:
    """Author and/or date when the line is only that (a byline, a dateline), else None.

    Read: "Автор: Name", "Автор — Name", "Author: Name", "By Name", "Name, 12 березня 2026,
    14:30", "NAME SURNAME · Mar. 16, 2026", a bare date or publication stamp. A line that is
    only a name is not read here (any short capitalised line would be); see
    looks_like_name_line for that, which callers apply next to the headline only.
    """
    stripped = line.strip()
    if not stripped or len(stripped) > 160:
        return None
    prefixed = _AUTHOR_PREFIX.match(stripped)
    date = find_date(stripped)
    rest = stripped
    if date is not None:
        rest = rest[: date.start] + " " + rest[date.end :]
    rest = _TIME_RE.sub(" ", rest)
    if prefixed:
        name_part = prefixed.group("name")
        if date is not None:
            name_part = _TIME_RE.sub(" ", name_part.replace(stripped[date.start : date.end], " "))
        author = _clean_name(name_part)
        if author is None and date is None:
            return None
        if author is not None and not _looks_like_name(author):
            return None
        return Byline(_recase(author), date.iso if date else None)
    if date is None and not _TIME_RE.search(stripped):
        return None
    leftover = [w for w in words(rest) if w.lower() not in _META_WORDS | _WEEKDAYS]
    if not leftover:
        return Byline(None, date.iso if date else None)
    # "Олена Петренко, 12 березня 2026": the rest must look like a name, not a sentence.
    if date is None or len(leftover) > 5 or any(w.lower() in STOP_WORDS for w in leftover):
        return None
    if not all(w[:1].isupper() for w in leftover):
        return None
    if any(w.lower() in _UI_WORDS for w in leftover):
        # A date beside a menu row (" date 2025-01-26 All Sections"): a date line, no author.
        return Byline(None, date.iso)
    return Byline(_recase(_clean_name(" ".join(leftover))), date.iso)


def looks_like_name_line(line: str) -> str | None:
    """The name when a line is only a person's name (2-4 capitalised words, or in capitals,
    maybe with a trailing separator: "Ivan Diakonov", "ОЛЕНА ПЕТРЕНКО ·"), else None.

    Any short capitalised line passes the shape test, so callers use it only where a byline
    stands: right next to the headline, before the story starts.
    """
    text = line.strip().strip(_SEPARATOR_EDGES)
    if not text or len(text) > 60 or text.endswith((".", "!", "?", "…")) and len(text) > 3:
        return None
    parts = text.split()
    if not 2 <= len(parts) <= 4:
        return None
    for part in parts:
        if part.lower() in _PARTICLES and part is not parts[0] and part is not parts[-1]:
            continue
        if not _NAME_WORD.match(part) or not part[:1].isupper():
            return None
        bare = part.rstrip(".").lower()
        if bare in STOP_WORDS or bare in _UI_WORDS or bare in _META_WORDS or bare in _WEEKDAYS:
            return None
        if bare in MONTH_NAMES:
            return None
    # Initials ("J. K. Rowling") are fine; a line of only initials or abbreviations is not.
    if sum(1 for part in parts if len(part.rstrip(".")) >= 2) < 2:
        return None
    return _recase(text)


def _recase(name: str | None) -> str | None:
    """A name set in capitals ("IVAN DIAKONOV") as a name is written ("Ivan Diakonov"); a
    single word in capitals is more likely an agency ("AFP", "УНІАН") and is kept."""
    if name is None:
        return None
    return ", ".join(_recase_one(part) for part in name.split(", "))


def _recase_one(name: str) -> str:
    if name != name.upper() or len(name.split()) < 2 or not any(ch.isalpha() for ch in name):
        return name
    return " ".join(
        "-".join(piece[:1] + piece[1:].lower() for piece in word.split("-"))
        for word in name.split(" ")
    )


def _looks_like_name(text: str) -> bool:
    found = words(text)
    if not found or len(found) > 8:
        return False
    capitalised = sum(1 for w in found if w[:1].isupper())
    return capitalised >= len(found) - 1 and not any(
        w.lower() in STOP_WORDS - {"і", "и", "and", "та"} for w in found
    )


def _clean_name(text: str) -> str | None:
    """Names of a byline, several joined by ", "; a part naming the outlet or a section
    ("Jane Smith, BBC News") is left out."""
    names: list[str] = []
    for part in re.split(r"\s*[|,;·•]+\s*|\s[—–\-]\s", text):
        kept = [w for w in part.split() if key(w) not in _META_WORDS | _WEEKDAYS]
        if names and any(key(w) in _UI_WORDS for w in kept):
            continue
        cleaned = " ".join(kept).strip(_SEPARATOR_EDGES + ".")
        if cleaned:
            names.append(cleaned)
    return ", ".join(names) or None


def key(word: str) -> str:
    return word.lower().strip(".,:;")


def clean_author(value: str | None) -> str | None:
    """An author field without its label or separators: "Автор: Ірина Лисенко" and
    "Ірина Лисенко ·" → "Ірина Лисенко"; a name in capitals is recased."""
    if not value:
        return None
    text = " ".join(value.split())
    prefixed = _AUTHOR_PREFIX.match(text)
    if prefixed:
        text = prefixed.group("name")
    text = re.sub(r"^(?:автор(?:ка|и|ы)?|author|by)\s+", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\s*[|·•]\s*$", "", text)
    # Page metadata often runs the dateline into the author field ("Ірина Лисенко Понеділок",
    # "John Carter; June"): weekday and month names, numbers and what follows them are no name.
    kept: list[str] = []
    for word in text.replace(";", " ; ").split():
        bare = word.strip(_SEPARATOR_EDGES + ".,").lower()
        if word == ";" or bare in _WEEKDAYS or bare in MONTH_NAMES or bare[:1].isdigit():
            break
        kept.append(word)
    text = " ".join(kept)
    return _recase(text.strip(_SEPARATOR_EDGES + ".")) or None
