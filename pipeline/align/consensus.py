"""Three editions: keep each link between two editions that two of three alignments make, or
that the pair's own alignment makes with confidence.

A three-edition story has three ways to say which sentences of editions x and y go together:
the joint alignment (uk-ru first, English against both; ``threeway``), the pair's own two-edition
alignment, and the path through the third edition (x with z, then z with y). Each makes its own
mistakes: the joint one fixes the uk-ru units before English is seen, and English then lands on
units it may have merged or split differently; a pairwise one sees one witness only. A link
(sentence of x, sentence of y) is kept when at least two of the three make it, as in majority
voting over system combinations, or when the pair's own alignment makes it in a unit of
confidence ``CONFIDENT`` or more; the kept links, joined transitively, are the units. A sentence
that no kept link reaches keeps the joint alignment's links, so nothing the joint alignment
paired is dropped for lack of a second opinion.

Measured on align_bench's tune half (mean of seeds 1, 3, 5, 7, with the length term): two of
three votes took three-way strict F1 from 0.830 to 0.843, three-edition uk-en 0.863 to 0.879 and
ru-en 0.863 to 0.874. Tried and left: a second joint alignment (uk-en first) as a fourth voter
(0.851 against 0.852 with two of four votes, 0.833 with three); taking a lone sentence's joint
links whenever it has no kept link into a language (0.850).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from itertools import combinations

# A unit: language -> flat sentence indexes, and its confidence in [0, 1].
Unit = tuple[Mapping[str, Sequence[int]], float]
Node = tuple[str, int]
Link = tuple[Node, Node]

# Confidence from which a link of the pair's own alignment stands without a second vote. Two
# votes alone left the units too small: on align_bench's tune half, seeds 9, 11, 13 and 15, 535
# three-way units against the gold's 517 (518 with this rule; strict precision 0.891 -> 0.922,
# recall 0.909 -> 0.915). Mean strict F1 over tune seeds 1, 3, 5, 7 (three-way / uk-ru within
# three): no such rule 0.920 / 0.949; 0.75 0.933 / 0.955; 0.8 0.936 / 0.958; 0.85 0.937 /
# 0.959; 0.88 0.935 / 0.958; the joint or composed alignment's confident links as well: no
# better (the joint's alone 0.919). Seeds 9, 11, 13, 15, not looked at while tuning: 0.900 /
# 0.932 -> 0.919 / 0.940. It needs a lexicon under the alignments (``threeway`` passes None
# without one): on transliterated trigrams alone an English alignment is confidently wrong three
# times in four (tune seeds 1 and 3, no lexicon at all: 19 of the 79 links it would add are
# right, against 18 of 28 with the seed lexicon and the batch's).
CONFIDENT = 0.85


def links(units: Sequence[Unit], langs: Sequence[str]) -> set[Link]:
    """Every (sentence of x, sentence of y) pair that shares a unit, x before y in ``langs``."""
    out: set[Link] = set()
    for sentences, _ in units:
        for x, y in combinations(langs, 2):
            for i in sentences.get(x, ()):
                for j in sentences.get(y, ()):
                    out.add(((x, i), (y, j)))
    return out


def confident_links(units: Sequence[Unit], langs: Sequence[str], least: float) -> set[Link]:
    """``links`` of the units whose confidence is at least ``least``."""
    return links([unit for unit in units if unit[1] >= least], langs)


def _through(first: set[Link], second: set[Link]) -> set[Link]:
    """Links x-y composed from x-z links ``first`` and z-y links ``second``."""
    onward: dict[Node, set[Node]] = defaultdict(set)
    for middle, end in second:
        onward[middle].add(end)
    return {(start, end) for start, middle in first for end in onward[middle]}


def _flip(found: set[Link]) -> set[Link]:
    return {(b, a) for a, b in found}


def combine(
    joint: Sequence[Unit],
    pairwise: Mapping[tuple[str, str], Sequence[Unit]],
    langs: Sequence[str],
    sizes: Mapping[str, int],
    *,
    confident: float | None = CONFIDENT,
) -> list[Unit]:
    """Units over three editions from the ``joint`` units and the ``pairwise`` alignment of each
    pair (keyed by the pair in ``langs`` order); ``sizes``: sentences per edition. A link stands
    with two votes of three, or as a pairwise link of confidence ``confident`` or more (None:
    two votes only).

    Every sentence is in exactly one returned unit; units come in the joint alignment's order
    (a unit sits where its earliest sentence's joint unit was). A unit's confidence is the lowest
    of the joint units its sentences came from.
    """
    pair_links = {pair: links(units, pair) for pair, units in pairwise.items()}
    joint_links = links(joint, langs)
    votes: Counter[Link] = Counter()
    for x, y in combinations(langs, 2):
        (z,) = [lang for lang in langs if lang not in (x, y)]
        direct = pair_links[(x, y)]
        x_z = pair_links[(x, z)] if (x, z) in pair_links else _flip(pair_links[(z, x)])
        z_y = pair_links[(z, y)] if (z, y) in pair_links else _flip(pair_links[(y, z)])
        mine = {link for link in joint_links if link[0][0] == x and link[1][0] == y}
        for found in (direct, _through(x_z, z_y), mine):
            votes.update(found)
    kept = {link for link, count in votes.items() if count >= 2}
    if confident is not None:
        for pair, units in pairwise.items():
            kept |= confident_links(units, pair, confident)
    reached = {node for link in kept for node in link}
    kept |= {(a, b) for a, b in joint_links if a not in reached and b not in reached}

    parent: dict[Node, Node] = {(lang, i): (lang, i) for lang in langs for i in range(sizes[lang])}

    def find(node: Node) -> Node:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in kept:
        parent[find(a)] = find(b)
    home: dict[Node, tuple[int, float]] = {}
    for k, (sentences, confidence) in enumerate(joint):
        for lang, flat in sentences.items():
            for i in flat:
                home[(lang, i)] = (k, confidence)
    groups: dict[Node, list[Node]] = defaultdict(list)
    for node in parent:
        groups[find(node)].append(node)
    out: list[tuple[int, Unit]] = []
    for members in groups.values():
        sentences = {lang: tuple(sorted(i for g, i in members if g == lang)) for lang in langs}
        position = min(home[node][0] for node in members)
        confidence = min(home[node][1] for node in members)
        out.append((position, (sentences, confidence)))
    out.sort(key=lambda pair: pair[0])
    return [unit for _, unit in out]
