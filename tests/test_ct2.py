"""The CTranslate2 engine: conversion cache, translation through the engine, the install hint."""

from __future__ import annotations

import builtins
import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.domain import PipelineError
from pipeline.routing import load_table
from pipeline.translate import ENGINES, EngineOptions, EngineStats, build_engine

ctranslate2 = pytest.importorskip("ctranslate2")

from pipeline.translate.ct2 import CTranslate2Backend, convert  # noqa: E402

TEXTS = [
    "The city council approved the heating budget on Monday.",
    "Trains to Warsaw leave Kyiv twice a day.",
    "The city council approved the heating budget on Monday.",  # a duplicate
    "2024",  # no letters: passed through, never sent to the model
    "Officials said the new port terminal would open in spring.",
]


@pytest.fixture(autouse=True)
def ct2_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "ct2-cache"
    monkeypatch.setenv("PIPELINE_CT2_CACHE", str(cache))
    return cache


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine under its registry name, whether or not the registry already lists it."""
    monkeypatch.setitem(ENGINES, "ctranslate2", CTranslate2Backend)


def _float32_backend(options: EngineOptions, stats: EngineStats) -> CTranslate2Backend:
    return CTranslate2Backend(options, stats, compute_type="float32")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("profile", "target"), [("fast", "uk"), ("quality", "uk"), ("quality", "ru")]
)
def test_engine_gives_one_output_per_input_in_order(
    tiny_models: Path, registered: None, profile: str, target: str
):
    table = load_table(tiny_models)
    options = EngineOptions(profile=profile, device="cpu", threads=1, engine="ctranslate2")
    with build_engine(table, options) as engine:
        batch = engine.translate(TEXTS, "en", target)
        backwards = engine.translate(TEXTS[::-1], "en", target)
    assert len(batch) == len(TEXTS)
    # Batches are packed longest first; every output must still land at its input's place.
    assert [t.text for t in backwards][::-1] == [t.text for t in batch]
    assert len({batch[i].text for i in (0, 1, 4)}) >= 2  # a misplaced output would show
    assert batch[0].text == batch[2].text
    assert batch[3].text == "2024" and batch[3].signature is None
    assert batch[0].text != batch[1].text
    for translation in (batch[0], batch[1], batch[4]):
        assert translation.text
        assert translation.signature is not None
        assert translation.signature.engine == "ctranslate2"
        decoding = json.loads(translation.signature.decoding)
        assert decoding["compute_type"] == "int8"
        assert ">>" not in translation.text  # the target token never leaks into the output


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["fast", "quality"])
def test_float32_output_matches_the_transformers_engine(
    tiny_models: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, profile: str
):
    """Same model, same greedy decoding: CTranslate2 in float32 gives transformers' text."""
    monkeypatch.setitem(ENGINES, "ctranslate2", _float32_backend)
    overlay = tmp_path / "greedy.yaml"
    table_text = tiny_models.read_text("utf-8").replace("./", f"{tiny_models.parent}/")
    overlay.write_text(f"{table_text}\ngeneration: {{num_beams: 1}}\n", "utf-8")
    table = load_table(overlay)
    common: dict[str, Any] = {"profile": profile, "device": "cpu", "threads": 1}
    texts = [t for t in TEXTS if any(ch.isalpha() for ch in t)]
    with build_engine(table, EngineOptions(**common)) as reference:
        expected = [t.text for t in reference.translate(texts, "en", "uk")]
    with build_engine(table, EngineOptions(**common, engine="ctranslate2")) as fast:
        made = fast.translate(texts, "en", "uk")
    assert [t.text for t in made] == expected
    assert all(t.signature is not None and t.signature.engine == "ctranslate2" for t in made)


@pytest.mark.slow
def test_conversion_is_cached_per_quantisation(tiny_models_dir: Path, ct2_cache: Path):
    model = str(tiny_models_dir / "tiny-en-uk")
    first = convert(model, None, "int8")
    stamp = (first / "model.bin").stat().st_mtime_ns
    again = convert(model, None, "int8")
    other = convert(model, None, "float32")
    assert again == first and (again / "model.bin").stat().st_mtime_ns == stamp
    assert other != first
    assert first.parent == ct2_cache
    assert not [p for p in ct2_cache.iterdir() if p.name.startswith(".converting")]


@pytest.mark.slow
def test_jobs_store_ctranslate2_versions(tiny_models: Path, tmp_path: Path, registered: None):
    from pipeline.jobs import TranslateOptions, translate_paths
    from pipeline.store import Store

    article = tmp_path / "in" / "en-council.txt"
    article.parent.mkdir()
    article.write_text(
        "Council backs heating budget\n\n"
        "The city council approved the heating budget on Monday. Trains to Warsaw leave Kyiv "
        "twice a day.\n\nOfficials said the new port terminal would open in spring.\n",
        "utf-8",
    )
    options = TranslateOptions(
        targets=("uk",),
        engine=EngineOptions(profile="fast", device="cpu", threads=1, engine="ctranslate2"),
        models_file=tiny_models,
    )
    with Store(tmp_path / "db.sqlite") as store:
        report = translate_paths([article.parent], store, options)
        stored = store.article(store.list_articles()[0].id)
        versions = store.current_versions(stored, "uk")
    assert report.failed == 0 and report.translated >= 3
    machine = [v for v in versions.values() if v.origin == "machine"]
    assert len(machine) == len(stored.segments) - report.kept
    assert {v.signature.engine for v in machine if v.signature} == {"ctranslate2"}


def test_missing_package_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tiny_models: Path, registered: None
):
    real_import = builtins.__import__

    def no_ctranslate2(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "ctranslate2" or name.startswith("ctranslate2."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ctranslate2)
    monkeypatch.delitem(__import__("sys").modules, "ctranslate2", raising=False)
    table = load_table(tiny_models)
    with pytest.raises(PipelineError, match=r"pip install 'pipeline\[fast\]'"):
        build_engine(table, EngineOptions(engine="ctranslate2", device="cpu"))


@pytest.mark.slow
@pytest.mark.parametrize("beams", [1, 4])
def test_streams_change_neither_output_nor_order(
    tiny_models: Path, tmp_path: Path, registered: None, beams: int
):
    overlay = tmp_path / "beams.yaml"
    table_text = tiny_models.read_text("utf-8").replace("./", f"{tiny_models.parent}/")
    overlay.write_text(f"{table_text}\ngeneration: {{num_beams: {beams}}}\n", "utf-8")
    table = load_table(overlay)
    texts = [t for t in TEXTS if any(ch.isalpha() for ch in t)] * 3
    texts += [f"Report number {n} said the council met on Monday." for n in range(12)]
    outputs = []
    for streams in (1, 2):
        options = EngineOptions(
            profile="fast",
            device="cpu",
            threads=2,
            streams=streams,
            batch_tokens=64,
            engine="ctranslate2",
        )
        with build_engine(table, options) as engine:
            outputs.append([t.text for t in engine.translate(texts, "en", "uk")])
    assert outputs[0] == outputs[1]
    assert len(set(outputs[0])) > 3
