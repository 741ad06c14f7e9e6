"""Sentence-splitting benchmark: peers' test suites, a news development set, FLORES, hard cases.

(1) Peers' public test suites (../shared/data/segmentation-suites/, see its README for sources
    and licences; they are read from there, never copied into the project): a case counts when
    the split is exactly the expected one (whitespace at the ends ignored). Cases tagged
    `linebreak` or `nospace` follow a convention of that suite and are counted apart as well.
(2) benchmarks/data/segment_news.jsonl: news paragraphs written for this project, each with its
    sentences, in a "tune" part (rules were developed against it) and an "unseen" part (only
    its totals were looked at). Recall is the share of gold boundaries found; "extra" counts
    cuts inside a gold sentence, as a share of the gold sentences.
(3) FLORES-200 devtest: the sentences of one article (consecutive lines with the same URL in
    flores200_devtest.metadata.tsv) are joined with single spaces and split again: recall of the
    line boundaries, extra cuts inside a line (not always wrong: some lines hold two sentences),
    and the time to split all paragraphs of a language.
(4) Leipzig web sentences shipped with lingua (lingua/{lang}.sentences.txt), joined five at a
    time: the same measures on text of another kind.
(5) tests/data/segment_hard_cases.yaml: share of paragraphs split exactly as expected.
Each is run for this project's splitter and, when installed, razdel, pysbd and tokenize-uk
(Ukrainian only). Parts that need ../shared/data are skipped with a note when it is missing
(a fresh clone has no ../shared). The targets are printed with whether each is met; the exit code
is 0 either way.

    .venv/bin/python benchmarks/segment_bench.py [--data ../shared/data] [--json-out FILE]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline.segment import split_sentences

REPO = Path(__file__).resolve().parent.parent
HARD_CASES = REPO / "tests" / "data" / "segment_hard_cases.yaml"
NEWS_SET = REPO / "benchmarks" / "data" / "segment_news.jsonl"
FLORES_FILES = {"uk": "ukr", "ru": "rus", "en": "eng"}
LANGS = ("uk", "ru", "en")
SUITES = (
    "pysbd_golden",
    "lt_uk",
    "razdel_unit",
    "pysbd_ru",
    "tokenize_uk",
    "lt_ru",
    "lt_en",
    "pysbd_issues",
)
# Targets of the project's sentence-splitting work (cases exact, out of the suite's size).
SUITE_TARGETS = {"pysbd_golden": 44, "lt_uk": 100, "razdel_unit": 32, "pysbd_ru": 40}
NEWS_RECALL_TARGET = 0.99
NEWS_EXTRA_TARGET = 0.01

Splitter = Callable[[str, str], list[str]]


@dataclass(frozen=True, kw_only=True)
class BoundaryScore:
    found: int
    total: int
    extra: int
    sentences: int
    seconds: float
    missed_examples: tuple[str, ...]

    @property
    def recall(self) -> float:
        return self.found / self.total if self.total else 1.0

    @property
    def extra_rate(self) -> float:
        return self.extra / self.sentences if self.sentences else 0.0


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
    try:
        import tokenize_uk

        def _tokenize_uk(text: str, lang: str) -> list[str]:
            if lang != "uk":
                raise ValueError("tokenize-uk splits Ukrainian only")
            return [s.strip() for s in tokenize_uk.tokenize_sents(text) if s.strip()]

        splitters["tok-uk"] = _tokenize_uk
    except ImportError:
        print("tokenize-uk not installed: skipped", file=sys.stderr)
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
) -> BoundaryScore | None:
    """Boundary recall and extra cuts over paragraphs made of gold sentences; None when the
    splitter does not handle the language."""
    paragraphs = [" ".join(lines) for lines in groups]
    started = time.perf_counter()
    try:
        results = [splitter(paragraph, lang) for paragraph in paragraphs]
    except ValueError:
        return None
    seconds = time.perf_counter() - started
    found = total = extra = sentences = 0
    missed: list[str] = []
    for lines, paragraph, got_sentences in zip(groups, paragraphs, results, strict=True):
        expected: set[int] = set()
        offset = 0
        for line in lines[:-1]:
            offset += len(line) + 1
            expected.add(offset)
        got = _cut_offsets(paragraph, got_sentences)
        total += len(expected)
        sentences += len(lines)
        found += len(expected & got)
        extra += len(got - expected)
        for cut in sorted(expected - got)[: max(0, examples - len(missed))]:
            missed.append(paragraph[max(0, cut - 45) : cut + 30])
    return BoundaryScore(
        found=found,
        total=total,
        extra=extra,
        sentences=sentences,
        seconds=seconds,
        missed_examples=tuple(missed),
    )


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


def news_groups(part: str, lang: str) -> list[list[str]]:
    groups: list[list[str]] = []
    with NEWS_SET.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["part"] == part and row["lang"] == lang:
                groups.append(row["sentences"])
    return groups


@dataclass(frozen=True, kw_only=True)
class SuiteScore:
    exact: int
    total: int
    tagged_exact: int  # among cases tagged linebreak or nospace
    tagged_total: int


def score_suite(path: Path, splitter: Splitter) -> SuiteScore | None:
    exact = total = tagged_exact = tagged_total = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        try:
            got = [s.strip() for s in splitter(case["text"], case["lang"])]
        except ValueError:
            return None  # the splitter does not handle this language
        except Exception:  # a library crashing on a case counts as a miss
            got = []
        right = got == [s.strip() for s in case["expected"]]
        tagged = bool({"linebreak", "nospace"} & set(case.get("tags", [])))
        total += 1
        exact += right
        tagged_total += tagged
        tagged_exact += right and tagged
    return SuiteScore(
        exact=exact, total=total, tagged_exact=tagged_exact, tagged_total=tagged_total
    )


def score_hard_cases(splitter: Splitter) -> dict[str, float]:
    """Exact share per language; a language the splitter does not handle is left out."""
    data = yaml.safe_load(HARD_CASES.read_text(encoding="utf-8"))
    shares: dict[str, float] = {}
    for lang, items in data.items():
        exact = 0
        try:
            for item in items:
                text = item.get("text") or " ".join(item["sentences"])
                try:
                    exact += splitter(text, lang) == item["sentences"]
                except ValueError:
                    raise
                except Exception:  # a library crashing on a case counts as a miss
                    continue
        except ValueError:
            continue
        shares[lang] = exact / len(items)
    return shares


def _met(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def run_suites(
    data: Path, splitters: dict[str, Splitter], targets: list[str]
) -> dict[str, dict[str, object]]:
    folder = data / "segmentation-suites"
    report: dict[str, dict[str, object]] = {}
    if not folder.is_dir():
        print(f"\n{folder} not found (a fresh clone has no ../shared): peers' suites skipped")
        return report
    print("\npeers' suites: cases exact (of which tagged linebreak/nospace)")
    print(f"{'suite':<14}{'cases':>6}" + "".join(f"{name:>14}" for name in splitters))
    for suite in SUITES:
        path = folder / f"{suite}.jsonl"
        if not path.exists():
            continue
        row = ""
        total = 0
        for name, splitter in splitters.items():
            score = score_suite(path, splitter)
            if score is None:
                row += f"{'-':>14}"
                continue
            total = score.total
            report.setdefault(suite, {})[name] = {
                "exact": score.exact,
                "total": score.total,
                "tagged_exact": score.tagged_exact,
                "tagged_total": score.tagged_total,
            }
            row += f"{f'{score.exact} ({score.tagged_exact}/{score.tagged_total})':>14}"
            if name == "ours" and suite in SUITE_TARGETS:
                goal = SUITE_TARGETS[suite]
                targets.append(
                    f"{suite}: {score.exact}/{score.total} (target >= {goal}/{score.total}) "
                    + _met(score.exact >= goal)
                )
        print(f"{suite:<14}{total:>6}" + row)
    return report


def run_boundaries(
    title: str,
    groups_by_lang: dict[str, list[list[str]]],
    splitters: dict[str, Splitter],
    *,
    show_misses: bool,
    timing: bool = False,
) -> dict[str, dict[str, object]]:
    report: dict[str, dict[str, object]] = {}
    print(
        f"\n{title}: boundary recall (extra cuts inside a sentence)"
        + (", seconds" if timing else "")
    )
    width = 30 if timing else 24
    print(f"{'splitter':<8}" + "".join(f"{lang:>{width}}" for lang in LANGS))
    for name, splitter in splitters.items():
        row = f"{name:<8}"
        for lang in LANGS:
            score = score_boundaries(groups_by_lang[lang], lang, splitter)
            if score is None:
                row += f"{'-':>{width}}"
                continue
            report.setdefault(name, {})[lang] = {
                "recall": round(score.recall, 5),
                "found": score.found,
                "total": score.total,
                "extra": score.extra,
                "sentences": score.sentences,
                "seconds": round(score.seconds, 4),
            }
            cell = f"{score.recall:.2%} {score.found}/{score.total} (+{score.extra})"
            if timing:
                cell += f" {score.seconds:.2f}s"
            row += f"{cell:>{width}}"
            if show_misses and name == "ours":
                for example in score.missed_examples:
                    print(f"    missed {lang}: …{example}…")
        print(row)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--json-out", type=Path)
    parser.add_argument("--show-misses", action="store_true", help="print missed boundaries")
    args = parser.parse_args(argv)

    splitters = _splitters()
    targets: list[str] = []
    report: dict[str, object] = {"suites": run_suites(args.data, splitters, targets)}

    for part in ("tune", "unseen"):
        groups = {lang: news_groups(part, lang) for lang in LANGS}
        news = run_boundaries(
            f"news set, {part} part", groups, splitters, show_misses=args.show_misses
        )
        report[f"news_{part}"] = news
        for lang in LANGS:
            score = news["ours"][lang]
            assert isinstance(score, dict)
            recall = score["found"] / score["total"]
            extra = score["extra"] / score["sentences"]
            targets.append(
                f"news {part} {lang}: recall {recall:.2%} (target >= {NEWS_RECALL_TARGET:.0%}) "
                f"{_met(recall >= NEWS_RECALL_TARGET)}; extra {extra:.2%} "
                f"(target <= {NEWS_EXTRA_TARGET:.0%}) {_met(extra <= NEWS_EXTRA_TARGET)}"
            )

    corpora = {"flores": flores_groups, "leipzig": leipzig_groups}
    for corpus, load in corpora.items():
        if not (args.data / "flores200_devtest.metadata.tsv").exists():
            print(f"\n{args.data} has no FLORES-200 files: {corpus} skipped")
            continue
        groups_by_lang = {lang: load(args.data, lang) for lang in LANGS}
        report[corpus] = run_boundaries(
            corpus,
            groups_by_lang,
            splitters,
            show_misses=args.show_misses,
            timing=corpus == "flores",
        )

    hard: dict[str, object] = {}
    print("\nhard cases: exact-match share")
    print(f"{'splitter':<8}" + "".join(f"{lang:>10}" for lang in LANGS) + f"{'all':>10}")
    counts = {
        lang: len(items)
        for lang, items in yaml.safe_load(HARD_CASES.read_text(encoding="utf-8")).items()
    }
    for name, splitter in splitters.items():
        shares = score_hard_cases(splitter)
        handled = sum(counts[lang] for lang in shares)
        overall = sum(shares[lang] * counts[lang] for lang in shares) / handled
        hard[name] = {**{k: round(v, 4) for k, v in shares.items()}, "all": round(overall, 4)}
        print(
            f"{name:<8}"
            + "".join(
                f"{shares[lang]:>10.1%}" if lang in shares else f"{'-':>10}" for lang in LANGS
            )
            + f"{overall:>10.1%}"
        )
        if name == "ours":
            targets.append(
                f"hard cases: {overall:.1%} of {sum(counts.values())} exact (target 100%) "
                + _met(overall == 1.0)
            )
    report["hard_cases"] = hard

    print("\ntargets")
    for line in targets:
        print(f"  {line}")
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
