"""Executors decide where batches of sentences are decoded, not how (style.md item 4).

The driver (pipeline.jobs) keeps all state: reading, analysis, routing, the translation memory,
dedup and every store write. An executor only decodes: ``run`` takes length-sorted batches of
one route and yields each batch with its translations as they come back, in any order.

``local`` decodes in this process (today's path); ``ray`` on a Ray cluster's actors
(``pip install 'pipeline[ray]'``), imported only when chosen, like the lazy engines of
pipeline.translate.engine.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from pipeline.domain import PipelineError

if TYPE_CHECKING:
    from pipeline.domain import Signature
    from pipeline.routing import Route, RoutingTable
    from pipeline.translate import Engine, EngineOptions, MemoryBackend, Translation

__all__ = ["EXECUTORS", "Batch", "Executor", "ExecutorSettings", "executor_class", "open_executor"]


@dataclass(frozen=True)
class Batch:
    """One unit of decoding work: texts of one route, shortest first.

    keys: the driver's own references for writing results back (positions in its request);
    workers never read them.
    """

    route: Route
    keys: tuple[int, ...]
    texts: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class ExecutorSettings:
    """Where decoding runs. address: a Ray cluster ("auto", "ray://host:10001", "host:6379");
    None starts Ray on this machine (or joins the cluster RAY_ADDRESS names). workers: decoding
    actors (None: one per GPU where the cluster has GPUs, else the cluster's CPUs divided by
    the threads of one actor)."""

    name: str = "local"
    address: str | None = None
    workers: int | None = None


class Executor(Protocol):
    """Decodes batches somewhere; holds no state of the run."""

    name: str

    def engine(
        self, table: RoutingTable, options: EngineOptions, memory: MemoryBackend | None
    ) -> Engine:
        """The driver's engine (routing, memory, pivots, checks) whose models decode here."""
        ...

    def run(self, batches: Iterable[Batch]) -> Iterator[tuple[Batch, list[Translation]]]:
        """Each batch with one Translation per text, as batches finish (any order)."""
        ...

    def signature(self, route: Route) -> Signature:
        """The signature every translation of route decoded here carries."""
        ...

    def close(self) -> None: ...


# name -> (module, class): the module is imported only when the executor is chosen.
EXECUTORS: dict[str, tuple[str, str]] = {
    "local": ("pipeline.executors.local", "LocalExecutor"),
    "ray": ("pipeline.executors.ray", "RayExecutor"),
}


def executor_class(name: str) -> type:
    """The executor class registered under name. Raises PipelineError for an unknown name, and
    for ray without the [ray] extra (one line saying what to install)."""
    found = EXECUTORS.get(name)
    if found is None:
        raise PipelineError(
            f"unknown executor {name!r}", hint=f"use one of {', '.join(sorted(EXECUTORS))}"
        )
    module, attribute = found
    cls: type = getattr(importlib.import_module(module), attribute)
    check = getattr(cls, "check_available", None)
    if check is not None:
        check()
    return cls


def open_executor(settings: ExecutorSettings, options: EngineOptions) -> Executor:
    """A started executor for settings (Ray: connected, its actors created)."""
    executor: Executor = executor_class(settings.name)(settings, options)
    return executor
