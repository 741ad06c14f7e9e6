"""The lean greedy decoder must give generate()'s tokens exactly, and step aside when it can't."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")

from pipeline.translate.greedy import greedy_decode, plain_greedy  # noqa: E402

TEXTS = [
    "The city council approved the heating budget on Monday.",
    "Trains to Warsaw leave Kyiv twice a day, officials said.",
    "Short.",
    "Officials said the new port terminal would open in spring after two years of work.",
]


def _load(folder: Path, quantize: bool) -> tuple[Any, Any]:
    from transformers import MarianMTModel, MarianTokenizer

    model = MarianMTModel.from_pretrained(str(folder), dtype=torch.float32).eval()
    model.generation_config.max_length = None
    if quantize:
        model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    return MarianTokenizer.from_pretrained(str(folder)), model


def _greedy_and_generate(
    model: Any, encoded: Any, max_new: int, min_new: int
) -> tuple[list[list[int]], list[list[int]]]:
    """The lean decoder's tokens and generate()'s, for the same batch and lengths."""
    with torch.inference_mode():
        expected = model.generate(
            **encoded,
            num_beams=1,
            max_new_tokens=max_new,
            **({"min_new_tokens": min_new} if min_new else {}),
        )
    made = greedy_decode(
        model,
        encoded["input_ids"],
        encoded["attention_mask"],
        max_new_tokens=max_new,
        min_new_tokens=min_new,
    )
    return made.tolist(), expected.tolist()


@pytest.mark.parametrize(
    ("name", "prefix"),
    [("tiny-en-uk", ""), ("tiny-uk-en", ""), ("tiny-tc-big-en-zle", ">>rus<< ")],
)
@pytest.mark.parametrize(("max_new", "min_new"), [(30, 0), (12, 0), (20, 20), (25, 8)])
@pytest.mark.parametrize("quantize", [False, True])
def test_tokens_match_generate(
    tiny_models_dir: Path, name: str, prefix: str, max_new: int, min_new: int, quantize: bool
):
    tokenizer, model = _load(tiny_models_dir / name, quantize)
    encoded = tokenizer([prefix + t for t in TEXTS], return_tensors="pt", padding=True)
    assert plain_greedy(model, {"num_beams": 1})
    made, expected = _greedy_and_generate(model, encoded, max_new, min_new)
    assert made == expected


@pytest.mark.parametrize(
    "kwargs",
    [
        {"num_beams": 4},
        {"num_beams": 1, "repetition_penalty": 1.2},
        {"num_beams": 1, "no_repeat_ngram_size": 3},
    ],
)
def test_other_settings_go_to_generate(tiny_models_dir: Path, kwargs: dict[str, Any]):
    _, model = _load(tiny_models_dir / "tiny-en-uk", False)
    assert not plain_greedy(model, kwargs)


def test_checkpoint_settings_it_does_not_know_go_to_generate(tiny_models_dir: Path):
    _, model = _load(tiny_models_dir / "tiny-en-uk", False)
    model.generation_config.suppress_tokens = [5]
    assert not plain_greedy(model, {"num_beams": 1})


@pytest.mark.parametrize("vocab_slice", [64, 100, 249])
@pytest.mark.parametrize(("max_new", "min_new"), [(30, 0), (20, 20), (25, 8)])
def test_scoring_the_vocabulary_in_slices_gives_the_same_tokens(
    tiny_models_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    vocab_slice: int,
    max_new: int,
    min_new: int,
):
    import pipeline.translate.greedy as greedy

    tokenizer, model = _load(tiny_models_dir / "tiny-en-uk", quantize=False)
    assert model.lm_head.weight.shape[0] > vocab_slice  # the sliced path is the one taken
    monkeypatch.setattr(greedy, "VOCAB_SLICE", vocab_slice)
    encoded = tokenizer(TEXTS, return_tensors="pt", padding=True)
    made, expected = _greedy_and_generate(model, encoded, max_new, min_new)
    assert made == expected


def test_sliced_scoring_breaks_ties_to_the_lowest_id(monkeypatch: pytest.MonkeyPatch):
    from types import SimpleNamespace

    import pipeline.translate.greedy as greedy

    monkeypatch.setattr(greedy, "VOCAB_SLICE", 4)
    head = torch.nn.Linear(3, 10, bias=False)
    with torch.no_grad():
        head.weight.zero_()
        head.weight[[2, 6, 9]] = 1.0  # three equal best scores, in three slices
    choose = greedy._sliced_argmax(SimpleNamespace(lm_head=head), None, banned=[9], eos_ids=[2])
    hidden = torch.ones(2, 3)
    assert choose(hidden, early=False).tolist() == [2, 2]
    assert choose(hidden, early=True).tolist() == [6, 6]  # </s> (2) barred; 9 banned
