"""A translation run checks what it needs before reading, stores its work in small steps and
says it is alive: wrong settings fail fast, a kill loses only the slice in flight."""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.domain import Segment
from pipeline.jobs import _Pacer
from pipeline.progress import LogProgress
from pipeline.store import Store


def story(folder: Path) -> Path:
    path = folder / "story.md"
    path.write_text("# Council meets\n\nThe council met on Monday.\n", encoding="utf-8")
    return path


@pytest.fixture
def no_reading(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records any attempt to read input (there must be none when settings are wrong)."""
    reads: list[str] = []

    def refuse(paths: object, options: object) -> object:
        reads.append(str(paths))
        raise AssertionError("input was read before the settings were checked")

    monkeypatch.setattr("pipeline.jobs.iter_articles", refuse)
    return reads


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--profile", "nope"], "unknown profile 'nope'"),
        (["--engine", "nope"], "unknown translation engine 'nope'"),
        (["--to", "en", "--models", "{missing_table}"], "has no config.json"),
        (["--to", "en", "--models", "{bad_yaml}"], "is not valid YAML"),
    ],
)
def test_wrong_settings_fail_before_any_input_is_read(
    tiny_models: Path, tmp_path: Path, no_reading: list[str], extra: list[str], message: str
) -> None:
    missing_table = tmp_path / "missing.yaml"
    missing_table.write_text(
        f"profiles:\n  quality:\n    uk>en: {{model: {tmp_path / 'no-such-model'}}}\n"
    )
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("profiles: [\n")
    args = [a.format(missing_table=missing_table, bad_yaml=bad_yaml) for a in extra]
    if "--models" not in args:
        args += ["--models", str(tiny_models)]
    db = tmp_path / "x.db"
    result = CliRunner().invoke(main, ["translate", str(story(tmp_path)), "--db", str(db), *args])
    assert result.exit_code == 1
    assert message in result.output and result.output.count("\n") == 1, result.output
    assert no_reading == []
    with Store(db) as store:
        assert store.article_ids(editions=True) == []


def test_a_missing_hub_model_fails_before_any_input_is_read(
    tmp_path: Path, no_reading: list[str]
) -> None:
    db = tmp_path / "x.db"
    result = CliRunner().invoke(main, ["translate", str(story(tmp_path)), "--db", str(db)])
    assert result.exit_code == 1 and "pipeline models pull" in result.output
    assert no_reading == []


def test_log_progress_speaks_at_least_every_interval() -> None:
    stream = io.StringIO()
    progress = LogProgress(stream, interval=0.2)
    progress.begin()
    progress.ingested("Стаття")
    time.sleep(0.7)
    progress.start(1, 100)
    progress.advanced(40)
    time.sleep(0.7)
    progress.finish()
    lines = stream.getvalue().splitlines()
    reading = [line for line in lines if line.startswith("... reading articles: 1 stored")]
    stored = [line for line in lines if line.startswith("... 40/100 segments stored")]
    assert len(reading) >= 2 and len(stored) >= 2, lines
    count = len(stream.getvalue())
    time.sleep(0.4)
    assert len(stream.getvalue()) == count  # finished: the heartbeat stopped


def segments(lengths: list[int]) -> list[tuple[int, Segment]]:
    return [
        (
            0,
            Segment(
                article_id="a",
                para_index=i,
                sent_index=0,
                kind="p",
                lang="uk",
                confidence=1.0,
                text="x" * n,
            ),
        )
        for i, n in enumerate(lengths)
    ]


def test_pacer_slices_follow_the_measured_speed(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [0.0]
    monkeypatch.setattr("pipeline.jobs.time.monotonic", lambda: clock[0])
    pacer = _Pacer(3.0, first=4, least=2, most=50)
    sizes = []
    for piece in pacer.slices(segments([100] * 200)):
        sizes.append(len(piece))
        clock[0] += len(piece) * 100 / 1000  # 1,000 characters per second
    assert sizes[0] == 4
    assert set(sizes[1:-1]) == {30}  # 3 s at 1,000 characters/s, 100 each
    assert sum(sizes) == 200


def test_pacer_never_takes_less_than_least_nor_more_than_most(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = [0.0]
    monkeypatch.setattr("pipeline.jobs.time.monotonic", lambda: clock[0])
    slow = _Pacer(1.0, first=1, least=3, most=5)
    sizes = []
    for piece in slow.slices(segments([1000] * 12)):
        sizes.append(len(piece))
        clock[0] += 100.0
    assert sizes == [1, 3, 3, 3, 2]
    fast = _Pacer(1.0, first=1, least=3, most=5)
    sizes = []
    for piece in fast.slices(segments([10] * 12)):
        sizes.append(len(piece))
        clock[0] += 0.0001
    assert sizes == [1, 5, 5, 1]


def machine_rows(db: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(db) as conn:
        return [
            (int(r[0]), str(r[1]))
            for r in conn.execute(
                "SELECT segment_id, lang FROM versions WHERE lang = 'ru'"
                " AND origin IN ('machine', 'source')"
            )
        ]


def test_a_run_killed_inside_one_article_keeps_what_it_stored(
    tiny_models: Path, tmp_path: Path
) -> None:
    """One article, killed after its first stored slice and before its last: the stored
    slices stay, the re-run translates only the rest, each segment once."""
    article = tmp_path / "long.md"
    # 100 sentences: the first stored slice (TranslateOptions.slice_segments, 64) is not all.
    sentences = [f"The council met on day {n} and talked about item {n * 7}." for n in range(100)]
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    article.write_text("# Long session\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    db = tmp_path / "killed.db"
    command = [
        sys.executable,
        "-m",
        "pipeline",
        "translate",
        str(article),
        "--models",
        str(tiny_models),
        "--db",
        str(db),
        "--threads",
        "1",
        "--to",
        "ru",
        "--profile",
        "fast",
        "--no-memory",
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 300
    partial: list[tuple[int, str]] = []
    while time.monotonic() < deadline and process.poll() is None:
        try:
            partial = machine_rows(db) if db.exists() else []
        except sqlite3.OperationalError:  # not created yet
            partial = []
        if partial:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = machine_rows(db)
    with Store(db) as store:
        (article_id,) = store.article_ids()
        total = len(store.article(article_id).segments)
    assert 0 < len(partial) < total, "killed before the first or after the last slice"
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    rows = machine_rows(db)
    assert len(rows) == len(set(rows)) == total  # every segment once, none twice
    assert set(partial) <= set(rows)
    assert f"translating {total - len(partial)} segments" in done.stderr
