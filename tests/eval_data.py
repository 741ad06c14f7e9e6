"""A small story with a human edition, and stored machine runs written by hand, for the eval and
`diff --human` tests. No model is needed to build it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

from pipeline.align.editions import AlignedUnit, AlignOptions, Edition
from pipeline.domain import Signature, Version
from pipeline.ingest import IngestOptions
from pipeline.jobs import ingest_paths
from pipeline.store import EditionLink, Store, StoredArticle
from pipeline.store.units import NewUnit

UK = """---
title: "Новий міст через Дніпро відкрили"
lang: uk
url: https://news.example/uk/bridge
---

Новий міст через Дніпро відкрили в понеділок зранку. Рух транспорту почнеться у вівторок.

Проїзд мостом буде безкоштовним для всіх водіїв.
"""
# One sentence fewer: the edition says the opening and the traffic in one sentence (2-1).
EN = """---
title: "New bridge over the Dnipro opened"
lang: en
url: https://news.example/en/bridge
translation_of: https://news.example/uk/bridge
---

The new bridge over the Dnipro opened on Monday morning, and traffic starts on Tuesday.

Crossing the bridge will be free for all drivers.
"""
EN_SENTENCES = (
    "New bridge over the Dnipro opened",
    "The new bridge over the Dnipro opened on Monday morning, and traffic starts on Tuesday.",
    "Crossing the bridge will be free for all drivers.",
)
XSS = '<script>window.__pwned=1</script> & <img src=x onerror="window.__pwned=1">'

GOOD = Signature(
    model_id="Helsinki-NLP/opus-mt-tc-big-zle-en", revision="abc123", decoding="{}", route="uk>en"
)
WEAK = Signature(model_id="Helsinki-NLP/opus-mt-uk-en", revision=None, decoding="{}", route="uk>en")


def write_story(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bridge.uk.md").write_text(UK, encoding="utf-8")
    (folder / "bridge.en.md").write_text(EN, encoding="utf-8")
    return folder


def bridge_store(db: Path) -> tuple[Store, StoredArticle]:
    """The story ingested and linked, its edition's language en; no machine versions yet."""
    store = Store(db, clock=lambda: "2026-01-01T00:00:00+00:00")
    items = list(ingest_paths([write_story(db.parent / "story")], store, IngestOptions()))
    assert any(isinstance(item, EditionLink) for item in items), items
    original = next(a for a in map(store.article, store.article_ids()) if a.lang == "uk")
    store_units(store, original, merging_aligner([]))
    return store, original


def store_units(store: Store, original: StoredArticle, units: Sequence[AlignedUnit]) -> None:
    """Store these units (flat sentence indexes) as the story's alignment, as `pipeline align`
    would, so eval reads them instead of aligning again."""
    edition = store.article(store.editions_of(original.id)[0])
    segments = {"uk": original.segments, "en": edition.segments}
    stored = [
        NewUnit(
            segments={
                lang: tuple(segments[lang][i].id or -1 for i in unit.sentences.get(lang, ()))
                for lang in segments
            },
            kind=unit.kind(("uk", "en")),
            confidence=unit.confidence,
        )
        for unit in units
    ]
    store.units.replace(original.id, ("uk", "en"), {"uk": original.id, "en": edition.id}, stored)


def add_machine(
    store: Store, original: StoredArticle, texts: Sequence[str], signature: Signature
) -> None:
    """English machine versions of the original's segments, in order, from one run."""
    versions = [
        Version(
            segment_id=s.id or -1,
            lang="en",
            text=text,
            origin="machine",
            state="machine",
            signature=signature,
        )
        for s, text in zip(original.segments, texts, strict=True)
    ]
    store.add_versions(versions)


def merging_aligner(
    editions: Sequence[Edition], *, options: AlignOptions | None = None
) -> list[AlignedUnit]:
    """What the aligner finds in the bridge story: the title 1-1, the two opening sentences
    2-1, the last 1-1 (the placeholder on main aligns by order only)."""
    langs = [edition.lang for edition in editions]
    assert langs in ([], ["uk", "en"]), langs
    return [
        AlignedUnit({"uk": (0,), "en": (0,)}),
        AlignedUnit({"uk": (1, 2), "en": (1,)}, confidence=0.8),
        AlignedUnit({"uk": (3,), "en": (2,)}),
    ]


@contextmanager
def merged_units() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("pipeline.evaluate.units.align_editions", merging_aligner)
        yield
