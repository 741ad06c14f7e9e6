"""Executors (pipeline.executors): a Ray run writes what a local run writes.

Ray runs on this machine (one module-scoped ray.init with two CPUs, so two decoding actors),
with the tiny offline demo models.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.domain import PipelineError
from pipeline.executors import ExecutorSettings, executor_class
from pipeline.jobs import Progress, RunReport, TranslateOptions, translate_paths
from pipeline.store import Store
from pipeline.translate import EngineOptions

# A short Ukrainian story quoting a Russian sentence: four directions, two sources, and a
# sentence in two languages (translated span by span).
STORY = """Київ завершує опалювальний сезон

Опалювальний сезон у Києві завершиться 20 березня, якщо тепло триматиметься три дні поспіль.
Про це в четвер повідомили в департаменті житлово-комунальної інфраструктури.
До осені в місті обіцяють замінити 42 кілометри тепломереж.

Представник компанії сказал: «Мы начнём ремонт труб сразу после окончания сезона».

Раніше той заявив: «Мы не собираемся отводить войска.»

Мешканців просять повідомляти про аварії через міський контакт-центр 1551, а код `make test`.
"""
ENGINE = EngineOptions(profile="fast", threads=1)
# Small batches, so a run makes many of them and a kill lands between and inside them.
BATCH_ROWS = 2

# (article, paragraph, sentence, language) -> (text, origin, signature key, flags)
Output = dict[tuple[str, int, int, str], tuple[str, str, str | None, str]]


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[Any]:
    import ray

    ray.init(num_cpus=2, include_dashboard=False, configure_logging=False, log_to_driver=False)
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def models(tiny_models: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo table with one sentence per model batch. The random demo models never stop
    before max_new_tokens, which the longest input of a model batch sets, so their output
    depends on which sentences share a batch, in a local run as in a Ray run (whose batches
    differ); one sentence a batch makes each output depend on its sentence alone, as real
    models' outputs do (they stop at </s>)."""
    text = tiny_models.read_text("utf-8").replace("./tiny-", f"{tiny_models.parent}/tiny-")
    text = text.replace("  fast:\n", "  fast:\n    generation: {batch_size: 1}\n")
    path = tmp_path_factory.mktemp("models") / "models.yaml"
    path.write_text(text, "utf-8")
    return path


