"""Score an edition alignment against gold: strict and lax precision, recall and F1.

Gold and predicted alignments share one JSONL form, one unit per line::

    {"story": "s1", "uk": ["..."], "ru": ["...", "..."], "en": [], "kind": "1-2-0",
     "confidence": 0.93}

(an empty list where an edition has no sentence in the unit; ``kind`` and ``confidence`` are
optional on reading). Units are compared by their sentences (story, language, text; the text
in Unicode NFC with white space collapsed, ``same_text``).

The measures are those Vecalign (Thompson and Koehn, 2019) and Bertalign report:

- strict: a predicted unit counts only if the gold has exactly that unit; units with sentences
  in one edition only (1-0, 0-1, 1-0-0) are left out of both sides;
- lax: a predicted unit counts if some gold unit shares a sentence with it in every edition where
  both have sentences (at least two editions); recall the same way round.

Scores are given for each pair of languages (each unit cut down to the pair, units then empty
dropped) and, where three languages occur, for the three-way units.

Pairs of a three-edition alignment compare like with like: gold and prediction are both cut down
from three-way units, so where English joins two lines that uk and ru keep apart, the gold uk-ru
view is the 2-2 the newsroom sees in its three-way unit, not two 1-1 units. That makes the pair
scores of a three-edition alignment stricter than those of two editions: on
benchmarks/align_bench.py's tune half (seed 1) a perfect two-edition uk-ru answer scores 0.894
strict F1 against the three-way gold cut down to uk-ru.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

from pipeline.align.editions import AlignedUnit, Edition
from pipeline.domain import LANGS, NotFound, PipelineError

Record = dict[str, Any]
_META = ("story", "kind", "confidence")


class AlignmentFileError(PipelineError):
    """A gold or predicted alignment file that is not in the JSONL unit form."""


def read_units(path: Path) -> list[Record]:
    """Records of a JSONL alignment file (see the module docstring).

    Raises AlignmentFileError (with the line number) for a line that is not a JSON object with a
    "story" and a list of strings per language; NotFound when there is no such file.
    """
    if not Path(path).is_file():
        raise NotFound(f"no alignment file {path}", hint="give a JSONL file of units")
    records = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise AlignmentFileError(
                    f"{path}:{number}: not JSON ({err.msg})", hint="one JSON object per line"
                ) from err
            records.append(_checked(record, f"{path}:{number}"))
    return records


def _checked(record: Any, where: str) -> Record:
    hint = 'e.g. {"story": "s1", "uk": ["..."], "ru": ["..."], "en": []}'
    if not isinstance(record, dict) or "story" not in record:
        raise AlignmentFileError(f'{where}: a unit needs a "story"', hint=hint)
    for key, value in record.items():
        if key in _META:
            continue
        if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
            raise AlignmentFileError(f"{where}: {key!r} is not a list of sentences", hint=hint)
    return record


def unit_records(
    story: str, editions: Sequence[Edition], units: Iterable[AlignedUnit]
) -> list[Record]:
    """The JSONL records of ``units`` over ``editions`` (languages in the editions' order)."""
    langs = [edition.lang for edition in editions]
    texts = {edition.lang: edition.sentences for edition in editions}
    records = []
    for unit in units:
        record: Record = {"story": story}
        for lang in langs:
            record[lang] = [texts[lang][i] for i in unit.sentences.get(lang, ())]
        record["kind"] = unit.kind(langs)
        record["confidence"] = round(unit.confidence, 4)
        records.append(record)
    return records


def write_units(path: Path, records: Iterable[Record]) -> None:
    """Write records as JSONL (UTF-8, one unit per line)."""
    with Path(path).open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


@dataclass(frozen=True)
class Measures:
    """Strict and lax precision, recall and F1 in [0, 1], and the unit counts they rest on."""

    strict_precision: float
    strict_recall: float
    strict_f1: float
    lax_precision: float
    lax_recall: float
    lax_f1: float
    gold_units: int
    predicted_units: int


@dataclass(frozen=True)
class Report:
    """Measures per language pair ("uk-ru") and for three-way units ("uk-ru-en")."""

    measures: Mapping[str, Measures]

    def as_dict(self) -> dict[str, dict[str, float | int]]:
        return {name: asdict(m) for name, m in self.measures.items()}

    def lines(self) -> list[str]:
        """A plain table: one line per pair, strict then lax P / R / F1."""
        out = [f"{'':10} {'strict P':>8} {'R':>6} {'F1':>6}   {'lax P':>6} {'R':>6} {'F1':>6}"]
        for name, m in self.measures.items():
            out.append(
                f"{name:10} {m.strict_precision:8.3f} {m.strict_recall:6.3f} {m.strict_f1:6.3f}"
                f"   {m.lax_precision:6.3f} {m.lax_recall:6.3f} {m.lax_f1:6.3f}"
            )
        return out


def score(gold: Sequence[Record], predicted: Sequence[Record]) -> Report:
    """Strict and lax P/R/F1 of ``predicted`` against ``gold`` per pair and three-way.

    Languages are those of the records, in LANGS order first. Pairs with no gold unit spanning
    both languages are left out.
    """
    seen = {k for r in [*gold, *predicted] for k in r if k not in _META}
    langs = [lang for lang in LANGS if lang in seen] + sorted(seen - set(LANGS))
    groups = [list(pair) for pair in combinations(langs, 2)]
    if len(langs) >= 3:
        groups.append(langs)
    measures = {}
    for group in groups:
        gold_units = _units(gold, group)
        if not any(_spread(u) >= 2 for u in gold_units):
            continue
        measures["-".join(group)] = _measure(gold_units, _units(predicted, group))
    return Report(measures)


# A unit cut down to some languages: per language, the frozenset of (story, lang, text).
_Unit = tuple[frozenset[tuple[str, str, str]], ...]


def _units(records: Sequence[Record], langs: Sequence[str]) -> list[_Unit]:
    units = []
    for record in records:
        story = str(record["story"])
        unit = tuple(
            frozenset((story, lang, same_text(text)) for text in record.get(lang, []))
            for lang in langs
        )
        if any(unit):
            units.append(unit)
    return units


def same_text(text: str) -> str:
    """A sentence as scoring compares it: Unicode NFC, runs of white space as one space, no
    space at either end (a gold file written by other tools keeps the same sentences)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _spread(unit: _Unit) -> int:
    return sum(1 for side in unit if side)


def _measure(gold: list[_Unit], predicted: list[_Unit]) -> Measures:
    gold_strict = [u for u in gold if _spread(u) >= 2]
    pred_strict = [u for u in predicted if _spread(u) >= 2]
    gold_set = set(gold_strict)
    pred_set = set(pred_strict)
    strict_p = _share(sum(1 for u in pred_strict if u in gold_set), len(pred_strict))
    strict_r = _share(sum(1 for u in gold_strict if u in pred_set), len(gold_strict))
    gold_index = _index(gold_strict)
    pred_index = _index(pred_strict)
    lax_p = _share(sum(1 for u in pred_strict if _touches(u, gold_index)), len(pred_strict))
    lax_r = _share(sum(1 for u in gold_strict if _touches(u, pred_index)), len(gold_strict))
    return Measures(
        strict_p,
        strict_r,
        _f1(strict_p, strict_r),
        lax_p,
        lax_r,
        _f1(lax_p, lax_r),
        len(gold),
        len(predicted),
    )


def _index(units: list[_Unit]) -> dict[tuple[str, str, str], list[_Unit]]:
    """Sentence -> the units holding it (so lax matching looks only at units that touch)."""
    index: dict[tuple[str, str, str], list[_Unit]] = {}
    for unit in units:
        for side in unit:
            for sentence in side:
                index.setdefault(sentence, []).append(unit)
    return index


def _touches(unit: _Unit, index: Mapping[tuple[str, str, str], list[_Unit]]) -> bool:
    """Whether some indexed unit shares a sentence with ``unit`` in every language where both
    have sentences, and in at least two languages."""
    candidates = {other for side in unit for sentence in side for other in index.get(sentence, ())}
    for other in candidates:
        both = [i for i, (a, b) in enumerate(zip(unit, other, strict=True)) if a and b]
        if len(both) >= 2 and all(unit[i] & other[i] for i in both):
            return True
    return False


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _f1(precision: float, recall: float) -> float:
    total = precision + recall
    return 2 * precision * recall / total if total else 0.0
