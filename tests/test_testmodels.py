"""The tiny offline models must look like the real OPUS-MT checkpoints to an engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.domain import PipelineError
from pipeline.testmodels import DEMO_MODELS, build_tiny_model, demo_corpus

DEMO_BY_FOLDER = {
    folder: (family, sources, targets) for folder, family, sources, targets in DEMO_MODELS
}


def _load(folder: Path):
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(str(folder))
    model = MarianMTModel.from_pretrained(str(folder), dtype=torch.float32)
    return tokenizer, model


def test_demo_corpus_has_every_language():
    corpus = demo_corpus()
    assert {lang: len(lines) >= 50 for lang, lines in corpus.items()} == {
        "uk": True,
        "ru": True,
        "en": True,
    }


@pytest.mark.parametrize("folder", sorted(DEMO_BY_FOLDER))
def test_demo_model_reloads_faithfully(tiny_models_dir: Path, folder: str):
    family, _sources, targets = DEMO_BY_FOLDER[folder]
    tokenizer, model = _load(tiny_models_dir / folder)
    config = model.config
    vocab = tokenizer.get_vocab()

    assert model.model.shared.weight.data_ptr() == model.lm_head.weight.data_ptr()
    assert model.model.encoder.embed_tokens.weight.data_ptr() == model.lm_head.weight.data_ptr()
    assert config.pad_token_id == config.decoder_start_token_id == config.vocab_size - 1
    assert vocab["<pad>"] == config.pad_token_id
    assert vocab["</s>"] == config.eos_token_id == tokenizer.eos_token_id
    assert model.generation_config.bad_words_ids == [[config.pad_token_id]]
    assert model.generation_config.forced_eos_token_id == config.eos_token_id
    assert model.generation_config.num_beams == 4
    if family == "tc-big":
        assert config.eos_token_id != 0
        assert (config.activation_function, config.max_position_embeddings) == ("relu", 1024)
    else:
        assert config.eos_token_id == 0
        assert (config.activation_function, config.max_position_embeddings) == ("swish", 512)
    expected_codes = {">>ukr<<", ">>rus<<"} if len(targets) > 1 else set()
    assert set(tokenizer.supported_language_codes) == expected_codes


@pytest.mark.parametrize(
    ("folder", "dtype"), [("tiny-tc-big-zle-en", "float16"), ("tiny-uk-en", "float32")]
)
def test_weights_stored_in_the_family_dtype(tiny_models_dir: Path, folder: str, dtype: str):
    config = json.loads((tiny_models_dir / folder / "config.json").read_text("utf-8"))
    assert config["dtype"] == dtype


def test_multi_target_model_generates_up_to_eos(tiny_models_dir: Path):
    import torch

    tokenizer, model = _load(tiny_models_dir / "tiny-tc-big-en-zle")
    batch = tokenizer([">>ukr<< The city council met on Monday."], return_tensors="pt")
    assert batch.input_ids[0, 0].item() == tokenizer.convert_tokens_to_ids(">>ukr<<")
    with torch.no_grad():
        out = model.generate(**batch, max_new_tokens=12, num_beams=2)
    assert out[0, 0].item() == model.config.decoder_start_token_id
    assert out.shape[1] <= 13


def test_same_seed_same_weights_other_seed_other_weights(tmp_path: Path):
    from safetensors.torch import load_file

    def weights(name: str, seed: int):
        folder = build_tiny_model(
            tmp_path / name, family="base", source_langs=["uk"], target_langs=["en"], seed=seed
        )
        return load_file(str(folder / "model.safetensors"))["model.shared.weight"]

    first, again, other = weights("a", 1), weights("b", 1), weights("c", 2)
    assert first.equal(again)
    assert not first.equal(other)


def test_demo_table_points_at_built_folders(tiny_models: Path):
    import yaml

    table = yaml.safe_load(tiny_models.read_text("utf-8"))
    models = {r["model"] for p in table["profiles"].values() for r in p.values()}
    assert {m.removeprefix("./") for m in models} == set(DEMO_BY_FOLDER)
    assert all((tiny_models.parent / m / "config.json").is_file() for m in models)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"family": "huge", "source_langs": ["uk"], "target_langs": ["en"]}, "family"),
        ({"family": "base", "source_langs": ["de"], "target_langs": ["en"]}, "language"),
    ],
)
def test_bad_build_arguments_raise(tmp_path: Path, kwargs, message: str):
    with pytest.raises(PipelineError, match=message):
        build_tiny_model(tmp_path, **kwargs)
