"""The run summary counts the flags `diff` shows, by kind, with the tiny offline models."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.checks import REPORT_KINDS, VersionChecks
from pipeline.cli import main
from pipeline.diff.align import DiffOptions, build_view
from pipeline.jobs import RunReport
from pipeline.store import Store

STORY = {
    "title": "Бюджет міста на 2025 рік",
    "body": (
        "Засідання ради відбулося 25.01.2025 о 14:30, і депутати ухвалили бюджет міста.\n\n"
        "Місто витратить 1 250 000 гривень на ремонт доріг у січні та лютому.\n\n"
        "2024 — 2025\n\n"
        "„Wir werden die Ukraine so lange unterstützen, wie es nötig ist, und zwar gemeinsam"
        " mit unseren Partnern in Europa.“"
    ),
}


def _summary_counts(output: str) -> tuple[int, dict[str, int]]:
    line = next(line for line in output.splitlines() if line.startswith("articles "))
    match = re.search(r"flagged (\d+)(?: \(([^)]*)\))?", line)
    assert match, line
    kinds = {}
    for part in (match.group(2) or "").split(", "):
        if part:
            kind, count = part.rsplit(" ", 1)
            kinds[kind] = int(count)
    return int(match.group(1)), kinds


@pytest.fixture(scope="module")
def run(tiny_models: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    work = tmp_path_factory.mktemp("summary")
    story = work / "budget.json"
    story.write_text(json.dumps(STORY, ensure_ascii=False), encoding="utf-8")
    db = work / "pipeline.db"
    result = CliRunner().invoke(
        main,
        ["translate", str(story), "--db", str(db), "--models", str(tiny_models), "--threads", "1"],
    )
    assert result.exit_code == 0, result.output
    return db, result.output


def test_summary_counts_what_diff_shows(run: tuple[Path, str]) -> None:
    db, output = run
    flagged, kinds = _summary_counts(output)
    with Store(db) as store:
        (article_id,) = store.article_ids()
        view = build_view(store, article_id, DiffOptions())
    expected: Counter[str] = Counter()
    versions = 0
    for row in view.rows:
        for cell in row.cells:
            found = VersionChecks(cell.flags, cell.notes).kinds
            expected.update(found)
            versions += 1 if found else 0
    assert versions > 0, "the story's numbers and German quote give diff something to show"
    assert (flagged, kinds) == (versions, dict(expected))
    assert set(kinds) <= set(REPORT_KINDS)


def test_summary_names_passthrough_and_numbers(run: tuple[Path, str]) -> None:
    _, output = run
    flagged, kinds = _summary_counts(output)
    assert kinds.get("passthrough", 0) >= 3  # the German quote, kept as written in uk, ru, en
    assert kinds.get("numbers", 0) >= 1
    assert flagged >= kinds["passthrough"]


@pytest.mark.parametrize(
    ("kinds", "flagged", "text"),
    [
        ([], 0, "flagged 0, kept"),
        ([("numbers",), ("numbers", "length")], 2, "flagged 2 (numbers 2, length 1), kept"),
        ([("passthrough",), ()], 1, "flagged 1 (passthrough 1), kept"),
        ([("split",)], 0, "flagged 0, kept"),  # split has its own count
    ],
)
def test_summary_line_lists_kinds(kinds: list[tuple[str, ...]], flagged: int, text: str) -> None:
    report = RunReport()
    for each in kinds:
        report.count_flags(each)
    assert report.flagged == flagged
    assert text in report.summary()
