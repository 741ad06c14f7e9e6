"""`pipeline eval`: score machine translation against the human editions."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from pipeline.cli.options import db_option, open_store
from pipeline.cli.translate import models_option


@click.command("eval")
@click.argument("articles", nargs=-1)
@db_option
@click.option(
    "--profile",
    "profiles",
    multiple=True,
    metavar="NAME",
    help="Also translate the units now with this profile and score that (repeatable).",
)
@models_option
@click.option("--device", default="auto", show_default=True, help="cpu, cuda, cuda:N, or auto.")
@click.option(
    "--no-stored", is_flag=True, help="Score only the --profile translations, not the stored ones."
)
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON object: scores, signatures, models."
)
def eval_command(
    articles: tuple[str, ...],
    db_path: Path,
    profiles: tuple[str, ...],
    models_file: Path | None,
    device: str,
    no_stored: bool,
    as_json: bool,
) -> None:
    """Score machine translation against the human editions: chrF and BLEU (sacrebleu).

    ARTICLES name stories (an original or one of its editions); none: every story with human
    editions. Each aligned unit of the original and an edition is one test item: the stored
    machine versions (one system per model run) and, with --profile, the profile's translation
    made now (nothing is stored) are scored against the edition's text, per direction, per
    article and overall. Units with text on one side only (1-0, 0-1) are counted, not scored.

    \b
    Example:
        pipeline eval
        pipeline eval kyivrada-vydilyla --profile fast --profile quality
        pipeline eval --json | jq '.lines[] | {direction, system, chrf: .score.chrf}'
    """
    from pipeline.evaluate import EvalOptions, evaluate
    from pipeline.evaluate.table import report_lines
    from pipeline.translate import EngineOptions

    if no_stored and not profiles:
        raise click.UsageError("--no-stored leaves nothing to score: add --profile NAME")
    options = EvalOptions(
        stored=not no_stored,
        profiles=profiles,
        models_file=models_file,
        engine=EngineOptions(device=device),
    )
    with open_store(db_path) as store:
        report = evaluate(store, articles, options)
    if as_json:
        click.echo(json.dumps(asdict(report), ensure_ascii=False, indent=2))
        return
    for line in report_lines(report):
        click.echo(line)
