"""Publishing: review states, the static trilingual site and data exports.

``publish(store, options)`` writes the chosen formats under ``options.out_dir``:
``site/`` (HTML pages, indexes, Atom feeds, sitemap), ``jsonl/articles.jsonl``,
``tmx/articles.tmx``, ``xliff/<lang>/<slug>.xlf`` and ``md/<lang>/<slug>.md``. Only approved (or
as-written) language versions are published unless ``include_machine`` is set; XLIFF, being for
review, carries every target language that has text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline.domain import LANGS, PipelineError
from pipeline.publish.collect import ArticleVersions, Clock, collect, utc_now
from pipeline.publish.review import (
    LangState,
    ReviewError,
    apply_edit,
    approve,
    edit_text,
    import_xliff,
    review_summary,
    unapprove,
)
from pipeline.store import Store

FORMATS: tuple[str, ...] = ("site", "jsonl", "tmx", "xliff", "md")

__all__ = [
    "FORMATS",
    "LangState",
    "PublishOptions",
    "PublishReport",
    "ReviewError",
    "apply_edit",
    "approve",
    "edit_text",
    "export_xliff",
    "import_xliff",
    "publish",
    "review_summary",
    "unapprove",
]


@dataclass(frozen=True, kw_only=True)
class PublishOptions:
    out_dir: Path
    formats: tuple[str, ...] = FORMATS
    base_url: str | None = None
    include_machine: bool = False
    # a language whose newest revision awaits review keeps its last approved revision online
    keep_approved: bool = True
    site_title: str = "Newsroom"
    clock: Clock = utc_now  # only dates an empty feed; everything else comes from the store


@dataclass(frozen=True, kw_only=True)
class PublishReport:
    out_dir: Path
    articles: int  # articles with at least one published language
    published: dict[str, int]  # language → articles published in it
    held: int  # complete language versions held back for review
    written: int
    unchanged: int
    removed: int
    written_paths: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


def publish(store: Store, options: PublishOptions) -> PublishReport:
    from pipeline.publish.jsonl import render_jsonl
    from pipeline.publish.markdown import render_markdown
    from pipeline.publish.site import SiteOptions, check_base_url, render_site
    from pipeline.publish.tmx import render_tmx
    from pipeline.publish.writer import OutputTree
    from pipeline.publish.xliff import render_xliff, target_langs

    unknown = [f for f in options.formats if f not in FORMATS]
    if unknown or not options.formats:
        raise PipelineError(
            f"unknown format {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}"
        )
    if options.base_url:
        check_base_url(options.base_url)  # a bad address fails before anything is read
    articles = collect(
        store, include_machine=options.include_machine, keep_approved=options.keep_approved
    )
    tree = OutputTree(options.out_dir, options.formats)
    notes: list[str] = _revision_notes(store, articles, options)
    if "site" in options.formats:
        site_options = SiteOptions(
            base_url=options.base_url,
            site_title=options.site_title,
            now=_rfc3339(options.clock()),
        )
        for relative, data in render_site(articles, site_options):
            tree.write("site", f"site/{relative}", data)
        if not options.base_url:
            notes.append("site/sitemap.xml has relative URLs; pass --base-url for search engines")
    if "jsonl" in options.formats:
        tree.write("jsonl", "jsonl/articles.jsonl", render_jsonl(articles))
    if "tmx" in options.formats:
        tree.write("tmx", "tmx/articles.tmx", render_tmx(articles))
    if "xliff" in options.formats:
        for article in articles:
            for lang in target_langs(article):
                tree.write("xliff", f"xliff/{lang}/{article.slug}.xlf", render_xliff(article, lang))
    if "md" in options.formats:
        for article in articles:
            for lang in article.published:
                tree.write("md", f"md/{lang}/{article.slug}.md", render_markdown(article, lang))
    counts = tree.finish()
    held = sum(
        1
        for a in articles
        for lang in LANGS
        if lang not in a.published and a.langs[lang].complete and a.langs[lang].segments
    )
    return PublishReport(
        out_dir=tree.root,
        articles=sum(1 for a in articles if a.published),
        published={lang: sum(1 for a in articles if lang in a.published) for lang in LANGS},
        held=held,
        written=counts.written,
        unchanged=counts.unchanged,
        removed=counts.removed,
        written_paths=tuple(counts.paths),
        notes=tuple(notes),
    )


def _revision_notes(
    store: Store, articles: list[ArticleVersions], options: PublishOptions
) -> list[str]:
    """Say which languages serve an earlier revision, or were dropped for want of review."""
    from pipeline.publish.collect import article_versions

    notes = []
    for article in articles:
        stored = article.stored
        for lang, current in article.held.items():
            served = article.langs[lang].revision
            notes.append(
                f"{article.slug}: {lang} serves revision {served} (approved); revision"
                f" {stored.revision} is {current.state}: `pipeline review {article.slug}"
                f" --lang {lang} --approve` publishes it"
            )
        if not options.keep_approved and stored.revision > 1:
            kept = article_versions(store, stored, include_machine=options.include_machine)
            for lang in kept.held:
                notes.append(
                    f"{article.slug}: {lang} revision {stored.revision} awaits review, so no"
                    f" {lang} page (revision {kept.langs[lang].revision} was approved)"
                )
    return notes


def export_xliff(store: Store, ref: str, lang: str) -> bytes:
    """One article's XLIFF 2.0 file for target language lang (review in a CAT tool)."""
    from pipeline.publish.collect import article_versions
    from pipeline.publish.xliff import render_xliff

    stored = store.article(ref)
    if lang not in LANGS or lang == stored.lang:
        raise ReviewError(
            f"{stored.slug}: {lang!r} is not a target language; choose one of"
            f" {', '.join(x for x in LANGS if x != stored.lang)}"
        )
    return render_xliff(article_versions(store, stored), lang)


def _rfc3339(moment: datetime) -> str:
    from datetime import UTC

    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
