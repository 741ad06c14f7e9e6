"""The engine: routes each request through the table (direct or pivot), the translation memory,
identity and passthrough, and retries wrong-language output with the other profile's model."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol

from pipeline import checks
from pipeline.domain import LANGS, PipelineError
from pipeline.routing import Route, RoutingTable
from pipeline.translate.base import (
    QUALITY_FLAGS,
    EngineOptions,
    EngineStats,
    MemoryBackend,
    SignedTranslator,
    Translation,
    passthrough,
)
from pipeline.translate.compose import Cached, Identity, Pivot
from pipeline.translate.loader import (
    ModelLoader,
    batch_token_budget,
    release_mkl_buffers,
    tune_malloc,
)
from pipeline.translate.marian import MarianTranslator
from pipeline.translate.normalize import has_letters, normalize
from pipeline.translate.protect import translate_protected

__all__ = [
    "ENGINES",
    "LAZY_ENGINES",
    "Backend",
    "Engine",
    "TransformersBackend",
    "build_engine",
    "engine_factory",
    "output_problem",
    "register_engine",
]

# A detector verdict weaker than this never overrules the model: random or odd output must not
# be flagged (and retried) on a hunch.
_DETECT_CONFIDENCE = 0.6


class Backend(Protocol):
    """What an engine kind provides: a translator per route, sharing loaded models."""

    def translator(self, route: Route) -> SignedTranslator: ...

    def close(self) -> None: ...


class TransformersBackend:
    """MarianMT through transformers (tokenizer + model.generate)."""

    name = "transformers"

    def __init__(self, options: EngineOptions, stats: EngineStats) -> None:
        self.options = options
        self.stats = stats
        self.loader = ModelLoader(
            device=options.device,
            threads=options.threads,
            max_loaded=options.loaded_models,
            quantize=options.quantize,
            streams=options.decoding_streams,
        )

    def translator(self, route: Route) -> SignedTranslator:
        translator = MarianTranslator(
            route, self.loader, engine=self.name, stats=self.stats, scores=self.options.scores
        )
        translator.batch_tokens = batch_token_budget(
            self.options.batch_tokens,
            self.loader.device,
            low_memory=self.options.low_memory,
            compact=translator.decodes_compactly,
        )
        return translator

    def close(self) -> None:
        self.loader.close()


EngineFactory = Callable[[EngineOptions, EngineStats], Backend]
# Engine kinds by name; another kind (e.g. CTranslate2) is one register_engine call away.
ENGINES: dict[str, EngineFactory] = {"transformers": TransformersBackend}


# Engine kinds whose module loads only when asked for (module, class), so that importing the
# engine never imports their libraries.
LAZY_ENGINES: dict[str, tuple[str, str]] = {
    "ctranslate2": ("pipeline.translate.ct2", "CTranslate2Backend"),
}


def register_engine(name: str, factory: EngineFactory) -> None:
    ENGINES[name] = factory


def engine_factory(name: str) -> EngineFactory:
    """The factory registered under ``name``, importing a lazy engine kind on first use."""
    if name not in ENGINES and name in LAZY_ENGINES:
        import importlib

        module, attribute = LAZY_ENGINES[name]
        register_engine(name, getattr(importlib.import_module(module), attribute))
    factory = ENGINES.get(name)
    if factory is None:
        known = sorted(set(ENGINES) | set(LAZY_ENGINES))
        raise PipelineError(f"unknown translation engine {name!r}: use one of {', '.join(known)}")
    return factory


def output_problem(source_text: str, output: str, source: str, target: str) -> str | None:
    """ "untranslated", "wrong-language" or None for one model output.

    The letter heuristic (pipeline.checks) proposes; the language detector must agree with
    confidence before a wrong-language verdict stands.
    """
    if checks.untranslated(source_text, output):
        return "untranslated"
    if not checks.wrong_language(output, target):
        return None
    try:
        from pipeline.detect import detect
    except ImportError:  # letters alone are decisive enough (they need 2+ telltale letters)
        return "wrong-language"
    found = detect(output)
    if found.label != target and found.confidence >= _DETECT_CONFIDENCE:
        return "wrong-language"
    return None


class Engine:
    """translate(texts, source, target) for any pair of the table, in the original order."""

    def __init__(
        self,
        table: RoutingTable,
        options: EngineOptions,
        backend: Backend,
        stats: EngineStats,
        memory: MemoryBackend | None = None,
    ) -> None:
        self.table = table
        self.options = options
        self.backend = backend
        self.stats = stats
        self.memory = memory
        self._translators: dict[tuple[str, ...], SignedTranslator] = {}

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        """Verbatim spans (inline code, image references, URLs: pipeline.verbatim) never reach
        a model; see pipeline.translate.protect."""
        return translate_protected(self._translate, texts, source, target)

    def _translate(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        if target not in LANGS:
            raise PipelineError(
                f"unknown target language {target!r}: use one of {', '.join(LANGS)}"
            )
        if source == target:
            self.stats.passthrough += len(texts)
            return Identity().translate(texts, source, target)
        if source not in LANGS:  # "other:de", "other:und": not ours to translate
            self.stats.passthrough += len(texts)
            return [passthrough(text, "other-language") for text in texts]
        results: list[Translation | None] = [None] * len(texts)
        todo: list[int] = []
        for i, text in enumerate(texts):
            if has_letters(normalize(text)):
                todo.append(i)
            else:
                results[i] = passthrough(text, "no-letters")
                self.stats.passthrough += 1
        if todo:
            routes = self.table.plan(source, target, self.options.profile)
            made = self._translator(routes).translate([texts[i] for i in todo], source, target)
            made = self._check_language(routes, [texts[i] for i in todo], made, source, target)
            for i, translation in zip(todo, made, strict=True):
                results[i] = translation
                self._count(translation)
        return [r for r in results if r is not None]

    def _count(self, translation: Translation) -> None:
        if translation.signature is None:
            self.stats.passthrough += 1
            return
        if translation.from_memory:
            self.stats.reused += 1
        else:
            self.stats.translated += 1
        if translation.splits:
            self.stats.split += 1
        if QUALITY_FLAGS.intersection(translation.flags):
            self.stats.flagged += 1

    def _check_language(
        self,
        routes: list[Route],
        sources: list[str],
        made: list[Translation],
        source: str,
        target: str,
    ) -> list[Translation]:
        problems = {
            i: problem
            for i, t in enumerate(made)
            if t.signature is not None
            and not t.from_memory
            and (problem := output_problem(sources[i], t.text, source, target))
        }
        if not problems:
            return made
        made = list(made)
        others = [self.table.other_profile_route(r) or r for r in routes]
        retried: dict[int, Translation] = {}
        if others != routes:
            order = sorted(problems)
            again = self._translator(others).translate([sources[i] for i in order], source, target)
            retried = dict(zip(order, again, strict=True))
        for i, problem in problems.items():
            retry = retried.get(i)
            if retry is not None and output_problem(sources[i], retry.text, source, target) is None:
                made[i] = _with_flags(retry, "retried-other-profile")
            else:
                made[i] = _with_flags(made[i], problem)
        return made

    def _translator(self, routes: list[Route]) -> SignedTranslator:
        key = tuple(r.name for r in routes)
        found = self._translators.get(key)
        if found is None:
            found = self._build(routes)
            self._translators[key] = found
        return found

    def _build(self, routes: list[Route]) -> SignedTranslator:
        legs = [self._cached(self.backend.translator(r)) for r in routes]
        if len(legs) == 1:
            return legs[0]
        chain: SignedTranslator = Pivot(legs[0], legs[1], via=routes[0].target)
        return self._cached(chain)

    def _cached(self, translator: SignedTranslator) -> SignedTranslator:
        if self.memory is None:
            return translator
        return Cached(translator, self.memory, use_memory=self.options.use_memory)

    def close(self) -> None:
        self._translators.clear()
        self.backend.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _with_flags(translation: Translation, *flags: str) -> Translation:
    return replace(translation, flags=tuple(dict.fromkeys(translation.flags + flags)))


def build_engine(
    table: RoutingTable,
    options: EngineOptions | None = None,
    memory: MemoryBackend | None = None,
) -> Engine:
    """An engine over ``table``; models load on first use. Applies the malloc fix and, if torch
    is not loaded yet, MKL's buffer release."""
    options = options or EngineOptions()
    factory = engine_factory(options.engine)
    if options.profile is not None:
        table.profile_name(options.profile)  # an unknown profile fails now, not mid-run
    if not tune_malloc():
        warnings.warn(
            "malloc tuning unavailable (not glibc); beam search may run slower", stacklevel=2
        )
    release_mkl_buffers()
    stats = EngineStats()
    return Engine(table, options, factory(options, stats), stats, memory)
