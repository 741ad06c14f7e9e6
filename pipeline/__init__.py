"""Trilingual newsroom translation pipeline: ingest, detect, segment, translate, store.

The public Python API (the calls the CLI and the web app share) is at the package root:
``translate_text``, ``translate_folder``, ``align_folder``, ``evaluate_editions``,
``articles``, ``review_queue``, ``review_states``, ``approve``, ``unapprove``, ``edit``,
``edit_version``, ``publish_folder``, ``export_xliff``, ``import_xliff``
(pipeline.api), ``assess`` (pipeline.review.risk), the ``Store`` and the errors. Names load on
first use: ``import pipeline`` imports no model library. A root name never equals a
subpackage's (``publish``, ``review``, ``align``): importing the subpackage would replace it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name → the module that defines it, imported when the name is first read
_LAZY: dict[str, str] = {
    "TextTranslation": "pipeline.api",
    "align_folder": "pipeline.api",
    "edit_version": "pipeline.api",
    "evaluate_editions": "pipeline.api",
    "review_queue": "pipeline.api",
    "approve": "pipeline.api",
    "articles": "pipeline.api",
    "edit": "pipeline.api",
    "export_xliff": "pipeline.api",
    "import_xliff": "pipeline.api",
    "publish_folder": "pipeline.api",
    "review_states": "pipeline.api",
    "translate_folder": "pipeline.api",
    "translate_text": "pipeline.api",
    "unapprove": "pipeline.api",
    "Store": "pipeline.store",
    "PipelineError": "pipeline.domain",
    "NotFound": "pipeline.domain",
    "Conflict": "pipeline.domain",
    "Unavailable": "pipeline.domain",
    "Risk": "pipeline.review.risk",
    "assess": "pipeline.review.risk",
}

# Literal, for linters and type checkers; tests/test_python_api.py checks it against _LAZY.
__all__ = [
    "Conflict",
    "NotFound",
    "PipelineError",
    "Risk",
    "Store",
    "TextTranslation",
    "Unavailable",
    "__version__",
    "align_folder",
    "edit_version",
    "evaluate_editions",
    "review_queue",
    "approve",
    "articles",
    "assess",
    "edit",
    "export_xliff",
    "import_xliff",
    "publish_folder",
    "review_states",
    "translate_folder",
    "translate_text",
    "unapprove",
]

if TYPE_CHECKING:
    from pipeline.api import (
        TextTranslation,
        align_folder,
        approve,
        articles,
        edit,
        edit_version,
        evaluate_editions,
        export_xliff,
        import_xliff,
        publish_folder,
        review_queue,
        review_states,
        translate_folder,
        translate_text,
        unapprove,
    )
    from pipeline.domain import Conflict, NotFound, PipelineError, Unavailable
    from pipeline.review.risk import Risk, assess
    from pipeline.store import Store


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next read skips this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
