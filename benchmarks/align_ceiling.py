"""The aligner's ceiling: align_bench's stories aligned with a perfect similarity.

Each sentence is described by its share of the FLORES lines it came from (a sentence split in two
holds about half of its line each, a merge holds two lines); the similarity of two spans is the
Dice coefficient of those shares, and everything else (the programme, gapped units, paragraph
order, consensus, the length prior) is the aligner's own. What this scores below 1.0 is lost to
the programme; what align_bench scores below this is lost to the similarity.

Usage: python benchmarks/align_ceiling.py --data ../shared/data --half tune --seed 1
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import align_bench as bench
import align_stories

from pipeline.align import AlignOptions, threeway
from pipeline.align.similarity import Features, length_prior

Shares = dict[tuple[int, str], Counter[str]]


def line_shares(built: list[align_stories.Built]) -> Shares:
    """(id of an edition's paragraphs, sentence) -> share of each source line it holds."""
    shares: Shares = {}
    for story in built:
        for lang in align_stories.LANGS:
            edition = story.editions[lang]
            sizes = [len(align_stories._alnum(s)) for s in edition.sentences]
            totals: Counter[str] = Counter()
            for size, atoms in zip(sizes, story.atoms[lang], strict=True):
                for atom in atoms:
                    totals[f"{atom[0]}:{atom[1]}"] += size
            for sentence, size, atoms in zip(
                edition.sentences, sizes, story.atoms[lang], strict=True
            ):
                names = [f"{kind}:{n}" for kind, n in atoms]
                shares[(id(edition.paragraphs), sentence)] = Counter(
                    {name: size / totals[name] for name in names if totals[name]}
                )
    return shares


@contextmanager
def perfect_similarity(shares: Shares) -> Iterator[None]:
    """Swap the aligner's similarity for the line-share Dice while the block runs."""
    prepare, parts = threeway._prepare, threeway.similarity_parts

    def prepared(lang: str, paragraphs: threeway.Paragraphs) -> threeway._Prepared:
        found = prepare(lang, paragraphs)
        found.features = [
            Features(0, 0, shares[(id(paragraphs), s)], Counter(), len(s)) for s in found.sentences
        ]
        return found

    def similarity(
        first: Features, second: Features, *, ratio: float = 1.0, **_: object
    ) -> tuple[float, float, float]:
        a, b = first.numbers, second.numbers
        total = sum(a.values()) + sum(b.values())
        shared = sum(min(v, b[k]) for k, v in a.items() if k in b)
        sim = 2.0 * shared / total if total else 0.0
        return sim, sim, length_prior(first.length, second.length, ratio)

    threeway._prepare = prepared  # type: ignore[assignment]
    threeway.similarity_parts = similarity  # type: ignore[assignment]
    try:
        yield
    finally:
        threeway._prepare = prepare  # type: ignore[assignment]
        threeway.similarity_parts = parts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    align_stories.add_story_arguments(parser, seed=1, half="tune")
    args = parser.parse_args(argv)
    if not align_stories.has_flores(args.data):
        return 2
    texts, stories = align_stories.load(args.data)
    stories = align_stories.half_of(stories, args.half)
    with tempfile.TemporaryDirectory() as tmp:
        built = align_stories.build(stories, texts, args.seed, Path(tmp))
    with perfect_similarity(line_shares(built)):
        pairwise, three = bench.measure(built, AlignOptions())
    print(f"{len(built)} stories ({args.half} half, seed {args.seed}), perfect similarity")
    bench._table("two editions given", pairwise)
    bench._table("three editions given", three)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
