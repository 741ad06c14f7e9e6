"""Editors and a running `translate` share one SQLite store: WAL, a busy timeout, no lost
writes, and re-translation never overwrites a person's edited or approved text."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import pipeline
from pipeline.store import Store

ROOT = Path(__file__).resolve().parent.parent
FIRST = "uk-kyiv-heating.txt"
OTHERS = ("ru-kharkiv-school.txt", "en-reconstruction-fund.txt", "uk-istanbul-talks.txt")


@pytest.fixture
def newsroom(tmp_path: Path, tiny_models: Path) -> Path:
    """tmp/news.db holding FIRST translated into en; tmp/later/ the files a later run adds."""
    (tmp_path / "later").mkdir()
    shutil.copy(ROOT / "samples" / FIRST, tmp_path)
    for name in OTHERS:
        shutil.copy(ROOT / "samples" / name, tmp_path / "later")
    pipeline.translate_folder(
        [tmp_path / FIRST], db=tmp_path / "news.db", targets=["en"], models=tiny_models
    )
    return tmp_path


def test_store_waits_for_a_busy_writer_instead_of_failing(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        # seconds a writer waits for another's transaction before "database is locked"
        assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_edits_during_a_translate_run_are_all_kept(newsroom: Path, tiny_models: Path) -> None:
    db = newsroom / "news.db"
    story = pipeline.articles(db)[0].id
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    env.pop("PIPELINE_MODELS", None)
    command = [sys.executable, "-m", "pipeline", "translate", str(newsroom / "later"),
               str(newsroom / FIRST), "--to", "en,ru", "--models", str(tiny_models),
               "--db", str(db), "--threads", "1", "-q"]  # fmt: skip
    run = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    written: list[str] = []
    during = 0  # edits stored while the run was still going
    approved_at: int | None = None
    try:
        with Store(db) as store:  # the editor's own connection, as the web desk holds one
            while run.poll() is None or len(written) < 20:
                text = f"Edit number {len(written)}."
                assert pipeline.edit(store, story, "en", {"p2-s1": text}) == 1
                written.append(text)
                during += run.poll() is None
                if len(written) == 10:
                    approved_at = pipeline.approve(store, story, "en")
                time.sleep(0.05)
    finally:
        output = run.communicate(timeout=600)[0].decode("utf-8", "replace")
    assert run.returncode == 0, output
    assert approved_at and during >= 5
    with Store(db) as store:
        stored = store.article(story)
        segment = next(s for s in stored.segments if s.key == "p2-s1")
        versions = store.versions([segment.id])  # type: ignore[list-item]
        human = [v for v in versions if v.lang == "en" and v.origin == "human"]
        assert [v.text for v in human] == written  # every edit, in order: no lost write
        current = store.current_versions(stored, "en")[segment.id]  # type: ignore[index]
        assert (current.text, current.origin) == (written[-1], "human")
        # the approval given mid-run still stands for the sentences nobody edited after it
        assert any(v.state == "approved" for v in store.article_versions(stored, lang="en"))
        # the run did its own work meanwhile: every article complete in ru and en
        for article_id in store.article_ids():
            other = store.article(article_id)
            assert store.missing(other, "ru") == [] and store.missing(other, "en") == []


def test_translating_again_keeps_edited_and_approved_text(
    newsroom: Path, tiny_models: Path
) -> None:
    db = newsroom / "news.db"
    story = pipeline.articles(db)[0].id
    assert pipeline.edit(db, story, "en", {"p2-s1": "A person's sentence."}) == 1
    pipeline.approve(db, story, "en")
    with Store(db) as store:
        before = {v.id: (v.text, v.state) for v in store.article_versions(store.article(story))}
    report = pipeline.translate_folder(
        [newsroom / FIRST], db=db, targets=["en"], models=tiny_models, use_memory=False
    )
    assert report.translated == 0  # nothing missing: nothing re-translated
    with Store(db) as store:
        stored = store.article(story)
        after = {v.id: (v.text, v.state) for v in store.article_versions(stored)}
        current = store.current_versions(stored, "en")
    assert after == before
    edited = next(v for v in current.values() if v.origin == "human")
    assert (edited.text, edited.state) == ("A person's sentence.", "approved")
