"""The translation memory: (signature key, source text) → target text.

Machine translations are keyed by their model signature; human translations taken from aligned
editions by `human_key` ("human:uk>ru"), so no model's entry is mistaken for a person's.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from pipeline.store.common import in_batches

if TYPE_CHECKING:
    from pipeline.store import Store


def human_key(source: str, target: str) -> str:
    """The memory key of human translations from source into target language."""
    return f"human:{source}>{target}"


class Memory:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, signature_key: str, sources: Sequence[str]) -> dict[str, str]:
        """source → stored target for the given sources under one signature key."""
        return {row["source"]: row["target"] for row in self._rows(signature_key, sources)}

    def put(
        self,
        signature_key: str,
        pairs: Sequence[tuple[str, str]],
        *,
        scores: Sequence[float | None] | None = None,
    ) -> None:
        """Store (source, target) pairs; ``scores`` (aligned with pairs, None: unknown) are the
        model's scores of the targets (pipeline.translate.scores)."""
        created = self.store.clock()
        known = list(scores) if scores is not None else [None] * len(pairs)
        with self.store.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO memory (signature_key, source, target, created, score)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (signature_key, s, t, created, score)
                    for (s, t), score in zip(pairs, known, strict=True)
                ],
            )

    def scores(self, signature_key: str, sources: Sequence[str]) -> dict[str, float]:
        """source → stored score, for the given sources that have one."""
        return {
            row["source"]: float(row["score"])
            for row in self._rows(signature_key, sources)
            if row["score"] is not None
        }

    def _rows(self, signature_key: str, sources: Sequence[str]) -> Iterator[sqlite3.Row]:
        for chunk, marks in in_batches(list(dict.fromkeys(sources))):
            yield from self.store.conn.execute(
                "SELECT source, target, score FROM memory"
                f" WHERE signature_key = ? AND source IN ({marks})",
                [signature_key, *chunk],
            )

    def size(self) -> int:
        return int(self.store.conn.execute("SELECT COUNT(*) FROM memory").fetchone()[0])
