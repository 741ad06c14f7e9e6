"""Greedy decoding for Marian checkpoints, token for token what ``generate(num_beams=1)`` gives.

``generate`` runs a general logits-processor chain on every step: each processor makes a new
rows x 61k copy of the scores (bad words, minimum length, forced end, renormalisation). For the
settings OPUS-MT checkpoints ship, greedy decoding needs only the argmax with ``<pad>`` masked,
``</s>`` masked until the minimum length and forced at the maximum; doing just that measured
about 8% faster on 2 CPU cores with the same tokens (tests/test_greedy.py compares them).
Anything else in the generation settings (penalties, n-gram bans, multi-token bad words, beams)
goes to ``generate``: ``plain_greedy`` says which. On CPU the steps themselves are
pipeline.translate.compact's, which cache a third of what transformers' decoder caches.
"""

from __future__ import annotations

import inspect
from typing import Any

from pipeline.translate.compact import CompactDecoder, compact_applies, encode_in_slices

__all__ = ["greedy_decode", "plain_greedy"]

# generation_config fields this decoder reproduces; any other field set to a non-default value
# sends the call to generate().
_HANDLED = frozenset(
    {
        "bad_words_ids",
        "bos_token_id",
        "decoder_start_token_id",
        "eos_token_id",
        "forced_eos_token_id",
        "max_length",
        "max_new_tokens",
        "min_new_tokens",
        "num_beams",
        "pad_token_id",
        "renormalize_logits",  # a log-softmax: the argmax is unchanged
        "transformers_version",
        "_from_model_config",
    }
)
_NEUTRAL: dict[str, Any] = {"repetition_penalty": 1.0, "length_penalty": 1.0}


def plain_greedy(model: Any, kwargs: dict[str, Any]) -> bool:
    """True when ``generate(**kwargs)`` on ``model`` is plain greedy decoding this module
    reproduces exactly."""
    if int(kwargs.get("num_beams", 1)) != 1:
        return False
    for key, value in kwargs.items():
        if key not in _HANDLED and _NEUTRAL.get(key, object()) != value:
            return False
    config = model.generation_config
    changed = config.to_diff_dict()
    for key, value in changed.items():
        if key not in _HANDLED and key not in kwargs and _NEUTRAL.get(key, object()) != value:
            return False
    if any(len(ids) != 1 for ids in (config.bad_words_ids or [])):
        return False
    if int(getattr(config, "min_length", 0) or 0) > 0:
        return False
    decoder = model.get_decoder()
    return getattr(model.config, "is_encoder_decoder", False) and _takes_cache(decoder)


def _takes_cache(decoder: Any) -> bool:
    return "cache" in inspect.signature(decoder.forward).parameters


def greedy_decode(
    model: Any,
    input_ids: Any,
    attention_mask: Any,
    *,
    max_new_tokens: int,
    min_new_tokens: int,
    logprobs: list[Any] | None = None,
) -> Any:
    """Token ids (start token first, rows padded after ``</s>``) as ``generate`` returns them.

    ``logprobs``, when given, receives one (rows,) tensor a step: the chosen token's
    log-probability after the masking above (a forced ``</s>`` scores 0), for
    pipeline.translate.scores; the tokens are the same either way."""
    import torch

    config = model.generation_config
    pad = int(config.pad_token_id)
    eos_ids = (
        config.eos_token_id if isinstance(config.eos_token_id, list) else [config.eos_token_id]
    )
    forced_eos = config.forced_eos_token_id
    banned = [ids[0] for ids in (config.bad_words_ids or [])]
    start = int(config.decoder_start_token_id)
    bias = getattr(model, "final_logits_bias", None)
    rows = input_ids.shape[0]
    with torch.inference_mode():
        choose = _sliced_argmax(model, bias, banned, eos_ids)
        hidden_after = _stepper(model, input_ids, attention_mask)
        current = torch.full((rows,), start, dtype=torch.long, device=input_ids.device)
        produced = [current[:, None]]
        eos = torch.tensor(eos_ids, device=input_ids.device)
        finished = torch.zeros(rows, dtype=torch.bool, device=input_ids.device)
        for step in range(max_new_tokens):
            hidden = hidden_after(current, step)
            if choose is not None:
                chosen, logprob = choose(hidden, early=step < min_new_tokens)
            else:
                logits = model.lm_head(hidden)
                if bias is not None:
                    logits += bias[0]
                if banned:
                    logits[:, banned] = float("-inf")
                if step < min_new_tokens:
                    logits[:, eos] = float("-inf")
                best = logits.max(-1)
                chosen = best.indices
                logprob = best.values - torch.logsumexp(logits, -1)
                # Freed before the next step allocates its own: two live rows x 61k buffers
                # were about a tenth of a batch's decoding peak.
                del logits, best
            if forced_eos is not None and step == max_new_tokens - 1:
                chosen.fill_(int(forced_eos))
                logprob = torch.zeros_like(logprob)
            if logprobs is not None:
                logprobs.append(logprob)
            chosen = torch.where(finished, pad, chosen)
            finished |= torch.isin(chosen, eos)
            current = chosen
            produced.append(current[:, None])
            if bool(finished.all()):
                break
        return torch.cat(produced, dim=1)


