"""Quality checks over a source text and one translated version: pure functions, no model.

Shared by translation (flags), the diff view (display) and publishing (gates). Every check errs
on the side of silence: a false flag on a good translation costs an editor's time on every run.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.checks.dates import Date
from pipeline.checks.numbers import missing_numbers, numbers

__all__ = [
    "CHECK_NAMES",
    "REPORT_KINDS",
    "Date",
    "VersionChecks",
    "check_version",
    "has_loop",
    "length_ratio",
    "length_ratio_suspicious",
    "missing_numbers",
    "numbers",
    "ordered_flags",
    "script_language",
    "untranslated",
    "version_checks",
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
            first = words[i]
            if first != words[i + n] or first != words[i + 2 * n] or first != words[i + 3 * n]:
                continue  # cheap test first: most positions start no repeat
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


# What a run summary counts, in this order: the checks an editor must look at, and the
# segments kept as they were (no letters, or a language the newsroom doesn't translate).
REPORT_KINDS: tuple[str, ...] = (
    "numbers",
    "length",
    "untranslated",
    "wrong-language",
    "loop",
    "passthrough",
)


@dataclass(frozen=True)
class VersionChecks:
    """What the checks say about one stored version: flags (CHECK_NAMES, in that order) and
    notes that explain them or report what the engine did ("numbers: 25.01.2025",
    "passthrough:no-letters", "retried-other-profile")."""

    flags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def kinds(self) -> tuple[str, ...]:
        """The REPORT_KINDS this version counts under."""
        passthrough = any(note.startswith("passthrough") for note in self.notes)
        found = set(self.flags) | ({"passthrough"} if passthrough else set())
        return tuple(kind for kind in REPORT_KINDS if kind in found)


def version_checks(
    source: str,
    source_lang: str,
    text: str,
    lang: str,
    *,
    origin: str,
    stored_flags: Sequence[str] = (),
) -> VersionChecks:
    """Every check on a version of a segment, as the diff view shows them and a run summary
    counts them.

    A version in the segment's own language, or one that is the source text kept as is
    (origin "source"), is not judged as a translation. The engine's stored check flags
    ("split:2", "loop") join the checks under their bare names; its other flags
    ("passthrough:no-letters", "retried-other-profile") become notes."""
    flags: list[str] = []
    notes: list[str] = []
    if origin != "source" and source_lang != lang:
        splits = _splits(stored_flags)
        flags = check_version(source, text, source_lang, lang, splits=splits)
        if "numbers" in flags:
            notes.append("numbers: " + ", ".join(missing_numbers(source, text, source_lang, lang)))
        if splits:
            notes.append(f"split into {splits} parts")
    for flag in stored_flags:
        name = flag.split(":", 1)[0]
        if name in CHECK_NAMES:
            flags.append(name)
        else:
            notes.append(flag)
    return VersionChecks(ordered_flags(flags), tuple(notes))


def ordered_flags(flags: Iterable[str]) -> tuple[str, ...]:
    """Flag names once each: CHECK_NAMES first in their order, then any other sorted."""
    seen = set(flags)
    known = [name for name in CHECK_NAMES if name in seen]
    return (*known, *sorted(seen - set(known)))


def _splits(stored_flags: Sequence[str]) -> int:
    for flag in stored_flags:
        name, _, value = flag.partition(":")
        if name == "split":
            return int(value) if value.isdigit() else 1
    return 0
