"""What every part of the store shares: errors, result records and row conversion."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from pipeline.domain import NotFound, PipelineError, Segment, Signature, Version

Clock = Callable[[], str]


class StoreError(PipelineError):
    pass


class ArticleNotFound(StoreError, NotFound):
    status = 404


@dataclass(frozen=True)
class SaveResult:
    article_id: str
    status: str  # "new", "revised" or "unchanged"
    revision: int
    carried: int = 0  # versions carried over from the previous revision (revised only)
    stale: int = 0  # (segment, language) pairs whose reviewed text no longer fits the source


@dataclass(frozen=True)
class EditionLink:
    edition_id: str
    original_id: str
    lang: str
    aligned: int  # original segments that received the edition's sentence as a human version
    segments: int


@dataclass(frozen=True)
class StoredArticle:
    """An article's revision as stored: metadata and segments with their row ids."""

    id: str
    slug: str
    revision: int
    revision_id: int
    source_path: str
    format: str
    title: str
    author: str | None
    date: str | None
    url: str | None
    lang: str
    confidence: float
    segments: tuple[Segment, ...]
    created: str
    edition_of: str | None = None
    translation_of: str | None = None
    key: str = ""
    edition_confidence: float | None = None  # how sure the pairing was (pipeline.alignjob)
    latest: int = 0  # the article's newest revision number (0: unknown)
    first_created: str = ""  # when the article was first stored (its first revision)


@dataclass(frozen=True)
class HistoryEntry:
    """One version of a (segment, language) as its history shows it: the version, who wrote it
    (None: a machine, the source, or a version stored before authors were kept) and the version
    its writer had read (None where unknown)."""

    version: Version
    author: str | None = None
    based_on: int | None = None


T = TypeVar("T")
# Bound variables per `IN (...)` query, under SQLite's default limit (999 before 3.32).
IN_BATCH = 500


def in_batches(items: Sequence[T]) -> Iterator[tuple[list[T], str]]:
    """``items`` in slices of IN_BATCH, each with its "?,?,..." placeholders for `IN (...)`."""
    for start in range(0, len(items), IN_BATCH):
        chunk = list(items[start : start + IN_BATCH])
        yield chunk, ",".join("?" * len(chunk))


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def version_from_row(row: sqlite3.Row) -> Version:
    signature = None
    if row["origin"] == "machine" and row["model_id"]:
        signature = Signature(
            model_id=row["model_id"],
            revision=row["model_revision"],
            decoding=row["decoding"] or "{}",
            route=row["route"] or "",
            engine=row["engine"] or "transformers",
        )
    return Version(
        id=row["id"],
        segment_id=row["segment_id"],
        lang=row["lang"],
        text=row["text"],
        origin=row["origin"],
        state=row["state"],
        signature=signature,
        flags=tuple(json.loads(row["flags"])),
        created=row["created"],
        score=row["score"],
    )


def insert_versions(conn: sqlite3.Connection, versions: Sequence[Version], created: str) -> int:
    """Insert versions; a machine or source version already there is skipped. Returns how many
    rows were written."""
    inserted = 0
    for v in versions:
        sig = v.signature
        cursor = conn.execute(
            "INSERT OR IGNORE INTO versions (segment_id, lang, text, origin, state, model_id,"
            " model_revision, decoding, route, engine, signature_key, flags, created, score)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                v.segment_id,
                v.lang,
                v.text,
                v.origin,
                v.state,
                sig.model_id if sig else None,
                sig.revision if sig else None,
                sig.decoding if sig else None,
                sig.route if sig else None,
                sig.engine if sig else None,
                sig.key if sig else ("" if v.origin == "machine" else None),
                json.dumps(list(v.flags)),
                v.created or created,
                # only a model's output has a model's score
                v.score if v.origin == "machine" else None,
            ),
        )
        inserted += cursor.rowcount
    return inserted
