"""The review queue: which articles need a person, worst first.

Order: review state (stale, then machine, edited, missing, approved, source: the first needs a
person most), then risk (highest first), then publication date (newest first).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from pipeline.domain import LANGS, Version
from pipeline.review.actions import ReviewError, check_lang
from pipeline.review.language import language_version
from pipeline.review.risk import Risk, assess
from pipeline.review.state import reader_versions
from pipeline.store import Store

STATE_ORDER: tuple[str, ...] = ("stale", "machine", "edited", "missing", "approved", "source")


@dataclass(frozen=True)
class QueueItem:
    """One article in the queue. states: language → state of its newest revision; state: the
    worst of the languages asked about; risk: the worst unreviewed machine text's, from the
    flags stored with it (the article page runs every check)."""

    id: str
    slug: str
    title: str
    lang: str
    date: str | None
    revision: int
    states: dict[str, str]
    state: str
    stale: bool
    risk: float
    reasons: tuple[str, ...] = ()


def queue(
    store: Store,
    *,
    lang: str | None = None,
    state: str | None = None,
    stale: bool | None = None,
) -> list[QueueItem]:
    """Stored articles (not human editions, as `pipeline review`) in review order (module doc).

    lang: judge only that language's version; state: keep articles with that state in a language
    judged; stale: keep only articles with (True) or without (False) a stale language. Raises
    ReviewError for an unknown language or state."""
    langs = (check_lang(lang),) if lang else LANGS
    if state is not None and state not in STATE_ORDER:
        raise ReviewError(
            f"{state!r}: not a review state", hint=f"choose from {', '.join(STATE_ORDER)}"
        )
    items = []
    marks = store.versions.fingerprints()
    for article_id in store.article_ids():
        item = _item(store, article_id, langs, marks.get(article_id))
        judged = list(item.states.values())
        if state is not None and state not in judged:
            continue
        if stale is not None and stale != item.stale:
            continue
        items.append(item)
    items.sort(key=lambda item: item.date or "", reverse=True)
    items.sort(key=lambda item: (STATE_ORDER.index(item.state), -item.risk))
    return items


# (database, article id, languages) → (fingerprint, item): an article's item is built again
# only when its fingerprint changed (a new revision, version or state); the queue of a few
# hundred articles then costs one aggregate query instead of reading every version.
_CACHE: dict[tuple[str, str, tuple[str, ...]], tuple[tuple[object, ...], QueueItem]] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_LIMIT = 20000


def _item(
    store: Store, article_id: str, langs: tuple[str, ...], mark: tuple[object, ...] | None
) -> QueueItem:
    key = (str(store.path.resolve()), article_id, langs)
    with _CACHE_LOCK:
        held = _CACHE.get(key)
    if held is not None and mark is not None and held[0] == mark:
        return held[1]
    stored = store.article(article_id)
    versions = store.article_versions(stored)
    states = {
        code: language_version(store, stored, code, versions=versions).state for code in langs
    }
    judged = list(states.values())
    risk = _risk(versions, langs)
    item = QueueItem(
        id=stored.id,
        slug=stored.slug,
        title=stored.title,
        lang=stored.lang,
        date=stored.date,
        revision=stored.revision,
        states=states,
        state=min(judged, key=STATE_ORDER.index),
        stale="stale" in judged,
        risk=risk.value,
        reasons=risk.reasons,
    )
    if mark is not None:
        with _CACHE_LOCK:
            if len(_CACHE) >= _CACHE_LIMIT:
                _CACHE.clear()
            _CACHE[key] = (mark, item)
    return item


def _risk(versions: list[Version], langs: tuple[str, ...]) -> Risk:
    """The worst risk among the unreviewed machine versions readers see in langs."""
    worst = Risk(0.0)
    for code in langs:
        for version in reader_versions(v for v in versions if v.lang == code).values():
            if version.origin != "machine" or version.state != "machine":
                continue
            risk = assess(getattr(version, "score", None), version.flags)
            if risk.value > worst.value:
                worst = risk
    return worst
