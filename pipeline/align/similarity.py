"""Similarity of texts across uk, ru and en without model weights.

Cyrillic and Latin text meet in one alphabet through transliteration (anyascii, then a small fold
of spelling differences that transliteration leaves: ``y``/``j``/``i``, ``kh``/``h``/``g``,
apostrophes), after which names, cognates and numbers share character n-grams. The signals:

- character trigram overlap (Dice over multisets) of the folded transliteration;
- numbers as anchors: digit runs, compared as multisets, so "1 000", "1,000" and "3,5" / "3.5"
  agree across the editions' number styles;
- names as anchors: capitalised words not opening a sentence, folded and cut to a four-letter
  stem so that Ukrainian and Russian case endings ("Києва", "Киеве") meet English ("Kyiv");
- a length prior in the manner of Gale and Church (1993): the character lengths of two
  translations are close to proportional, the proportion taken from the document itself.

``text_similarity`` is the one-call form for titles and short texts; ``Features`` and
``span_similarity`` are the parts the aligner's dynamic programme reuses over sentence spans.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from pipeline.align.lexicon import stems as word_stems

_NGRAM = 3
# Variance of a translation's length per character (Gale and Church 1993). The FLORES pairs show
# 7.0 uk-ru, 7.7 uk-en and 6.5 ru-en. A sharper 2-4 scored about +0.007 three-way strict F1 on
# align_bench's tune half but is not used: newsroom editions translate more freely than FLORES.
GC_VARIANCE = 6.8
_STEM = 4
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_DIGITS = re.compile(r"\d+")
# Spelling that transliteration keeps apart though the languages share the sound: English "h"
# is Ukrainian "г" (anyascii "g") and Russian "г"/"х"; "y", "j" and "i" swap between systems.
_FOLDS = (
    ("shch", "sh"),
    ("kh", "h"),
    ("zh", "z"),
    ("ph", "f"),
    ("th", "t"),
    ("ck", "k"),
    ("w", "v"),
    ("x", "ks"),
    ("q", "k"),
    ("c", "k"),
    ("g", "h"),
    ("y", "i"),
    ("j", "i"),
    ("'", ""),
)


# The script each language is written in: transliterated n-grams say more between editions of
# one script (uk and ru) than across scripts.
SCRIPTS = {"uk": "Cyrl", "ru": "Cyrl", "en": "Latn"}


def same_script(first: str, second: str) -> bool:
    """Whether two languages are written in one script (a language not listed: Latin)."""
    return SCRIPTS.get(first, "Latn") == SCRIPTS.get(second, "Latn")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case ASCII transliteration of ``text`` with the spelling folds applied.

    Example: ``fold("Харків") == fold("Kharkiv") == "harkiv"``.
    """
    out = anyascii(text).lower()
    for old, new in _FOLDS:
        out = out.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", out)


def ngrams(text: str, n: int = _NGRAM) -> frozenset[str]:
    """Character n-grams of the folded words of ``text`` (each word padded with a space).

    A set, not a multiset: repeated n-grams within a sentence say little about translation.
    """
    grams: set[str] = set()
    for word in _WORD.findall(text):
        grams.update(_word_grams(word, n))
    return frozenset(grams)


@lru_cache(maxsize=65536)
def _word_grams(word: str, n: int) -> frozenset[str]:
    padded = f" {fold(word)} "
    return frozenset(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))


# Each trigram's bit in the sets ``Features`` keeps as Python ints: an int's ``&`` and
# ``bit_count`` run in C over machine words, 20-30 times faster than intersecting sets of strings
# (0.17 against 4.3 microseconds a sentence pair, align_bench's uk and en sentences), and the
# dynamic programme intersects some 12,000 spans a 40-sentence story. Ids are handed out in order
# of first sight, once per process; folded text is ASCII, so there are at most a few tens of
# thousands. ``setdefault`` with a fresh ``next`` keeps two threads from sharing an id.
_GRAM_IDS: dict[str, int] = {}
_NEXT_ID = itertools.count()


def gram_bits(grams: Iterable[str]) -> int:
    """``grams`` as a bitset: bit ``k`` set for the trigram with id ``k`` (see ``_GRAM_IDS``)."""
    bits = 0
    for gram in grams:
        index = _GRAM_IDS.get(gram)
        if index is None:
            index = _GRAM_IDS.setdefault(gram, next(_NEXT_ID))
        bits |= 1 << index
    return bits


