"""The SQLite store: the only package that speaks SQL.

Articles have revisions; a revision has segments (paragraph index, sentence index); a segment has
versions, one row per language and provenance. The alignment is (para_index, sent_index).

`Store` owns the connection, the migrations and transactions, and hands out one object per table
family: `store.articles`, `store.versions`, `store.memory`, `store.units` (alignment units).
The flat methods (`save_article`, `article`, `current_versions`, ...) are the stable API every
stage uses.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from pipeline.domain import Article, ArticleSummary, Segment, Version
from pipeline.store.articles import Articles
from pipeline.store.common import (
    ArticleNotFound,
    Clock,
    EditionLink,
    HistoryEntry,
    SaveResult,
    StoredArticle,
    StoreError,
    now,
)
from pipeline.store.memory import Memory, human_key
from pipeline.store.schema import MIGRATIONS, Step
from pipeline.store.units import HumanWrite, NewUnit, StoredUnit, Units
from pipeline.store.versions import Versions

DB_ENV = "PIPELINE_DB"
DEFAULT_DB = "pipeline.db"

__all__ = [
    "DB_ENV",
    "DEFAULT_DB",
    "MIGRATIONS",
    "ArticleNotFound",
    "EditionLink",
    "HistoryEntry",
    "HumanWrite",
    "NewUnit",
    "SaveResult",
    "Step",
    "Store",
    "StoreError",
    "StoredArticle",
    "StoredUnit",
    "default_db_path",
    "human_key",
    "now",
]


def default_db_path(env: dict[str, str] | None = None) -> Path:
    env = dict(os.environ) if env is None else env
    return Path(env.get(DB_ENV) or DEFAULT_DB)


class Store:
    """A connection to one pipeline database. Use as a context manager or call close().

    `clock` gives the timestamps written (ISO 8601 UTC); tests pass a fixed one. Raises
    StoreError when the file cannot be opened, is not a pipeline database, or has a newer schema.
    """

    def __init__(self, path: str | Path, *, clock: Clock | None = None) -> None:
        self.path = Path(path)
        # looked up at each call, so a test that replaces `pipeline.store.now` still works
        self.clock: Clock = clock or (lambda: now())
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open database ({exc}); check --db") from exc
        self.conn.row_factory = sqlite3.Row
        self.articles = Articles(self)
        self.versions = Versions(self)
        self.memory = Memory(self)
        self.units = Units(self)
        try:
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise StoreError(
                f"{self.path}: not a pipeline database ({exc}); choose another file with --db"
            ) from exc

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        current = self.schema_version
        if current > len(MIGRATIONS):
            raise StoreError(
                f"{self.path}: database schema {current} is newer than this pipeline "
                f"({len(MIGRATIONS)}); upgrade pipeline"
            )
        for number, step in enumerate(MIGRATIONS[current:], start=current + 1):
            with self.transaction() as conn:
                step.apply(conn)
                conn.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT: no other writer in between; rolled back on any error.

        Nested use joins the outer transaction."""
        if self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- the flat API (kept for every caller) -------------------------------------------------

    def save_article(self, article: Article) -> SaveResult:
        return self.articles.save(article)

    def resolve(self, ref: str) -> str:
        return self.articles.resolve(ref)

    def article(self, ref: str, *, revision: int | None = None) -> StoredArticle:
        return self.articles.get(ref, revision=revision)

    def article_ids(self, *, editions: bool = False) -> list[str]:
        return self.articles.ids(editions=editions)

    def list_articles(self) -> list[ArticleSummary]:
        return self.articles.list()

    def editions_of(self, article_id: str) -> list[str]:
        return self.articles.editions_of(article_id)

    def delete_article(self, ref: str) -> str:
        return self.articles.delete(ref)

    def link_edition(
        self, edition_ref: str, original_ref: str, *, confidence: float = 1.0
    ) -> EditionLink:
        return self.articles.link_edition(edition_ref, original_ref, confidence=confidence)

    def article_versions(self, stored: StoredArticle, *, lang: str | None = None) -> list[Version]:
        return self.versions.of_article(stored, lang=lang)

    def current_versions(self, stored: StoredArticle, lang: str) -> dict[int, Version]:
        return self.versions.current(stored, lang)

    def missing(self, stored: StoredArticle, lang: str, *, compare: bool = False) -> list[Segment]:
        return self.versions.missing(stored, lang, compare=compare)

    def add_versions(self, versions: Sequence[Version]) -> int:
        return self.versions.add(versions)

    def set_state(self, version_ids: Sequence[int], state: str) -> None:
        self.versions.set_state(version_ids, state)

    def memory_get(self, signature_key: str, sources: Sequence[str]) -> dict[str, str]:
        return self.memory.get(signature_key, sources)

    def memory_put(
        self,
        signature_key: str,
        pairs: Sequence[tuple[str, str]],
        *,
        scores: Sequence[float | None] | None = None,
    ) -> None:
        self.memory.put(signature_key, pairs, scores=scores)

    def memory_scores(self, signature_key: str, sources: Sequence[str]) -> dict[str, float]:
        return self.memory.scores(signature_key, sources)

    def memory_size(self) -> int:
        return self.memory.size()
