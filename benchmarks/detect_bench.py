"""Language-detection accuracy on real uk/ru/en text: raw langdetect, lingua (uk/ru/en), ours.

Run: .venv/bin/python benchmarks/detect_bench.py [--data ../shared/data] [--json-out FILE]
Every line of a set is one item whose language is the file's; "other:*" counts as wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

LANGS = ("uk", "ru", "en")
FLORES_CODES = {"uk": "ukr", "ru": "rus", "en": "eng"}


@dataclass(frozen=True, kw_only=True)
class TestSet:
    name: str
    items: dict[str, list[str]]  # language -> lines


def load_sets(data: Path) -> list[TestSet]:
    def read(path: Path) -> list[str]:
        return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line]

    sets = [
        TestSet(
            name="flores200-devtest",
            items={
                lang: read(data / f"flores200_devtest.{code}.txt")
                for lang, code in FLORES_CODES.items()
            },
        )
    ]
    for kind in ("sentences", "word-pairs", "single-words"):
        sets.append(
            TestSet(
                name=f"lingua-{kind}",
                items={lang: read(data / "lingua" / f"{lang}.{kind}.txt") for lang in LANGS},
            )
        )
    return sets


def langdetect_labeller() -> Callable[[Sequence[str]], list[str]]:
    from langdetect import DetectorFactory
    from langdetect.detector_factory import PROFILES_DIRECTORY
    from langdetect.lang_detect_exception import LangDetectException

    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.seed = 0

    def label(texts: Sequence[str]) -> list[str]:
        out = []
        for text in texts:
            detector = factory.create()
            detector.append(text)
            try:
                ranked = [str(found.lang) for found in detector.get_probabilities()]
            except LangDetectException:
                ranked = []
            # Top label among uk/ru/en: a language outside the three is not an answer here.
            out.append(next((lang for lang in ranked if lang in LANGS), "und"))
        return out

    return label


def lingua_labeller() -> Callable[[Sequence[str]], list[str]]:
    from lingua import Language, LanguageDetectorBuilder

    names = {Language.UKRAINIAN: "uk", Language.RUSSIAN: "ru", Language.ENGLISH: "en"}
    detector = (
        LanguageDetectorBuilder.from_languages(*names).with_preloaded_language_models().build()
    )

    def label(texts: Sequence[str]) -> list[str]:
        found = detector.detect_languages_in_parallel_of(list(texts))
        return [names.get(lang, "und") if lang is not None else "und" for lang in found]

    return label


def ours_labeller() -> Callable[[Sequence[str]], list[str]]:
    from pipeline.detect import detect_lines

    def label(texts: Sequence[str]) -> list[str]:
        return [d.label for d in detect_lines(texts)]

    return label


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--json-out", type=Path, default=None)
    parser.add_argument("--errors", type=int, default=0, help="print N errors of ours a set")
    parser.add_argument("--only", choices=("langdetect", "lingua", "ours"), action="append")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"no data directory {args.data}; pass --data", file=sys.stderr)
        return 2

    sets = load_sets(args.data)
    labellers = {
        "langdetect": langdetect_labeller,
        "lingua": lingua_labeller,
        "ours": ours_labeller,
    }
    chosen = args.only or list(labellers)
    results: dict[str, dict[str, dict[str, float]]] = {}
    timings: dict[str, float] = {}
    for system in chosen:
        start = time.perf_counter()
        label = labellers[system]()
        results[system] = {}
        for test_set in sets:
            per_lang: dict[str, float] = {}
            right = total = 0
            for lang, lines in test_set.items.items():
                labels = label(lines)
                hits = sum(1 for got in labels if got == lang)
                per_lang[lang] = 100.0 * hits / len(lines)
                right += hits
                total += len(lines)
                if system == "ours" and args.errors:
                    wrong = [(t, g) for t, g in zip(lines, labels, strict=True) if g != lang]
                    for text, got in wrong[: args.errors]:
                        print(f"  [{test_set.name} {lang}->{got}] {text}")
            per_lang["all"] = 100.0 * right / total
            results[system][test_set.name] = per_lang
        timings[system] = time.perf_counter() - start

    header = f"{'set':<22}" + "".join(f"{s:>12}" for s in chosen)
    print(header)
    print("-" * len(header))
    for test_set in sets:
        for key in ("all", *LANGS):
            name = test_set.name if key == "all" else f"  {key}"
            row = "".join(f"{results[s][test_set.name][key]:>12.2f}" for s in chosen)
            print(f"{name:<22}{row}")
    print("-" * len(header))
    print(f"{'seconds':<22}" + "".join(f"{timings[s]:>12.1f}" for s in chosen))

    if args.json_out is not None:
        payload = {"accuracy_percent": results, "seconds": timings}
        args.json_out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
