"""Alignments computed from text alone (no store, no models).

`revisions`: sentences of two revisions of one article in the same language.
"""

from pipeline.align.revisions import KINDS, Match, match_revisions

__all__ = ["KINDS", "Match", "match_revisions"]
