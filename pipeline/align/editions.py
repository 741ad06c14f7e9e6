"""Align the editions of one story (the same story as the newsroom wrote it in uk, ru and en).

The interface the store, the CLI, `eval` and the web desk build on. Inputs are plain text (no
store, no models); an optional ``bridge`` lets the project's own MT help when models are present.

Shapes:
- ``Edition(lang, paragraphs)``: one edition, ``paragraphs`` a tuple of paragraphs, each a tuple
  of sentences in reading order. Sentences are referred to by their *flat index*: the position
  in the edition's sentences read paragraph by paragraph, counted from 0.
- ``AlignedUnit.sentences``: for each language, the flat indexes of the sentences that say the
  same thing (an empty tuple where that edition has nothing for it, a 1-0 / 0-1 unit).
- ``align_editions`` returns units covering every sentence of every edition exactly once, in
  reading order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from pipeline.align.threeway import Tuning, align_many

# bridge(texts, source_lang, target_lang) -> translations, one per text (the project's MT).
Bridge = Callable[[Sequence[str], str, str], list[str]]


@dataclass(frozen=True)
class Edition:
    lang: str
    paragraphs: tuple[tuple[str, ...], ...]

    @property
    def sentences(self) -> tuple[str, ...]:
        return tuple(sentence for paragraph in self.paragraphs for sentence in paragraph)


@dataclass(frozen=True)
class AlignedUnit:
    """One unit: language -> flat sentence indexes; ``confidence`` in [0, 1]."""

    sentences: Mapping[str, tuple[int, ...]] = field(hash=False)
    confidence: float = 1.0

    def kind(self, langs: Sequence[str]) -> str:
        """Sentence counts in the order of ``langs``: "2-1-1", "1-0"."""
        return "-".join(str(len(self.sentences.get(lang, ()))) for lang in langs)


@dataclass(frozen=True, kw_only=True)
class AlignOptions:
    """``bridge``: the project's MT, used when models are present; ``tuning``: the aligner's
    knobs (defaults tuned on benchmarks/align_bench.py's tuning half)."""

    bridge: Bridge | None = None
    tuning: Tuning = field(default_factory=Tuning)


def align_editions(
    editions: Sequence[Edition], *, options: AlignOptions | None = None
) -> list[AlignedUnit]:
    """Align two or three editions of one story into units (1-1, 2-1, 1-2, 2-2, 1-0, 0-1 per pair).

    Paragraphs first (a moved paragraph is put back in place), then sentences by a dynamic
    programme over model-free similarity (transliterated character trigrams, numbers and names as
    anchors, a Gale-Church length prior); uk and ru are aligned first and English against both
    (see ``pipeline.align.threeway``). Returns units in the first edition's reading order (uk's
    when present), each mapping every edition's language to flat sentence indexes (``()`` where
    that edition has none), with a confidence in [0, 1]. One edition gives one unit per sentence;
    none gives ``[]``. Raises ValueError when two editions share a language. Accuracy and speed:
    benchmarks/align_bench.py.
    """
    options = options or AlignOptions()
    langs = [edition.lang for edition in editions]
    if len(set(langs)) != len(langs):
        raise ValueError(f"one edition per language, got {langs}")
    if not editions:
        return []
    units = align_many(
        [(edition.lang, edition.paragraphs) for edition in editions],
        bridge=options.bridge,
        tuning=options.tuning,
    )
    return [AlignedUnit(sentences=sentences, confidence=conf) for sentences, conf in units]
