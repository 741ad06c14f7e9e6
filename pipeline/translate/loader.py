"""Lazy model loading: device, dtype and threads, a bounded LRU of loaded models, the malloc fix."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import sys
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from pipeline.domain import PipelineError
from pipeline.routing import Route, validate_target_tokens
from pipeline.translate.residency import (
    FileMapping,
    file_mappings,
    page_out,
    release_free_memory,
    tensor_range,
    unread_mappings,
)

__all__ = [
    "LoadedModel",
    "ModelLoader",
    "COMPACT_CPU_BATCH_TOKENS",
    "LOW_MEMORY_BATCH_TOKENS",
    "batch_token_budget",
    "decoding_streams",
    "release_mkl_buffers",
    "resolve_device",
    "tune_malloc",
]

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MALLOC_THRESHOLD = 256 * 1024 * 1024  # above the largest per-step logits buffer (~62 MB)


def tune_malloc() -> bool:
    """Stop glibc from serving each decoding step's big logits buffers with fresh mmap (and
    page-faulting them in again every step): raise the mmap and trim thresholds. Measured at
    1.3-2.6x on beam search on CPU. Returns whether it applied (glibc only; no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    ok = mallopt(_M_MMAP_THRESHOLD, _MALLOC_THRESHOLD) == 1
    return mallopt(_M_TRIM_THRESHOLD, 2 * _MALLOC_THRESHOLD) == 1 and ok


def release_mkl_buffers() -> bool:
    """Make MKL free its scratch buffers after each call instead of pooling them per thread:
    16 MiB a thread, held until the process exits, and every decoding stream is a new thread.
    No slower on the benchmark (benchmarks/README.md). MKL reads the switch once, when torch
    loads, so this runs before torch is imported; returns whether the switch is on."""
    if "torch" not in sys.modules:
        os.environ.setdefault(_MKL_FAST_MM_OFF, "1")
    return os.environ.get(_MKL_FAST_MM_OFF) == "1"


_MKL_FAST_MM_OFF = "MKL_DISABLE_FAST_MM"


def decoding_streams(streams: int | None, threads: int | None, device: str) -> tuple[int, int]:
    """(batches decoded at once, threads for each) on ``device``.

    On CPU a batch of a few dozen sentences keeps one core busy far better than it splits over
    several: two batches at once with one thread each decoded 1.36x (transformers, greedy) and
    1.39x (CTranslate2) faster than one batch on both threads of a 2-core machine (whole-corpus
    runs; benchmarks/sweep-streams-latest.md per setting). A GPU takes one batch at a time.
    """
    cores = threads or os.cpu_count() or 1
    if not device.startswith("cpu"):
        return 1, cores
    wanted = streams if streams is not None else (2 if cores >= 2 else 1)
    count = max(1, min(wanted, cores))
    return count, max(1, cores // count)


CPU_BATCH_TOKENS = 2048
# Greedy float decoding on CPU keeps a third of the usual state per sentence
# (pipeline.translate.compact), and there the budget trades speed for memory. Base greedy, the
# 2,028-sentence benchmark, two streams: 768 tokens 11.5 sentences/s at 1.26x the weights,
# 1024 18.4 at 1.29x, 1280 17.9 at 1.30x, 2048 18.6 at 1.47x.
COMPACT_CPU_BATCH_TOKENS = 1024
GPU_BATCH_TOKENS = 32768
# --low-memory on CPU: one batch at a time of 512 tokens (the whole budget; two streams of 384
# tokens peaked higher).
LOW_MEMORY_BATCH_TOKENS = 512


def batch_token_budget(
    batch_tokens: int | None, device: str, *, low_memory: bool = False, compact: bool = False
) -> int:
    """Padded source tokens x beams per batch: ``batch_tokens`` if given, else the default
    measured for ``device``; ``compact``: greedy float decoding (pipeline.translate.compact).

    CPU (2 cores, two streams): 2048 decoded as fast as 4096 and peaked 200-300 MB lower
    (benchmarks/sweep-streams-latest.md); the compact greedy decoder is as fast at 1024 as at
    2048, and peaks lower. GPU (H200, bfloat16): 2048 left it idle between small batches; 32768
    ran base greedy at 146 sentences/s against 74, and beam 4 at 65 against 13 (the budget is
    shared by the beams), on 1 GB of GPU memory (benchmarks/throughput-cuda-latest.md). The
    profile's batch_size still caps sentences.
    """
    if batch_tokens is not None:
        return batch_tokens
    on_cpu = device.startswith("cpu")
    if low_memory:
        return LOW_MEMORY_BATCH_TOKENS if on_cpu else CPU_BATCH_TOKENS
    if not on_cpu:
        return GPU_BATCH_TOKENS
    return COMPACT_CPU_BATCH_TOKENS if compact else CPU_BATCH_TOKENS


def resolve_device(device: str) -> str:
    """ "auto" → "cuda" when a GPU is usable, else "cpu"; anything else is checked and kept."""
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda"):
        if not torch.cuda.is_available():
            raise PipelineError(
                f"device {device!r} asked for but no CUDA GPU is usable: use --device cpu"
            )
        return device
    if device != "cpu":
        raise PipelineError(f"unknown device {device!r}: use auto, cpu, cuda or cuda:N")
    return device


@dataclass
class LoadedModel:
    key: str
    tokenizer: Any
    model: Any
    device: str
    dtype: str  # "float32", "float16", "bfloat16"
    quantized: str | None
    max_positions: int


class CachingLoader:
    """Loads a route's model on first use and keeps at most ``max_loaded`` models, evicting the
    least recently used; each engine's loader supplies ``_load``."""

    max_loaded: int
    _loaded: OrderedDict[str, LoadedModel]

    @property
    def loaded(self) -> list[str]:
        """Keys ("model@revision") of the models in memory, least recently used first."""
        return list(self._loaded)

    def get(self, route: Route) -> LoadedModel:
        key = f"{route.model}@{route.revision or 'main'}"
        entry = self._loaded.get(key)
        if entry is None:
            entry = self._load(key, route)
            self._loaded[key] = entry
            while len(self._loaded) > self.max_loaded:
                self._loaded.popitem(last=False)
        else:
            self._loaded.move_to_end(key)
        validate_target_tokens(route, entry.tokenizer)
        return entry

    def close(self) -> None:
        self._loaded.clear()

    def _load(self, key: str, route: Route) -> LoadedModel:
        raise NotImplementedError


class ModelLoader(CachingLoader):
    """Loads MarianMT checkpoints through transformers."""

    def __init__(
        self,
        *,
        device: str = "auto",
        threads: int | None = None,
        max_loaded: int = 2,
        quantize: str | None = None,
        streams: int | None = None,
    ) -> None:
        import torch

        if max_loaded < 1:
            raise PipelineError("max_loaded_models must be at least 1")
        if quantize not in (None, "int8"):
            raise PipelineError(f"unknown quantisation {quantize!r}: use int8 or none")
        self.device = resolve_device(device)
        self.streams, per_stream = decoding_streams(streams, threads, self.device)
        if threads or self.streams > 1:
            torch.set_num_threads(per_stream)
        self.max_loaded = max_loaded
        self.quantize = quantize if self.device == "cpu" else None
        if quantize and self.device != "cpu":
            warnings.warn(
                "int8 quantisation applies on CPU only; using the GPU dtype", stacklevel=2
            )
        if self.device == "cpu":
            self.dtype = "float32"  # tc-big checkpoints are stored fp16, far too slow on CPU
        else:
            self.dtype = "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
        self._loaded: OrderedDict[str, LoadedModel] = OrderedDict()
        self.loads = 0  # checkpoints read from disk (a reload after eviction counts again)

    @property
    def decoding_dtype(self) -> str:
        return f"{self.dtype}+int8" if self.quantize else self.dtype

    def _load(self, key: str, route: Route) -> LoadedModel:
        import torch
        from transformers import MarianMTModel, MarianTokenizer
        from transformers.utils import logging as hf_logging

        from pipeline.modelstore import ensure_available

        ensure_available(route)
        # The job draws its own progress; per-load bars would interleave with it.
        hf_logging.disable_progress_bar()
        where = f"model {route.model!r} (route {route.name})"
        mapped_before = file_mappings()
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=".*sacremoses.*")
                revision: Any = route.revision
                # The model first: offline, a missing hub model raises OSError quickly there,
                # while the tokenizer gets as far as a TypeError on its absent files.
                # On CPU the checkpoint's own dtype first, widened below one tensor at a time.
                model: Any = MarianMTModel.from_pretrained(
                    route.model,
                    revision=revision,
                    dtype="auto" if self.device == "cpu" else getattr(torch, self.dtype),
                )
                tokenizer = MarianTokenizer.from_pretrained(route.model, revision=revision)
        except (OSError, ValueError, TypeError, AssertionError, KeyError) as exc:
            if route.is_local:
                raise PipelineError(
                    f"{where}: the folder is missing or incomplete ({type(exc).__name__}: "
                    f"{exc}); rebuild it with `pipeline models demo DIR` or fix models.yaml"
                ) from exc
            raise PipelineError(
                f"{where} is neither cached nor reachable ({type(exc).__name__}): run "
                "`pipeline models pull`, or `pipeline models demo DIR` for offline demo models"
            ) from exc
        model.eval()
        # Every call passes max_new_tokens (bounded by input length); the checkpoint's fixed
        # max_length would only clash with it (and log a warning per batch).
        model.generation_config.max_length = None
        checkpoint = file_mappings() - mapped_before
        if self.device != "cpu":
            model.to(self.device)
        else:
            _widen(model, getattr(torch, self.dtype), checkpoint)
        quantized = None
        if self.quantize == "int8":
            model, applied = _quantize_int8(model)
            quantized = "int8" if applied else None
        _drop_dead_pages(model, checkpoint, everything=bool(quantized))
        self.loads += 1
        max_positions = int(getattr(model.config, "max_position_embeddings", 512) or 512)
        return LoadedModel(key, tokenizer, model, self.device, self.dtype, quantized, max_positions)


def _widen(model: Any, dtype: Any, checkpoint: set[FileMapping]) -> None:
    """Cast floating parameters and buffers to ``dtype`` one at a time, paging out each one's
    checkpoint pages as soon as its copy exists. ``model.to(dtype)`` would leave the whole
    mapping resident beside the copies until the end: a tc-big float16 checkpoint (455 MiB)
    on top of its float32 weights (911 MiB)."""
    import torch

    done: set[int] = set()
    for module in model.modules():
        for store in (module._parameters, module._buffers):
            for name, tensor in store.items():
                if tensor is None or id(tensor) in done or not tensor.is_floating_point():
                    continue
                done.add(id(tensor))
                if tensor.dtype == dtype:
                    continue
                source = tensor.data
                if isinstance(tensor, torch.nn.Parameter):
                    tensor.data = source.to(dtype)  # tied weights share the Parameter
                else:
                    store[name] = source.to(dtype)
                page_out(tensor_range(source, checkpoint))


def _drop_dead_pages(model: Any, checkpoint: set[FileMapping], *, everything: bool) -> None:
    """Free what loading left resident but unread: the heap's temporaries, and the checkpoint
    file's pages where the model holds copies (widened dtype, GPU) instead of the mapping.
    After int8 quantisation only the float32 embeddings still read the mapping, a few rows per
    batch, so all of it goes (base: 287 MiB fewer resident)."""
    # The float Linear layers that int8 quantisation replaced sit in reference cycles: without
    # a collection their weights lived on until the next full GC (tc-big: 570 MiB).
    gc.collect()
    release_free_memory()
    if not checkpoint:
        return
    if everything:
        page_out(sorted(checkpoint))
        return
    page_out(unread_mappings(checkpoint, [*model.parameters(), *model.buffers()]))


def _quantize_int8(model: Any) -> tuple[Any, bool]:
    """Dynamic int8 Linear layers (2-4.8x fp32 on CPU); fp32 with a warning where unavailable."""
    import torch

    try:
        from torch.ao.quantization import quantize_dynamic

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", UserWarning)  # quantized tensor deprecation
            # In place: the default deep copy would hold a second float32 model meanwhile.
            quantized = quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)
        return quantized, True
    except (ImportError, RuntimeError, AttributeError, AssertionError) as exc:
        warnings.warn(f"int8 quantisation unavailable ({exc}); running in float32", stacklevel=3)
        return model, False
