"""The input normalisation OPUS-MT training text went through, which MarianTokenizer skips.

The OPUS-MT data was normalised (Moses punctuation normalisation) before SentencePiece: typographic
quotes, guillemets included, became ", apostrophes became ', the ellipsis became three dots.
Feeding the raw characters gives the model pieces it rarely saw in training. The normalised text
is also the translation-memory key, so two spellings of one sentence share a translation.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["has_letters", "normalize", "strip_target_tokens"]

_CHAR_MAP = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "«": '"',
        "»": '"',
        "″": '"',
        "〝": '"',
        "〞": '"',
        "＂": '"',
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "…": "...",
    }
)
_WHITESPACE = re.compile(r"\s+")
_TARGET_TOKEN = re.compile(r">>[a-z_]{2,8}<<\s*")


def _drop(ch: str) -> bool:
    """Zero-width, format (bidi marks, soft hyphen, BOM) and control characters; tabs and line
    breaks are whitespace and collapse instead."""
    category = unicodedata.category(ch)
    return category == "Cf" or (category == "Cc" and not ch.isspace())


def normalize(text: str) -> str:
    """The text as OPUS-MT saw its training data: NFC, straight quotes and apostrophes, "..."
    for "…", no zero-width or control characters, NBSP and every other space as one space."""
    text = unicodedata.normalize("NFC", text).translate(_CHAR_MAP)
    text = "".join(" " if ch.isspace() else ch for ch in text if not _drop(ch))
    return _WHITESPACE.sub(" ", text).strip()


def has_letters(text: str) -> bool:
    """True when ``text`` has at least one letter (anything else isn't worth a model call)."""
    return any(ch.isalpha() for ch in text)


def strip_target_tokens(text: str) -> str:
    """Remove ``>>xxx<<`` target-language tokens: skip_special_tokens leaves them in."""
    return _TARGET_TOKEN.sub("", text).strip()