@pytest.fixture(scope="module")
def stories(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("stories")
    (folder / "heating.txt").write_text(STORY, "utf-8")
    return folder


def translate(
    db: Path, stories: Path, models: Path, name: str, progress: Progress | None = None
) -> RunReport:
    options = TranslateOptions(
        targets=("en", "ru"),
        engine=ENGINE,
        models_file=models,
        executor=ExecutorSettings(name=name, batch_rows=BATCH_ROWS),
        commit_seconds=0.0,
    )
    with Store(db) as store:
        report = translate_paths([stories], store, options, progress)
    assert report.failed == 0
    return report


def stored_output(db: Path) -> Output:
    with Store(db) as store:
        rows = store.conn.execute(
            "SELECT a.id, s.para_index, s.sent_index, v.lang, v.text, v.origin, v.signature_key,"
            " v.flags FROM versions v JOIN segments s ON s.id = v.segment_id"
            " JOIN revisions r ON r.id = s.revision_id JOIN articles a ON a.id = r.article_id"
        ).fetchall()
    output: Output = {}
    for article, para, sent, lang, text, origin, key, flags in rows:
        where = (article, para, sent, lang)
        assert where not in output, f"duplicated version {where}"
        output[where] = (text, origin, key, flags)
    return output


@pytest.fixture(scope="module")
def local_output(stories: Path, models: Path, tmp_path_factory: pytest.TempPathFactory) -> Output:
    db = tmp_path_factory.mktemp("local") / "local.db"
    assert translate(db, stories, models, "local").translated > 0
    return stored_output(db)


def test_output_equals_a_local_run_segment_for_segment(
    ray_cluster: Any,
    stories: Path,
    models: Path,
    local_output: Output,
    tmp_path: Path,
) -> None:
    report = translate(tmp_path / "ray.db", stories, models, "ray")
    output = stored_output(tmp_path / "ray.db")
    assert report.translated > 0 and report.segments > 5
    assert len(output) == len(local_output) > 10
    assert output == local_output
    machine = {key for _, origin, key, _ in output.values() if origin == "machine"}
    assert len(machine) >= 2  # one signature per route (uk>en, uk>ru, ...)
    assert any(origin == "source" for _, origin, _, _ in output.values())  # code kept as is


@pytest.mark.parametrize(("first", "second"), [("local", "ray"), ("ray", "local")])
def test_the_memory_one_executor_fills_serves_the_other(
    first: str, second: str, ray_cluster: Any, stories: Path, models: Path, tmp_path: Path
) -> None:
    """ray looks up the driver's memory before sending; its workers' entries are stored."""
    db = tmp_path / "memory.db"
    translate(db, stories, models, first)
    again = tmp_path / "again"
    again.mkdir()
    (again / "heating-again.txt").write_text(
        STORY.replace("Київ завершує", "Львів завершує"), "utf-8"
    )
    report = translate(db, again, models, second)
    assert report.reused >= 10  # every sentence but the changed title, in two languages
    assert report.translated <= 2
    with Store(db) as store:
        assert store.memory_size() > 0


def test_without_the_ray_extra_one_line_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, models: Path, stories: Path, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError
    with pytest.raises(PipelineError, match=r"pip install 'pipeline\[ray\]'"):
        executor_class("ray")
    result = CliRunner().invoke(
        main,
        [
            "translate",
            str(stories),
            "--models",
            str(models),
            "--db",
            str(tmp_path / "x.db"),
            "--executor",
            "ray",
        ],
    )
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "pip install 'pipeline[ray]'" in errors[0]
    assert not (tmp_path / "x.db").exists() or stored_output(tmp_path / "x.db") == {}


def process_gone(pid: int, seconds: float = 10.0) -> bool:
    """Whether pid is dead (or a zombie waiting for its parent) within seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        status = Path(f"/proc/{pid}/status")
        if status.exists() and "State:\tZ" in status.read_text():
            return True
        time.sleep(0.1)
    return False


class KillOnce(Progress):
    """Kills one decoding actor (SIGKILL) when the first results are stored, and counts
    what is stored after: the kill lands while other batches are still to come."""

    def __init__(self, pids: Path) -> None:
        self.pids = pids
        self.pid = -1
        self.after = 0

    def advanced(self, segments: int) -> None:
        if self.pid == -1:
            self.pid = int(sorted(self.pids.glob("*.pid"))[0].read_text())
            os.kill(self.pid, signal.SIGKILL)
        else:
            self.after += segments


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(
    ray_cluster: Any,
    stories: Path,
    models: Path,
    local_output: Output,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pids = tmp_path / "pids"
    pids.mkdir()
    monkeypatch.setenv("PIPELINE_RAY_PID_DIR", str(pids))
    progress = KillOnce(pids)
    translate(tmp_path / "killed.db", stories, models, "ray", progress)
    assert progress.pid > 0 and process_gone(progress.pid)
    assert progress.after > 0  # the run went on after the kill
    assert len(list(pids.glob("*.pid"))) >= 2  # ... on a restarted or another actor
    # nothing lost, nothing twice, the same text and signatures
    assert stored_output(tmp_path / "killed.db") == local_output


DRIVER = """
import sys, time
from pathlib import Path
from pipeline.executors import ExecutorSettings
from pipeline.jobs import Progress, TranslateOptions, translate_paths
from pipeline.store import Store
from pipeline.translate import EngineOptions

class Slow(Progress):
    def advanced(self, segments):
        time.sleep(0.5)  # so the test's kill lands mid-run

db, stories, models, address = sys.argv[1:]
options = TranslateOptions(
    targets=("en", "ru"),
    engine=EngineOptions(profile="fast", threads=1),
    models_file=Path(models),
    executor=ExecutorSettings(name="ray", address=address, batch_rows=1),
    commit_seconds=0.0,
)
with Store(Path(db)) as store:
    translate_paths([Path(stories)], store, options, Slow())
"""


def stored_versions(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM versions").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_a_driver_killed_mid_run_resumes_like_a_local_run(
    ray_cluster: Any, stories: Path, models: Path, local_output: Output, tmp_path: Path
) -> None:
    db = tmp_path / "driver.db"
    address = ray_cluster.get_runtime_context().gcs_address
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    driver = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(db), str(stories), str(models), address], env=env
    )
    deadline = time.monotonic() + 90
    while stored_versions(db) == 0 and driver.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    driver.send_signal(signal.SIGKILL)
    driver.wait()
    kept = stored_versions(db)
    assert 0 < kept < len(local_output)  # killed mid-run
    report = translate(db, stories, models, "ray")
    assert report.translated + report.reused + report.kept == len(local_output) - kept
    assert stored_output(db) == local_output


def test_ray_is_imported_only_when_chosen() -> None:
    code = (
        "import sys, pipeline.cli, pipeline.jobs, pipeline.executors;"
        " from pipeline.executors import executor_class; executor_class('local');"
        " print('ray' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
