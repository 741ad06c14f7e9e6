"""Stored alignments read back: units with their sentences' text (`pipeline align --json`),
the sentences only one edition of a story has, scores against a gold file, and TMX.

Reads what `pipeline.alignjob` stored; writes nothing to the store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.domain import LANGS
from pipeline.store import Store

if TYPE_CHECKING:
    from pipeline.align.score import Report as ScoreReport


@dataclass(frozen=True)
class OneSided:
    """A sentence that only one edition of a story has."""

    story: str
    lang: str
    article_id: str
    key: str
    text: str


@dataclass(frozen=True)
class UnitView:
    """A stored unit with its sentences' text: the `pipeline align --json` record.
    ``title_repeat``: a unit of titles only, each repeating its story's first sentence (a story
    without a headline is titled by its start), so the sentences are in the body's units as
    well; `--json` leaves it out, so that each sentence is printed once."""

    story: str
    langs: tuple[str, ...]
    kind: str
    confidence: float
    texts: Mapping[str, tuple[str, ...]]
    title_repeat: bool = False

    def record(self) -> dict[str, object]:
        """{"story", "uk", "ru", "en", "kind", "confidence"}: every language key present."""
        found: dict[str, object] = {"story": self.story}
        for lang in LANGS:
            found[lang] = list(self.texts.get(lang, ()))
        found["kind"] = self.kind
        found["confidence"] = round(self.confidence, 3)
        return found


def story_units(store: Store, story_id: str) -> list[UnitView]:
    """The stored units of a story with their sentences' text, in reading order; a unit whose
    sentences a later unit repeats, but for a final full stop, is marked ``title_repeat`` (the
    titles of a story without a headline, ``pipeline.ingest.common.first_sentence`` leaving
    their full stop off)."""
    units = store.units.of_story(story_id)
    ids = {i for unit in units for each in unit.segments.values() for i in each}
    text = _segment_texts(store, ids)
    texts = [
        {lang: tuple(text[i][1] for i in unit.segments[lang]) for lang in unit.langs}
        for unit in units
    ]
    bare = [_bare(found) for found in texts]
    return [
        UnitView(
            story_id,
            unit.langs,
            unit.kind,
            unit.confidence,
            texts[k],
            title_repeat=bare[k] in bare[k + 1 :],
        )
        for k, unit in enumerate(units)
    ]


def _bare(texts: Mapping[str, tuple[str, ...]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A unit's sentences per language without a final full stop, for finding repeats."""
    return tuple(
        sorted((lang, tuple(t.removesuffix(".") for t in found)) for lang, found in texts.items())
    )


def one_edition_only(store: Store, article_id: str) -> list[OneSided]:
    """Sentences of the story holding article_id that only one of its editions has ([] when
    the article was never aligned)."""
    story = store.units.story_of(article_id)
    if story is None:
        return []
    units = store.units.of_story(story)
    alone = {
        (unit.one_edition_only, i)
        for unit in units
        if unit.one_edition_only
        for i in unit.segments[unit.one_edition_only]
    }
    text = _segment_texts(store, {i for _, i in alone})
    found = [
        OneSided(story, lang or "", text[i][0], text[i][2], text[i][1])
        for lang, i in sorted(alone, key=lambda x: x[1])
        if i in text
    ]
    return found


def _segment_texts(store: Store, ids: set[int]) -> dict[int, tuple[str, str, str]]:
    """segment id -> (article id, text, key)."""
    return {
        segment_id: (article_id, text, key)
        for segment_id, (article_id, key, text) in store.units.segments(sorted(ids)).items()
    }


