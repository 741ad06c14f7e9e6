"""The local executor: decoding in this process, as translate has always run."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from pipeline.executors import Batch, ExecutorSettings

if TYPE_CHECKING:
    from pipeline.domain import Signature
    from pipeline.routing import Route, RoutingTable
    from pipeline.translate import Engine, EngineOptions, MemoryBackend, Translation
    from pipeline.translate.engine import Backend


class LocalExecutor:
    """Decodes with the engine's own backend in this process: the engine's translators call
    their models directly, so ``engine`` is pipeline.translate.build_engine unchanged."""

    name = "local"

    def __init__(self, settings: ExecutorSettings, options: EngineOptions) -> None:
        self.settings = settings
        self.options = options
        self._backend: Backend | None = None

    def engine(
        self, table: RoutingTable, options: EngineOptions, memory: MemoryBackend | None
    ) -> Engine:
        from pipeline.translate import build_engine

        return build_engine(table, options, memory=memory)

    def _decoder(self) -> Backend:
        if self._backend is None:
            from pipeline.translate import EngineStats
            from pipeline.translate.engine import engine_factory

            self._backend = engine_factory(self.options.engine)(self.options, EngineStats())
        return self._backend

    def run(self, batches: Iterable[Batch]) -> Iterator[tuple[Batch, list[Translation]]]:
        for batch in batches:
            translator = self._decoder().translator(batch.route)
            yield batch, translator.translate(batch.texts, batch.route.source, batch.route.target)

    def signature(self, route: Route) -> Signature:
        return self._decoder().translator(route).signature

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
            self._backend = None
