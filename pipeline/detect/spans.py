"""Language spans of a sentence that quotes another language.

"Раніше той заявив: «Мы не собираемся отводить войска.»" is a Ukrainian sentence with a Russian
quote. Its spans are the Ukrainian words before the quote and the Russian words inside it; what
lies between spans (quote marks, colons, dashes, spaces) belongs to neither and stays as written.
Such a sentence is labelled with its spans' languages joined by "+" ("uk+ru", see mixed_label):
it has no edition in which it can be printed as written, so a translation job gives it a version
in every language, translating each span from its own language and joining them back in place.
The sentence stays one segment (the alignment key) and no edition prints another language's
words.

A sentence is cut only at quotation marks (« », „ “, “ ”, " "), the places where newsrooms quote
another language. A piece names a language of its own only when the detector is sure of it
(confidence >= 0.8, two or more words, not all of them capitalised: a quoted title or name such
as «Москва» or «The Kyiv Independent» stays part of its sentence); other pieces join the span
before them (or after, at the start). English against uk/ru needs no such margin: the script
settles it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.detect.core import NEWSROOM, Detection, detect, detect_many

__all__ = ["Span", "detect_spans", "detect_spans_many", "mixed_label"]


@dataclass(frozen=True)
class Span:
    """text[start:end] is in language label (uk, ru, en or other:<code>)."""

    start: int
    end: int
    label: str
    confidence: float


_CLOSERS = {"«": "»", "„": "“”", "“": "”", '"': '"', "‚": "‘’"}
_QUOTES = frozenset(_CLOSERS)
_WORD = re.compile(r"\w+", re.UNICODE)
_FINAL = frozenset(".!?…")
_MIN_CONFIDENCE = 0.8
_MIN_WORDS = 2


def _quoted(text: str) -> list[tuple[int, int]]:
    """Top-level quoted regions (start, end) including their marks; unpaired marks are text."""
    regions: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        closers = _CLOSERS.get(text[i])
        if closers is None:
            i += 1
            continue
        depth = 0
        end = -1
        for j in range(i + 1, len(text)):
            if text[j] == text[i] and text[i] not in closers:
                depth += 1
            elif text[j] in closers:
                if depth == 0:
                    end = j
                    break
                depth -= 1
        if end > i + 1:
            regions.append((i, end + 1))
            i = end + 1
        else:
            i += 1
    return regions


def _pieces(text: str) -> list[tuple[int, int]]:
    """The sentence cut at quoted regions: (start, end) of each piece's words, in order."""
    cuts = [0]
    for start, end in _quoted(text):
        cuts += [start, end]
    cuts.append(len(text))
    pieces = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        core = _core(text, start, end)
        if core is not None:
            pieces.append(core)
    return pieces


def _core(text: str, start: int, end: int) -> tuple[int, int] | None:
    """text[start:end] from its first word to its last word or sentence-final mark: not the
    quote marks, commas, colons or dashes that join it to the next piece."""
    words = list(_WORD.finditer(text, start, end))
    if not words:
        return None
    last = words[-1].end()
    while last < end and text[last] in _FINAL:
        last += 1
    return words[0].start(), last


def _own_language(text: str, found: Detection, *, min_words: int, sure: bool) -> bool:
    """Whether a piece names a language of its own rather than joining its neighbours."""
    words = _WORD.findall(text)
    if len(words) < min_words or found.label not in NEWSROOM:
        return False
    if not sure and found.confidence < _MIN_CONFIDENCE:
        return False
    return any(w[0].islower() for w in words[1:]) or words[0][0].islower()


def detect_spans_many(texts: Sequence[str], labels: Sequence[str | None]) -> list[list[Span]]:
    """Spans of each text; one span, labelled with the sentence's label (detected when None),
    when the text is in one language; none when it has no words. Raises ValueError on length
    mismatch."""
    if len(texts) != len(labels):
        raise ValueError("labels must give one label per text")
    cut = [_pieces(t) if _QUOTES.intersection(t) else [] for t in texts]
    asks = [(i, s, e) for i, pieces in enumerate(cut) if len(pieces) > 1 for s, e in pieces]
    # Pieces are judged on their own words only, so analysis and a later translation run that
    # knows the sentence by its stored label find the same spans.
    found = detect_many([texts[i][s:e] for i, s, e in asks])
    by_text: dict[int, list[tuple[int, int, Detection]]] = {}
    for (i, s, e), each in zip(asks, found, strict=True):
        by_text.setdefault(i, []).append((s, e, each))
    return [
        _spans(text, label, by_text.get(i, []))
        for i, (text, label) in enumerate(zip(texts, labels, strict=True))
    ]


def _spans(text: str, label: str | None, pieces: list[tuple[int, int, Detection]]) -> list[Span]:
    whole = _core(text, 0, len(text))
    if whole is None:
        return []
    # English against uk/ru is settled by the script, so an English piece is sure, and in a
    # sentence that has one, every Cyrillic piece of a word or more speaks for itself.
    own = [
        (
            s,
            e,
            d if _own_language(text[s:e], d, min_words=_MIN_WORDS, sure=d.label == "en") else None,
        )
        for s, e, d in pieces
    ]
    if any(d is not None and d.label == "en" for _, _, d in own):
        own = [
            (s, e, d if _own_language(text[s:e], d, min_words=1, sure=True) else None)
            for s, e, d in pieces
        ]
    languages = {d.label for _, _, d in own if d is not None}
    if len(languages) < 2:
        sentence = detect(text) if label is None else Detection(label, 1.0)
        return [Span(*whole, sentence.label, sentence.confidence)]
    first = next(d for _, _, d in own if d is not None)
    spans: list[Span] = []
    current = first
    for start, end, found in own:
        if found is not None:
            current = found
        if spans and spans[-1].label == current.label:
            last = spans[-1]
            spans[-1] = Span(last.start, end, last.label, min(last.confidence, current.confidence))
        else:
            spans.append(Span(start, end, current.label, current.confidence))
    return spans


def detect_spans(text: str, label: str | None = None) -> list[Span]:
    """Spans of one sentence; label is the sentence's own (detected when None)."""
    return detect_spans_many([text], [label])[0]


def mixed_label(spans: Sequence[Span]) -> str | None:
    """The label of a sentence with words in two or more languages: its spans' languages in
    order of first appearance, joined by "+" ("uk+ru"); None for a one-language sentence."""
    languages = list(dict.fromkeys(s.label for s in spans))
    return "+".join(languages) if len(languages) > 1 else None
