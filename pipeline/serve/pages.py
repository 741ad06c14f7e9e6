"""HTML pages of the review desk (queue, editor): routes served by the app."""

from __future__ import annotations

from typing import Any


def page_routes() -> list[Any]:
    """Starlette routes for the browser pages (filled by the editor's work)."""
    return []