@dataclass(frozen=True)
class Evaluation:
    """Scores against a gold file (``report``) and what they cover: ``scored``, the number of
    aligned stories the gold holds; ``not_in_gold``, aligned stories it does not (left out, so
    that aligning more than the gold covers does not read as wrong units); ``not_aligned``, gold
    stories nothing aligned matched (their units count as missed); ``outside``, units of scored
    stories none of whose sentences the gold holds (a title a gold of body text leaves out),
    left out as well."""

    report: ScoreReport
    scored: int
    not_in_gold: int
    not_aligned: tuple[str, ...]
    outside: int = 0

    def lines(self) -> list[str]:
        """The score table, then a line on what it covers."""
        out = [*self.report.lines(), f"scored: {self.scored} aligned stor(ies) the gold holds"]
        if self.not_in_gold:
            out.append(f"left out: {self.not_in_gold} aligned stor(ies) not in the gold file")
        if self.outside:
            out.append(
                f"left out: {self.outside} unit(s) with no sentence in the gold (a title the"
                " gold does not hold, say)"
            )
        if self.not_aligned:
            names = ", ".join(self.not_aligned[:5]) + (", ..." if len(self.not_aligned) > 5 else "")
            out.append(
                f"missed: {len(self.not_aligned)} gold stor(ies) not aligned here, their units"
                f" count as missed ({names})"
            )
        return out


def evaluate(gold_path: Path, units: Sequence[UnitView]) -> Evaluation:
    """Strict and lax P/R/F1 of units against a gold JSONL file (`pipeline.align.score`).

    A gold story named otherwise than the store's id (the original article's) is matched to
    the aligned story sharing most sentences with it. Only stories the gold holds are scored,
    and in them only units with a sentence the gold holds (a unit wholly outside it, such as a
    title of a gold that covers body text only, is neither right nor wrong there).
    Raises NotFound / AlignmentFileError for a missing or malformed file."""
    from pipeline.align.score import read_units, score

    gold = read_units(gold_path)
    predicted = _relabel(gold, [unit.record() for unit in units])
    gold_bags = _sentence_bags(gold)
    aligned = {str(record["story"]) for record in predicted}
    in_stories = [record for record in predicted if str(record["story"]) in gold_bags]
    kept = [record for record in in_stories if _sentences(record) & gold_bags[str(record["story"])]]
    return Evaluation(
        report=score(gold, kept),
        scored=len(aligned & gold_bags.keys()),
        not_in_gold=len(aligned - gold_bags.keys()),
        not_aligned=tuple(sorted(gold_bags.keys() - aligned)),
        outside=len(in_stories) - len(kept),
    )


def _sentence_bags(records: Sequence[dict[str, Any]]) -> dict[str, set[tuple[str, str]]]:
    """Per story, its records' sentences (``_sentences``)."""
    found: dict[str, set[tuple[str, str]]] = {}
    for record in records:
        found.setdefault(str(record["story"]), set()).update(_sentences(record))
    return found


def _sentences(record: dict[str, Any]) -> set[tuple[str, str]]:
    """A record's (language, sentence) pairs, the text as ``same_text`` reads it."""
    from pipeline.align.score import same_text

    return {(lang, same_text(text)) for lang in LANGS for text in record.get(lang, ())}


def _relabel(
    gold: Sequence[dict[str, Any]], predicted: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    gold_bags, ours = _sentence_bags(gold), _sentence_bags(predicted)
    names = {}
    for story, bag in ours.items():
        if story in gold_bags:
            continue
        best = max(gold_bags.items(), key=lambda item: len(item[1] & bag), default=None)
        if best is not None and best[1] & bag:
            names[story] = best[0]
    return [
        {**record, "story": names.get(record["story"], record["story"])} for record in predicted
    ]


def write_tmx(store: Store, path: Path) -> int:
    """Every stored story's units with sentences in two or more languages as TMX 1.4b (one
    `tu` a unit, its sentences joined by spaces per language); returns how many units. A
    ``title_repeat`` unit is left out: a parallel corpus holds each pair once."""
    from pipeline.publish.tmx import render_unit_tmx

    units = [
        (unit.story, unit.kind, unit.confidence, dict(unit.texts))
        for story in store.units.stories()
        for unit in story_units(store, story)
        if not unit.title_repeat and sum(1 for texts in unit.texts.values() if texts) >= 2
    ]
    path.write_bytes(render_unit_tmx(units))
    return len(units)
