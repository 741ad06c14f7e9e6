"""The database schema as named migration steps, applied in order and counted in user_version.

A step is a tuple of SQL statements, or a Python function of the connection for what SQL alone
says badly (table rebuilds, data moves). Every step runs in one transaction with the version bump,
so a database is always at a whole step. Never edit a released step; add one.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.domain import story_key


@dataclass(frozen=True)
class Step:
    name: str
    action: tuple[str, ...] | Callable[[sqlite3.Connection], None]

    def apply(self, conn: sqlite3.Connection) -> None:
        if callable(self.action):
            self.action(conn)
        else:
            for statement in self.action:
                conn.execute(statement)


FIRST_SCHEMA: tuple[str, ...] = (
    """CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        key TEXT NOT NULL,
        slug TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL
    )""",
    """CREATE TABLE revisions (
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
    )""",
    """CREATE TABLE segments (
        id INTEGER PRIMARY KEY,
        revision_id INTEGER NOT NULL REFERENCES revisions(id) ON DELETE CASCADE,
        para_index INTEGER NOT NULL,
        sent_index INTEGER NOT NULL,
        kind TEXT NOT NULL,
        lang TEXT NOT NULL,
        confidence REAL NOT NULL,
        text TEXT NOT NULL,
        UNIQUE (revision_id, para_index, sent_index)
    )""",
    """CREATE TABLE versions (
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
    )""",
    # one machine version per segment, language and signature: a resumed run cannot duplicate
    """CREATE UNIQUE INDEX versions_machine_once
        ON versions (segment_id, lang, signature_key) WHERE origin = 'machine'""",
    """CREATE UNIQUE INDEX versions_source_once
        ON versions (segment_id, lang) WHERE origin = 'source'""",
    "CREATE INDEX versions_by_segment ON versions (segment_id, lang)",
    """CREATE TABLE memory (
        signature_key TEXT NOT NULL,
        source TEXT NOT NULL,
        target TEXT NOT NULL,
        created TEXT NOT NULL,
        PRIMARY KEY (signature_key, source)
    ) WITHOUT ROWID""",
)

_VERSION_COLUMNS = (
    "id, segment_id, lang, text, origin, state, model_id, model_revision, decoding, route,"
    " engine, signature_key, flags, created"
)


def add_stale_state(conn: sqlite3.Connection) -> None:
    """Versions may be ``stale`` (reviewed text of a sentence the source has since changed) and
    remember the version they were carried from: SQLite cannot alter a CHECK, so the table is
    rebuilt (no other table references versions, so foreign keys stay on)."""
    conn.execute(
        """CREATE TABLE versions_new (
            id INTEGER PRIMARY KEY,
            segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
            lang TEXT NOT NULL,
            text TEXT NOT NULL,
            origin TEXT NOT NULL CHECK (origin IN ('source', 'human', 'machine')),
            state TEXT NOT NULL
                CHECK (state IN ('source', 'machine', 'edited', 'approved', 'stale')),
            model_id TEXT,
            model_revision TEXT,
            decoding TEXT,
            route TEXT,
            engine TEXT,
            signature_key TEXT,
            flags TEXT NOT NULL DEFAULT '[]',
            created TEXT NOT NULL,
            carried_from INTEGER
        )"""
    )
    conn.execute(
        f"INSERT INTO versions_new ({_VERSION_COLUMNS}) SELECT {_VERSION_COLUMNS} FROM versions"
    )
    conn.execute("DROP TABLE versions")
    conn.execute("ALTER TABLE versions_new RENAME TO versions")
    conn.execute(
        "CREATE UNIQUE INDEX versions_machine_once"
        " ON versions (segment_id, lang, signature_key) WHERE origin = 'machine'"
    )
    conn.execute(
        "CREATE UNIQUE INDEX versions_source_once"
        " ON versions (segment_id, lang) WHERE origin = 'source'"
    )
    conn.execute("CREATE INDEX versions_by_segment ON versions (segment_id, lang)")


def add_scores(conn: sqlite3.Connection) -> None:
    """The model's own score (pipeline.translate.scores) of a machine version and of a memory
    entry: NULL for every other version and for rows stored before scores were."""
    for table in ("versions", "memory"):
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if "score" not in columns:  # a branch's database may have it already
            conn.execute(f"ALTER TABLE {table} ADD COLUMN score REAL")


def article_id_for(key: str) -> str:
    """The article id a story key gives (12 hex digits of its SHA-1), as ingestion makes it."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def rekey_articles(conn: sqlite3.Connection) -> None:
    """Article ids from the story (url, else title and date) instead of the file path.

    Every article keeps its revisions, versions and slug (published URLs don't move). Two stored
    articles of one story (the same file stored from two folders) are not merged: the second gets
    the key with "#2" and stays an article of its own, for `pipeline rm` to settle."""
    conn.execute("PRAGMA defer_foreign_keys = ON")
    rows = conn.execute(
        "SELECT a.id, a.key, r.url, r.title, r.date FROM articles a JOIN revisions r"
        " ON r.article_id = a.id AND r.number = (SELECT MAX(number) FROM revisions"
        " WHERE article_id = a.id) ORDER BY a.created, a.id"
    ).fetchall()
    taken = {row[0] for row in rows}
    for old_id, old_key, url, title, date in rows:
        key = story_key(url=url, title=title, date=date)
        if key == old_key:
            continue
        new_id, number = article_id_for(key), 1
        while new_id in taken and new_id != old_id:
            number += 1
            new_id = article_id_for(f"{key}#{number}")
        if number > 1:
            key = f"{key}#{number}"
        taken.discard(old_id)
        taken.add(new_id)
        conn.execute("UPDATE articles SET id = ?, key = ? WHERE id = ?", (new_id, key, old_id))
        conn.execute("UPDATE revisions SET article_id = ? WHERE article_id = ?", (new_id, old_id))
        conn.execute("UPDATE articles SET edition_of = ? WHERE edition_of = ?", (new_id, old_id))


