"""What publishing reads from the store: each article's language versions and their review state.

A language version of an article is every segment's current version in that language (the store's
``current_versions``). Its state sums up its segments: ``source`` when all are the text as written,
else ``stale`` when a correction of the source left any reviewed sentence out of date, else
``machine`` when any is unreviewed machine text, else ``edited`` when any human edit awaits
approval, else ``approved``; ``missing`` when some segment has no text in that language. Published
by default: ``source`` and ``approved``; ``include_machine`` adds complete ``machine`` and
``edited`` versions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import groupby

from pipeline.domain import LANGS, PipelineError, Segment, Version, slugify
from pipeline.store import Store, StoredArticle
from pipeline.verbatim import TABLE_KINDS, place_cells

PUBLISHED_STATES = ("source", "approved")
Clock = Callable[[], datetime]


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


@dataclass(frozen=True, kw_only=True)
class ArticleVersions:
    stored: StoredArticle
    langs: dict[str, LangVersion]
    published: tuple[str, ...]
    # language → the current revision's version, where an earlier approved one is served instead
    held: dict[str, LangVersion] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return safe_slug(self.stored.slug, self.stored.id)

    @property
    def date(self) -> str | None:
        """The publication date as RFC 3339 with the offset the source gave (a date alone is
        midnight UTC; a time without a zone is taken as UTC); None when the source gave no
        date. Never the time it was ingested: a story without a date has none."""
        return rfc3339(self.stored.date)

    @property
    def day(self) -> str | None:
        """The publication day as the source wrote it (YYYY-MM-DD in its own zone)."""
        return self.stored.date[:10] if self.date and self.stored.date else None

    def title(self, lang: str) -> str:
        return self.langs[lang].title(self.stored.title)

    def current(self, lang: str) -> LangVersion:
        """The newest revision's version in lang, even where an earlier one is served."""
        return self.held.get(lang, self.langs[lang])

    def aligned(self, lang: str, index: int) -> SegmentText | None:
        """The served text in lang of the newest revision's segment at index; None where lang
        is served from an earlier revision (its sentences are not these)."""
        version = self.langs[lang]
        return None if version.revision is not None else version.segments[index]

    def updated(self, lang: str) -> str:
        """When this language version last changed (RFC 3339 UTC): its newest text, and no
        earlier than its publication date."""
        base = iso_time(self.stored.date) or iso_time(self.stored.created) or _EPOCH
        return max(base, self.langs[lang].updated() or base)


def language_version(store: Store, stored: StoredArticle, lang: str) -> LangVersion:
    """Every segment's current text in lang.

    In the article's own language the newsroom's text is the edition: a segment written in
    another language (a Russian quote in a Ukrainian story) stays as written, state ``source``,
    unless an editor chose a text for it (a human edit, or a machine version they edited or
    approved). A machine translation nobody chose never replaces what the newsroom wrote.
    """
    current = store.current_versions(stored, lang)
    stale = store.versions.stale(stored, lang)
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


def article_versions(
    store: Store,
    stored: StoredArticle,
    *,
    include_machine: bool = False,
    keep_approved: bool = True,
) -> ArticleVersions:
    """An article's language versions at its newest revision. With keep_approved, a language
    whose newest revision is not publishable (a correction awaits review) is served from the
    newest earlier revision where it was approved; `held` keeps the version awaiting review."""
    langs = {lang: language_version(store, stored, lang) for lang in LANGS}
    held: dict[str, LangVersion] = {}
    if keep_approved and stored.revision > 1:
        for lang in LANGS:
            if not publishable(langs[lang], include_machine):
                earlier = _last_approved(store, stored, lang)
                if earlier is not None:
                    held[lang] = langs[lang]
                    langs[lang] = earlier
    published = tuple(lang for lang in LANGS if publishable(langs[lang], include_machine))
    return ArticleVersions(stored=stored, langs=langs, published=published, held=held)


def _last_approved(store: Store, stored: StoredArticle, lang: str) -> LangVersion | None:
    for number in range(stored.revision - 1, 0, -1):
        try:
            earlier = store.article(stored.id, revision=number)
        except PipelineError:
            continue
        version = language_version(store, earlier, lang)
        if version.state == "approved" and publishable(version, include_machine=False):
            return replace(version, revision=number)
    return None


def publishable(version: LangVersion, include_machine: bool) -> bool:
    if not version.complete or not version.segments:
        return False
    return version.state in PUBLISHED_STATES or include_machine


def collect(
    store: Store, *, include_machine: bool = False, keep_approved: bool = True
) -> list[ArticleVersions]:
    """Every stored article's versions, newest first by date (then id, for stable output)."""
    found = [
        article_versions(
            store,
            store.article(article_id),
            include_machine=include_machine,
            keep_approved=keep_approved,
        )
        for article_id in store.article_ids()
    ]
    found.sort(key=lambda a: a.stored.id)
    # Newest first by the instant of publication; stories without a date come last.
    found.sort(key=lambda a: iso_time(a.stored.date) or "", reverse=True)
    return found


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


_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,119}")


def safe_slug(slug: str, article_id: str) -> str:
    """The stored slug when it is a plain file name, else one made afresh from it."""
    if _SLUG.fullmatch(slug):
        return slug
    fresh = slugify(slug, re.sub(r"[^a-z0-9]", "", article_id.lower()) or "article")
    return fresh if _SLUG.fullmatch(fresh) else "article"


def iso_time(value: str | None) -> str | None:
    """A date or timestamp as RFC 3339 UTC ('...Z'); None when it cannot be read."""
    moment = _moment(value)
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_EPOCH = "1970-01-01T00:00:00Z"


def rfc3339(value: str | None) -> str | None:
    """A stored ISO 8601 date as RFC 3339, keeping its offset ('+02:00', or 'Z' for UTC);
    None when it cannot be read."""
    moment = _moment(value)
    if moment is None:
        return None
    text = moment.strftime("%Y-%m-%dT%H:%M:%S%z")
    if text.endswith("+0000"):
        return text[:-5] + "Z"
    return f"{text[:-2]}:{text[-2:]}"


def _moment(value: str | None) -> datetime | None:
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


def utc_now() -> datetime:
    return datetime.now(UTC)


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str, *, verbatim: bool = False) -> str:
    """Text with characters XML 1.0 cannot carry removed and whitespace runs made single spaces;
    ``verbatim`` text (code) keeps its lines and spaces."""
    kept = _XML_INVALID.sub("", text)
    return kept if verbatim else " ".join(kept.split())
