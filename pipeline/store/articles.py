"""Articles and their revisions: save, resolve a reference, read, list, delete, link editions."""

from __future__ import annotations

import builtins
import hashlib
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.align import match_revisions
from pipeline.domain import Article, ArticleSummary, Paragraph, Segment, Sentence, slugify
from pipeline.store.common import (
    ArticleNotFound,
    EditionLink,
    SaveResult,
    StoredArticle,
    StoreError,
)
from pipeline.store.schema import article_id_for

if TYPE_CHECKING:
    from pipeline.store import Store


class Articles:
    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def conn(self) -> sqlite3.Connection:
        return self.store.conn

    def save(self, article: Article) -> SaveResult:
        """Store an article: unchanged content is a no-op, changed content a new revision that
        carries the old revision's work over (see `pipeline.review.state`).

        Which stored article it is: the one with the article's id (from its story key) or key,
        where the content says it is the same story, else one from the same file (a corrected
        title); else a new article, under a fresh id when another story holds the key's (two
        stories with one title and date). One transaction for all of it.
        """
        with self.store.transaction() as conn:
            found = self._identify(conn, article)
            if isinstance(found, SaveResult):
                return found
            created = self.store.clock()
            if found is None:
                article_id, key = self._free_id(conn, article)
                conn.execute(
                    "INSERT INTO articles (id, key, slug, created) VALUES (?, ?, ?, ?)",
                    (article_id, key, self._free_slug(conn, article.title, article_id), created),
                )
                number, _ = insert_revision(conn, article_id, article, created)
                return SaveResult(article_id, "new", number)
            previous = self.get(found)
            number, segment_ids = insert_revision(conn, found, article, created)
            carried, stale = self.store.versions.carry_over(
                previous, [s.text for s in article.segments], segment_ids, article.segments
            )
            return SaveResult(found, "revised", number, carried=carried, stale=stale)

    def save_correction(self, stored: StoredArticle, texts: dict[int, str]) -> SaveResult:
        """A new revision of a stored article with some of its sentences rewritten (segment id →
        corrected text): a correction of the source made in the store, carried over like any
        revision. Raises StoreError for a segment id not in the article."""
        unknown = set(texts) - {s.id for s in stored.segments}
        if unknown:
            raise StoreError(
                f"{stored.slug}: segments {sorted(unknown)} are not in revision {stored.revision}"
            )
        article = corrected_article(stored, texts)
        with self.store.transaction() as conn:
            created = self.store.clock()
            number, segment_ids = insert_revision(conn, stored.id, article, created)
            carried, stale = self.store.versions.carry_over(
                self.get(stored.id, revision=stored.latest or None),
                [s.text for s in article.segments],
                segment_ids,
                article.segments,
            )
        return SaveResult(stored.id, "revised", number, carried=carried, stale=stale)

    def _identify(self, conn: sqlite3.Connection, article: Article) -> str | SaveResult | None:
        """The stored article this one is a revision of, a SaveResult when its content is
        already stored, or None for a new story."""
        rows = conn.execute(
            "SELECT id, key FROM articles WHERE id = ? OR key = ? OR (substr(key, 1, ?) = ?"
            " AND substr(key, ? + 1, 1) = '#') ORDER BY id = ? DESC, key",
            (article.id, article.key, len(article.key), article.key, len(article.key), article.id),
        ).fetchall()
        candidates = [str(r["id"]) for r in rows]
        for article_id in candidates:
            row = conn.execute(
                "SELECT number FROM revisions WHERE article_id = ? AND content_hash = ?",
                (article_id, article.content_hash),
            ).fetchone()
            if row is not None:
                return SaveResult(article_id, "unchanged", int(row["number"]))
        if article.url and candidates and candidates[0] == article.id:
            return article.id  # a URL names one story, whatever its text now says
        texts = [s.text for s in article.segments]
        for article_id in candidates:
            if same_story(self._latest_texts(conn, article_id), texts):
                return article_id
        if not article.url:
            # the same file with its title corrected: one article came from this file before
            from_file = conn.execute(
                "SELECT DISTINCT a.id FROM articles a JOIN revisions r ON r.article_id = a.id"
                " WHERE r.source_path = ? AND r.format = ? AND r.url IS NULL AND r.number ="
                " (SELECT MAX(number) FROM revisions WHERE article_id = a.id)",
                (article.source_path, article.format),
            ).fetchall()
            if len(from_file) == 1:
                article_id = str(from_file[0]["id"])
                if same_story(self._latest_texts(conn, article_id), texts):
                    return article_id
        return None

    def _latest_texts(self, conn: sqlite3.Connection, article_id: str) -> list[str]:
        return [
            r["text"]
            for r in conn.execute(
                "SELECT s.text FROM segments s JOIN revisions r ON r.id = s.revision_id"
                " WHERE r.article_id = ? AND r.number = (SELECT MAX(number) FROM revisions"
                " WHERE article_id = ?) ORDER BY s.para_index, s.sent_index",
                (article_id, article_id),
            )
        ]

    def _free_id(self, conn: sqlite3.Connection, article: Article) -> tuple[str, str]:
        article_id, key, number = article.id, article.key, 1
        while conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone():
            number += 1
            key = f"{article.key}#{number}"
            article_id = article_id_for(key)
        return article_id, key

    def _free_slug(self, conn: sqlite3.Connection, title: str, article_id: str) -> str:
        slug = base = slugify(title, article_id)
        number = 1
        while conn.execute("SELECT 1 FROM articles WHERE slug = ?", (slug,)).fetchone():
            number += 1
            slug = f"{base}-{number}"
        return slug

    def resolve(self, ref: str) -> str:
        """An article id from an id, a unique id prefix, a slug or a source path.

        Raises ArticleNotFound when nothing or more than one article matches."""
        # An article's own id names it whatever else matches: one indexed lookup, where the
        # query below scans every revision (loading a store of N articles by id was N squared).
        if self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (ref,)).fetchone():
            return ref
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
            raise ArticleNotFound(
                f"no article {ref!r} in {self.store.path}; `pipeline ls` lists them"
            )
        raise ArticleNotFound(f"{ref!r} matches {len(rows)} articles; give more of the id")

    def get(self, ref: str, *, revision: int | None = None) -> StoredArticle:
        """The article's newest revision, or the given revision number.

        Raises ArticleNotFound for an unknown reference or revision."""
        article_id = self.resolve(ref)
        query = (
            "SELECT r.*, a.slug, a.edition_of, a.edition_confidence, a.key,"
            " a.created AS first_created,"
            " (SELECT MAX(number) FROM revisions WHERE article_id = a.id) AS latest"
            " FROM revisions r JOIN articles a ON a.id = r.article_id WHERE r.article_id = ?"
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
            edition_confidence=row["edition_confidence"],
            translation_of=row["translation_of"],
            key=row["key"],
            latest=row["latest"],
            first_created=row["first_created"],
        )

    def ids(self, *, editions: bool = False) -> list[str]:
        """Stored articles; human editions of another article only when asked for."""
        where = "" if editions else " WHERE edition_of IS NULL"
        return [r["id"] for r in self.conn.execute(f"SELECT id FROM articles{where} ORDER BY id")]

    def list(self) -> list[ArticleSummary]:
        """Every article's newest revision, newest date first, with its version counts."""
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

    def editions_of(self, article_id: str) -> builtins.list[str]:
        """Ids of the articles linked as human editions of article_id."""
        rows = self.conn.execute(
            "SELECT id FROM articles WHERE edition_of = ? ORDER BY id", (article_id,)
        )
        return [str(row["id"]) for row in rows]

    def delete(self, ref: str) -> str:
        article_id = self.resolve(ref)
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        return article_id

    def link_edition(
        self, edition_ref: str, original_ref: str, *, confidence: float = 1.0
    ) -> EditionLink:
        """Record an article as a human edition of another (``confidence``: the pairing's, 1.0
        for a declared ``translation_of``). Raises StoreError for an article linked to itself.

        Its sentences become human versions of the original's once the story is aligned
        (`pipeline.alignjob`); ``aligned`` is 0 here."""
        edition = self.get(edition_ref)
        original = self.get(original_ref)
        if edition.id == original.id:
            raise StoreError(f"{edition.source_path}: an article cannot be an edition of itself")
        self.store.units.link(edition.id, original.id, confidence)
        return EditionLink(edition.id, original.id, edition.lang, 0, len(original.segments))