# Alignment units of a story's editions (pipeline/store/units.py). A unit is one row per
# story position; its member sentences are segments of the original and edition articles.
ALIGNMENT_UNITS: tuple[str, ...] = (
    """CREATE TABLE alignment_units (
        id INTEGER PRIMARY KEY,
        story_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        langs TEXT NOT NULL,
        kind TEXT NOT NULL,
        confidence REAL NOT NULL,
        created TEXT NOT NULL,
        UNIQUE (story_id, position)
    )""",
    """CREATE TABLE alignment_members (
        unit_id INTEGER NOT NULL REFERENCES alignment_units(id) ON DELETE CASCADE,
        lang TEXT NOT NULL,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        PRIMARY KEY (unit_id, segment_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX alignment_members_by_segment ON alignment_members (segment_id)",
    "CREATE INDEX alignment_members_by_article ON alignment_members (article_id)",
    # how sure the pairing was that an edition belongs to its original (1.0: declared)
    "ALTER TABLE articles ADD COLUMN edition_confidence REAL",
)


MIGRATIONS: tuple[Step, ...] = (
    Step("1-first-schema", FIRST_SCHEMA),
    # human editions (the same story published in another language) link to their original
    Step(
        "2-editions",
        (
            "ALTER TABLE revisions ADD COLUMN translation_of TEXT",
            "ALTER TABLE articles ADD COLUMN edition_of TEXT"
            " REFERENCES articles(id) ON DELETE SET NULL",
        ),
    ),
    Step("3-stale-state", add_stale_state),
    Step("4-story-identity", rekey_articles),
    Step("5-alignment-units", ALIGNMENT_UNITS),
    Step("6-version-scores", add_scores),
    # who wrote a human version, and which version they read before writing it (the review desk's
    # history and its optimistic concurrency); NULL for versions written before this step
    Step(
        "7-version-author",
        (
            "ALTER TABLE versions ADD COLUMN author TEXT",
            "ALTER TABLE versions ADD COLUMN based_on INTEGER",
        ),
    ),
)
