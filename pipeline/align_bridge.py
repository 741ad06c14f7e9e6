"""The project's own MT as the edition aligner's bridge (pipeline.align.editions.Bridge).

With models present, the aligner translates one edition's sentences and compares them with the
other's by chrF, beside its model-free similarity (pipeline.align.threeway). This module builds
that bridge from the routing table; it lives beside the jobs because `pipeline.align` must not
import the translation engine.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from pipeline.align.editions import Bridge
from pipeline.domain import LANGS

BRIDGE_MODES = ("auto", "on", "off")


@contextmanager
def engine_bridge(
    mode: str, *, models_file: Path | None = None, profile: str | None = None
) -> Iterator[Bridge | None]:
    """A bridge over the engine of ``profile`` (the routing table ``models_file`` overlays),
    loaded once for the whole run; memory is not used, nothing is stored.

    ``mode``: "off" yields None; "auto" yields None when a route's model between uk, ru and en
    is not available here (no download is tried beyond what the hub settings allow); "on"
    raises ModelUnavailableError (Unavailable) then. Raises RoutingError for an unknown
    profile."""
    if mode == "off":
        yield None
        return
    from pipeline.modelstore import ModelUnavailableError, check_available
    from pipeline.routing import load_table
    from pipeline.translate import EngineOptions, build_engine

    table = load_table(models_file)
    name = table.profile_name(profile)
    routes = [
        route
        for source in LANGS
        for target in LANGS
        if source != target
        for route in table.plan(source, target, name)
    ]
    try:
        check_available(routes)
    except ModelUnavailableError:
        if mode == "on":
            raise
        yield None
        return
    with build_engine(table, EngineOptions(profile=name, use_memory=False)) as engine:

        def bridge(texts: Sequence[str], source: str, target: str) -> list[str]:
            return [result.text for result in engine.translate(texts, source, target)]

        yield bridge
