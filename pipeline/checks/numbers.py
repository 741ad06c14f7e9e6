"""The numbers check: every number, date and time of a source must be in its translation.

Numbers are compared as values, not strings: "1 250 000", "1,250,000" and "1.25 million" are the
same, and so are "25.01.2025", "25 January 2025" and "2025-01-25" (pipeline.checks.dates).
Small numbers may be spelled out by the translation ("2 дні" → "two days").
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation

from pipeline.checks.dates import Date, date_found, scan_dates
from pipeline.domain import LANGS

__all__ = ["Value", "missing_numbers", "numbers"]

# A number (Decimal), a time ("14:30") or a date.
Value = Decimal | str | Date


# Group separators newsrooms use inside numbers: space, NBSP, narrow NBSP, thin space, comma,
# dot, apostrophe (Swiss style).
_GROUP_SEP = " \u00a0\u202f\u2009,.'’"
_NUMBER = re.compile(
    r"(?<![\w.,])"  # not glued to a word or to another number
    r"(\d{1,3}(?:[ \u00a0\u202f\u2009,.'’]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
    r"(?![\d])"
)
# Scale words after a number ("2,5 млн", "2.5 million", "2,5 мільйона", "3 тис."). Stems so that
# every case form matches.
_SCALES: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"^\s*(?:thousand|тис|тыс|k\b)", re.I), 10**3),
    (re.compile(r"^\s*(?:million|mln|mn\b|млн|мільйон|миллион)", re.I), 10**6),
    (re.compile(r"^\s*(?:billion|bn\b|млрд|мільярд|миллиард)", re.I), 10**9),
    (re.compile(r"^\s*(?:trillion|трлн|трильйон|триллион)", re.I), 10**12),
)
# Small numbers are often spelled out by a translation ("2 дні" → "two days"), ordinals
# too ("7-я страна" → "сьома країна").
_NUMBER_WORDS: dict[int, tuple[str, ...]] = {
    0: ("zero", "нул", "ноль"),
    1: (
        "one",
        "first",
        "перш",
        "перв",
        "a ",
        "an ",
        "один",
        "одна",
        "одне",
        "одно",
        "одног",
        "одні",
    ),
    2: (
        "two",
        "second",
        "друг",
        "втор",
        "both",
        "два",
        "дві",
        "две",
        "двох",
        "двух",
        "обидв",
        "оба",
        "обе",
    ),
    3: ("three", "third", "трет", "три", "трьох", "трех", "трёх"),
    4: ("four", "четверт", "чотир", "четыр"),
    5: ("five", "fifth", "п'ят", "пят"),
    6: ("six", "шіст", "шест"),
    7: ("seven", "сьом", "седьм", "сім", "сем"),
    8: ("eight", "вісім", "восем", "вось"),
    9: ("nine", "ninth", "дев'ят", "девят"),
    10: ("ten", "десят"),
    11: ("eleven", "одинадцят", "одиннадцат"),
    12: ("twelve", "twelfth", "dozen", "дванадцят", "двенадцат", "дюжин"),
    13: ("thirteen", "тринадцят", "тринадцат"),
    14: ("fourteen", "чотирнадцят", "четырнадцат"),
    15: ("fifteen", "п'ятнадцят", "пятнадцат"),
    16: ("sixteen", "шістнадцят", "шестнадцат"),
    17: ("seventeen", "сімнадцят", "семнадцат"),
    18: ("eighteen", "вісімнадцят", "восемнадцат"),
    19: ("nineteen", "дев'ятнадцят", "девятнадцат"),
    100: ("hundred", "сто ", "ста ", "сотн"),
    1000: ("thousand", "тисяч", "тысяч"),
}
_TENS: dict[int, tuple[str, ...]] = {
    20: ("twenty", "двадцят", "двадцат"),
    30: ("thirty", "тридцят", "тридцат"),
    40: ("forty", "сорок"),
    50: ("fifty", "п'ятдесят", "пятьдесят", "пятидесят"),
    60: ("sixty", "шістдесят", "шестьдесят", "шестидесят"),
    70: ("seventy", "сімдесят", "семьдесят", "семидесят"),
    80: ("eighty", "вісімдесят", "восемьдесят", "восьмидесят"),
    90: ("ninety", "дев'яност", "девяност"),
}
# Units after a tens word ("twenty-one", "двадцять одна"): no articles, no "both".
_UNITS = {
    unit: tuple(
        w for w in words if not w.endswith(" ") and w not in ("both", "обидв", "оба", "обе")
    )
    for unit, words in _NUMBER_WORDS.items()
    if 1 <= unit <= 9
}


@functools.cache
def _spellings(value: int) -> tuple[re.Pattern[str], ...]:
    """Patterns for ``value`` spelled out in English, Ukrainian or Russian (word stems, so that
    every case form matches), each after a space, quote or bracket."""
    forms: list[str] = []
    for word in _NUMBER_WORDS.get(value, ()) + _TENS.get(value, ()):
        forms.append(re.escape(word.strip()) + (r"\b" if word.endswith(" ") else ""))
    tens, unit = divmod(value, 10)
    if 2 <= tens <= 9 and unit:
        forms += [
            re.escape(ten) + r"\w*[\s-]+" + re.escape(one)
            for ten in _TENS[tens * 10]
            for one in _UNITS[unit]
        ]
    return tuple(re.compile(r"[\s\"'(«]" + form) for form in forms)


def _candidates(token: str, lang: str) -> list[Decimal]:
    """Every value a number token can mean, the reading usual for ``lang`` first.

    "1,250" is 1250 in English and 1.25 in Ukrainian/Russian; a translation may keep either
    convention, so both readings count as a match.
    """
    compact = re.sub(r"[ \u00a0\u202f\u2009'’]", "", token)
    readings: list[str] = []
    seps = [ch for ch in compact if ch in ",."]
    if not seps:
        readings.append(compact)
    else:
        last = seps[-1]
        head, _, tail = compact.rpartition(last)
        groups_ok = len(tail) == 3 and all(len(g) == 3 for g in re.split(r"[,.]", head)[1:])
        as_decimal = head.replace(",", "").replace(".", "") + "." + tail
        as_grouped = compact.replace(",", "").replace(".", "")
        mixed = len(set(seps)) > 1  # "1,250.5" / "1.250,5": the last separator is the decimal
        if mixed or len(seps) == 1 and not groups_ok:
            readings.append(as_decimal)
        elif len(seps) > 1:
            readings.append(as_grouped)  # "1.250.000", "1,250,000"
        else:  # one separator followed by exactly three digits: ambiguous
            decimal_first = (last == "," and lang != "en") or (last == "." and lang == "en")
            readings.extend([as_decimal, as_grouped] if decimal_first else [as_grouped, as_decimal])
    values: list[Decimal] = []
    for reading in readings:
        try:
            values.append(_canonical(Decimal(reading)))
        except InvalidOperation:
            continue
    return values


def _canonical(value: Decimal) -> Decimal:
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


_DAY_MONTH = re.compile(r"(\d{1,2})\.(\d{2})")


def _day_month_or_time(token: str) -> list[Value]:
    """The other readings of "25.01" (a day and month) and "14.30" (a time, as newsrooms in
    Ukraine and Russia write it), beside the decimal."""
    match = _DAY_MONTH.fullmatch(token)
    if not match:
        return []
    first, second = int(match[1]), int(match[2])
    readings: list[Value] = []
    if 1 <= first <= 31 and 1 <= second <= 12:
        readings.append(Date(first, second, None))
    if first <= 23 and second <= 59:
        readings.append(f"{first}:{match[2]}")
    return readings


_ROMAN = re.compile(
    r"(?<![\w])(?=[MDCLXVI])M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})(?![\w])"
)
_CENTURY = re.compile(r"\s*(?:ст|в\.|век|вв|столітт|cent)", re.IGNORECASE)
_ROMAN_DIGITS = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def _roman_numerals(text: str) -> list[re.Match[str]]:
    """Roman numerals, as centuries are written in Russian and Ukrainian ("XV век"): two
    letters or more, or one before a word for century (a lone "I" is a pronoun)."""
    return [
        m
        for m in _ROMAN.finditer(text)
        if len(m.group(0)) >= 2 or (m.group(0) and _CENTURY.match(text, m.end()))
    ]


def _roman(numeral: str) -> int:
    values = [_ROMAN_DIGITS[ch] for ch in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _scan(text: str, lang: str, *, strict: bool = True) -> list[tuple[str, list[Value]]]:
    """(surface form, candidate values) for every number, date and time in ``text``, in text
    order. strict=False reads more dates (see scan_dates), for the text compared against."""
    found: list[tuple[int, str, list[Value]]] = []
    langs = (lang,) if strict and lang in LANGS else LANGS
    spans: list[tuple[int, int]] = []
    for item in scan_dates(text, langs, strict=strict):
        found.append((item.start, item.surface, list(item.values)))
        spans.append((item.start, item.end))
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        if any(start < b and end > a for a, b in spans):
            continue
        token = match.group(1).rstrip(_GROUP_SEP)
        values: list[Value] = list(_candidates(token, lang))
        rest = text[match.end() : match.end() + 16]
        for pattern, scale in _SCALES:
            if pattern.match(rest):
                values = [_canonical(v * scale) for v in values if isinstance(v, Decimal)]
                break
        else:
            values += _day_month_or_time(token)
        if values:
            found.append((match.start(), match.group(0).strip(_GROUP_SEP), values))
    if not strict:
        found += [
            (m.start(), m.group(0), [Decimal(_roman(m.group(0)))]) for m in _roman_numerals(text)
        ]
    return [(surface, values) for _, surface, values in sorted(found, key=lambda f: f[0])]


def numbers(text: str, lang: str) -> list[Value]:
    """The numbers, dates and times in ``text`` as values, in text order: "1 250 000" →
    Decimal(1250000), "2,5 млн" → Decimal(2500000), "14:30" and "2:30 p.m." → "14:30",
    "25 січня 2025" → Date(25, 1, 2025). Each in the reading usual for ``lang``."""
    return [values[0] for _, values in _scan(text, lang)]


def _spelled(value: Value, text: str) -> bool:
    if not isinstance(value, Decimal) or value != value.to_integral_value():
        return False
    number = int(value)
    if not 0 <= number <= 1000:
        return False
    lowered = " " + text.lower().replace("’", "'").replace("ʼ", "'")
    return any(pattern.search(lowered) for pattern in _spellings(number))


def missing_numbers(source: str, version: str, src_lang: str, tgt_lang: str) -> list[str]:
    """Numbers, dates and times of ``source`` (as written there) that ``version`` does not
    contain in any form; a date whose day, month or year changed counts as missing."""
    dates: list[Date] = []
    free: set[Value] = set()  # values outside any date
    have: set[Value] = set()  # every value, a date's day and year included
    for _, values in _scan(version, tgt_lang, strict=False):
        for value in values:
            if isinstance(value, Date):
                dates.append(value)
                have.update(Decimal(p) for p in (value.day, value.year) if p is not None)
            else:
                free.add(value)
                have.add(value)
    missing: list[str] = []
    for surface, values in _scan(source, src_lang):
        if any(
            date_found(v, dates, free) if isinstance(v, Date) else v in have for v in values
        ) or _spelled(values[0], version):
            continue
        if surface not in missing:
            missing.append(surface)
    return missing
