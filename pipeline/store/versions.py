"""Versions: a segment's text in one language with its provenance and review state."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipeline.align import match_revisions
from pipeline.domain import Segment, Version
from pipeline.review.state import STALE, carries, reader_versions, stale_versions
from pipeline.store.common import StoredArticle, insert_versions, version_from_row

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

    def missing(self, stored: StoredArticle, lang: str) -> list[Segment]:
        """Segments of an article with neither source nor machine text in lang.

        Human versions don't count: the machine text is kept beside them for comparison; nor
        do stale ones (text for the source before it was corrected)."""
        have = {
            v.segment_id
            for v in self.of_article(stored, lang=lang)
            if v.origin in ("source", "machine") and v.state != STALE
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
            " carried_from, score)"
            " SELECT ?, lang, text, origin, ?, model_id, model_revision, decoding, route, engine,"
            # stale machine text must not block the new machine version (one per signature)
            " CASE WHEN ?2 = 'stale' THEN NULL ELSE signature_key END, flags, created, id,"
            # the same text from the same model for the same sentence: the same score
            " score FROM versions WHERE id = ?",
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
