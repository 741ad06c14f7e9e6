"""Language-detection accuracy and speed: ours, lingua restricted to uk/ru/en, raw langdetect.

Run: .venv/bin/python benchmarks/detect_bench.py [--data ../shared/data] [--json-out FILE]
     [--errors N] [--only ours] [--part tune|unseen]

Sets:
- public sets in ../shared/data (FLORES-200 devtest, lingua's test sets), used where that folder
  exists (a fresh clone has none: those rows are skipped and said so);
- the project's own sets in benchmarks/data/detect_*, written for the project: English headlines
  full of Ukrainian and Russian names, uk/ru/en headlines, short everyday uk/ru/en sentences,
  sentences in be, bg, mk, sr, pl, cs, sk, de, fr (each must come back ``other:*``), and
  mixed-language sentences (their spans); and detect_holdout.tsv, written after tuning ended and
  measured once (names, other languages, uk/ru), never tuned on.
  Lines alternate between a tuning part (odd lines of each file or language) and an unseen part
  that rules were not fitted on; both are reported.

A uk/ru/en item is right when the label is its language; an other-language item is right when the
label is any ``other:*`` but ``other:und``. A mixed sentence is right when its spans have the
expected languages in order and the same words. The last rows print the targets and whether
they are met.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

LANGS = ("uk", "ru", "en")
FLORES_CODES = {"uk": "ukr", "ru": "rus", "en": "eng"}
OTHER = ("be", "bg", "mk", "sr", "pl", "cs", "sk", "de", "fr")
HERE = Path(__file__).resolve().parent
OWN = HERE / "data"
PARTS = ("tune", "unseen")

Labeller = Callable[[Sequence[str]], list[str]]


@dataclass(frozen=True, kw_only=True)
class TestSet:
    name: str
    items: list[tuple[str, str]]  # (expected label, text); expected "other" for other languages
    sentences: bool = True  # a sentence-level set (the 99.5% target)


def _read(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line]


def _own_lines(path: Path) -> list[str]:
    return [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def _part(items: list[tuple[str, str]], part: str) -> list[tuple[str, str]]:
    return items[(0 if part == "tune" else 1) :: 2]


def public_sets(data: Path) -> list[TestSet]:
    sets = [
        TestSet(
            name="flores200-devtest",
            items=[
                (lang, line)
                for lang, code in FLORES_CODES.items()
                for line in _read(data / f"flores200_devtest.{code}.txt")
            ],
        )
    ]
    for kind in ("sentences", "word-pairs", "single-words"):
        sets.append(
            TestSet(
                name=f"lingua-{kind}",
                items=[
                    (lang, line)
                    for lang in LANGS
                    for line in _read(data / "lingua" / f"{lang}.{kind}.txt")
                ],
                sentences=kind == "sentences",
            )
        )
    return sets


def own_sets() -> list[TestSet]:
    names = [("en", line) for line in _own_lines(OWN / "detect_en_names.txt")]
    headlines = [
        (lang, text)
        for lang, text in (line.split("\t", 1) for line in _own_lines(OWN / "detect_headlines.tsv"))
    ]
    short = [
        (lang, text)
        for lang, text in (line.split("\t", 1) for line in _own_lines(OWN / "detect_short.tsv"))
    ]
    by_lang: dict[str, list[str]] = {}
    for line in _own_lines(OWN / "detect_other.tsv"):
        code, text = line.split("\t", 1)
        by_lang.setdefault(code, []).append(text)
    holdout = [
        (want, text)
        for want, text in (line.split("\t", 1) for line in _own_lines(OWN / "detect_holdout.tsv"))
    ]
    sets = [
        TestSet(
            name="holdout-en-names", items=[i for i in holdout if i[0] == "en"], sentences=False
        ),
        TestSet(name="holdout-other", items=[i for i in holdout if i[0] == "other"]),
        TestSet(name="holdout-uk-ru", items=[i for i in holdout if i[0] in ("uk", "ru")]),
    ]
    for part in PARTS:
        sets.append(TestSet(name=f"en-names-{part}", items=_part(names, part), sentences=False))
        sets.append(
            TestSet(name=f"headlines-{part}", items=_part(headlines, part), sentences=False)
        )
        sets.append(TestSet(name=f"short-{part}", items=_part(short, part)))
        for code in OTHER:
            texts = _part([("other", t) for t in by_lang[code]], part)
            sets.append(TestSet(name=f"other-{code}-{part}", items=texts))
    return sets


def mixed_items() -> list[tuple[list[tuple[str, str]], str]]:
    items = []
    for line in _own_lines(OWN / "detect_mixed.tsv"):
        fields = line.split("\t")
        spans = list(zip(fields[0::2], fields[1::2], strict=True))
        items.append((spans, " ".join(text for _, text in spans)))
    return items


def langdetect_labeller() -> Labeller:
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
            out.append(
                ranked[0]
                if ranked and ranked[0] in LANGS
                else f"other:{ranked[0]}"
                if ranked
                else "other:und"
            )
        return out

    return label


def _lingua(codes: Sequence[str] | None) -> Labeller:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    if codes is None:
        builder = LanguageDetectorBuilder.from_all_languages()
    else:
        languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes]
        builder = LanguageDetectorBuilder.from_languages(*languages)
    detector = builder.build()

    def label(texts: Sequence[str]) -> list[str]:
        found = detector.detect_languages_in_parallel_of(list(texts))
        out = []
        for lang in found:
            code = lang.iso_code_639_1.name.lower() if lang is not None else "und"
            out.append(code if code in LANGS else f"other:{code}")
        return out

    return label


def lingua_labeller() -> Labeller:
    return _lingua(LANGS)


def lingua_all_labeller() -> Labeller:
    return _lingua(None)


def ours_labeller() -> Labeller:
    from pipeline.detect import detect_lines

    def label(texts: Sequence[str]) -> list[str]:
        return [d.label for d in detect_lines(texts)]

    return label


LABELLERS: dict[str, Callable[[], Labeller]] = {
    "ours": ours_labeller,
    "lingua": lingua_labeller,
    "lingua-all": lingua_all_labeller,
    "langdetect": langdetect_labeller,
}


def _right(expected: str, got: str) -> bool:
    if expected == "other":
        return got.startswith("other:") and got != "other:und"
    return got == expected


def _letters(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def mixed_accuracy(part: str, errors: int) -> tuple[float, float, int]:
    """(ours %, whole-sentence baseline %, n): spans right on the mixed set's part."""
    from pipeline.detect import detect, detect_spans

    items = _part(mixed_items(), part)  # type: ignore[arg-type]
    ours = base = 0
    for expected, text in items:
        merged: list[tuple[str, str]] = []
        for lang, piece in expected:
            if merged and merged[-1][0] == lang:
                merged[-1] = (lang, merged[-1][1] + " " + piece)
            else:
                merged.append((lang, piece))
        want = [(lang, _letters(piece)) for lang, piece in merged]
        spans = detect_spans(text)
        got = [(s.label, _letters(text[s.start : s.end])) for s in spans]
        if got == want:
            ours += 1
        elif errors:
            print(f"  [mixed-{part}] want {want}\n      got {got}")
        if want == [(detect(text).label, _letters(text))]:
            base += 1
    n = len(items)
    return 100.0 * ours / n, 100.0 * base / n, n


