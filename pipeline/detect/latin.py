"""Latin-script text: English unless there is strong evidence for another language.

A uk/ru/en newsroom's Latin-script text is English, full of transliterated names (Kharkiv,
Zelenskyy, Pokrovsk), so names count for little: capitalised words after the first (and the
first, when a capitalised word follows it), and short particles between them ("von der"), are
left out of the evidence unless the text is in title case (4+ words, all capitalised), and
diacritics count only in lowercase words. Another language is named only when its evidence
beats English by a margin (log-odds, positive for the other language):

- lingua's models on the text without names, clipped to ±5 and scaled down below 30 letters;
- frequent words of that language that English does not use (jusText's stoplists), against
  English ones, 1.5 each;
- letters with diacritics in lowercase words (+1.5), or none (-1); with no such letter and fewer
  than two frequent words of that language, the text is English whatever the models say;
- the closed world (-3), title case (-3: an English headline style), and a declared or
  surrounding English label (-2; another language's own label +2).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.detect.resources import lingua_confidences, stopwords

__all__ = ["LATIN_CODES", "LatinText", "decide_latin", "latin_confidences"]

LATIN_CODES = (
    *("en", "de", "fr", "es", "it", "pt", "nl", "pl", "cs", "sk", "sl", "hr", "ro", "hu"),
    *("tr", "sv", "da", "nb", "fi", "et", "lv", "lt", "ca", "sq", "az", "id", "vi"),
)
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['’][A-Za-z\u00c0-\u024f]+)?")

_LINGUA_CLIP = 5.0
_MODEL_FULL_LETTERS = 30
_SHORT_LEAD = 3
# Without diacritics, this many of the language's frequent words are needed at least.
_LONE_WORDS = 2
_WORD_WEIGHT = 1.5
_DIACRITICS = 1.5
_NO_DIACRITICS = -1.0
_CLOSED_WORLD = -3.0
_PRIOR = 2.0
_TITLE_CASE_WORDS = 4
# Capitalising every word is an English headline style; the languages lingua confuses English
# names with do not use it.
_TITLE_CASE = -3.0


@dataclass(frozen=True)
class LatinText:
    """A text's Latin words (lowercased), those that are not names, and the lowercase ones."""

    words: tuple[str, ...]
    content: tuple[str, ...]
    lowercase: tuple[str, ...]
    title_case: bool

    @classmethod
    def of(cls, text: str) -> LatinText:
        found = _LATIN_WORD.findall(text)
        capital = [w[0].isupper() for w in found]
        title_case = len(found) >= _TITLE_CASE_WORDS and all(capital)
        if title_case:
            content = found  # capitals say nothing about names here
        else:
            # Names: capitalised words after the first, and the first when a capitalised word
            # follows it ("Radosław Sikorski in Kyiv"), unless it is short enough to be an
            # article or pronoun ("Die Feuerwehr", "Le Monde").
            run = 0
            while run < len(found) and capital[run]:
                run += 1
            lead = 1 if run == 1 or (found and len(found[0]) <= _SHORT_LEAD) else 0
            content = [
                w
                for i, w in enumerate(found)
                if (i < lead or not capital[i]) and not _particle(found, capital, i)
            ]
        return cls(
            tuple(w.lower() for w in found),
            tuple(w.lower() for w in content),
            tuple(w for w in found if w[0].islower()),
            title_case,
        )

    @property
    def model_text(self) -> str:
        """What lingua sees: the words without names, when two or more are left."""
        return " ".join(self.content if len(self.content) >= 2 else self.words)


def _particle(found: Sequence[str], capital: Sequence[bool], i: int) -> bool:
    """A short lowercase word inside a name ("Ursula von der Leyen", "Charles de Gaulle")."""
    if capital[i] or len(found[i]) > _SHORT_LEAD:
        return False
    before = next((capital[j] for j in range(i - 1, -1, -1) if len(found[j]) > _SHORT_LEAD), False)
    after = next(
        (capital[j] for j in range(i + 1, len(found)) if len(found[j]) > _SHORT_LEAD), False
    )
    return before and after


def latin_confidences(texts: Sequence[LatinText]) -> list[dict[str, float]]:
    # Trigram models decide English against the rest well enough and take a tenth of the
    # memory of the full ones (about 700 MB for these languages).
    return lingua_confidences(LATIN_CODES, [t.model_text for t in texts], low_accuracy=True)


def _evidence(latin: LatinText, code: str, lingua: dict[str, float]) -> float:
    english = stopwords("en")
    own = stopwords(code) - english
    p_en = lingua.get("en", 0.0)
    p_other = lingua.get(code, 0.0)
    model = max(-_LINGUA_CLIP, min(_LINGUA_CLIP, math.log((p_other + 1e-3) / (p_en + 1e-3))))
    # Trigram models say little about a few words: their say grows with the letters they saw.
    letters = sum(len(w) for w in latin.words)
    model *= min(1.0, letters / _MODEL_FULL_LETTERS)
    own_hits = sum(1 for w in latin.content if w in own)
    english_hits = sum(1 for w in latin.words if w in english)
    # In lowercase words only: names keep their own spelling (Jean-Noël, Przemyśl, Škoda).
    diacritics = any(ord(ch) > 0x7F for w in latin.lowercase for ch in w)
    score = (
        model
        + _WORD_WEIGHT * (own_hits - english_hits)
        + (_DIACRITICS if diacritics else _NO_DIACRITICS)
        + _CLOSED_WORLD
        + (_TITLE_CASE if latin.title_case else 0.0)
    )
    if own_hits < _LONE_WORDS and not diacritics:
        # Nothing but the models' say-so and a word English may share ("mayor", "also"): names
        # and terms, which the closed world calls English.
        return min(score, -1.0)
    return score


def decide_latin(
    latin: LatinText, lingua: dict[str, float], prior: tuple[str, float] | None
) -> tuple[str, float]:
    """("en", p) or ("other:<code>", p): another language only when its evidence wins."""
    p_en = lingua.get("en", 0.0)
    ranked = sorted((c for c in lingua if c != "en"), key=lambda c: -lingua[c])[:3]
    if not ranked or not latin.words or p_en >= lingua[ranked[0]]:
        return "en", max(p_en, 0.5)
    scores = {code: _evidence(latin, code, lingua) for code in ranked}
    prior_code = prior[0].removeprefix("other:") if prior is not None else None
    if prior_code == "en":
        scores = {code: s - _PRIOR for code, s in scores.items()}
    elif prior_code in scores:
        scores[prior_code] += _PRIOR
    best = max(scores, key=lambda c: scores[c])
    if scores[best] <= 0:
        return "en", max(p_en, _sigmoid(-scores[best]))
    return f"other:{best}", _sigmoid(scores[best])


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, x))))
