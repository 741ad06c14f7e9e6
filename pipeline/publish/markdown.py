"""Markdown with YAML front matter per article and language, laid out for Hugo.

The body is rendered by kind: "## " headings, "- " list items, "> " quotes, pipe tables (a
header row, then body rows: one cell per segment), fenced code kept byte for byte; inline code,
image references and URLs (pipeline.verbatim) are written as they are, everything else escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

import yaml

from pipeline.publish.collect import ArticleVersions
from pipeline.textformat import escape_markdown
from pipeline.verbatim import CODE, TABLE_HEADER, TABLE_KINDS, code_fence

__all__ = ["escape_markdown", "render_markdown"]


def markdown_body(
    paragraphs: Sequence[tuple[str, Sequence[str]]], *, loose_lists: bool = False
) -> list[str]:
    """Markdown lines of a body given as (kind, sentence texts) per paragraph; blocks are
    separated by a blank line, the rows of one table by none, and list items by none unless
    ``loose_lists`` (then every paragraph stands apart, as in the side-by-side files).

    A table starts at a row that follows no row, or at a header row that follows a body row;
    its first row is the header when it is one (GFM tables have a single header row, so later
    header rows are written as body rows), else the header is left empty."""
    lines: list[str] = []
    previous = ""
    for index, (kind, sentences) in enumerate(paragraphs):
        new_table = kind in TABLE_KINDS and (
            previous not in TABLE_KINDS or (kind == TABLE_HEADER and previous != TABLE_HEADER)
        )
        tight = (kind == previous == "li" and not loose_lists) or (
            kind in TABLE_KINDS and not new_table
        )
        if tight and lines and lines[-1] == "":
            lines.pop()
        if kind == CODE:
            code = "\n".join(sentences)
            fence = code_fence(code)
            lines += [fence, code, fence, ""]
        elif kind in TABLE_KINDS:
            width = _table_width(paragraphs, index)
            row = _pipe_row(sentences, width)
            delimiter = "|" + "|".join(" --- " for _ in range(width)) + "|"
            if not new_table:
                lines += [row, ""]
            elif kind == TABLE_HEADER:
                lines += [row, delimiter, ""]
            else:
                lines += [_pipe_row([], width), delimiter, row, ""]
        else:
            body = escape_markdown(" ".join(sentences))
            prefix = {"h": "## ", "quote": "> ", "li": "- "}.get(kind, "")
            lines += [f"{prefix}{body}", ""]
        previous = kind
    return lines


def _table_width(paragraphs: Sequence[tuple[str, Sequence[str]]], index: int) -> int:
    """The widest row of the run of table rows that paragraph `index` belongs to."""
    start = index
    while start > 0 and paragraphs[start - 1][0] in TABLE_KINDS:
        start -= 1
    end = index
    while end + 1 < len(paragraphs) and paragraphs[end + 1][0] in TABLE_KINDS:
        end += 1
    return max(len(paragraphs[i][1]) for i in range(start, end + 1))


def _pipe_row(cells: Sequence[str], width: int) -> str:
    padded = [escape_markdown(cell) for cell in cells] + [""] * (width - len(cells))
    return "| " + " | ".join(padded) + " |"


def render_markdown(article: ArticleVersions, lang: str) -> bytes:
    stored = article.stored
    version = article.langs[lang]
    source_slug = article.slug  # every language shares the slug; Hugo links them by key
    front: dict[str, object] = {
        "title": article.title(lang),
        "date": article.date,
        "lastmod": article.updated(lang),
        "lang": lang,
        "slug": article.slug,
        "translationKey": stored.id,
        "translation_of": None if lang == stored.lang else f"{stored.lang}/{source_slug}",
        "state": version.state,
        "machine_translated": version.machine_translated,
    }
    if front["date"] is None:
        del front["date"]  # a story without a date has none (Hugo then shows none)
    if version.models:
        front["models"] = list(version.models)
    if stored.author:
        front["author"] = stored.author
    if stored.url:
        front["source_url"] = stored.url
    lines = ["---", yaml.safe_dump(front, allow_unicode=True, sort_keys=False).rstrip(), "---", ""]
    lines += markdown_body([(kind, texts) for _, kind, texts in version.paragraph_sentences()])
    return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")
