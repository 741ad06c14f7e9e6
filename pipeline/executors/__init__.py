"""Executors decide where sentences are decoded, not how (style.md item 4).

``local`` (the default) decodes in this process, through pipeline.jobs' own engine, as translate
always has. ``ray`` decodes on a Ray cluster (``pip install 'pipeline[ray]'``): a Ray Data
pipeline of actors, each holding the project's engine (pipeline.executors.ray), fed and drained
by the driver (pipeline.executors.driver), which keeps every piece of state: reading, analysis,
the translation memory, dedup and every store write. ray is imported only when chosen, like the
lazy engines of pipeline.translate.engine.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.domain import PipelineError

if TYPE_CHECKING:
    from pathlib import Path

    from pipeline.executors.ray import RayExecutor
    from pipeline.translate import EngineOptions

__all__ = ["EXECUTORS", "ExecutorSettings", "executor_class", "open_executor"]


@dataclass(frozen=True, kw_only=True)
class ExecutorSettings:
    """Where decoding runs. address: a Ray cluster ("auto", "ray://host:10001", "host:6379");
    None starts Ray on this machine (or joins the cluster RAY_ADDRESS names). workers: decoding
    actors (None: one per GPU where the cluster has GPUs, else the cluster's CPUs divided by
    the threads of one actor). batch_rows: sentences per Ray batch (None: sized to the run,
    pipeline.executors.ray.RayExecutor.batch_rows)."""

    name: str = "local"
    address: str | None = None
    workers: int | None = None
    batch_rows: int | None = None


# name -> (module, class) of a remote executor, imported only when chosen; "local" has none.
EXECUTORS: dict[str, tuple[str, str] | None] = {
    "local": None,
    "ray": ("pipeline.executors.ray", "RayExecutor"),
}


def executor_class(name: str) -> type | None:
    """The remote executor class registered under name (None for local). Raises
    PipelineError for an unknown name, and for ray without the [ray] extra (one line saying
    what to install)."""
    if name not in EXECUTORS:
        raise PipelineError(
            f"unknown executor {name!r}", hint=f"use one of {', '.join(sorted(EXECUTORS))}"
        )
    found = EXECUTORS[name]
    if found is None:
        return None
    module, attribute = found
    cls: type = getattr(importlib.import_module(module), attribute)
    check = getattr(cls, "check_available", None)
    if check is not None:
        check()
    return cls


def open_executor(
    settings: ExecutorSettings, options: EngineOptions, models_file: Path | None
) -> RayExecutor | None:
    """A started remote executor for settings (Ray: connected), or None for local.
    models_file: the routing table the workers load (None: the packaged one)."""
    cls = executor_class(settings.name)
    if cls is None:
        return None
    executor: RayExecutor = cls(settings, options, models_file)
    return executor