@lru_cache(maxsize=65536)
def _word_bits(word: str) -> int:
    return gram_bits(_word_grams(word, _NGRAM))


def text_bits(text: str) -> int:
    """``gram_bits(ngrams(text))``, word by word (a word's bits are kept: news repeats words)."""
    bits = 0
    for word in _WORD.findall(text):
        bits |= _word_bits(word)
    return bits


def numbers(text: str) -> Counter[str]:
    """Digit runs of ``text`` without leading zeros (multiset)."""
    return Counter(run.lstrip("0") or "0" for run in _DIGITS.findall(text))


def names(text: str) -> Counter[str]:
    """Four-letter folded stems of capitalised words that do not open a sentence."""
    stems: Counter[str] = Counter()
    words = list(_WORD.finditer(text))
    for index, match in enumerate(words):
        word = match.group()
        if index == 0 or not word[0].isupper() or len(word) < 3:
            continue
        before = text[: match.start()].rstrip()
        if before.endswith((".", "!", "?", "…", ":")):
            continue
        stems[fold(word)[:_STEM]] += 1
    return stems


def bits_dice(first: int, second: int) -> float:
    """Dice coefficient in [0, 1] of two sets given as bitsets (``gram_bits``); 0 when both are
    empty."""
    total = first.bit_count() + second.bit_count()
    return 2.0 * (first & second).bit_count() / total if total else 0.0


def dice(first: Counter[str], second: Counter[str]) -> float:
    """Dice coefficient of two multisets in [0, 1]; 0 when both are empty."""
    if not first or not second:
        return 0.0  # nothing shared (the common case: a number on one side only)
    if first.keys().isdisjoint(second):
        return 0.0
    total = first.total() + second.total()
    return 2.0 * (first & second).total() / total


@dataclass(frozen=True)
class Features:
    """What the similarity needs of one text or span: its n-grams as a bitset (``gram_bits``)
    and their number, anchors, length in chars and the word stems a learned lexicon looks up
    (``lexicon.stems``). Trigram ids are this process's, so compare only Features made in the
    same process (make them again from the text elsewhere; they are not meant to be stored)."""

    grams: int
    gram_count: int
    numbers: Counter[str]
    names: Counter[str]
    length: int
    words: frozenset[str] = frozenset()

    @classmethod
    def of(cls, text: str) -> Features:
        grams = text_bits(text)
        return cls(
            grams, grams.bit_count(), numbers(text), names(text), len(text), word_stems(text)
        )

    @classmethod
    def join(cls, parts: Iterable[Features]) -> Features:
        """The features of consecutive texts read as one (a 2-1 or 1-2 unit's side)."""
        grams = 0
        words: set[str] = set()
        nums: Counter[str] = Counter()
        stems: Counter[str] = Counter()
        length = 0
        for part in parts:
            grams |= part.grams
            words.update(part.words)
            nums.update(part.numbers)
            stems.update(part.names)
            length += part.length
        return cls(grams, grams.bit_count(), nums, stems, length, frozenset(words))


def length_prior(first: int, second: int, ratio: float = 1.0) -> float:
    """Gale-Church length agreement in [0, 1]: 2 * (1 - Phi(|delta|)).

    ``delta = (second - first * ratio) / sqrt(first * 6.8)`` with lengths in characters; 6.8 is
    the variance per character Gale and Church (1993) measured; ``ratio`` is the expected length
    of ``second`` per character of ``first`` (the aligner takes it from the two documents).
    """
    mean = (first + second / ratio) / 2.0
    if mean <= 0:
        return 1.0 if first == second else 0.0
    delta = (second - first * ratio) / math.sqrt(GC_VARIANCE * mean * max(ratio, 1e-6))
    return math.erfc(abs(delta) / math.sqrt(2.0))


# The least length agreement ``length_log_prob`` counts: one pair of wildly different lengths
# costs at most log(1e-6) = -13.8, not minus infinity.
LENGTH_FLOOR = 1e-6


def length_log_prob(first: int, second: int, ratio: float = 1.0) -> float:
    """Natural log of ``length_prior``, floored at log(``LENGTH_FLOOR``): Gale and Church's length
    cost as a log-probability (0 for lengths in proportion, about -1.2 one standard deviation
    off)."""
    return log_length(length_prior(first, second, ratio))


