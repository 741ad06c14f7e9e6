"""Translation throughput on full-size MarianMT architectures: naive, plain batches, the pipeline.

Run: .venv/bin/python benchmarks/throughput.py [--quick] [--sizes base,tc-big] [--beams 1,4]
     [--sentences 2000] [--threads 2] [--work DIR] [--data ../shared/data]

Models have random weights and the exact architectures of the real ones (base: d_model 512,
6+6 layers, ffn 2048, swish; tc-big: d_model 1024, 6+6, ffn 4096, relu) with a SentencePiece
tokenizer trained on project text and a vocabulary padded to 61,000 entries so the output layer
costs what it really costs. Random weights emit random lengths, so every configuration decodes a
forced length: ceil(1.0 x longest source tokens in the batch) + 2, the pipeline's own length
cap with max_new_tokens_ratio 1.0 (min = max). "Generated tokens" counts what each sentence would
get alone (the same numerator for every configuration, so padding waste shows as lost rate).

Every configuration runs in its own subprocess so its peak RSS (VmHWM) is its own. Before its
baseline the process loads the language detectors and runs its configuration once on a tiny
model of the same family (then hands the freed heap back), so what rises above the baseline is
the model and its decoding, not the libraries' code pages, thread pools and caches. Models,
CTranslate2 conversions and the corpus are cached under --work. Writes
benchmarks/results/throughput-<date>.json (git-ignored) and benchmarks/throughput-latest.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from benchdata import (
    ARCH,
    EXTRA,
    RATIO,
    ROOT,
    Workload,
    build_model,
    cap,
    force_lengths,
    models_yaml,
    prepare_warmup,
    prepare_workload,
    run_child,
    write_corpus,
)

Recorder = Callable[[str, str, dict[str, Any], int, int], None]

RESULTS = ROOT / "benchmarks" / "results"
LATEST = ROOT / "benchmarks" / "throughput-latest.md"

# ----------------------------------------------------------------------------- measurement


def rss_mib(field: str = "VmHWM") -> float:
    """This process's peak (VmHWM) or current (VmRSS) resident memory. Not ru_maxrss: Linux
    carries that across exec, so a child would inherit the orchestrator's peak."""
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            key, _, value = line.partition(":")
            if key == field:
                return int(value.split()[0]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def reset_peak_rss() -> None:
    """Restart VmHWM from the current RSS (Linux 4.0+), so that the passing peaks of loading
    the detectors and of the warm-up are not counted as the configuration's."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
    except OSError as exc:
        raise RuntimeError(f"cannot reset the peak RSS ({exc}): Linux 4.0 or later needed") from exc


def child(spec: dict[str, Any]) -> dict[str, Any]:
    """One configuration, measured in this (fresh) process."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    from pipeline.translate.loader import release_mkl_buffers, tune_malloc

    # Every configuration gets the process settings the pipeline's engine applies (before torch
    # loads, as MKL reads its switch then).
    tune_malloc()
    release_mkl_buffers()
    # The CTranslate2 runs never import torch or transformers (the engine does not need them).
    uses_torch = spec["kind"] in ("naive", "batch64") or spec.get("engine") == "transformers"
    on_gpu = uses_torch and spec.get("device", "cpu").startswith("cuda")
    if uses_torch:
        import torch
        import transformers  # noqa: F401  # imported before the baseline: not model memory

        torch.set_num_threads(spec["threads"])
        if on_gpu:
            torch.cuda.init()  # the CUDA context is not model memory either
    force_lengths(transformers=uses_torch)
    if spec["kind"] == "pipeline":
        from pipeline.detect import detect

        # The detectors load before the baseline too: what remains above it is the models
        # and their decoding.
        detect("The detectors load their models on first use.")
        detect("Детектори завантажують моделі під час першого виклику.")
        detect("Οι ανιχνευτές φορτώνουν τα μοντέλα τους.")  # other scripts: langdetect's profiles
    warm_up(spec)
    if on_gpu:
        import torch

        torch.cuda.reset_peak_memory_stats()
    reset_peak_rss()
    baseline = rss_mib("VmRSS")
    kind = spec["kind"]
    sentences: list[str] = spec["sentences"]
    started = time.perf_counter()
    extra: dict[str, Any] = {}
    if kind in ("naive", "batch64"):
        extra = run_transformers(spec, sentences, 1 if kind == "naive" else 64)
    elif kind == "ct2-raw":
        extra = run_ct2_raw(spec, sentences)
    elif kind == "pipeline":
        extra = run_pipeline(spec)
    seconds = extra.pop("seconds", time.perf_counter() - started)
    if on_gpu:
        import torch

        extra["gpu_peak_mib"] = torch.cuda.max_memory_allocated() / 2**20
    return {"seconds": seconds, "peak_rss_mib": rss_mib(), "baseline_rss_mib": baseline, **extra}


def warm_up(spec: dict[str, Any]) -> None:
    """Run the configuration once on a tiny model of the same family, then hand the freed heap
    back. The baseline then holds what the libraries keep after first use (code pages, thread
    pools, kernel caches): the process's memory, not the model's."""
    warm = spec.get("warmup")
    if not warm:
        return
    import gc

    from pipeline.translate.residency import release_free_memory

    tiny = {**spec, **warm, "rerun": False}
    kind = spec["kind"]
    if kind in ("naive", "batch64"):
        run_transformers(tiny, warm["sentences"], 1 if kind == "naive" else 64)
    elif kind == "ct2-raw":
        if warm.get("ct2_model"):
            run_ct2_raw(tiny, warm["sentences"])
    else:
        run_pipeline(tiny)
    gc.collect()
    release_free_memory()


def run_transformers(spec: dict[str, Any], sentences: list[str], batch: int) -> dict[str, Any]:
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(spec["model"])
    device = spec.get("device", "cpu")
    dtype = getattr(torch, spec.get("dtype", "float32"))
    model = MarianMTModel.from_pretrained(spec["model"], dtype=dtype).eval().to(device)
    prefix = spec["prefix"]
    started = time.perf_counter()
    for i in range(0, len(sentences), batch):
        chunk = [prefix + s for s in sentences[i : i + batch]]
        encoded = tokenizer(chunk, return_tensors="pt", padding=True).to(device)
        with torch.inference_mode():
            output = model.generate(
                **encoded,
                num_beams=spec["beams"],
                max_new_tokens=cap(int(encoded["input_ids"].shape[1])),
            )
        tokenizer.batch_decode(output, skip_special_tokens=True)
    return {"seconds": time.perf_counter() - started}


def run_ct2_raw(spec: dict[str, Any], sentences: list[str]) -> dict[str, Any]:
    """The anchor: load, tokenise, sort by length, batches of 64, translate_batch, detokenise.

    Loading is timed as it is for the pipeline runs, which load their models inside the run."""
    started = time.perf_counter()
    import ctranslate2

    from pipeline.translate.pieces import MarianPieces

    tokenizer = MarianPieces(Path(spec["model"]))
    streams = int(spec.get("streams", 1))  # batches in parallel (inter_threads)
    translator = ctranslate2.Translator(
        spec["ct2_model"],
        device=spec.get("device", "cpu"),
        compute_type=spec.get("compute_type", "int8"),
        inter_threads=streams,
        intra_threads=max(1, spec["threads"] // streams),
    )
    sources = [tokenizer.source_pieces(spec["prefix"] + s) for s in sentences]
    order = sorted(range(len(sources)), key=lambda i: -len(sources[i]))
    submitted = []
    for i in range(0, len(order), 64):
        batch = [sources[j] for j in order[i : i + 64]]
        length = cap(max(len(s) for s in batch)) - 1
        submitted.append(
            translator.translate_batch(
                batch,
                beam_size=spec["beams"],
                max_decoding_length=length,
                min_decoding_length=length,
                asynchronous=streams > 1,
            )
        )
    for results in submitted:
        for result in results:
            done = result.result() if streams > 1 else result
            tokenizer.join(done.hypotheses[0])
    return {"seconds": time.perf_counter() - started}


def run_pipeline(spec: dict[str, Any]) -> dict[str, Any]:
    from pipeline.jobs import TranslateOptions, translate_paths
    from pipeline.store import Store
    from pipeline.translate import EngineOptions

    engine = EngineOptions(
        device=spec.get("device", "cpu"),
        threads=spec["threads"],
        quantize=spec.get("quantize"),
        engine=spec["engine"],
        **spec.get("engine_options", {}),
    )
    options = TranslateOptions(targets=("uk",), engine=engine, models_file=Path(spec["yaml"]))
    db = Path(spec["db"])
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    with Store(db) as store:
        started = time.perf_counter()
        report = translate_paths([Path(spec["corpus"])], store, options)
        first = time.perf_counter() - started
        result: dict[str, Any] = {
            "seconds": first,
            "articles": report.articles,
            "translated": report.translated,
            "failed": report.failed,
        }
        if spec.get("rerun"):
            started = time.perf_counter()
            again = translate_paths([Path(spec["corpus"])], store, options)
            result["rerun_seconds"] = time.perf_counter() - started
            result["rerun_translated"] = again.translated
    return result


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    return run_child(__file__, spec, spec["label"])


# ----------------------------------------------------------------------------- orchestration


def weights_mib(model: Path, size: str) -> float:
    """The model's parameters as the transformers engine holds them on CPU (float32)."""
    stored = sum(p.stat().st_size for p in model.glob("*.safetensors"))
    return stored * (2 if ARCH[size]["dtype"] == "float16" else 1) / 2**20


def int8_weights_mib(model: Path) -> float:
    """What dynamic int8 leaves in memory: Linear weights as int8, the rest (biases, norms, the
    shared embeddings) in float32, plus an int8 copy of the embeddings for the tied output
    layer (an nn.Linear too)."""
    from safetensors import safe_open

    total = 0
    with safe_open(str(next(model.glob("*.safetensors"))), "np") as handle:
        for name in handle.keys():  # noqa: SIM118  # safe_open has no __iter__
            shape = handle.get_slice(name).get_shape()
            count = math.prod(shape)
            if name.endswith("shared.weight"):
                total += count * (4 + 1)
            else:
                total += count * (1 if len(shape) == 2 else 4)
    return total / 2**20


def ct2_weights_mib(ct2_model: Path | None) -> float | None:
    return (ct2_model / "model.bin").stat().st_size / 2**20 if ct2_model else None


def rates(result: dict[str, Any], tokens: int, sentences: int, articles: float) -> dict[str, Any]:
    seconds = result["seconds"]
    return {
        **result,
        "tokens_per_s": tokens / seconds,
        "sentences_per_s": sentences / seconds,
        "articles_per_s": articles / seconds,
    }


def reference_rows(record: Recorder, load: Workload, naive_sentences: int) -> None:
    """(a) one sentence per generate on a sample (halved at beam 4), (b) batches of 64."""
    subset, subset_tokens = load.sample(
        naive_sentences if load.beams == 1 else naive_sentences // 2
    )
    record(
        "naive",
        f"(a) naive, 1 sentence per generate ({len(subset)}-sentence sample)",
        {"kind": "naive", "sentences": subset},
        len(subset),
        subset_tokens,
    )
    record(
        "batch64",
        "(b) generate, batches of 64 in file order",
        {"kind": "batch64", "sentences": load.sentences},
        len(load.sentences),
        load.tokens,
    )


def pipeline_spec(load: Workload, db: Path) -> dict[str, Any]:
    return {
        "kind": "pipeline",
        "sentences": [],
        "yaml": str(load.yaml),
        "corpus": str(load.corpus),
        "db": str(db),
    }


def add_ratios(configs: dict[str, dict[str, Any]]) -> None:
    """Each row's rate against (a), (b) and raw CTranslate2, where those rows ran."""
    for name in ("naive", "batch64", "ct2_raw"):
        base_rate = configs.get(name, {}).get("tokens_per_s")
        if base_rate:
            for entry in configs.values():
                if "tokens_per_s" in entry:
                    entry[f"vs_{name}"] = entry["tokens_per_s"] / base_rate


def run_size_beam(args: argparse.Namespace, size: str, beams: int, n: int) -> dict[str, Any]:
    load = prepare_workload(args.work, size, beams, n)
    model, sentences, tokens = load.model, load.sentences, load.tokens
    warm = prepare_warmup(args.work, size, beams)
    common = {
        "model": str(model),
        "prefix": load.prefix,
        "beams": beams,
        "threads": args.threads,
        "warmup": warm,
    }
    configs: dict[str, dict[str, Any]] = {}

    def record(name: str, label: str, spec: dict[str, Any], texts: int, toks: int) -> None:
        print(f"  {size} beam {beams}: {label} ...", file=sys.stderr, flush=True)
        result = measure({**common, **spec, "label": label})
        configs[name] = {"label": label, **rates(result, toks, texts, texts / load.per_article)}
        print(
            f"    {configs[name]['sentences_per_s']:.1f} sentences/s, "
            f"{result['peak_rss_mib']:.0f} MiB",
            file=sys.stderr,
            flush=True,
        )

    reference_rows(record, load, args.naive_sentences)
    pipeline = pipeline_spec(load, args.work / "bench.db")
    record(
        "pipeline",
        "(c) pipeline translate, defaults",
        {**pipeline, "engine": "transformers", "rerun": True},
        len(sentences),
        tokens,
    )
    record(
        "pipeline_low_memory",
        "(c2) pipeline --low-memory",
        {**pipeline, "engine": "transformers", "engine_options": {"low_memory": True}},
        len(sentences),
        tokens,
    )
    record(
        "pipeline_int8",
        "(d) pipeline --quantize int8",
        {**pipeline, "engine": "transformers", "quantize": "int8"},
        len(sentences),
        tokens,
    )
    ct2_model = convert_ct2(model)
    if ct2_model is not None:
        warm_ct2(warm)
        record(
            "pipeline_ct2",
            "(e) pipeline --engine ctranslate2 (int8)",
            {**pipeline, "engine": "ctranslate2"},
            len(sentences),
            tokens,
        )
        record(
            "ct2_raw",
            "(e0) raw ctranslate2 translate_batch (int8, sorted, 64)",
            {"kind": "ct2-raw", "sentences": sentences, "ct2_model": str(ct2_model)},
            len(sentences),
            tokens,
        )
        record(
            "ct2_raw_streams",
            "(e1) raw ctranslate2, 2 batches at once (inter_threads 2 x 1 thread)",
            {
                "kind": "ct2-raw",
                "sentences": sentences,
                "ct2_model": str(ct2_model),
                "streams": 2,
            },
            len(sentences),
            tokens,
        )
    add_ratios(configs)
    first = configs["pipeline"]
    if first.get("rerun_seconds"):
        first["rerun_speedup"] = first["seconds"] / first["rerun_seconds"]
    weights = weights_mib(model, size)
    own_weights = {
        "pipeline_int8": int8_weights_mib(model),
        "pipeline_ct2": ct2_weights_mib(ct2_model),
        "ct2_raw": ct2_weights_mib(ct2_model),
        "ct2_raw_streams": ct2_weights_mib(ct2_model),
    }
    for name, entry in configs.items():
        # Each engine against the weights it holds: float32, dynamic int8, CTranslate2 int8.
        entry["weights_mib"] = own_weights.get(name) or weights
        entry["rss_over_weights"] = entry["peak_rss_mib"] / entry["weights_mib"]
        entry["above_baseline_mib"] = entry["peak_rss_mib"] - entry["baseline_rss_mib"]
        entry["model_rss_over_weights"] = entry["above_baseline_mib"] / entry["weights_mib"]
    return {
        "size": size,
        "beams": beams,
        "sentences": len(sentences),
        "articles": load.articles,
        "generated_tokens": tokens,
        "mean_source_tokens": sum(load.counts) / len(load.counts),
        "min_source_tokens": min(load.counts),
        "max_source_tokens": max(load.counts),
        "weights_fp32_mib": weights,
        "configs": configs,
    }


def convert_ct2(model: Path, compute_type: str = "int8") -> Path | None:
    try:
        from pipeline.translate.ct2 import convert
    except ImportError:
        return None
    try:
        started = time.perf_counter()
        folder = convert(str(model), None, compute_type)
    except Exception as exc:  # noqa: BLE001  # the benchmark goes on without CTranslate2
        print(f"  CTranslate2 unavailable: {exc}", file=sys.stderr)
        return None
    print(f"  CTranslate2 model ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return folder


def warm_ct2(warm: dict[str, Any], compute_type: str = "int8") -> None:
    """Convert the warm-up model for CTranslate2 rows (raw rows read ``ct2_model``; the
    pipeline finds it in the conversion cache), before any measured process needs it."""
    tiny = convert_ct2(Path(warm["model"]), compute_type)
    warm["ct2_model"] = str(tiny) if tiny else None


def run_scaling(args: argparse.Namespace, counts: list[int]) -> dict[str, Any]:
    """Cost against article count with the fastest configuration and 3-sentence articles."""
    model = build_model("base", args.work / "models" / "base")
    yaml_path = models_yaml(args.work / "models-base-beam1.yaml", model, "base", 1)
    engine = "ctranslate2" if convert_ct2(model) is not None else "transformers"
    warm = prepare_warmup(args.work, "base", 1)
    if engine == "ctranslate2":
        warm_ct2(warm)
    rows = []
    for count in counts:
        corpus = write_corpus(
            args.work / f"scaling-{count}", count * 3, seed=7, short=True, per_article=3
        )
        print(f"  scaling: {count} articles ...", file=sys.stderr, flush=True)
        result = measure(
            {
                "kind": "pipeline",
                "label": f"scaling {count}",
                "sentences": [],
                "model": str(model),
                "beams": 1,
                "threads": args.threads,
                "prefix": "",
                "yaml": str(yaml_path),
                "corpus": str(corpus),
                "db": str(args.work / "scaling.db"),
                "engine": engine,
                "quantize": None if engine == "ctranslate2" else "int8",
                "warmup": warm,
            }
        )
        rows.append(
            {
                "articles": count,
                "seconds": result["seconds"],
                "seconds_per_article": result["seconds"] / count,
                "peak_rss_mib": result["peak_rss_mib"],
            }
        )
    return {"engine": engine, "sentences_per_article": 3, "rows": rows}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import torch

    return (
        f"{cpu}, {os.cpu_count()} CPUs, torch {torch.__version__}, "
        f"Python {platform.python_version()}, {platform.system()}"
    )


def table(result: dict[str, Any]) -> str:
    lines = [
        f"Machine: {result['machine']}; {result['threads']} threads; {result['date']}.",
        "",
        "| model | beams | configuration | tokens/s | sentences/s | articles/s | peak RSS MiB "
        "| above baseline MiB | weights MiB | x weights | x (a) | x (b) | x raw CT2 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in result["runs"]:
        for entry in run["configs"].values():

            def ratio(name: str, entry: dict[str, Any] = entry) -> str:
                value = entry.get(f"vs_{name}")
                return f"{value:.2f}" if value is not None else "-"

            lines.append(
                f"| {run['size']} | {run['beams']} | {entry['label']} | "
                f"{entry['tokens_per_s']:.0f} | {entry['sentences_per_s']:.1f} | "
                f"{entry['articles_per_s']:.2f} | {entry['peak_rss_mib']:.0f} | "
                f"{entry['above_baseline_mib']:.0f} | {entry['weights_mib']:.0f} | "
                f"{entry['model_rss_over_weights']:.2f} | {ratio('naive')} | "
                f"{ratio('batch64')} | {ratio('ct2_raw')} |"
            )
    lines.append("")
    for run in result["runs"]:
        first = run["configs"]["pipeline"]
        lines.append(
            f"- {run['size']} beam {run['beams']}: {run['sentences']} sentences in "
            f"{run['articles']} articles, source tokens {run['min_source_tokens']}-"
            f"{run['max_source_tokens']} (mean {run['mean_source_tokens']:.1f}), "
            f"{run['generated_tokens']} generated tokens; warm re-run "
            f"{first.get('rerun_seconds', 0):.2f} s = {first.get('rerun_speedup', 0):.0f}x faster."
        )
    scaling = result.get("scaling")
    if scaling:
        lines += [
            "",
            f"Cost against article count ({scaling['engine']}, greedy, base, "
            f"{scaling['sentences_per_article']} short sentences per article, fresh db):",
            "",
            "| articles | seconds | seconds/article |",
            "|---|---|---|",
        ]
        lines += [
            f"| {r['articles']} | {r['seconds']:.1f} | {r['seconds_per_article']:.3f} |"
            for r in scaling["rows"]
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default="base,tc-big")
    parser.add_argument("--beams", default="1,4")
    parser.add_argument(
        "--sentences",
        type=int,
        default=2000,
        help="sentences for base greedy (the target configuration)",
    )
    parser.add_argument(
        "--other-sentences",
        type=int,
        default=300,
        help="sentences for the slower combinations (tc-big, beam 4)",
    )
    parser.add_argument(
        "--naive-sentences",
        type=int,
        default=100,
        help="sample for (a), extrapolated (halved at beam 4)",
    )
    parser.add_argument("--scaling", default="1,10,100,1000", help="article counts; '' skips")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="base greedy, 300 sentences, scaling to 100 articles (~3 min)",
    )
    parser.add_argument(
        "--work", type=Path, default=Path.home() / ".cache" / "pipeline" / "bench-throughput"
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=ROOT.parent / "shared" / "data",
        help="unused: the corpus is built from project text",
    )
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(json.loads(sys.stdin.read()))))
        return 0
    if args.quick:
        args.sizes, args.beams, args.sentences, args.scaling = "base", "1", 300, "1,10,100"
        args.naive_sentences = min(args.naive_sentences, 30)
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("PIPELINE_CT2_CACHE", str(args.work / "ct2"))
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    result: dict[str, Any] = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "threads": args.threads,
        "quick": args.quick,
        "forced_length": f"ceil({RATIO} * source tokens) + {EXTRA}",
        "runs": [],
    }
    for size in args.sizes.split(","):
        for beams in (int(b) for b in args.beams.split(",")):
            n = args.sentences if (size, beams) == ("base", 1) else args.other_sentences
            result["runs"].append(run_size_beam(args, size, beams, n))
    counts = [int(c) for c in args.scaling.split(",") if c]
    if counts:
        result["scaling"] = run_scaling(args, counts)
    result["total_seconds"] = time.perf_counter() - started
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"throughput-{datetime.now():%Y-%m-%d-%H%M}.json"
    out.write_text(json.dumps(result, indent=1), "utf-8")
    text = table(result)
    LATEST.write_text(
        "# Throughput: latest run\n\nWritten by `benchmarks/throughput.py`"
        f"{' --quick' if args.quick else ''}; JSON in {out.name}.\n\n{text}",
        "utf-8",
    )
    print(text)
    print(f"({result['total_seconds']:.0f} s; wrote {out} and {LATEST})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
