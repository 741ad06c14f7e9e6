"""The command line: a thin click layer over the library."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline import __version__
from pipeline.cli.align import align
from pipeline.cli.diff import diff
from pipeline.cli.eval import eval_command
from pipeline.cli.options import (
    EXIT_PARTIAL,
    db_option,
    domain_errors,
    glossary_option,
    max_bytes_option,
    open_store,
)
from pipeline.cli.publish import edit, import_command, publish, review
from pipeline.cli.serve import serve
from pipeline.cli.translate import models, translate
from pipeline.domain import shorten
from pipeline.ingest import IngestOptions
from pipeline.store import EditionLink

if TYPE_CHECKING:
    from pipeline.align import Lexicon


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="pipeline")
def main() -> None:
    """Translate news articles between Ukrainian, Russian and English with MarianMT.

    \b
    Example:
        pipeline translate samples/ --out out/
    """


paths_argument = click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))


@main.command()
@paths_argument
@db_option
@max_bytes_option
@click.option(
    "--json", "as_json", is_flag=True, help="Print articles as JSON lines; store nothing."
)
@click.option("--show-dropped", is_flag=True, help="Print the page chrome that was removed.")
@glossary_option
def ingest(
    paths: tuple[Path, ...],
    db_path: Path,
    max_bytes: int,
    as_json: bool,
    show_dropped: bool,
    glossary: Lexicon | None,
) -> None:
    """Read articles (.txt, .md, .html, .json, .jsonl) into the store.

    Folders are walked recursively. Unchanged files are skipped; changed files become a new
    revision of the same article. Exit code 1 when some files failed.

    \b
    Example:
        pipeline ingest samples/ --show-dropped
        pipeline ingest --json story.html | jq .title
        pipeline ingest archive/ --glossary newsroom-glossary.tsv
    """
    from pipeline import jobs
    from pipeline.align import AlignOptions
    from pipeline.analyze import article_record

    options = IngestOptions(max_bytes=max_bytes)
    failed = 0
    with domain_errors():
        if as_json:
            for item in jobs.parse_paths(paths, options):
                if isinstance(item, jobs.Failure):
                    failed += 1
                    click.echo(f"error: {item}", err=True)
                elif isinstance(item, jobs.Notice):
                    click.echo(f"{item.kind}: {item}", err=True)
                else:
                    click.echo(json.dumps(article_record(item), ensure_ascii=False))
        else:
            with open_store(db_path) as store:
                aligning = AlignOptions(glossary=glossary)
                for result in jobs.ingest_paths(paths, store, options, aligning):
                    if isinstance(result, jobs.Failure):
                        failed += 1
                        click.echo(f"error: {result}", err=True)
                        continue
                    if isinstance(result, jobs.Notice):
                        click.echo(f"{result.kind}: {result}", err=True)
                        continue
                    if isinstance(result, EditionLink):
                        click.echo(
                            f"linked    {result.edition_id}  {result.lang} edition of"
                            f" {result.original_id}: {result.aligned}/{result.segments}"
                            " sentences aligned as human versions"
                        )
                        continue
                    article, saved = result.article, result.result
                    assert saved is not None
                    click.echo(
                        f"{saved.status:9} {saved.article_id}  {article.lang:8} r{saved.revision}"
                        f"  {len(article.segments):4} segments  {shorten(article.title, 60)}"
                    )
                    if saved.status == "revised":
                        click.echo(f"    {jobs.revision_line(saved)}")
                    if show_dropped:
                        for line in article.dropped:
                            click.echo(f"    dropped: {line}")
    if failed:
        click.echo(f"{failed} input(s) failed", err=True)
        sys.exit(EXIT_PARTIAL)


@main.command()
@click.argument("source", default="-")
@click.option("--lines", is_flag=True, help="One label per input line, in order.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def detect(source: str, lines: bool, as_json: bool) -> None:
    """Label text as uk, ru, en or other:<code>, with a confidence.

    Without --lines the whole input is one text, then each paragraph (blank-line separated) and
    sentence is labelled; a sentence that quotes another language also shows its language
    spans. SOURCE is a text file (any encoding ingest reads) or - for standard input.

    \b
    Example:
        pipeline detect --lines headlines.txt
        echo "Добрий день, Києве!" | pipeline detect
    """
    from pipeline.analyze import label_lines, label_text, read_text
    from pipeline.domain import PipelineError

    try:
        text = read_text(source)
    except PipelineError as exc:
        raise click.ClickException(str(exc)) from None
    if lines:
        for labelled in label_lines(text.splitlines()):
            if as_json:
                click.echo(json.dumps(labelled, ensure_ascii=False))
            else:
                click.echo(f"{labelled['label']}\t{labelled['confidence']:.3f}")
        return
    report = label_text(text)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
        return
    click.echo(f"text\t{report['label']}\t{report['confidence']:.3f}")
    for number, paragraph in enumerate(report["paragraphs"], start=1):
        click.echo(f"p{number}\t{paragraph['label']}\t{paragraph['confidence']:.3f}")
        for sentence in paragraph["sentences"]:
            click.echo(f"  \t{sentence['label']}\t{sentence['confidence']:.3f}\t{sentence['text']}")
            for span in sentence.get("spans", ()):
                click.echo(f"  \t  {span['label']}\t\t{span['text']}")


@main.command(name="ls")
@db_option
def list_articles(db_path: Path) -> None:
    """List stored articles with their languages and which versions exist.

    \b
    Example:
        pipeline ls --db newsroom.db
    """
    with open_store(db_path) as store:
        summaries = store.list_articles()
    if not summaries:
        click.echo(f"no articles in {db_path}; `pipeline ingest PATH` adds some")
        return
    click.echo(f"{'id':12}  {'lang':8} {'rev':>3} {'seg':>4}  {'uk':>4} {'ru':>4} {'en':>4}  title")
    for s in summaries:
        counts = "  ".join(f"{s.versions.get(lang, 0):>3}" for lang in ("uk", "ru", "en"))
        edition = f"  (edition of {s.edition_of})" if s.edition_of else ""
        click.echo(
            f"{s.id:12}  {s.lang:8} {s.revision:>3} {s.segments:>4}  {counts}"
            f"  {shorten(s.title, 50)}{edition}"
        )


@main.command()
@click.argument("article")
@db_option
@click.option("--revision", type=int, default=None, help="An older revision (default: newest).")
def show(article: str, db_path: Path, revision: int | None) -> None:
    """Print an article's segments with their languages.

    ARTICLE is an id (or its start), a slug or the source file's path. Where the article is
    one of a story's aligned editions, the sentences only one edition has are listed last.

    \b
    Example:
        pipeline show 3fa2c1
    """
    from pipeline.alignviews import one_edition_only

    with open_store(db_path) as store:
        stored = store.article(article, revision=revision)
        alone = one_edition_only(store, stored.id)
    click.echo(
        f"{stored.title}\n{stored.id}  revision {stored.revision}  {stored.lang}"
        f" ({stored.confidence:.2f})  {stored.source_path}"
    )
    for field_name in ("author", "date", "url"):
        value = getattr(stored, field_name)
        if value:
            click.echo(f"{field_name}: {value}")
    last_para = None
    for segment in stored.segments:
        if segment.para_index != last_para:
            click.echo(f"\n¶{segment.para_number} {segment.kind}")
            last_para = segment.para_index
        click.echo(
            f"  {segment.sent_number:>2} {segment.lang:8} {segment.confidence:.2f}  {segment.text}"
        )
    if alone:
        click.echo("\nsentences only one edition of the story has:")
    for item in alone:
        click.echo(f"  {item.lang}  {item.article_id} {item.key}  {item.text}")


@main.command(name="rm")
@click.argument("articles", nargs=-1, required=True)
@db_option
@click.option("--yes", "-y", is_flag=True, help="Remove without asking (needed off a terminal).")
@click.option("--dry-run", is_flag=True, help="Say what would be removed; remove nothing.")
@click.option(
    "--with-editions",
    is_flag=True,
    help="Also remove the articles' human editions (default: keep them as articles).",
)
def remove(
    articles: tuple[str, ...], db_path: Path, yes: bool, dry_run: bool, with_editions: bool
) -> None:
    """Delete articles, their revisions and all their versions from the store.

    Says first what goes: versions by people included. An article's human editions are kept
    as articles of their own unless --with-editions. Asks on a terminal; elsewhere needs --yes.

    \b
    Example:
        pipeline rm 3fa2c1 --dry-run
        pipeline rm 3fa2c1 --yes
    """
    from pipeline.removal import plan_removal, remove

    with open_store(db_path) as store:
        plans = plan_removal(store, articles, with_editions=with_editions)
        for plan in plans:
            click.echo(f"{'would remove' if dry_run else 'remove'} {plan.describe()}")
        if dry_run:
            return
        if not yes:
            if not _on_terminal():
                raise click.ClickException(
                    "not a terminal, so nothing was removed: pass --yes to remove,"
                    " or --dry-run to see what would go"
                )
            click.confirm(f"remove {len(plans)} article(s)?", abort=True)
        for article_id in remove(store, plans):
            click.echo(f"deleted {article_id}")


def _on_terminal() -> bool:
    """Whether someone can answer a question (stdin is a terminal)."""
    return sys.stdin.isatty()


# Command groups that live in their own modules.
for command in (
    translate,
    models,
    align,
    eval_command,
    diff,
    review,
    edit,
    publish,
    import_command,
    serve,
):
    main.add_command(command)