def log_length(prior: float) -> float:
    """``length_log_prob`` of an agreement ``length_prior`` has already computed."""
    return math.log(max(LENGTH_FLOOR, prior))


@dataclass(frozen=True)
class Weights:
    """How much each signal counts; they sum to 1 so the score stays in [0, 1].

    Tuned on the tuning half of benchmarks/align_bench.py: the length prior helps little at
    sentence level across scripts and much more weight on it hurts (0.2 -> 0.05 took uk-en strict
    F1 from 0.65 to 0.71 there).
    """

    grams: float = 0.5
    numbers: float = 0.25
    names: float = 0.2
    length: float = 0.05


DEFAULT_WEIGHTS = Weights()


def span_similarity(
    first: Features, second: Features, *, ratio: float = 1.0, weights: Weights = DEFAULT_WEIGHTS
) -> float:
    """Similarity in [0, 1] of two texts (or sentence spans) given their ``Features``.

    An anchor absent from both sides says nothing, so its weight goes to the n-grams; an anchor
    present on one side only counts against the pair (a number seldom disappears in translation).
    """
    return similarity_and_containment(first, second, ratio=ratio, weights=weights)[0]


def similarity_and_containment(
    first: Features, second: Features, *, ratio: float = 1.0, weights: Weights = DEFAULT_WEIGHTS
) -> tuple[float, float]:
    """``span_similarity`` and ``containment`` at the cost of one n-gram intersection."""
    score, contained, _ = similarity_parts(first, second, ratio=ratio, weights=weights)
    return score, contained


def similarity_parts(
    first: Features, second: Features, *, ratio: float = 1.0, weights: Weights = DEFAULT_WEIGHTS
) -> tuple[float, float, float]:
    """``span_similarity``, ``containment`` and ``length_prior``, each computed once."""
    shared = (first.grams & second.grams).bit_count()
    sizes = first.gram_count + second.gram_count
    overlap = 2.0 * shared / sizes if sizes else 0.0
    smaller = min(first.gram_count, second.gram_count)
    contained = shared / smaller if smaller else 0.0
    score = weights.grams * overlap
    spare = 0.0
    if first.numbers or second.numbers:
        score += weights.numbers * dice(first.numbers, second.numbers)
    else:
        spare += weights.numbers
    if first.names or second.names:
        score += weights.names * dice(first.names, second.names)
    else:
        spare += weights.names
    score += spare * overlap
    prior = length_prior(first.length, second.length, ratio)
    score += weights.length * prior
    return score, contained, prior


def containment(first: Features, second: Features) -> float:
    """Share of the smaller side's trigrams found in the other, in [0, 1].

    Unlike Dice it stays high when one side is a merge of the other and more, so it tells where
    a sentence belongs even before the programme has decided how sentences group.
    """
    smaller = min(first.gram_count, second.gram_count)
    return (first.grams & second.grams).bit_count() / smaller if smaller else 0.0


def text_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two short texts in uk, ru or en (titles, sentences), no models.

    Character trigram overlap of the folded transliteration, numbers and names as anchors and a
    length prior (see the module docstring). 1.0 for identical text. Measured on the first 200
    FLORES devtest sentences: translations average 0.49 uk-ru and 0.33 uk-en / ru-en, unrelated
    sentences 0.08-0.10, so compare a candidate with the alternatives rather than a fixed bar.
    """
    if not a.strip() and not b.strip():
        return 1.0
    return span_similarity(text_features(a), text_features(b))


# Pairing compares each article's title and sentences with those of every other article of
# another language: features made once per text, not once per comparison (a batch of 400
# undated three-edition stories made 2.2 million of them, half of pairing's time).
@lru_cache(maxsize=65536)
def text_features(text: str) -> Features:
    """``Features.of(text)``, kept for the texts compared most recently (do not change the
    counters of what it returns: the next caller gets the same object)."""
    return Features.of(text)


def mean_similarity(texts: Sequence[str], others: Sequence[str]) -> float:
    """Mean best-match ``text_similarity`` of each of ``texts`` against ``others`` (0 if empty)."""
    if not texts or not others:
        return 0.0
    return sum(max(text_similarity(t, o) for o in others) for t in texts) / len(texts)
