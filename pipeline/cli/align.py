"""`pipeline align`: pair a newsroom's editions into stories and align their sentences."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.align_bridge import BRIDGE_MODES
from pipeline.cli.options import (
    EXIT_PARTIAL,
    db_option,
    domain_errors,
    glossary_option,
    open_store,
)
from pipeline.cli.translate import models_option, profile_option

if TYPE_CHECKING:
    from pipeline.align import Lexicon


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@db_option
@click.option("--json", "as_json", is_flag=True, help="One JSON line per alignment unit.")
@click.option(
    "--eval",
    "gold",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Score the units against a gold JSONL file of the --json form (P/R/F1).",
)
@click.option(
    "--tmx",
    "tmx_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the aligned human pairs as TMX (the newsroom's parallel corpus).",
)
@click.option(
    "--bridge",
    type=click.Choice(BRIDGE_MODES),
    default="auto",
    show_default=True,
    help="Use the project's MT to compare editions: auto (when the models are here), on, off.",
)
@models_option
@profile_option
@glossary_option
def align(
    paths: tuple[Path, ...],
    db_path: Path,
    as_json: bool,
    gold: Path | None,
    tmx_path: Path | None,
    bridge: str,
    models_file: Path | None,
    profile: str | None,
    glossary: Lexicon | None,
) -> None:
    """Pair editions of one story (uk, ru, en) and align their sentences into units.

    PATHS are ingested first (unchanged files are skipped); without PATHS every story in the
    store is aligned again. Editions pair by their `translation_of`, else automatically by url,
    date, shared numbers and names and title; uncertain pairs are listed, not linked. Each
    edition's sentences become the human versions of the original's; sentences only one
    edition has are listed. Exit code 1 when some inputs failed.

    \b
    Example:
        pipeline align samples/set-city-budget/
        pipeline align samples/ --json > units.jsonl
        pipeline align --eval gold.jsonl --tmx corpus.tmx
        pipeline align archive/ --bridge on --profile fast
        pipeline align archive/ --glossary newsroom-glossary.tsv
    """
    from pipeline import alignjob, alignviews
    from pipeline.align import AlignOptions
    from pipeline.align_bridge import engine_bridge

    with (
        open_store(db_path) as store,
        domain_errors(),
        engine_bridge(bridge, models_file=models_file, profile=profile) as mt,
    ):
        result = alignjob.align_paths(paths, store, AlignOptions(bridge=mt, glossary=glossary))
        report = result.report
        for failure in result.failures:
            click.echo(f"error: {failure}", err=True)
        if as_json:
            for unit in report.units:
                if not unit.title_repeat:
                    click.echo(json.dumps(unit.record(), ensure_ascii=False))
        else:
            for line in alignjob.summary_lines(report):
                click.echo(line)
        if gold is not None:
            for line in alignviews.evaluate(gold, report.units).lines():
                click.echo(line, err=as_json)
        if tmx_path is not None:
            count = alignviews.write_tmx(store, tmx_path)
            click.echo(f"wrote {count} unit(s) to {tmx_path}", err=as_json)
    if result.failures:
        sys.exit(EXIT_PARTIAL)
