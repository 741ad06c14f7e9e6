"""A language version of an article: every segment's current text in one language, and its
review state.

Its state sums up its segments: ``source`` when all are the text as written, else ``stale`` when
a correction of the source left any reviewed sentence out of date, else ``machine`` when any is
unreviewed machine text, else ``edited`` when any human edit awaits approval, else ``approved``;
``missing`` when some segment has no text in that language. Shared by publishing, the CLI's
review commands and the web desk (`pipeline.review.actions`, `pipeline.review.queue`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from itertools import groupby

from pipeline.domain import Segment, Version
from pipeline.review.state import reader_versions, stale_versions
from pipeline.store import Store, StoredArticle
from pipeline.verbatim import TABLE_KINDS, place_cells


@dataclass(frozen=True, kw_only=True)
class SegmentText:
    """One segment's current text in one language."""

    segment: Segment
    text: str
    state: str
    origin: str
    model_id: str | None = None
    created: str | None = None
    version_id: int | None = None  # None for the text as written, shown where no version exists
    previous: str | None = None  # stale: the reviewed text for the source before its correction

    @property
    def key(self) -> str:
        return self.segment.key


@dataclass(frozen=True, kw_only=True)
class LangVersion:
    lang: str
    state: str  # source | machine | stale | edited | approved | missing
    segments: tuple[SegmentText | None, ...]  # aligned with the article's segments
    revision: int | None = None  # set when this is an earlier revision, still served

    @property
    def complete(self) -> bool:
        return all(s is not None for s in self.segments)

    @property
    def present(self) -> list[SegmentText]:
        return [s for s in self.segments if s is not None]

    @property
    def models(self) -> tuple[str, ...]:
        found = {s.model_id for s in self.present if s.origin == "machine" and s.model_id}
        return tuple(sorted(found))

    @property
    def machine_translated(self) -> bool:
        """Whether any text is machine output nobody has approved (readers are told so)."""
        return any(_unreviewed(s) for s in self.present)

    @property
    def unreviewed_models(self) -> tuple[str, ...]:
        found = {s.model_id for s in self.present if _unreviewed(s) and s.model_id}
        return tuple(sorted(found))

    @property
    def origin(self) -> str:
        """source (as written), machine (any unedited machine text) or human (edited)."""
        origins = {s.origin for s in self.present}
        if "machine" in origins:
            return "machine"
        return "human" if "human" in origins else "source"

    def counts(self) -> dict[str, int]:
        counts = {state: 0 for state in ("source", "machine", "stale", "edited", "approved")}
        for s in self.present:
            counts[s.state] = counts.get(s.state, 0) + 1
        counts["missing"] = len(self.segments) - len(self.present)
        return counts

    def updated(self) -> str | None:
        times = [iso_time(s.created) for s in self.present if s.created]
        return max((t for t in times if t), default=None)

    def title(self, fallback: str) -> str:
        parts = [s.text for s in self.present if s.segment.kind == "title" and s.text]
        return " ".join(parts) if parts else fallback

    def paragraph_sentences(self) -> list[tuple[int, str, tuple[str, ...]]]:
        """(para index, kind, sentence texts) of the body; a table row's are its cells, one a
        column, "" for an empty one. Empty prose text (a sentence an edition merged into the one
        before: `pipeline.alignjob`) is left out, and a paragraph left with none."""
        body = [s for s in self.present if s.segment.kind != "title" and _shown(s)]
        found = []
        for index, group in groupby(body, key=lambda s: s.segment.para_index):
            items = list(group)
            kind = items[0].segment.kind
            if kind in TABLE_KINDS:
                texts = place_cells((s.segment.sent_index, s.text) for s in items)
            else:
                texts = tuple(s.text for s in items)
            found.append((index, kind, texts))
        return found

    def paragraphs(self) -> list[tuple[int, str, str]]:
        """(para index, kind, text) of the body (titles left out), sentences joined by spaces;
        empty prose text left out as in paragraph_sentences."""
        body = [s for s in self.present if s.segment.kind != "title" and _shown(s)]
        return [
            (index, group[0].segment.kind, " ".join(s.text for s in group))
            for index, group in (
                (i, list(g)) for i, g in groupby(body, key=lambda s: s.segment.para_index)
            )
        ]


def language_version(
    store: Store,
    stored: StoredArticle,
    lang: str,
    *,
    versions: Sequence[Version] | None = None,
) -> LangVersion:
    """Every segment's current text in lang. versions: the article's versions already read
    (`Store.article_versions`), to read them once for every language; None reads them here.

    In the article's own language the newsroom's text is the edition: a segment written in
    another language (a Russian quote in a Ukrainian story) stays as written, state ``source``,
    unless an editor chose a text for it (a human edit, or a machine version they edited or
    approved). A machine translation nobody chose never replaces what the newsroom wrote.
    """
    if versions is None:
        current = store.current_versions(stored, lang)
        stale = store.versions.stale(stored, lang)
    else:
        mine = [v for v in versions if v.lang == lang]
        current, stale = reader_versions(mine), stale_versions(mine)
    segments: list[SegmentText | None] = []
    for segment in stored.segments:
        version = current.get(segment.id) if segment.id is not None else None
        if lang == stored.lang and (version is None or not _chosen(version)):
            segments.append(
                SegmentText(
                    segment=segment,
                    text=segment.text,
                    state="source",
                    origin="source",
                    created=stored.created,
                )
            )
        elif version is not None:
            item = _segment_text(segment, version)
            if segment.id in stale:
                item = replace(item, state="stale", previous=stale[segment.id].text)
            segments.append(item)
        else:
            segments.append(None)
    return LangVersion(lang=lang, state=_state(segments), segments=tuple(segments))


def _chosen(version: Version) -> bool:
    """Whether a version of the article's own language stands: the text as written, an
    editor's text, or machine text an editor approved."""
    return version.origin in ("source", "human") or version.state == "approved"


def _shown(item: SegmentText) -> bool:
    return bool(item.text) or item.segment.kind in TABLE_KINDS


def _unreviewed(item: SegmentText) -> bool:
    return item.state == "machine" or (item.state == "stale" and item.origin == "machine")


def _segment_text(segment: Segment, version: Version) -> SegmentText:
    return SegmentText(
        segment=segment,
        text=version.text,
        state=version.state,
        origin=version.origin,
        # Never the model's folder path: that is private (public_model_name)
        model_id=version.signature.public_model if version.signature else None,
        created=version.created,
        version_id=version.id,
    )


def _state(segments: list[SegmentText | None]) -> str:
    if any(s is None for s in segments):
        return "missing"
    states = {s.state for s in segments if s is not None}
    if states <= {"source"}:
        return "source"
    for state in ("stale", "machine", "edited"):
        if state in states:
            return state
    return "approved"


def iso_time(value: str | None) -> str | None:
    """A date or timestamp as RFC 3339 UTC ('...Z'); None when it cannot be read."""
    moment = moment_of(value)
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def moment_of(value: str | None) -> datetime | None:
    if not value:
        return None
    text = value.strip().replace(" ", "T", 1)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
