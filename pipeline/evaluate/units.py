"""The units of a story: which sentences of the original and of its human editions say the same.

This module is the one place that looks units up: the stored alignment units
(``pipeline/store/units.py``) where they are current, else an alignment made on the spot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pipeline.align.editions import AlignOptions, Edition, align_editions
from pipeline.domain import NotFound, Segment
from pipeline.store import Store, StoredArticle


class NoEditions(NotFound):
    """The article is not part of a story with human editions."""


@dataclass(frozen=True)
class StoryUnit:
    """One unit: for each language of the story, the segments (in reading order) that say the
    same thing; an empty tuple where that edition has nothing for it (a 1-0 / 0-1 unit).

    ``index`` counts units from 0 in reading order; ``confidence`` in [0, 1] is the aligner's.
    """

    index: int
    segments: Mapping[str, tuple[Segment, ...]] = field(hash=False)
    confidence: float = 1.0

    def kind(self, langs: Sequence[str]) -> str:
        """Sentence counts in the order of ``langs``: "2-1", "1-0"."""
        return "-".join(str(len(self.segments.get(lang, ()))) for lang in langs)

    def text(self, lang: str) -> str:
        """The unit's sentences in ``lang`` joined with a space ("" when it has none)."""
        return " ".join(segment.text for segment in self.segments.get(lang, ()))

    @property
    def key(self) -> str:
        """Stable, counted from 1: "u3"."""
        return f"u{self.index + 1}"


@dataclass(frozen=True)
class Story:
    """An original article, its human editions (language -> newest revision) and its units."""

    original: StoredArticle
    editions: Mapping[str, StoredArticle]
    units: tuple[StoryUnit, ...]

    @property
    def langs(self) -> tuple[str, ...]:
        """The original's language first, then the editions' in the order they were linked."""
        return (self.original.lang, *self.editions)


def originals_with_editions(store: Store) -> list[str]:
    """Ids of the stored articles that have at least one human edition, in id order."""
    return [article_id for article_id in store.article_ids() if store.editions_of(article_id)]


def load_story(store: Store, ref: str) -> Story:
    """The story ``ref`` belongs to: ``ref`` may name the original or any of its editions.

    Raises ArticleNotFound for an unknown reference and NoEditions when the article has no
    human edition linked to it (``translation_of`` front matter, linked at ingest).
    """
    stored = store.article(ref)
    original = store.article(stored.edition_of) if stored.edition_of else stored
    editions = _editions(store, original)
    if not editions:
        raise NoEditions(
            f"article {original.slug} has no human edition",
            hint="ingest an edition whose front matter says `translation_of:` this article",
        )
    return Story(original, editions, tuple(story_units(store, original.id)))


def story_units(store: Store, article_id: str) -> list[StoryUnit]:
    """The units of the story whose original is ``article_id``, in reading order, covering every
    segment of the original's and the editions' newest revisions exactly once.

    Source: the units `pipeline align` (or ingest/translate) stored for the story, when they
    cover exactly the newest revisions' segments; otherwise (never aligned, or a revision came
    since) the stored segments aligned now by ``pipeline.align.align_editions`` (no bridge, so no
    model is loaded). Raises ArticleNotFound.
    """
    original = store.article(article_id)
    articles = [original, *_editions(store, original).values()]
    flat = {article.lang: article.segments for article in articles}
    stored = _stored_units(store, original.id, flat)
    if stored is not None:
        return stored
    editions = [Edition(article.lang, _paragraphs(article.segments)) for article in articles]
    units = align_editions(editions, options=AlignOptions())
    return [
        StoryUnit(
            index=number,
            segments={
                lang: tuple(flat[lang][i] for i in unit.sentences.get(lang, ())) for lang in flat
            },
            confidence=unit.confidence,
        )
        for number, unit in enumerate(units)
    ]


def _stored_units(
    store: Store, story_id: str, flat: Mapping[str, Sequence[Segment]]
) -> list[StoryUnit] | None:
    """The stored units as StoryUnits, or None when they do not cover exactly ``flat``."""
    by_id = {
        segment.id: segment
        for segments in flat.values()
        for segment in segments
        if segment.id is not None
    }
    units = store.units.of_story(story_id)
    members = [i for unit in units for ids in unit.segments.values() for i in ids]
    if not units or sorted(members) != sorted(by_id) or set(units[0].langs) != set(flat):
        return None
    return [
        StoryUnit(
            index=number,
            segments={lang: tuple(by_id[i] for i in unit.segments.get(lang, ())) for lang in flat},
            confidence=unit.confidence,
        )
        for number, unit in enumerate(units)
    ]


def _editions(store: Store, original: StoredArticle) -> dict[str, StoredArticle]:
    """language -> the newest revision of the edition in it; an edition in the original's own
    language, or a second one in a language, is left out (a unit holds one text per language)."""
    found: dict[str, StoredArticle] = {}
    for edition_id in store.editions_of(original.id):
        edition = store.article(edition_id)
        if edition.lang != original.lang and edition.lang not in found:
            found[edition.lang] = edition
    return found


def _paragraphs(segments: Sequence[Segment]) -> tuple[tuple[str, ...], ...]:
    """Segment texts grouped by paragraph, in the stored order (the flat index order)."""
    paragraphs: dict[int, list[str]] = {}
    for segment in segments:
        paragraphs.setdefault(segment.para_index, []).append(segment.text)
    return tuple(tuple(texts) for texts in paragraphs.values())
