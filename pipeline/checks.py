"""Quality checks over a source text and one translated version: pure functions, no model.

Shared by translation (flags), the diff view (display) and publishing (gates). Every check errs
on the side of silence: a false flag on a good translation costs an editor's time on every run.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from decimal import Decimal, InvalidOperation

__all__ = [
    "CHECK_NAMES",
    "check_version",
    "has_loop",
    "length_ratio",
    "length_ratio_suspicious",
    "missing_numbers",
    "numbers",
    "script_language",
    "untranslated",
    "wrong_language",
]

CHECK_NAMES: tuple[str, ...] = (
    "numbers",
    "untranslated",
    "wrong-language",
    "length",
    "loop",
    "split",
)

# -- numbers --------------------------------------------------------------------------------

# Group separators newsrooms use inside numbers: space, NBSP, narrow NBSP, thin space, comma,
# dot, apostrophe (Swiss style).
_GROUP_SEP = " \u00a0\u202f\u2009,.'’"
_NUMBER = re.compile(
    r"(?<![\w.,])"  # not glued to a word or to another number
    r"(\d{1,3}(?:[ \u00a0\u202f\u2009,.'’]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
    r"(?![\d])"
)
_TIME = re.compile(r"(?<![\d:])([01]?\d|2[0-3])[:](\d{2})(?![\d:])")
# Scale words after a number ("2,5 млн", "2.5 million", "2,5 мільйона", "3 тис."). Stems so that
# every case form matches.
_SCALES: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"^\s*(?:thousand|тис|тыс|k\b)", re.I), 10**3),
    (re.compile(r"^\s*(?:million|mln|mn\b|млн|мільйон|миллион)", re.I), 10**6),
    (re.compile(r"^\s*(?:billion|bn\b|млрд|мільярд|миллиард)", re.I), 10**9),
    (re.compile(r"^\s*(?:trillion|трлн|трильйон|триллион)", re.I), 10**12),
)
# Small numbers are often spelled out by a translation ("2 дні" → "two days").
_NUMBER_WORDS: dict[int, tuple[str, ...]] = {
    0: ("zero", "нул", "ноль"),
    1: ("one", "a ", "an ", "один", "одна", "одне", "одно", "одног", "одні"),
    2: ("two", "both", "два", "дві", "две", "двох", "двух", "обидв", "оба", "обе"),
    3: ("three", "три", "трьох", "трех", "трёх"),
    4: ("four", "чотир", "четыр"),
    5: ("five", "п'ят", "пят"),
    6: ("six", "шіст", "шест"),
    7: ("seven", "сім", "сем"),
    8: ("eight", "вісім", "восем", "вось"),
    9: ("nine", "дев'ят", "девят"),
    10: ("ten", "десят"),
    11: ("eleven", "одинадцят", "одиннадцат"),
    12: ("twelve", "dozen", "дванадцят", "двенадцат", "дюжин"),
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


def _scan(text: str, lang: str) -> list[tuple[str, list[Decimal | str]]]:
    """(surface form, candidate values) for every number in ``text``, in text order."""
    found: list[tuple[int, str, list[Decimal | str]]] = []
    spans: list[tuple[int, int]] = []
    for match in _TIME.finditer(text):
        found.append((match.start(), match.group(0), [f"{int(match.group(1))}:{match.group(2)}"]))
        spans.append(match.span())
    for match in _NUMBER.finditer(text):
        if any(a <= match.start() < b for a, b in spans):
            continue
        token = match.group(1).rstrip(_GROUP_SEP)
        values: list[Decimal | str] = list(_candidates(token, lang))
        rest = text[match.end() : match.end() + 16]
        for pattern, scale in _SCALES:
            if pattern.match(rest):
                values = [_canonical(v * scale) for v in values if isinstance(v, Decimal)]
                break
        if values:
            found.append((match.start(), match.group(0).strip(_GROUP_SEP), values))
    return [(surface, values) for _, surface, values in sorted(found, key=lambda f: f[0])]


def numbers(text: str, lang: str) -> list[Decimal | str]:
    """The numbers in ``text`` as values ("1 250 000" → 1250000, "2,5 млн" → 2500000, "14:30").

    Times come back as "H:MM" strings, everything else as a normalised Decimal in the reading
    usual for ``lang``.
    """
    return [values[0] for _, values in _scan(text, lang)]


def _spelled(value: Decimal | str, text: str) -> bool:
    if not isinstance(value, Decimal) or value != value.to_integral_value():
        return False
    number = int(value)
    if not 0 <= number <= 1000:
        return False
    lowered = " " + text.lower().replace("’", "'").replace("ʼ", "'")
    return any(pattern.search(lowered) for pattern in _spellings(number))


def missing_numbers(source: str, version: str, src_lang: str, tgt_lang: str) -> list[str]:
    """Numbers of ``source`` (as written there) that ``version`` does not contain in any form."""
    have: set[Decimal | str] = set()
    for _, values in _scan(version, tgt_lang):
        have.update(values)
    missing: list[str] = []
    for surface, values in _scan(source, src_lang):
        if any(v in have for v in values) or _spelled(values[0], version):
            continue
        if surface not in missing:
            missing.append(surface)
    return missing


# -- loops ----------------------------------------------------------------------------------

_WORD = re.compile(r"\w+(?:['’]\w+)*")
_CHAR_RUN = re.compile(r"([^\W\d_]{1,10}?)\1{7,}")


def has_loop(text: str) -> bool:
    """True for degenerate output: an n-gram of 1-4 words repeated 4+ times in a row, one word
    making up over 40% of a long output, or a letter sequence repeated 8+ times in a row."""
    if _CHAR_RUN.search(text.lower()):
        return True
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) >= 10:
        _, top = Counter(words).most_common(1)[0]
        if top / len(words) > 0.4:
            return True
    for n in range(1, 5):
        for i in range(len(words) - 4 * n + 1):
            block = words[i : i + n]
            if all(words[i + k * n : i + (k + 1) * n] == block for k in range(1, 4)):
                return True
    return False


# -- language -------------------------------------------------------------------------------

_UK_ONLY = frozenset("іїєґ")
_RU_ONLY = frozenset("ыэъё")


def _letters(text: str) -> tuple[int, int, int, int]:
    """(latin, cyrillic, uk-only, ru-only) letter counts."""
    latin = cyrillic = uk = ru = 0
    for ch in text.lower():
        if "a" <= ch <= "z" or "\u00c0" <= ch <= "\u024f":
            latin += 1
        elif "\u0400" <= ch <= "\u04ff":
            cyrillic += 1
            if ch in _UK_ONLY:
                uk += 1
            elif ch in _RU_ONLY:
                ru += 1
    return latin, cyrillic, uk, ru


def script_language(text: str) -> str | None:
    """ "uk", "ru" or "en" by letters alone, or None when the letters don't decide.

    Latin text counts as English; Cyrillic text needs letters only one of uk/ru has (і ї є ґ vs
    ы э ъ ё) and none of the other's.
    """
    latin, cyrillic, uk, ru = _letters(text)
    letters = latin + cyrillic
    if letters == 0:
        return None
    if latin / letters >= 0.75:
        return "en"
    if cyrillic / letters < 0.75:
        return None
    if uk and not ru:
        return "uk"
    if ru and not uk:
        return "ru"
    return None


def wrong_language(version: str, target: str) -> bool:
    """True when the letters show ``version`` is clearly not in ``target``.

    Needs decisive evidence: two or more letters of the other Cyrillic language (and none of
    the target's) between uk and ru, and a clear majority of the wrong script otherwise.
    """
    latin, cyrillic, uk, ru = _letters(version)
    letters = latin + cyrillic
    if letters < 4:
        return False
    if target == "en":
        return cyrillic / letters >= 0.75
    if latin / letters >= 0.75 and latin >= 8:
        return True
    if target == "uk":
        return ru >= 2 and uk == 0
    if target == "ru":
        return uk >= 2 and ru == 0
    return False


def _plain(text: str) -> str:
    return " ".join(w.lower() for w in _WORD.findall(text))


def untranslated(source: str, version: str) -> bool:
    """True when ``version`` is the source again (same words, ignoring case and punctuation),
    for sources with letters and more than two words."""
    words = _plain(source)
    if len(words.split()) <= 2 or not any(ch.isalpha() for ch in words):
        return False
    return words == _plain(version)


# -- length ---------------------------------------------------------------------------------

# Usual characters-of-target per character-of-source (news text; Cyrillic runs ~10% longer).
_TYPICAL_RATIO: dict[tuple[str, str], float] = {
    ("uk", "en"): 0.92,
    ("ru", "en"): 0.90,
    ("en", "uk"): 1.10,
    ("en", "ru"): 1.12,
    ("uk", "ru"): 1.02,
    ("ru", "uk"): 0.98,
}
_MIN_CHARS_FOR_LENGTH = 20


def length_ratio(source: str, version: str) -> float:
    """Characters of ``version`` per character of ``source`` (whitespace-trimmed); 1.0 for an
    empty source."""
    src = len(source.strip())
    return len(version.strip()) / src if src else 1.0


def length_ratio_suspicious(source: str, version: str, src: str, tgt: str) -> bool:
    """True when the length ratio is under half or over twice the usual one for the pair.
    Sources under 20 characters are never judged (short lines vary too much)."""
    if len(source.strip()) < _MIN_CHARS_FOR_LENGTH:
        return False
    typical = _TYPICAL_RATIO.get((src, tgt), 1.0)
    ratio = length_ratio(source, version)
    return ratio < 0.5 * typical or ratio > 2.0 * typical


# -- all together ---------------------------------------------------------------------------


def check_version(source: str, version: str, src: str, tgt: str, *, splits: int = 0) -> list[str]:
    """The names of the checks ``version`` fails, in CHECK_NAMES order."""
    flags: list[str] = []
    if missing_numbers(source, version, src, tgt):
        flags.append("numbers")
    if src != tgt and untranslated(source, version):
        flags.append("untranslated")
    elif src != tgt and wrong_language(version, tgt):
        flags.append("wrong-language")
    if length_ratio_suspicious(source, version, src, tgt):
        flags.append("length")
    if has_loop(version) and not has_loop(source):
        flags.append("loop")
    if splits > 0:
        flags.append("split")
    return flags
