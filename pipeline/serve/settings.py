"""What `pipeline serve` runs with: built once by the CLI (or a test), read by every request."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

TOKEN_ENV = "PIPELINE_TOKEN"
# 1 MiB: a whole article's edits fit many times over; anything larger is not an edit.
MAX_BODY = 1 << 20
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def new_token() -> str:
    """A login token: 32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True, kw_only=True)
class ServeSettings:
    """db: the store; token: what logs a browser in and what API clients send as Bearer;
    host/port: where the server listens (its Host header must name one of ``allowed_hosts``);
    out: the only folder `POST /api/publish` writes (None: publishing from the web is off);
    author: who web edits are stored as; max_body: the largest request body, in bytes."""

    db: Path
    token: str = field(default_factory=new_token, repr=False)
    host: str = "127.0.0.1"
    port: int = 8000
    out: Path | None = None
    author: str = "web"
    max_body: int = MAX_BODY
    extra_hosts: tuple[str, ...] = ()  # more names the Host header may carry (--allow-host)

    @property
    def allowed_hosts(self) -> frozenset[str]:
        """Host names (without port) a request may be addressed to: the bound host, the
        loopback names when bound to loopback, and extra_hosts. Anything else is refused, so a
        page on another site cannot reach the desk by rebinding its DNS name to 127.0.0.1."""
        names = {self.host.lower(), *(h.lower() for h in self.extra_hosts)}
        if self.host in LOOPBACK:
            names.update(LOOPBACK)
        return frozenset(names)
