"""The diff view: an article's versions side by side, or two versions of one language compared
word by word, with the quality checks beside each segment; in a terminal or as HTML pages."""

from pipeline.diff.align import (
    ArticleInfo,
    ArticleView,
    Cell,
    CompareRow,
    CompareView,
    DiffError,
    DiffOptions,
    Row,
    build,
    build_compare,
    build_view,
    select_versions,
)
from pipeline.diff.html import render_html, render_index, write_all_html
from pipeline.diff.terminal import render_terminal
from pipeline.diff.worddiff import Piece, Scores, WordDiff, corpus_scores, levenshtein, word_diff

__all__ = [
    "ArticleInfo",
    "ArticleView",
    "Cell",
    "CompareRow",
    "CompareView",
    "DiffError",
    "DiffOptions",
    "Piece",
    "Row",
    "Scores",
    "WordDiff",
    "build",
    "build_compare",
    "build_view",
    "corpus_scores",
    "levenshtein",
    "render_html",
    "render_index",
    "render_terminal",
    "select_versions",
    "word_diff",
    "write_all_html",
]
