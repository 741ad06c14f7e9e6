"""The REST API: each handler parses the request, makes one library call and answers JSON.

Handlers are plain functions: Starlette runs them in its thread pool, each with a Store of its
own (SQLite connections are not shared between threads). ENDPOINTS documents them
(`GET /api/docs`, README).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pipeline.domain import PipelineError, StaleWrite, Version
from pipeline.review import actions
from pipeline.review.queue import queue
from pipeline.review.view import article_checks, article_view
from pipeline.serve.security import csrf_token
from pipeline.serve.settings import ServeSettings
from pipeline.store import Store

ENDPOINTS: tuple[tuple[str, str, str], ...] = (
    ("GET", "/api/articles", "review queue, worst first; ?lang=uk|ru|en &state=S &stale=1|0"),
    (
        "GET",
        "/api/articles/{id}",
        "an article and one row per segment (source, versions by "
        "language: current, machine, human; checks, risk)",
    ),
    ("GET", "/api/articles/{id}/units", "the rows alone"),
    ("GET", "/api/articles/{id}/checks", "failed checks of the versions readers see"),
    (
        "POST",
        "/api/articles/{id}/approve",
        'approve: {"lang", "keys"?: ["p1-s2"], "para"?: n}'
        " (neither keys nor para: the whole language version)",
    ),
    ("GET", "/api/versions/{id}/history", "every version of that segment and language"),
    (
        "PATCH",
        "/api/versions/{id}",
        '{"revision": id read, "text"?, "state"?: approved|machine|'
        'edited}; 409 {"error", "hint", "current"} when it changed since',
    ),
    ("POST", "/api/publish", "publish to the folder given by `pipeline serve --out`; body {}"),
    (
        "GET",
        "/api/session",
        '{"auth": "bearer"|"session", "csrf_token"}: what browser writes send as X-CSRF-Token',
    ),
    ("GET", "/api/docs", "this list"),
)


class SafeJSON(JSONResponse):
    """JSON with <, > and & as \\u escapes: still the same JSON, but text from an article can
    never read as markup, even where a page embeds the body."""

    def render(self, content: Any) -> bytes:
        text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return text.encode("utf-8")


def plain(value: Any) -> Any:
    """JSON-ready data from dataclasses, dicts, lists and tuples (a Path as text): what
    `dataclasses.asdict` gives, without its deep copies (a third of an article read)."""
    fields = getattr(value, "__dataclass_fields__", None)
    if fields is not None:
        return {name: plain(getattr(value, name)) for name in fields}
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, Path):
        return str(value)
    return value


class BadRequest(PipelineError):
    pass


@contextmanager
def open_request_store(request: Request) -> Iterator[Store]:
    """A Store for this request only, closed after it."""
    settings: ServeSettings = request.app.state.settings
    with Store(settings.db) as store:
        yield store


def version_json(version: Version | None) -> dict[str, Any] | None:
    if version is None:
        return None
    signature = version.signature
    return {
        "id": version.id,
        "segment_id": version.segment_id,
        "lang": version.lang,
        "text": version.text,
        "origin": version.origin,
        "state": version.state,
        "model": signature.public_model if signature else None,
        "model_revision": signature.revision if signature else None,
        "flags": list(version.flags),
        "created": version.created,
    }


def get_queue(request: Request) -> Response:
    params = request.query_params
    stale = {"1": True, "true": True, "0": False, "false": False}.get(params.get("stale", ""))
    with open_request_store(request) as store:
        items = queue(
            store, lang=params.get("lang") or None, state=params.get("state") or None, stale=stale
        )
    return SafeJSON(plain(items))


# (database, article id, part) → (fingerprint, JSON bytes): an article page is rendered again
# only when its newest revision, a version or a version's state changed
# (`Versions.fingerprints`); a read then costs one small aggregate query.
_VIEWS: dict[tuple[str, str, str], tuple[tuple[object, ...], bytes]] = {}
_VIEWS_LOCK = threading.Lock()
_VIEWS_LIMIT = 2000


def _article_json(request: Request, part: str) -> Response:
    with open_request_store(request) as store:
        article_id = store.resolve(request.path_params["id"])
        mark = store.versions.fingerprints(article_id).get(article_id)
        key = (str(store.path.resolve()), article_id, part)
        with _VIEWS_LOCK:
            held = _VIEWS.get(key)
        if held is not None and mark is not None and held[0] == mark:
            body = held[1]
        else:
            view = article_view(store, article_id)
            if part == "article":
                content: Any = plain(view)
            elif part == "units":
                content = plain(view.rows)
            else:
                content = article_checks(view)
            body = bytes(SafeJSON(content).body)
            if mark is not None:
                with _VIEWS_LOCK:
                    if len(_VIEWS) >= _VIEWS_LIMIT:
                        _VIEWS.clear()
                    _VIEWS[key] = (mark, body)
    return Response(body, media_type="application/json")


def get_article(request: Request) -> Response:
    return _article_json(request, "article")


def get_units(request: Request) -> Response:
    return _article_json(request, "units")


def get_checks(request: Request) -> Response:
    return _article_json(request, "checks")


def get_history(request: Request) -> Response:
    with open_request_store(request) as store:
        entries = actions.history(store, _int(request.path_params["id"], "version id"))
    return SafeJSON(
        [
            {**(version_json(e.version) or {}), "author": e.author, "based_on": e.based_on}
            for e in entries
        ]
    )


async def patch_version(request: Request) -> Response:
    body = await _json(request, allowed={"text", "state", "revision"})
    version_id = _int(request.path_params["id"], "version id")
    revision = _int(body.get("revision"), "revision (the id of the version you read)")
    text, state = body.get("text"), body.get("state")
    if text is None and state is None:
        raise BadRequest("nothing to change", hint='send "text", "state" or both')
    if text is not None and not isinstance(text, str):
        raise BadRequest('"text" must be a string')
    if text is not None and state not in (None, "approved", "edited"):
        raise BadRequest('with "text", "state" may only be "approved" or "edited"')
    settings: ServeSettings = request.app.state.settings

    def write() -> Version:
        with open_request_store(request) as store:
            if text is not None:
                return actions.edit(
                    store,
                    version_id,
                    text,
                    revision=revision,
                    author=settings.author,
                    approve=state == "approved",
                )
            return actions.set_state(store, version_id, str(state), revision=revision)

    version = await _in_thread(write)
    return SafeJSON({"version": version_json(version)})


async def post_approve(request: Request) -> Response:
    body = await _json(request, allowed={"lang", "keys", "para"})
    lang, keys, para = body.get("lang"), body.get("keys"), body.get("para")
    if not isinstance(lang, str):
        raise BadRequest('"lang" is required', hint="one of uk, ru, en")
    if keys is not None and (
        not isinstance(keys, list) or not all(isinstance(k, str) for k in keys)
    ):
        raise BadRequest('"keys" must be a list of segment keys like "p1-s2"')
    if para is not None:
        para = _int(para, "para")
    article_id = request.path_params["id"]

    def write() -> int:
        with open_request_store(request) as store:
            return actions.approve(store, article_id, lang, keys=keys, para=para)

    return SafeJSON({"approved": await _in_thread(write)})


async def post_publish(request: Request) -> Response:
    body = await _json(request, allowed=set(), empty_ok=True)
    del body
    settings: ServeSettings = request.app.state.settings
    if settings.out is None:
        raise BadRequest(
            "publishing from the desk is off", hint="start it with `pipeline serve --out DIR`"
        )
    out: Path = settings.out

    def run() -> dict[str, Any]:
        from pipeline.publish import PublishOptions, publish

        with open_request_store(request) as store:
            report = publish(store, PublishOptions(out_dir=out))
        found: dict[str, Any] = plain(report)
        return found

    return SafeJSON(await _in_thread(run))


def get_docs(request: Request) -> Response:
    return SafeJSON(
        {
            "endpoints": [
                {"method": method, "path": path, "does": does} for method, path, does in ENDPOINTS
            ],
            "auth": "Authorization: Bearer TOKEN; browsers: session cookie from /login plus"
            " X-CSRF-Token on writes",
            "errors": '{"error", "hint"} with the HTTP status; 409 adds "current"',
        }
    )


def get_session(request: Request) -> Response:
    state = request.scope.get("state", {})
    return SafeJSON({"auth": state.get("auth"), "csrf_token": csrf_token(request) or None})


def api_routes() -> list[Route]:
    return [
        Route("/api/session", get_session, methods=["GET"]),
        Route("/api/docs", get_docs, methods=["GET"]),
        Route("/api/articles", get_queue, methods=["GET"]),
        Route("/api/articles/{id}", get_article, methods=["GET"]),
        Route("/api/articles/{id}/units", get_units, methods=["GET"]),
        Route("/api/articles/{id}/checks", get_checks, methods=["GET"]),
        Route("/api/articles/{id}/approve", post_approve, methods=["POST"]),
        Route("/api/versions/{id}/history", get_history, methods=["GET"]),
        Route("/api/versions/{id}", patch_version, methods=["PATCH"]),
        Route("/api/publish", post_publish, methods=["POST"]),
    ]


def error_response(request: Request, exc: Exception) -> Response:
    """{"error", "hint"} with the error's HTTP status; a stale write adds "current"."""
    assert isinstance(exc, PipelineError)
    body: dict[str, Any] = {"error": str(exc), "hint": exc.hint}
    if isinstance(exc, StaleWrite):
        body["current"] = version_json(exc.current)
    return SafeJSON(body, status_code=exc.status)


# -- parsing ---------------------------------------------------------------------------------


async def _json(request: Request, *, allowed: set[str], empty_ok: bool = False) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip() and empty_ok:
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("the body is not JSON", hint="send a JSON object") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    if "out" in body and "out" not in allowed:
        raise BadRequest(
            "the output folder cannot come from a request",
            hint="it is fixed by `pipeline serve --out DIR`",
        )
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise BadRequest(
            f"unknown field {', '.join(unknown)}",
            hint=f"send only {', '.join(sorted(allowed)) or 'an empty object'}",
        )
    return body


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise BadRequest(f"{what} must be a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise BadRequest(f"{what} must be a whole number")


async def _in_thread(func: Any) -> Any:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(func)
