"""Paragraph order: put one edition's paragraphs in the order of another's before sentences align.

Editions regroup paragraphs (one edition's paragraph is two of another's) and now and then move
one. The sentence programme is monotonic, so a moved paragraph would cost every sentence in it;
this step finds paragraphs that clearly belong elsewhere and moves them, leaving every paragraph
it is not sure of where it stands.

How: each sentence of the target votes for the source position it resembles most (similarity
less the row and column means, over the spread, as in ``dp``) when that reaches ``VOTE_MIN``,
or ``MUTUAL_MIN`` for a mutual best match; a
paragraph's key is the median of its sentences' votes. Positions, not source paragraphs, so
regrouped paragraphs do not matter. Paragraphs on the longest run of non-decreasing keys stay
put; any other paragraph with a key moves to its key's place; a paragraph without votes stays
after the paragraph before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import median

# Resemblance above the row/column mean, in standard deviations of the whole matrix, from which
# a sentence's best match counts as a vote (tuned on the tune half of benchmarks/align_bench.py).
VOTE_MIN = 2.0
# The same for a mutual best match (each the other's best, the anchors of hunalign and
# bleualign), which short stories need: their few sentences give compressed spreads.
MUTUAL_MIN = 1.25


def paragraph_order(single: Sequence[Sequence[float]], paragraphs: Sequence[range]) -> list[int]:
    """Indexes of the target's ``paragraphs`` in the order that follows the source (a permutation).

    ``single[i][j]`` is how much source item ``i`` and target sentence ``j`` resemble each other
    (flat indexes; ``similarity.containment`` suits, as it survives merges and splits);
    ``paragraphs`` the target's paragraphs as ranges of flat indexes. Returns
    ``list(range(len(paragraphs)))`` when nothing is confidently out of place.
    """
    count = len(paragraphs)
    n = len(single)
    if count < 2 or n < 2:
        return list(range(count))
    m = len(single[0])
    rows = [sum(row) / m for row in single]
    cols = [sum(single[i][j] for i in range(n)) / n for j in range(m)]
    mean = sum(rows) / n
    spread = (sum((x - mean) ** 2 for row in single for x in row) / (n * m)) ** 0.5 or 1.0
    z = [[(single[i][j] - (rows[i] + cols[j]) / 2.0) / spread for j in range(m)] for i in range(n)]
    best_in_row = [max(range(m), key=lambda j: z[i][j]) for i in range(n)]
    keys: list[float | None] = []
    for span in paragraphs:
        votes = []
        for j in span:
            top, best = max((z[i][j], i) for i in range(n))
            if top >= VOTE_MIN or (top >= MUTUAL_MIN and best_in_row[best] == j):
                votes.append(best)
        keys.append(float(median(votes)) if votes else None)
    voted = [t for t in range(count) if keys[t] is not None]
    if not voted:
        return list(range(count))
    sizes = [len(paragraphs[t]) for t in voted]
    kept = {voted[k] for k in _longest_run([keys[t] or 0.0 for t in voted], sizes)}
    effective: list[float] = []
    anchor = -1.0  # key of the last paragraph that stays in place
    for t in range(count):
        key = keys[t]
        if key is not None and t not in kept and _clear(t, key, keys, kept):
            effective.append(key)
        else:
            anchor = key if key is not None and t in kept else anchor
            effective.append(anchor)
    return sorted(range(count), key=lambda t: (effective[t], t))


def _clear(t: int, key: float, keys: Sequence[float | None], kept: set[int]) -> bool:
    """A paragraph off the kept run moves only if its key lies outside its kept neighbours'."""
    before = [keys[k] for k in kept if k < t]
    after = [keys[k] for k in kept if k > t]
    low = max((k for k in before if k is not None), default=-1.0)
    high = min((k for k in after if k is not None), default=float("inf"))
    return not low <= key <= high


def _longest_run(keys: Sequence[float], sizes: Sequence[int]) -> set[int]:
    """Positions of the non-decreasing subsequence of ``keys`` with the most sentences (``sizes``)
    in it: of two swapped paragraphs, the shorter is the one that moved. Quadratic (few
    paragraphs)."""
    length = list(sizes)
    prev = [-1] * len(keys)
    for i in range(len(keys)):
        for j in range(i):
            if keys[j] <= keys[i] and length[j] + sizes[i] > length[i]:
                length[i], prev[i] = length[j] + sizes[i], j
    end = max(range(len(keys)), key=lambda i: (length[i], -i))
    run = set()
    while end >= 0:
        run.add(end)
        end = prev[end]
    return run
