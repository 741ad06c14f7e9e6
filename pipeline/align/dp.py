"""Alignment of two sequences by a monotonic dynamic programme (in the manner of Vecalign).

Units are 1-1, 1-0, 0-1, 2-1, 1-2, 2-2, 3-1 and 1-3, and a 2-1 or 1-2 whose two sentences have
an unrelated one between them (``GAPPED``). A unit that pairs text is worth its
similarity less the similarity its members have with everything else on the other side
(Vecalign's normalisation, blended with the mean of its nearest rivals: a sentence full of
common n-grams resembles every sentence a little, which says nothing), less a margin, plus a
weighted Gale-Church length log-probability; skipping a sentence (1-0 / 0-1) is worth 0. A 2-1
unit therefore beats a 1-1 plus a 1-0 only when the joined pair is more alike, or its lengths
agree much better, than the single pair, which is what a merge looks like. Last, items the
path left alone on both sides may pair out of order where they clearly belong together
(``DPParams.cross_min``: a moved passage). Two passes
keep it fast: a 1-1/1-0/0-1 pass over the whole similarity matrix finds the rough path, then the
full set of unit kinds runs in a band around it.

Similarity and length come from a callback, so the same programme aligns sentences of two
editions and the English edition against the uk-ru units (see ``threeway``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

# span(rows, cols): (similarity in [0, 1], Gale-Church length log-probability) of items a[rows]
# and b[cols] read as one text each; rows and cols are non-empty, ascending, mostly ranges.
Span = Callable[[Sequence[int], Sequence[int]], tuple[float, float]]

# 3-1 and 1-3 (a line split in three, or three merged): adding them took align_bench's tune half
# pairwise uk-ru strict F1 from 0.926 to 0.934 (seed 1) and to 0.936 (seed 3), three-way 0.801 to
# 0.812 (seed 1) and 0.823 to 0.817 (seed 3).
KINDS: tuple[tuple[int, int], ...] = (
    (1, 1),
    (1, 0),
    (0, 1),
    (2, 1),
    (1, 2),
    (2, 2),
    (3, 1),
    (1, 3),
)
# A 2-1 or 1-2 whose two sentences on one side have a third between them that belongs to
# neither (an edition added a sentence where the other merged the two around it): the middle
# item is left out as a 1-0 / 0-1. No contiguous unit can be right there; such units are 1-2% of
# align_bench's pairwise gold units and 3-4% of its three-way units (tune half). With a perfect
# similarity (each sentence's share of the source lines) they took the programme's ceiling from
# 0.982 to 0.987 two-edition uk-ru and 0.947 to 0.968 three-way strict F1 (tune seed 1).
GAPPED: tuple[tuple[int, int], ...] = ((3, 1), (1, 3))
# Similarity of unrelated sentences and the spread of a story's similarities, as priors for short
# stories: text_similarity of unrelated FLORES sentences averages 0.08-0.10; the standard
# deviation of a story's matrix has median 0.11 for uk-ru and 0.07 for uk-en (10th-90th
# percentile 0.04-0.14) on align_bench's tuning half. One pseudo-item (PRIOR_WEIGHT) scored best
# there of 1, 2 and 4.
PRIOR_MEAN = 0.1
PRIOR_SPREAD = 0.1
PRIOR_WEIGHT = 1
# An item's baseline blends its mean similarity with the mean of its NEAREST best (in the manner
# of the k-nearest-neighbour margin of Artetxe and Schwenk 2019): a sentence with several close
# rivals on the other side needs a clearer win. NEAREST_WEIGHT 0.25 with 4 took align_bench's
# tune half three-edition strict F1 from 0.812 to 0.827 (seed 1) and 0.817 to 0.816 (seed 3);
# weight 0.15 gave 0.819 / 0.812, 0.35 0.825 / 0.812, 0.5 0.810 (seed 1); 5 nearest 0.820 / 0.817.
NEAREST = 4
NEAREST_WEIGHT = 0.25


@dataclass(frozen=True)
class DPParams:
    """The programme's knobs (tuned on the tuning half of benchmarks/align_bench.py).

    Similarities are normalised: less the row and column means, over the standard deviation of
    the whole single-item matrix (so one margin fits uk-ru, whose similarities spread wide, and
    uk-en, whose spread is narrow).

    ``margin``: normalised similarity a pair needs to beat leaving both sentences unpaired.
    ``merge_penalty``: cost of each sentence beyond the first on a side of a 2-1/1-2/2-2 unit
    (0.15: mean three-way strict F1 over the tune half, seeds 1, 3, 5, 7, 0.844 against 0.835 at
    0.05 and 0.843 at 0.1, the pairs better at 0.15).
    ``band``: half-width, in items, of the band the second pass searches around the first path
    (2 scored as 3 on the tune half, seeds 1 and 3, at two thirds of the span similarities).
    ``scale``: normalised similarity that moves confidence from 0.5 to about 0.73.
    ``gap_penalty``: cost of leaving out a gapped unit's middle item (``GAPPED``), besides the
    merge penalty of a 2-1. Tune half, seeds 1, 3, 5, 7, mean strict F1: gapped units at 0.1
    took three-way from 0.852 to 0.863 and two-edition uk-ru from 0.949 to 0.953; 0, 0.05, 0.2
    and 0.3 gave 0.860, 0.861, 0.860 and 0.858 three-way.
    ``cross_min``: 1-1 value (normalised similarity less ``margin``, with the length term) from
    which two items the monotonic path left alone, each the other's best among those left alone,
    are paired out of order (None: never). It recovers what a paragraph moved without the
    paragraph step seeing it leaves alone: a moved block that is not a whole paragraph in either
    edition. Tune half, seeds 1, 3, 5, 7, mean strict F1, none against 1.0 / 1.5 / 2.0:
    two-edition uk-ru 0.963, 0.966, 0.966, 0.965; three-way 0.889, 0.893, 0.893, 0.893; 3.0 as
    none. On the same half rebuilt as stories of 30+ lines: uk-ru 0.961 either way, three-way
    0.885 to 0.888.
    ``length_weight``: weight of the Gale-Church length log-probability (``similarity.
    length_log_prob``, 0 for lengths in proportion). Weighted by it, GC's own prior against a
    merge, log(0.089 / 0.89) = -2.3, comes to 0.16: about ``merge_penalty``. Tune half, seeds
    1, 3, 5, 7, mean strict F1: 0.07 took two-edition uk-ru from 0.941 to 0.947 and three-way
    from 0.830 to 0.838; 0.05 and 0.1 gave 0.842 and 0.835 three-way with ``consensus``. GC's
    variance per character, 6.8, is what the FLORES pairs show (7.0 uk-ru, 7.7 uk-en, 6.5 ru-en).
    """

    margin: float = 0.15
    merge_penalty: float = 0.15
    band: int = 2
    scale: float = 1.0
    length_weight: float = 0.07
    gap_penalty: float = 0.1
    cross_min: float | None = 1.5


@dataclass(frozen=True)
class Pair:
    """One unit of a pairwise alignment: item indexes on each side, and a confidence in [0, 1]."""

    a: tuple[int, ...]
    b: tuple[int, ...]
    confidence: float
    worth: float = 0.0  # the unit's value in the programme (0 for 1-0 / 0-1)


def align_pairs(
    n: int,
    m: int,
    span: Span,
    params: DPParams | None = None,
    *,
    single: list[list[float]] | None = None,
    single_length: list[list[float]] | None = None,
) -> list[Pair]:
    """Align ``n`` items against ``m`` items; every item is in exactly one returned ``Pair``.

    ``span(rows, cols)``: (similarity in [0, 1], length log-probability <= 0) of items a[rows]
    and b[cols]. Pairs come in order along the first side and, but for pairs recovered out of
    order (``DPParams.cross_min``), along the second; a gapped unit (``GAPPED``) is followed by
    the item it leaves out. Costs ``n * m``
    single scores (or ``single`` and ``single_length``, when the caller has them) plus
    ``O((n + m) * band)`` span scores.
    """
    params = params or DPParams()
    if n == 0 or m == 0:
        return [Pair((i,), (), 1.0) for i in range(n)] + [Pair((), (j,), 1.0) for j in range(m)]
    if single is None or single_length is None:
        scored = [[span((i,), (j,)) for j in range(m)] for i in range(n)]
        single = [[sim for sim, _ in row] for row in scored]
        single_length = [[length for _, length in row] for row in scored]
    # Row and column means, and the spread, shrunk towards priors by PRIOR_WEIGHT pseudo-items:
    # a two-sentence story has no meaningful mean of its own.
    k = PRIOR_WEIGHT

    def centre(values: list[float]) -> float:
        mean = (sum(values) + k * PRIOR_MEAN) / (len(values) + k)
        best = sorted(values, reverse=True)[:NEAREST]
        near = (sum(best) + k * PRIOR_MEAN) / (len(best) + k)
        return (1.0 - NEAREST_WEIGHT) * mean + NEAREST_WEIGHT * near

    base_a = [centre(row) for row in single]
    base_b = [centre([single[i][j] for i in range(n)]) for j in range(m)]
    # Similarities in units of their spread, so one margin fits uk-ru (wide spread) and uk-en.
    mean = sum(sum(row) for row in single) / (n * m)
    squares = sum((x - mean) ** 2 for row in single for x in row) + k * PRIOR_SPREAD**2
    spread = (squares / (n * m + k)) ** 0.5

    margin, merge, weight = params.margin, params.merge_penalty, params.length_weight
    ones = [
        [
            (single[i][j] - (base_a[i] + base_b[j]) / 2.0) / spread
            - margin
            + weight * single_length[i][j]
            for j in range(m)
        ]
        for i in range(n)
    ]
    known: dict[tuple[int, int, int, int], float] = {}

    def score(rows: Sequence[int], cols: Sequence[int]) -> float:
        sim, length = span(rows, cols)
        base = sum(map(base_a.__getitem__, rows)) / len(rows) + sum(
            map(base_b.__getitem__, cols)
        ) / len(cols)
        extra = len(rows) + len(cols) - 2
        return (sim - base / 2.0) / spread - margin - merge * extra + weight * length

    def value(i0: int, i1: int, j0: int, j1: int) -> float:
        if i1 - i0 == 1 and j1 - j0 == 1:
            return ones[i0][j0]
        key = (i0, i1, j0, j1)
        found = known.get(key)
        if found is None:
            found = known[key] = score(range(i0, i1), range(j0, j1))
        return found

    gap = params.gap_penalty

    def gapped_value(i: int, j: int, three_rows: bool) -> float:
        """Value of the gapped unit ending at cell (i, j), its three items in rows or cols."""
        if three_rows:
            kept = min(ones[i - 3][j - 1], ones[i - 1][j - 1])
            middle = ones[i - 2][j - 1]
        else:
            kept = min(ones[i - 1][j - 3], ones[i - 1][j - 1])
            middle = ones[i - 1][j - 2]
        # Only where the left-out item is less like the other side than both kept ones: a
        # cheap test on the 1-1 values that spares most span scores.
        if middle >= kept:
            return -math.inf
        rows, cols = _gapped_unit(i, j, three_rows)
        return score(rows, cols) - gap

    rough = _rough_path(ones)
    allowed = [sorted(row) for row in _band(rough, n, m, params.band)]
    path = _run(n, m, lambda i: allowed[i], KINDS, True, value, gapped_value)
    if params.cross_min is not None:
        path = _recover_crossings(path, ones, params.cross_min)
    best_a = [(max(row) - base_a[i]) / spread for i, row in enumerate(single)]
    best_b = [(max(single[i][j] for i in range(n)) - base_b[j]) / spread for j in range(m)]
    pairs = []
    for rows, cols, worth in path:
        if rows and cols:
            confidence = _logistic((worth + params.margin) / params.scale)
        else:
            nearest = max([best_a[i] for i in rows] + [best_b[j] for j in cols])
            confidence = _logistic(-(nearest - params.margin) / params.scale)
        pairs.append(Pair(tuple(rows), tuple(cols), confidence, worth))
    return pairs


Step = tuple[Sequence[int], Sequence[int], float]  # (rows, cols, worth) of one unit


def _recover_crossings(path: list[Step], ones: list[list[float]], least: float) -> list[Step]:
    """``path`` with each item left alone on one side paired with one left alone on the other
    when each is the other's best among those left alone and their 1-1 value reaches ``least``:
    the unit takes the first side's place, out of order on the second (see ``cross_min``)."""
    lone_a = {rows[0]: k for k, (rows, cols, _) in enumerate(path) if not cols}
    lone_b = {cols[0]: k for k, (rows, cols, _) in enumerate(path) if not rows}
    if not lone_a or not lone_b:
        return path
    best_b = {i: max(lone_b, key=lambda j: ones[i][j]) for i in lone_a}
    best_a = {j: max(lone_a, key=lambda i: ones[i][j]) for j in lone_b}
    steps = list(path)
    paired = set()
    for i, j in best_b.items():
        if best_a[j] == i and ones[i][j] >= least:
            steps[lone_a[i]] = ((i,), (j,), ones[i][j])
            paired.add(lone_b[j])
    return [step for k, step in enumerate(steps) if k not in paired]


