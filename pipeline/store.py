"""The SQLite store: the only module that speaks SQL.

Articles have revisions; a revision has segments (paragraph index, sentence index); a segment has
versions, one row per language and provenance. The alignment is (para_index, sent_index).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipeline.domain import (
    Article,
    ArticleSummary,
    PipelineError,
    Segment,
    Signature,
    Version,
    slugify,
)

DB_ENV = "PIPELINE_DB"
DEFAULT_DB = "pipeline.db"


class StoreError(PipelineError):
    pass


class ArticleNotFound(StoreError):
    pass


MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema
    """
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        key TEXT NOT NULL,
        slug TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL
    );
    CREATE TABLE revisions (
        id INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        content_hash TEXT NOT NULL,
        source_path TEXT NOT NULL,
        format TEXT NOT NULL,
        title TEXT NOT NULL,
        author TEXT,
        date TEXT,
        url TEXT,
        lang TEXT NOT NULL,
        confidence REAL NOT NULL,
        dropped TEXT NOT NULL DEFAULT '[]',
        created TEXT NOT NULL,
        UNIQUE (article_id, number),
        UNIQUE (article_id, content_hash)
    );
    CREATE TABLE segments (
        id INTEGER PRIMARY KEY,
        revision_id INTEGER NOT NULL REFERENCES revisions(id) ON DELETE CASCADE,
        para_index INTEGER NOT NULL,
        sent_index INTEGER NOT NULL,
        kind TEXT NOT NULL,
        lang TEXT NOT NULL,
        confidence REAL NOT NULL,
        text TEXT NOT NULL,
        UNIQUE (revision_id, para_index, sent_index)
    );
    CREATE TABLE versions (
        id INTEGER PRIMARY KEY,
        segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
        lang TEXT NOT NULL,
        text TEXT NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('source', 'human', 'machine')),
        state TEXT NOT NULL CHECK (state IN ('source', 'machine', 'edited', 'approved')),
        model_id TEXT,
        model_revision TEXT,
        decoding TEXT,
        route TEXT,
        engine TEXT,
        signature_key TEXT,
        flags TEXT NOT NULL DEFAULT '[]',
        created TEXT NOT NULL
    );
    -- one machine version per segment, language and signature: a resumed run cannot duplicate
    CREATE UNIQUE INDEX versions_machine_once
        ON versions (segment_id, lang, signature_key) WHERE origin = 'machine';
    CREATE UNIQUE INDEX versions_source_once
        ON versions (segment_id, lang) WHERE origin = 'source';
    CREATE INDEX versions_by_segment ON versions (segment_id, lang);
    CREATE TABLE memory (
        signature_key TEXT NOT NULL,
        source TEXT NOT NULL,
        target TEXT NOT NULL,
        created TEXT NOT NULL,
        PRIMARY KEY (signature_key, source)
    ) WITHOUT ROWID;
    """,
    # 2: human editions (the same story published in another language) link to their original
    """
    ALTER TABLE revisions ADD COLUMN translation_of TEXT;
    ALTER TABLE articles ADD COLUMN edition_of TEXT REFERENCES articles(id) ON DELETE SET NULL;
    """,
)


@dataclass(frozen=True)
class SaveResult:
    article_id: str
    status: str  # "new", "revised" or "unchanged"
    revision: int


@dataclass(frozen=True)
class EditionLink:
    edition_id: str
    original_id: str
    lang: str
    aligned: int  # original segments that received the edition's sentence as a human version
    segments: int


@dataclass(frozen=True)
class StoredArticle:
    """An article's current revision as stored: metadata and segments with their row ids."""

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


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def default_db_path(env: dict[str, str] | None = None) -> Path:
    env = dict(os.environ) if env is None else env
    return Path(env.get(DB_ENV) or DEFAULT_DB)


