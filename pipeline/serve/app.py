"""The review desk's web app: routes and middleware only (`create_app`)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from pipeline.domain import PipelineError
from pipeline.serve.api import SafeJSON, api_routes, error_response
from pipeline.serve.pages import page_routes
from pipeline.serve.security import SecurityMiddleware, Sessions, login_routes
from pipeline.serve.settings import ServeSettings


def create_app(settings: ServeSettings) -> Starlette:
    """The app over settings.db: the REST API (`pipeline.serve.api`), login, and the pages
    (`pipeline.serve.pages`), behind `SecurityMiddleware`. Tests build it over a temporary
    store; `pipeline serve` runs it with uvicorn. ``app.state.settings`` and
    ``app.state.sessions`` are there for routes that need them."""
    sessions = Sessions()
    app = Starlette(
        routes=[*api_routes(), *login_routes(settings, sessions), *page_routes()],
        middleware=[Middleware(SecurityMiddleware, settings=settings, sessions=sessions)],
        exception_handlers={PipelineError: error_response, 404: _not_found, 405: _not_allowed},
    )
    app.state.settings = settings
    app.state.sessions = sessions
    return app


def _not_found(request: Request, exc: Exception) -> Response:
    return SafeJSON({"error": f"no such page: {request.url.path}", "hint": "see /api/docs"}, 404)


def _not_allowed(request: Request, exc: Exception) -> Response:
    return SafeJSON(
        {"error": f"{request.method} is not allowed here", "hint": "see /api/docs"}, 405
    )
