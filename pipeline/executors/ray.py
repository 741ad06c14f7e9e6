"""The Ray executor: a streaming Ray Data pipeline whose actors decode; the driver keeps state.

Design (issue 18). The driver (pipeline.jobs with pipeline.executors.driver) reads and analyses
the articles and is the only writer to the store. It gathers the whole run's work up front:
every missing version per (article, target), split into requests per language pair (a sentence
in two languages asks once per span), less what the translation memory already holds (looked
up exactly where a local engine looks it up) and less duplicates. The rows left, (key, text,
source, target), shortest first per pair, become ``ray.data.from_items`` and flow through
``map_batches(Worker, compute=ActorPoolStrategy(size=n))``. Ray Data streams the batches: an
actor takes the next batch as soon as it finishes one, so no actor waits for another, and
results come back while others are still decoding.

Each Worker actor builds the project's own engine once (pipeline.translate.build_engine: either
engine, any profile, its threads set; one GPU per actor where the cluster has GPUs) and
translates each batch by language pair through Engine.translate, so the protection of verbatim
spans, passthrough, pivots, the wrong-language check and its retry run there exactly as in a
local run. Its memory finds nothing and records what the engine would store; the driver stores
it. The driver writes versions and memory entries as results return, in slices
(TranslateOptions.commit_seconds), as a local run does.

A worker that dies (kill -9, a lost node) is restarted by Ray and its batch retried: Ray
Data's actor pools default to max_restarts=-1 and max_task_retries=-1 (its
actor_pool_map_operator; Ray 2.60 deprecates passing them); the driver writes a version once,
when all of its requests are back. A driver killed mid-run keeps what it wrote; the next run
translates what is missing.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.domain import PipelineError, Signature
from pipeline.executors import ExecutorSettings

if TYPE_CHECKING:
    from pipeline.translate import EngineOptions, Translation

INSTALL_HINT = "pip install 'pipeline[ray]'"
# What the workers need from the driver's environment (offline model caches; the tests' pid
# folder).
FORWARDED_ENV = (
    "HF_HUB_OFFLINE",
    "TRANSFORMERS_OFFLINE",
    "HF_HOME",
    "PIPELINE_CT2_CACHE",
    "PIPELINE_RAY_PID_DIR",
)
# Rows per batch: large enough that a worker's engine packs full model batches (the packaged
# profiles' batch_size is 64), small enough that each actor gets several batches (no tail where
# one actor decodes alone) and a killed actor loses little.
MAX_BATCH_ROWS = 64
MIN_BATCH_ROWS = 8
BATCHES_PER_ACTOR = 4

# One request: (source language, target language, text).
Request = tuple[str, str, str]
# What one worker batch would have put into the memory: (signature key, pairs, scores).
MemoryPut = tuple[str, list[tuple[str, str]], list[float | None] | None]


def import_ray() -> Any:
    """The ray module (with Ray Data), or a one-line PipelineError saying what to install."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise PipelineError(
            f"the ray executor needs Ray Data ({exc}): run {INSTALL_HINT}",
            hint="or leave out --executor ray to translate on this machine",
        ) from exc
    return ray


def encode(translation: Translation) -> str:
    """A Translation as JSON text (rows cross processes as plain columns)."""
    data = asdict(translation)
    return json.dumps(data, ensure_ascii=False)


def decode(text: str) -> Translation:
    from pipeline.translate import Translation

    data = json.loads(text)
    signature = data.pop("signature")
    return Translation(
        **{**data, "flags": tuple(data["flags"])},
        signature=Signature(**signature) if signature else None,
    )


class RecordingMemory:
    """The worker's translation memory: finds nothing (the driver looked first) and keeps
    every entry the engine would store, for the driver to store."""

    def __init__(self) -> None:
        self.puts: list[MemoryPut] = []

    def memory_get(self, signature_key: str, sources: Sequence[str]) -> dict[str, str]:
        return {}

    def memory_scores(self, signature_key: str, sources: Sequence[str]) -> dict[str, float]:
        return {}

    def memory_put(
        self,
        signature_key: str,
        pairs: Sequence[tuple[str, str]],
        *,
        scores: Sequence[float | None] | None = None,
    ) -> None:
        self.puts.append((signature_key, list(pairs), list(scores) if scores else None))


def route_signatures(options: EngineOptions, models_file: str | None) -> dict[str, Signature]:
    """Route name -> the signature a Worker with options signs that route's output with (its
    dtype and model revision are the worker's, which the driver may not share)."""
    from pipeline.routing import load_table
    from pipeline.translate import EngineStats
    from pipeline.translate.engine import engine_factory

    table = load_table(Path(models_file) if models_file else None)
    backend = engine_factory(options.engine)(options, EngineStats())
    return {route.name: backend.translator(route).signature for route in table.all_routes()}


