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

from pipeline.domain import LANGS, PipelineError, slugify
from pipeline.review.language import (
    LangVersion,
    SegmentText,
    iso_time,
    language_version,
    moment_of,
)
from pipeline.store import Store, StoredArticle

__all__ = ["LangVersion", "SegmentText", "iso_time", "language_version"]  # moved to review

PUBLISHED_STATES = ("source", "approved")
Clock = Callable[[], datetime]


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


_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,119}")


def safe_slug(slug: str, article_id: str) -> str:
    """The stored slug when it is a plain file name, else one made afresh from it."""
    if _SLUG.fullmatch(slug):
        return slug
    fresh = slugify(slug, re.sub(r"[^a-z0-9]", "", article_id.lower()) or "article")
    return fresh if _SLUG.fullmatch(fresh) else "article"


_EPOCH = "1970-01-01T00:00:00Z"


def rfc3339(value: str | None) -> str | None:
    """A stored ISO 8601 date as RFC 3339, keeping its offset ('+02:00', or 'Z' for UTC);
    None when it cannot be read."""
    moment = moment_of(value)
    if moment is None:
        return None
    text = moment.strftime("%Y-%m-%dT%H:%M:%S%z")
    if text.endswith("+0000"):
        return text[:-5] + "Z"
    return f"{text[:-2]}:{text[-2:]}"


def utc_now() -> datetime:
    return datetime.now(UTC)


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str, *, verbatim: bool = False) -> str:
    """Text with characters XML 1.0 cannot carry removed and whitespace runs made single spaces;
    ``verbatim`` text (code) keeps its lines and spaces."""
    kept = _XML_INVALID.sub("", text)
    return kept if verbatim else " ".join(kept.split())
