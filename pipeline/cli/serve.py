"""`pipeline serve`: the review desk in the browser and its REST API."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.options import db_option, open_store
from pipeline.serve.settings import TOKEN_ENV, new_token


@click.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--token",
    envvar=TOKEN_ENV,
    show_envvar=True,
    help="Login token for browsers and API clients (default: a new random one, printed).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder `POST /api/publish` writes to (default: publishing from the desk is off).",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    help="Another host name the desk may be reached by (behind a proxy); repeatable.",
)
@click.option("--author", default="web", show_default=True, help="Name stored with web edits.")
def serve(
    db_path: Path,
    host: str,
    port: int,
    token: str | None,
    out: Path | None,
    allow_hosts: tuple[str, ...],
    author: str,
) -> None:
    """Review and edit translations in the browser; the same actions as a REST API.

    Listens on 127.0.0.1 only unless --host says otherwise. Prints a login link with a token;
    API clients send it as `Authorization: Bearer TOKEN`. Endpoints: GET /api/docs.

    \b
    Example:
        pipeline serve --db newsroom.db --out site-out/
        curl -H "Authorization: Bearer $PIPELINE_TOKEN" http://127.0.0.1:8000/api/articles
    """
    try:
        import uvicorn
    except ImportError:  # pragma: no cover - a core dependency, absent only in a broken install
        raise click.ClickException(
            "uvicorn is not installed; `pip install uvicorn starlette`"
        ) from None
    from pipeline.serve.app import create_app
    from pipeline.serve.settings import ServeSettings

    with open_store(db_path):  # fail now, with the CLI's message, on a bad database
        pass
    settings = ServeSettings(
        db=db_path,
        token=token or new_token(),
        host=host,
        port=port,
        out=out,
        author=author,
        extra_hosts=allow_hosts,
    )
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"review desk: http://{shown}:{port}/login?token={settings.token}")
    click.echo(f"API: Authorization: Bearer {settings.token}   (endpoints: /api/docs)")
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}, beyond this machine", err=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
