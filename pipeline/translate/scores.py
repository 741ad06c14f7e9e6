"""The model's own score of an output: the mean log-probability of its tokens.

Definition (every engine): the natural-log probability the model gave each token it produced,
averaged over the produced tokens, the closing ``</s>`` included (how sure the model was that
the sentence ends there says something too), the decoder's start token and the padding after
``</s>`` excluded. The probabilities are the ones decoding chose by: after the generation
settings' own masking (``<pad>`` barred, ``</s>`` barred before the minimum length, forced at
the maximum, where the forced token counts as certain, log-probability 0).

- transformers, beam search and sampling-free greedy through ``generate``:
  ``output_scores=True, return_dict_in_generate=True`` and ``model.compute_transition_scores``
  with the beam indices (``normalize_logits=True`` for greedy, whose scores are raw logits;
  beam scores are log-softmaxed already);
- transformers, the project's own greedy decoder (pipeline.translate.greedy): the chosen
  token's logit minus the log-sum-exp of the row, computed as it decodes;
- CTranslate2: ``translate_batch(return_scores=True)``, whose score is the hypothesis'
  cumulated log-probability divided by its length to the power ``length_penalty``
  (pipeline.translate.ct2 turns it back into the mean defined here).

A sentence cut into pieces (over-long) scores the mean over all its pieces' tokens; a sentence
put together from parts translated separately (verbatim spans, two languages) scores its least
sure part (pipeline.translate.base.least_sure); a pivot (uk>en>ru) adds its two legs' scores, the
log of the product of the legs' per-token geometric-mean probabilities: both legs' doubt counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["TokenScore", "pivot_score", "row_scores"]


@dataclass(frozen=True)
class TokenScore:
    """Sum of the log-probabilities of a row's produced tokens, and how many there were."""

    total: float
    tokens: int

    @property
    def mean(self) -> float | None:
        return self.total / self.tokens if self.tokens else None

    def __add__(self, other: TokenScore) -> TokenScore:
        return TokenScore(self.total + other.total, self.tokens + other.tokens)


def row_scores(produced: Any, logprobs: Any, eos_ids: Sequence[int]) -> list[TokenScore]:
    """Per row: the log-probabilities of ``produced`` tokens up to and including the first
    ``</s>`` (any of ``eos_ids``), summed and counted.

    produced: (rows, steps) token ids without the decoder's start token; logprobs: (rows,
    steps') float tensor of each produced token's log-probability (steps' may differ from steps
    when one side holds trailing padding; the common part is read)."""
    import torch

    steps = min(int(produced.shape[1]), int(logprobs.shape[1]))
    produced = produced[:, :steps]
    logprobs = logprobs[:, :steps].float()
    is_eos = torch.isin(produced, torch.tensor(list(eos_ids), device=produced.device))
    # a token counts while no </s> came before it (the </s> itself counts)
    before = torch.cumsum(is_eos.long(), dim=1) - is_eos.long()
    keep = before == 0
    totals = torch.where(keep, logprobs, torch.zeros_like(logprobs)).sum(dim=1)
    counts = keep.sum(dim=1)
    return [
        TokenScore(float(total), int(count))
        for total, count in zip(totals.tolist(), counts.tolist(), strict=True)
    ]


def pivot_score(first: float | None, second: float | None) -> float | None:
    """A pivot's score from its legs' (module docstring); None when either leg has none."""
    if first is None or second is None:
        return None
    return first + second
