"""Options, the ingest error, the text normalisation every reader applies, and the first
sentence of a paragraph that titles a story without a headline."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.domain import Block, PipelineError
from pipeline.verbatim import TABLE_KINDS, VERBATIM_KINDS

FORMATS: dict[str, str] = {
    ".txt": "txt",
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
    ".json": "json",
    ".jsonl": "jsonl",
}


@dataclass(frozen=True, kw_only=True)
class IngestOptions:
    max_bytes: int = 5 * 1024 * 1024
    # Lines that recur across many text dumps of one batch: site chrome. iter_articles fills it.
    boilerplate: frozenset[str] = frozenset()


class IngestError(PipelineError):
    """A file (or one record of it) that could not be read; the message is one line."""

    def __init__(self, path: Path | str, reason: str, fix: str | None = None) -> None:
        self.path = str(path)
        self.reason = reason
        self.fix = fix
        message = f"{self.path}: {reason}" + (f" — {fix}" if fix else "")
        super().__init__(" ".join(message.split()))


@dataclass(frozen=True)
class OwnFilesSkipped:
    """What a folder walk left out because the tool wrote it (databases, --out and published
    output): yielded once after a batch's articles, for its summary."""

    count: int

    def __str__(self) -> str:
        return (
            f"skipped {self.count} of the tool's own file(s)"
            " (its databases, --out folders and published output)"
        )


# Invisible characters that only get in the way of matching and translation. The zero-width
# joiner is kept where it joins an emoji sequence (see _EMOJI_JOINER).
_INVISIBLE = re.compile("[\u200b\u200c\u2060\ufeff\u00ad]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_SPACES = re.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# Breaks word processors and old systems write (Unicode Standard Annex #14 and section 5.8,
# "Newline Guidelines"): VT (Word's manual line break), NEL and LINE SEPARATOR end a line;
# FF (a page break) and PARAGRAPH SEPARATOR end a paragraph.
_LINE_BREAKS = re.compile("[\x0b\x85\u2028]")
_PARAGRAPH_BREAKS = re.compile("[\x0c\u2029]")
# A zero-width joiner between two parts of an emoji ZWJ sequence (Unicode Technical Standard
# #51: family, profession and flag sequences) is part of the emoji, not noise. The parts are
# pictographs (U+1F000-U+1FAFF, U+2600-U+27BF, U+2B00-U+2BFF), maybe followed by a
# variation selector (U+FE0F) or a skin-tone modifier (U+1F3FB-U+1F3FF).
_PICTOGRAPH = "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\u00a9\u00ae]"
_EMOJI_JOINER = re.compile(
    f"(?:(?<={_PICTOGRAPH})|(?<=\ufe0f)|(?<=[\U0001f3fb-\U0001f3ff]))\u200d(?={_PICTOGRAPH})"
)
_KEEP_JOINER = "\ue000"  # a private-use stand-in while the other joiners are removed


def normalize_text(text: str) -> str:
    """NFC, Unix newlines, no invisible or control characters; otherwise verbatim.

    VT, NEL and U+2028 become line breaks and FF and U+2029 paragraph breaks (so the sentences
    on either side stay apart); emoji sequences keep their joiners, variation selectors,
    skin tones, keycaps and flag parts, so one emoji stays one emoji.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _LINE_BREAKS.sub("\n", text)
    text = _PARAGRAPH_BREAKS.sub("\n\n", text)
    text = _EMOJI_JOINER.sub(_KEEP_JOINER, text.replace(_KEEP_JOINER, ""))
    text = _INVISIBLE.sub("", text).replace("\u200d", "").replace(_KEEP_JOINER, "\u200d")
    text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text)


_JSON_BREAK_ESCAPES: dict[str, str | int | None] = {
    "\x0b": "\\u000b",
    "\x0c": "\\f",
    "\x85": "\\u0085",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}

_JSON_BREAK_TABLE = str.maketrans(_JSON_BREAK_ESCAPES)


def escape_json_breaks(text: str) -> str:
    """JSON text with raw VT, FF, NEL, U+2028 and U+2029 written as escapes, so that they
    survive parsing (a raw control character is not allowed in a JSON string, and a line
    break would split a JSON Lines record) and become breaks when the fields are normalised."""
    return text.translate(_JSON_BREAK_TABLE)


def clean_inline(text: str) -> str:
    """One paragraph on one line: runs of whitespace (newlines too) become one space."""
    return _SPACES.sub(" ", normalize_text(text).replace("\n", " ")).strip()


def make_blocks(pairs: Sequence[tuple[str, str] | Block]) -> tuple[Block, ...]:
    """Blocks from (kind, text) pairs or Blocks, dropping the empty ones. Code keeps its lines
    and spaces; table rows keep their cells (an empty cell stays, as a table needs it)."""
    blocks = []
    for pair in pairs:
        block = pair if isinstance(pair, Block) else Block(*pair)
        if block.kind in VERBATIM_KINDS:
            code = normalize_text(block.text).strip("\n")
            if code.strip():
                blocks.append(Block(block.kind, code))
        elif block.kind in TABLE_KINDS:
            cells = tuple(clean_inline(cell) for cell in block.cells or (block.text,))
            if any(cells):
                blocks.append(Block(block.kind, " | ".join(cells), cells))
        elif cleaned := clean_inline(block.text):
            blocks.append(Block(block.kind, cleaned))
    return tuple(blocks)


def path_key(path: Path, index: int | None = None) -> str:
    resolved = str(path.resolve())
    return resolved if index is None else f"{resolved}#{index}"


def word_set(text: str, sep: str | None = None) -> frozenset[str]:
    """A set of markers written as one string: space-separated, or split on `sep`."""
    return frozenset(item.strip() for item in text.split(sep) if item.strip())


# A sentence end: ., !, ? or … (maybe closed by a quote or bracket) before a space and a
# capital or digit, after at least 12 characters (so "U.S." or "Д. Петренко" do not end it).
_FIRST_SENTENCE = re.compile(
    r"^(?P<first>.{12,}?[.!?…][»”\"')\]]?)(?=\s+[«\"„“(]?[^\W\d_a-zа-яёіїєґ]|\s+\d)"
)


def first_sentence(paragraph: str) -> str:
    """A paragraph's first sentence, as a title (its final full stop left off)."""
    match = _FIRST_SENTENCE.match(paragraph)
    sentence = match.group("first") if match else paragraph
    return sentence[:-1] if sentence.endswith(".") and not sentence.endswith("..") else sentence
