"""Who may use the desk and how: login token, session cookie, CSRF token, Host check, body
limit and the security headers every response carries. One ASGI middleware, ahead of routing.

- API clients send ``Authorization: Bearer TOKEN``: no cookie, so no CSRF token needed.
- Browsers log in once with the token (``GET /login?token=...`` or the form there) and get an
  HttpOnly, SameSite=Strict session cookie; their writes (POST, PATCH, PUT, DELETE) must carry
  ``X-CSRF-Token``, the session's token, which pages put in a ``<meta>`` (`csrf_token`).
- The Host header must name the bound host (DNS rebinding); bodies over the limit get 413.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from html import escape
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from pipeline.serve.settings import ServeSettings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COOKIE = "pipeline_session"
CSRF_HEADER = "x-csrf-token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PUBLIC = ("/login", "/static/")  # reachable before logging in
# No inline script or style anywhere: the pages load their own files from this origin.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
)


class Sessions:
    """Browser sessions in memory: session id → CSRF token. A restart logs everyone out. Keeps
    the newest ``limit`` sessions (a login loop cannot grow it without bound)."""

    def __init__(self, limit: int = 1000) -> None:
        self._tokens: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()
        self.limit = limit

    def new(self) -> tuple[str, str]:
        """(session id, CSRF token) of a new session."""
        session, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[session] = csrf
            while len(self._tokens) > self.limit:
                self._tokens.popitem(last=False)
        return session, csrf

    def csrf(self, session: str) -> str | None:
        with self._lock:
            return self._tokens.get(session)

    def end(self, session: str) -> None:
        with self._lock:
            self._tokens.pop(session, None)


def csrf_token(request: Request) -> str:
    """The CSRF token of the request's browser session, for a page's
    ``<meta name="csrf-token">``; "" for an API client (Bearer needs none)."""
    return str(request.scope.get("state", {}).get("csrf", ""))


def same_token(given: str | None, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(str(given).encode(), expected.encode())


class SecurityMiddleware:
    """Host check, body limit, authentication and CSRF, and the security headers (module doc)."""

    def __init__(self, app: ASGIApp, *, settings: ServeSettings, sessions: Sessions) -> None:
        self.app = app
        self.settings = settings
        self.sessions = sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in HEADERS if n not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self._check_host(headers.get("host", ""))
        if refusal is None:
            refusal, receive = await self._check_body(scope, headers, receive)
        if refusal is None:
            refusal = self._check_auth(scope, headers)
        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)

    def _check_host(self, host: str) -> Response | None:
        name, port = _split_host(host)
        if name in self.settings.allowed_hosts and port in (None, self.settings.port):
            return None
        return _error(
            400,
            f"requests must be addressed to {self.settings.host}:{self.settings.port}",
            "open the address `pipeline serve` printed; other host names are refused",
        )

    async def _check_body(
        self, scope: Scope, headers: dict[str, str], receive: Receive
    ) -> tuple[Response | None, Receive]:
        limit = self.settings.max_body
        declared = headers.get("content-length", "")
        too_large = _error(
            413, f"request body over {limit} bytes", "send one edit or approval at a time"
        )
        if declared.isdigit() and int(declared) > limit:
            return too_large, receive
        if scope["method"] not in UNSAFE:
            return None, receive
        # Read the whole body now (it is small) so a body without Content-Length is capped too.
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return None, receive  # the client went away; let the app see it
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return too_large, receive
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return None, replay

    def _check_auth(self, scope: Scope, headers: dict[str, str]) -> Response | None:
        path: str = scope["path"]
        state = scope.setdefault("state", {})
        authorization = headers.get("authorization", "")
        if authorization[:7].lower() == "bearer ":
            if same_token(authorization[7:].strip(), self.settings.token):
                state["auth"] = "bearer"
                return None
            return _error(401, "wrong token", "send the token `pipeline serve` printed")
        session = _cookie(headers.get("cookie", ""), COOKIE)
        csrf = self.sessions.csrf(session) if session else None
        if csrf is not None:
            state["auth"], state["csrf"], state["session"] = "session", csrf, session
            if scope["method"] in UNSAFE and not same_token(headers.get(CSRF_HEADER), csrf):
                return _error(
                    403,
                    "missing or wrong CSRF token",
                    "send the page's csrf-token meta value as the X-CSRF-Token header",
                )
            return None
        if path.startswith(PUBLIC) or path == "/login":
            return None
        if path.startswith("/api/") or scope["method"] != "GET":
            return _error(
                401,
                "not logged in",
                "send Authorization: Bearer TOKEN, or open the login link `pipeline serve` printed",
            )
        return RedirectResponse(f"/login?next={_safe_next(path)}", status_code=303)


def _error(status: int, message: str, hint: str | None) -> Response:
    body = json.dumps({"error": message, "hint": hint}, ensure_ascii=False)
    return Response(body, status_code=status, media_type="application/json")


def _split_host(host: str) -> tuple[str, int | None]:
    host = host.strip().lower()
    if host.startswith("["):  # [::1]:8000
        name, _, rest = host.partition("]")
        port = rest[1:] if rest.startswith(":") else ""
        return name + "]", int(port) if port.isdigit() else None
    name, _, port = host.partition(":")
    if port and not port.isdigit():
        return "", None
    return name, int(port) if port else None


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None


def _safe_next(target: str | None) -> str:
    """A path on this site to go to after logging in; "/" for anything else (an open
    redirect would send a fresh session to another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


# -- logging in ------------------------------------------------------------------------------

_FORM = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Log in: pipeline review desk</title></head>
<body><main><h1>Review desk</h1><p>{message}</p>
<form method="post" action="/login"><input type="hidden" name="next" value="{next}">
<label>Token <input name="token" type="password" autocomplete="off" required></label>
<button type="submit">Log in</button></form></main></body></html>
"""


def login_routes(settings: ServeSettings, sessions: Sessions) -> list[Route]:
    """GET /login (?token=...&next=/path) and POST /login (form: token, next); POST /logout."""

    def start_session(target: str) -> Response:
        session, _ = sessions.new()
        response = RedirectResponse(_safe_next(target), status_code=303)
        response.set_cookie(COOKIE, session, httponly=True, samesite="strict", path="/")
        return response

    def form(message: str, target: str, status: int = 200) -> Response:
        page = _FORM.format(message=escape(message), next=escape(_safe_next(target)))
        return HTMLResponse(page, status_code=status)

    def login_get(request: Request) -> Response:
        token = request.query_params.get("token")
        target = request.query_params.get("next", "/")
        if token is None:
            return form("Paste the token `pipeline serve` printed.", target)
        if not same_token(token, settings.token):
            return form("Wrong token.", target, status=403)
        return start_session(target)

    async def login_post(request: Request) -> Response:
        fields = parse_qs((await request.body()).decode("utf-8", "replace"))
        token = (fields.get("token") or [""])[0]
        target = (fields.get("next") or ["/"])[0]
        if not same_token(token, settings.token):
            return form("Wrong token.", target, status=403)
        return start_session(target)

    def logout(request: Request) -> Response:
        session = request.scope.get("state", {}).get("session")
        if session:
            sessions.end(session)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    return [
        Route("/login", login_get, methods=["GET"]),
        Route("/login", login_post, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
    ]
