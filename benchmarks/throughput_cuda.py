"""The throughput benchmark on a CUDA GPU: the same models, corpus and forced lengths as
benchmarks/throughput.py, with the GPU's dtypes (bfloat16 where the card has it, else float16).

Run: python benchmarks/throughput_cuda.py [--sizes base,tc-big] [--beams 1,4] [--work DIR]

Rows per model and beam size: (a) one sentence per ``generate``, (b) ``generate`` on batches of
64 in file order, (c) ``pipeline translate`` with its defaults and with larger token budgets,
and, where CTranslate2 can use the GPU, (e) the pipeline's CTranslate2 engine (float16) with
raw ``translate_batch`` as its anchor. As on CPU, (a) and (b) time decoding alone; the pipeline
rows include reading, language detection, model loading and storing. Memory is the GPU's peak
allocation (torch's allocator) against the weights in the decoding dtype; host peak RSS is
reported beside it.
Writes benchmarks/results/throughput-cuda-<date>.json and benchmarks/throughput-cuda-latest.md.
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

from benchdata import ARCH, ROOT, prepare_warmup, prepare_workload
from throughput import (
    RESULTS,
    add_ratios,
    convert_ct2,
    machine,
    measure,
    pipeline_spec,
    rates,
    reference_rows,
    warm_ct2,
)

LATEST = ROOT / "benchmarks" / "throughput-cuda-latest.md"


def gpu_dtype(device: str) -> str:
    import torch

    if not device.startswith("cuda"):
        return "float32"  # a dry run of this script on CPU
    return "bfloat16" if torch.cuda.is_bf16_supported() else "float16"


def ct2_on_gpu() -> str | None:
    """None when CTranslate2 can decode on this GPU, else why not."""
    try:
        import ctranslate2
    except ImportError as exc:
        return f"ctranslate2 not installed ({exc})"
    try:
        if ctranslate2.get_cuda_device_count() < 1:
            return "CTranslate2 sees no CUDA device"
        if "float16" not in ctranslate2.get_supported_compute_types("cuda"):
            return "CTranslate2 has no float16 on this GPU"
    except Exception as exc:  # noqa: BLE001  # a missing CUDA library shows up here
        return f"CTranslate2 cannot use the GPU: {exc}"
    return None


def run_size_beam(args: argparse.Namespace, size: str, beams: int, n: int) -> dict[str, Any]:
    load = prepare_workload(args.work, size, beams, n)
    model, sentences, tokens = load.model, load.sentences, load.tokens
    dtype = gpu_dtype(args.device)
    common = {
        "model": str(model),
        "prefix": load.prefix,
        "beams": beams,
        "threads": args.threads,
        "device": args.device,
        "dtype": dtype,
        "warmup": prepare_warmup(args.work, size, beams),
    }
    configs: dict[str, dict[str, Any]] = {}

    def record(name: str, label: str, spec: dict[str, Any], texts: int, toks: int) -> None:
        print(f"  {size} beam {beams}: {label} ...", file=sys.stderr, flush=True)
        try:
            result = measure({**common, **spec, "label": label})
        except SystemExit as exc:  # one failed row must not cost the GPU run
            print(f"    failed: {exc}", file=sys.stderr, flush=True)
            configs[name] = {"label": label, "error": str(exc)}
            return
        configs[name] = {"label": label, **rates(result, toks, texts, texts / load.per_article)}
        print(
            f"    {configs[name]['sentences_per_s']:.1f} sentences/s, "
            f"GPU {result.get('gpu_peak_mib', 0):.0f} MiB",
            file=sys.stderr,
            flush=True,
        )

    reference_rows(record, load, args.naive_sentences)
    pipeline = {**pipeline_spec(load, args.work / "bench.db"), "engine": "transformers"}
    record(
        "pipeline",
        "(c) pipeline translate, defaults",
        {**pipeline, "rerun": (size, beams) == ("base", 1)},
        len(sentences),
        tokens,
    )
    for budget in args.budgets:
        record(
            f"pipeline_{budget}",
            f"(c) pipeline --batch-tokens {budget}",
            {**pipeline, "engine_options": {"batch_tokens": budget}},
            len(sentences),
            tokens,
        )
    blocked = ct2_on_gpu()
    ct2_model = None if blocked else convert_ct2(model, "float16")
    if ct2_model is not None:
        warm_ct2(common["warmup"], "float16")
        record(
            "pipeline_ct2",
            "(e) pipeline --engine ctranslate2 (float16)",
            {**pipeline, "engine": "ctranslate2"},
            len(sentences),
            tokens,
        )
        record(
            "ct2_raw",
            "(e0) raw ctranslate2 translate_batch (float16, sorted, 64)",
            {
                "kind": "ct2-raw",
                "sentences": sentences,
                "ct2_model": str(ct2_model),
                "compute_type": "float16",
            },
            len(sentences),
            tokens,
        )
    add_ratios(configs)
    first = configs["pipeline"]
    if first.get("rerun_seconds"):
        first["rerun_speedup"] = first["seconds"] / first["rerun_seconds"]
    stored = sum(p.stat().st_size for p in model.glob("*.safetensors")) / 2**20
    weights = stored / 2 if ARCH[size]["dtype"] == "float32" else stored  # in 16-bit
    for entry in configs.values():
        if entry.get("gpu_peak_mib"):
            entry["gpu_over_weights"] = entry["gpu_peak_mib"] / weights
    return {
        "size": size,
        "beams": beams,
        "sentences": len(sentences),
        "articles": load.articles,
        "generated_tokens": tokens,
        "weights_16bit_mib": weights,
        "dtype": dtype,
        "ct2": blocked or "float16",
        "configs": configs,
    }


def table(result: dict[str, Any]) -> str:
    lines = [
        f"Machine: {result['machine']}; GPU: {result['gpu']}; {result['date']}.",
        "",
        "| model | beams | configuration | tokens/s | sentences/s | articles/s | GPU peak MiB "
        "| x weights | host peak RSS MiB | x (a) | x (b) | x raw CT2 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in result["runs"]:
        for entry in run["configs"].values():
            if "error" in entry:
                lines.append(
                    f"| {run['size']} | {run['beams']} | {entry['label']} | failed: "
                    f"{entry['error'].splitlines()[-1][:120]} |||||||||"
                )
                continue

            def cell(key: str, entry: dict[str, Any] = entry, fmt: str = "{:.2f}") -> str:
                value = entry.get(key)
                return fmt.format(value) if value is not None else "-"

            lines.append(
                f"| {run['size']} | {run['beams']} | {entry['label']} | "
                f"{entry['tokens_per_s']:.0f} | {entry['sentences_per_s']:.1f} | "
                f"{entry['articles_per_s']:.2f} | {cell('gpu_peak_mib', fmt='{:.0f}')} | "
                f"{cell('gpu_over_weights')} | {entry['peak_rss_mib']:.0f} | "
                f"{cell('vs_naive')} | {cell('vs_batch64')} | {cell('vs_ct2_raw')} |"
            )
    lines.append("")
    for run in result["runs"]:
        first = run["configs"]["pipeline"]
        rerun = (
            f"; warm re-run {first['rerun_seconds']:.2f} s = {first['rerun_speedup']:.0f}x faster"
            if first.get("rerun_seconds")
            else ""
        )
        lines.append(
            f"- {run['size']} beam {run['beams']} ({run['dtype']}): {run['sentences']} sentences "
            f"in {run['articles']} articles, {run['generated_tokens']} generated tokens, "
            f"weights {run['weights_16bit_mib']:.0f} MiB in 16 bits; CTranslate2: {run['ct2']}"
            f"{rerun}."
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="base,tc-big")
    parser.add_argument("--beams", default="1,4")
    parser.add_argument("--sentences", type=int, default=2000, help="for base greedy")
    parser.add_argument("--other-sentences", type=int, default=500)
    parser.add_argument("--naive-sentences", type=int, default=60)
    parser.add_argument(
        "--budgets", default="2048,8192", help="token budgets tried beside the default (32768)"
    )
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--device", default="cuda", help="cpu: a dry run of the script itself")
    parser.add_argument(
        "--work", type=Path, default=Path.home() / ".cache" / "pipeline" / "bench-cuda"
    )
    args = parser.parse_args(argv)
    args.budgets = [int(b) for b in args.budgets.split(",") if b]
    import torch

    if args.device.startswith("cuda") and not torch.cuda.is_available():
        raise SystemExit("no CUDA GPU visible to torch: run benchmarks/throughput.py on CPU")
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("PIPELINE_CT2_CACHE", str(args.work / "ct2"))
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    result: dict[str, Any] = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "gpu": torch.cuda.get_device_name(0) if args.device.startswith("cuda") else "none",
        "threads": args.threads,
        "runs": [],
    }
    for size in args.sizes.split(","):
        for beams in (int(b) for b in args.beams.split(",")):
            n = args.sentences if (size, beams) == ("base", 1) else args.other_sentences
            result["runs"].append(run_size_beam(args, size, beams, n))
            # Written after every row group, so a run cut short still leaves its figures.
            write(result, started)
    print(table(result))
    return 0


def write(result: dict[str, Any], started: float) -> None:
    result["total_seconds"] = time.perf_counter() - started
    # BENCH_OUT: a folder that outlives the machine (a lent GPU's is given back after the run).
    folder = Path(os.environ.get("BENCH_OUT", RESULTS))
    out = folder / f"throughput-cuda-{result['date'][:10]}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1), "utf-8")
    LATEST.write_text(
        "# Throughput on CUDA: latest run\n\nWritten by `benchmarks/throughput_cuda.py`.\n\n"
        + table(result),
        "utf-8",
    )


if __name__ == "__main__":
    sys.exit(main())
