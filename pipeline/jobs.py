"""Batch jobs over folders: ingest into the store, and translate every segment.

Each job reports per-file and per-article outcomes through plain callbacks so the CLI decides
how to show them; nothing here prints.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.analyze import analyze
from pipeline.checks import REPORT_KINDS, version_checks
from pipeline.detect import detect_spans_many
from pipeline.domain import LANGS, Article, PipelineError, Segment, Version
from pipeline.ingest import IngestError, IngestOptions, OwnFilesSkipped, iter_articles
from pipeline.store import ArticleNotFound, EditionLink, SaveResult, Store, StoredArticle
from pipeline.verbatim import VERBATIM_KINDS

if TYPE_CHECKING:
    from pipeline.align import AlignOptions
    from pipeline.executors import ExecutorSettings
    from pipeline.executors.ray import RayExecutor
    from pipeline.routing import RoutingTable
    from pipeline.translate import Engine, EngineOptions, Translation


@dataclass(frozen=True)
class Failure:
    path: str
    reason: str

    def __str__(self) -> str:
        return self.reason if self.reason.startswith(self.path) else f"{self.path}: {self.reason}"


@dataclass(frozen=True)
class Notice:
    """Something the user should know that did not stop an article from being stored."""

    path: str
    message: str
    kind: str = "warning"  # "note" for what is only counted (the tool's own files skipped)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


@dataclass(frozen=True)
class Ingested:
    article: Article
    result: SaveResult | None  # None when nothing was stored (--json)


def parse_paths(
    paths: Sequence[Path], options: IngestOptions
) -> Iterator[Article | Failure | Notice]:
    """Read, detect and segment every article under paths; failures are yielded, not raised;
    warnings about an input (an unreadable date) come as Notices before its article, and a
    note counting the tool's own files that folder walks skipped comes last."""
    for item in iter_articles(paths, options):
        if isinstance(item, IngestError):
            yield Failure(str(item.path), str(item))
            continue
        if isinstance(item, OwnFilesSkipped):
            yield Notice("", str(item), kind="note")
            continue
        for note in item.notes:
            yield Notice(item.source_path, note)
        try:
            yield analyze(item)
        except PipelineError as exc:
            yield Failure(item.source_path, str(exc))


def ingest_paths(
    paths: Sequence[Path],
    store: Store,
    options: IngestOptions,
    align: AlignOptions | None = None,
) -> Iterator[Ingested | EditionLink | Notice | Failure]:
    """Store every article; then, once the whole batch is in (an edition may come before its
    original), pair and align the stories its articles belong to (`pipeline.alignjob`, with
    ``align``: a glossary, a bridge): an EditionLink per linked edition, a note per uncertain
    pair (reported, not linked)."""
    editions: list[Article] = []
    article_ids: list[str] = []
    for item in parse_paths(paths, options):
        if isinstance(item, Failure | Notice):
            yield item
            continue
        saved = store.save_article(item)
        yield Ingested(item, saved)
        article_ids.append(saved.article_id)
        if item.translation_of:
            editions.append(item)
    for edition in editions:
        assert edition.translation_of is not None
        if _original_id(store, edition.translation_of) is None:
            yield Notice(
                edition.source_path,
                f"translation_of {edition.translation_of!r} names no stored article, so this"
                " edition is stored as an article of its own; ingest the original to link them",
            )
    if article_ids:
        from pipeline.alignjob import align_store, uncertain_line

        report = align_store(store, only=article_ids, options=align)
        yield from report.links
        for pair in report.uncertain:
            yield Notice("", uncertain_line(pair), kind="note")


def _original_id(store: Store, reference: str) -> str | None:
    """The article a `translation_of` value names: by url/key, else any id, slug or path."""
    candidate = hashlib.sha1(reference.encode("utf-8")).hexdigest()[:12]
    for ref in (candidate, reference):
        try:
            return store.resolve(ref)
        except ArticleNotFound:
            continue
    return None


