"""The driver's side of the Ray executor: what to send, and writing what comes back.

``translate_remote`` gathers a run's work up front. Each missing version becomes one or more
requests (source, target, text): one for a plain sentence, one per span for a sentence in two
languages (pipeline.translate.spans). A lookup engine, the project's Engine over the driver's
store with translators that decode nothing, answers what a local engine would answer without a
model (the memory at every level a local run looks, passthrough, identity) and marks the rest
deferred; the deferred requests, each once, go to the executor. As results return, each version
whose requests are all answered is joined exactly as a local run joins it (translate_with_spans
over the answers) and written with the memory entries the workers recorded, in slices of about
``commit_seconds``.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from pipeline.verbatim import VERBATIM_KINDS

if TYPE_CHECKING:
    from pipeline.domain import Segment, Signature, Version
    from pipeline.executors.ray import MemoryPut, RayExecutor, Request
    from pipeline.routing import Route, RoutingTable
    from pipeline.store import Store, StoredArticle
    from pipeline.translate import Engine, EngineOptions, Translation
    from pipeline.translate.spans import SpanRoute

# A flag only the lookup engine sets: no model has made this text yet.
DEFERRED = "deferred:remote"


class JobCallbacks(Protocol):
    """What pipeline.jobs lends the driver: its progress callbacks."""

    def article_started(self, title: str, segments: int) -> None: ...

    def advanced(self, segments: int) -> None: ...

    def article_done(self, title: str, written: int) -> None: ...


@dataclass
class RemoteWork:
    """One article's missing versions: (segment, target language)."""

    stored: StoredArticle
    work: list[tuple[Segment, str]]


@dataclass
class _Version:
    owner: int
    segment: Segment
    target: str
    spans: Sequence[SpanRoute] | None
    waiting: set[Request] = field(default_factory=set)


class _Deferred:
    """A translator that decodes nothing: every text comes back deferred, signed as the
    workers will sign it."""

    def __init__(self, signature: Signature) -> None:
        self.signature = signature

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        from pipeline.translate import Translation

        return [Translation(text=t, signature=self.signature, flags=(DEFERRED,)) for t in texts]


class _LookupBackend:
    def __init__(self, signatures: dict[str, Signature]) -> None:
        self.signatures = signatures

    def translator(self, route: Route) -> _Deferred:
        return _Deferred(self.signatures[route.name])

    def close(self) -> None:
        return None


def _lookup_engine(
    table: RoutingTable, options: EngineOptions, signatures: dict[str, Signature], store: Store
) -> Engine:
    """The project's Engine with deferring translators over the store's memory. Its language
    check is off: a deferred text is no model output, and the check (with its retry through
    the other profile) runs on the workers, on what the model made."""
    from pipeline.translate import Engine, EngineStats

    class LookupEngine(Engine):
        def _check_language(
            self,
            routes: list[Route],
            sources: list[str],
            made: list[Translation],
            source: str,
            target: str,
        ) -> list[Translation]:
            return made

    return LookupEngine(
        table, options, _LookupBackend(signatures), EngineStats(), _ReadOnlyMemory(store)
    )


class _ReadOnlyMemory:
    """The store's memory for lookups; the lookup engine's own puts (deferred texts) are
    dropped, the workers' real ones are stored by the driver."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def memory_get(self, signature_key: str, sources: Sequence[str]) -> dict[str, str]:
        return self.store.memory_get(signature_key, sources)

    def memory_scores(self, signature_key: str, sources: Sequence[str]) -> dict[str, float]:
        return self.store.memory_scores(signature_key, sources)

    def memory_put(self, *args: object, **kwargs: object) -> None:
        return None


class _Answers:
    """A Translator over known answers: the lookup engine's, then the workers'."""

    def __init__(self) -> None:
        self.known: dict[Request, Translation] = {}

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        return [self.known[(source, target, t)] for t in texts]


def requests_of(segment: Segment, target: str, spans: Sequence[SpanRoute] | None) -> list[Request]:
    """The requests translate_with_spans makes for one segment."""
    if not spans:
        return [(segment.lang, target, segment.text)]
    return [(lang, target, segment.text[start:end]) for start, end, lang in spans]


def translate_remote(
    items: list[RemoteWork],
    *,
    table: RoutingTable,
    executor: RayExecutor,
    store: Store,
    progress: JobCallbacks,
    make_version: Callable[[Segment, str, Translation], Version],
    spans: dict[int | None, list[SpanRoute]],
    commit_seconds: float,
) -> None:
    """Translate every (segment, target) of items on executor and store one version each,
    as results return. Raises PipelineError from the executor (a batch that failed for a
    reason other than a dead worker)."""
    from pipeline.translate import Translation
    from pipeline.translate.spans import translate_with_spans

    for item in items:
        progress.article_started(item.stored.title, len(item.work))
    left = [len(item.work) for item in items]
    written = [0] * len(items)
    pending: list[Version] = []
    puts: list[MemoryPut] = []

    def save() -> None:
        for key, pairs, scores in puts:
            store.memory_put(key, pairs, scores=scores)
        puts.clear()
        if pending:
            store.add_versions(pending)
            progress.advanced(len(pending))
            pending.clear()

    answers = _Answers()

    def done(version: _Version) -> None:
        if version.spans is None and version.segment.kind in VERBATIM_KINDS:
            result = Translation(text=version.segment.text, signature=None)
        else:
            (result,) = translate_with_spans(
                answers,
                [version.segment.text],
                version.segment.lang,
                version.target,
                [version.spans],
            )
        pending.append(make_version(version.segment, version.target, result))
        left[version.owner] -= 1
        written[version.owner] += 1
        if left[version.owner] == 0:
            progress.article_done(items[version.owner].stored.title, written[version.owner])

    versions: list[_Version] = []
    by_pair: dict[tuple[str, str], list[str]] = defaultdict(list)
    for owner, item in enumerate(items):
        for segment, target in item.work:
            verbatim = segment.kind in VERBATIM_KINDS
            each = _Version(owner, segment, target, None if verbatim else spans.get(segment.id))
            versions.append(each)
            if not verbatim:
                for source, _, text in requests_of(segment, target, each.spans):
                    by_pair[(source, target)].append(text)
    lookup = _lookup_engine(table, executor.options, executor.signatures(), store)
    deferred: list[Request] = []
    try:
        for (source, target), texts in by_pair.items():
            unique = sorted(dict.fromkeys(texts), key=len)  # the same batches every run
            for text, made in zip(unique, lookup.translate(unique, source, target), strict=True):
                if DEFERRED in made.flags:
                    deferred.append((source, target, text))
                else:
                    answers.known[(source, target, text)] = made
    finally:
        lookup.close()
    waiting: dict[Request, list[_Version]] = defaultdict(list)
    for each in versions:
        if not (each.spans is None and each.segment.kind in VERBATIM_KINDS):
            each.waiting = {
                r
                for r in requests_of(each.segment, each.target, each.spans)
                if r not in answers.known
            }
        for request in each.waiting:
            waiting[request].append(each)
        if not each.waiting:
            done(each)
    save()
    last = time.monotonic()
    for key, translation, recorded in executor.translate(deferred):
        request = deferred[key]
        answers.known[request] = translation
        puts.extend(recorded)
        for each in waiting.pop(request, []):
            each.waiting.discard(request)
            if not each.waiting:
                done(each)
        if time.monotonic() - last >= commit_seconds:
            save()
            last = time.monotonic()
    save()
