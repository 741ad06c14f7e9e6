"""Word-level comparison of two texts: inline diff pieces, edit distance, corpus scores."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

# A token is a number ("2.5", "1,250", "14:30"), a word (with inner apostrophes or hyphens:
# "п'ять", "well-known") or a run of punctuation. Whitespace rides along with the token before
# it so the diff can be shown with the texts' own spacing.
_TOKEN = re.compile(r"(\d+(?:[.,:]\d+)*|\w+(?:['’ʼ-]\w+)*|[^\w\s]+)(\s*)")


@dataclass(frozen=True)
class Piece:
    """A run of text in a word diff. tag: "equal", "delete" (only in a) or "insert" (only in b).

    space: the whitespace after the run in its own text, kept outside any highlighting.
    """

    tag: str
    text: str
    space: str = ""


@dataclass(frozen=True)
class WordDiff:
    pieces: tuple[Piece, ...]
    distance: int  # word-level Levenshtein distance

    @property
    def changed(self) -> bool:
        return any(p.tag != "equal" for p in self.pieces)

    def side(self, which: str) -> tuple[Piece, ...]:
        """The pieces that make up text a ("a": equal + delete) or b ("b": equal + insert)."""
        hidden = "insert" if which == "a" else "delete"
        return tuple(p for p in self.pieces if p.tag != hidden)

    def marked(self) -> str:
        """Both texts in one line with [-deleted-] and {+inserted+} markers."""
        out = []
        for number, piece in enumerate(self.pieces):
            following = self.pieces[number + 1] if number + 1 < len(self.pieces) else None
            replaced = piece.tag == "delete" and following is not None and following.tag == "insert"
            out.append(marked_piece(piece) + ("" if replaced else piece.space))
        return "".join(out)


def marked_piece(piece: Piece) -> str:
    if piece.tag == "delete":
        return f"[-{piece.text}-]"
    if piece.tag == "insert":
        return f"{{+{piece.text}+}}"
    return piece.text


def tokens(text: str) -> list[tuple[str, str]]:
    """(word, whitespace after it) pairs; leading whitespace is dropped."""
    return [(m.group(1), m.group(2)) for m in _TOKEN.finditer(text.strip())]


def word_diff(a: str, b: str) -> WordDiff:
    """Diff two texts on word tokens with difflib; a replace shows as a delete then an insert."""
    ta, tb = tokens(a), tokens(b)
    wa, wb = [w for w, _ in ta], [w for w, _ in tb]
    opcodes = difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes()
    pieces: list[Piece] = []
    for number, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        next_tag = opcodes[number + 1][0] if number + 1 < len(opcodes) else None
        if tag == "equal":
            # Before a deletion keep a's spacing so "fox[-.-]" does not gain a space.
            run = ta[i1:i2] if next_tag in ("delete", "replace") else tb[j1:j2]
            pieces.append(_piece("equal", run))
        if tag in ("delete", "replace"):
            pieces.append(_piece("delete", ta[i1:i2]))
        if tag in ("insert", "replace"):
            pieces.append(_piece("insert", tb[j1:j2]))
    return WordDiff(pieces=tuple(pieces), distance=levenshtein(wa, wb))


def _piece(tag: str, run: Sequence[tuple[str, str]]) -> Piece:
    text = "".join(word + space for word, space in run[:-1]) + run[-1][0]
    return Piece(tag, text, run[-1][1])


def levenshtein(a: Sequence[str], b: Sequence[str]) -> int:
    """Edit distance over word tokens: insertions, deletions and substitutions cost 1."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, token_a in enumerate(a, start=1):
        current = [i]
        for j, token_b in enumerate(b, start=1):
            current.append(
                min(
                    previous[j] + 1,
                    current[j - 1] + 1,
                    previous[j - 1] + (token_a != token_b),
                )
            )
        previous = current
    return previous[-1]


def word_count(text: str) -> int:
    return len(tokens(text))


@dataclass(frozen=True)
class Scores:
    chrf: float
    bleu: float
    segments: int


def corpus_scores(hypotheses: Sequence[str], references: Sequence[str]) -> Scores | None:
    """chrF and BLEU of hypotheses against references (sacrebleu); None when there are none."""
    if not hypotheses:
        return None
    from sacrebleu.metrics import BLEU, CHRF

    hyps, refs = list(hypotheses), [list(references)]
    chrf = CHRF().corpus_score(hyps, refs).score
    bleu = BLEU(effective_order=True).corpus_score(hyps, refs).score
    return Scores(chrf=round(chrf, 2), bleu=round(bleu, 2), segments=len(hyps))
