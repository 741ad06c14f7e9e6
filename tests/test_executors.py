"""Executors (pipeline.executors): one contract for local and Ray decoding.

Ray runs on this machine (one module-scoped ray.init), with the tiny offline demo models.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.domain import PipelineError
from pipeline.executors import Batch, ExecutorSettings, executor_class, open_executor
from pipeline.executors.driver import MIN_BATCH, split
from pipeline.jobs import Progress, TranslateOptions, translate_paths
from pipeline.routing import load_table
from pipeline.store import Store
from pipeline.translate import EngineOptions

# A short Ukrainian story quoting a Russian sentence: four directions, two sources.
STORY = """Київ завершує опалювальний сезон

Опалювальний сезон у Києві завершиться 20 березня, якщо тепло триматиметься три дні поспіль.
Про це в четвер повідомили в департаменті житлово-комунальної інфраструктури.
До осені в місті обіцяють замінити 42 кілометри тепломереж.

Представник компанії сказал: «Мы начнём ремонт труб сразу после окончания сезона».

Мешканців просять повідомляти про аварії через міський контакт-центр 1551.
"""
ENGINE = EngineOptions(profile="fast", threads=1)
# Small slices, so a run makes many rounds of batches and a kill lands between and inside them.
SLICE = 2

# (article, paragraph, sentence, language) -> (text, origin, signature key, flags)
Output = dict[tuple[str, int, int, str], tuple[str, str, str | None, str]]


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[Any]:
    import ray

    ray.init(num_cpus=2, include_dashboard=False, configure_logging=False, log_to_driver=False)
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def stories(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("stories")
    (folder / "heating.txt").write_text(STORY, "utf-8")
    return folder


def run(
    db: Path, stories: Path, models: Path, name: str, progress: Progress | None = None
) -> Output:
    options = TranslateOptions(
        targets=("en", "ru"),
        engine=ENGINE,
        models_file=models,
        executor=ExecutorSettings(name=name),
        slice_segments=SLICE,
        commit_seconds=0.0,
    )
    with Store(db) as store:
        report = translate_paths([stories], store, options, progress)
        assert report.failed == 0 and report.translated > 0
    return stored_output(db)


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
def local_output(
    stories: Path, tiny_models: Path, tmp_path_factory: pytest.TempPathFactory
) -> Output:
    return run(tmp_path_factory.mktemp("local") / "local.db", stories, tiny_models, "local")


@pytest.mark.parametrize("name", ["local", "ray"])
def test_output_equals_a_local_run_segment_for_segment(
    name: str,
    ray_cluster: Any,
    stories: Path,
    tiny_models: Path,
    local_output: Output,
    tmp_path: Path,
) -> None:
    output = run(tmp_path / f"{name}.db", stories, tiny_models, name)
    assert len(output) == len(local_output) > 10
    assert output == local_output
    machine = {key for _, origin, key, _ in output.values() if origin == "machine"}
    assert len(machine) >= 2  # one signature per route (uk>en, uk>ru, ...)


@pytest.mark.parametrize("name", ["local", "ray"])
def test_run_answers_every_batch_once_with_the_same_translations(
    name: str, ray_cluster: Any, tiny_models: Path
) -> None:
    route = load_table(tiny_models).plan("uk", "en", "fast")[0]
    texts = ("Привіт.", "Місто готується до зими.", "Уряд ухвалив бюджет на наступний рік.")
    batches = [Batch(route, (i,), (text,)) for i, text in enumerate(texts)]
    reference = open_executor(ExecutorSettings(name="local"), ENGINE)
    executor = open_executor(ExecutorSettings(name=name, workers=1), ENGINE)
    try:
        expected = {batch.keys: made for batch, made in reference.run(batches)}
        answered = [(batch.keys, made) for batch, made in executor.run(batches)]
        assert sorted(keys for keys, _ in answered) == sorted(expected)
        assert dict(answered) == expected
        assert executor.signature(route) == reference.signature(route)
    finally:
        executor.close()
        reference.close()


@pytest.mark.parametrize("count", [0, 1, 7, 8, 9, 16, 17, 33, 100])
def test_split_sends_every_text_once_shortest_together(count: int, tiny_models: Path) -> None:
    route = load_table(tiny_models).plan("uk", "en", "fast")[0]
    texts = [f"речення {'x' * ((i * 37) % 23)}" for i in range(count)]
    batches = split(route, texts, parallelism=2)
    keys = [key for batch in batches for key in batch.keys]
    assert sorted(keys) == list(range(count))
    sizes = [len(batch.texts) for batch in batches]
    assert len(batches) == min(4, max(1, count // MIN_BATCH)) if count else batches == []
    assert (
        min(sizes, default=0) >= min(MIN_BATCH, count)
        and max(sizes, default=0) - min(sizes, default=0) <= 1
    )
    for batch in batches:
        assert list(batch.texts) == [texts[k] for k in batch.keys]
        assert [len(t) for t in batch.texts] == sorted(len(t) for t in batch.texts)


def test_without_the_ray_extra_one_line_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tiny_models: Path, stories: Path, tmp_path: Path
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
            str(tiny_models),
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
    """Kills one decoding actor with SIGKILL shortly after the first slice is stored, so the
    kill lands while the next slice's batches are in flight."""

    def __init__(self) -> None:
        self.pid = -1
        self.timer: threading.Timer | None = None
        self.finished = False
        self.killed_mid_run = False

    def advanced(self, segments: int) -> None:
        if self.timer is None:
            self.timer = threading.Timer(0.05, self.kill)
            self.timer.start()

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        self.killed_mid_run = not self.finished

    def finish(self) -> None:
        self.finished = True


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(
    ray_cluster: Any,
    stories: Path,
    tiny_models: Path,
    local_output: Output,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pipeline.executors import ray as ray_executor

    opened: list[Any] = []
    original = ray_executor.RayExecutor.__init__

    def recording(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        opened.append((self, self.pids()))

    monkeypatch.setattr(ray_executor.RayExecutor, "__init__", recording)
    progress = KillOnce()
    original_run = ray_executor.RayExecutor.run

    def run_arming(self: Any, batches: Any) -> Any:
        progress.pid = opened[0][1][0]
        return original_run(self, batches)

    monkeypatch.setattr(ray_executor.RayExecutor, "run", run_arming)
    output = run(tmp_path / "killed.db", stories, tiny_models, "ray", progress)
    assert progress.timer is not None
    progress.timer.join()
    assert progress.killed_mid_run
    assert process_gone(progress.pid)
    assert output == local_output  # nothing lost, nothing twice, the same text and signatures


def test_ray_is_imported_only_when_chosen() -> None:
    code = (
        "import sys, pipeline.cli, pipeline.jobs, pipeline.executors;"
        " from pipeline.executors import executor_class; executor_class('local');"
        " print('ray' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
