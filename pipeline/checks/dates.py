"""Dates and times in uk/ru/en news text, for the numbers check: pure functions, no model.

A date is read into a ``Date(day, month, year)`` whatever its format, so that "25.01.2025",
"25 січня 2025 р.", "25 января 2025", "January 25, 2025", "25th of January 2025" and
"2025-01-25" are the same value and a changed day, month or year is not. A time is read into
"H:MM" on the 24-hour clock ("14:30", "2:30 p.m." → "14:30").

Sources of the rules:
- month names and their case forms: pipeline.months (Unicode CLDR and the declension of the
  nouns).
- numeric dates: day.month.year with dots (ДСТУ 4163:2020 and ГОСТ Р 7.0.97-2016, the Ukrainian
  and Russian standards for documents), ISO 8601 year-month-day, and day/month/year or the US
  month/day/year with slashes; a two-digit year is read the POSIX ``strptime %y`` way (69-99 →
  19xx, 00-68 → 20xx).
- English is capitalised: a month name counts in English only with a capital letter, since
  "may" and "march" are also verbs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pipeline.months import ABBREVIATIONS, MONTHS, month_forms, month_number

__all__ = [
    "Date",
    "DateOrTime",
    "date_found",
    "scan_dates",
]

# Words before a month named alone that make it a date ("у січні", "в январе", "in May",
# "since March"): without one, "лютий" is also "fierce" and "May" a verb.
_MONTH_LEAD = {
    "uk": (
        "у в з із зі до від по після протягом наприкінці початку середини середині кінця кінці"
        " минулого наступного цього торішнього минулому цьому наступному"
    ),
    "ru": (
        "в во с со до от по после течение конце конца начале начала середине середины"
        " прошлого следующего этого прошлом этом следующем"
    ),
    "en": (
        "in since until till by from of to through during early late mid last next this before"
        " after"
    ),
}


@dataclass(frozen=True, order=True)
class Date:
    """A calendar date as written: day 1-31, month 1-12, year; day or year None when the text
    leaves them out ("у січні 2025" → Date(None, 1, 2025), "25 January" → Date(25, 1, None))."""

    day: int | None
    month: int
    year: int | None

    def __str__(self) -> str:
        day = f"{self.day:02d}" if self.day is not None else "--"
        year = f"{self.year:04d}" if self.year is not None else "----"
        return f"{year}-{self.month:02d}-{day}"


@dataclass(frozen=True)
class DateOrTime:
    """One date or time found in a text: where, as written, and every value it can mean
    ("01/02/2025" is 1 February or, US style, 2 January)."""

    start: int
    end: int
    surface: str
    values: tuple[Date | str | Decimal, ...]


_FORMS = month_forms()
_ENGLISH = frozenset(
    word.lower() for table in (MONTHS, ABBREVIATIONS) for t in table.values() for word in t["en"]
)

_LETTERS = re.compile(r"[^\W\d_]+")
_DIGIT = re.compile(r"\d")

# Ordinal endings after a day: "25th", "1-го", "3-й", "1-ше".
_ORD = r"(?:st|nd|rd|th|-?[а-яіїєґ]{1,3}(?![\w]))?"
_DAY = r"(?<![\d.,:/\w])(?P<day>[0-3]?\d)" + _ORD
# "10–12", "1 to 5", "з 1 по 5", "3 і 5", "с 1 до 5"
_RANGE = r"(?:\s*[-–—]\s*|\s+(?:to|until|till|through|and|по|до|і|й|та|и)\s+)"
_DAY_RANGE = _DAY + r"(?:" + _RANGE + r"(?P<day2>[0-3]?\d)" + _ORD + r")?"
_YEAR = r"(?P<year>\d{4})(?![\d])"


@functools.cache
def _patterns(langs: tuple[str, ...], strict: bool) -> tuple[re.Pattern[str], ...]:
    """Date patterns with the month names of ``langs``, most specific first.

    strict: a month named alone needs a word before it that makes it a date ("у січні")."""
    full = sorted(
        {w for m in MONTHS.values() for lang in langs for w in m.get(lang, ())},
        key=len,
        reverse=True,
    )
    short = sorted(
        {w for m in ABBREVIATIONS.values() for lang in langs for w in m.get(lang, ())},
        key=len,
        reverse=True,
    )
    words = "|".join(
        [re.escape(w) for w in full]
        + [re.escape(w) if w.endswith(".") else re.escape(w) + r"\.?" for w in short]
    )
    month = rf"(?P<month>(?<!\w)(?:{words})(?!\w))"
    month_full = rf"(?P<month>(?<!\w)(?:{'|'.join(map(re.escape, full))})(?!\w))"
    year_tail = rf"(?:,?\s+(?:of\s+)?{_YEAR})?"
    leads = sorted({w for lang in langs for w in _MONTH_LEAD.get(lang, "").split()})
    lead = rf"(?<!\w)(?:{'|'.join(leads)})\s+(?:the\s+)?(?:month\s+of\s+)?" if leads else ""
    alone = (lead if strict else "") + month_full
    flags = re.IGNORECASE
    return (
        # ISO 8601: 2025-01-25
        re.compile(r"(?<![\d.,/-])(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?![\d])"),
        # 25.01.2025, 25/01/2025, 01/25/2025, 25.01.25
        re.compile(
            r"(?<![\d.,/])(?P<day>\d{1,2})(?P<sep>[./])(?P<month>\d{1,2})(?P=sep)"
            r"(?P<year>\d{4}|\d{2})(?![\d]|[.,]\d)"
        ),
        # 25 січня 2025, 10–12 березня, 25th of January, 1-го января 2025 года
        re.compile(_DAY_RANGE + r"\s+(?:of\s+)?" + month + year_tail, flags),
        # January 25, 2025; March 10-12; Jan. 5th
        re.compile(month + r"\s+(?:the\s+)?" + _DAY_RANGE + r"(?![\d:])" + year_tail, flags),
        # січень 2025, January 2025, in January of 2025
        re.compile(month + r",?\s+(?:of\s+)?" + _YEAR, flags),
        # у січні, в январе, in May
        re.compile(alone, flags),
    )


# 14:30, 9:05, 2:30 p.m.; 2 p.m.
_TIME = re.compile(
    r"(?<![\d:.,])(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)(?![\d:])"
    r"(?:\s?(?P<half>[aApP])\.?\s?[mM]\.?(?![a-zA-Z]))?"
)
_HOUR_12 = re.compile(
    r"(?<![\d:.,])(?P<hour>1[0-2]|0?[1-9])\s?(?P<half>[aApP])\.?\s?[mM]\.?(?![a-zA-Z])"
)


def _time(match: re.Match[str]) -> tuple[str | Decimal, ...]:
    """Every reading of a time: "14:30"; "8:30" is also "20:30", since the half of the day is
    often in words ("8:30 вечера", "8:30 in the evening"); a whole hour is also the bare hour
    ("о 12 годині", "at 10 in the morning")."""
    hour = int(match.group("hour"))
    minute = match.groupdict().get("minute") or "00"
    half = (match.group("half") or "").lower()
    readings: list[str | Decimal] = []
    if half:
        if not 1 <= hour <= 12:
            return ()
        hour = hour % 12 + (12 if half == "p" else 0)
        readings.append(f"{hour}:{minute}")
    else:
        readings.append(f"{hour}:{minute}")
        if 1 <= hour <= 11:
            readings.append(f"{hour + 12}:{minute}")
    if minute == "00":
        readings += [Decimal(h) for h in dict.fromkeys((hour, hour % 12 or 12))]
    return tuple(readings)


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    year = int(text)
    if len(text) == 2:  # POSIX strptime %y
        year += 1900 if year >= 69 else 2000
    return year


def _valid(day: int | None, month: int, year: int | None) -> bool:
    return 1 <= month <= 12 and (day is None or 1 <= day <= 31) and (year is None or year > 0)


def _month_of(match: re.Match[str]) -> int | None:
    word = match.group("month")
    if word.isdigit():
        return int(word)
    if word.lower().rstrip(".") in _ENGLISH and not word[0].isupper():
        return None  # "may", "march": verbs
    return month_number(word)


def _dates(match: re.Match[str]) -> tuple[Date, ...]:
    month = _month_of(match)
    if month is None:
        return ()
    groups = match.groupdict()
    year = _year(groups.get("year"))
    days = [int(d) for d in (groups.get("day"), groups.get("day2")) if d]
    if groups.get("sep") == "/" and days and days[0] <= 12 and month <= 12:
        # 01/02/2025: day/month in most of the world, month/day in the US
        swapped = Date(month, days[0], year)
        plain = Date(days[0], month, year)
        return tuple(d for d in dict.fromkeys((plain, swapped)) if _valid(d.day, d.month, year))
    if groups.get("sep") == "/" and days and month > 12 >= days[0]:
        days, month = [month], days[0]  # 01/25/2025
    if not days:
        return (Date(None, month, year),) if _valid(None, month, year) else ()
    found = tuple(Date(day, month, year) for day in days if _valid(day, month, year))
    return found if len(found) == len(days) else ()


def scan_dates(text: str, langs: Sequence[str], *, strict: bool = True) -> list[DateOrTime]:
    """Every date and time in ``text``, in text order, with month names of ``langs``.

    A day range ("10–12 березня") gives one item per day, both with the range as surface.
    strict=False also reads a month named alone without a word before it (for the text a
    check compares against, where a missed month would be a false alarm)."""
    taken: list[tuple[int, int]] = []
    found: list[DateOrTime] = []
    # Most sentences hold no date: look for a digit and a month name before running patterns.
    digits = _DIGIT.search(text) is not None
    months = not _FORMS.keys().isdisjoint(_LETTERS.findall(text.lower()))
    wanted = (digits, digits, digits and months, digits and months, digits and months, months)

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for pattern in (_TIME, _HOUR_12) if digits else ():
        for match in pattern.finditer(text):
            readings = _time(match)
            if readings and free(*match.span()):
                taken.append(match.span())
                found.append(DateOrTime(*match.span(), match.group(0).strip(), readings))
    for pattern, needed in zip(_patterns(tuple(langs), strict), wanted, strict=True):
        for match in pattern.finditer(text) if needed else ():
            start, end = match.span()
            if not free(start, end):
                continue
            dates = _dates(match)
            if not dates:
                continue
            taken.append((start, end))
            surface = match.group(0).strip()
            if match.groupdict().get("day2") and len(dates) == 2:
                found += [DateOrTime(start, end, surface, (d,)) for d in dates]
            else:
                found.append(DateOrTime(start, end, surface, dates))
    return sorted(found, key=lambda item: item.start)


def date_found(date: Date, dates: Iterable[Date], numbers: Iterable[object]) -> bool:
    """Whether a version that holds ``dates`` (and the free ``numbers``) renders ``date``.

    The month must match; the day and year must match too, or be left out of the version's
    date and written nearby as a number ("from March 1 to 5" renders "5 березня"). A year
    the version adds to a date that had none is fine."""
    free = set(numbers)
    for other in dates:
        if other.month != date.month:
            continue
        parts = ((date.day, other.day), (date.year, other.year))
        if all(
            mine is None or theirs == mine or (theirs is None and _as_number(mine) in free)
            for mine, theirs in parts
        ):
            return True
    return False


def _as_number(value: int) -> Decimal:
    return Decimal(value)
