"""What publishing reads from the store: each article's language versions and their review state.

A language version of an article is every segment's current version in that language (the store's
``current_versions``). Its state sums up its segments: ``source`` when all are the text as written,
else ``machine`` when any is unreviewed machine text, else ``edited`` when any human edit awaits
approval, else ``approved``; ``missing`` when some segment has no text in that language. Published
by default: ``source`` and ``approved``; ``include_machine`` adds complete ``machine`` and
``edited`` versions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby

from pipeline.domain import LANGS, Segment, Version, slugify
from pipeline.store import Store, StoredArticle

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

    @property
    def key(self) -> str:
        return f"p{self.segment.para_index}-s{self.segment.sent_index}"


@dataclass(frozen=True, kw_only=True)
class LangVersion:
    lang: str
    state: str  # source | machine | edited | approved | missing
    segments: tuple[SegmentText | None, ...]  # aligned with the article's segments

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
        return any(s.state == "machine" for s in self.present)

    @property
    def unreviewed_models(self) -> tuple[str, ...]:
        found = {s.model_id for s in self.present if s.state == "machine" and s.model_id}
        return tuple(sorted(found))

    @property
    def origin(self) -> str:
        """source (as written), machine (any unedited machine text) or human (edited)."""
        origins = {s.origin for s in self.present}
        if "machine" in origins:
            return "machine"
        return "human" if "human" in origins else "source"

    def counts(self) -> dict[str, int]:
        counts = {state: 0 for state in ("source", "machine", "edited", "approved")}
        for s in self.present:
            counts[s.state] = counts.get(s.state, 0) + 1
        counts["missing"] = len(self.segments) - len(self.present)
        return counts

    def updated(self) -> str | None:
        times = [iso_time(s.created) for s in self.present if s.created]
        return max((t for t in times if t), default=None)

    def title(self, fallback: str) -> str:
        parts = [s.text for s in self.present if s.segment.kind == "title"]
        return " ".join(parts) if parts else fallback

    def paragraphs(self) -> list[tuple[int, str, str]]:
        """(para index, kind, text) of the body (titles left out), sentences joined by spaces."""
        body = [s for s in self.present if s.segment.kind != "title"]
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

    @property
    def slug(self) -> str:
        return safe_slug(self.stored.slug, self.stored.id)

    @property
    def date(self) -> str:
        """The article's date as RFC 3339, falling back to when its revision was stored."""
        return iso_time(self.stored.date) or iso_time(self.stored.created) or "1970-01-01T00:00:00Z"

    def title(self, lang: str) -> str:
        return self.langs[lang].title(self.stored.title)

    def updated(self, lang: str) -> str:
        return max(self.date, self.langs[lang].updated() or self.date)


def language_version(store: Store, stored: StoredArticle, lang: str) -> LangVersion:
    """Every segment's current text in lang.

    In the article's own language the newsroom's text is the edition: a segment written in
    another language (a Russian quote in a Ukrainian story) stays as written, state ``source``,
    unless an editor chose a text for it (a human edit, or a machine version they edited or
    approved). A machine translation nobody chose never replaces what the newsroom wrote.
    """
    current = store.current_versions(stored, lang)
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
            segments.append(_segment_text(segment, version))
        else:
            segments.append(None)
    return LangVersion(lang=lang, state=_state(segments), segments=tuple(segments))


def _chosen(version: Version) -> bool:
    """Whether a version of the article's own language stands: the text as written, an
    editor's text, or machine text an editor approved."""
    return version.origin in ("source", "human") or version.state == "approved"


def article_versions(
    store: Store, stored: StoredArticle, *, include_machine: bool = False
) -> ArticleVersions:
    langs = {lang: language_version(store, stored, lang) for lang in LANGS}
    published = tuple(lang for lang in LANGS if publishable(langs[lang], include_machine))
    return ArticleVersions(stored=stored, langs=langs, published=published)


def publishable(version: LangVersion, include_machine: bool) -> bool:
    if not version.complete or not version.segments:
        return False
    return version.state in PUBLISHED_STATES or include_machine


def collect(store: Store, *, include_machine: bool = False) -> list[ArticleVersions]:
    """Every stored article's versions, newest first by date (then id, for stable output)."""
    found = [
        article_versions(store, store.article(article_id), include_machine=include_machine)
        for article_id in store.article_ids()
    ]
    found.sort(key=lambda a: a.stored.id)
    found.sort(key=lambda a: a.date, reverse=True)
    return found


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
    for state in ("machine", "edited"):
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
    if not value:
        return None
    text = value.strip().replace(" ", "T", 1)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_now() -> datetime:
    return datetime.now(UTC)


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """Text with characters XML 1.0 cannot carry removed and whitespace runs made single spaces."""
    return " ".join(_XML_INVALID.sub("", text).split())