def insert_revision(
    conn: sqlite3.Connection, article_id: str, article: Article, created: str
) -> tuple[int, list[int]]:
    """A new revision row with its segments and their source versions; (number, segment ids)."""
    number = int(
        conn.execute(
            "SELECT COALESCE(MAX(number), 0) + 1 FROM revisions WHERE article_id = ?",
            (article_id,),
        ).fetchone()[0]
    )
    revision_id = conn.execute(
        "INSERT INTO revisions (article_id, number, content_hash, source_path, format,"
        " title, author, date, url, lang, confidence, dropped, created, translation_of)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            article_id,
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
    segment_ids = []
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
        assert segment_id is not None
        segment_ids.append(segment_id)
        conn.execute(
            "INSERT INTO versions (segment_id, lang, text, origin, state, created)"
            " VALUES (?, ?, ?, 'source', 'source', ?)",
            (segment_id, segment.lang, segment.text, created),
        )
    return number, segment_ids


def _by_paragraph(segments: Sequence[Segment]) -> dict[int, list[Segment]]:
    paragraphs: dict[int, list[Segment]] = {}
    for segment in segments:
        paragraphs.setdefault(segment.para_index, []).append(segment)
    return paragraphs


# A revision shares at least this share of its sentences (same or corrected) with the one before.
SAME_STORY = 0.5


def same_story(old: Sequence[str], new: Sequence[str]) -> bool:
    """Whether `new` reads as a revision of `old`: at least SAME_STORY of the longer one's
    sentences are kept, moved or corrected (similar), per `pipeline.align.match_revisions`."""
    if not old or not new:
        return False
    kept = sum(
        1
        for m in match_revisions(old, new)
        if m.old is not None and m.new is not None and m.similarity >= 0.5
    )
    return kept >= SAME_STORY * max(len(old), len(new))


def corrected_article(stored: StoredArticle, texts: dict[int, str]) -> Article:
    """The stored revision as an Article with some sentences rewritten (segment id → text)."""
    paragraphs: list[Paragraph] = []
    for para, segments in _by_paragraph(stored.segments).items():
        sentences = tuple(
            Sentence(s.sent_index, texts.get(s.id or -1, s.text), s.lang, s.confidence)
            for s in segments
        )
        paragraphs.append(
            Paragraph(
                para,
                segments[0].kind,
                " ".join(x.text for x in sentences),
                segments[0].lang,
                segments[0].confidence,
                sentences,
            )
        )
    digest = hashlib.sha256()
    for p in paragraphs:
        for sentence in p.sentences:
            digest.update(f"{p.index}\x01{sentence.index}\x01{sentence.text}\x00".encode())
    return Article(
        id=stored.id,
        key=stored.key,
        source_path=stored.source_path,
        format=stored.format,
        title=" ".join(x.text for p in paragraphs if p.kind == "title" for x in p.sentences)
        or stored.title,
        author=stored.author,
        date=stored.date,
        url=stored.url,
        lang=stored.lang,
        confidence=stored.confidence,
        paragraphs=tuple(paragraphs),
        # the revision number keeps a correction undone and redone a revision of its own
        content_hash=f"corrected:{stored.latest or stored.revision}:{digest.hexdigest()}",
        translation_of=stored.translation_of,
    )
