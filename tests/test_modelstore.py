"""Model availability without the network: local folders, a hand-made HF cache, offline pull."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from pipeline import modelstore
from pipeline.routing import RoutingTable, load_table

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def fake_cache(root: Path, model_id: str, files: tuple[str, ...]) -> Path:
    """The Hugging Face cache layout for one model at COMMIT, referenced by refs/main."""
    repo = root / f"models--{model_id.replace('/', '--')}"
    snapshot = repo / "snapshots" / COMMIT
    snapshot.mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(COMMIT)
    for name in files:
        (snapshot / name).write_text("{}")
    return snapshot


@pytest.fixture(scope="module")
def packaged() -> RoutingTable:
    return load_table(env={})


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)


@pytest.mark.parametrize(
    ("files", "cached"),
    [
        (("config.json", "model.safetensors"), True),
        (("config.json", "pytorch_model.bin"), True),
        (("config.json",), False),
    ],
)
def test_is_cached_reads_the_hub_cache(tmp_path: Path, files, cached: bool):
    fake_cache(tmp_path, "Helsinki-NLP/opus-mt-uk-en", files)
    assert modelstore.is_cached("Helsinki-NLP/opus-mt-uk-en", cache_dir=tmp_path) is cached
    assert modelstore.is_cached("Helsinki-NLP/opus-mt-ru-en", cache_dir=tmp_path) is False


def test_cached_model_resolves_to_its_snapshot(tmp_path: Path, packaged: RoutingTable):
    snapshot = fake_cache(
        tmp_path, "Helsinki-NLP/opus-mt-uk-en", ("config.json", "model.safetensors")
    )
    route = packaged.plan("uk", "en", "fast")[0]
    assert modelstore.resolve_model_path(route, cache_dir=tmp_path) == str(snapshot)
    assert modelstore.resolve_revision(route.model, cache_dir=tmp_path) == COMMIT
    assert modelstore.resolve_revision("Helsinki-NLP/opus-mt-ru-en", cache_dir=tmp_path) is None
    assert modelstore.resolve_revision("Org/any", "f" * 40, cache_dir=tmp_path) == "f" * 40


def test_missing_model_names_the_route_and_the_fix(tmp_path: Path, packaged: RoutingTable):
    route = packaged.plan("uk", "en")[0]
    with pytest.raises(modelstore.ModelUnavailableError) as caught:
        modelstore.resolve_model_path(route, cache_dir=tmp_path)
    message = str(caught.value)
    assert "quality/uk>en" in message and "pipeline models pull" in message
    assert "pipeline models demo DIR" in message


def test_missing_local_folder_is_an_error(tmp_path: Path, packaged: RoutingTable):
    route = replace(packaged.plan("uk", "en")[0], model=str(tmp_path / "nowhere"))
    with pytest.raises(modelstore.ModelUnavailableError, match="has no config.json"):
        modelstore.resolve_model_path(route)


def test_pull_offline_explains_what_to_do(tmp_path: Path, packaged: RoutingTable, offline):
    messages: list[str] = []
    route = packaged.plan("uk", "en", "fast")[0]
    with pytest.raises(modelstore.ModelUnavailableError, match="hub is unreachable"):
        modelstore.pull([route], messages.append, cache_dir=tmp_path)
    assert messages == ["pulling Helsinki-NLP/opus-mt-uk-en@main ..."]


def test_pull_skips_local_and_cached_models(tmp_path: Path, tiny_models: Path, offline):
    demo = load_table(tiny_models, env={})
    fake_cache(tmp_path, "Helsinki-NLP/opus-mt-uk-en", ("config.json", "model.safetensors"))
    hub_route = load_table(env={}).plan("uk", "en", "fast")[0]
    results = modelstore.pull([*demo.routes("quality"), hub_route], cache_dir=tmp_path)
    assert [r.status for r in results] == ["local", "local", "local", "cached"]
    assert str(results[-1]).startswith("cached     Helsinki-NLP/opus-mt-uk-en@main  ")


def test_statuses_group_routes_per_model(tiny_models: Path):
    demo = load_table(tiny_models, env={})
    statuses = modelstore.model_statuses(demo.routes("quality"))
    zle_en = next(s for s in statuses if s.model.endswith("tiny-tc-big-zle-en"))
    assert zle_en.routes == ("quality/uk>en", "quality/ru>en")
    assert (zle_en.is_local, zle_en.available) == (True, True)
    assert zle_en.resolved_revision is not None and zle_en.resolved_revision.startswith("sha256:")
    assert len(statuses) == 3


def test_folder_fingerprint_follows_content(tmp_path: Path):
    (tmp_path / "config.json").write_text('{"a": 1}')
    first = modelstore.folder_fingerprint(tmp_path)
    assert modelstore.folder_fingerprint(tmp_path) == first
    (tmp_path / "config.json").write_text('{"a": 2}')
    assert modelstore.folder_fingerprint(tmp_path) != first
