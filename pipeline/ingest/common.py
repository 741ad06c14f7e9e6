"""Options, the ingest error, and the text normalisation every reader applies."""

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


# Invisible characters that only get in the way of matching and translation.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")


def normalize_text(text: str) -> str:
    """NFC, Unix newlines, no invisible or control characters; otherwise verbatim."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text)


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
