"""Settings by measurement: threads, sentences per batch and the token budget, per engine.

Run: .venv/bin/python benchmarks/sweep.py [--work DIR] [--sentences 200] [--beams 1,4]
     [--engines transformers,int8,ctranslate2] [--threads 1,2] [--grid batches|streams]

Each setting runs the pipeline's own translator (MarianTranslator or CTranslate2Translator) in a
fresh subprocess on the same sentences of the throughput corpus (base architecture, random
weights, forced output lengths; see benchdata.py), after a one-sentence warm-up that loads the
model and touches every weight. It reports generated tokens/s and the peak memory that decoding
adds on top of the loaded model (VmHWM reset through /proc/self/clear_refs after the warm-up).

Writes benchmarks/results/sweep-<date>.json (git-ignored) and benchmarks/sweep-latest.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from benchdata import (
    ROOT,
    build_model,
    cap,
    force_lengths,
    models_yaml,
    pipeline_sentences,
    run_child,
)
from benchdata import write_corpus as build_corpus

RESULTS = ROOT / "benchmarks" / "results"
LATEST = ROOT / "benchmarks" / "sweep-latest.md"
UNBOUNDED = 1 << 30
# (sentences per batch, token budget): caps alone, then budgets alone.
GRID = (
    (16, UNBOUNDED),
    (32, UNBOUNDED),
    (64, UNBOUNDED),
    (128, UNBOUNDED),
    (UNBOUNDED, 2048),
    (UNBOUNDED, 4096),
    (UNBOUNDED, 8192),
)
# --grid streams: one batch at a time on all threads, or two at once, at the profile cap of 64.
STREAM_GRID = tuple((streams, budget) for streams in (1, 2) for budget in (1024, 2048, 4096))
ENGINES: dict[str, dict[str, Any]] = {
    "transformers": {"engine": "transformers", "quantize": None},
    "int8": {"engine": "transformers", "quantize": "int8"},
    "ctranslate2": {"engine": "ctranslate2", "quantize": None},
}


def status_mib() -> dict[str, float]:
    found = {}
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) / 1024
    return found


def child(spec: dict[str, Any]) -> dict[str, Any]:
    """One setting, measured in this fresh process."""
    from pipeline.translate.loader import release_mkl_buffers, tune_malloc

    tune_malloc()
    release_mkl_buffers()  # before torch loads, as in the pipeline's engine
    import torch

    from pipeline.routing import load_table
    from pipeline.translate.base import EngineOptions, EngineStats
    from pipeline.translate.engine import engine_factory

    torch.set_num_threads(spec["threads"])
    force_lengths()
    options = EngineOptions(
        device="cpu",
        threads=spec["threads"],
        streams=spec["streams"],
        batch_tokens=spec["batch_tokens"],
        quantize=spec["quantize"],
        engine=spec["engine"],
    )
    backend = engine_factory(options.engine)(options, EngineStats())
    route = load_table(Path(spec["yaml"])).all_routes()[0]
    translator = backend.translator(route)
    translator.batch_size = spec["batch_size"]  # type: ignore[attr-defined]
    sentences: list[str] = spec["sentences"]
    translator.translate(sentences[:1], "en", "uk")  # load, touch every weight
    with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
        handle.write("5")  # reset VmHWM to the current RSS
    loaded = status_mib()["VmRSS"]
    started = time.perf_counter()
    translator.translate(sentences, "en", "uk")
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "loaded_mib": loaded,
        "decode_peak_mib": status_mib()["VmHWM"] - loaded,
    }


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    return run_child(__file__, spec, "setting")


def settings(
    engines: list[str], beams: list[int], threads: list[int], grid: str
) -> list[dict[str, Any]]:
    """Every engine x beams over the chosen grid (at the most threads); the batches grid also
    tries each thread count at 64 sentences and 4096 tokens."""
    most = max(threads)
    rows: list[dict[str, Any]] = []
    for name in engines:
        for beam in beams:
            base = {"name": name, "beams": beam, "threads": most, "streams": 1}
            if grid == "streams":
                rows += [
                    {**base, "streams": streams, "batch_size": 64, "batch_tokens": budget}
                    for streams, budget in STREAM_GRID
                ]
                continue
            rows += [
                {**base, "batch_size": batch_size, "batch_tokens": budget}
                for batch_size, budget in GRID
            ]
            rows += [
                {**base, "threads": count, "batch_size": 64, "batch_tokens": 4096}
                for count in threads
                if count != most
            ]
    return rows


def label(value: int) -> str:
    return "-" if value >= UNBOUNDED else str(value)


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| engine | beams | threads | streams | batch size | token budget | tokens/s | vs best | "
        "decoding peak MiB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    best: dict[tuple[str, int], float] = {}
    for row in rows:
        key = (row["name"], row["beams"])
        best[key] = max(best.get(key, 0.0), row["tokens_per_s"])
    for row in rows:
        share = row["tokens_per_s"] / best[(row["name"], row["beams"])]
        lines.append(
            f"| {row['name']} | {row['beams']} | {row['threads']} | {row['streams']} | "
            f"{label(row['batch_size'])} | "
            f"{label(row['batch_tokens'])} | {row['tokens_per_s']:.0f} | {share:.2f} | "
            f"{row['decode_peak_mib']:.0f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--sentences", type=int, default=200, help="greedy sample (halved at beam 4)"
    )
    parser.add_argument("--beams", default="1,4")
    parser.add_argument("--engines", default="transformers,int8,ctranslate2")
    parser.add_argument("--threads", default=f"1,{os.cpu_count() or 2}")
    parser.add_argument(
        "--grid",
        choices=["batches", "streams"],
        default="batches",
        help="batches: sentences per batch, token budget, threads; streams: 1 or 2 batches "
        "at once x token budget",
    )
    parser.add_argument(
        "--work", type=Path, default=Path.home() / ".cache" / "pipeline" / "bench-throughput"
    )
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(json.loads(sys.stdin.read()))))
        return 0
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("PIPELINE_CT2_CACHE", str(args.work / "ct2"))
    model = build_model("base", args.work / "models" / "base")
    corpus = pipeline_sentences(build_corpus(args.work / "corpus-2000", 2000))
    from transformers import MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(str(model))
    rows = []
    started = time.perf_counter()
    for row in settings(
        args.engines.split(","),
        [int(b) for b in args.beams.split(",")],
        sorted({int(t) for t in args.threads.split(",")}),
        args.grid,
    ):
        count = args.sentences if row["beams"] == 1 else args.sentences // 2
        sample = corpus[:: max(1, len(corpus) // count)][:count]
        tokens = sum(cap(len(tokenizer(s)["input_ids"])) for s in sample)
        yaml_path = models_yaml(
            args.work / f"models-base-beam{row['beams']}.yaml", model, "base", row["beams"]
        )
        spec = {**row, **ENGINES[row["name"]], "yaml": str(yaml_path), "sentences": sample}
        result = measure(spec)
        rows.append(
            {**row, **result, "sentences": len(sample), "tokens_per_s": tokens / result["seconds"]}
        )
        print(
            f"  {row['name']} beam {row['beams']} threads {row['threads']} streams "
            f"{row['streams']} batch "
            f"{label(row['batch_size'])} budget {label(row['batch_tokens'])}: "
            f"{rows[-1]['tokens_per_s']:.0f} tok/s, +{result['decode_peak_mib']:.0f} MiB",
            file=sys.stderr,
            flush=True,
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"sweep-{datetime.now():%Y-%m-%d-%H%M}.json"
    out.write_text(
        json.dumps({"date": datetime.now().isoformat(timespec="seconds"), "rows": rows}, indent=1),
        "utf-8",
    )
    text = table(rows)
    latest = LATEST if args.grid == "batches" else LATEST.with_name("sweep-streams-latest.md")
    latest.write_text(
        f"# Settings sweep: latest run\n\nWritten by `benchmarks/sweep.py` in "
        f"{time.perf_counter() - started:.0f} s; JSON in {out.name}. Base architecture, "
        f"{args.sentences} sentences greedy, {args.sentences // 2} at beam 4; '-' = no limit."
        f"\n\n{text}",
        "utf-8",
    )
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