def _gapped_unit(i: int, j: int, three_rows: bool) -> tuple[Sequence[int], Sequence[int]]:
    """Rows and cols of the gapped unit ending at cell (i, j) (see ``GAPPED``)."""
    if three_rows:
        return (i - 3, i - 1), (j - 1,)
    return (i - 1,), (j - 3, j - 1)


def _run(
    n: int,
    m: int,
    columns: Callable[[int], Iterable[int]],
    kinds: Sequence[tuple[int, int]],
    gapped: bool,
    value: Callable[[int, int, int, int], float],
    gapped_value: Callable[[int, int, bool], float],
) -> list[Step]:
    """Best-scoring path from (0, 0) to (n, m) through the cells (i, j) with j in
    ``columns(i)`` (ascending), by units of ``kinds`` and, if ``gapped``, of ``GAPPED``; a gapped
    unit's step is followed by its left-out item's."""
    best: dict[tuple[int, int], float] = {(0, 0): 0.0}
    back: dict[tuple[int, int], tuple[int, int, bool, float]] = {}
    extra = GAPPED if gapped else ()
    for i in range(n + 1):
        for j in columns(i):
            if i == 0 and j == 0:
                continue
            top = -math.inf
            choice: tuple[int, int, bool, float] | None = None
            for da, db in kinds:
                start = (i - da, j - db)
                if start not in best:
                    continue
                worth = value(start[0], i, start[1], j) if da and db else 0.0
                total = best[start] + worth
                if total > top:
                    top, choice = total, (da, db, False, worth)
            for da, db in extra:
                start = (i - da, j - db)
                if start not in best:
                    continue
                worth = gapped_value(i, j, da == 3)
                total = best[start] + worth
                if total > top:
                    top, choice = total, (da, db, True, worth)
            if choice is not None:
                best[(i, j)] = top
                back[(i, j)] = choice
    steps: list[Step] = []
    cell = (n, m)
    while cell != (0, 0):
        da, db, is_gapped, worth = back[cell]
        i, j = cell
        if is_gapped:
            steps.append(((i - 2,), (), 0.0) if da == 3 else ((), (j - 2,), 0.0))
            steps.append((*_gapped_unit(i, j, da == 3), worth))
        else:
            steps.append((range(i - da, i), range(j - db, j), worth))
        cell = (i - da, j - db)
    return steps[::-1]


