"""Self-contained HTML pages of the diff views: inline CSS and JS, no network, every article
text escaped; a Content-Security-Policy lets only the page's own script run."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources
from pathlib import Path
from string import Template

from pipeline.diff.align import (
    ArticleView,
    Cell,
    CompareRow,
    CompareView,
    DiffError,
    DiffOptions,
    Row,
    build,
)
from pipeline.diff.worddiff import Piece
from pipeline.output import safe_child, write_if_changed
from pipeline.store import Store

_SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,120}")


def esc(text: object) -> str:
    return escape(str(text), quote=True)


@cache
def _resource(name: str) -> str:
    return (resources.files("pipeline.diff") / "templates" / name).read_text(encoding="utf-8")


def _script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def render_html(view: ArticleView | CompareView, *, index_href: str | None = None) -> str:
    """One article's page. index_href: a link back to the index page, when there is one."""
    info = view.article
    if isinstance(view, CompareView):
        body, columns = _compare_body(view), 3
        heading = f"{info.title} — {view.lang}: {view.a_spec} vs {view.b_spec}"
        table_class = "table compare"
    else:
        body, columns = _columns_body(view), len(view.langs)
        heading, table_class = info.title, "table columns"
    script = _resource("page.js")
    crumbs = f'<a href="{esc(index_href)}">all articles</a>' if index_href else ""
    return Template(_resource("page.html")).substitute(
        title=esc(heading),
        heading=esc(heading),
        meta=esc(
            f"article {info.id} · {info.slug} · source {info.lang} · revision {info.revision}"
        ),
        crumbs=crumbs,
        summary=_summary(view),
        flagged=view.flagged,
        total=len(view.rows),
        table_class=table_class,
        columns=columns,
        body=body,
        style=_resource("page.css"),
        script=script,
        script_hash=_script_hash(script),
    )


def _summary(view: ArticleView | CompareView) -> str:
    items = []
    if isinstance(view, CompareView):
        if view.scores is not None:
            items.append(
                f"<li>chrF {view.scores.chrf:.2f} · BLEU {view.scores.bleu:.2f}"
                f" (b against a, segments: {view.scores.segments})</li>"
            )
        rows = "units" if view.edition is not None else "segments"
        items.append(
            f"<li>word edits {view.distance} in {view.changed} of {len(view.rows)} {rows}</li>"
        )
    for name, count in view.counts.items():
        items.append(f'<li class="flag" data-flag="{esc(name)}">{esc(name)} {count}</li>')
    if not view.counts:
        items.append("<li>no checks flagged</li>")
    for key, count in view.missing.items():
        items.append(f'<li class="missing">{esc(key)} missing {count}</li>')
    return '<ul class="summary">' + "".join(items) + "</ul>"


def _columns_body(view: ArticleView) -> str:
    head = "".join(f'<div class="colhead">{esc(lang)}</div>' for lang in view.langs)
    parts = [f'<div class="row head"><div class="gutter"></div>{head}</div>']
    for row in view.rows:
        if row.para_start:
            parts.append(_para_break(row))
        cells = "".join(_cell(row.seg, cell, _text(cell)) for cell in row.cells)
        parts.append(_row(row, cells))
    return "\n".join(parts)


def _compare_body(view: CompareView) -> str:
    head = "".join(
        f'<div class="colhead">{esc(name)}</div>'
        for name in ("source", f"a: {view.a_spec}", f"b: {view.b_spec}")
    )
    parts = [f'<div class="row head"><div class="gutter"></div>{head}</div>']
    for row in view.rows:
        if row.para_start:
            parts.append(_para_break(row))
        label = " ".join(("source", *row.keys))
        source = Cell(lang=row.source_lang, text=row.source or None, origin="source", label=label)
        cells = _cell(row.seg, source, _text(source))
        for side, cell in (("a", row.a), ("b", row.b)):
            text = _text(cell) if row.diff is None else _pieces(row.diff.side(side))
            cells += _cell(row.seg, cell, text, side=side)
        parts.append(_row(row, cells))
    return "\n".join(parts)


def _para_break(row: Row | CompareRow) -> str:
    return (
        f'<div class="para-break" data-para="{row.para_index + 1}">'
        f"¶ {row.para_index + 1} · {esc(row.kind)}</div>"
    )


def _row(row: Row | CompareRow, cells: str) -> str:
    flags = row.flags
    classes = "row flagged" if flags else "row"
    gutter = str(row.sent_index + 1)
    if isinstance(row, CompareRow) and row.unit:
        gutter = f'{esc(row.unit)}<span class="kind" title="sentences">{esc(row.unit_kind)}</span>'
    if isinstance(row, CompareRow) and row.diff is not None:
        gutter += f'<span class="distance" title="word edits">d={row.diff.distance}</span>'
    if flags:
        gutter += '<span class="flagmark" title="flagged">&#9873;</span>'
    return (
        f'<div class="{classes}" data-seg="{esc(row.seg)}" data-flags="{esc(" ".join(flags))}">'
        f'<div class="gutter">{gutter}</div>{cells}</div>'
    )


