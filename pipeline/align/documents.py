"""Whole-article similarity across uk, ru and en, for pairing the editions of one story.

A title says little across scripts, and a day's articles share a date, so what tells editions
apart is their text. Each article becomes a TF-IDF vector (Salton and Buckley, 1988: weight
``(1 + log tf) * log(N / df)``, cosine of unit vectors) over

- the folded character trigrams of its words (``similarity.ngrams``: transliteration lets
  Cyrillic and Latin editions share names and cognates),
- its numbers and its names (``similarity.numbers``, ``similarity.names``), each counted
  ``ANCHOR_WEIGHT`` times: they survive translation where words do not.

IDF is taken over the articles compared (a day's or a batch's), so trigrams every article holds
count for nothing and a rare name for much.

Evidence that two articles are editions of one story (``evidence``) is relative, in
the manner of a best-match margin (Artetxe and Schwenk, 2019): each must be the other's most
similar article of its language, clearly ahead of the runner-up. On benchmarks/pairing_bench.py's
tune half (seeds 1, 3, 5, 7), with a third of the English and a fifth of the Russian editions
left out, 9 of 447 mutual best matches were wrong, none at a runner-up ratio of 1.4 or more.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.align.similarity import mean_similarity, names, ngrams, numbers

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

# How many times a number or a name counts against one trigram.
ANCHOR_WEIGHT = 3
# Cosine of two unrelated articles, the least a runner-up is taken to be (so a pair with few
# rivals still needs to be clearly alike): the 99th percentile over unrelated articles of
# align_bench's tune half (seeds 1 and 3) was 0.175-0.177 between uk and ru and 0.095-0.099
# between either and en (medians 0.10 and 0.055).
UNRELATED = {True: 0.18, False: 0.1}
# Others of a language an article must be compared with before its best match says anything:
# among a handful, an unrelated article is the best by chance and its ratio is noise (in 400
# draws of 2-6 unrelated articles from align_bench's stories, one pair reached evidence 0.88).
MIN_OTHERS = 4
# Where there are too few others to rank, the sentences speak instead: the mean best-match
# similarity of each article's sentences in the other (``similarity.mean_similarity``, the lower
# of the two directions), from which evidence starts (0) to where it is full (1), within one
# script and across. align_bench's tune half, seeds 1 and 3: an unrelated story reached at most
# 0.18 between uk and ru and 0.11 across scripts; editions' 5th percentile was 0.26 and 0.12,
# their median 0.35 and 0.19. Articles of fewer than MIN_SENTENCES sentences say too little.
SENTENCES_NONE = {True: 0.2, False: 0.12}
SENTENCES_FULL = {True: 0.3, False: 0.2}
MIN_SENTENCES = 3
# Runner-up ratios at which the evidence starts (0) and is full (1).
RATIO_NONE = 1.2
RATIO_FULL = 2.0

Vector = dict[str, float]


def _terms(texts: Iterable[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(ngrams(text))
        counts.update({"#" + k: ANCHOR_WEIGHT * n for k, n in numbers(text).items()})
        counts.update({"@" + k: ANCHOR_WEIGHT * n for k, n in names(text).items()})
    return counts


class DocumentIndex:
    """TF-IDF vectors of articles (id -> its texts, the title first) and their cosines.

    Building costs one pass over the articles' sentences (trigrams are cached per sentence);
    each cosine is computed once.
    """

    def __init__(self, documents: Mapping[str, Sequence[str]]) -> None:
        counts = {key: _terms(texts) for key, texts in documents.items()}
        frequency: Counter[str] = Counter()
        for terms in counts.values():
            frequency.update(terms.keys())
        size = len(counts)
        # Each article's vector as numpy arrays (term ids ascending, weights), not a dict: pairing
        # 1,500 dated stories of pairing_bench.py's archive (4,500 articles) peaked at 292 MB
        # with dicts, 202 MB without (the same pairs).
        self._arrays = _Arrays.of(
            (key, _vector(terms, frequency, size)) for key, terms in counts.items()
        )
        self._known: dict[tuple[str, str], float] = {}
        self._stacks: dict[tuple[str, ...], _Stack] = {}

    def similarity(self, first: str, second: str) -> float:
        """Cosine in [0, 1] of two indexed articles' vectors."""
        key = _key(first, second)
        found = self._known.get(key)
        if found is None:
            import numpy as np

            arrays = self._arrays
            _, at_a, at_b = np.intersect1d(
                arrays.ids[first], arrays.ids[second], assume_unique=True, return_indices=True
            )
            found = float(np.dot(arrays.weights[first][at_a], arrays.weights[second][at_b]))
            self._known[key] = found
        return found

    def ranked(self, one: str, others: Iterable[str]) -> Ranking:
        """The article of ``others`` most like ``one``, its cosine and the runner-up's (0 where
        there is none), and how many others there were."""
        others = list(others)
        if len(others) >= BATCH_FROM:
            values = self._row(one, others)
        else:
            values = [self.similarity(one, other) for other in others]
        best: str | None = None
        rival: str | None = None
        top = second = 0.0
        for other, value in zip(others, values, strict=True):
            if best is None or value > top:
                best, rival, top, second = other, best, value, (top if best is not None else 0.0)
            elif rival is None or value > second:
                rival, second = other, value
        return Ranking(best, top, second, len(others), rival)

    def _row(self, one: str, others: Sequence[str]) -> list[float]:
        """Cosines of ``one`` with each of ``others``, in one pass of numpy over their weights:
        ranking every article against all others of its language is pairing's quadratic part,
        and this is 4.6 times faster than a dot product per pair in Python (100 articles
        against 600 of pairing_bench's undated archive; the same cosines to 1e-15). Not kept:
        an undated archive of thousands would hold millions of them."""
        import numpy as np

        arrays = self._arrays
        dense = np.zeros(len(arrays.terms))
        dense[arrays.ids[one]] = arrays.weights[one]
        stack = self._stack(tuple(others))
        values = [0.0] * len(others)
        if stack.filled:
            products = np.add.reduceat(dense[stack.ids] * stack.weights, stack.starts)
            for k, value in zip(stack.filled, products.tolist(), strict=True):
                values[k] = value
        return values

    def _stack(self, others: tuple[str, ...]) -> _Stack:
        """The weights of ``others`` end to end (``_row``): an undated article's rivals are the
        same for every article of its language, so joining them once, not once per article,
        took the ranking in pairing 400 undated stories of pairing_bench.py's archive from about
        11 s to 2 s of CPU (the cosines the same)."""
        found = self._stacks.get(others)
        if found is None:
            if len(self._stacks) >= STACKS_KEPT:
                del self._stacks[next(iter(self._stacks))]
            found = self._stacks[others] = _Stack.of(self._arrays, others)
        return found


