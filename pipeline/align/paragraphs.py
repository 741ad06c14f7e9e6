"""Paragraph order: put one edition's paragraphs in the order of another's before sentences align.

Editions regroup paragraphs (one edition's paragraph is two of another's) and now and then move
one. The sentence programme is monotonic, so a moved paragraph would cost every sentence in it;
this step finds paragraphs that clearly belong elsewhere and moves them, leaving every paragraph
it is not sure of where it stands.

How: each target paragraph's key is the source paragraph it resembles most (similarity less the
row and column means, as in ``dp``). Paragraphs on the longest run of non-decreasing keys stay put;
any other paragraph moves to its key's place only when its best source paragraph beats the
runner-up by ``MOVE_MARGIN`` (a paragraph straddling two source paragraphs, as regrouping makes,
has two close candidates and stays where it is).
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.align.similarity import Features, span_similarity

# Normalised similarity by which a paragraph's best match must beat its second-best to be moved.
MOVE_MARGIN = 0.05


def paragraph_order(
    source: Sequence[Features], target: Sequence[Features], *, ratio: float = 1.0
) -> list[int]:
    """Indexes of ``target`` paragraphs in the order that follows ``source`` (a permutation).

    ``source`` and ``target`` are the joined features of each edition's paragraphs; ``ratio`` is
    the target's length per source character. Returns ``list(range(len(target)))`` when nothing
    is confidently out of place.
    """
    count = len(target)
    if len(source) < 2 or count < 2:
        return list(range(count))
    sims = [[span_similarity(s, t, ratio=ratio) for t in target] for s in source]
    rows = [sum(row) / count for row in sims]
    cols = [sum(sims[p][t] for p in range(len(source))) / len(source) for t in range(count)]
    keys: list[int] = []
    sure: list[bool] = []
    for t in range(count):
        ranked = sorted(
            ((sims[p][t] - (rows[p] + cols[t]) / 2.0, p) for p in range(len(source))),
            reverse=True,
        )
        keys.append(ranked[0][1])
        sure.append(ranked[0][0] - ranked[1][0] >= MOVE_MARGIN and ranked[0][0] > 0)
    kept = _longest_run(keys)
    effective: list[float] = []
    for t in range(count):
        if t in kept or sure[t]:
            effective.append(float(keys[t]))
        else:
            effective.append(effective[-1] if effective else -1.0)
    return sorted(range(count), key=lambda t: (effective[t], t))


def _longest_run(keys: Sequence[int]) -> set[int]:
    """Positions of a longest non-decreasing subsequence of ``keys`` (quadratic; few paragraphs)."""
    length = [1] * len(keys)
    prev = [-1] * len(keys)
    for i in range(len(keys)):
        for j in range(i):
            if keys[j] <= keys[i] and length[j] + 1 > length[i]:
                length[i], prev[i] = length[j] + 1, j
    end = max(range(len(keys)), key=lambda i: (length[i], -i))
    run = set()
    while end >= 0:
        run.add(end)
        end = prev[end]
    return run
