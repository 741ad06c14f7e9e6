"""Ingest: files (txt page dumps, HTML, Markdown, JSON/JSONL) → RawArticle, chrome removed.

Public API: IngestOptions, IngestError, iter_files, read_path, read_items, iter_articles.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from pipeline.domain import RawArticle, language_code, story_key
from pipeline.ingest import jsonfmt, short, text
from pipeline.ingest.byline import clean_author
from pipeline.ingest.common import (
    FORMATS,
    IngestError,
    IngestOptions,
    OwnFilesSkipped,
    escape_json_breaks,
    first_sentence,
    make_blocks,
    normalize_text,
)
from pipeline.ingest.dates import normalize_date
from pipeline.ingest.files import decode_bytes, format_of, iter_files, read_bytes

__all__ = [
    "FORMATS",
    "IngestError",
    "IngestOptions",
    "OwnFilesSkipped",
    "batch_boilerplate",
    "iter_articles",
    "iter_files",
    "read_items",
    "read_path",
]

# A short line in at least this many text dumps of one batch is the site's chrome.
BOILERPLATE_MIN_FILES = 3

Reader = Callable[[Path, str, str, IngestOptions], list[RawArticle | IngestError]]


def read_path(path: Path, options: IngestOptions) -> list[RawArticle]:
    """All articles of one file; raises IngestError for the file or its first bad record."""
    items = read_items(path, options)
    for item in items:
        if isinstance(item, IngestError):
            raise item
    return [item for item in items if isinstance(item, RawArticle)]


def read_items(path: Path, options: IngestOptions) -> list[RawArticle | IngestError]:
    """Articles of one file, with an IngestError in place of each record that failed."""
    path = Path(path)
    try:
        fmt = format_of(path)
        data = read_bytes(path, options)
        repaired = None
        if fmt == "html":
            from pipeline.ingest.html import decode_page

            decoded, encoding, repaired = decode_page(path, data)
        else:
            decoded, encoding = decode_bytes(path, data)
            if fmt in ("json", "jsonl"):
                decoded = escape_json_breaks(decoded)
        items = _READERS[fmt](path, normalize_text(decoded), encoding, options)
    except IngestError as err:
        return [err]
    if repaired:
        items = [
            replace(item, notes=(*item.notes, repaired)) if isinstance(item, RawArticle) else item
            for item in items
        ]
    return items


def iter_articles(
    paths: Sequence[Path], options: IngestOptions
) -> Iterator[RawArticle | IngestError | OwnFilesSkipped]:
    """Every article under the paths, in order; a bad file or record yields its error and
    the batch goes on. When folder walks left out the tool's own files, one OwnFilesSkipped
    comes last."""
    roots = [Path(p) for p in paths]
    files: list[Path] = []
    own: list[Path] = []
    for root in roots:
        own_before = len(own)
        found = list(iter_files([root], own=own))
        if root.is_dir() and not found and len(own) == own_before:
            yield IngestError(
                root, "no files to ingest in this folder", "check the path or its .pipelineignore"
            )
        files.extend(f for f in found if f not in files)
    if not options.boilerplate:
        options = replace(options, boilerplate=batch_boilerplate(files, options))
    for path in files:
        try:
            yield from read_items(path, options)
        except Exception as err:  # noqa: BLE001 - one odd file must not stop a batch
            yield IngestError(
                path,
                f"could not be parsed ({type(err).__name__}: {err})",
                "report this file to the pipeline maintainers",
            )
    if own:
        yield OwnFilesSkipped(len(set(own)))


def batch_boilerplate(files: Sequence[Path], options: IngestOptions) -> frozenset[str]:
    """Keys of short lines that recur in several text dumps of a batch."""
    dumps = [f for f in files if f.suffix.lower() == ".txt"]
    if len(dumps) < BOILERPLATE_MIN_FILES:
        return frozenset()
    counts: Counter[str] = Counter()
    for path in dumps:
        try:
            decoded, _ = decode_bytes(path, read_bytes(path, options))
        except IngestError:
            continue
        counts.update(text.boilerplate_keys(normalize_text(decoded)))
    return frozenset(key for key, n in counts.items() if n >= BOILERPLATE_MIN_FILES)


def _lang(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return language_code(value)


def _read_txt(
    path: Path, decoded: str, encoding: str, options: IngestOptions
) -> list[RawArticle | IngestError]:
    cleaned = text.clean_dump(decoded, options.boilerplate)
    if cleaned is None or not make_blocks(cleaned.blocks):
        # Short files are stories too: a title line and a paragraph, or one paragraph alone.
        cleaned = short.short_story(decoded) or cleaned
    if cleaned is None:
        raise IngestError(
            path,
            "no article text found (every line looks like site chrome)",
            "check that the file holds the story",
        )
    blocks = make_blocks(cleaned.blocks)
    if not blocks:
        raise IngestError(
            path,
            f"found the headline {cleaned.title[:60]!r} but no story after it",
            "check that the file holds the story text",
        )
    return [
        RawArticle(
            source_path=str(path),
            key=story_key(url=cleaned.url, title=cleaned.title, date=cleaned.date),
            format="txt",
            title=cleaned.title,
            blocks=blocks,
            author=cleaned.author,
            date=cleaned.date,
            url=cleaned.url,
            dropped=tuple(cleaned.dropped),
            encoding=encoding,
            notes=tuple(cleaned.warnings),
        )
    ]


def _read_html(
    path: Path, decoded: str, encoding: str, options: IngestOptions
) -> list[RawArticle | IngestError]:
    from pipeline.ingest.html import declared_original, parse_html

    parts = parse_html(decoded)
    if parts is None or not parts.blocks:
        raise IngestError(
            path,
            "no main content found in the page",
            "check that the page holds the story, or save it as text",
        )
    blocks = make_blocks(parts.blocks)
    title = parts.title
    if not title and blocks and blocks[0].kind == "p":
        # A fragment (a CMS body, a paragraph pasted into a file): titled by its start, as a
        # Markdown or text file without a headline is.
        title = first_sentence(blocks[0].text)
    if not title:
        raise IngestError(
            path, "no title found (no <title>, <h1> or og:title)", "add a title to the page"
        )
    return [
        RawArticle(
            source_path=str(path),
            key=story_key(url=parts.url, title=title, date=parts.date),
            format="html",
            title=title,
            blocks=blocks,
            author=parts.author,
            date=parts.date,
            url=parts.url,
            lang_hint=parts.lang,
            dropped=tuple(parts.dropped),
            encoding=encoding,
            translation_of=declared_original(parts),
        )
    ]


def _read_markdown(
    path: Path, decoded: str, encoding: str, options: IngestOptions
) -> list[RawArticle | IngestError]:
    from pipeline.ingest.markdown import FrontMatterError, meta_text, parse_markdown

    try:
        parts = parse_markdown(decoded)
    except FrontMatterError as err:
        raise IngestError(path, str(err), "fix the block between the --- lines") from None
    blocks = make_blocks(parts.blocks)
    title = parts.title
    if not title and blocks and blocks[0].kind == "p":
        # No heading: a first line that reads as a headline is the title, else the story is
        # titled by its start and keeps it, as a one-paragraph file is.
        if len(blocks) > 1 and short.is_title_line(blocks[0].text):
            title, blocks = blocks[0].text, blocks[1:]
        else:
            title = first_sentence(blocks[0].text)
    if not title:
        raise IngestError(path, "no title", "add 'title:' to the front matter or a '# ' heading")
    if not blocks:
        raise IngestError(path, "no body text after the title", "add the story text")
    url = meta_text(parts.meta.get("url") or parts.meta.get("canonical"))
    author = parts.meta.get("author") or parts.meta.get("authors")
    date, notes = _date_field(parts.meta, ("date", "published", "pubDate"))
    return [
        RawArticle(
            source_path=str(path),
            key=story_key(url=url, title=title, date=date),
            format="md",
            title=title,
            blocks=blocks,
            author=clean_author(meta_text(author)),
            date=date,
            url=url,
            lang_hint=_lang(parts.meta.get("lang") or parts.meta.get("language")),
            dropped=tuple(parts.dropped),
            encoding=encoding,
            translation_of=meta_text(parts.meta.get("translation_of")),
            notes=notes,
        )
    ]


def _read_json(
    path: Path, decoded: str, encoding: str, options: IngestOptions
) -> list[RawArticle | IngestError]:
    fmt = "jsonl" if path.suffix.lower() == ".jsonl" else "json"
    if fmt == "jsonl":
        records = jsonfmt.jsonl_records(decoded)
    else:
        try:
            records = jsonfmt.json_records(decoded)
        except ValueError as err:
            raise IngestError(
                path, str(err), "fix the JSON (or use .jsonl for one object a line)"
            ) from None
    if not records:
        raise IngestError(path, "no records", "add at least one article object")
    several = fmt == "jsonl" or len(records) > 1 or decoded.lstrip().startswith("[")
    return [_record_article(path, fmt, record, several, encoding) for record in records]


def _record_article(
    path: Path, fmt: str, record: jsonfmt.Record, several: bool, encoding: str
) -> RawArticle | IngestError:
    where = f"line {record.line}" if record.line is not None else f"record {record.index}"
    if record.data is None:
        return IngestError(
            path, f"{where}: {record.problem}", "fix or remove that record; the others were read"
        )
    data = record.data
    title = jsonfmt.field_text(data, jsonfmt.TITLE_FIELDS)
    body = jsonfmt.field_text(data, jsonfmt.BODY_FIELDS)
    for name, value in (("title", title), ("body", body)):
        if value is None:
            return IngestError(
                path,
                f"{where}: missing or empty field {name!r}",
                f"add a {name!r} string to the record",
            )
    assert title is not None and body is not None
    blocks = make_blocks(jsonfmt.body_blocks(normalize_text(body)))
    if not blocks:
        return IngestError(path, f"{where}: field 'body' has no text", "add the story text")
    url = jsonfmt.field_text(data, ("url", "link", "canonical"))
    url = url.strip() if url else None
    author = jsonfmt.field_text(data, ("author", "authors", "byline"))
    date, notes = _date_field(data, DATE_FIELDS, f"{where}: " if several else "")
    return RawArticle(
        source_path=str(path),
        key=story_key(url=url, title=title, date=date),
        format=fmt,
        title=jsonfmt.meta_text(title) or title.strip(),
        blocks=blocks,
        author=clean_author(jsonfmt.meta_text(author)),
        date=date,
        url=url,
        lang_hint=_lang(data.get("lang") or data.get("language")),
        encoding=encoding,
        translation_of=jsonfmt.field_text(data, ("translation_of",)),
        notes=notes,
    )


# Publication-date fields of CMS exports and front matter, first found wins (schema.org
# datePublished, RSS pubDate, WordPress/Ghost/Strapi exports' published_at and date).
DATE_FIELDS = (
    "date",
    "published",
    "datePublished",
    "date_published",
    "published_at",
    "publishedAt",
    "pubDate",
)


def _date_field(
    data: dict[str, object], names: tuple[str, ...], where: str = ""
) -> tuple[str | None, tuple[str, ...]]:
    """The first date field present, as ISO 8601; an unreadable value gives no date and one
    note saying so (the value is never stored as is, nor replaced by the current time)."""
    for name in names:
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        iso = normalize_date(value)
        if iso is not None:
            return iso, ()
        shown = " ".join(str(value).split())[:60]
        return None, (
            f"{where}{name} {shown!r} is not a date this reader knows, so the article is"
            " stored without a date; write it as 2026-03-15 or 2026-03-15T14:30:00+02:00",
        )
    return None, ()


_READERS: dict[str, Reader] = {
    "txt": _read_txt,
    "html": _read_html,
    "md": _read_markdown,
    "json": _read_json,
    "jsonl": _read_json,
}