def false_splits(sets: Sequence[TestSet]) -> tuple[int, int]:
    """(sentences cut into spans of two languages, sentences) over one-language sentence sets."""
    from pipeline.detect import detect_spans_many

    texts = [text for s in sets if s.sentences for _, text in s.items]
    spans = detect_spans_many(texts, [None] * len(texts))
    return sum(1 for each in spans if len({s.label for s in each}) > 1), len(texts)


def speed(texts: Sequence[str]) -> float:
    """Sentences a second for our detector over texts, models loaded (a first pass)."""
    from pipeline.detect import detect_lines

    list(detect_lines(texts))  # loads every model the texts need (lingua loads lazily)
    start = time.perf_counter()
    list(detect_lines(texts))
    return len(texts) / (time.perf_counter() - start)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--json-out", type=Path, default=None)
    parser.add_argument("--errors", type=int, default=0, help="print N errors of ours a set")
    parser.add_argument("--only", choices=tuple(LABELLERS), action="append")
    parser.add_argument("--part", choices=PARTS, default=None, help="only this part of own sets")
    args = parser.parse_args(argv)

    sets: list[TestSet] = []
    if args.data.is_dir():
        sets += public_sets(args.data)
    else:
        print(f"no data directory {args.data}: public sets skipped (pass --data)", file=sys.stderr)
    sets += [s for s in own_sets() if args.part is None or s.name.endswith(args.part)]
    chosen = args.only or list(LABELLERS)
    results: dict[str, dict[str, float]] = {}
    timings: dict[str, float] = {}
    for system in chosen:
        start = time.perf_counter()
        label = LABELLERS[system]()
        results[system] = {}
        for test_set in sets:
            labels = label([text for _, text in test_set.items])
            pairs = list(zip(test_set.items, labels, strict=True))
            right = sum(1 for (want, _), got in pairs if _right(want, got))
            results[system][test_set.name] = 100.0 * right / len(pairs)
            if system == "ours" and args.errors:
                wrong = [(t, w, g) for (w, t), g in pairs if not _right(w, g)]
                for text, want, got in wrong[: args.errors]:
                    print(f"  [{test_set.name} {want}->{got}] {text}")
        timings[system] = time.perf_counter() - start

    header = f"{'set':<24}" + "".join(f"{s:>12}" for s in chosen)
    print(header)
    print("-" * len(header))
    for test_set in sets:
        row = "".join(f"{results[s][test_set.name]:>12.2f}" for s in chosen)
        print(f"{test_set.name:<24}{row}")
    print("-" * len(header))
    print(f"{'seconds':<24}" + "".join(f"{timings[s]:>12.1f}" for s in chosen))

    mixed: dict[str, tuple[float, float, int]] = {}
    for part in PARTS if args.part is None else (args.part,):
        mixed[part] = mixed_accuracy(part, args.errors)
        ours, base, n = mixed[part]
        print(f"mixed-{part:<18}spans right {ours:.1f}% (whole-sentence label {base:.1f}%), n={n}")

    public = [s for s in sets if s.name.startswith(("flores", "lingua"))]
    if public:
        cut, n = false_splits(public)
        print(f"false mixed-language splits on public one-language sentences: {cut}/{n}")
    rate = 0.0
    if args.data.is_dir():
        texts = [text for _, text in sets[0].items]
        rate = speed(texts)
        print(f"speed: {rate:.0f} sentences/s (FLORES devtest, uk+ru+en, {len(texts)} sentences)")

    if "ours" in results:
        ours_results = results["ours"]
        checks: list[tuple[str, bool]] = []
        if "lingua" in results:
            for test_set in sets:
                if test_set.name.startswith(("other-", "holdout-other")):
                    continue
                ok = ours_results[test_set.name] >= results["lingua"][test_set.name]
                checks.append((f"{test_set.name} >= lingua uk/ru/en", ok))
        for test_set in sets:
            if test_set.sentences and not test_set.name.startswith(("other-", "holdout-other")):
                checks.append((f"{test_set.name} >= 99.5%", ours_results[test_set.name] >= 99.5))
            if test_set.name.startswith(("en-names", "holdout-en")):
                checks.append((f"{test_set.name} >= 99% en", ours_results[test_set.name] >= 99.0))
            if test_set.name.startswith(("other-", "holdout-other")):
                checks.append(
                    (f"{test_set.name} >= 98% other:*", ours_results[test_set.name] >= 98.0)
                )
        print("targets:")
        for what, ok in checks:
            print(f"  {'met    ' if ok else 'NOT MET'}  {what}")

    if args.json_out is not None:
        payload = {
            "accuracy_percent": results,
            "seconds": timings,
            "mixed_spans_percent": {p: v[0] for p, v in mixed.items()},
            "sentences_per_second": rate,
        }
        args.json_out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
