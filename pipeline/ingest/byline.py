"""Author and date lines: "Автор: ...", "By ...", "Олена Петренко, 12 березня 2026, 14:30"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.ingest.chrome import STOP_WORDS, words
from pipeline.ingest.common import word_set
from pipeline.months import month_number

_MONTH = r"(?P<month>[^\W\d_]{3,10})\.?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_TIME = r"(?:[01]?\d|2[0-3])[:.][0-5]\d"
_DATE_PATTERNS = [
    re.compile(rf"\b{_YEAR}-(?P<mnum>\d{{1,2}})-(?P<day>\d{{1,2}})\b"),
    re.compile(rf"\b(?P<day>\d{{1,2}})\.(?P<mnum>\d{{1,2}})\.{_YEAR}\b"),
    re.compile(
        rf"\b(?P<day>\d{{1,2}})\s+{_MONTH},?\s+{_YEAR}(?:\s*(?:року|р\.|года|г\.))?", re.IGNORECASE
    ),
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}", re.IGNORECASE),
    # No year: still a date line, but no ISO date can be made of it.
    re.compile(rf"\b(?P<day>\d{{1,2}})\s+{_MONTH}(?=[\s,]|$)", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?=[\s,]|$)", re.IGNORECASE),
]
_TIME_RE = re.compile(rf"\b{_TIME}\b")
_WEEKDAYS = word_set(
    "понеділок вівторок середа четвер пʼятниця п'ятниця субота неділя понедельник вторник "
    "среда четверг пятница суббота воскресенье monday tuesday wednesday thursday friday "
    "saturday sunday сьогодні вчора сегодня вчера today yesterday"
)
_META_WORDS = word_set(
    "опубліковано опубликовано published оновлено обновлено updated дата date автор автори "
    "авторы author authors by текст text written редактор editor року р года г at о в "
    "хв мин min read читання чтения reading хвилин минут minutes"
)
_AUTHOR_PREFIX = re.compile(
    r"^\s*(?:автор(?:ка|и|ы)?|author(?:s)?|by|written by|текст|text|репортаж|reporting by|"
    r"розповідає|записала|записав|записал|записала)\s*[:\-—–]?\s+(?P<name>.+)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateFound:
    iso: str | None
    start: int
    end: int


def find_date(text: str) -> DateFound | None:
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            groups = match.groupdict()
            month = _month_number(groups.get("month"), groups.get("mnum"))
            if month is None:
                continue
            day = int(groups["day"])
            if not 1 <= day <= 31:
                continue
            year = groups.get("year")
            iso = f"{int(year):04d}-{month:02d}-{day:02d}" if year else None
            return DateFound(iso, match.start(), match.end())
    return None


def _month_number(name: str | None, number: str | None) -> int | None:
    if number is not None:
        value = int(number)
        return value if 1 <= value <= 12 else None
    if name is None:
        return None
    return month_number(name)


def parse_date(text: str) -> str | None:
    found = find_date(text)
    return found.iso if found else None


@dataclass(frozen=True)
class Byline:
    author: str | None
    date: str | None


def parse_byline(line: str) -> Byline | None:
    """Author and/or date when the line is only that (a byline, a dateline), else None."""
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
        return Byline(author, date.iso if date else None)
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
    return Byline(_clean_name(" ".join(leftover)), date.iso)


def _looks_like_name(text: str) -> bool:
    found = words(text)
    if not found or len(found) > 8:
        return False
    capitalised = sum(1 for w in found if w[:1].isupper())
    return capitalised >= len(found) - 1 and not any(
        w.lower() in STOP_WORDS - {"і", "и", "and", "та"} for w in found
    )


def _clean_name(text: str) -> str | None:
    name = re.sub(r"[|,;·•]+", " ", text)
    name = re.sub(r"\s[—–\-]\s", " ", name)
    kept = [w for w in name.split() if key(w) not in _META_WORDS | _WEEKDAYS]
    cleaned = " ".join(kept).strip(" .:-—–")
    return cleaned or None


def key(word: str) -> str:
    return word.lower().strip(".,:;")


def clean_author(value: str | None) -> str | None:
    """An author field without its label: "Автор: Ірина Лисенко" → "Ірина Лисенко"."""
    if not value:
        return None
    text = " ".join(value.split())
    prefixed = _AUTHOR_PREFIX.match(text)
    if prefixed:
        text = prefixed.group("name")
    text = re.sub(r"^(?:автор(?:ка|и|ы)?|author|by)\s+", "", text, flags=re.IGNORECASE)
    return text.strip(" .,:;|-—–") or None
