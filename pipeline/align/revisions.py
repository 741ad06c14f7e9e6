"""Match the sentences of an article's old and new revision (a one-language alignment).

Each sentence of either revision ends up in exactly one match:

- ``unchanged``: the same text, in the same order relative to the other unchanged sentences
  (paragraph and sentence numbers may shift when text is added above it);
- ``moved``: the same text, found out of order (a sentence or paragraph moved);
- ``changed``: an old and a new sentence that stand for each other (a correction);
- ``removed`` / ``added``: a sentence only in the old / only in the new revision.

How: difflib's SequenceMatcher over the whole-article list of sentences (whitespace-normalised)
finds the runs kept in order; inside each replaced run, old and new sentences are paired in order
by word-level similarity (a monotonic alignment, like difflib's own ``ndiff`` fancy-replace), and
sentences left over are paired by exact text (moved), then by similarity across the article
(moved and changed). ``SIMILAR`` is the word-level ratio from which two sentences count as one
corrected sentence: a one-word fix in a five-word sentence keeps 0.8; unrelated sentences of the
same language share few words and stay under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

KINDS: tuple[str, ...] = ("unchanged", "moved", "changed", "added", "removed")
SIMILAR = 0.5
# Pairing inside a replaced run costs len(old) * len(new) ratios; beyond this, in order only.
_PAIRING_LIMIT = 40_000


@dataclass(frozen=True)
class Match:
    """One sentence's fate: indexes into the old and new sequences (None where absent)."""

    kind: str
    old: int | None
    new: int | None
    similarity: float = 1.0


def match_revisions(old: Sequence[str], new: Sequence[str]) -> list[Match]:
    """Matches for every index of `old` and of `new` (sentence texts, in reading order).

    Returns matches in reading order of the new revision; a removed sentence sits where it
    stood in the old one.
    """
    a = [_norm(t) for t in old]
    b = [_norm(t) for t in new]
    matches: list[Match] = []
    removed: list[int] = []
    added: list[int] = []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            kept = zip(range(i1, i2), range(j1, j2), strict=True)
            matches += [Match("unchanged", i, j) for i, j in kept]
        elif tag == "delete":
            removed += range(i1, i2)
        elif tag == "insert":
            added += range(j1, j2)
        else:
            paired, lone_old, lone_new = _pair_in_order(a, b, range(i1, i2), range(j1, j2))
            matches += paired
            removed += lone_old
            added += lone_new
    matches += _pair_leftovers(a, b, removed, added)
    paired_old = {m.old for m in matches}
    paired_new = {m.new for m in matches}
    matches += [Match("removed", i, None, 0.0) for i in removed if i not in paired_old]
    matches += [Match("added", None, j, 0.0) for j in added if j not in paired_new]
    return sorted(matches, key=_order)


def similarity(first: str, second: str) -> float:
    """Word-level similarity in [0, 1] (difflib ratio over the two word lists)."""
    return SequenceMatcher(None, first.split(), second.split(), autojunk=False).ratio()


def _pair_in_order(
    a: list[str], b: list[str], olds: range, news: range
) -> tuple[list[Match], list[int], list[int]]:
    """A monotonic pairing of a replaced run maximising total similarity (dynamic programming);
    pairs under SIMILAR are not made, except a lone sentence replaced by a lone sentence, which is
    the same sentence rewritten."""
    if len(olds) == 1 and len(news) == 1:
        i, j = olds[0], news[0]
        return [Match("changed", i, j, similarity(a[i], b[j]))], [], []
    if len(olds) * len(news) > _PAIRING_LIMIT:
        in_order = zip(olds, news, strict=False)
        pairs = [(i, j, s) for i, j in in_order if (s := similarity(a[i], b[j])) >= SIMILAR]
    else:
        pairs = _best_pairs(a, b, olds, news)
    matches = [Match("changed", i, j, s) for i, j, s in pairs]
    used_old = {i for i, _, _ in pairs}
    used_new = {j for _, j, _ in pairs}
    return matches, [i for i in olds if i not in used_old], [j for j in news if j not in used_new]


def _best_pairs(
    a: list[str], b: list[str], olds: range, news: range
) -> list[tuple[int, int, float]]:
    n, m = len(olds), len(news)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    sims = [[similarity(a[olds[x]], b[news[y]]) for y in range(m)] for x in range(n)]
    for x in range(n - 1, -1, -1):
        for y in range(m - 1, -1, -1):
            take = sims[x][y] + score[x + 1][y + 1] if sims[x][y] >= SIMILAR else -1.0
            score[x][y] = max(take, score[x + 1][y], score[x][y + 1])
    pairs = []
    x = y = 0
    while x < n and y < m:
        s = sims[x][y]
        if s >= SIMILAR and score[x][y] == s + score[x + 1][y + 1]:
            pairs.append((olds[x], news[y], s))
            x, y = x + 1, y + 1
        elif score[x][y] == score[x + 1][y]:
            x += 1
        else:
            y += 1
    return pairs


def _pair_leftovers(
    a: list[str], b: list[str], removed: list[int], added: list[int]
) -> list[Match]:
    """Sentences that left one place and arrived at another: same text first, then similar."""
    matches: list[Match] = []
    waiting: dict[str, list[int]] = {}
    for i in removed:
        waiting.setdefault(a[i], []).append(i)
    still_added = []
    for j in added:
        if waiting.get(b[j]):
            matches.append(Match("moved", waiting[b[j]].pop(0), j))
        else:
            still_added.append(j)
    still_removed = [i for i in removed if i not in {m.old for m in matches}]
    if len(still_removed) * len(still_added) <= _PAIRING_LIMIT:
        candidates = sorted(
            (
                (s, i, j)
                for i in still_removed
                for j in still_added
                if (s := similarity(a[i], b[j])) >= SIMILAR
            ),
            key=lambda c: (-c[0], c[1], c[2]),
        )
        taken_old: set[int] = set()
        taken_new: set[int] = set()
        for s, i, j in candidates:
            if i not in taken_old and j not in taken_new:
                matches.append(Match("changed", i, j, s))
                taken_old.add(i)
                taken_new.add(j)
    return matches


def _order(match: Match) -> tuple[float, int]:
    if match.new is not None:
        return (float(match.new), 0)
    return ((match.old or 0) - 0.5, 1)


def _norm(text: str) -> str:
    return " ".join(text.split())
