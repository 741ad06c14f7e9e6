"""Clause splitting of sentences longer than the translation model's input limit."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.segment.abbreviations import OPENERS as _OPENERS


def _words(text: str) -> list[str]:
    return text.split()


# Cost of cutting at a gap, by what comes before or after it: lower is a more natural cut.
_CUT_AFTER_SEMI = 1
_CUT_BEFORE_DASH = 2
_CUT_AFTER_COMMA = 3
_CUT_BEFORE_CONJUNCTION = 5
_CUT_WHITESPACE = 12

_CONJUNCTIONS = frozenset(
    _words(
        "and but or because which who whereas while although since so that"
        " і й та але а або проте однак бо тому що який яка яке які де коли щоб хоча"
        " и но или однако потому что который которая которое которые где когда чтобы хотя"
    )
)


@dataclass(frozen=True, kw_only=True)
class _Word:
    start: int
    end: int
    cut_cost: int  # cost of cutting in the gap before this word


def split_clauses(sentence: str, fits: Callable[[str], bool]) -> list[str]:
    """Split an over-long sentence into pieces that each satisfy fits(piece).

    Cuts prefer clause boundaries (after ; and :, before a spaced dash, after a comma, before a
    conjunction), then any whitespace; a single word that does not fit is cut into character
    chunks. Among cuts of equal kind the fewest pieces win, then the most even lengths. Nothing
    is dropped: joining the pieces with single spaces gives the sentence back up to whitespace
    (character chunks of one word are joined by a space that was not there).
    fits should grow stricter with length (a token-count limit does).
    """
    text = sentence.strip()
    if not text or fits(text):
        return [text] if text else []
    words = _words_with_cut_costs(text)
    pieces: list[str] = []
    for start, end in _best_cuts(text, words, fits):
        piece = text[start:end]
        if fits(piece):
            pieces.append(piece)
        elif not any(c.isspace() for c in piece):
            pieces.extend(_chunk_characters(piece, fits))
        elif piece != text:  # fits is not monotone here: try again on the smaller piece
            pieces.extend(split_clauses(piece, fits))
        else:
            for word in piece.split():
                pieces.extend(split_clauses(word, fits))
    return pieces


def _words_with_cut_costs(text: str) -> list[_Word]:
    words: list[_Word] = []
    for match in re.finditer(r"\S+", text):
        token = match.group()
        if not words:
            cost = 0
        else:
            previous = text[words[-1].start : words[-1].end]
            if previous[-1] in ";:":
                cost = _CUT_AFTER_SEMI
            elif token in ("—", "–", "-"):
                cost = _CUT_BEFORE_DASH
            elif previous[-1] in ",)" or previous.endswith(("»,", '",', "”,")):
                cost = _CUT_AFTER_COMMA
            elif token.lower().strip(_OPENERS) in _CONJUNCTIONS:
                cost = _CUT_BEFORE_CONJUNCTION
            else:
                cost = _CUT_WHITESPACE
        words.append(_Word(start=match.start(), end=match.end(), cut_cost=cost))
    return words


def _best_cuts(text: str, words: list[_Word], fits: Callable[[str], bool]) -> list[tuple[int, int]]:
    """Word spans [i, j) as character ranges: fewest pieces, then cheapest cuts, then evenness.

    Each piece starts at a word; the farthest word a piece can reach is found by binary search,
    so fits is called O(n log n) times.
    """
    n = len(words)
    reach = [_farthest_fitting(text, words, i, fits) for i in range(n)]
    # best[i] = (pieces, cut cost, sum of squared lengths, next start) for words[i:]
    best: list[tuple[int, int, int, int] | None] = [None] * (n + 1)
    best[n] = (0, 0, 0, n)
    for i in range(n - 1, -1, -1):
        candidates: list[tuple[int, int, int, int]] = []
        for j in range(i + 1, reach[i] + 1):
            tail = best[j]
            if tail is None:
                continue
            length = words[j - 1].end - words[i].start
            cut = words[j].cut_cost if j < n else 0
            candidates.append((tail[0] + 1, tail[1] + cut, tail[2] + length * length, j))
        best[i] = min(candidates) if candidates else None
    spans: list[tuple[int, int]] = []
    i = 0
    while i < n:
        step = best[i]
        j = step[3] if step is not None else i + 1  # a word too long alone is its own piece
        spans.append((words[i].start, words[j - 1].end))
        i = j
    return spans


def _farthest_fitting(text: str, words: list[_Word], i: int, fits: Callable[[str], bool]) -> int:
    """Largest j such that words[i:j] fits; i when even words[i] alone does not."""
    low, high = i, len(words)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(text[words[i].start : words[middle - 1].end]):
            low = middle
        else:
            high = middle - 1
    return low


def _chunk_characters(word: str, fits: Callable[[str], bool]) -> list[str]:
    chunks: list[str] = []
    rest = word
    while rest:
        low, high = 1, len(rest)
        while low < high:
            middle = (low + high + 1) // 2
            if fits(rest[:middle]):
                low = middle
            else:
                high = middle - 1
        chunks.append(rest[:low])  # one character even when it does not fit: never drop text
        rest = rest[low:]
    return chunks