def revision_line(result: SaveResult) -> str:
    """One line on what a new revision kept: e.g. "revision 2: 41 versions carried over, 2
    stale (reviewed text of a changed sentence: `pipeline review` shows them)"."""
    stale = (
        f", {result.stale} stale (reviewed text of a changed sentence;"
        f" `pipeline review {result.article_id}` shows them)"
        if result.stale
        else ""
    )
    return f"revision {result.revision}: {result.carried} versions carried over{stale}"


# -- translation -----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TranslateOptions:
    targets: tuple[str, ...] = LANGS
    engine: EngineOptions
    models_file: Path | None = None
    out_dir: Path | None = None
    ingest: IngestOptions = field(default_factory=IngestOptions)
    compare: bool = False  # machine text also where a person wrote the language's text
    chunk_segments: int = 1024  # articles are translated together so batches stay full and sorted
    # Work is stored in slices sized to take about this long, so a kill loses at most the
    # slice in flight, never a whole article. A slice holds at least slice_segments, one batch
    # of the packaged profiles (batch_size 64), which the token budget still splits between
    # the two CPU streams. CPU time against one call per chunk, demo models, 401 segments, 2
    # busy CPUs: 64 +26%, 128 +9%, 8 +55% (demo models compute little, so per-call costs weigh
    # more than with real ones).
    commit_seconds: float = 3.0
    slice_segments: int = 64
    # Where decoding runs (pipeline.executors); None or "local": in this process.
    executor: ExecutorSettings | None = None
    # How the human editions among the inputs are aligned (a glossary); None: the defaults.
    align: AlignOptions | None = None


@dataclass
class RunReport:
    articles: int = 0
    segments: int = 0
    translated: int = 0
    reused: int = 0
    split: int = 0
    flagged: int = 0  # versions with at least one of REPORT_KINDS
    flags: dict[str, int] = field(default_factory=dict)  # kind (REPORT_KINDS) -> versions
    kept: int = 0
    editions: int = 0
    failures: list[Failure] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def failed(self) -> int:
        return len(self.failures)

    def summary(self) -> str:
        editions = f" (+{self.editions} human editions)" if self.editions else ""
        return (
            f"articles {self.articles}{editions}, segments {self.segments},"
            f" translated {self.translated}, reused from memory {self.reused},"
            f" split {self.split}, flagged {self.flagged}{self._kinds()}, kept as is {self.kept},"
            f" failed {self.failed} ({self.elapsed:.1f} s)"
        ) + "".join(f"\n{notice.kind}: {notice}" for notice in self.notices)

    def _kinds(self) -> str:
        listed = ", ".join(
            f"{kind} {self.flags[kind]}" for kind in REPORT_KINDS if kind in self.flags
        )
        return f" ({listed})" if listed else ""

    def count_flags(self, kinds: Iterable[str]) -> None:
        """Count one version under each of its kinds (REPORT_KINDS)."""
        found = [kind for kind in kinds if kind in REPORT_KINDS]
        for kind in found:
            self.flags[kind] = self.flags.get(kind, 0) + 1
        self.flagged += 1 if found else 0


class Progress:
    """Callbacks a job calls as it goes; the default does nothing.

    Order: begin, ingested (per stored article), start, then article_started / advanced (per
    stored slice) / article_done, failed at any time, and finish last (also on errors).
    """

    def begin(self) -> None: ...

    def ingested(self, title: str) -> None: ...

    def start(self, articles: int, segments: int) -> None: ...

    def article_started(self, title: str, segments: int) -> None: ...

    def advanced(self, segments: int) -> None: ...

    def article_done(self, title: str, written: int) -> None: ...

    def failed(self, failure: Failure) -> None: ...

    def revised(self, title: str, result: SaveResult) -> None:
        """A changed source made a new revision; result says what carried over."""

    def finish(self) -> None: ...