class Store:
    """A connection to one pipeline database. Use as a context manager or call close()."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open database ({exc}); check --db") from exc
        self.conn.row_factory = sqlite3.Row
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
        for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
            with self.transaction():
                for statement in _statements(script):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- articles -------------------------------------------------------------------------

    def save_article(self, article: Article) -> SaveResult:
        """Store an article; unchanged content is a no-op, changed content a new revision.

        One transaction: the article, its revision, its segments and their source versions.
        """
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT number FROM revisions WHERE article_id = ? AND content_hash = ?",
                (article.id, article.content_hash),
            ).fetchone()
            if row is not None:
                return SaveResult(article.id, "unchanged", int(row["number"]))
            exists = conn.execute("SELECT 1 FROM articles WHERE id = ?", (article.id,)).fetchone()
            created = now()
            if not exists:
                conn.execute(
                    "INSERT INTO articles (id, key, slug, created) VALUES (?, ?, ?, ?)",
                    (article.id, article.key, slugify(article.title, article.id), created),
                )
            number = int(
                conn.execute(
                    "SELECT COALESCE(MAX(number), 0) + 1 FROM revisions WHERE article_id = ?",
                    (article.id,),
                ).fetchone()[0]
            )
            revision_id = conn.execute(
                "INSERT INTO revisions (article_id, number, content_hash, source_path, format,"
                " title, author, date, url, lang, confidence, dropped, created, translation_of)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    article.id,
                    number,
                    article.content_hash,
                    article.source_path,
                    article.format,
                    article.title,
                    article.author,
                    article.date,
                    article.url,
                    article.lang,
                    article.confidence,
                    json.dumps(list(article.dropped), ensure_ascii=False),
                    created,
                    article.translation_of,
                ),
            ).lastrowid
            for segment in article.segments:
                segment_id = conn.execute(
                    "INSERT INTO segments (revision_id, para_index, sent_index, kind, lang,"
                    " confidence, text) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        revision_id,
                        segment.para_index,
                        segment.sent_index,
                        segment.kind,
                        segment.lang,
                        segment.confidence,
                        segment.text,
                    ),
                ).lastrowid
                conn.execute(
                    "INSERT INTO versions (segment_id, lang, text, origin, state, created)"
                    " VALUES (?, ?, ?, 'source', 'source', ?)",
                    (segment_id, segment.lang, segment.text, created),
                )
            return SaveResult(article.id, "new" if not exists else "revised", number)

    def resolve(self, ref: str) -> str:
        """An article id from an id, a unique id prefix, a slug or a source path."""
        exact = self.conn.execute(
            "SELECT DISTINCT a.id FROM articles a LEFT JOIN revisions r ON r.article_id = a.id"
            " WHERE a.id = ? OR a.slug = ? OR r.source_path IN (?, ?)",
            (ref, ref, ref, str(Path(ref).resolve()) if ref else ref),
        ).fetchall()
        if len(exact) == 1:
            return str(exact[0]["id"])
        pattern = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = (
            exact
            or self.conn.execute(
                "SELECT id FROM articles WHERE id LIKE ? ESCAPE '\\' OR slug LIKE ? ESCAPE '\\'",
                (pattern, pattern),
            ).fetchall()
        )
        if len(rows) == 1:
            return str(rows[0]["id"])
        if not rows:
            raise ArticleNotFound(f"no article {ref!r} in {self.path}; `pipeline ls` lists them")
        raise ArticleNotFound(f"{ref!r} matches {len(rows)} articles; give more of the id")

    def article(self, ref: str, *, revision: int | None = None) -> StoredArticle:
        article_id = self.resolve(ref)
        query = (
            "SELECT r.*, a.slug, a.edition_of FROM revisions r"
            " JOIN articles a ON a.id = r.article_id"
            " WHERE r.article_id = ?"
        )
        params: tuple[object, ...] = (article_id,)
        if revision is not None:
            query += " AND r.number = ?"
            params += (revision,)
        row = self.conn.execute(query + " ORDER BY r.number DESC LIMIT 1", params).fetchone()
        if row is None:
            raise ArticleNotFound(f"article {ref!r} has no revision {revision}")
        segments = tuple(
            Segment(
                article_id=article_id,
                para_index=s["para_index"],
                sent_index=s["sent_index"],
                kind=s["kind"],
                lang=s["lang"],
                confidence=s["confidence"],
                text=s["text"],
                id=s["id"],
            )
            for s in self.conn.execute(
                "SELECT * FROM segments WHERE revision_id = ? ORDER BY para_index, sent_index",
                (row["id"],),
            )
        )
        return StoredArticle(
            id=article_id,
            slug=row["slug"],
            revision=row["number"],
            revision_id=row["id"],
            source_path=row["source_path"],
            format=row["format"],
            title=row["title"],
            author=row["author"],
            date=row["date"],
            url=row["url"],
            lang=row["lang"],
            confidence=row["confidence"],
            segments=segments,
            created=row["created"],
            edition_of=row["edition_of"],
            translation_of=row["translation_of"],
        )

    def article_ids(self, *, editions: bool = False) -> list[str]:
        """Stored articles; human editions of another article only when asked for."""
        where = "" if editions else " WHERE edition_of IS NULL"
        return [r["id"] for r in self.conn.execute(f"SELECT id FROM articles{where} ORDER BY id")]

    def list_articles(self) -> list[ArticleSummary]:
        rows = self.conn.execute(
            """
            SELECT a.id, a.edition_of, r.title, r.lang, r.source_path, r.number, r.date,
                   r.id AS revision_id,
                   (SELECT COUNT(*) FROM segments s WHERE s.revision_id = r.id) AS n
            FROM articles a JOIN revisions r ON r.article_id = a.id
            WHERE r.number = (SELECT MAX(number) FROM revisions WHERE article_id = a.id)
            ORDER BY r.date DESC, r.title
            """
        ).fetchall()
        summaries = []
        for row in rows:
            counts = {
                v["lang"]: v["n"]
                for v in self.conn.execute(
                    "SELECT v.lang, COUNT(DISTINCT v.segment_id) AS n FROM versions v"
                    " JOIN segments s ON s.id = v.segment_id WHERE s.revision_id = ?"
                    " GROUP BY v.lang",
                    (row["revision_id"],),
                )
            }
            summaries.append(
                ArticleSummary(
                    id=row["id"],
                    title=row["title"],
                    lang=row["lang"],
                    source_path=row["source_path"],
                    revision=row["number"],
                    segments=row["n"],
                    date=row["date"],
                    versions=counts,
                    edition_of=row["edition_of"],
                )
            )
        return summaries

    def editions_of(self, article_id: str) -> list[str]:
        """Ids of the articles linked as human editions of article_id."""
        rows = self.conn.execute(
            "SELECT id FROM articles WHERE edition_of = ? ORDER BY id", (article_id,)
        )
        return [str(row["id"]) for row in rows]

    def delete_article(self, ref: str) -> str:
        article_id = self.resolve(ref)
        with self.transaction() as conn:
            conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        return article_id

    def link_edition(self, edition_ref: str, original_ref: str) -> EditionLink:
        """Record an article as a human edition of another, in one transaction.

        Where a paragraph of the edition has as many sentences as the original's, each sentence
        becomes the human version of the original's sentence at the same index; other
        paragraphs are left to machine translation.
        """
        edition = self.article(edition_ref)
        original = self.article(original_ref)
        if edition.id == original.id:
            raise StoreError(f"{edition.source_path}: an article cannot be an edition of itself")
        lang = edition.lang
        theirs = _by_paragraph(edition.segments)
        ours = _by_paragraph(original.segments)
        have = {
            (v.segment_id, v.text)
            for v in self.article_versions(original, lang=lang)
            if v.origin in ("human", "source")
        }
        versions = []
        for para, segments in ours.items():
            match = theirs.get(para)
            if match is None or len(match) != len(segments):
                continue
            for mine, other in zip(segments, match, strict=True):
                if mine.lang != lang and mine.id is not None and (mine.id, other.text) not in have:
                    versions.append(
                        Version(
                            segment_id=mine.id,
                            lang=lang,
                            text=other.text,
                            origin="human",
                            state="approved",
                        )
                    )
        aligned = sum(len(s) for p, s in ours.items() if p in theirs and len(theirs[p]) == len(s))
        with self.transaction() as conn:
            conn.execute(
                "UPDATE articles SET edition_of = ? WHERE id = ?", (original.id, edition.id)
            )
            _insert_versions(conn, versions)
        return EditionLink(edition.id, original.id, lang, aligned, len(original.segments))

    # -- versions -------------------------------------------------------------------------

    def versions(self, segment_ids: Sequence[int], *, lang: str | None = None) -> list[Version]:
        """All versions of the given segments, oldest first."""
        if not segment_ids:
            return []
        marks = ",".join("?" * len(segment_ids))
        query = f"SELECT * FROM versions WHERE segment_id IN ({marks})"
        params: list[object] = list(segment_ids)
        if lang is not None:
            query += " AND lang = ?"
            params.append(lang)
        return [_version(row) for row in self.conn.execute(query + " ORDER BY id", params)]

    def article_versions(self, stored: StoredArticle, *, lang: str | None = None) -> list[Version]:
        return self.versions([s.id for s in stored.segments if s.id is not None], lang=lang)

    def current_versions(self, stored: StoredArticle, lang: str) -> dict[int, Version]:
        """segment id → the version a reader sees in lang: newest human edit, else source,
        else newest machine text."""
        rank = {"human": 0, "source": 1, "machine": 2}
        best: dict[int, Version] = {}
        for version in self.article_versions(stored, lang=lang):
            held = best.get(version.segment_id)
            if (
                held is None
                or rank[version.origin] < rank[held.origin]
                or (
                    rank[version.origin] == rank[held.origin] and (version.id or 0) > (held.id or 0)
                )
            ):
                best[version.segment_id] = version
        return best

    def missing(self, stored: StoredArticle, lang: str) -> list[Segment]:
        """Segments of an article with neither source nor machine text in lang.

        Human versions don't count: the machine text is kept beside them for comparison."""
        have = {
            v.segment_id
            for v in self.article_versions(stored, lang=lang)
            if v.origin in ("source", "machine")
        }
        return [s for s in stored.segments if s.id not in have]

    def add_versions(self, versions: Sequence[Version]) -> int:
        """Insert versions in one transaction; a machine version already there is skipped."""
        with self.transaction() as conn:
            return _insert_versions(conn, versions)

    def set_state(self, version_ids: Sequence[int], state: str) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE versions SET state = ? WHERE id = ?", [(state, i) for i in version_ids]
            )

    # -- translation memory ---------------------------------------------------------------

    def memory_get(self, signature_key: str, sources: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(sources))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                "SELECT source, target FROM memory"
                f" WHERE signature_key = ? AND source IN ({marks})",
                [signature_key, *chunk],
            ):
                found[row["source"]] = row["target"]
        return found

    def memory_put(self, signature_key: str, pairs: Sequence[tuple[str, str]]) -> None:
        created = now()
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO memory (signature_key, source, target, created)"
                " VALUES (?, ?, ?, ?)",
                [(signature_key, s, t, created) for s, t in pairs],
            )

    def memory_size(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM memory").fetchone()[0])


def _version(row: sqlite3.Row) -> Version:
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
    )


def _insert_versions(conn: sqlite3.Connection, versions: Sequence[Version]) -> int:
    inserted = 0
    created = now()
    for v in versions:
        sig = v.signature
        cursor = conn.execute(
            "INSERT OR IGNORE INTO versions (segment_id, lang, text, origin, state, model_id,"
            " model_revision, decoding, route, engine, signature_key, flags, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            ),
        )
        inserted += cursor.rowcount
    return inserted


def _by_paragraph(segments: Sequence[Segment]) -> dict[int, list[Segment]]:
    paragraphs: dict[int, list[Segment]] = {}
    for segment in segments:
        paragraphs.setdefault(segment.para_index, []).append(segment)
    return paragraphs


def _statements(script: str) -> list[str]:
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