# Joined rival lists ``DocumentIndex`` keeps (``_stack``): the last few, since a dated article's
# rivals are those of its days, an undated one's those of its language.
STACKS_KEPT = 8


# Others from which ``DocumentIndex.ranked`` computes cosines with numpy (fewer: one by one).
BATCH_FROM = 8


def _key(first: str, second: str) -> tuple[str, str]:
    return (first, second) if first <= second else (second, first)


@dataclass(frozen=True)
class _Arrays:
    """The index's vectors as numpy arrays: per article, its terms' ids and weights."""

    terms: dict[str, int]
    ids: dict[str, NDArray[np.int64]]
    weights: dict[str, NDArray[np.float64]]

    @classmethod
    def of(cls, vectors: Iterable[tuple[str, Vector]]) -> _Arrays:
        """Arrays of ``(key, vector)`` pairs; each article's term ids ascending."""
        import numpy as np

        terms: dict[str, int] = {}
        ids: dict[str, NDArray[np.int64]] = {}
        weights: dict[str, NDArray[np.float64]] = {}
        for key, vector in vectors:
            found = np.array(
                [terms.setdefault(term, len(terms)) for term in vector], dtype=np.int64
            )
            order = np.argsort(found)
            ids[key] = found[order]
            weights[key] = np.array(list(vector.values()), dtype=np.float64)[order]
        return cls(terms, ids, weights)


