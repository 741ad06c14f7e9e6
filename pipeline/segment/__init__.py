"""Sentence splitting for Ukrainian, Russian and English news text (sentences.py), and clause
splitting of over-long sentences for the translation engine (clauses.py)."""

from pipeline.segment.clauses import split_clauses
from pipeline.segment.sentences import split_sentences

__all__ = ["split_clauses", "split_sentences"]
