"""Plain-text rendering of the diff views: tables wrapped to a width, ANSI colour optional.

Without colour, word diffs read [-deleted-] and {+inserted+}.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.diff.align import ArticleView, Cell, CompareRow, CompareView, Row
from pipeline.diff.worddiff import Piece, marked_piece

Span = tuple[str, str | None]  # (text, style name or None)
Line = list[Span]

ANSI: dict[str, str] = {
    "del": "\x1b[31;9m",  # red, struck through
    "ins": "\x1b[32;1m",  # bold green
    "label": "\x1b[2m",  # dim
    "flag": "\x1b[33m",  # yellow
    "missing": "\x1b[2;3m",  # dim italic
    "title": "\x1b[1m",
}
RESET = "\x1b[0m"
GUTTER = 4
MIN_COLUMN = 8
FLAG_MARK = "⚑"


def render_terminal(view: ArticleView | CompareView, *, width: int, color: bool) -> str:
    if isinstance(view, CompareView):
        return _render_compare(view, width=width, color=color)
    return _render_columns(view, width=width, color=color)


# -- the column view -------------------------------------------------------------------------


def _render_columns(view: ArticleView, *, width: int, color: bool) -> str:
    info = view.article
    out = _lines([[(info.title, "title")], [(_about(view), None)]], width, color) + [""]
    column = _column_width(width, len(view.langs))
    out.append(_join_row("", list(view.langs), column))
    for row in view.rows:
        if row.para_start:
            out.append(_para_rule(row.para_index, row.kind, width))
        else:
            out.append(_join_row("", [""] * len(view.langs), column))
        blocks = [_cell_lines(cell, column, color) for cell in row.cells]
        out.extend(_block_rows(_gutter(row), blocks, column, color))
    out.append("─" * width)
    summary = [_checks_spans(view.counts, view.flagged, len(view.rows))]
    summary += _missing_spans(view.missing, "versions")
    out.extend(_lines(summary, width, color))
    return "\n".join(out) + "\n"


def _about(view: ArticleView | CompareView) -> str:
    info = view.article
    return f"article {info.id} · {info.slug} · source {info.lang} · revision {info.revision}"


def _lines(paragraphs: Sequence[Sequence[Span]], width: int, color: bool) -> list[str]:
    """Free text (headers, summaries) wrapped to the full width."""
    return [_render_line(line, color) for spans in paragraphs for line in wrap_spans(spans, width)]


def _missing_spans(missing: dict[str, int], what: str) -> list[list[Span]]:
    if not missing:
        return []
    listed = " · ".join(f"{key} {count}" for key, count in missing.items())
    return [[(f"Missing {what}: {listed}", None)]]


def _cell_lines(cell: Cell, column: int, color: bool) -> list[Line]:
    lines: list[Line] = wrap_spans([(cell.heading, "label")], column)
    if cell.text is None:
        lines += wrap_spans([("—", "missing")], column)
    else:
        lines += wrap_spans([(cell.text, None)], column)
    lines += _flag_lines(cell.flags, cell.notes, column)
    return lines


def _flag_lines(flags: Sequence[str], notes: Sequence[str], column: int) -> list[Line]:
    lines: list[Line] = []
    if flags:
        lines += wrap_spans([(f"{FLAG_MARK} " + ", ".join(flags), "flag")], column)
    for note in notes:
        lines += wrap_spans([(f"  {note}", "label")], column)
    return lines


def _gutter(row: Row | CompareRow) -> list[str]:
    if isinstance(row, CompareRow) and row.unit:
        return [row.unit, row.unit_kind, FLAG_MARK if row.flags else ""]
    return [str(row.sent_index + 1), FLAG_MARK if row.flags else ""]


# -- the compare view ------------------------------------------------------------------------


def _render_compare(view: CompareView, *, width: int, color: bool) -> str:
    info = view.article
    out = _lines(
        [
            [(info.title, "title")],
            [(_about(view), None)],
            [(f"{view.lang}: a = {view.a_spec}, b = {view.b_spec}", None)],
            *_edition_spans(view),
        ],
        width,
        color,
    ) + [""]
    column = _column_width(width, 3)
    out.append(_join_row("", ["source", f"a: {view.a_spec}", f"b: {view.b_spec}"], column))
    for row in view.rows:
        if row.para_start:
            out.append(_para_rule(row.para_index, row.kind, width))
        else:
            out.append(_join_row("", ["", "", ""], column))
        label = " ".join((row.source_lang, *row.keys))
        source = wrap_spans([(label, "label")], column) + wrap_spans(
            [(row.source or "—", None if row.source else "missing")], column
        )
        blocks = [source, *(_side_lines(row, side, column, color) for side in ("a", "b"))]
        gutter = _gutter(row)
        if row.diff is not None:
            gutter.insert(2 if row.unit else 1, f"d={row.diff.distance}")
        out.extend(_block_rows(gutter, blocks, column, color))
    out.append("─" * width)
    summary: list[list[Span]] = []
    if view.scores is not None:
        summary.append(
            [
                (
                    f"chrF {view.scores.chrf:.2f} · BLEU {view.scores.bleu:.2f}"
                    f" (b against a, {_plural(view.scores.segments, _rows(view)[:-1])})",
                    None,
                )
            ]
        )
    summary.append(
        [(f"Word edits: {view.distance} in {view.changed} of {len(view.rows)} {_rows(view)}", None)]
    )
    summary.append(_checks_spans(view.counts, view.flagged, len(view.rows)))
    summary += _missing_spans(view.missing, "sides")
    out.extend(_lines(summary, width, color))
    return "\n".join(out) + "\n"


def _edition_spans(view: CompareView) -> list[list[Span]]:
    if view.edition is None:
        return []
    edition = view.edition
    return [
        [
            (
                f"units of the story: a = edition {edition.id} · {edition.slug},"
                " gutter = unit, sentences (source-edition) and word edits",
                None,
            )
        ]
    ]


def _rows(view: CompareView) -> str:
    return "units" if view.edition is not None else "segments"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _side_lines(row: CompareRow, side: str, column: int, color: bool) -> list[Line]:
    cell = row.a if side == "a" else row.b
    lines: list[Line] = wrap_spans([(cell.heading, "label")], column)
    if cell.text is None:
        lines += wrap_spans([("—", "missing")], column)
    elif row.diff is None:
        lines += wrap_spans([(cell.text, None)], column)
    else:
        lines += wrap_spans(_diff_spans(row.diff.side(side), color), column)
    return lines + _flag_lines(cell.flags, cell.notes, column)


def _diff_spans(pieces: Sequence[Piece], color: bool) -> list[Span]:
    spans: list[Span] = []
    for piece in pieces:
        style = None if piece.tag == "equal" else ("del" if piece.tag == "delete" else "ins")
        text = piece.text if color else marked_piece(piece)
        spans.append((text, style if color else None))
        if piece.space:
            spans.append((" ", None))
    return spans


# -- layout ----------------------------------------------------------------------------------


def _column_width(width: int, columns: int) -> int:
    return max(MIN_COLUMN, (width - GUTTER - 3 * columns) // columns)


def _join_row(gutter: str, cells: Sequence[str], column: int) -> str:
    parts = [gutter.ljust(GUTTER)] + [cell[:column].ljust(column) for cell in cells]
    return " │ ".join(parts).rstrip()


def _para_rule(para_index: int, kind: str, width: int) -> str:
    return f"¶{para_index + 1} {kind} ".ljust(width, "─")


def _block_rows(
    gutter: Sequence[str], blocks: Sequence[list[Line]], column: int, color: bool
) -> list[str]:
    height = max(len(gutter), *(len(block) for block in blocks))
    rows = []
    for number in range(height):
        parts = [(gutter[number] if number < len(gutter) else "").ljust(GUTTER)]
        for block in blocks:
            line = block[number] if number < len(block) else []
            parts.append(_render_line(line, color) + " " * (column - _visible(line)))
        rows.append(" │ ".join(parts).rstrip())
    return rows


def _checks_spans(counts: dict[str, int], flagged: int, total: int) -> list[Span]:
    if not counts:
        return [(f"Checks: none flagged · flagged segments: 0 of {total}", None)]
    listed = " · ".join(f"{name} {count}" for name, count in counts.items())
    return [
        ("Checks:", None),
        (" ", None),
        (listed, "flag"),
        (f" · flagged segments: {flagged} of {total}", None),
    ]


# -- styled wrapping -------------------------------------------------------------------------

_PARTS = re.compile(r"\s+|\S+")


def wrap_spans(spans: Sequence[Span], width: int) -> list[Line]:
    """Greedy word wrap of styled text to ``width`` visible characters; a word longer than a
    line is cut. Runs of whitespace count as one space."""
    words: list[Line] = []
    current: Line = []
    for text, style in spans:
        for part in _PARTS.findall(text):
            if part.isspace():
                if current:
                    words.append(current)
                    current = []
            else:
                current.append((part, style))
    if current:
        words.append(current)
    lines: list[Line] = []
    line: Line = []
    for word in words:
        for chunk in _cut(word, width):
            size = _visible(chunk)
            if line and _visible(line) + 1 + size > width:
                lines.append(line)
                line = []
            if line:
                line = _merge(line, [(" ", None)])
            line = _merge(line, chunk)
    if line or not lines:
        lines.append(line)
    return lines


def _cut(word: Line, width: int) -> list[Line]:
    if _visible(word) <= width:
        return [word]
    chunks: list[Line] = []
    chunk: Line = []
    for text, style in word:
        while text:
            room = width - _visible(chunk)
            chunk.append((text[:room], style))
            text = text[room:]
            if _visible(chunk) == width:
                chunks.append(chunk)
                chunk = []
    if chunk:
        chunks.append(chunk)
    return chunks


def _merge(line: Line, more: Line) -> Line:
    merged = list(line)
    for text, style in more:
        if merged and merged[-1][1] == style:
            merged[-1] = (merged[-1][0] + text, style)
        else:
            merged.append((text, style))
    return merged


def _visible(line: Line) -> int:
    return sum(len(text) for text, _ in line)


def _render_line(line: Line, color: bool) -> str:
    return "".join(_style(text, style, color) for text, style in line)


def _style(text: str, style: str | None, color: bool) -> str:
    if not color or style is None or not text:
        return text
    return f"{ANSI[style]}{text}{RESET}"