@dataclass(frozen=True)
class _Stack:
    """Articles' term ids and weights end to end, where each non-empty one starts, and the
    positions (among the articles given) of the non-empty ones."""

    ids: NDArray[np.int64]
    weights: NDArray[np.float64]
    starts: NDArray[np.int64]
    filled: list[int]

    @classmethod
    def of(cls, arrays: _Arrays, others: Sequence[str]) -> _Stack:
        import numpy as np

        filled = [k for k, other in enumerate(others) if len(arrays.ids[other])]
        if not filled:
            empty = np.zeros(0, dtype=np.int64)
            return cls(empty, np.zeros(0), empty, [])
        ids = np.concatenate([arrays.ids[others[k]] for k in filled])
        weights = np.concatenate([arrays.weights[others[k]] for k in filled])
        starts = np.cumsum([0] + [len(arrays.ids[others[k]]) for k in filled[:-1]])
        return cls(ids, weights, starts, filled)


@dataclass(frozen=True)
class Ranking:
    """``DocumentIndex.ranked``: the best match of an article among others."""

    best: str | None
    similarity: float
    runner_up: float
    others: int
    rival: str | None = None  # the runner-up


def evidence(similarity: float, runner_up: float, *, same_script: bool) -> float:
    """Evidence in [0, 1] that two articles, each the other's most similar, are editions of one
    story: the ratio of their cosine to the runner-up's (the best cosine either has with
    another article of the other's language, at least ``UNRELATED``), mapped linearly from
    ``RATIO_NONE`` (0) to ``RATIO_FULL`` (1)."""
    ratio = similarity / max(runner_up, UNRELATED[same_script])
    return min(1.0, max(0.0, (ratio - RATIO_NONE) / (RATIO_FULL - RATIO_NONE)))


def _vector(terms: Counter[str], frequency: Counter[str], size: int) -> Vector:
    weights = {
        term: (1.0 + math.log(count)) * math.log(size / frequency[term])
        for term, count in terms.items()
        if frequency[term] < size
    }
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {term: w / norm for term, w in weights.items()} if norm else {}


def sentence_evidence(first: Sequence[str], second: Sequence[str], *, same_script: bool) -> float:
    """Evidence in [0, 1] that two articles (their sentences, the title first) are editions of
    one story, from their sentences alone: the lower mean best-match similarity of the two
    directions, mapped linearly from ``SENTENCES_NONE`` (0) to ``SENTENCES_FULL`` (1); 0 when
    either has fewer than ``MIN_SENTENCES`` sentences. For articles with too few others to rank
    (``MIN_OTHERS``); costs one similarity per pair of sentences."""
    if min(len(first), len(second)) < MIN_SENTENCES:
        return 0.0
    value = min(mean_similarity(first, second), mean_similarity(second, first))
    low, high = SENTENCES_NONE[same_script], SENTENCES_FULL[same_script]
    return min(1.0, max(0.0, (value - low) / (high - low)))


def sentence_margin(
    first: Sequence[str],
    second: Sequence[str],
    rivals: Sequence[Sequence[str] | None],
    *,
    same_script: bool,
) -> float:
    """``sentence_evidence`` of two articles (their sentences, the title first) less the larger
    of each one's with its runner-up (``rivals``: the first's, then the second's; None where
    there is none), at least 0: a follow-up of the story whose sentences match as well as the
    edition's gives nothing. Costs up to three ``sentence_evidence`` calls."""
    found = sentence_evidence(first, second, same_script=same_script)
    if found <= 0.0:
        return 0.0
    against = [
        sentence_evidence(one, rival, same_script=same_script)
        for one, rival in zip((first, second), rivals, strict=True)
        if rival is not None
    ]
    return max(0.0, found - max(against, default=0.0))
