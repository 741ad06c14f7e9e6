"""The public Python API: the calls the CLI and the web app share, for a newsroom's own scripts.

Import it from the package root (``import pipeline; pipeline.translate_folder(...)``); the
root imports this module only when one of its names is first used, and this module imports
torch and transformers only when a model runs. Every function that takes ``db`` accepts a path
(the database is opened, migrated and closed around the call) or an open `pipeline.store.Store`
(used as it is, for several calls in a row). Errors are `pipeline.domain.PipelineError`
subclasses with a one-line message and a ``hint``: `NotFound` (404) for an unknown article,
`Conflict` (409), `Unavailable` (503) for a missing engine or model, and PipelineError (400)
for bad settings.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.domain import LANGS, PipelineError, Signature

if TYPE_CHECKING:
    from pipeline.alignjob import AlignRun
    from pipeline.domain import ArticleSummary, Version
    from pipeline.evaluate import EvalReport
    from pipeline.jobs import Progress, RunReport
    from pipeline.publish import LangState, PublishReport
    from pipeline.publish.review import ImportResult
    from pipeline.review.queue import QueueItem
    from pipeline.store import Store
    from pipeline.translate import Translation

__all__ = [
    "TextTranslation",
    "align_folder",
    "approve",
    "articles",
    "edit",
    "edit_version",
    "evaluate_editions",
    "export_xliff",
    "import_xliff",
    "publish_folder",
    "review_queue",
    "review_states",
    "translate_folder",
    "translate_text",
    "unapprove",
]


@contextmanager
def _opened(db: str | Path | Store) -> Iterator[Store]:
    from pipeline.store import Store

    if isinstance(db, Store):
        yield db
        return
    with Store(db) as store:
        yield store


@dataclass(frozen=True)
class TextTranslation:
    """A text translated with `translate_text`.

    text: the translation, paragraphs (blank-line separated in the input) kept; source and
    target: the languages; sentences: one `pipeline.translate.Translation` per source sentence,
    in order, each with its signature (model, revision, decoding), flags and score; score: the
    least sure sentence's mean token log-probability (None when no model ran), as
    `pipeline.review.risk.assess` takes it."""

    text: str
    source: str
    target: str
    sentences: tuple[Translation, ...]
    score: float | None

    @property
    def signatures(self) -> tuple[Signature, ...]:
        """The distinct model signatures that made the text."""
        found = [t.signature for t in self.sentences if t.signature is not None]
        return tuple(dict.fromkeys(found))


def translate_text(
    text: str,
    *,
    target: str,
    source: str | None = None,
    models: str | Path | None = None,
    profile: str | None = None,
    engine: str = "transformers",
    device: str = "auto",
) -> TextTranslation:
    """Translate one text (nothing is stored) into ``target``.

    source: "uk", "ru" or "en"; None detects it from the whole text. models: a routing table
    (YAML, overlaid on the packaged one; None: $PIPELINE_MODELS or the packaged table). Each
    paragraph is split into sentences and every sentence translated, as `translate` does in a
    folder. Loads the models on every call (seconds): for many texts use translate_folder.

    Raises PipelineError for an unknown language, profile or engine, RoutingError or
    ModelUnavailableError (Unavailable) for a route whose model is not here."""
    from pipeline.detect import detect
    from pipeline.routing import load_table
    from pipeline.segment import split_sentences
    from pipeline.translate import EngineOptions, build_engine
    from pipeline.translate.base import least_sure

    if target not in LANGS:
        raise PipelineError(
            f"unknown target language {target!r}", hint=f"use one of {', '.join(LANGS)}"
        )
    lang = source or detect(text).label
    if lang not in LANGS:
        raise PipelineError(
            f"the text's language is {lang!r}, not one this pipeline translates",
            hint=f"pass source= one of {', '.join(LANGS)}",
        )
    paragraphs = [p for p in (" ".join(b.split()) for b in text.split("\n\n")) if p]
    split = [split_sentences(paragraph, lang) for paragraph in paragraphs]
    flat = [sentence for sentences in split for sentence in sentences]
    options = EngineOptions(profile=profile, engine=engine, device=device)
    with build_engine(load_table(models), options) as built:
        made = built.translate(flat, lang, target) if flat else []
    out, at = [], 0
    for sentences in split:
        out.append(" ".join(t.text for t in made[at : at + len(sentences)]))
        at += len(sentences)
    return TextTranslation(
        text="\n\n".join(out),
        source=lang,
        target=target,
        sentences=tuple(made),
        score=least_sure(t.score for t in made if t.signature is not None),
    )


def translate_folder(
    paths: Sequence[str | Path],
    *,
    db: str | Path | Store,
    targets: Sequence[str] = LANGS,
    models: str | Path | None = None,
    profile: str | None = None,
    out: str | Path | None = None,
    engine: str = "transformers",
    device: str = "auto",
    use_memory: bool = True,
    compare: bool = False,
    progress: Progress | None = None,
) -> RunReport:
    """Ingest files and folders into the store and translate every segment into ``targets``:
    what `pipeline translate PATH... --db DB` does. Resumable; a re-run translates only what is
    missing, and never replaces a person's edited or approved version (a machine version is
    added beside it). Human editions among the inputs are aligned and give the human text;
    ``compare`` makes machine text there too (for `evaluate_editions` and the diff view).

    Returns the run's `pipeline.jobs.RunReport` (articles, segments, translated, reused,
    flagged, failures: inputs that could not be read, which do not stop the run; summary()).
    Raises before reading any input, as a run would: PipelineError for an unknown language,
    profile or engine, RoutingError, ModelUnavailableError (Unavailable) for a missing model;
    StoreError when ``db`` is not a pipeline database."""
    from pipeline.ingest import IngestOptions
    from pipeline.jobs import TranslateOptions, translate_paths
    from pipeline.translate import EngineOptions

    unknown = [t for t in targets if t not in LANGS]
    if unknown or not targets:
        raise PipelineError(
            f"unknown target language {', '.join(unknown) or '(none)'}",
            hint=f"use some of {', '.join(LANGS)}",
        )
    options = TranslateOptions(
        targets=tuple(targets),
        engine=EngineOptions(profile=profile, engine=engine, device=device, use_memory=use_memory),
        models_file=Path(models) if models is not None else None,
        out_dir=Path(out) if out is not None else None,
        ingest=IngestOptions(),
        compare=compare,
    )
    with _opened(db) as store:
        return translate_paths([Path(p) for p in paths], store, options, progress)


def articles(db: str | Path | Store) -> list[ArticleSummary]:
    """The stored articles (id, title, lang, revision, segments, versions per language), as
    `pipeline ls` lists them. Raises StoreError when ``db`` is not a pipeline database."""
    with _opened(db) as store:
        return store.list_articles()


def review_states(db: str | Path | Store, article: str) -> list[LangState]:
    """Each language's review state of an article (id, slug or unique prefix): state (source,
    machine, stale, edited, approved, missing), counts, whether it would be published, the
    models, stale sentences. Raises ArticleNotFound (NotFound) for an unknown article."""
    from pipeline.publish import review_summary

    with _opened(db) as store:
        return review_summary(store, article)


def approve(db: str | Path | Store, article: str, lang: str) -> int:
    """Approve the current text of every sentence of an article in ``lang`` for publishing;
    returns how many versions changed state. Raises ArticleNotFound (NotFound), ReviewError for
    an unknown language or one with sentences still missing."""
    from pipeline.publish import approve as approve_version

    with _opened(db) as store:
        return approve_version(store, article, lang)


def unapprove(db: str | Path | Store, article: str, lang: str) -> int:
    """Take approval back (machine text returns to machine, edits to edited); returns how many
    versions changed. Raises ArticleNotFound (NotFound), ReviewError for an unknown language."""
    from pipeline.publish import unapprove as unapprove_version

    with _opened(db) as store:
        return unapprove_version(store, article, lang)


def edit(db: str | Path | Store, article: str, lang: str, sentences: Mapping[str, str]) -> int:
    """Store a person's text for some sentences of an article in ``lang``: keys as
    `pipeline edit` shows them ("p2-s1", counted from 1). In a translation each changed
    sentence becomes an edited version (no model score); in the article's own language it is a
    correction of the source (a new revision; translations of the changed sentences go stale).
    Returns how many sentences changed. Raises ArticleNotFound (NotFound); ReviewError for an
    unknown language or key, an empty sentence, or a version with sentences missing."""
    from pipeline.publish.review import apply_edits

    with _opened(db) as store:
        return apply_edits(store, article, lang, sentences)


def publish_folder(
    db: str | Path | Store,
    out: str | Path,
    *,
    formats: Sequence[str] = ("site", "jsonl", "tmx", "xliff", "md"),
    base_url: str | None = None,
    include_machine: bool = False,
    current_only: bool = False,
    site_title: str = "Newsroom",
) -> PublishReport:
    """Write the static site and data exports under ``out`` (only changed files are
    rewritten): what `pipeline publish` does. Returns the `PublishReport` (articles, published
    per language, held for review, files written/unchanged/removed, notes). Raises
    PipelineError for an unknown format or a base_url that is not absolute http(s)."""
    from pipeline.publish import PublishOptions
    from pipeline.publish import publish as run_publish

    options = PublishOptions(
        out_dir=Path(out),
        formats=tuple(formats),
        base_url=base_url,
        include_machine=include_machine,
        keep_approved=not current_only,
        site_title=site_title,
    )
    with _opened(db) as store:
        return run_publish(store, options)


def export_xliff(db: str | Path | Store, article: str, lang: str) -> bytes:
    """One article's ``lang`` version as an XLIFF 2.1 file for a translator's tool. Raises
    ArticleNotFound (NotFound), PipelineError for an unknown language."""
    from pipeline.publish import export_xliff as export

    with _opened(db) as store:
        return export(store, article, lang)


def import_xliff(db: str | Path | Store, path: str | Path) -> ImportResult:
    """Import an edited XLIFF file back as edited versions; the result is the number stored,
    with ``skipped`` units whose source changed since the export. Raises ReviewError when the
    file does not match the store (article, revision, units), ArticleNotFound (NotFound)."""
    from pipeline.publish import import_xliff as run_import

    with _opened(db) as store:
        return run_import(store, Path(path))


def align_folder(
    db: str | Path | Store,
    paths: Sequence[str | Path] = (),
    *,
    glossary: str | Path | None = None,
) -> AlignRun:
    """Ingest ``paths`` (files or folders; none: only what is stored), pair the human editions
    of each story and align them into units, as `pipeline align` does (``glossary``: the
    newsroom's word list, as `--glossary`). Returns the run: its ``report`` (pairs linked with
    their confidence, uncertain pairs left unlinked, units by kind, sentences only one edition
    has) and ``failures`` (one line per unreadable input; not raised). Raises StoreError when
    ``db`` is not a pipeline database, ValueError naming the file for an unreadable glossary."""
    from pipeline.align import AlignOptions, read_glossary
    from pipeline.alignjob import align_paths

    options = AlignOptions(glossary=read_glossary(Path(glossary)) if glossary else None)
    with _opened(db) as store:
        return align_paths([Path(path) for path in paths], store, options)


def evaluate_editions(
    db: str | Path | Store, articles: Sequence[str] = (), *, profiles: Sequence[str] = ()
) -> EvalReport:
    """Score the machine against the human editions (sacrebleu chrF and BLEU with their
    signatures), per direction, system and article, as `pipeline eval` does: the stored machine
    text, and each of ``profiles`` translated now (nothing stored). Raises NoEditions
    (NotFound) when no named story has a human edition, ArticleNotFound for an unknown one,
    Unavailable when a profile's model is missing."""
    from pipeline.evaluate import EvalOptions, evaluate

    with _opened(db) as store:
        return evaluate(store, list(articles), EvalOptions(profiles=tuple(profiles)))


def review_queue(
    db: str | Path | Store, *, lang: str | None = None, state: str | None = None
) -> list[QueueItem]:
    """The review queue of the web desk: stored originals, worst first (stale, unreviewed
    machine text, then risk, then date), optionally only those with ``lang`` in ``state``."""
    from pipeline.review.queue import queue

    with _opened(db) as store:
        return queue(store, lang=lang, state=state)


def edit_version(
    db: str | Path | Store, version_id: int, text: str, *, revision: int, author: str | None = None
) -> Version:
    """A person's new text for the sentence and language of ``version_id``, as the web desk's
    PATCH: ``revision`` is the id of the version the caller read. Returns the new version.
    Raises StaleWrite (Conflict, carrying the current version) when the sentence changed since
    ``revision`` was read, NotFound for an unknown version, ReviewError for an empty text."""
    from pipeline.review.actions import edit as edit_with_revision

    with _opened(db) as store:
        return edit_with_revision(store, version_id, text, revision=revision, author=author)
