"""What an editor does to an article: approve, take approval back, edit one sentence, read its
history. The CLI (`pipeline review`, `pipeline edit`) and the web desk (`pipeline serve`) both
call these; neither writes versions itself.

Edits never overwrite: each becomes a new human version of the same segment, so the alignment
holds and the machine text stays for comparison. A web edit names the version its writer read
(``revision``); when that is no longer the version readers see in its segment and language,
`StaleWrite` says so and nothing is stored (optimistic concurrency: no lost writes, no locks held
while a person types).
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.domain import LANGS, Conflict, NotFound, PipelineError, StaleWrite, Version
from pipeline.review.language import LangVersion, SegmentText, language_version
from pipeline.store import Store, StoredArticle
from pipeline.store.common import HistoryEntry

# States an editor's approval moves a version out of; `stale` is the shown state of a reviewed
# sentence whose source has been corrected since.
APPROVABLE: tuple[str, ...] = ("machine", "edited", "stale")
# What taking approval back returns a version to, by origin.
UNAPPROVED = {"machine": "machine", "human": "edited"}

__all__ = [
    "APPROVABLE",
    "NotEditable",
    "ReviewError",
    "StaleWrite",
    "approve",
    "complete_version",
    "edit",
    "history",
    "set_state",
    "unapprove",
]


class ReviewError(PipelineError):
    pass


class NotEditable(Conflict):
    """The version cannot take this edit (the text as written, an older revision's text)."""


class UnknownSegment(NotFound):
    pass


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ReviewError(f"{lang!r}: not a language; choose from {', '.join(LANGS)}")
    return lang


def complete_version(
    store: Store, ref: str, lang: str, action: str
) -> tuple[StoredArticle, LangVersion]:
    """The article and its language version in lang. Raises ReviewError when some segment has
    no text in lang (nothing to approve or edit there yet), ArticleNotFound for a bad ref."""
    stored = store.article(ref)
    version = language_version(store, stored, check_lang(lang))
    missing = version.counts()["missing"]
    if missing:
        raise ReviewError(
            f"{stored.slug}: {missing} of {len(stored.segments)} segments have no {lang} text;"
            f" run `pipeline translate` first, then {action}"
        )
    return stored, version


def approve(
    store: Store,
    ref: str,
    lang: str,
    *,
    keys: Sequence[str] | None = None,
    para: int | None = None,
) -> int:
    """Approve the current version of segments in lang; returns how many changed state.

    Without keys or para: every segment (the whole language version, which must be complete).
    keys: segment keys ("p3-s1", counted from 1); para: a paragraph as people count it (1 is the
    title). Both may be given (their union). Raises ReviewError (incomplete version, a para or
    key the article lacks) and ArticleNotFound."""
    if keys is None and para is None:
        _, version = complete_version(store, ref, lang, "approve")
        chosen = version.present
    else:
        stored = store.article(ref)
        version = language_version(store, stored, check_lang(lang))
        chosen = _select(stored, version, keys or (), para)
    ids = [s.version_id for s in chosen if s.version_id is not None and s.state in APPROVABLE]
    store.set_state(ids, "approved")
    return len(ids)


def _select(
    stored: StoredArticle, version: LangVersion, keys: Sequence[str], para: int | None
) -> list[SegmentText]:
    known = {s.key for s in stored.segments}
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise UnknownSegment(
            f"{stored.slug}: no segment {', '.join(unknown[:5])}",
            hint="segment keys look like p3-s1 (paragraph and sentence counted from 1)",
        )
    paras = {s.para_number for s in stored.segments}
    if para is not None and para not in paras:
        raise UnknownSegment(f"{stored.slug}: no paragraph {para} (it has 1 to {max(paras)})")
    wanted = set(keys)
    return [
        item
        for item in version.present
        if item.key in wanted or (para is not None and item.segment.para_number == para)
    ]


def unapprove(store: Store, ref: str, lang: str) -> int:
    """Take approval back: approved machine text returns to machine, approved edits to edited.
    Returns how many segments changed state."""
    stored = store.article(ref)
    version = language_version(store, stored, check_lang(lang))
    changed = 0
    for origin, state in UNAPPROVED.items():
        ids = [
            s.version_id
            for s in version.present
            if s.state == "approved" and s.origin == origin and s.version_id is not None
        ]
        store.set_state(ids, state)
        changed += len(ids)
    return changed


def edit(
    store: Store,
    version_id: int,
    text: str,
    *,
    revision: int,
    author: str | None = None,
    approve: bool = False,
) -> Version:
    """A new human version of version_id's segment and language with text (whitespace runs made
    single spaces), state ``edited`` (``approved`` with approve).

    revision: the id of the version the writer read in that segment and language. Raises
    StaleWrite (HTTP 409) carrying the version seen now when it is no longer that one;
    NotEditable for the text as written or a version of an older revision; ReviewError for an
    empty text; VersionNotFound for unknown ids. The same text as the version read stores
    nothing (an approve still applies) and returns the version read."""
    clean = " ".join(text.split())
    if not clean:
        raise ReviewError("an empty sentence; every segment needs text", hint="type the sentence")
    target = _editable(store, version_id, revision)
    if clean == " ".join(target.text.split()) and target.id == revision:
        if approve and target.state != "approved":
            return set_state(store, version_id, "approved", revision=revision)
        seen = store.versions.get(revision)
        return _still_seen(store, seen)
    return store.versions.add_edit(
        target.segment_id,
        target.lang,
        clean,
        based_on=revision,
        author=author,
        state="approved" if approve else "edited",
    )


def set_state(store: Store, version_id: int, state: str, *, revision: int) -> Version:
    """Approve one version (state ``approved``) or take its approval back (``machine`` for
    machine text, ``edited`` for a person's). revision as in `edit`: StaleWrite when the
    version is no longer the one readers see. Raises ReviewError for any other state."""
    target = _editable(store, version_id, revision)
    allowed = ("approved", UNAPPROVED.get(target.origin, ""))
    if state not in allowed:
        raise ReviewError(
            f"version {version_id} ({target.origin}) cannot go to state {state!r}",
            hint=f"use one of {', '.join(allowed)}",
        )
    return store.versions.set_state_if_seen(version_id, state, based_on=revision)


def history(store: Store, version_id: int) -> list[HistoryEntry]:
    """Every version of version_id's segment in its language, oldest first (stale history
    included), with who wrote each and what they had read. Raises VersionNotFound."""
    version = store.versions.get(version_id)
    return store.versions.history(version.segment_id, version.lang)


def _editable(store: Store, version_id: int, revision: int) -> Version:
    target = store.versions.get(version_id)
    if target.origin == "source":
        raise NotEditable(
            f"version {version_id} is the text as written",
            hint="correct the source with `pipeline edit ARTICLE --lang LANG` (a new revision)",
        )
    if revision != version_id:
        read = store.versions.get(revision)
        if (read.segment_id, read.lang) != (target.segment_id, target.lang):
            raise ReviewError(
                f"version {revision} is not of the same sentence and language as {version_id}",
                hint="send the id of the version you read as revision",
            )
    article_id, number = store.versions.segment_of(target.segment_id)
    latest = store.article(article_id).revision
    if number != latest:
        raise NotEditable(
            f"version {version_id} belongs to revision {number}; the article is at {latest}",
            hint="reload the article and edit its newest revision",
        )
    return target


def _still_seen(store: Store, read: Version) -> Version:
    seen = store.versions.current_of(read.segment_id, read.lang)
    if seen is None or seen.id != read.id:
        raise StaleWrite(seen)
    return read
