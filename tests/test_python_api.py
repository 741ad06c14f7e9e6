"""The Python API at the package root: the README's "Python API" examples run as written, and
`import pipeline` stays light."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import pipeline

ROOT = Path(__file__).resolve().parent.parent


def readme_examples() -> list[str]:
    """The ```python blocks of the README's "## Python API" section, in order."""
    text = (ROOT / "README.md").read_text("utf-8")
    start = text.index("\n## Python API\n")
    end = text.find("\n## ", start + 1)
    section = text[start : end if end != -1 else len(text)]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


@pytest.fixture
def newsroom(tmp_path: Path, tiny_models: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder as the README assumes it: samples/ and demo-models/."""
    (tmp_path / "samples").mkdir()
    shutil.copy(ROOT / "samples" / "uk-kyiv-heating.txt", tmp_path / "samples")
    shutil.copytree(ROOT / "samples" / "set-city-budget", tmp_path / "samples" / "set-city-budget")
    (tmp_path / "demo-models").symlink_to(tiny_models.parent, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PIPELINE_MODELS", raising=False)
    return tmp_path


def test_readme_examples_run_and_do_what_they_say(newsroom: Path) -> None:
    blocks = readme_examples()
    assert len(blocks) == 4
    namespace: dict[str, object] = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for block in blocks:
            exec(compile(block, "README.md (Python API)", "exec"), namespace)
    ns = namespace
    report = ns["report"]
    assert report.articles == 1 and report.translated > 0 and report.failed == 0  # type: ignore[attr-defined]
    result = ns["result"]
    assert result.source == "uk" and result.target == "en"  # type: ignore[attr-defined]
    assert len(result.sentences) == 2 and result.text  # type: ignore[attr-defined]
    assert result.score is not None and result.score < 0  # type: ignore[attr-defined]
    assert result.signatures[0].route == "uk>en"  # type: ignore[attr-defined]
    risk = ns["risk"]
    assert risk.value > 0.9  # type: ignore[attr-defined]
    assert "a number in the source is missing: 3.2" in risk.reasons  # type: ignore[attr-defined]
    assert ns["states"] == {"uk": "source", "ru": "missing", "en": "machine"}
    assert ns["changed"] == 1 and ns["approved"] >= 1
    assert ns["site"].published["en"] == 1  # type: ignore[attr-defined]
    assert (newsroom / "public" / "site").is_dir()
    assert "articles 1" in printed.getvalue()
    with pipeline.Store(newsroom / "news.db") as store:
        stored = store.article(ns["story"].id)  # type: ignore[attr-defined]
        human = [v for v in store.article_versions(stored, lang="en") if v.origin == "human"]
    assert [(v.text, v.state, v.score) for v in human] == [
        ("Kyiv turns the heating on.", "approved", None)
    ]
    kinds = ns["run"].report.kinds  # type: ignore[attr-defined]
    assert sum(kinds.values()) > 10 and any(kind != "1-1-1" for kind in kinds)
    scored = [line for line in ns["scores"].lines if line.score is not None]  # type: ignore[attr-defined]
    assert {line.direction for line in scored} == {"uk>en"}
    assert all(0 <= line.score.chrf <= 100 for line in scored)
    mine = ns["mine"]
    assert mine.text == "An editor's text." and mine.origin == "human"  # type: ignore[attr-defined]
    assert printed.getvalue().rstrip().endswith("An editor's text.")


def test_errors_name_what_went_wrong(newsroom: Path, tiny_models: Path) -> None:
    pipeline.translate_folder(
        ["samples/uk-kyiv-heating.txt"], db="news.db", targets=["en"], models=tiny_models
    )
    story = pipeline.articles("news.db")[0].id
    with pytest.raises(pipeline.NotFound):
        pipeline.review_states("news.db", "no-such-story")
    with pytest.raises(pipeline.PipelineError) as caught:
        pipeline.edit("news.db", story, "en", {"p99-s1": "x"})
    assert "p99-s1" in str(caught.value) and caught.value.hint
    with pytest.raises(pipeline.PipelineError, match="unknown target language"):
        pipeline.translate_folder(["samples"], db="news.db", targets=["de"])


def test_an_open_store_serves_several_calls(newsroom: Path, tiny_models: Path) -> None:
    with pipeline.Store(newsroom / "news.db") as store:
        pipeline.translate_folder(
            ["samples/uk-kyiv-heating.txt"], db=store, targets=["en"], models=tiny_models
        )
        story = pipeline.articles(store)[0].id
        assert pipeline.approve(store, story, "en") > 0
        assert pipeline.unapprove(store, story, "en") > 0
        assert b"<xliff" in pipeline.export_xliff(store, story, "en")


def test_import_pipeline_loads_no_model_library() -> None:
    code = (
        "import sys, pipeline; pipeline.translate_folder; pipeline.publish_folder; pipeline.Store;"
        "print(sorted(m for m in ('torch', 'transformers', 'ctranslate2') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"


def test_all_names_exist_and_match_the_lazy_table() -> None:
    from pipeline import _LAZY

    assert sorted(pipeline.__all__) == sorted(["__version__", *_LAZY])
    for name in pipeline.__all__:
        assert getattr(pipeline, name) is not None
    with pytest.raises(AttributeError):
        pipeline.no_such_name  # noqa: B018


def test_no_api_name_is_shadowed_by_a_subpackage() -> None:
    """Importing pipeline.publish sets the attribute `publish` on the package: a function of
    that name at the root would be replaced by the module."""
    import pkgutil

    modules = {info.name for info in pkgutil.iter_modules(pipeline.__path__)}
    assert not modules & set(pipeline.__all__)
