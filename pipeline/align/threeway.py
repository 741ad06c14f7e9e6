"""Two or three editions into units: the closest pair first, then each further edition.

The closest pair (uk and ru: a shared alphabet and much shared vocabulary after transliteration)
is aligned sentence against sentence. Its units become the *pivot*: the next edition (en) is
aligned against the sequence of pivot units, a pivot span's similarity to an English span being
the mean of the Ukrainian and the Russian side's similarity to it, so English gets two witnesses
for every unit. Each pivot unit then takes the English sentences paired with it: the three-way
units. Before each sentence programme, paragraphs are put in order both ways (``paragraphs``):
the new edition's after the pivot's, then the pivot's after the new edition's, since a moved
paragraph is a whole paragraph only in the edition that moved it. Units come back in the first
edition's reading order.

With three editions, English is also aligned with each Cyrillic edition alone, and the units
keep each link between two editions that two of the three alignments make, or that the pair's
own alignment makes confidently (``consensus``).

With a ``bridge`` (the project's MT), each pivot language's sentences are also translated into
the new edition's language and the chrF (sacrebleu) of translation against text is blended into
the similarity.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import chain

from pipeline.align.consensus import CONFIDENT, Unit, combine
from pipeline.align.dp import DPParams, Pair, align_pairs
from pipeline.align.lexicon import Lexicon
from pipeline.align.paragraphs import paragraph_order
from pipeline.align.similarity import (
    Features,
    bits_dice,
    log_length,
    same_script,
    similarity_parts,
)

# Preferred first pair: the two Cyrillic editions.
CLOSEST = ("uk", "ru")


@dataclass(frozen=True)
class Tuning:
    """Knobs of the whole aligner; defaults tuned on the tuning half of align_bench."""

    dp: DPParams = field(default_factory=DPParams)
    # Weight of the bridge's chrF (0-1) against the model-free similarity, tuned with
    # align_bench's stand-in engine (the reference translation with 15% of words dropped and 10%
    # of neighbours swapped; tune half, seeds 1 and 3, mean three-way strict F1): 0.2 gave 0.883,
    # 0.3 0.886, 0.4 0.886, 0.6 0.878, 0.8 0.854. Real MT is noisier than the stand-in in other
    # ways, so this is a prior, not a measurement of the real models.
    bridge_weight: float = 0.4
    # Weight of a learned lexicon's score (``lexicon.Lexicon.score``) against the rest of the
    # model-free similarity, where the lexicon knows a stem of the pair (tuned on the tune half).
    lexicon_weight: float = 0.25
    # The same between editions in different scripts (uk or ru against en), where the
    # transliterated n-grams carry less and the lexicon more: 0.4 (0.25 kept for uk-ru) took the
    # tune half's mean three-way strict F1 over seeds 1, 3, 5, 7 from 0.844 to 0.852 (with
    # merge_penalty 0.15); 0.5 gave 0.849.
    lexicon_across: float = 0.4
    # The same in the containment by which sentences vote on paragraph order: 0.25 took the
    # three-way strict F1 from 0.785 to 0.801 (tune seed 1) and 0.810 to 0.823 (seed 3); 0.15
    # gave 0.801 / 0.817, 0.35 0.805 / 0.817, 0.5 0.803 / 0.814.
    lexicon_vote_weight: float = 0.25
    # Three editions: keep the links two of three alignments make, or the pair's own alignment
    # makes confidently (``consensus``).
    consensus: bool = True
    # Start from the packaged seed lexicon (``lexicon.seed_lexicon``): where no lexicon is given,
    # and under what a batch teaches (``editions.learn_lexicon``).
    seed_lexicon: bool = True


@dataclass
class _Prepared:
    lang: str
    sentences: tuple[str, ...]
    features: list[Features]
    paragraphs: list[range]  # flat sentence indexes of each paragraph


@dataclass
class _Item:
    """A pivot item: sentences per language (flat indexes) and the confidence so far."""

    sentences: dict[str, list[int]]
    confidence: float


Bridge = Callable[[Sequence[str], str, str], list[str]]
Paragraphs = Sequence[Sequence[str]]
_Scores = tuple[float, float, float]


@dataclass
class _Shared:
    """What the programmes of one story share: per-language span scores keyed by (pivot language,
    new language, pivot sentences, new sentences), joined features of sentence runs, the bridge's
    translations, length ratios per language pair, the chrF scorer."""

    scores: dict[tuple[str, str, tuple[int, ...], tuple[int, ...]], _Scores] = field(
        default_factory=dict
    )
    joined: dict[tuple[str, tuple[int, ...]], Features] = field(default_factory=dict)
    translated: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    ratios: dict[tuple[str, str], float] = field(default_factory=dict)
    chrf: _ChrF | None = None


def align_many(
    editions: Sequence[tuple[str, Paragraphs]],
    *,
    bridge: Bridge | None = None,
    tuning: Tuning | None = None,
    lexicon: Lexicon | None = None,
) -> list[tuple[dict[str, tuple[int, ...]], float]]:
    """Units over ``editions`` given as ``(lang, paragraphs)``: ``(lang -> indexes, confidence)``.

    Every sentence of every edition is in exactly one unit; languages without sentences in a
    unit map to ``()``.
    """
    tuning = tuning or Tuning()
    prepared = [_prepare(lang, paragraphs) for lang, paragraphs in editions]
    shared = _Shared(chrf=_ChrF() if bridge is not None else None)
    order = _order([p.lang for p in prepared])
    first = prepared[order[0]]
    pivot = [_Item({first.lang: [i]}, 1.0) for i in range(len(first.sentences))]
    done = [first]
    first_pair = pivot
    for index in order[1:]:
        pivot = _add_edition(pivot, done, prepared[index], bridge, tuning, lexicon, shared)
        done.append(prepared[index])
        if len(done) == 2:
            first_pair = pivot
    units: list[Unit] = [(item.sentences, item.confidence) for item in pivot]
    if len(done) == 3 and tuning.consensus:
        last = done[2]
        pairwise = {(done[0].lang, done[1].lang): [(i.sentences, i.confidence) for i in first_pair]}
        for alone in done[:2]:
            single = [_Item({alone.lang: [i]}, 1.0) for i in range(len(alone.sentences))]
            found = _add_edition(single, [alone], last, bridge, tuning, lexicon, shared)
            pairwise[(alone.lang, last.lang)] = [(i.sentences, i.confidence) for i in found]
        sizes = {p.lang: len(p.sentences) for p in done}
        # Without a lexicon an English alignment's confidence says little (``CONFIDENT``).
        trusted = CONFIDENT if lexicon is not None else None
        units = combine(units, pairwise, [p.lang for p in done], sizes, confident=trusted)
    langs = [p.lang for p in prepared]
    # Back to the first edition's reading order (a paragraph it moved was aligned where the
    # others have it); a unit without a sentence of it stays after the unit before it.
    keys: list[float] = []
    for sentences, _ in units:
        own = sentences.get(first.lang)
        keys.append(float(min(own)) if own else (keys[-1] if keys else -1.0))
    ordered = sorted(range(len(units)), key=lambda k: (keys[k], k))
    return [
        (
            {lang: tuple(sorted(units[k][0].get(lang, ()))) for lang in langs},
            units[k][1],
        )
        for k in ordered
    ]


def _prepare(lang: str, paragraphs: Paragraphs) -> _Prepared:
    sentences: list[str] = []
    spans: list[range] = []
    for paragraph in paragraphs:
        start = len(sentences)
        sentences.extend(paragraph)
        if len(sentences) > start:
            spans.append(range(start, len(sentences)))
    features = [Features.of(text) for text in sentences]
    return _Prepared(lang, tuple(sentences), features, spans)


def _order(langs: Sequence[str]) -> list[int]:
    """Edition positions in the order they join: the closest pair first, then the rest."""
    if all(lang in langs for lang in CLOSEST):
        first = [langs.index(lang) for lang in CLOSEST]
        return first + [i for i in range(len(langs)) if i not in first]
    return list(range(len(langs)))


# Weight of the batch's ratio against the story's own estimate. Mean absolute log error against
# the gold 1-1 pairs' ratio (tune half, seeds 1 and 3, the gold pairs' batch ratio standing in for
# the learned one): 0.089 for the story alone, 0.064 at 0.5, 0.063 at 0.6-0.7, 0.065 at 0.8.
# With the learned ratio, mean strict F1 over seeds 1, 3, 5, 7: three-way 0.874 without it,
# 0.883 at 0.5, 0.889 at 0.7, 0.886 at 0.85; two-edition uk-ru 0.958, 0.962, 0.963, 0.963.
BATCH_RATIO_WEIGHT = 0.7


def _ratio(source: _Prepared, target: _Prepared, known: float | None = None) -> float:
    """Target characters per source character, for the length prior: the geometric mean of two
    estimates that err in different ways. The editions' total lengths count what one edition
    added or dropped; the sentence pairs that are each other's best match by trigram Dice count a
    merge matched with one of its halves (the middle half of their log ratios is kept). Against
    the ratio of the gold 1-1 pairs on align_bench's tune half (seeds 1 and 3, every pair of
    editions), the mean absolute log error is 0.130 for the totals, 0.092 for the pairs and 0.089
    for both; mean strict F1 over seeds 1, 3, 5, 7 went from 0.863 to 0.874 three-way and from
    0.953 to 0.958 two-edition uk-ru. ``known``, the ratio a lexicon learned over the whole batch
    (``Lexicon.ratio``), is a third estimate, weighted ``BATCH_RATIO_WEIGHT`` against the story's
    in a weighted geometric mean."""
    a = sum(f.length for f in source.features)
    b = sum(f.length for f in target.features)
    total = b / a if a and b else 1.0
    first, second = source.features, target.features
    if not first or not second:
        return total
    dice = [[bits_dice(x.grams, y.grams) for y in second] for x in first]
    best_second = [max(range(len(second)), key=row.__getitem__) for row in dice]
    best_first = [max(range(len(first)), key=lambda i: dice[i][j]) for j in range(len(second))]
    logs = sorted(
        math.log(second[j].length / first[i].length)
        for i, j in enumerate(best_second)
        if best_first[j] == i and first[i].length and second[j].length
    )
    story = total
    if len(logs) >= 3:
        cut = len(logs) // 4
        middle = logs[cut : len(logs) - cut]
        story = math.sqrt(total * math.exp(sum(middle) / len(middle)))
    if known is None:
        return story
    return story ** (1.0 - BATCH_RATIO_WEIGHT) * known**BATCH_RATIO_WEIGHT


def _add_edition(
    pivot: list[_Item],
    done: list[_Prepared],
    new: _Prepared,
    bridge: Bridge | None,
    tuning: Tuning,
    lexicon: Lexicon | None,
    shared: _Shared,
) -> list[_Item]:
    first = done[0]
    ratios = {}
    for p in done:
        if (p.lang, new.lang) not in shared.ratios:
            known = lexicon.ratio(p.lang, new.lang) if lexicon is not None else None
            shared.ratios[(p.lang, new.lang)] = _ratio(p, new, known)
        ratios[p.lang] = shared.ratios[(p.lang, new.lang)]
    translated: dict[str, list[str]] = {}
    if bridge is not None:
        for p in done:
            if (p.lang, new.lang) not in shared.translated:
                texts = list(bridge(list(p.sentences), p.lang, new.lang))
                shared.translated[(p.lang, new.lang)] = texts
            translated[p.lang] = shared.translated[(p.lang, new.lang)]
    by_lang = {p.lang: p for p in done}
    features = {p.lang: p.features for p in [*done, new]}
    scorer = shared.chrf

    def joined(lang: str, flat: tuple[int, ...]) -> Features:
        """Features of an edition's sentences ``flat`` read as one text (one sentence: its own)."""
        if len(flat) == 1:
            return features[lang][flat[0]]
        key = (lang, flat)
        found = shared.joined.get(key)
        if found is None:
            found = shared.joined[key] = Features.join(features[lang][s] for s in flat)
        return found

    order = list(range(len(new.sentences)))  # the DP's column j is sentence order[j]

    item_flat: dict[str, list[tuple[int, ...]]] = {}

    def index_pivot() -> None:
        """Each pivot item's sentences per language, for the current order of ``pivot``."""
        for lang in by_lang:
            item_flat[lang] = [tuple(item.sentences.get(lang, ())) for item in pivot]

    index_pivot()

    def pair_scores(lang: str, flat: tuple[int, ...], cols: tuple[int, ...]) -> _Scores:
        """Similarity, containment and length log-probability of one pivot language's sentences
        ``flat`` against the new edition's ``cols`` (flat indexes both), kept in ``shared``, so
        the pairwise and joint programmes compute each once."""
        side = joined(lang, flat)
        target = joined(new.lang, cols)
        sim, share, prior = similarity_parts(side, target, ratio=ratios[lang])
        if lexicon is not None:
            lexical = lexicon.score(side.words, lang, target.words, new.lang)
            if lexical is not None:
                w = tuning.lexicon_weight if same_script(lang, new.lang) else tuning.lexicon_across
                sim = (1.0 - w) * sim + w * lexical
                v = tuning.lexicon_vote_weight
                share = (1.0 - v) * share + v * lexical
        if scorer is not None:
            hypothesis = " ".join(translated[lang][s] for s in flat)
            reference = " ".join(new.sentences[j] for j in cols)
            w = tuning.bridge_weight
            sim = (1.0 - w) * sim + w * scorer(hypothesis, reference)
        found = shared.scores[(lang, new.lang, flat, cols)] = (sim, share, log_length(prior))
        return found

    cached = shared.scores

    def span_all(rows: Sequence[int], columns: Sequence[int]) -> _Scores:
        """Similarity, containment and length log-probability of pivot items ``rows`` against
        the DP's columns ``columns``, each the mean over the pivot languages with sentences in
        ``rows``. The hot path of the programme: lookups first, ``pair_scores`` on a miss."""
        if len(columns) == 1:
            cols: tuple[int, ...] = (order[columns[0]],)
        else:
            cols = tuple(map(order.__getitem__, columns))
        sim = share = length = 0.0
        count = 0
        single = len(rows) == 1
        for lang, items in item_flat.items():
            if single:
                flat = items[rows[0]]
            else:
                flat = tuple(chain.from_iterable(map(items.__getitem__, rows)))
            if not flat:
                continue
            found = cached.get((lang, new.lang, flat, cols))
            if found is None:
                found = pair_scores(lang, flat, cols)
            sim += found[0]
            share += found[1]
            length += found[2]
            count += 1
        if count > 1:
            return sim / count, share / count, length / count
        return sim, share, length

    def span(rows: Sequence[int], columns: Sequence[int]) -> tuple[float, float]:
        found = span_all(rows, columns)
        return found[0], found[2]

    # Paragraphs both ways: each edition's moved paragraph is whole only in that edition. The
    # moves stand only if the programme scores the reordered text higher than the text as is.
    both = [[span_all((i,), (j,)) for j in order] for i in range(len(pivot))]
    votes = [[scores[1] for scores in row] for row in both]
    moved = paragraph_order(votes, new.paragraphs)
    cols = [j for p in moved for j in new.paragraphs[p]]
    across = [[votes[i][j] for i in range(len(pivot))] for j in cols]
    groups = _pivot_paragraphs(pivot, first)
    rows = [i for p in paragraph_order(across, groups) for i in groups[p]]
    candidates = [(list(range(len(pivot))), list(order))]
    if cols != order or rows != candidates[0][0]:
        candidates.append((rows, cols))
    original = pivot
    best: tuple[float, list[Pair], list[_Item], list[int]] | None = None
    for rows, cols in candidates:
        pivot = [original[i] for i in rows]
        order[:] = cols
        index_pivot()
        single = [[both[i][j][0] for j in cols] for i in rows]
        lengths = [[both[i][j][2] for j in cols] for i in rows]
        found = align_pairs(
            len(pivot),
            len(order),
            span,
            tuning.dp,
            single=single,
            single_length=lengths,
        )
        total = sum(pair.worth for pair in found)
        if best is None or total > best[0]:
            best = (total, found, pivot, list(order))
    assert best is not None
    _, pairs, pivot, order = best
    merged: list[_Item] = []
    for pair in pairs:
        sentences: dict[str, list[int]] = {}
        confidences = [pair.confidence]
        for i in pair.a:
            for lang, flat in pivot[i].sentences.items():
                sentences.setdefault(lang, []).extend(flat)
            confidences.append(pivot[i].confidence)
        sentences[new.lang] = [order[j] for j in pair.b]
        merged.append(_Item(sentences, min(confidences)))
    return merged


def _pivot_paragraphs(pivot: list[_Item], first: _Prepared) -> list[range]:
    """Runs of pivot items in one paragraph of the first edition (items without a sentence of
    the first edition join the run before them)."""
    paragraph_of = {i: p for p, span in enumerate(first.paragraphs) for i in span}
    groups: list[range] = []
    current = -1
    start = 0
    for index, item in enumerate(pivot):
        own = item.sentences.get(first.lang)
        paragraph = paragraph_of[min(own)] if own else current
        if paragraph != current and index > start:
            groups.append(range(start, index))
            start = index
        current = paragraph
    if start < len(pivot):
        groups.append(range(start, len(pivot)))
    return groups


class _ChrF:
    """chrF in [0, 1] of a translation against the text (sacrebleu, imported on first use)."""

    def __init__(self) -> None:
        from sacrebleu.metrics import CHRF

        self._metric = CHRF()
        self._cache: dict[tuple[str, str], float] = {}

    def __call__(self, hypothesis: str, reference: str) -> float:
        key = (hypothesis, reference)
        if key not in self._cache:
            score = self._metric.sentence_score(hypothesis, [reference]).score
            self._cache[key] = score / 100.0
        return self._cache[key]
