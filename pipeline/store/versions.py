"""Versions: a segment's text in one language with its provenance and review state."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipeline.domain import Segment, Version
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
        """segment id → the version a reader sees in lang: newest human edit, else source,
        else newest machine text."""
        rank = {"human": 0, "source": 1, "machine": 2}
        best: dict[int, Version] = {}
        for version in self.of_article(stored, lang=lang):
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
            for v in self.of_article(stored, lang=lang)
            if v.origin in ("source", "machine")
        }
        return [s for s in stored.segments if s.id not in have]

    def add(self, versions: Sequence[Version]) -> int:
        """Insert versions in one transaction; a machine version already there is skipped."""
        with self.store.transaction() as conn:
            return insert_versions(conn, versions, self.store.clock())

    def set_state(self, version_ids: Sequence[int], state: str) -> None:
        with self.store.transaction() as conn:
            conn.executemany(
                "UPDATE versions SET state = ? WHERE id = ?", [(state, i) for i in version_ids]
            )