@dataclass
class _Pending:
    stored: StoredArticle
    work: list[tuple[Segment, str]]  # (segment, target language)


def translate_paths(
    paths: Sequence[Path],
    store: Store,
    options: TranslateOptions,
    progress: Progress | None = None,
) -> RunReport:
    """Ingest paths, then give every segment a version in every target language.

    Raises PipelineError before reading any input when the routing table, profile, engine or
    a model the targets need is wrong (``preflight``). Translations are stored slice by slice
    (``TranslateOptions.commit_seconds``), so a killed run keeps all but the slice in flight.
    """
    progress = progress or Progress()
    table = preflight(options)
    progress.begin()
    try:
        return _translate_run(paths, store, options, progress, table)
    finally:
        progress.finish()


def _translate_run(
    paths: Sequence[Path],
    store: Store,
    options: TranslateOptions,
    progress: Progress,
    table: RoutingTable,
) -> RunReport:
    from pipeline.executors import open_executor

    report = RunReport()
    started = time.monotonic()
    # A remote executor starts first (Ray: connected), so its start-up overlaps reading.
    remote = (
        open_executor(options.executor, options.engine, options.models_file)
        if options.executor
        else None
    )
    try:
        _translate_all(paths, store, options, progress, table, report, remote)
    finally:
        if remote is not None:
            remote.close()
    report.elapsed = time.monotonic() - started
    return report


def _translate_all(
    paths: Sequence[Path],
    store: Store,
    options: TranslateOptions,
    progress: Progress,
    table: RoutingTable,
    report: RunReport,
    remote: RayExecutor | None,
) -> None:
    stored_articles = _ingest_originals(paths, store, options, report, progress)
    pending = [
        _Pending(
            stored,
            [
                (s, lang)
                for lang in options.targets
                for s in store.missing(stored, lang, compare=options.compare)
            ],
        )
        for stored in stored_articles
    ]
    if options.engine.use_memory:
        from pipeline.alignjob import reuse_human

        for item in pending:
            found = reuse_human(store, item.stored, item.work)
            if found:
                store.add_versions(found)
                report.reused += len(found)
                done = {(v.segment_id, v.lang) for v in found}
                item.work = [(s, lang) for s, lang in item.work if (s.id, lang) not in done]
    report.articles = len(stored_articles)
    report.segments = sum(len(s.segments) for s in stored_articles)
    pending = [p for p in pending if p.work]
    progress.start(len(pending), sum(len(p.work) for p in pending))
    if pending and remote is not None:
        _translate_remote(pending, store, options, progress, table, report, remote)
    elif pending:
        from pipeline.translate import build_engine

        engine = build_engine(table, options.engine, memory=store)
        pacer = _Pacer(
            options.commit_seconds,
            first=options.slice_segments,
            least=options.slice_segments,
            most=max(options.chunk_segments, options.slice_segments),
        )
        try:
            for chunk in _chunks(pending, options.chunk_segments):
                _translate_chunk(chunk, engine, store, report, progress, pacer)
        finally:
            engine.close()
    if options.out_dir is not None:
        from pipeline.output import write_article_files

        for stored in stored_articles:
            write_article_files(store, stored, options.out_dir)


def _translate_remote(
    pending: list[_Pending],
    store: Store,
    options: TranslateOptions,
    progress: Progress,
    table: RoutingTable,
    report: RunReport,
    remote: RayExecutor,
) -> None:
    """The whole run's work at once on a remote executor (pipeline.executors.driver)."""
    from pipeline.executors.driver import RemoteWork, translate_remote

    translate_remote(
        [RemoteWork(p.stored, p.work) for p in pending],
        table=table,
        executor=remote,
        store=store,
        progress=progress,
        make_version=lambda segment, target, result: _version(segment, target, result, report),
        spans=_mixed_spans([segment for p in pending for segment, _ in p.work]),
        commit_seconds=options.commit_seconds,
    )