def _cell(seg: str, cell: Cell, text_html: str, *, side: str | None = None) -> str:
    classes = ["cell", f"origin-{cell.origin}"]
    if cell.text is None:
        classes.append("missing")
    if cell.flags:
        classes.append("flagged")
    label = f"{side}: {cell.label}" if side else cell.label
    review = f'<span class="state">{esc(cell.review)}</span>' if cell.review else ""
    flags = "".join(f"<li>{esc(flag)}</li>" for flag in cell.flags)
    notes = "".join(f'<div class="notes">{esc(note)}</div>' for note in cell.notes)
    return (
        f'<div class="{" ".join(classes)}" tabindex="0" data-seg="{esc(seg)}"'
        f' data-lang="{esc(cell.lang)}" data-origin="{esc(cell.origin)}"'
        f' data-state="{esc(cell.state or "")}">'
        f'<div class="label"><span class="lang">{esc(cell.lang)}</span>'
        f'<span class="origin">{esc(label)}</span>{review}</div>'
        f'<div class="text" lang="{esc(cell.lang)}">{text_html}</div>'
        + (f'<ul class="flags">{flags}</ul>' if flags else "")
        + notes
        + "</div>"
    )


def _text(cell: Cell) -> str:
    return "—" if cell.text is None else esc(cell.text)


def _pieces(pieces: Sequence[Piece]) -> str:
    out = []
    for piece in pieces:
        if piece.tag == "delete":
            out.append(f"<del>{esc(piece.text)}</del>")
        elif piece.tag == "insert":
            out.append(f"<ins>{esc(piece.text)}</ins>")
        else:
            out.append(esc(piece.text))
        out.append(esc(piece.space))
    return "".join(out)


# -- every article ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexEntry:
    title: str
    slug: str
    file: str | None  # None: no page (the view could not be built)
    flagged: int
    total: int
    counts: dict[str, int]
    problem: str | None = None

    @property
    def weight(self) -> int:
        return sum(self.counts.values())


def write_all_html(store: Store, out_dir: Path, options: DiffOptions) -> list[Path]:
    """A page per article and index.html (worst first) in out_dir; returns the files written.

    An article whose comparison cannot be built (no such version) is listed without a page.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    root = out_dir.resolve()
    written: list[Path] = []
    entries: list[IndexEntry] = []
    for summary in store.list_articles():
        try:
            view = build(store, summary.id, options)
        except DiffError as exc:
            stored = store.article(summary.id)
            entries.append(
                IndexEntry(
                    stored.title,
                    stored.slug,
                    None,
                    0,
                    len(stored.segments),
                    {},
                    problem=str(exc),
                )
            )
            continue
        name = _file_name(view.article.slug, view.article.id)
        path = safe_child(root, name)
        write_if_changed(path, render_html(view, index_href="index.html"))
        written.append(path)
        entries.append(
            IndexEntry(
                view.article.title,
                view.article.slug,
                name,
                view.flagged,
                len(view.rows),
                dict(view.counts),
            )
        )
    index = safe_child(root, "index.html")
    write_if_changed(index, render_index(entries, options))
    written.append(index)
    return written


def _file_name(slug: str, article_id: str) -> str:
    stem = slug if _SAFE_NAME.fullmatch(slug) and slug != "index" else None
    if stem is None:
        stem = re.sub(r"[^a-z0-9]", "", article_id.lower()) or "article"
    return f"{stem}.html"


def ordered_entries(entries: Sequence[IndexEntry]) -> list[IndexEntry]:
    """Worst first: most flagged segments, then most flags, then title."""
    return sorted(entries, key=lambda e: (-e.flagged, -e.weight, e.title.lower(), e.slug))


def render_index(entries: Sequence[IndexEntry], options: DiffOptions) -> str:
    rows = []
    for entry in ordered_entries(entries):
        if entry.file:
            title = f'<a href="{esc(entry.file)}">{esc(entry.title)}</a>'
        else:
            title = f'{esc(entry.title)}<div class="notes">{esc(entry.problem or "")}</div>'
        checks = ", ".join(f"{name} {count}" for name, count in entry.counts.items())
        rows.append(
            f'<tr data-slug="{esc(entry.slug)}" data-flagged="{entry.flagged}">'
            f'<td>{title}</td><td class="num">{entry.flagged}</td>'
            f'<td>{esc(checks or "—")}</td><td class="num">{entry.total}</td></tr>'
        )
    if options.lang:
        meta = f"{options.lang}: {options.a or 'human'} vs {options.b or 'machine'}"
    else:
        meta = "languages: " + ", ".join(options.langs)
    return Template(_resource("index.html")).substitute(
        title="Articles — diff view",
        heading="Articles",
        meta=esc(f"{len(entries)} articles, worst first · {meta}"),
        rows="\n".join(rows),
        style=_resource("page.css"),
    )
