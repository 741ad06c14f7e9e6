"""Options and helpers shared by every command group of the CLI."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from pipeline.domain import LANGS, PipelineError
from pipeline.ingest import IngestOptions
from pipeline.store import DB_ENV, DEFAULT_DB, Store

F = TypeVar("F", bound=Callable[..., Any])

# Exit codes: 0 all good; 1 some inputs failed (the batch went on); 2 usage error (click's own).
EXIT_PARTIAL = 1


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=DEFAULT_DB,
        envvar=DB_ENV,
        show_default=True,
        show_envvar=True,
        help="SQLite database file.",
    )(func)


GLOSSARY_ENV = "PIPELINE_GLOSSARY"


def glossary_option(func: F) -> F:
    """``--glossary FILE``: the newsroom's word list the aligner joins with its seed lexicon,
    read and checked when the command starts (the parameter's value is a ``Lexicon`` or None)."""
    return click.option(
        "--glossary",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        envvar=GLOSSARY_ENV,
        show_envvar=True,
        callback=_read_glossary,
        help="Word list for aligning human editions: en<TAB>uk<TAB>ru forms a line.",
    )(func)


def _read_glossary(ctx: click.Context, param: click.Parameter, value: Path | None) -> Any:
    if value is None:
        return None
    from pipeline.align import read_glossary

    try:
        return read_glossary(value)
    except ValueError as exc:
        raise click.BadParameter(
            f"{exc} — the glossary is UTF-8 text, one concept a line:"
            " English forms<TAB>Ukrainian forms<TAB>Russian forms"
        ) from None


def max_bytes_option(func: F) -> F:
    return click.option(
        "--max-bytes",
        type=click.IntRange(min=1),
        default=IngestOptions().max_bytes,
        show_default=True,
        help="Largest input file accepted, in bytes.",
    )(func)


def langs_option(name: str = "--langs", default: str = ",".join(LANGS)) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        return click.option(
            name,
            default=default,
            show_default=True,
            callback=parse_langs,
            help="Comma-separated languages out of uk, ru, en.",
        )(func)

    return decorate


def parse_langs(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    langs = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = [lang for lang in langs if lang not in LANGS]
    if unknown or not langs:
        raise click.BadParameter(f"{', '.join(unknown) or 'none given'}: choose from uk, ru, en")
    return langs


@contextmanager
def open_store(db_path: Path) -> Iterator[Store]:
    """Open the store, turning domain errors into one-line CLI errors."""
    with domain_errors(), Store(db_path) as store:
        yield store


@contextmanager
def domain_errors() -> Iterator[None]:
    try:
        yield
    except PipelineError as exc:
        hint = f"\nhint: {exc.hint}" if exc.hint else ""
        raise click.ClickException(f"{exc}{hint}") from exc
