"""Alignment units: which sentences of a story's editions say the same thing.

A *story* is an original article and its human editions (articles whose ``edition_of`` names it);
its units are stored under the original's id, in reading order, and replaced whole each time the
story is aligned again. A unit's members are segments of the original and edition articles of
the story's newest revisions, by language; ``kind`` counts them in ``langs`` order ("2-1-1").

Aligned human versions: each edition sentence becomes a ``human`` version (state ``approved``,
flag ``aligned:<kind>``) of the original's segments, keyed as the versions table is, by the
original's segment (see `pipeline.alignjob.human_texts` for how 2-1 and 1-2 units map). Writing
them never covers a person's work: where a segment's newest human version in that language is
not one alignment wrote (an edit), it is kept and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.domain import Version, segment_key
from pipeline.store.common import in_batches, insert_versions, version_from_row

if TYPE_CHECKING:
    from pipeline.store import Store

ALIGNED_FLAG = "aligned"


@dataclass(frozen=True)
class NewUnit:
    """A unit to store: language -> segment ids in reading order (empty: nothing there)."""

    segments: Mapping[str, tuple[int, ...]]
    kind: str
    confidence: float


@dataclass(frozen=True)
class StoredUnit:
    id: int
    story_id: str
    position: int
    langs: tuple[str, ...]
    kind: str
    confidence: float
    segments: Mapping[str, tuple[int, ...]] = field(hash=False)

    @property
    def one_edition_only(self) -> str | None:
        """The one language holding sentences when no other does, else None."""
        present = [lang for lang in self.langs if self.segments.get(lang)]
        return present[0] if len(present) == 1 else None


@dataclass(frozen=True)
class HumanWrite:
    written: int  # versions inserted
    unchanged: int  # already there with the same text
    kept: int  # a person's version stands: not covered


def is_aligned(version: Version) -> bool:
    """Whether alignment (not a person) wrote this human version."""
    return any(flag.split(":", 1)[0] == ALIGNED_FLAG for flag in version.flags)


class Units:
    def __init__(self, store: Store) -> None:
        self.store = store

    def replace(
        self,
        story_id: str,
        langs: Sequence[str],
        articles: Mapping[str, str],
        units: Sequence[NewUnit],
    ) -> int:
        """Replace the story's units with these, in one transaction; returns how many.

        ``langs``: the story's languages in kind order; ``articles``: language -> the article
        id whose segments that language's members are."""
        created = self.store.clock()
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM alignment_units WHERE story_id = ?", (story_id,))
            for position, unit in enumerate(units):
                unit_id = conn.execute(
                    "INSERT INTO alignment_units (story_id, position, langs, kind, confidence,"
                    " created) VALUES (?, ?, ?, ?, ?, ?)",
                    (story_id, position, ",".join(langs), unit.kind, unit.confidence, created),
                ).lastrowid
                conn.executemany(
                    "INSERT INTO alignment_members (unit_id, lang, article_id, segment_id,"
                    " position) VALUES (?, ?, ?, ?, ?)",
                    [
                        (unit_id, lang, articles[lang], segment_id, order)
                        for lang, ids in unit.segments.items()
                        for order, segment_id in enumerate(ids)
                    ],
                )
        return len(units)

    def of_story(self, story_id: str) -> list[StoredUnit]:
        """The story's units in reading order ([] when it was never aligned)."""
        rows = self.store.conn.execute(
            "SELECT * FROM alignment_units WHERE story_id = ? ORDER BY position", (story_id,)
        ).fetchall()
        members: dict[int, dict[str, list[int]]] = {}
        for row in self.store.conn.execute(
            "SELECT m.unit_id, m.lang, m.segment_id FROM alignment_members m"
            " JOIN alignment_units u ON u.id = m.unit_id WHERE u.story_id = ?"
            " ORDER BY m.unit_id, m.lang, m.position",
            (story_id,),
        ):
            members.setdefault(row["unit_id"], {}).setdefault(row["lang"], []).append(
                row["segment_id"]
            )
        units = []
        for row in rows:
            langs = tuple(row["langs"].split(","))
            found = members.get(row["id"], {})
            units.append(
                StoredUnit(
                    id=row["id"],
                    story_id=row["story_id"],
                    position=row["position"],
                    langs=langs,
                    kind=row["kind"],
                    confidence=row["confidence"],
                    segments={lang: tuple(found.get(lang, ())) for lang in langs},
                )
            )
        return units

    def story_of(self, article_id: str) -> str | None:
        """The story (original's id) whose units hold this article's sentences, if any."""
        row = self.store.conn.execute(
            "SELECT u.story_id FROM alignment_members m JOIN alignment_units u"
            " ON u.id = m.unit_id WHERE m.article_id = ? LIMIT 1",
            (article_id,),
        ).fetchone()
        if row is not None:
            return str(row["story_id"])
        own = self.store.conn.execute(
            "SELECT 1 FROM alignment_units WHERE story_id = ? LIMIT 1", (article_id,)
        ).fetchone()
        return article_id if own else None

    def stories(self) -> list[str]:
        """Ids of every aligned story's original."""
        rows = self.store.conn.execute(
            "SELECT DISTINCT story_id FROM alignment_units ORDER BY story_id"
        )
        return [str(row["story_id"]) for row in rows]

    def segments(self, segment_ids: Sequence[int]) -> dict[int, tuple[str, str, str]]:
        """segment id -> (article id, key "p2-s1", text), for units' members."""
        found: dict[int, tuple[str, str, str]] = {}
        for chunk, marks in in_batches(segment_ids):
            for row in self.store.conn.execute(
                "SELECT s.id, s.para_index, s.sent_index, s.text, r.article_id FROM segments s"
                f" JOIN revisions r ON r.id = s.revision_id WHERE s.id IN ({marks})",
                chunk,
            ):
                key = segment_key(row["para_index"], row["sent_index"])
                found[row["id"]] = (str(row["article_id"]), key, row["text"])
        return found

    def confident_texts(
        self, *, min_confidence: float, leave_out: Iterable[str] = (), limit: int | None = None
    ) -> list[dict[str, list[str]]]:
        """Each stored unit of confidence >= ``min_confidence`` as language -> its sentences'
        text (what a lexicon learns from), over every aligned story but those in ``leave_out``,
        in story order; with ``limit``, only the ``limit`` units stored last (a story's units are
        stored anew each time it is aligned)."""
        skip = sorted(set(leave_out))
        marks = ", ".join("?" for _ in skip)
        members: dict[int, dict[str, list[str]]] = {}
        for row in self.store.conn.execute(
            "SELECT u.id, m.lang, s.text FROM ("
            "  SELECT id, story_id, position FROM alignment_units"
            f"  WHERE confidence >= ? AND story_id NOT IN ({marks}) ORDER BY id DESC LIMIT ?"
            ") u JOIN alignment_members m ON m.unit_id = u.id"
            " JOIN segments s ON s.id = m.segment_id"
            " ORDER BY u.story_id, u.position, m.lang, m.position",
            (min_confidence, *skip, -1 if limit is None else limit),
        ):
            members.setdefault(row["id"], {}).setdefault(row["lang"], []).append(row["text"])
        return list(members.values())

    def link(self, edition_id: str, original_id: str, confidence: float) -> None:
        """Record an article as a human edition of another, with the pairing's confidence."""
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE articles SET edition_of = ?, edition_confidence = ? WHERE id = ?",
                (original_id, confidence, edition_id),
            )

    def write_human(
        self, lang: str, texts: Mapping[int, tuple[str, tuple[str, ...]]]
    ) -> HumanWrite:
        """Aligned human versions in lang: segment id -> (text, flags), in one transaction.

        A segment whose newest human version in lang a person wrote (not flagged aligned) is
        left alone (``kept``); one whose newest aligned version already has this text and
        flags is ``unchanged``; else a new aligned version (state approved) is inserted, which
        readers see before older ones."""
        if not texts:
            return HumanWrite(0, 0, 0)
        newest: dict[int, Version] = {}
        for chunk, marks in in_batches(list(texts)):
            for row in self.store.conn.execute(
                f"SELECT * FROM versions WHERE segment_id IN ({marks}) AND lang = ?"
                " AND origin = 'human' AND state != 'stale' ORDER BY id",
                [*chunk, lang],
            ):
                version = version_from_row(row)
                newest[version.segment_id] = version
        versions, unchanged, kept = [], 0, 0
        for segment_id, (text, flags) in texts.items():
            held = newest.get(segment_id)
            if held is not None and not is_aligned(held):
                kept += 1
            elif held is not None and held.text == text and tuple(held.flags) == flags:
                unchanged += 1
            else:
                versions.append(
                    Version(
                        segment_id=segment_id,
                        lang=lang,
                        text=text,
                        origin="human",
                        state="approved",
                        flags=flags,
                    )
                )
        with self.store.transaction() as conn:
            written = insert_versions(conn, versions, self.store.clock())
        return HumanWrite(written, unchanged, kept)
