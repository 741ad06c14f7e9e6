"""What is never translated: code blocks, table structure, and verbatim spans inside prose.

Block and segment kinds (``pipeline.domain.Block``) beyond prose: ``code`` is a code block kept
byte for byte (one segment, never split, never sent to a model); ``th`` and ``tr`` are a table's
header and body rows, one segment per cell that holds text, its sentence index the cell's
column (an empty cell is no segment: every segment has text to review and edit). Inside
prose, inline code (`` `x` ``), Markdown image references (``![alt](src)``) and URLs are
verbatim spans: the translator protects them and publishing writes them back unescaped as
what they are.

Used by ingest (what to keep), analyze (what not to split), translate (what to protect) and
publish (how to render); it imports nothing of the project.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

CODE = "code"
TABLE_HEADER = "th"
TABLE_ROW = "tr"
TABLE_KINDS = frozenset({TABLE_HEADER, TABLE_ROW})
# Kinds whose text is kept as it is: never split, detected, translated or reflowed.
VERBATIM_KINDS = frozenset({CODE})

# Inline code is a backtick run closed by a run of the same length (CommonMark 6.1).
_CODE_SPAN = r"(?P<ticks>`+)(?!`).*?(?<!`)(?P=ticks)(?!`)"
# A Markdown image reference, optionally titled: ![alt](src "title").
_IMAGE = r"!\[[^\]\n]*\](?:\([^)\s]*(?:\s+\"[^\"\n]*\")?\)|\[[^\]\n]*\])"
# A URL ends before trailing sentence punctuation and closing brackets/quotes, which belong to
# the prose around it.
_URL = (
    r"(?:\b(?:https?|ftp)://|\bmailto:|\bwww\.)"
    r"[^\s<>\"«»“”`]*[^\s<>\"«»“”`.,;:!?)\]}'’]"
)
SPAN = re.compile(f"{_CODE_SPAN}|{_IMAGE}|{_URL}")
_IMAGE_PARTS = re.compile(r"!\[(?P<alt>[^\]\n]*)\]\((?P<src>[^)\s]*)(?:\s+\"[^\"\n]*\")?\)")


def place_cells(cells: Iterable[tuple[int, str]]) -> tuple[str, ...]:
    """A table row's cells from (column, text) pairs: an empty cell is no segment, so its
    column is left out of the pairs and comes back here as ""."""
    placed = dict(cells)
    width = max(placed, default=-1) + 1
    return tuple(placed.get(column, "") for column in range(width))


def split_spans(text: str) -> list[tuple[bool, str]]:
    """The text as consecutive (is_verbatim, part) pairs whose parts join back to it exactly."""
    parts: list[tuple[bool, str]] = []
    position = 0
    for match in SPAN.finditer(text):
        if match.start() > position:
            parts.append((False, text[position : match.start()]))
        parts.append((True, match.group()))
        position = match.end()
    if position < len(text):
        parts.append((False, text[position:]))
    return parts


def has_spans(text: str) -> bool:
    return SPAN.search(text) is not None


def span_kind(span: str) -> str:
    """ "code", "image" or "url" for a verbatim span that split_spans found."""
    if span.startswith("`"):
        return "code"
    if span.startswith("!["):
        return "image"
    return "url"


def code_span_text(span: str) -> str:
    """The code inside a backtick span; one space padding both ends is stripped (CommonMark)."""
    ticks = len(span) - len(span.lstrip("`"))
    inner = span[ticks : len(span) - ticks]
    if len(inner) >= 2 and inner[0] == inner[-1] == " " and inner.strip():
        inner = inner[1:-1]
    return inner


def code_span(code: str) -> str:
    """Inline code as a backtick span that holds it exactly (a longer run when it has ticks)."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{ticks}{pad}{code}{pad}{ticks}"


def image_parts(span: str) -> tuple[str, str] | None:
    """(alt, src) of an image reference span, None for other spans."""
    match = _IMAGE_PARTS.fullmatch(span)
    return (match.group("alt"), match.group("src")) if match else None


def code_fence(code: str) -> str:
    """A backtick fence longer than any backtick run inside the code (at least three)."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    return "`" * max(3, longest + 1)
