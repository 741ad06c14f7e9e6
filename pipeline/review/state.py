"""Which version a reader sees, which segments are stale, what a new revision carries over.

Pure rules over `Version` objects; the store applies them (no SQL here).

- The version a reader sees in a language: the newest human version, else the text as written
  (origin ``source``), else the newest approved machine version, else the newest machine
  version. Versions in state ``stale`` are history
  and never seen by readers.
- A new revision (a correction of the source) carries work over sentence by sentence, as
  `pipeline.align.revisions` matched them: an unchanged or moved sentence keeps every version
  with its origin, edits and approval; a changed sentence keeps its edited and approved versions
  as history in state ``stale`` and waits for new machine text; added sentences start empty.
- A segment is stale in a language while it holds a stale version and nobody has edited or
  approved its text since: its newest non-stale version is machine output, or older than the
  stale one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pipeline.domain import Version

STALE = "stale"
# What a changed sentence keeps as history: a person's work on the old text.
REVIEWED_STATES: tuple[str, ...] = ("edited", "approved", STALE)
_RANK = {"human": 0, "source": 1, "machine": 2}


def reader_versions(versions: Iterable[Version]) -> dict[int, Version]:
    """segment id → the version a reader sees (see the module rules); stale versions skipped."""
    best: dict[int, Version] = {}
    for version in versions:
        if version.state == STALE:
            continue
        held = best.get(version.segment_id)
        if held is None or _order(version) > _order(held):
            best[version.segment_id] = version
    return best


def _order(version: Version) -> tuple[int, bool, int]:
    # An approved machine text outranks newer machine text nobody approved: a later
    # re-translation never takes an editor's approval away.
    # A person's newer edit still replaces their approved one.
    approved = version.origin == "machine" and version.state == "approved"
    return (-_RANK[version.origin], approved, version.id or 0)


def stale_versions(versions: Sequence[Version]) -> dict[int, Version]:
    """segment id → its newest stale version, for segments that are stale now (module rules)."""
    current = reader_versions(versions)
    newest: dict[int, Version] = {}
    for version in versions:
        if version.state == STALE:
            held = newest.get(version.segment_id)
            if held is None or (version.id or 0) > (held.id or 0):
                newest[version.segment_id] = version
    found = {}
    for segment_id, stale in newest.items():
        seen = current.get(segment_id)
        if seen is None or seen.state == "machine" or (seen.id or 0) < (stale.id or 0):
            found[segment_id] = stale
    return found


def carries(kind: str, version: Version, segment_lang: str) -> str | None:
    """The state a version of an old segment takes in the new revision; None: not carried.

    kind is the alignment kind (`pipeline.align.KINDS`); segment_lang the new segment's language
    (its own source version is written afresh with the new revision)."""
    if version.origin == "source" and version.lang == segment_lang:
        return None
    if kind in ("unchanged", "moved"):
        return version.state
    if kind == "changed" and version.state in REVIEWED_STATES:
        return STALE
    return None
