"""The driver's side of a remote executor: an engine Backend whose translators send their texts
to the executor in length-sorted batches and put the answers back in order.

Everything around the models stays on the driver, in pipeline.translate.engine.Engine exactly as
for a local run: protection of verbatim spans, passthrough, the translation memory (pipeline
.translate.compose.Cached, keyed by the signature the executor reports), pivots, the
wrong-language check and its retry with the other profile.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipeline.domain import PipelineError, Signature
from pipeline.executors import Batch, Executor

if TYPE_CHECKING:
    from pipeline.routing import Route
    from pipeline.translate import Translation

# A batch smaller than this wastes a worker's round trip; the worker packs its own model
# batches (batch_tokens, batch_size) inside one.
MIN_BATCH = 8


class ExecutedTranslator:
    """A SignedTranslator for one route whose decoding runs on an executor."""

    def __init__(self, route: Route, executor: Executor, parallelism: int) -> None:
        self.route = route
        self.executor = executor
        self.parallelism = max(1, parallelism)
        self._signature: Signature | None = None

    @property
    def signature(self) -> Signature:
        if self._signature is None:
            self._signature = self.executor.signature(self.route)
        return self._signature

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        """One Translation per text, in order. Raises PipelineError for another direction."""
        if (source, target) != (self.route.source, self.route.target):
            raise PipelineError(
                f"route {self.route.name} translates {self.route.key}, not {source}>{target}"
            )
        results: list[Translation | None] = [None] * len(texts)
        for batch, made in self.executor.run(split(self.route, texts, self.parallelism)):
            for key, translation in zip(batch.keys, made, strict=True):
                results[key] = translation
        missing = sum(1 for r in results if r is None)
        if missing:
            raise PipelineError(f"the {self.executor.name} executor lost {missing} sentence(s)")
        return [r for r in results if r is not None]


def split(route: Route, texts: Sequence[str], parallelism: int) -> list[Batch]:
    """Length-sorted batches of texts for parallelism workers: up to two per worker (so one
    that finishes early takes another), of at least MIN_BATCH texts where there are enough,
    their sizes within one of each other. Longest first, so the batch that decides when a
    call ends starts first."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    count = max(1, min(2 * parallelism, len(order) // MIN_BATCH))
    base, extra = divmod(len(order), count)
    batches, start = [], 0
    for i in range(count):
        keys = order[start : start + base + (1 if i < extra else 0)]
        start += len(keys)
        if keys:
            batches.append(Batch(route, tuple(keys), tuple(texts[k] for k in keys)))
    return batches[::-1]


class ExecutorBackend:
    """The engine Backend of a remote executor (pipeline.translate.engine.Backend)."""

    def __init__(self, executor: Executor, parallelism: int) -> None:
        self.executor = executor
        self.parallelism = parallelism
        self._translators: dict[str, ExecutedTranslator] = {}

    def translator(self, route: Route) -> ExecutedTranslator:
        found = self._translators.get(route.name)
        if found is None:
            found = ExecutedTranslator(route, self.executor, self.parallelism)
            self._translators[route.name] = found
        return found

    def close(self) -> None:
        self._translators.clear()
