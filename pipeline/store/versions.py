"""Versions: a segment's text in one language with its provenance and review state."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipeline.align import match_revisions
from pipeline.domain import NotFound, Segment, StaleWrite, Version
from pipeline.review.state import STALE, carries, reader_versions, stale_versions
from pipeline.store.common import HistoryEntry, StoredArticle, insert_versions, version_from_row


class VersionNotFound(NotFound):
    pass


if TYPE_CHECKING:
    from pipeline.store import Store


class Versions:
    def __init__(self, store: Store) -> None:
        self.store = store

    def __call__(self, segment_ids: Sequence[int], *, lang: str | None = None) -> list[Version]:
        """`store.versions(ids)`: the same as of_segments."""
        return self.of_segments(segment_ids, lang=lang)

    def of_segments(self, segment_ids: Sequence[int], *, lang: str | None = None) -> list[Version]:
        """All versions of the given segments, oldest first."""
        if not segment_ids:
            return []
        marks = ",".join("?" * len(segment_ids))
        query = f"SELECT * FROM versions WHERE segment_id IN ({marks})"
        params: list[object] = list(segment_ids)
        if lang is not None:
            query += " AND lang = ?"
            params.append(lang)
        rows = self.store.conn.execute(query + " ORDER BY id", params)
        return [version_from_row(row) for row in rows]

    def of_article(self, stored: StoredArticle, *, lang: str | None = None) -> list[Version]:
        return self.of_segments([s.id for s in stored.segments if s.id is not None], lang=lang)

    def current(self, stored: StoredArticle, lang: str) -> dict[int, Version]:
        """segment id → the version a reader sees in lang (`pipeline.review.state`): newest
        human edit, else source, else newest machine text; stale history never."""
        return reader_versions(self.of_article(stored, lang=lang))

    def stale(self, stored: StoredArticle, lang: str) -> dict[int, Version]:
        """segment id → the newest stale version, for segments whose reviewed text in lang no
        longer fits their source and that nobody has reviewed since."""
        return stale_versions(self.of_article(stored, lang=lang))

    def missing(self, stored: StoredArticle, lang: str, *, compare: bool = False) -> list[Segment]:
        """Segments of an article with no text in lang: machine text fills only what no person
        wrote. With ``compare``, human versions don't count (machine text is made beside them,
        for `pipeline diff --a human --b machine`). Stale versions never count (text for the
        source before it was corrected)."""
        counted = ("source", "machine") if compare else ("source", "machine", "human")
        have = {
            v.segment_id
            for v in self.of_article(stored, lang=lang)
            if v.origin in counted and v.state != STALE
        }
        return [s for s in stored.segments if s.id not in have]

    def carry_over(
        self,
        previous: StoredArticle,
        texts: Sequence[str],
        segment_ids: Sequence[int],
        segments: Sequence[Segment],
    ) -> tuple[int, int]:
        """Copy the previous revision's versions onto a new revision's segments (ids aligned
        with texts and segments), as `pipeline.review.state.carries` says for each sentence
        `pipeline.align.match_revisions` matched. Call inside the transaction that wrote the new
        revision. Returns (versions carried, (segment, language) pairs now stale)."""
        old = {s.id: i for i, s in enumerate(previous.segments)}
        by_index: dict[int, list[Version]] = {}
        for version in self.of_article(previous):
            by_index.setdefault(old[version.segment_id], []).append(version)
        rows: list[tuple[object, ...]] = []
        stale: set[tuple[int, str]] = set()
        matches = match_revisions([s.text for s in previous.segments], texts)
        for match in matches:
            if match.old is None or match.new is None:
                continue
            new_id, lang = segment_ids[match.new], segments[match.new].lang
            for version in by_index.get(match.old, []):
                state = carries(match.kind, version, lang)
                if state is None:
                    continue
                if state == STALE:
                    stale.add((new_id, version.lang))
                rows.append((new_id, state, version.id))
        self.store.conn.executemany(
            "INSERT INTO versions (segment_id, lang, text, origin, state, model_id,"
            " model_revision, decoding, route, engine, signature_key, flags, created,"
            " carried_from, author, score)"
            " SELECT ?, lang, text, origin, ?, model_id, model_revision, decoding, route, engine,"
            # stale machine text must not block the new machine version (one per signature)
            " CASE WHEN ?2 = 'stale' THEN NULL ELSE signature_key END, flags, created, id,"
            # the same text from the same model for the same sentence: the same score
            " author, score FROM versions WHERE id = ?",
            rows,
        )
        return len(rows), len(stale)

    def add(self, versions: Sequence[Version]) -> int:
        """Insert versions in one transaction; a machine version already there is skipped."""
        with self.store.transaction() as conn:
            return insert_versions(conn, versions, self.store.clock())

    def set_state(self, version_ids: Sequence[int], state: str) -> None:
        with self.store.transaction() as conn:
            conn.executemany(
                "UPDATE versions SET state = ? WHERE id = ?", [(state, i) for i in version_ids]
            )

    # -- one version at a time, for the review desk ------------------------------------------

    def get(self, version_id: int) -> Version:
        """The version with this row id. Raises VersionNotFound."""
        row = self.store.conn.execute(
            "SELECT * FROM versions WHERE id = ?", (version_id,)
        ).fetchone()
        if row is None:
            raise VersionNotFound(
                f"version {version_id} does not exist", hint="reload the article for its versions"
            )
        return version_from_row(row)

    def authors(self, stored: StoredArticle) -> dict[int, str]:
        """version id → who wrote it, for an article's versions that name a writer."""
        ids = [s.id for s in stored.segments if s.id is not None]
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.store.conn.execute(
            f"SELECT id, author FROM versions WHERE segment_id IN ({marks}) AND author IS NOT NULL",
            ids,
        )
        return {int(r[0]): str(r[1]) for r in rows}

    def fingerprints(self, article_id: str | None = None) -> dict[str, tuple[object, ...]]:
        """article id → a value that changes whenever its newest revision, or any version or
        version state of that revision, changes: for caches of what is derived from them (the
        review queue, article pages); of one article only when article_id is given. One
        aggregate query. Two state changes in one article could cancel in
        one weighted sum, not in both (their weights differ by a factor of the row id)."""
        rows = self.store.conn.execute(
            "SELECT r.article_id, r.id, COUNT(v.id), MAX(v.id),"
            " SUM(v.id * (CASE v.state WHEN 'machine' THEN 1 WHEN 'edited' THEN 2"
            "  WHEN 'approved' THEN 3 WHEN 'stale' THEN 4 ELSE 5 END)),"
            " SUM(v.id * v.id * (CASE v.state WHEN 'machine' THEN 1 WHEN 'edited' THEN 2"
            "  WHEN 'approved' THEN 3 WHEN 'stale' THEN 4 ELSE 5 END))"
            " FROM revisions r JOIN segments s ON s.revision_id = r.id"
            " LEFT JOIN versions v ON v.segment_id = s.id"
            " WHERE r.number = (SELECT MAX(number) FROM revisions WHERE article_id = r.article_id)"
            + (" AND r.article_id = ?" if article_id is not None else "")
            + " GROUP BY r.id",
            () if article_id is None else (article_id,),
        )
        return {str(row[0]): tuple(row[1:]) for row in rows}

    def history(self, segment_id: int, lang: str) -> list[HistoryEntry]:
        """Every version of one segment in one language, oldest first, with author and base."""
        rows = self.store.conn.execute(
            "SELECT * FROM versions WHERE segment_id = ? AND lang = ? ORDER BY id",
            (segment_id, lang),
        )
        return [HistoryEntry(version_from_row(r), r["author"], r["based_on"]) for r in rows]

    def current_of(self, segment_id: int, lang: str) -> Version | None:
        """The version readers see in one segment and language (`pipeline.review.state`)."""
        return reader_versions(self.of_segments([segment_id], lang=lang)).get(segment_id)

    def add_edit(
        self,
        segment_id: int,
        lang: str,
        text: str,
        *,
        based_on: int,
        author: str | None,
        state: str = "edited",
    ) -> Version:
        """A new human version, unless `based_on` is no longer the version readers see in this
        segment and language: then StaleWrite carrying the one they see. Check and write are one
        BEGIN IMMEDIATE transaction, so no other writer comes between them."""
        with self.store.transaction() as conn:
            seen = self.current_of(segment_id, lang)
            if seen is None or seen.id != based_on:
                raise StaleWrite(seen)
            cursor = conn.execute(
                "INSERT INTO versions (segment_id, lang, text, origin, state, flags, created,"
                " author, based_on) VALUES (?, ?, ?, 'human', ?, '[]', ?, ?, ?)",
                (segment_id, lang, text, state, self.store.clock(), author, based_on),
            )
            new_id = cursor.lastrowid
        assert new_id is not None
        return self.get(new_id)

    def set_state_if_seen(self, version_id: int, state: str, *, based_on: int) -> Version:
        """Give one version a new state, unless `based_on` (the version the caller read; the
        same as version_id) is no longer the one readers see: then StaleWrite."""
        with self.store.transaction() as conn:
            version = self.get(version_id)
            seen = self.current_of(version.segment_id, version.lang)
            if seen is None or seen.id != based_on or based_on != version_id:
                raise StaleWrite(seen)
            conn.execute("UPDATE versions SET state = ? WHERE id = ?", (state, version_id))
        return self.get(version_id)

    def segment_of(self, segment_id: int) -> tuple[str, int]:
        """(article id, revision number) a segment belongs to. Raises VersionNotFound."""
        row = self.store.conn.execute(
            "SELECT r.article_id, r.number FROM segments s JOIN revisions r"
            " ON r.id = s.revision_id WHERE s.id = ?",
            (segment_id,),
        ).fetchone()
        if row is None:
            raise VersionNotFound(f"segment {segment_id} does not exist")
        return str(row[0]), int(row[1])
