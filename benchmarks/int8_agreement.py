"""Does int8 change what real models say? fp32 against int8 output on FLORES, per route.

Run (needs the real checkpoints, e.g. after `pipeline models pull`):
    .venv/bin/python benchmarks/int8_agreement.py [--models models.yaml] [--profile fast]
        [--routes en>uk,uk>en] [--sentences 200] [--data ../shared/data] [--engines all]

For each route it translates the first --sentences FLORES devtest sentences of the source
language with the transformers engine in float32 (the reference), then with --quantize int8 and,
when installed, with the CTranslate2 engine (int8), and reports chrF of each against the fp32
output (100 = identical), the share of identical outputs, and chrF of every engine against the
FLORES reference translation (to see whether a difference costs quality). The translation memory
is off, so every run decodes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FLORES = {"uk": "ukr", "ru": "rus", "en": "eng"}


def flores(data: Path, lang: str, count: int) -> list[str]:
    path = data / f"flores200_devtest.{FLORES[lang]}.txt"
    return [line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()][:count]


def translate(
    table: Any,
    route: str,
    texts: list[str],
    engine: str,
    quantize: str | None,
    profile: str | None,
    threads: int | None,
) -> tuple[list[str], float]:
    from pipeline.translate import ENGINES, EngineOptions, build_engine

    if engine == "ctranslate2" and "ctranslate2" not in ENGINES:
        from pipeline.translate.ct2 import CTranslate2Backend

        ENGINES["ctranslate2"] = CTranslate2Backend
    source, target = route.split(">")
    options = EngineOptions(
        profile=profile,
        device="cpu",
        threads=threads,
        quantize=quantize,
        engine=engine,
        use_memory=False,
    )
    started = time.perf_counter()
    with build_engine(table, options) as built:
        made = built.translate(texts, source, target)
    return [t.text for t in made], time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=Path, default=None, help="models.yaml (overlay)")
    parser.add_argument("--profile", default=None)
    parser.add_argument("--routes", default="en>uk,uk>en,en>ru,ru>en")
    parser.add_argument("--sentences", type=int, default=200)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--engines", default="all", help="all, or int8 / ctranslate2")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--json-out", type=Path, default=None)
    args = parser.parse_args(argv)

    from sacrebleu.metrics import CHRF

    from pipeline.routing import load_table

    table = load_table(args.models)
    chrf = CHRF()
    variants = [("int8", "transformers", "int8"), ("ctranslate2-int8", "ctranslate2", None)]
    if args.engines != "all":
        variants = [v for v in variants if v[0].startswith(args.engines)]
    report: list[dict[str, Any]] = []
    for route in args.routes.split(","):
        source, target = route.split(">")
        texts = flores(args.data, source, args.sentences)
        references = flores(args.data, target, args.sentences)
        reference, fp32_s = translate(
            table, route, texts, "transformers", None, args.profile, args.threads
        )
        row: dict[str, Any] = {
            "route": route,
            "sentences": len(texts),
            "fp32_seconds": fp32_s,
            "fp32_chrf_vs_flores": chrf.corpus_score(reference, [references]).score,
        }
        for name, engine, quantize in variants:
            try:
                made, seconds = translate(
                    table, route, texts, engine, quantize, args.profile, args.threads
                )
            except Exception as exc:  # noqa: BLE001  # report and go on with the other variants
                row[name] = {"error": str(exc)}
                continue
            row[name] = {
                "seconds": seconds,
                "chrf_vs_fp32": chrf.corpus_score(made, [reference]).score,
                "identical": sum(a == b for a, b in zip(made, reference, strict=True)) / len(made),
                "chrf_vs_flores": chrf.corpus_score(made, [references]).score,
            }
        report.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=1, ensure_ascii=False), "utf-8")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.exit(main())
