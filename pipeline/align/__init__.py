"""Alignments computed from text alone (no store, no models).

`revisions`: sentences of two revisions of one article in the same language.
`editions`: the uk, ru and en editions of one story, into alignment units.
"""

from pipeline.align.editions import (
    AlignedUnit,
    AlignOptions,
    Edition,
    align_editions,
    confident_pairs,
    learn_lexicon,
)
from pipeline.align.lexicon import Lexicon, read_glossary
from pipeline.align.revisions import KINDS, Match, match_revisions

__all__ = [
    "KINDS",
    "AlignOptions",
    "AlignedUnit",
    "Edition",
    "Lexicon",
    "Match",
    "align_editions",
    "confident_pairs",
    "learn_lexicon",
    "match_revisions",
    "read_glossary",
]
