"""MarianMT through CTranslate2 (the optional ``fast`` extra): the same routing, checks, memory
and store as the transformers engine; only "run the model on a batch of normalised, split
sentences" differs.

Checkpoints are converted once with CTranslate2's own converter and cached under
``$PIPELINE_CT2_CACHE`` (default ``~/.cache/pipeline/ct2``), one folder per model, revision,
weight files and quantisation. On CPU the weights are int8 (int8 matrix products, measured at
1.0-1.4x the transformers int8 engine and 2.7-4.2x fp32, with a third of the memory); on a GPU
float16. CTranslate2's default CPU backend is kept: ``CT2_USE_MKL=1`` was 12-25x slower on the
AMD CPUs measured.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import tempfile
import warnings
from collections import OrderedDict
from pathlib import Path
from typing import Any

from pipeline.domain import PipelineError
from pipeline.routing import Route
from pipeline.translate.base import EngineOptions, EngineStats
from pipeline.translate.loader import (
    CPU_BATCH_TOKENS,
    CachingLoader,
    LoadedModel,
    batch_token_budget,
    decoding_streams,
)
from pipeline.translate.marian import MarianTranslator, _Piece
from pipeline.translate.normalize import strip_target_tokens
from pipeline.translate.pieces import MarianPieces
from pipeline.translate.scores import TokenScore

__all__ = [
    "CACHE_ENV",
    "INSTALL_HINT",
    "CTranslate2Backend",
    "CTranslate2Loader",
    "CTranslate2Translator",
    "cache_root",
    "convert",
    "hypothesis_score",
    "import_ctranslate2",
]

CACHE_ENV = "PIPELINE_CT2_CACHE"
INSTALL_HINT = "pip install 'pipeline[fast]'"
# Marian's generation config forces </s> as the last of max_new_tokens; CTranslate2 stops
# without it, so one step fewer gives the same text.
_FORCED_EOS_STEPS = 1


def import_ctranslate2() -> Any:
    """The ctranslate2 module, or a PipelineError saying what to install."""
    try:
        import ctranslate2
    except ImportError as exc:
        raise PipelineError(
            f"the ctranslate2 engine needs the CTranslate2 package ({exc}): run "
            f"{INSTALL_HINT} (or pip install ctranslate2), or use --engine transformers"
        ) from exc
    return ctranslate2


def cache_root() -> Path:
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pipeline" / "ct2"


def _weights_fingerprint(folder: Path) -> list[tuple[str, int, int]]:
    """A local folder can be rebuilt in place (``pipeline models demo``): its files' sizes and
    times are part of the cache key so a rebuilt model is converted again."""
    return sorted(
        (p.name, p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.iterdir()
        if p.is_file() and p.suffix in {".bin", ".safetensors", ".json", ".spm"}
    )


def cache_key(model: str, revision: str | None, quantization: str) -> str:
    ctranslate2 = import_ctranslate2()
    identity: dict[str, Any] = {
        "model": model,
        "revision": revision,
        "quantization": quantization,
        "ctranslate2": ctranslate2.__version__,
    }
    folder = Path(model)
    if folder.is_dir():
        identity["files"] = _weights_fingerprint(folder)
    digest = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()
    return digest[:20]


def convert(
    model: str, revision: str | None, quantization: str, *, root: Path | None = None
) -> Path:
    """The CTranslate2 folder for a Marian checkpoint (hub id or folder), converted on first use.

    Conversion writes to a temporary folder renamed into place, so a crash never leaves a
    half-written model in the cache.
    """
    root = root or cache_root()
    target = root / cache_key(model, revision, quantization)
    if (target / "model.bin").is_file():
        return target
    # Only converting needs the converter, which imports torch and transformers (seconds).
    from ctranslate2.converters import TransformersConverter
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # the job draws its own progress

    root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".converting-", dir=root))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            converter = TransformersConverter(model, revision=revision, low_cpu_mem_usage=True)
            converter.convert(str(scratch / "model"), quantization=quantization, force=True)
        (scratch / "model" / "pipeline-source.json").write_text(
            json.dumps({"model": model, "revision": revision, "quantization": quantization}),
            "utf-8",
        )
        try:
            os.replace(scratch / "model", target)
        except OSError:  # another process converted it meanwhile
            if not (target / "model.bin").is_file():
                raise
    except (OSError, ValueError) as exc:
        raise PipelineError(
            f"cannot convert model {model!r} for CTranslate2 ({type(exc).__name__}: {exc}): "
            "check that it is cached (`pipeline models pull`) or use --engine transformers"
        ) from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def _split_device(device: str) -> tuple[str, int]:
    name, _, index = device.partition(":")
    return name, int(index or 0)


class CTranslate2Loader(CachingLoader):
    """ModelLoader's contract for CTranslate2: ``get(route)`` gives a LoadedModel whose
    ``model`` is a ``ctranslate2.Translator``, at most ``max_loaded`` kept in memory."""

    def __init__(
        self,
        *,
        device: str = "auto",
        threads: int | None = None,
        max_loaded: int = 2,
        compute_type: str | None = None,
        cache: Path | None = None,
        streams: int | None = None,
    ) -> None:
        ctranslate2 = import_ctranslate2()
        if max_loaded < 1:
            raise PipelineError("max_loaded_models must be at least 1")
        if device == "auto":
            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        kind, _ = _split_device(device)
        if kind not in ("cpu", "cuda"):
            raise PipelineError(f"unknown device {device!r}: use auto, cpu, cuda or cuda:N")
        if kind == "cuda" and ctranslate2.get_cuda_device_count() == 0:
            raise PipelineError(
                f"device {device!r} asked for but CTranslate2 sees no CUDA GPU: use --device cpu"
            )
        self.device = device
        # Batches in flight at once (CTranslate2's inter_threads), each on `threads` cores.
        self.streams, self.threads = decoding_streams(streams, threads, kind)
        self.max_loaded = max_loaded
        self.compute_type = compute_type or ("int8" if kind == "cpu" else "float16")
        supported = ctranslate2.get_supported_compute_types(kind)
        if self.compute_type not in supported:
            raise PipelineError(
                f"CTranslate2 cannot compute in {self.compute_type} on {kind} "
                f"(supported: {', '.join(sorted(supported))})"
            )
        self.cache = cache
        self._loaded: OrderedDict[str, LoadedModel] = OrderedDict()
        self.loads = 0

    # The names MarianTranslator reads for its signature.
    @property
    def dtype(self) -> str:
        return self.compute_type

    @property
    def quantize(self) -> str | None:
        return "int8" if self.compute_type.startswith("int8") else None

    @property
    def decoding_dtype(self) -> str:
        return self.compute_type

    def _load(self, key: str, route: Route) -> LoadedModel:
        from pipeline.modelstore import local_folder

        ctranslate2 = import_ctranslate2()
        folder = Path(local_folder(route))
        tokenizer = MarianPieces(folder)
        # Storing the weights in the compute type makes loading fast and the cache small.
        converted = convert(str(folder), None, self.compute_type, root=self.cache)
        kind, index = _split_device(self.device)
        translator = ctranslate2.Translator(
            str(converted),
            device=kind,
            device_index=index,
            compute_type=self.compute_type,
            inter_threads=self.streams,
            intra_threads=self.threads,
        )
        self.loads += 1
        quantized = "int8" if self.compute_type.startswith("int8") else None
        return LoadedModel(
            key,
            tokenizer,
            translator,
            self.device,
            self.compute_type,
            quantized,
            _max_positions(folder),
        )


def _max_positions(folder: Path) -> int:
    """The decoder's position limit, from the checkpoint's config (the converted model's config
    does not keep it)."""
    try:
        config = json.loads((folder / "config.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise PipelineError(
            f"model folder {folder} has no readable config.json ({exc}): rebuild it with "
            "`pipeline models pull` (or `pipeline models demo DIR`)"
        ) from exc
    return int(config.get("max_position_embeddings") or 512)


class CTranslate2Translator(MarianTranslator):
    """MarianTranslator whose generation step runs ``ctranslate2.Translator.translate_batch``.

    Splitting, dedup, the loop retry, flags and the signature come from MarianTranslator; the
    signature's engine is "ctranslate2" and its decoding names the compute type.
    """

    def __init__(
        self,
        route: Route,
        loader: CTranslate2Loader,
        *,
        batch_tokens: int = CPU_BATCH_TOKENS,
        stats: EngineStats | None = None,
        scores: bool = True,
    ) -> None:
        super().__init__(
            route,
            loader,  # type: ignore[arg-type]  # same contract as ModelLoader
            batch_tokens=batch_tokens,
            engine="ctranslate2",
            stats=stats,
            scores=scores,
        )
        self.ct2_loader = loader
        self._tokens: dict[str, list[str]] = {}

    def decoding(self, **overrides: Any) -> dict[str, Any]:
        return {**super().decoding(**overrides), "compute_type": self.ct2_loader.compute_type}

    def token_count(self, loaded: LoadedModel, text: str) -> int:
        return len(self._source_tokens(loaded, text))

    def _source_tokens(self, loaded: LoadedModel, text: str) -> list[str]:
        """Source pieces with the target token first and ``</s>`` last (CTranslate2 adds
        neither)."""
        found = self._tokens.get(text)
        if found is None:
            found = loaded.tokenizer.source_pieces(self._prefix + text)
            self._tokens[text] = found
        return found

    def decode_options(
        self, extra: dict[str, Any], longest: int, max_positions: int
    ) -> dict[str, Any]:
        """translate_batch keyword arguments for a batch whose longest source has ``longest``
        tokens (the output cap follows the input, as with max_new_tokens)."""
        kwargs = {**self.generate_kwargs, **extra}
        cap = max(1, min(self.route.max_new_tokens(longest), max_positions - 2))
        options: dict[str, Any] = {
            "beam_size": int(kwargs["num_beams"]),  # CTranslate2's default is 2, not 1
            "max_decoding_length": max(1, cap - _FORCED_EOS_STEPS),
            "length_penalty": float(kwargs.get("length_penalty", 1.0)),
            "repetition_penalty": float(kwargs.get("repetition_penalty", 1.0)),
            "no_repeat_ngram_size": int(kwargs.get("no_repeat_ngram_size", 0)),
            "max_input_length": 0,  # never truncate: over-long sources were split already
            # the hypothesis score (pipeline.translate.scores); the tokens are the same
            "return_scores": self.scores,
        }
        # Forced output lengths (benchmarks): a route may ask for a minimum proportional to the
        # input, as the transformers engine does with min_new_tokens.
        min_ratio = float(self.route.generation.get("min_new_tokens_ratio", 0) or 0)
        if min_ratio > 0:
            extra_tokens = int(self.route.generation["max_new_tokens_extra"])
            wanted = math.ceil(min_ratio * longest) + extra_tokens
            options["min_decoding_length"] = min(wanted, options["max_decoding_length"])
        return options

    def _generate(self, loaded: LoadedModel, pieces: list[_Piece], extra: dict[str, Any]) -> None:
        beams = int({**self.generate_kwargs, **extra}["num_beams"])
        batches = self._batches(pieces, beams)
        tokenizer: MarianPieces = loaded.tokenizer
        # With several streams every batch is queued at once and CTranslate2 decodes
        # `streams` of them in parallel; results are read back in order.
        parallel = self.ct2_loader.streams > 1
        try:
            submitted = []
            for batch in batches:
                members = [pieces[i] for i in batch]
                sources = [self._source_tokens(loaded, p.text) for p in members]
                options = self.decode_options(
                    extra, max(len(s) for s in sources), loaded.max_positions
                )
                # The converter drops <pad> from the vocabulary (CTranslate2 starts the decoder
                # from a zero embedding instead), so <pad> cannot be generated.
                results = loaded.model.translate_batch(sources, asynchronous=parallel, **options)
                submitted.append((members, results, options))
            for members, results, options in submitted:
                self.generate_calls += 1
                self.stats.generate_calls += 1
                for piece, result in zip(members, results, strict=True):
                    done = result.result() if parallel else result
                    piece.output = strip_target_tokens(tokenizer.join(done.hypotheses[0]))
                    if self.scores:
                        piece.score = hypothesis_score(
                            float(done.scores[0]),
                            len(done.hypotheses[0]),
                            max_length=int(options["max_decoding_length"]),
                            length_penalty=float(options["length_penalty"]),
                        )
        finally:
            self._tokens.clear()


def hypothesis_score(
    score: float, produced: int, *, max_length: int, length_penalty: float
) -> TokenScore:
    """CTranslate2's hypothesis score as a sum and count of token log-probabilities
    (pipeline.translate.scores).

    CTranslate2 divides the cumulated log-probability by length ** length_penalty (its
    decoding.cc, finalize_hypothesis_score; measured equal to its own score_batch on the demo
    models at length_penalty 1 and 2). The length counts the ``</s>`` it ended with, which the
    returned tokens leave out: a hypothesis shorter than max_length ended with one; one at
    max_length was cut there (no ``</s>``, where the transformers engine forces one that
    counts as certain). A length_penalty of 0 is taken as a plain mean."""
    length = produced + 1 if produced < max_length else produced
    if length == 0:
        return TokenScore(0.0, 0)
    exponent = length_penalty if length_penalty else 1.0
    return TokenScore(score * length**exponent, length)


class CTranslate2Backend:
    """The "ctranslate2" engine kind: a CTranslate2Translator per route over one loader.

    ``compute_type`` None means int8 on CPU and float16 on a GPU.
    """

    name = "ctranslate2"

    def __init__(
        self, options: EngineOptions, stats: EngineStats, *, compute_type: str | None = None
    ) -> None:
        import_ctranslate2()  # fail now, with the install hint, not at the first batch
        if options.quantize not in (None, "int8"):
            raise PipelineError(f"unknown quantisation {options.quantize!r}: use int8 or none")
        self.options = options
        self.stats = stats
        self.loader = CTranslate2Loader(
            device=options.device,
            threads=options.threads,
            max_loaded=options.loaded_models,
            compute_type=compute_type,
            streams=options.decoding_streams,
        )

    def translator(self, route: Route) -> CTranslate2Translator:
        return CTranslate2Translator(
            route,
            self.loader,
            batch_tokens=batch_token_budget(
                self.options.batch_tokens, self.loader.device, low_memory=self.options.low_memory
            ),
            stats=self.stats,
            scores=self.options.scores,
        )

    def close(self) -> None:
        self.loader.close()
