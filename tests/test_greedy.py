"""The lean greedy decoder must give generate()'s tokens exactly, and step aside when it can't."""

from __future__ import annotations

import math
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
    token, logprob = choose(hidden, early=False)
    assert token.tolist() == [2, 2]
    # the log-sum-exp gathered slice by slice: tokens 2 and 6 score 3, seven others 0, 9 banned
    assert logprob.tolist() == pytest.approx([3 - math.log(2 * math.exp(3) + 7)] * 2, abs=1e-5)
    token, logprob = choose(hidden, early=True)
    assert token.tolist() == [6, 6]  # </s> (2) barred; 9 banned
    assert logprob.tolist() == pytest.approx([3 - math.log(math.exp(3) + 7)] * 2, abs=1e-5)


# -- the compact decoder (attention over cached layer inputs) ----------------------------------


def _transformers_hidden_states(model: Any, encoded: Any, tokens: list[list[int]]) -> list[Any]:
    """The decoder's last hidden state at each step, fed ``tokens``, through transformers'
    own key/value cache."""
    from transformers.cache_utils import DynamicCache, EncoderDecoderCache

    with torch.inference_mode():
        memory = model.get_encoder()(**encoded).last_hidden_state
        cache = EncoderDecoderCache(
            DynamicCache(config=model.config), DynamicCache(config=model.config)
        )
        states = []
        for column in torch.tensor(tokens).T:
            states.append(
                model.get_decoder()(
                    input_ids=column[:, None],
                    encoder_hidden_states=memory,
                    encoder_attention_mask=encoded["attention_mask"],
                    cache=cache,
                ).last_hidden_state[:, -1]
            )
        return states


@pytest.mark.parametrize(
    ("name", "prefix"), [("tiny-en-uk", ""), ("tiny-tc-big-en-zle", ">>ukr<< ")]
)
def test_compact_steps_match_transformers_hidden_states(
    tiny_models_dir: Path, name: str, prefix: str
):
    from pipeline.translate.compact import CompactDecoder

    tokenizer, model = _load(tiny_models_dir / name, quantize=False)
    encoded = tokenizer([prefix + t for t in TEXTS], return_tensors="pt", padding=True)
    assert int(encoded["attention_mask"].sum()) < encoded["attention_mask"].numel()  # padded
    generator = torch.Generator().manual_seed(7)
    steps = 37  # past two blocks of the cache
    tokens = torch.randint(3, model.config.vocab_size, (len(TEXTS), steps), generator=generator)
    expected = _transformers_hidden_states(model, encoded, tokens.tolist())
    with torch.inference_mode():
        memory = model.get_encoder()(**encoded).last_hidden_state
        decoder = CompactDecoder(model, memory, encoded["attention_mask"])
        for position, (column, want) in enumerate(zip(tokens.T, expected, strict=True)):
            got = decoder.step(column, position)
            torch.testing.assert_close(got, want, rtol=1e-4, atol=1e-5)


def test_compact_cache_holds_one_vector_per_layer_and_position(tiny_models_dir: Path):
    from pipeline.translate import compact

    tokenizer, model = _load(tiny_models_dir / "tiny-en-uk", quantize=False)
    encoded = tokenizer(TEXTS, return_tensors="pt", padding=True)
    steps = compact.BLOCK + 3
    with torch.inference_mode():
        memory = model.get_encoder()(**encoded).last_hidden_state
        decoder = compact.CompactDecoder(model, memory, encoded["attention_mask"])
        for position in range(steps):
            decoder.step(torch.full((len(TEXTS),), 5), position)
    held = [tensor for blocks in decoder._blocks for tensor in blocks]
    layers, width = model.config.decoder_layers, model.config.d_model
    assert len(held) == layers * 2  # a second block opened, nothing copied
    assert all(tuple(t.shape) == (len(TEXTS), compact.BLOCK, width) for t in held)
    # transformers' cache at this point: a key and a value per layer for every source token
    # and every step so far
    usual = 2 * layers * len(TEXTS) * (steps + memory.shape[1]) * width * 4
    assert sum(t.nbytes for t in held) < usual / 2


@pytest.mark.parametrize("slice_tokens", [1, 30, 10_000])
def test_encoding_in_row_slices_gives_the_same_tokens(
    tiny_models_dir: Path, monkeypatch: pytest.MonkeyPatch, slice_tokens: int
):
    from pipeline.translate import compact

    monkeypatch.setattr(compact, "ENCODER_SLICE_TOKENS", slice_tokens)
    tokenizer, model = _load(tiny_models_dir / "tiny-uk-en", quantize=False)
    encoded = tokenizer(TEXTS, return_tensors="pt", padding=True)
    with torch.inference_mode():
        whole = model.get_encoder()(**encoded).last_hidden_state
        sliced = compact.encode_in_slices(model, encoded["input_ids"], encoded["attention_mask"])
    torch.testing.assert_close(sliced, whole, rtol=1e-5, atol=1e-6)
    made, expected = _greedy_and_generate(model, encoded, 30, 0)
    assert made == expected


def test_compact_decoder_is_for_float_models_on_cpu(tiny_models_dir: Path):
    from pipeline.translate.compact import compact_applies

    assert compact_applies(_load(tiny_models_dir / "tiny-en-uk", quantize=False)[1])
    assert not compact_applies(_load(tiny_models_dir / "tiny-en-uk", quantize=True)[1])
