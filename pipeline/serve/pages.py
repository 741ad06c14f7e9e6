"""HTML pages of the review desk (queue, editor): routes served by the app.

The pages are shells: the server renders the frame (title, filters, the CSRF token in a
``<meta>``), and ``static/*.js`` fills it from the same JSON API that other clients use, so the
page and ``GET /api/articles/{id}`` cannot drift. Article text only ever reaches the DOM through
``textContent`` (no HTML from data), and the CSP forbids inline scripts, so every script is a
file under ``static/``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.domain import LANGS
from pipeline.review.queue import STATE_ORDER as QUEUE_STATES

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


@lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every {{ }} is escaped: titles and ids come from article data
        undefined=jinja2.StrictUndefined,
    )


def render(name: str, **context: Any) -> str:
    """The template ``templates/<name>`` rendered with context (autoescaped HTML)."""
    return str(_environment().get_template(name).render(**context))


def _csrf(request: Any) -> str:
    from pipeline.serve.security import csrf_token

    return str(csrf_token(request))


def _page(request: Any, name: str, **context: Any) -> Any:
    from starlette.responses import HTMLResponse

    html = render(name, csrf=_csrf(request), langs=LANGS, **context)
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


async def queue_page(request: Any) -> Any:
    """GET / : the review queue; ?lang= and ?state= preset the filters."""
    lang = request.query_params.get("lang", "")
    state = request.query_params.get("state", "")
    return _page(
        request,
        "queue.html",
        lang=lang if lang in LANGS else "",
        state=state if state in QUEUE_STATES else "",
        states=QUEUE_STATES,
    )


async def editor_page(request: Any) -> Any:
    """GET /articles/{id} : the three-column editor of one article."""
    return _page(request, "editor.html", article_id=request.path_params["article_id"])


def page_routes() -> list[Any]:
    """Starlette routes for the browser pages and their static files (CSS, JS)."""
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    return [
        Route("/", queue_page, methods=["GET"], name="queue"),
        Route("/articles/{article_id}", editor_page, methods=["GET"], name="editor"),
        Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static"),
    ]
