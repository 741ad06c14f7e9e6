"""Lazily built detection resources: lingua detectors, langdetect, word lists and stoplists.

Nothing loads at import; each resource is built on first use and kept for the process.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from importlib import resources
from typing import Any

__all__ = [
    "WORD_CLIP",
    "langdetect_probabilities",
    "lingua_confidences",
    "stopwords",
    "word_log_odds",
]

WORD_CLIP = 4.0
_PLAIN_WORD = re.compile(r"^[^\W\d_]+(?:'[^\W\d_]+)?$")


@functools.cache
def word_log_odds() -> dict[str, float]:
    """Per-word log-odds uk vs ru from the two frequency-ranked lists (Zipf: p ∝ 1/rank)."""
    ranks: dict[str, dict[str, int]] = {}
    for lang in ("uk", "ru"):
        text = (
            resources.files("pipeline")
            .joinpath(f"data/detect_words_{lang}.txt")
            .read_text(encoding="utf-8")
        )
        words = [w for w in text.splitlines() if w and not w.startswith("#")]
        ranks[lang] = {w: i + 1 for i, w in enumerate(words)}
    unseen_uk = len(ranks["uk"]) + 1
    unseen_ru = len(ranks["ru"]) + 1
    odds: dict[str, float] = {}
    for word in ranks["uk"].keys() | ranks["ru"].keys():
        rank_uk = ranks["uk"].get(word, unseen_uk)
        rank_ru = ranks["ru"].get(word, unseen_ru)
        value = math.log(rank_ru / rank_uk)
        odds[word] = max(-WORD_CLIP, min(WORD_CLIP, value))
    return odds


@functools.cache
def stopwords(code: str) -> frozenset[str]:
    """A language's frequent words (jusText's stoplists, from Wikipedia word frequencies; BSD
    2-Clause), lowercased, letters only; empty where jusText has no list for the language."""
    import justext
    from lingua import IsoCode639_1, Language

    try:
        name = Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())).name
        words = justext.get_stoplist(name.title())
    except (AttributeError, ValueError, KeyError):
        return frozenset()
    return frozenset(w.lower() for w in words if _PLAIN_WORD.match(w))


@functools.cache
def _langdetect_factory() -> Any:
    from langdetect import DetectorFactory
    from langdetect.detector_factory import PROFILES_DIRECTORY

    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.seed = 0
    return factory


def langdetect_probabilities(text: str) -> dict[str, float]:
    from langdetect.lang_detect_exception import LangDetectException

    detector = _langdetect_factory().create()
    detector.append(text)
    try:
        found = detector.get_probabilities()
    except LangDetectException:
        return {}
    return {str(item.lang): float(item.prob) for item in found}


def _lingua_languages(codes: Sequence[str]) -> list[Any]:
    from lingua import IsoCode639_1, Language

    return [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes]


@functools.cache
def _lingua_detector(codes: tuple[str, ...], low_accuracy: bool) -> Any:
    from lingua import LanguageDetectorBuilder

    builder = LanguageDetectorBuilder.from_languages(*_lingua_languages(codes))
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    return builder.build()


def lingua_confidences(
    codes: tuple[str, ...], texts: Sequence[str], *, low_accuracy: bool = False
) -> list[dict[str, float]]:
    """lingua's confidence for each of codes (ISO 639-1), per text; parallel for big batches.

    low_accuracy: trigram models only (a tenth of the memory, weaker on short text).
    """
    detector = _lingua_detector(codes, low_accuracy)
    if len(texts) > 16:
        raw = detector.compute_language_confidence_values_in_parallel(list(texts))
    else:
        raw = [detector.compute_language_confidence_values(t) for t in texts]
    return [
        {c.language.iso_code_639_1.name.lower(): float(c.value) for c in values} for values in raw
    ]
