"""The Ray executor: decoding on a pool of Ray actors, each holding its models once.

Imported only when ``--executor ray`` is chosen. Each actor builds the project's own engine
backend (either engine, any profile) with its threads set, and decodes the batches the driver
sends; on a cluster with GPUs each actor holds one GPU. An actor that dies (kill -9, a lost
node) is restarted by Ray and its batches are retried (max_restarts, max_task_retries), so the
driver, the only writer to the store, still gets every sentence exactly once.

Why actors and not a Ray Data ``map_batches`` pipeline: Ray Data's actor pool lives for one
dataset's execution, and the engine asks for decoding in many small dependent calls (a slice at
a time, the second leg of a pivot after the first, retries after the language check), so every
call would restart the actors and reload their models.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import fields, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from pipeline.domain import PipelineError
from pipeline.executors import Batch, ExecutorSettings
from pipeline.routing import Route

if TYPE_CHECKING:
    from pipeline.domain import Signature
    from pipeline.routing import RoutingTable
    from pipeline.translate import Engine, EngineOptions, MemoryBackend, Translation

INSTALL_HINT = "pip install 'pipeline[ray]'"
# Batches queued on one actor: the next is already there when one finishes.
IN_FLIGHT_PER_ACTOR = 2
# What the workers need from the driver's environment (offline model caches).
FORWARDED_ENV = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HOME", "PIPELINE_CT2_CACHE")


def import_ray() -> Any:
    """The ray module, or a PipelineError saying what to install."""
    try:
        import ray
    except ImportError as exc:
        raise PipelineError(
            f"the ray executor needs Ray ({exc}): run {INSTALL_HINT}",
            hint="or leave out --executor ray to translate on this machine",
        ) from exc
    return ray


def route_state(route: Route) -> dict[str, Any]:
    """A route as plain data (its generation settings are a read-only mapping proxy, which
    does not pickle)."""
    state = {f.name: getattr(route, f.name) for f in fields(route)}
    state["generation"] = dict(route.generation)
    return state


def route_from(state: dict[str, Any]) -> Route:
    return Route(**{**state, "generation": MappingProxyType(dict(state["generation"]))})


class Decoder:
    """The actor: one engine backend, its models loaded on first use and kept."""

    def __init__(self, options: EngineOptions) -> None:
        from pipeline.translate import EngineStats
        from pipeline.translate.engine import engine_factory
        from pipeline.translate.loader import release_mkl_buffers, tune_malloc

        tune_malloc()
        release_mkl_buffers()
        self.backend = engine_factory(options.engine)(options, EngineStats())

    def pid(self) -> int:
        return os.getpid()

    def signature(self, state: dict[str, Any]) -> Signature:
        return self.backend.translator(route_from(state)).signature

    def decode(self, state: dict[str, Any], texts: tuple[str, ...]) -> list[Translation]:
        route = route_from(state)
        return self.backend.translator(route).translate(texts, route.source, route.target)


class RayExecutor:
    """Decodes batches on Ray actors; see the module docstring."""

    name = "ray"

    @staticmethod
    def check_available() -> None:
        import_ray()

    def __init__(self, settings: ExecutorSettings, options: EngineOptions) -> None:
        ray = import_ray()
        self.ray = ray
        self.started = not ray.is_initialized()
        if self.started:
            ray.init(
                address=settings.address,
                include_dashboard=False,
                configure_logging=False,
                log_to_driver=False,
            )
        resources = ray.cluster_resources()
        gpus = int(resources.get("GPU", 0))
        use_gpu = gpus > 0 and options.device in ("auto", "cuda")
        threads = options.threads or 1
        if use_gpu:
            count = settings.workers or gpus
            actor_resources = {"num_cpus": threads, "num_gpus": 1}
            worker_options = replace(options, device="cuda", threads=threads)
        else:
            count = settings.workers or max(1, int(resources.get("CPU", 1)) // threads)
            actor_resources = {"num_cpus": threads}
            worker_options = replace(options, device="cpu", threads=threads)
        env = {name: os.environ[name] for name in FORWARDED_ENV if name in os.environ}
        actor = ray.remote(Decoder).options(
            **actor_resources,
            max_restarts=-1,
            max_task_retries=-1,
            runtime_env={"env_vars": env} if env else None,
        )
        self.actors = [actor.remote(worker_options) for _ in range(count)]
        self.parallelism = count
        self._signatures: dict[str, Signature] = {}

    def engine(
        self, table: RoutingTable, options: EngineOptions, memory: MemoryBackend | None
    ) -> Engine:
        from pipeline.executors.driver import ExecutorBackend
        from pipeline.translate import Engine, EngineStats

        backend = ExecutorBackend(self, self.parallelism)
        return Engine(table, options, backend, EngineStats(), memory)

    def pids(self) -> list[int]:
        """The process id of every actor (tests kill one)."""
        return list(self.ray.get([a.pid.remote() for a in self.actors]))

    def signature(self, route: Route) -> Signature:
        found = self._signatures.get(route.name)
        if found is None:
            found = self.ray.get(self.actors[0].signature.remote(route_state(route)))
            self._signatures[route.name] = found
        return found

    def run(self, batches: Iterable[Batch]) -> Iterator[tuple[Batch, list[Translation]]]:
        """Sends each batch to the actor with the fewest in flight; yields answers as they
        come. Raises PipelineError when a batch fails for a reason other than a dead actor
        (Ray retries those itself)."""
        ray = self.ray
        todo = iter(batches)
        busy: dict[Any, tuple[Batch, int]] = {}
        load = [0] * len(self.actors)

        def submit() -> bool:
            batch = next(todo, None)
            if batch is None:
                return False
            which = min(range(len(load)), key=load.__getitem__)
            ref = self.actors[which].decode.remote(route_state(batch.route), batch.texts)
            busy[ref] = (batch, which)
            load[which] += 1
            return True

        while len(busy) < IN_FLIGHT_PER_ACTOR * len(self.actors) and submit():
            pass
        while busy:
            (ready,), _ = ray.wait(list(busy), num_returns=1)
            batch, which = busy.pop(ready)
            load[which] -= 1
            try:
                made = ray.get(ready)
            except ray.exceptions.RayError as exc:
                raise PipelineError(
                    f"a Ray worker failed on {batch.route.name}: {exc}".splitlines()[0]
                ) from exc
            submit()
            yield batch, made

    def close(self) -> None:
        for actor in self.actors:
            self.ray.kill(actor)
        self.actors = []
        if self.started:
            self.ray.shutdown()
