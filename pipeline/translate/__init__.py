"""Translation: the one-method Translator interface and its implementations.

``build_engine(table, EngineOptions(...), memory)`` gives an Engine whose ``translate(texts,
source, target)`` routes through models.yaml (direct or pivot), the translation memory, identity
and passthrough. Heavy libraries (torch, transformers) load only when a model is first needed.
"""

from pipeline.translate.base import (
    EngineOptions,
    EngineStats,
    MemoryBackend,
    SignedTranslator,
    Translation,
    Translator,
)
from pipeline.translate.compose import Cached, Identity, Pivot
from pipeline.translate.engine import (
    ENGINES,
    Engine,
    TransformersBackend,
    build_engine,
    output_problem,
    register_engine,
)
from pipeline.translate.loader import ModelLoader, tune_malloc
from pipeline.translate.marian import MarianTranslator
from pipeline.translate.normalize import normalize

__all__ = [
    "ENGINES",
    "Cached",
    "Engine",
    "EngineOptions",
    "EngineStats",
    "Identity",
    "MarianTranslator",
    "MemoryBackend",
    "ModelLoader",
    "Pivot",
    "SignedTranslator",
    "TransformersBackend",
    "Translation",
    "Translator",
    "build_engine",
    "normalize",
    "output_problem",
    "register_engine",
    "tune_malloc",
]