def _rough_path(ones: list[list[float]]) -> list[Step]:
    """``_run`` over every cell with 1-1, 1-0 and 0-1 units only (1-1 worth ``ones``), on lists
    instead of dictionaries: the first pass covers the whole matrix, so its loop is the one that
    counts. Ties go as in ``_run``: 1-1, then 1-0, then 0-1."""
    n, m = len(ones), len(ones[0]) if ones else 0
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    back = [[0] * (m + 1) for _ in range(n + 1)]  # 1: 1-1, 2: 1-0, 3: 0-1
    for j in range(1, m + 1):
        back[0][j] = 3
    for i in range(1, n + 1):
        row, above, worth = best[i], best[i - 1], ones[i - 1]
        steps = back[i]
        row[0], steps[0] = above[0], 2
        for j in range(1, m + 1):
            top, kind = above[j - 1] + worth[j - 1], 1
            if above[j] > top:
                top, kind = above[j], 2
            if row[j - 1] > top:
                top, kind = row[j - 1], 3
            row[j], steps[j] = top, kind
    path: list[Step] = []
    i, j = n, m
    while i or j:
        kind = back[i][j]
        if kind == 1:
            path.append((range(i - 1, i), range(j - 1, j), ones[i - 1][j - 1]))
            i, j = i - 1, j - 1
        elif kind == 2:
            path.append((range(i - 1, i), range(j, j), 0.0))
            i -= 1
        else:
            path.append((range(i, i), range(j - 1, j), 0.0))
            j -= 1
    return path[::-1]


def _band(path: list[Step], n: int, m: int, width: int) -> list[set[int]]:
    """For each row 0..n, the columns within ``width`` of the rough path (always connected)."""
    rows: list[set[int]] = [set() for _ in range(n + 1)]
    cells = [(0, 0)]
    for steps_a, steps_b, _ in path:
        cells.append((cells[-1][0] + len(steps_a), cells[-1][1] + len(steps_b)))
    for i, j in cells:
        for di in range(-width, width + 1):
            row = i + di
            if 0 <= row <= n:
                rows[row].update(range(max(0, j - width), min(m, j + width) + 1))
    return rows


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, x))))
