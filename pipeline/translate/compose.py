"""Translators built from other translators: Identity, Pivot, Cached (translation memory)."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.domain import Signature
from pipeline.translate.base import (
    QUALITY_FLAGS,
    MemoryBackend,
    SignedTranslator,
    Translation,
    canonical_json,
)
from pipeline.translate.batching import dedupe
from pipeline.translate.normalize import has_letters, normalize
from pipeline.translate.scores import pivot_score

__all__ = ["Cached", "Identity", "Pivot"]


class Identity:
    """For segments already in the target language: the text, unchanged."""

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        return [Translation(text=text, signature=None) for text in texts]


class Pivot:
    """Chains two translators through a pivot language (uk>en>ru)."""

    def __init__(self, first: SignedTranslator, second: SignedTranslator, *, via: str = "en"):
        self.first = first
        self.second = second
        self.via = via

    @property
    def signature(self) -> Signature:
        return self._combine(self.first.signature, self.second.signature)

    def _combine(self, a: Signature, b: Signature) -> Signature:
        revision = None if a.revision is b.revision is None else f"{a.revision} + {b.revision}"
        return Signature(
            model_id=f"{a.model_id} + {b.model_id}",
            revision=revision,
            decoding=canonical_json({"first": a.decoding, "second": b.decoding}),
            route=f"{a.route}>{b.route.rsplit('>', 1)[-1]}",
            engine=a.engine if a.engine == b.engine else f"{a.engine} + {b.engine}",
        )

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        middle = self.first.translate(texts, source, self.via)
        final = self.second.translate([m.text for m in middle], self.via, target)
        results = []
        for m, f in zip(middle, final, strict=True):
            if m.signature is None:  # passed through the first leg: nothing to chain
                results.append(m)
                continue
            signature = self._combine(m.signature, f.signature) if f.signature else m.signature
            flags = tuple(dict.fromkeys(m.flags + f.flags))
            results.append(
                Translation(
                    text=f.text,
                    signature=signature,
                    flags=flags,
                    splits=m.splits,
                    from_memory=m.from_memory and f.from_memory,
                    score=pivot_score(m.score, f.score) if f.signature else m.score,
                )
            )
        return results


class Cached:
    """Translation memory around a translator: keyed by (signature key, normalised source).

    use_memory=False skips lookups (fresh translations still refresh the memory). Outputs with
    a quality flag (loop, wrong language, untranslated) are never stored: the next run retries.
    A translation is stored with its score and a hit gives that score back (None for entries
    stored before scores were), so a reused sentence is as risky as when it was made.
    """

    def __init__(
        self, inner: SignedTranslator, memory: MemoryBackend, *, use_memory: bool = True
    ) -> None:
        self.inner = inner
        self.memory = memory
        self.use_memory = use_memory

    @property
    def signature(self) -> Signature:
        return self.inner.signature

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        signature = self.inner.signature
        norms = [normalize(t) for t in texts]
        keyed = sorted({n for n in norms if has_letters(n)})
        found = self.memory.memory_get(signature.key, keyed) if self.use_memory and keyed else {}
        scores = self.memory.memory_scores(signature.key, list(found)) if found else {}
        missing = [i for i, n in enumerate(norms) if n not in found]
        fresh: dict[int, Translation] = {}
        if missing:
            uniques, where = dedupe([norms[i] for i in missing])
            first_text = {norms[i]: texts[i] for i in reversed(missing)}
            made = self.inner.translate([first_text[u] for u in uniques], source, target)
            for i, u in zip(missing, where, strict=True):
                fresh[i] = made[u]
            keep = [
                (norm, t)
                for norm, t in zip(uniques, made, strict=True)
                if t.signature is not None and t.text and not QUALITY_FLAGS.intersection(t.flags)
            ]
            if keep:
                self.memory.memory_put(
                    signature.key,
                    [(norm, t.text) for norm, t in keep],
                    scores=[t.score for _, t in keep],
                )
        return [
            fresh[i]
            if i in fresh
            else Translation(
                text=found[norm], signature=signature, from_memory=True, score=scores.get(norm)
            )
            for i, norm in enumerate(norms)
        ]
