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
    paths: Sequence[Path], store: Store, options: IngestOptions
) -> Iterator[Ingested | EditionLink | Notice | Failure]:
    """Store every article; then link human editions (front matter `translation_of`) to their
    originals, once the whole batch is in, since an edition may come before its original."""
    editions: list[tuple[Article, str]] = []
    for item in parse_paths(paths, options):
        if isinstance(item, Failure | Notice):
            yield item
            continue
        saved = store.save_article(item)
        yield Ingested(item, saved)
        if item.translation_of:
            editions.append((item, saved.article_id))
    for edition, edition_id in editions:
        assert edition.translation_of is not None
        original = _original_id(store, edition.translation_of)
        if original is None:
            yield Notice(
                edition.source_path,
                f"translation_of {edition.translation_of!r} names no stored article, so this"
                " edition is stored as an article of its own; ingest the original to link them",
            )
            continue
        yield store.link_edition(edition_id, original)


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
    chunk_segments: int = 1024  # articles are translated together so batches stay full and sorted


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
    """Callbacks a job calls as it goes; the default does nothing."""

    def start(self, articles: int, segments: int) -> None: ...

    def article_started(self, title: str, segments: int) -> None: ...

    def advanced(self, segments: int) -> None: ...

    def article_done(self, title: str, written: int) -> None: ...

    def failed(self, failure: Failure) -> None: ...

    def revised(self, title: str, result: SaveResult) -> None:
        """A changed source made a new revision; result says what carried over."""


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
        elif isinstance(item, Notice):
            report.notices.append(item)
        elif isinstance(item, Ingested):
            article_id = item.result.article_id if item.result else item.article.id
            if article_id not in article_ids:
                article_ids.append(article_id)
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


def _translate_chunk(
    chunk: list[_Pending], engine: Engine, store: Store, report: RunReport, progress: Progress
) -> None:
    from pipeline.translate import Translation
    from pipeline.translate.spans import translate_with_spans

    for item in chunk:
        progress.article_started(item.stored.title, len(item.work))
    groups: dict[tuple[str, str], list[tuple[int, Segment]]] = defaultdict(list)
    owners: list[tuple[int, Segment, str]] = []
    outputs: dict[tuple[int | None, str], Version] = {}
    for owner, item in enumerate(chunk):
        for segment, target in item.work:
            owners.append((owner, segment, target))
            if segment.kind in VERBATIM_KINDS:  # code: copied into every language, never sent
                kept = Translation(text=segment.text, signature=None)
                outputs[(segment.id, target)] = _version(segment, target, kept, report)
            else:
                groups[(segment.lang, target)].append((owner, segment))
    if copied := len(outputs):
        progress.advanced(copied)
    spans = _mixed_spans([segment for _, segment, _ in owners])
    for (source, target), members in groups.items():
        texts = [s.text for _, s in members]
        routes = [spans.get(s.id) for _, s in members]
        results = translate_with_spans(engine, texts, source, target, routes)
        for (_, segment), result in zip(members, results, strict=True):
            outputs[(segment.id, target)] = _version(segment, target, result, report)
        progress.advanced(len(members))
    for owner, item in enumerate(chunk):
        versions = [outputs[(s.id, t)] for o, s, t in owners if o == owner]
        written = store.add_versions(versions)
        progress.article_done(item.stored.title, written)


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
    )