def preflight(options: TranslateOptions) -> RoutingTable:
    """Check, before any input is read, what a run into options.targets needs: the routing
    table, the profile, the engine and every model the table routes into the targets (from
    each language; a direction the table cannot route is left to fail only if a segment
    needs it). Returns the loaded table; raises the same one-line PipelineErrors a run would
    raise later (RoutingError, ModelUnavailableError, unknown or missing engine or
    executor, such as ray without the [ray] extra)."""
    from pipeline.executors import executor_class
    from pipeline.modelstore import check_available
    from pipeline.routing import RoutingError, load_table
    from pipeline.translate.engine import engine_factory

    table = load_table(options.models_file)
    profile = table.profile_name(options.engine.profile)
    engine_factory(options.engine.engine)
    if options.executor is not None:
        executor_class(options.executor.name)
    if options.engine.engine == "ctranslate2":
        from pipeline.translate.ct2 import import_ctranslate2

        import_ctranslate2()
    routes = []
    for target in options.targets:
        for source in LANGS:
            if source == target:
                continue
            try:
                routes += table.plan(source, target, profile)
            except RoutingError:
                continue
    check_available(routes)
    return table


def _ingest_originals(
    paths: Sequence[Path],
    store: Store,
    options: TranslateOptions,
    report: RunReport,
    progress: Progress,
) -> list[StoredArticle]:
    """Ingest paths; the stored articles to translate (human editions are translated as versions
    of their original, so they are left out)."""
    article_ids: list[str] = []
    for item in ingest_paths(paths, store, options.ingest, options.align):
        if isinstance(item, Failure):
            report.failures.append(item)
            progress.failed(item)
        elif isinstance(item, Notice):
            report.notices.append(item)
        elif isinstance(item, Ingested):
            article_id = item.result.article_id if item.result else item.article.id
            if article_id not in article_ids:
                article_ids.append(article_id)
                progress.ingested(item.article.title)
            if item.result is not None and item.result.status == "revised":
                progress.revised(item.article.title, item.result)
    originals = [stored for stored in map(store.article, article_ids) if stored.edition_of is None]
    report.editions = len(article_ids) - len(originals)
    return originals


def _chunks(pending: list[_Pending], budget: int) -> Iterable[list[_Pending]]:
    chunk: list[_Pending] = []
    size = 0
    for item in pending:
        if chunk and size + len(item.work) > budget:
            yield chunk
            chunk, size = [], 0
        chunk.append(item)
        size += len(item.work)
    if chunk:
        yield chunk


class _Pacer:
    """Cuts a sorted list of work into slices that take about ``seconds`` each to translate.

    The first slice holds ``first`` segments; later ones follow the measured speed in
    characters per second, between ``least`` segments (so batches stay full) and ``most``.
    A store commit thus comes every ``seconds`` on a fast device, and after every decoding
    round (the batches in flight) where one round takes longer.
    """

    def __init__(
        self, seconds: float, *, first: int = 16, least: int = 8, most: int = 1024
    ) -> None:
        self.seconds = seconds
        self.first, self.least, self.most = first, max(1, least), max(1, most)
        self.chars_per_second: float | None = None

    def slices(self, members: list[tuple[int, Segment]]) -> Iterator[list[tuple[int, Segment]]]:
        start = 0
        while start < len(members):
            end = start + self._size(members, start)
            began = time.monotonic()
            yield members[start:end]
            self._measure(sum(len(s.text) for _, s in members[start:end]), began)
            start = end

    def _size(self, members: list[tuple[int, Segment]], start: int) -> int:
        if self.chars_per_second is None:
            return self.first
        budget = self.chars_per_second * self.seconds
        count, chars = 0, 0
        for _, segment in members[start : start + self.most]:
            if count >= self.least and chars + len(segment.text) > budget:
                break
            count += 1
            chars += len(segment.text)
        return max(count, 1)

    def _measure(self, chars: int, began: float) -> None:
        elapsed = time.monotonic() - began
        if elapsed <= 0 or chars <= 0:
            return
        rate = chars / elapsed
        known = self.chars_per_second
        # A smoothed rate: one slow slice (a model loading) must not shrink every later one.
        self.chars_per_second = rate if known is None else 0.5 * known + 0.5 * rate


