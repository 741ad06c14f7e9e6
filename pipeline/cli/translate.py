"""`pipeline translate` and `pipeline models`: the translation commands of the CLI."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.cli.options import (
    EXIT_PARTIAL,
    db_option,
    domain_errors,
    glossary_option,
    langs_option,
    max_bytes_option,
    open_store,
)
from pipeline.ingest import IngestOptions

if TYPE_CHECKING:
    from pipeline.align import Lexicon

MODELS_ENV = "PIPELINE_MODELS"

models_option = click.option(
    "--models",
    "models_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar=MODELS_ENV,
    show_envvar=True,
    help="Your routing table (YAML), overlaid on the packaged models.yaml.",
)
profile_option = click.option(
    "--profile",
    default=None,
    help="Routing profile: quality (tc-big models, the default) or fast (base models).",
)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@langs_option("--to")
@profile_option
@models_option
@db_option
@click.option("--device", default="auto", show_default=True, help="cpu, cuda, cuda:N, or auto.")
@click.option(
    "--threads", type=click.IntRange(min=1), default=None, help="CPU threads in all (default: all)."
)
@click.option(
    "--streams",
    type=click.IntRange(min=1),
    default=None,
    help="Batches decoded at once on CPU, sharing the threads (default: 2 with 2+ cores).",
)
@click.option(
    "--batch-tokens",
    type=click.IntRange(min=64),
    default=None,
    help="Token budget of one batch (default: chosen by measurement).",
)
@click.option(
    "--quantize",
    type=click.Choice(["int8"]),
    default=None,
    help="Dynamic int8 weights on CPU: faster, slightly different output.",
)
@click.option(
    "--engine",
    "engine_name",
    default="transformers",
    show_default=True,
    help="Inference engine: transformers, or ctranslate2 (pip install 'pipeline[fast]').",
)
@click.option(
    "--low-memory",
    is_flag=True,
    help="One model and one small batch at a time: peak memory near the model's weights, "
    "at about half the default speed on CPU.",
)
@click.option("--no-memory", is_flag=True, help="Ignore the translation memory.")
@click.option(
    "--compare",
    is_flag=True,
    help="Machine text also where a human edition gave the text (for diff --a human --b machine).",
)
@click.option(
    "--executor",
    "executor_name",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Where sentences are decoded: here, or on a Ray cluster (pip install 'pipeline[ray]').",
)
@click.option(
    "--ray-address",
    default=None,
    help="Ray cluster to join (e.g. auto, ray://head:10001); default: RAY_ADDRESS, else start "
    "Ray on this machine.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Ray decoding actors (default: one per GPU, else cluster CPUs / --threads).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write <slug>/{uk,ru,en}.md and aligned.jsonl per article here.",
)
@max_bytes_option
@glossary_option
@click.option(
    "-q", "--quiet", is_flag=True, help="No progress output; errors and the summary still print."
)
def translate(
    paths: tuple[Path, ...],
    to: tuple[str, ...],
    profile: str | None,
    models_file: Path | None,
    db_path: Path,
    device: str,
    threads: int | None,
    streams: int | None,
    batch_tokens: int | None,
    quantize: str | None,
    engine_name: str,
    low_memory: bool,
    no_memory: bool,
    compare: bool,
    executor_name: str,
    ray_address: str | None,
    workers: int | None,
    out_dir: Path | None,
    max_bytes: int,
    glossary: Lexicon | None,
    quiet: bool,
) -> None:
    """Ingest PATHS and translate every segment into every language in --to.

    Each segment is translated from its own detected language, so a Russian quote inside a
    Ukrainian story is translated from Russian. Interrupt it at any time: running it again
    continues where it stopped. Exit code 1 when some inputs failed.

    \b
    Example:
        pipeline translate samples/ --out out/
        pipeline translate archive/ --to en --profile fast --device cuda
        pipeline translate archive/ --low-memory
        pipeline translate samples/set-city-budget/ --compare
        pipeline translate archive/ --executor ray --ray-address auto --threads 2

    With --executor ray, --threads is per decoding actor.
    """
    from pipeline.align import AlignOptions
    from pipeline.executors import ExecutorSettings
    from pipeline.jobs import TranslateOptions, translate_paths
    from pipeline.progress import make_progress
    from pipeline.translate import EngineOptions

    engine = EngineOptions(
        profile=profile,
        device=device,
        threads=threads,
        streams=streams,
        batch_tokens=batch_tokens,
        use_memory=not no_memory,
        quantize=quantize,
        engine=engine_name,
        low_memory=low_memory,
    )
    options = TranslateOptions(
        targets=to,
        engine=engine,
        models_file=models_file,
        compare=compare,
        out_dir=out_dir,
        ingest=IngestOptions(max_bytes=max_bytes),
        executor=ExecutorSettings(name=executor_name, address=ray_address, workers=workers),
        align=AlignOptions(glossary=glossary),
    )
    with open_store(db_path) as store:
        report = translate_paths(paths, store, options, make_progress(quiet=quiet))
    click.echo(report.summary())
    if out_dir is not None:
        click.echo(f"wrote {report.articles} article folder(s) to {out_dir}")
    if report.failed:
        sys.exit(EXIT_PARTIAL)


@click.group()
def models() -> None:
    """List, download or build the translation models the routes use.

    \b
    Example:
        pipeline models list
    """


@models.command(name="list")
@profile_option
@models_option
def list_models(profile: str | None, models_file: Path | None) -> None:
    """Show every route, its model, and whether the model is available offline.

    \b
    Example:
        pipeline models list --profile fast
    """
    from pipeline.modelstore import is_cached
    from pipeline.routing import load_table

    with domain_errors():
        table = load_table(models_file)
        names = [profile] if profile else list(table.profiles)
        for name in names:
            click.echo(f"profile {name}{' (default)' if name == table.default_profile else ''}")
            for route in table.routes(name):
                cached = "cached" if is_cached(route.model, route.revision) else "not cached"
                token = f" {route.target_token}" if route.target_token else ""
                click.echo(
                    f"  {route.source}>{route.target}  {route.model}"
                    f"@{route.revision or 'main'}{token}  [{cached}]"
                )


@models.command()
@profile_option
@models_option
def pull(profile: str | None, models_file: Path | None) -> None:
    """Download the models a profile's routes need, so later runs work offline.

    \b
    Example:
        pipeline models pull --profile fast
    """
    from pipeline.modelstore import pull as pull_models
    from pipeline.routing import load_table

    with domain_errors():
        table = load_table(models_file)
        results = pull_models(table.routes(profile), click.echo)
    click.echo(f"{len(results)} model(s) ready for offline use")


@models.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
def demo(out_dir: Path) -> None:
    """Build tiny offline demo models and a models.yaml that routes to them.

    Their output is random words: they exercise the whole pipeline without a network, they do
    not translate.

    \b
    Example:
        pipeline models demo demo-models/
        pipeline translate samples/ --models demo-models/models.yaml --out out/
    """
    from pipeline.testmodels import build_demo_models

    with domain_errors():
        table_path = build_demo_models(out_dir)
    click.echo(f"built demo models in {out_dir}; routing table: {table_path}")
    click.echo("note: demo models output random words; they do not translate.")
    click.echo(f"try: pipeline translate samples/ --models {table_path} --out out/")
