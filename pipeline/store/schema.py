"""The database schema as named migration steps, applied in order and counted in user_version.

A step is a tuple of SQL statements, or a Python function of the connection for what SQL alone
says badly (table rebuilds, data moves). Every step runs in one transaction with the version bump,
so a database is always at a whole step. Never edit a released step; add one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass


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
)