class Worker:
    """The Ray Data actor: the project's engine, built once, models loaded on first use."""

    def __init__(self, options: EngineOptions, models_file: str | None) -> None:
        from pipeline.routing import load_table
        from pipeline.translate import build_engine

        folder = os.environ.get("PIPELINE_RAY_PID_DIR")
        if folder:  # tests kill a worker by this pid
            Path(folder, f"{os.getpid()}.pid").write_text(str(os.getpid()))
        self.memory = RecordingMemory()
        table = load_table(Path(models_file) if models_file else None)
        self.engine = build_engine(table, options, memory=self.memory)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        """batch columns key, text, source, target -> key, result (encoded Translation), puts
        (the batch's memory entries as JSON, on its first row)."""
        texts = [str(t) for t in batch["text"]]
        pairs = [(str(s), str(t)) for s, t in zip(batch["source"], batch["target"], strict=True)]
        results: list[str] = [""] * len(texts)
        for pair in dict.fromkeys(pairs):
            where = [i for i, p in enumerate(pairs) if p == pair]
            made = self.engine.translate([texts[i] for i in where], *pair)
            for i, translation in zip(where, made, strict=True):
                results[i] = encode(translation)
        puts, self.memory.puts = self.memory.puts, []
        return {
            "key": [int(k) for k in batch["key"]],
            "result": results,
            "puts": [json.dumps(puts, ensure_ascii=False)] + [""] * (len(texts) - 1),
        }


class RayExecutor:
    """Connects to Ray (or starts it here) when made, so start-up overlaps reading the input;
    ``translate`` runs one Ray Data pipeline over a run's requests."""

    name = "ray"

    @staticmethod
    def check_available() -> None:
        import_ray()

    def __init__(
        self, settings: ExecutorSettings, options: EngineOptions, models_file: Path | None
    ) -> None:
        ray = import_ray()
        self.ray = ray
        self.settings = settings
        self.started = not ray.is_initialized()
        if self.started:
            ray.init(
                address=settings.address,
                include_dashboard=False,
                configure_logging=False,
                log_to_driver=False,
            )
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        context.print_on_execution_start = False
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        resources = ray.cluster_resources()
        gpus = int(resources.get("GPU", 0))
        self.threads = options.threads or 1
        self.use_gpu = gpus > 0 and options.device in ("auto", "cuda")
        if self.use_gpu:
            self.actors = settings.workers or gpus
            self.options = replace(options, device="cuda", threads=self.threads)
        else:
            cpus = int(resources.get("CPU", 1))
            self.actors = settings.workers or max(1, cpus // self.threads)
            self.options = replace(options, device="cpu", threads=self.threads)
        self.models_file = str(models_file) if models_file else None
        self.env = {name: os.environ[name] for name in FORWARDED_ENV if name in os.environ}
        self.resources: dict[str, Any] = {"num_cpus": self.threads}
        if self.use_gpu:
            self.resources["num_gpus"] = 1
        # Asked now, on a worker like the decoding actors, so it overlaps reading the input.
        self._signatures = (
            ray.remote(route_signatures)
            .options(**self.resources, runtime_env=self.runtime_env())
            .remote(self.options, self.models_file)
        )

    def runtime_env(self) -> dict[str, Any] | None:
        return {"env_vars": self.env} if self.env else None

    def signatures(self) -> dict[str, Signature]:
        """Route name -> signature, as the workers sign (route_signatures)."""
        found: dict[str, Signature] = self.ray.get(self._signatures)
        return found

    def batch_rows(self, rows: int) -> int:
        """Rows per batch for a run of rows requests (MAX_BATCH_ROWS and its neighbours)."""
        if self.settings.batch_rows:
            return self.settings.batch_rows
        share = -(-rows // (self.actors * BATCHES_PER_ACTOR))
        return max(MIN_BATCH_ROWS, min(MAX_BATCH_ROWS, share))

    def translate(
        self, requests: Sequence[Request]
    ) -> Iterator[tuple[int, Translation, list[MemoryPut]]]:
        """(position in requests, its Translation, memory entries to store) as results
        stream back, in any order. Raises PipelineError when a batch fails for a reason other
        than a dead worker (Ray retries those)."""
        if not requests:  # everything came from the memory
            return
        ray = self.ray
        rows = [
            {"key": k, "source": s, "target": t, "text": x} for k, (s, t, x) in enumerate(requests)
        ]
        size = self.batch_rows(len(rows))
        dataset = ray.data.from_items(rows, override_num_blocks=max(1, -(-len(rows) // size)))
        results = dataset.map_batches(
            Worker,
            fn_constructor_kwargs={"options": self.options, "models_file": self.models_file},
            compute=ray.data.ActorPoolStrategy(size=min(self.actors, max(1, len(rows) // size))),
            batch_size=size,
            batch_format="numpy",
            runtime_env=self.runtime_env(),
            **self.resources,
        )
        try:
            for row in results.iter_rows():
                puts = json.loads(row["puts"]) if row["puts"] else []
                yield int(row["key"]), decode(str(row["result"])), puts
        except ray.exceptions.RayError as exc:
            raise PipelineError(f"a Ray worker failed: {exc}".splitlines()[0]) from exc

    def close(self) -> None:
        if self.started:
            self.ray.shutdown()
