"""The `diff` command: an article's versions side by side in the terminal or as HTML."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from pipeline.cli.options import db_option, langs_option, open_store
from pipeline.domain import LANGS


@click.command("diff")
@click.argument("article", required=False)
@langs_option("--langs")
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    default=None,
    help="Compare two versions of this language word by word (with --a/--b).",
)
@click.option(
    "--a",
    "a_spec",
    default=None,
    metavar="VERSION",
    help="Reference side: source, human, edited, current, machine or machine:<model/route"
    " part>.  [default: human]",
)
@click.option(
    "--b",
    "b_spec",
    default=None,
    metavar="VERSION",
    help="Compared side, same choices as --a.  [default: machine]",
)
@click.option(
    "--html",
    "html_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Write a self-contained HTML page to this file (a folder with --all).",
)
@click.option(
    "--human",
    is_flag=True,
    help="Compare the human edition (in --lang) with the machine (--b) unit by unit: merged"
    " sentences show as one row.",
)
@click.option("--all", "all_articles", is_flag=True, help="Every article: needs --html DIR.")
@click.option(
    "--width", type=click.IntRange(min=40), default=None, help="Table width [default: terminal]."
)
@click.option(
    "--color/--no-color", default=None, help="ANSI colours [default: when stdout is a terminal]."
)
@db_option
def diff(
    article: str | None,
    langs: tuple[str, ...],
    lang: str | None,
    a_spec: str | None,
    b_spec: str | None,
    html_path: Path | None,
    human: bool,
    all_articles: bool,
    width: int | None,
    color: bool | None,
    db_path: Path,
) -> None:
    """Show ARTICLE's versions sentence by sentence, with the checks that need a look.

    Columns per language, each cell marked source, human or machine + model. With --lang, two
    versions of one language are compared word by word ([-deleted-] {+inserted+}), with
    per-segment edit distance and chrF/BLEU of b against a. With --human, the story's human
    edition is a and the machine versions b, one row per aligned unit (u1, u2, ...; "2-1": two
    source sentences said in one).

    \b
    Example:
        pipeline diff my-article --langs uk,en
        pipeline diff my-article --lang ru --a human --b machine:opus-mt
        pipeline diff my-article --html my-article.html
        pipeline diff my-article --human --lang en --b machine:tc-big
        pipeline diff --all --html site/diff/
    """
    from pipeline.diff import DiffOptions, build, render_html, render_terminal, write_all_html

    if all_articles and article:
        raise click.UsageError("give either ARTICLE or --all, not both")
    if not all_articles and not article:
        raise click.UsageError("give an ARTICLE (id, slug or path), or --all with --html DIR")
    if all_articles and html_path is None:
        raise click.UsageError("--all writes pages: add --html DIR")
    if human and (all_articles or a_spec):
        raise click.UsageError("--human compares one story's edition (a) with --b: drop --all/--a")
    if (a_spec or b_spec) and not lang and not human:
        raise click.UsageError("--a/--b compare versions of one language: add --lang")
    if color is None:
        color = sys.stdout.isatty()
    if width is None:
        width = shutil.get_terminal_size((100, 24)).columns
    options = DiffOptions(
        langs=langs, lang=lang, a=a_spec, b=b_spec, human=human, width=width, color=color
    )
    with open_store(db_path) as store:
        if all_articles:
            assert html_path is not None
            if html_path.exists() and not html_path.is_dir():
                raise click.UsageError(f"--all needs a folder for --html; {html_path} is a file")
            written = write_all_html(store, html_path, options)
            click.echo(f"wrote {len(written) - 1} article pages and {written[-1]}")
            return
        assert article is not None
        view = build(store, article, options)
        if html_path is not None:
            html_path.parent.mkdir(parents=True, exist_ok=True)
            html_path.write_text(render_html(view), encoding="utf-8")
            click.echo(f"wrote {html_path} ({len(view.rows)} segments, {view.flagged} flagged)")
            return
        click.echo(render_terminal(view, width=width, color=color), nl=False, color=color)
