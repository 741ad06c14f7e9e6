"""Commands for review and publishing: review, edit, publish, import."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.options import db_option, open_store
from pipeline.domain import LANGS

_LANG = click.Choice(LANGS)


@click.command("review")
@click.argument("article", required=False)
@click.option("--lang", type=_LANG, help="Language version to approve or unapprove.")
@click.option("--approve", "action", flag_value="approve", help="Approve the language version.")
@click.option("--unapprove", "action", flag_value="unapprove", help="Take approval back.")
@db_option
def review(article: str | None, lang: str | None, action: str | None, db_path: Path) -> None:
    """Show review states, or approve a language version of ARTICLE for publishing.

    Without --approve/--unapprove, prints each language's state (source, machine, stale, edited,
    approved, missing), the old text beside the new for each stale sentence, and whether a
    default publish includes it; without ARTICLE, for every article.

    \b
    Example:
        pipeline review                       # every article's states
        pipeline review my-story-3f2a1b0c --lang ru --approve
    """
    from pipeline.publish import approve, review_summary, unapprove

    if action and (article is None or lang is None):
        raise click.UsageError(f"--{action} needs ARTICLE and --lang")
    with open_store(db_path) as store:
        if action == "approve":
            assert article is not None and lang is not None
            changed = approve(store, article, lang)
            click.echo(f"{article}: {lang} approved ({changed} segments changed state)")
            return
        if action == "unapprove":
            assert article is not None and lang is not None
            changed = unapprove(store, article, lang)
            click.echo(f"{article}: {lang} approval taken back ({changed} segments)")
            return
        refs = [article] if article else store.article_ids()
        for ref in refs:
            stored = store.article(ref)
            click.echo(f"{stored.slug}  [{stored.lang}] {stored.title}")
            for state in review_summary(store, ref):
                if lang and state.lang != lang:
                    continue
                counts = ", ".join(f"{k} {v}" for k, v in state.counts.items() if v)
                flag = "published" if state.published else "held"
                models = f"  models: {', '.join(state.models)}" if state.models else ""
                click.echo(f"  {state.lang}  {state.state:<9} {flag:<9} {counts}{models}")
                if state.serves_revision is not None:
                    click.echo(
                        f"      publishing revision {state.serves_revision} (approved) until"
                        f" revision {stored.revision} is approved"
                    )
                for item in state.stale:
                    where = item.segment.key
                    click.echo(f"      stale {where}  was: {item.previous}")
                    click.echo(f"      {' ' * len(where)}        now: {item.text}")


@click.command("edit")
@click.argument("article")
@click.option("--lang", type=_LANG, required=True, help="Language version to edit.")
@db_option
def edit(article: str, lang: str, db_path: Path) -> None:
    """Edit a language version of ARTICLE in $EDITOR, one sentence per line.

    Each sentence sits under a comment line with its source sentence; changed sentences are
    stored as edited versions (the machine text stays for the diff view). A deleted marker or
    an added line reopens the editor on your text with the problem marked at the top.

    \b
    Example:
        EDITOR=nano pipeline edit my-story-3f2a1b0c --lang en
    """
    from pipeline.publish.review import edit_session

    def editor(text: str) -> str | None:
        return click.edit(text, extension=".txt", require_save=True)

    with open_store(db_path) as store:
        outcome = edit_session(store, article, lang, editor)
    if outcome.changed is not None:
        click.echo(f"{article}: {outcome.changed} {lang} sentences stored as edited")
        return
    if outcome.kept_at is not None:
        raise click.ClickException(f"{outcome.problem}; your text is kept in {outcome.kept_at}")
    click.echo("not saved; nothing stored")


@click.command("publish")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Output folder (one sub-folder per format).",
)
@click.option(
    "--format",
    "formats",
    default="site,jsonl,tmx,xliff,md",
    show_default=True,
    help="Comma-separated formats out of site, jsonl, tmx, xliff, md.",
)
@click.option("--base-url", help="Address the site/ folder is served at; makes links absolute.")
@click.option(
    "--include-machine",
    is_flag=True,
    help="Also publish unreviewed versions, marked as machine-translated.",
)
@click.option(
    "--current-only",
    is_flag=True,
    help="Publish only newest revisions: a language whose correction awaits review goes"
    " offline instead of keeping its last approved revision.",
)
@click.option("--site-title", default="Newsroom", show_default=True, help="Site name.")
@db_option
def publish(
    out_dir: Path,
    formats: str,
    base_url: str | None,
    include_machine: bool,
    current_only: bool,
    site_title: str,
    db_path: Path,
) -> None:
    """Publish approved versions as a static site and data exports.

    A language version is published when every segment is as written or approved;
    --include-machine adds the rest. After a correction of the source, a language keeps its
    last approved revision online until the new one is approved (--current-only: not). Only
    changed files are rewritten; files an earlier
    publish wrote for articles since deleted are removed.

    \b
    Example:
        pipeline publish --out public/ --format site,jsonl --base-url https://news.example.org
    """
    from pipeline.publish import PublishOptions
    from pipeline.publish import publish as run_publish

    options = PublishOptions(
        out_dir=out_dir,
        formats=tuple(f.strip() for f in formats.split(",") if f.strip()),
        base_url=base_url,
        include_machine=include_machine,
        keep_approved=not current_only,
        site_title=site_title,
    )
    with open_store(db_path) as store:
        report = run_publish(store, options)
    langs = ", ".join(f"{lang} {n}" for lang, n in report.published.items())
    click.echo(
        f"{report.articles} articles published ({langs}); {report.held} language versions held"
        " for review"
    )
    click.echo(
        f"{report.out_dir}: {report.written} written, {report.unchanged} unchanged,"
        f" {report.removed} removed"
    )
    for note in report.notes:
        click.echo(f"note: {note}")


@click.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@db_option
def import_command(files: tuple[Path, ...], db_path: Path) -> None:
    """Import edited XLIFF files back as edited versions.

    Each file is checked whole before anything is stored: its article, revision and units
    must match the store. A file exported before a correction of the source imports every
    unit whose source sentence is unchanged and lists the others.

    \b
    Example:
        pipeline import out/xliff/en/my-story-3f2a1b0c.xlf
    """
    from pipeline.publish import import_xliff

    with open_store(db_path) as store:
        for path in files:
            result = import_xliff(store, path)
            click.echo(f"{path}: {result.stored} segments stored as edited")
            if result.skipped:
                click.echo(
                    f"{path}: exported from revision {result.revision}; the source of"
                    f" {len(result.skipped)} units changed since, not imported:"
                    f" {', '.join(result.skipped)} (edit them with `pipeline edit`)"
                )
