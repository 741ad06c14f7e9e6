"""Sentence-splitting benchmark: boundary recall on real text and exact match on the hard cases.

(1) FLORES-200 devtest: the sentences of one article (consecutive lines with the same URL in
    flores200_devtest.metadata.tsv) are joined with single spaces and split again. Recall is the
    share of the original line boundaries found; "extra" counts cuts inside an original line (not
    always wrong: some FLORES lines hold two sentences).
(2) Leipzig web sentences shipped with lingua (lingua/{lang}.sentences.txt), joined five at a
    time: the same measures on text of another kind.
(3) tests/data/segment_hard_cases.yaml: share of paragraphs split exactly as expected.
Each is run for this project's splitter, razdel and pysbd (when installed).

    .venv/bin/python benchmarks/segment_bench.py [--data ../shared/data] [--json-out FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline.segment import split_sentences

REPO = Path(__file__).resolve().parent.parent
HARD_CASES = REPO / "tests" / "data" / "segment_hard_cases.yaml"
FLORES_FILES = {"uk": "ukr", "ru": "rus", "en": "eng"}
LANGS = ("uk", "ru", "en")

Splitter = Callable[[str, str], list[str]]


@dataclass(frozen=True, kw_only=True)
class BoundaryScore:
    found: int
    total: int
    extra: int
    missed_examples: tuple[str, ...]

    @property
    def recall(self) -> float:
        return self.found / self.total if self.total else 1.0


def _splitters() -> dict[str, Splitter]:
    splitters: dict[str, Splitter] = {"ours": split_sentences}
    try:
        import razdel

        splitters["razdel"] = lambda text, lang: [s.text for s in razdel.sentenize(text)]
    except ImportError:
        print("razdel not installed: skipped", file=sys.stderr)
    try:
        import pysbd

        segmenters = {
            lang: pysbd.Segmenter(language="en" if lang == "en" else "ru", clean=False)
            for lang in LANGS
        }
        splitters["pysbd"] = lambda text, lang: [
            s.strip() for s in segmenters.get(lang, segmenters["en"]).segment(text) if s.strip()
        ]
    except ImportError:
        print("pysbd not installed: skipped", file=sys.stderr)
    return splitters


def _cut_offsets(paragraph: str, sentences: Iterable[str]) -> set[int]:
    """Offsets in paragraph where a sentence (after the first) starts."""
    offsets: set[int] = set()
    position = 0
    for index, sentence in enumerate(sentences):
        found = paragraph.find(sentence, position)
        if found < 0:  # a splitter that rewrote the text: skip the piece, keep going
            continue
        if index:
            offsets.add(found)
        position = found + len(sentence)
    return offsets


def score_boundaries(
    groups: list[list[str]], lang: str, splitter: Splitter, examples: int = 6
) -> BoundaryScore:
    found = total = extra = 0
    missed: list[str] = []
    for lines in groups:
        paragraph = " ".join(lines)
        expected: set[int] = set()
        offset = 0
        for line in lines[:-1]:
            offset += len(line) + 1
            expected.add(offset)
        got = _cut_offsets(paragraph, splitter(paragraph, lang))
        total += len(expected)
        found += len(expected & got)
        extra += len(got - expected)
        for cut in sorted(expected - got)[: max(0, examples - len(missed))]:
            missed.append(paragraph[max(0, cut - 45) : cut + 30])
    return BoundaryScore(found=found, total=total, extra=extra, missed_examples=tuple(missed))


def flores_groups(data: Path, lang: str) -> list[list[str]]:
    with (data / "flores200_devtest.metadata.tsv").open(encoding="utf-8") as handle:
        urls = [row["URL"] for row in csv.DictReader(handle, delimiter="\t")]
    path = data / f"flores200_devtest.{FLORES_FILES[lang]}.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    if len(lines) != len(urls):
        raise SystemExit(f"{path}: {len(lines)} lines but {len(urls)} metadata rows")
    groups: list[list[str]] = []
    previous = None
    for url, line in zip(urls, lines, strict=True):
        if url != previous:
            groups.append([])
            previous = url
        groups[-1].append(line.strip())
    return groups


def leipzig_groups(data: Path, lang: str, size: int = 5) -> list[list[str]]:
    path = data / "lingua" / f"{lang}.sentences.txt"
    if not path.exists():
        return []
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    return [lines[i : i + size] for i in range(0, len(lines), size)]


def score_hard_cases(splitter: Splitter) -> dict[str, float]:
    data = yaml.safe_load(HARD_CASES.read_text(encoding="utf-8"))
    shares: dict[str, float] = {}
    for lang, items in data.items():
        exact = 0
        for item in items:
            text = item.get("text") or " ".join(item["sentences"])
            # a library crashing on a case counts as a miss
            with contextlib.suppress(Exception):
                exact += splitter(text, lang) == item["sentences"]
        shares[lang] = exact / len(items)
    return shares


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--json-out", type=Path)
    parser.add_argument("--show-misses", action="store_true", help="print missed boundaries")
    args = parser.parse_args(argv)

    splitters = _splitters()
    report: dict[str, dict[str, dict[str, object]]] = {}
    corpora = {"flores": flores_groups, "leipzig": leipzig_groups}
    for corpus, load in corpora.items():
        report[corpus] = {}
        print(f"\n{corpus}: boundary recall (extra cuts inside a line)")
        print(f"{'splitter':<8}" + "".join(f"{lang:>24}" for lang in LANGS))
        groups_by_lang = {lang: load(args.data, lang) for lang in LANGS}
        for name, splitter in splitters.items():
            row = f"{name:<8}"
            for lang in LANGS:
                score = score_boundaries(groups_by_lang[lang], lang, splitter)
                report[corpus].setdefault(name, {})[lang] = {
                    "recall": round(score.recall, 5),
                    "found": score.found,
                    "total": score.total,
                    "extra": score.extra,
                }
                cell = f"{score.recall:.2%} {score.found}/{score.total} (+{score.extra})"
                row += f"{cell:>24}"
                if args.show_misses and name == "ours":
                    for example in score.missed_examples:
                        print(f"    missed {lang}: …{example}…")
            print(row)

    report["hard_cases"] = {}
    print("\nhard cases: exact-match share")
    print(f"{'splitter':<8}" + "".join(f"{lang:>10}" for lang in LANGS) + f"{'all':>10}")
    counts = {
        lang: len(items)
        for lang, items in yaml.safe_load(HARD_CASES.read_text(encoding="utf-8")).items()
    }
    for name, splitter in splitters.items():
        shares = score_hard_cases(splitter)
        overall = sum(shares[lang] * counts[lang] for lang in counts) / sum(counts.values())
        report["hard_cases"][name] = {
            **{k: round(v, 4) for k, v in shares.items()},
            "all": round(overall, 4),
        }
        print(
            f"{name:<8}" + "".join(f"{shares[lang]:>10.1%}" for lang in LANGS) + f"{overall:>10.1%}"
        )

    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
