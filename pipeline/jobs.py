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
from pipeline.domain import LANGS, Article, PipelineError, Segment, Version
from pipeline.ingest import IngestError, IngestOptions, iter_articles
from pipeline.store import ArticleNotFound, EditionLink, SaveResult, Store, StoredArticle

if TYPE_CHECKING:
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

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class Ingested:
    article: Article
    result: SaveResult | None  # None when nothing was stored (--json)


def parse_paths(paths: Sequence[Path], options: IngestOptions) -> Iterator[Article | Failure]:
    """Read, detect and segment every article under paths; failures are yielded, not raised."""
    for item in iter_articles(paths, options):
        if isinstance(item, IngestError):
            yield Failure(str(item.path), str(item))
            continue
        try:
            yield analyze(item)
        except PipelineError as exc:
            yield Failure(item.source_path, str(exc))


def ingest_paths(
    paths: Sequence[Path], store: Store, options: IngestOptions
) -> Iterator[Ingested | EditionLink | Notice | Failure]:
    """Store every article; then link human editions (front matter `translation_of`) to their
    originals, once the whole batch is in, since an edition may come before its original."""
    editions: list[Article] = []
    for item in parse_paths(paths, options):
        if isinstance(item, Failure):
            yield item
            continue
        yield Ingested(item, store.save_article(item))
        for warning in item.warnings:
            yield Notice(item.source_path, warning)
        if item.translation_of:
            editions.append(item)
    for edition in editions:
        assert edition.translation_of is not None
        original = _original_id(store, edition.translation_of)
        if original is None:
            yield Notice(
                edition.source_path,
                f"translation_of {edition.translation_of!r} names no stored article, so this"
                " edition is stored as an article of its own; ingest the original to link them",
            )
            continue
        yield store.link_edition(edition.id, original)


def _original_id(store: Store, reference: str) -> str | None:
    """The article a `translation_of` value names: by url/key, else any id, slug or path."""
    candidate = hashlib.sha1(reference.encode("utf-8")).hexdigest()[:12]
    for ref in (candidate, reference):
        try:
            return store.resolve(ref)
        except ArticleNotFound:
            continue
    return None


# -- translation -----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TranslateOptions:
    targets: tuple[str, ...] = LANGS
    engine: EngineOptions
    models_file: Path | None = None
    out_dir: Path | None = None
    ingest: IngestOptions = field(default_factory=IngestOptions)
    chunk_segments: int = 1024  # articles are translated together so batches stay full and sorted


@dataclass
class RunReport:
    articles: int = 0
    segments: int = 0
    translated: int = 0
    reused: int = 0
    split: int = 0
    flagged: int = 0
    kept: int = 0
    editions: int = 0
    failures: list[Failure] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def failed(self) -> int:
        return len(self.failures)

    def summary(self) -> str:
        editions = f" (+{self.editions} human editions)" if self.editions else ""
        return (
            f"articles {self.articles}{editions}, segments {self.segments},"
            f" translated {self.translated}, reused from memory {self.reused},"
            f" split {self.split}, flagged {self.flagged}, kept as is {self.kept},"
            f" failed {self.failed} ({self.elapsed:.1f} s)"
        )


class Progress:
    """Callbacks a job calls as it goes; the default does nothing."""

    def start(self, articles: int, segments: int) -> None: ...

    def article_started(self, title: str, segments: int) -> None: ...

    def advanced(self, segments: int) -> None: ...

    def article_done(self, title: str, written: int) -> None: ...

    def failed(self, failure: Failure) -> None: ...


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
    """Ingest paths, then give every segment a version in every target language."""
    from pipeline.routing import load_table
    from pipeline.translate import build_engine

    progress = progress or Progress()
    report = RunReport()
    started = time.monotonic()
    stored_articles = _ingest_originals(paths, store, options.ingest, report, progress)
    pending = [
        _Pending(
            stored, [(s, lang) for lang in options.targets for s in store.missing(stored, lang)]
        )
        for stored in stored_articles
    ]
    report.articles = len(stored_articles)
    report.segments = sum(len(s.segments) for s in stored_articles)
    pending = [p for p in pending if p.work]
    progress.start(len(pending), sum(len(p.work) for p in pending))
    if pending:
        table = load_table(options.models_file)
        engine = build_engine(table, options.engine, memory=store)
        try:
            for chunk in _chunks(pending, options.chunk_segments):
                _translate_chunk(chunk, engine, store, report, progress)
        finally:
            engine.close()
    if options.out_dir is not None:
        from pipeline.output import write_article_files

        for stored in stored_articles:
            write_article_files(store, stored, options.out_dir)
    report.elapsed = time.monotonic() - started
    return report


def _ingest_originals(
    paths: Sequence[Path],
    store: Store,
    options: IngestOptions,
    report: RunReport,
    progress: Progress,
) -> list[StoredArticle]:
    """Ingest paths; the stored articles to translate (human editions are translated as versions
    of their original, so they are left out)."""
    article_ids: list[str] = []
    for item in ingest_paths(paths, store, options):
        if isinstance(item, Failure):
            report.failures.append(item)
            progress.failed(item)
        elif isinstance(item, Ingested) and item.article.id not in article_ids:
            article_ids.append(item.article.id)
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


def _translate_chunk(
    chunk: list[_Pending], engine: Engine, store: Store, report: RunReport, progress: Progress
) -> None:
    for item in chunk:
        progress.article_started(item.stored.title, len(item.work))
    groups: dict[tuple[str, str], list[tuple[int, Segment]]] = defaultdict(list)
    owners: list[tuple[int, Segment, str]] = []
    for owner, item in enumerate(chunk):
        for segment, target in item.work:
            groups[(segment.lang, target)].append((owner, segment))
            owners.append((owner, segment, target))
    outputs: dict[tuple[int | None, str], Version] = {}
    for (source, target), members in groups.items():
        results = engine.translate([s.text for _, s in members], source, target)
        for (_, segment), result in zip(members, results, strict=True):
            outputs[(segment.id, target)] = _version(segment, target, result, report)
        progress.advanced(len(members))
    for owner, item in enumerate(chunk):
        versions = [outputs[(s.id, t)] for o, s, t in owners if o == owner]
        written = store.add_versions(versions)
        progress.article_done(item.stored.title, written)


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
    report.flagged += 1 if _is_flagged(result.flags) else 0
    return Version(
        segment_id=segment.id,
        lang=target,
        text=result.text,
        origin=origin,
        state=state,
        signature=result.signature,
        flags=tuple(result.flags),
    )


def _is_flagged(flags: Iterable[str]) -> bool:
    return any(not flag.startswith(("split", "retried")) for flag in flags)
