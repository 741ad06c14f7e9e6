"""Edition pairing: precision and recall of pipeline.align.pair_editions without urls or file names.

Run: .venv/bin/python benchmarks/pairing_bench.py [--data ../shared/data] [--seed 2]
     [--half heldout|tune|all] [--archive 1000]

The articles are align_bench's edited FLORES stories (same halves and seeds: tuned on the tune
half, report the held-out half), each edition one article whose title is its first sentence (the
benchmark's "Story N" titles would give the answer away) and whose text is the rest. Nothing
names a language in a url or a file, and nothing is declared, so only the texts, titles and
dates can pair them. Settings:

- dated: each story goes out on a random day of one week, its editions on the same day;
- undated: no dates at all;
- missing editions: dated, with the English edition left out of every third story and the
  Russian of every fifth (an article's counterpart is then not there to be found);
- no editions: dated, one article per story (a random language): every link is wrong;
- three at a time, one at a time: undated, paired a few stories at a time (a small folder),
  where there are too few articles of a language to rank and the sentences speak.

A pair counts as linked when pairing puts both articles in one story (links are transitive);
recall is over the gold pairs (each two editions of a story present), precision over the linked.
Uncertain pairs are reported by pairing, not linked: they are counted, not scored.

``--archive N`` also times an archive of N stories (eight random FLORES segments each, unedited,
five stories a day, or undated): pairing's cost as a newsroom brings in its back catalogue.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
for folder in (REPO, REPO / "benchmarks"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from align_stories import (  # noqa: E402
    LANGS,
    Built,
    add_story_arguments,
    build,
    half_of,
    has_flores,
    load,
)

from pipeline.align.pairing import Candidate, pair_editions  # noqa: E402

Keep = Callable[[int, str], bool]  # (story index, language) -> whether the edition is there


def candidates(built: list[Built], seed: int, *, dated: bool, keep: Keep) -> list[Candidate]:
    """One candidate per kept edition: title its first sentence, text the rest."""
    rng = random.Random(f"{seed}-pairing")
    found = []
    for index, story in enumerate(built):
        day = f"2026-03-{rng.randrange(1, 8):02d}" if dated else None
        for lang in LANGS:
            if not keep(index, lang):
                continue
            title, *rest = story.editions[lang].sentences
            found.append(Candidate(f"{story.name}.{lang}", lang, title, tuple(rest), date=day))
    return found


def measure(articles: list[Candidate], *, batch: int = 0) -> dict[str, float]:
    """Precision, recall, linked and gold pair counts, uncertain pairs and CPU seconds; with
    ``batch``, the articles are paired ``batch`` stories at a time."""
    groups = [articles]
    if batch:
        stories = sorted({a.id.rsplit(".", 1)[0] for a in articles})
        groups = [
            [a for a in articles if a.id.rsplit(".", 1)[0] in stories[k : k + batch]]
            for k in range(0, len(stories), batch)
        ]
    start = time.process_time()
    pairings = [pair_editions(group) for group in groups]
    seconds = time.process_time() - start
    linked = {
        tuple(sorted(pair))
        for pairing in pairings
        for story in pairing.stories
        for pair in combinations(story.ids, 2)
    }
    by_story: dict[str, list[str]] = {}
    for article in articles:
        by_story.setdefault(article.id.rsplit(".", 1)[0], []).append(article.id)
    gold = {tuple(sorted(p)) for ids in by_story.values() for p in combinations(ids, 2)}
    right = len(linked & gold)
    return {
        "precision": right / len(linked) if linked else 1.0,
        "recall": right / len(gold) if gold else 1.0,
        "linked": len(linked),
        "gold": len(gold),
        "wrong": len(linked - gold),
        "uncertain": sum(len(pairing.uncertain) for pairing in pairings),
        "seconds": seconds,
    }


def archive(texts: dict[str, list[str]], size: int, seed: int, *, dated: bool) -> list[Candidate]:
    """A newsroom archive of ``size`` stories for timing pairing at scale: each story eight
    random FLORES segments in uk, ru and en (unedited; title the first), ``ARCHIVE_DAILY``
    stories a day (an edition now and then out the next day), or no dates at all."""
    rng = random.Random(f"{seed}-archive")
    start = date(2025, 1, 1)
    found = []
    for index in range(size):
        lines = rng.sample(range(len(texts["uk"])), 8)
        day = start + timedelta(days=index // ARCHIVE_DAILY)
        for lang in LANGS:
            out = day + timedelta(days=1 if rng.random() < 0.1 else 0)
            title, *rest = (texts[lang][k] for k in lines)
            when = out.isoformat() if dated else None
            found.append(Candidate(f"a{index}.{lang}", lang, title, tuple(rest), date=when))
    return found


ARCHIVE_DAILY = 5


def settings(seed: int) -> dict[str, tuple[bool, Keep, int]]:
    rng = random.Random(f"{seed}-alone")
    alone: dict[int, str] = {}

    def one_language(index: int, lang: str) -> bool:
        return alone.setdefault(index, rng.choice(LANGS)) == lang

    def every(index: int, lang: str) -> bool:
        return True

    def missing(index: int, lang: str) -> bool:
        return not (lang == "en" and index % 3 == 0 or lang == "ru" and index % 5 == 1)

    return {
        "dated": (True, every, 0),
        "undated": (False, every, 0),
        "missing editions": (True, missing, 0),
        "no editions": (True, one_language, 0),
        "three at a time": (False, every, 3),
        "one at a time": (False, every, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_story_arguments(parser)
    parser.add_argument(
        "--archive",
        type=int,
        default=0,
        metavar="N",
        help="also time pairing an archive of N stories (dated, then undated)",
    )
    args = parser.parse_args(argv)
    if not has_flores(args.data):
        return 2
    texts, stories = load(args.data)
    stories = half_of(stories, args.half)
    with tempfile.TemporaryDirectory() as tmp:
        built = build(stories, texts, args.seed, Path(tmp))
    print(f"{len(built)} stories ({args.half} half, seed {args.seed}), no urls or file names")
    print(f"{'':17} {'precision':>9} {'recall':>7} {'linked':>7} {'wrong':>6} {'gold':>5}"
          f" {'uncertain':>9} {'CPU s':>6}")  # fmt: skip
    for name, (dated, keep, batch) in settings(args.seed).items():
        m = measure(candidates(built, args.seed, dated=dated, keep=keep), batch=batch)
        print(
            f"{name:17} {m['precision']:9.3f} {m['recall']:7.3f} {m['linked']:7.0f}"
            f" {m['wrong']:6.0f} {m['gold']:5.0f} {m['uncertain']:9.0f} {m['seconds']:6.1f}"
        )
    for dated in (True, False) if args.archive else ():
        m = measure(archive(texts, args.archive, args.seed, dated=dated))
        name = f"archive {args.archive} {'dated' if dated else 'undated'}"
        print(
            f"{name:17} {m['precision']:9.3f} {m['recall']:7.3f} {m['linked']:7.0f}"
            f" {m['wrong']:6.0f} {m['gold']:5.0f} {m['uncertain']:9.0f} {m['seconds']:6.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
