"""The translator interface, its result, the memory protocol and the engine options."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from pipeline.domain import Signature

__all__ = [
    "QUALITY_FLAGS",
    "EngineOptions",
    "EngineStats",
    "MemoryBackend",
    "SignedTranslator",
    "Translation",
    "Translator",
    "canonical_json",
    "least_sure",
    "passthrough",
]

# Flags that mean "don't trust this output": such translations never enter the memory, so the
# next run tries again.
QUALITY_FLAGS: frozenset[str] = frozenset({"loop", "wrong-language", "untranslated"})


@dataclass(frozen=True)
class Translation:
    """One segment's translation.

    flags: e.g. "split:2", "loop", "wrong-language", "untranslated", "retried-other-profile",
    "passthrough:no-letters", "passthrough:other-language".
    splits: how many pieces an over-long source was cut into (0: not split).
    score: the model's own confidence, the mean log-probability of the output tokens (natural
    log, per token, the closing ``</s>`` counted, padding not; 0 is certain, lower is less
    sure): see pipeline.translate.scores. None where no
    model made the text (identity, passthrough) or a memory entry stored before scores were.
    """

    text: str
    signature: Signature | None  # None for identity and passthrough
    flags: tuple[str, ...] = ()
    splits: int = 0
    from_memory: bool = False
    score: float | None = None


@runtime_checkable
class Translator(Protocol):
    def translate(self, texts: Sequence[str], source: str, target: str) -> list[Translation]: ...


@runtime_checkable
class SignedTranslator(Translator, Protocol):
    """A translator whose output is fixed by a signature known before translating (what the
    memory needs to look results up)."""

    @property
    def signature(self) -> Signature: ...


class MemoryBackend(Protocol):
    """Translation memory: normalised source → translation, per signature key, with the score
    the model gave the translation when it was made (None for entries stored without one)."""

    def memory_get(self, signature_key: str, sources: Sequence[str]) -> dict[str, str]: ...

    def memory_put(
        self,
        signature_key: str,
        pairs: Sequence[tuple[str, str]],
        *,
        scores: Sequence[float | None] | None = None,
    ) -> None: ...

    def memory_scores(self, signature_key: str, sources: Sequence[str]) -> dict[str, float]: ...


@dataclass(frozen=True, kw_only=True)
class EngineOptions:
    """How to run translation.

    device: "auto" (cuda when available, else cpu), "cpu", "cuda", "cuda:1".
    batch_tokens: padded input tokens x beams per batch (None: 2048 on CPU, 1024 for greedy
    float decoding there, 32768 on a GPU, as measured:
    pipeline.translate.loader.batch_token_budget); the profile's batch_size caps the sentences
    per batch as well.
    quantize: "int8" = dynamic int8 Linear layers on CPU (falls back to fp32 with a warning).
    engine: a name in the engine registry (pipeline.translate.engine.ENGINES).
    threads: CPU threads in all (None: every core).
    streams: batches decoded at once on CPU, sharing the threads (None: 2 where there are 2+
    threads; see pipeline.translate.loader.decoding_streams).
    low_memory: one model loaded at a time, one batch decoded at a time and a small token
    budget (pipeline.translate.loader.LOW_MEMORY_BATCH_TOKENS), unless streams or batch_tokens
    are given: peak memory near the model's weights, at about half the default speed on CPU.
    scores: give every model output its score (pipeline.translate.scores); False decodes
    without them (the same text: tests/test_risk.py), for benchmarks/score_overhead.py.
    """

    profile: str | None = None
    device: str = "auto"
    threads: int | None = None
    streams: int | None = None
    batch_tokens: int | None = None
    max_loaded_models: int = 2
    use_memory: bool = True
    quantize: str | None = None
    engine: str = "transformers"
    low_memory: bool = False
    scores: bool = True

    @property
    def loaded_models(self) -> int:
        """How many models the engine keeps loaded."""
        return 1 if self.low_memory else self.max_loaded_models

    @property
    def decoding_streams(self) -> int | None:
        """Batches decoded at once, None for the device's default."""
        return 1 if self.low_memory and self.streams is None else self.streams


@dataclass
class EngineStats:
    """Counters over an engine's life, per segment."""

    translated: int = 0  # made by a model in this run
    reused: int = 0  # taken from the translation memory
    split: int = 0  # over-long sources cut into pieces
    flagged: int = 0  # carrying a quality flag (loop, wrong-language, untranslated)
    passthrough: int = 0  # copied: no letters, other language, or already in the target
    generate_calls: int = field(default=0)  # model.generate invocations (all engines' models)

    def as_dict(self) -> dict[str, int]:
        return dict(vars(self))


def canonical_json(data: dict[str, Any]) -> str:
    """Stable JSON for signatures: sorted keys, no spaces, None values dropped."""
    return json.dumps(
        {k: v for k, v in data.items() if v is not None},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def least_sure(scores: Iterable[float | None]) -> float | None:
    """The score of a text put together from separately translated parts (verbatim spans kept
    out, a sentence in two languages): its least sure part's, so one bad part is not averaged
    away. None when no part has a score."""
    known = [s for s in scores if s is not None]
    return min(known) if known else None


def passthrough(text: str, reason: str) -> Translation:
    return Translation(text=text, signature=None, flags=(f"passthrough:{reason}",))
