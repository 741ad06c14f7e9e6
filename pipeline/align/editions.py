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
    bridge: Bridge | None = None


def align_editions(
    editions: Sequence[Edition], *, options: AlignOptions | None = None
) -> list[AlignedUnit]:
    """Align two or three editions of one story into units.

    Placeholder order-only alignment (sentence i with sentence i); replaced by the paragraph- and
    sentence-level dynamic programme.
    """
    longest = max((len(edition.sentences) for edition in editions), default=0)
    units = []
    for index in range(longest):
        sentences = {
            edition.lang: ((index,) if index < len(edition.sentences) else ())
            for edition in editions
        }
        units.append(AlignedUnit(sentences=sentences, confidence=0.5))
    return units