def _translate_chunk(
    chunk: list[_Pending],
    engine: Engine,
    store: Store,
    report: RunReport,
    progress: Progress,
    pacer: _Pacer,
) -> None:
    """Translate a chunk direction by direction, shortest sentences first (full batches), and
    store each slice in its own transaction as soon as it is translated. Code is copied into
    every language without a model; a sentence in two languages goes span by span."""
    from pipeline.translate import Translation
    from pipeline.translate.spans import translate_with_spans

    for item in chunk:
        progress.article_started(item.stored.title, len(item.work))
    groups: dict[tuple[str, str], list[tuple[int, Segment]]] = defaultdict(list)
    left = [len(item.work) for item in chunk]
    written = [0] * len(chunk)
    copied: list[tuple[int, Version]] = []
    for owner, item in enumerate(chunk):
        for segment, target in item.work:
            if segment.kind in VERBATIM_KINDS:
                kept = Translation(text=segment.text, signature=None)
                copied.append((owner, _version(segment, target, kept, report)))
            else:
                groups[(segment.lang, target)].append((owner, segment))
    spans = _mixed_spans([segment for item in chunk for segment, _ in item.work])

    def save(owners: list[int], versions: list[Version]) -> None:
        store.add_versions(versions)
        progress.advanced(len(versions))
        for owner in owners:
            left[owner] -= 1
            written[owner] += 1
            if left[owner] == 0:
                progress.article_done(chunk[owner].stored.title, written[owner])

    if copied:
        save([owner for owner, _ in copied], [version for _, version in copied])
    for (source, target), members in groups.items():
        members.sort(key=lambda member: len(member[1].text))
        for piece in pacer.slices(members):
            texts = [s.text for _, s in piece]
            routes = [spans.get(s.id) for _, s in piece]
            results = translate_with_spans(engine, texts, source, target, routes)
            versions = [
                _version(segment, target, result, report)
                for (_, segment), result in zip(piece, results, strict=True)
            ]
            save([owner for owner, _ in piece], versions)


def _mixed_spans(segments: list[Segment]) -> dict[int | None, list[tuple[int, int, str]]]:
    """(start, end, language) spans of segments labelled with two languages ("uk+ru"): each
    span is translated from its own language (pipeline.detect.spans, pipeline.translate.spans)."""
    unique = [s for s in {s.id: s for s in segments}.values() if "+" in s.lang]
    found = detect_spans_many([s.text for s in unique], [s.lang for s in unique])
    return {
        # A stored label whose spans are no longer found (a changed detector) still routes the
        # sentence from its first language rather than leaving it untranslated.
        segment.id: [
            (x.start, x.end, x.label if "+" not in x.label else segment.lang.split("+")[0])
            for x in each
        ]
        for segment, each in zip(unique, found, strict=True)
        if each
    }


def _version(segment: Segment, target: str, result: Translation, report: RunReport) -> Version:
    assert segment.id is not None
    if result.signature is None:
        report.kept += 1
        origin, state = "source", "source"
    else:
        origin, state = "machine", "machine"
        if result.from_memory:
            report.reused += 1
        else:
            report.translated += 1
    report.split += 1 if result.splits else 0
    # the checks `diff` shows, so the summary and the review agree
    checked = version_checks(
        segment.text, segment.lang, result.text, target, origin=origin, stored_flags=result.flags
    )
    report.count_flags(checked.kinds)
    return Version(
        segment_id=segment.id,
        lang=target,
        text=result.text,
        origin=origin,
        state=state,
        signature=result.signature,
        flags=tuple(result.flags),
        score=result.score if origin == "machine" else None,
    )
