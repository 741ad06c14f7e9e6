"""MarianMT through transformers: tokenizer + model.generate for one route's model."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.checks import has_loop
from pipeline.domain import PipelineError, Signature
from pipeline.routing import Route
from pipeline.translate.base import EngineStats, Translation, canonical_json, passthrough
from pipeline.translate.batching import dedupe, in_streams, pack_batches
from pipeline.translate.greedy import greedy_decode, plain_greedy
from pipeline.translate.loader import CPU_BATCH_TOKENS, LoadedModel, ModelLoader
from pipeline.translate.normalize import has_letters, normalize, strip_target_tokens
from pipeline.translate.residency import release_free_memory
from pipeline.translate.scores import TokenScore, row_scores

__all__ = ["LOOP_RETRY", "MarianTranslator"]

# The second decoding of an output that looped: forbid repeated trigrams, discourage repeats.
LOOP_RETRY: dict[str, Any] = {"no_repeat_ngram_size": 3, "repetition_penalty": 1.2}
_DEFAULT_MAX_INPUT_TOKENS = 256


@dataclass
class _Piece:
    text: str
    tokens: int
    output: str = ""
    looped: bool = False
    retried: bool = False
    score: TokenScore | None = None  # of output (pipeline.translate.scores)


class MarianTranslator:
    """Translates with one route's model. Never truncates: a source over the route's
    ``max_input_tokens`` is cut at clause boundaries (pipeline.segment.split_clauses), the pieces
    translated and joined with a space."""

    def __init__(
        self,
        route: Route,
        loader: ModelLoader,
        *,
        batch_tokens: int = CPU_BATCH_TOKENS,
        engine: str = "transformers",
        stats: EngineStats | None = None,
        scores: bool = True,
    ) -> None:
        self.route = route
        self.scores = scores
        self.loader = loader
        self.batch_tokens = batch_tokens
        self.engine = engine
        self.stats = stats if stats is not None else EngineStats()
        self.generate_calls = 0
        generation = dict(route.generation)
        self.num_beams = int(generation.get("num_beams") or 4)
        self.max_input_tokens = int(generation.get("max_input_tokens") or _DEFAULT_MAX_INPUT_TOKENS)
        self.batch_size = generation.get("batch_size")
        self.generate_kwargs: dict[str, Any] = {"num_beams": self.num_beams}
        self._greedy: dict[tuple[int, tuple[tuple[str, Any], ...]], bool] = {}
        length_penalty = float(generation.get("length_penalty", 1.0))
        repetition_penalty = float(generation.get("repetition_penalty", 1.0))
        no_repeat = int(generation.get("no_repeat_ngram_size", 0) or 0)
        if length_penalty != 1.0:
            self.generate_kwargs["length_penalty"] = length_penalty
        if repetition_penalty != 1.0:
            self.generate_kwargs["repetition_penalty"] = repetition_penalty
        if no_repeat > 0:
            self.generate_kwargs["no_repeat_ngram_size"] = no_repeat

    @property
    def decodes_compactly(self) -> bool:
        """Plain greedy float decoding on CPU: the compact decoder's case
        (pipeline.translate.compact), which holds a third of the usual state per sentence."""
        return (
            self.generate_kwargs == {"num_beams": 1}
            and self.loader.device == "cpu"
            and not self.loader.quantize
        )

    # -- signature --------------------------------------------------------------------------

    def decoding(self, **overrides: Any) -> dict[str, Any]:
        """Every setting that shapes the output (the target token too: one en-zle model serves
        en>uk and en>ru, and their memories must not mix)."""
        generation = self.route.generation
        ratio = generation.get("max_new_tokens_ratio", 2.0)
        extra = generation.get("max_new_tokens_extra", 10)
        forced = generation.get("min_new_tokens_ratio") or 0
        return {
            **self.generate_kwargs,
            **overrides,
            **({"min_new_tokens": f"ceil({forced}*n)+{extra}"} if forced else {}),
            "max_new_tokens": f"ceil({ratio}*n)+{extra}",
            "max_input_tokens": self.max_input_tokens,
            "target_token": self.route.target_token,
            "dtype": self.loader.dtype,
            "quantize": self.loader.quantize,
        }

    @property
    def signature(self) -> Signature:
        return self._signature(self.decoding())

    @functools.cached_property
    def revision(self) -> str | None:
        """The revision actually used: the cached snapshot's commit, or a local folder's hash."""
        from pipeline.modelstore import resolve_revision

        return resolve_revision(self.route.model, self.route.revision) or self.route.revision

    def _signature(self, decoding: dict[str, Any]) -> Signature:
        return Signature(
            model_id=self.route.model,
            revision=self.revision,
            decoding=canonical_json(decoding),
            route=self.route.key,
            engine=self.engine,
        )

    # -- translation ------------------------------------------------------------------------

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        if (source, target) != (self.route.source, self.route.target):
            raise PipelineError(
                f"route {self.route.name} translates {self.route.key}, not {source}>{target}"
            )
        results: list[Translation | None] = [None] * len(texts)
        todo: list[tuple[int, str]] = []
        for i, text in enumerate(texts):
            norm = normalize(text)
            if has_letters(norm):
                todo.append((i, norm))
            else:
                results[i] = passthrough(text, "no-letters")
        if todo:
            uniques, where = dedupe([norm for _, norm in todo])
            translated = self._translate_unique(uniques)
            for (i, _), u in zip(todo, where, strict=True):
                results[i] = translated[u]
        return [r for r in results if r is not None]

    def token_count(self, loaded: LoadedModel, text: str) -> int:
        """Source tokens including the target token and </s>."""
        # verbose=False: counting an over-long sentence before splitting it is the point here.
        return len(loaded.tokenizer(self._prefix + text, verbose=False)["input_ids"])

    @property
    def _prefix(self) -> str:
        return f"{self.route.target_token} " if self.route.target_token else ""

    def _translate_unique(self, sources: list[str]) -> list[Translation]:
        loaded = self.loader.get(self.route)

        counts: dict[str, int] = {}  # each text is tokenised once for counting

        def count(text: str) -> int:
            if text not in counts:
                counts[text] = self.token_count(loaded, text)
            return counts[text]

        def fits(text: str) -> bool:
            return count(text) <= self.max_input_tokens

        plans: list[list[str]] = []
        for text in sources:
            plans.append([text] if fits(text) else _split(text, fits))
        piece_texts, _ = dedupe([p for plan in plans for p in plan])
        pieces = {t: _Piece(t, count(t)) for t in piece_texts}
        self._generate(loaded, list(pieces.values()), {})
        looped = [p for p in pieces.values() if has_loop(p.output) and not has_loop(p.text)]
        if looped and self.route.generation.get("loop_retry", True):
            self._generate(loaded, looped, LOOP_RETRY)
            for piece in looped:
                piece.retried = True
                piece.looped = has_loop(piece.output)
        for piece in looped:
            piece.looped = piece.looped or not piece.retried
        base = self.signature
        retried = self._signature(self.decoding(**LOOP_RETRY))
        results = []
        for plan in plans:
            parts = [pieces[t] for t in plan]
            flags: list[str] = []
            if len(plan) > 1:
                flags.append(f"split:{len(plan)}")
            if any(p.looped for p in parts):
                flags.append("loop")
            scored = [p.score for p in parts if p.score is not None]
            total = sum(scored[1:], scored[0]) if len(scored) == len(parts) else None
            results.append(
                Translation(
                    text=" ".join(p.output for p in parts if p.output),
                    signature=retried if any(p.retried for p in parts) else base,
                    flags=tuple(flags),
                    splits=len(plan) if len(plan) > 1 else 0,
                    score=total.mean if total is not None else None,
                )
            )
        return results

    def max_new_tokens(self, loaded: LoadedModel, input_tokens: int) -> int:
        """Output cap from the input length; never past the decoder's positions."""
        return max(1, min(self.route.max_new_tokens(input_tokens), loaded.max_positions - 2))

    def _plain_greedy(self, loaded: LoadedModel, kwargs: dict[str, Any]) -> bool:
        key = (id(loaded.model), tuple(sorted(kwargs.items())))
        if key not in self._greedy:
            self._greedy[key] = plain_greedy(loaded.model, kwargs)
        return self._greedy[key]

    def _batches(self, pieces: list[_Piece], beams: int) -> list[list[int]]:
        """Indices of ``pieces`` packed by the token budget and the profile's batch size."""
        return pack_batches(
            [p.tokens for p in pieces],
            budget=self.batch_tokens,
            beams=beams,
            max_items=int(self.batch_size) if self.batch_size else None,
        )

    def _generate(self, loaded: LoadedModel, pieces: list[_Piece], extra: dict[str, Any]) -> None:
        kwargs = {**self.generate_kwargs, **extra}
        batches = self._batches(pieces, int(kwargs["num_beams"]))
        # Tokenised here, decoded on the loader's streams, detokenised here again: the
        # tokenizer stays on one thread.
        work = [
            loaded.tokenizer(
                [self._prefix + pieces[i].text for i in batch], return_tensors="pt", padding=True
            )
            for batch in batches
        ]
        streams = int(getattr(self.loader, "streams", 1))

        def decode(encoded: Any) -> tuple[Any, Sequence[TokenScore | None]]:
            output = self._decode(loaded, encoded, kwargs)
            release_free_memory()
            return output

        outputs = in_streams(decode, work, streams)
        for batch, (output, scores) in zip(batches, outputs, strict=True):
            self.generate_calls += 1
            self.stats.generate_calls += 1
            decoded = loaded.tokenizer.batch_decode(output, skip_special_tokens=True)
            for i, text, score in zip(batch, decoded, scores, strict=True):
                pieces[i].output = strip_target_tokens(text)
                pieces[i].score = score

    def _decode(
        self, loaded: LoadedModel, encoded: Any, kwargs: dict[str, Any]
    ) -> tuple[Any, Sequence[TokenScore | None]]:
        """Output token ids for one tokenised batch and each row's score
        (pipeline.translate.scores; None without ``scores``): computed as decoding goes, the
        tokens unchanged."""
        import torch

        longest = int(encoded["input_ids"].shape[1])
        max_new = self.max_new_tokens(loaded, longest)
        min_new = min(self.route.min_new_tokens(longest), max_new)
        input_ids = encoded["input_ids"].to(loaded.device)
        attention_mask = encoded["attention_mask"].to(loaded.device)
        config = loaded.model.generation_config
        eos = config.eos_token_id
        eos_ids = [int(e) for e in eos] if isinstance(eos, list) else [int(eos)]
        if self._plain_greedy(loaded, kwargs):
            steps: list[Any] = []
            ids = greedy_decode(
                loaded.model,
                input_ids,
                attention_mask,
                max_new_tokens=max_new,
                min_new_tokens=min_new,
                logprobs=steps if self.scores else None,
            )
            if not self.scores:
                return ids, [None] * int(ids.shape[0])
            return ids, row_scores(ids[:, 1:], torch.stack(steps, dim=1), eos_ids)
        with torch.inference_mode():
            out = loaded.model.generate(
                input_ids=input_ids,
                attention_mask=attention_mask,
                max_new_tokens=max_new,
                **({"min_new_tokens": min_new} if min_new else {}),
                **kwargs,
                # Costs memory, not time: generate keeps every step's (rows x beams, vocab)
                # scores until the batch ends, steps x rows x beams x vocab x 4 bytes (about
                # 1 GB for 64 beam rows, 74 steps and a 61k vocabulary; not measured with
                # real models). A rescoring pass over the output would hold one step's worth.
                output_scores=self.scores,
                return_dict_in_generate=True,
            )
            if not self.scores:
                return out.sequences, [None] * int(out.sequences.shape[0])
            beams = getattr(out, "beam_indices", None)
            # beam search hands back log-softmaxed scores; greedy hands back processed logits
            transition = loaded.model.compute_transition_scores(
                out.sequences, out.scores, beams, normalize_logits=beams is None
            )
        return out.sequences, row_scores(out.sequences[:, 1:], transition, eos_ids)


def _split(text: str, fits: Callable[[str], bool]) -> list[str]:
    from pipeline.segment import split_clauses

    pieces = [p for p in split_clauses(text, fits) if p.strip()]
    return pieces or [text]