def _stepper(model: Any, input_ids: Any, attention_mask: Any) -> Any:
    """A function (each row's last token, its position) -> the decoder's last hidden states,
    after encoding the batch: the compact decoder where it applies, else transformers' own with
    its key/value cache."""
    if compact_applies(model):
        memory = encode_in_slices(model, input_ids, attention_mask)
        return CompactDecoder(model, memory, attention_mask).step

    from transformers.cache_utils import DynamicCache, EncoderDecoderCache

    memory = model.get_encoder()(input_ids=input_ids, attention_mask=attention_mask)
    cache = EncoderDecoderCache(
        DynamicCache(config=model.config), DynamicCache(config=model.config)
    )
    decoder = model.get_decoder()

    def step(ids: Any, position: int) -> Any:
        return decoder(
            input_ids=ids[:, None],
            encoder_hidden_states=memory.last_hidden_state,
            encoder_attention_mask=attention_mask,
            cache=cache,
            use_cache=True,
        ).last_hidden_state[:, -1]

    return step


# Columns of the output layer scored at once. A batch's full rows x 61k score matrix (16 MiB at
# 64 rows) is the largest buffer of a decoding step. Slices of 2048 columns (4 MiB of weights,
# which stay in cache while they are scored) measured 10-25% faster than slices of 8192 on one
# core, and the decoding thread's heap peaked 4 MiB lower with 32-row batches.
VOCAB_SLICE = 2048


def _sliced_argmax(model: Any, bias: Any, banned: list[int], eos_ids: list[int]) -> Any:
    """A function (hidden states, early) -> (each row's best token, its log-probability),
    scoring the vocabulary in
    slices of VOCAB_SLICE columns; ``early`` bars ``</s>``. None off the CPU, where the output
    layer is not a plain float Linear (int8 packs its weights) or where the vocabulary fits in
    one slice. Ties go to the lowest id, as with argmax over the whole row."""
    import torch

    head = model.lm_head
    weight = getattr(head, "weight", None)
    if not isinstance(weight, torch.Tensor) or weight.shape[0] <= VOCAB_SLICE:
        return None
    if weight.device.type != "cpu":
        return None  # GPU memory holds the full scores easily; one kernel launch beats eight
    vocab = weight.shape[0]
    offsets = torch.zeros(vocab, dtype=weight.dtype, device=weight.device)
    if bias is not None:
        offsets += bias[0].to(weight.dtype)
    if getattr(head, "bias", None) is not None:
        offsets += head.bias
    offsets[banned] = float("-inf")
    early_offsets = offsets.clone()
    early_offsets[eos_ids] = float("-inf")
    starts = range(0, vocab, VOCAB_SLICE)

    def choose(hidden: Any, *, early: bool) -> tuple[Any, Any]:
        """(each row's best token, its log-probability): the log-sum-exp is gathered slice by
        slice like the maximum, so the full score row is never held."""
        added = early_offsets if early else offsets
        best_score, best_token, total = _slice_best(
            hidden, weight[:VOCAB_SLICE], added[:VOCAB_SLICE]
        )
        for start in starts[1:]:
            end = min(start + VOCAB_SLICE, vocab)
            score, token, mass = _slice_best(hidden, weight[start:end], added[start:end])
            better = score > best_score
            best_score = torch.where(better, score, best_score)
            best_token = torch.where(better, token + start, best_token)
            total = torch.logaddexp(total, mass)
        return best_token, best_score - total

    return choose


def _slice_best(hidden: Any, weight: Any, added: Any) -> tuple[Any, Any, Any]:
    """(best score, its column, log-sum-exp) of one slice of the output layer's columns."""
    import torch

    scores = torch.nn.functional.linear(hidden, weight)
    scores += added
    best = scores.max(-1)
    return best.values, best.indices, torch.logsumexp(scores, -1)
