"""Tiny MarianMT models built offline that behave like the real OPUS-MT checkpoints.

They translate into random words, but everything an engine can trip over is shaped like the real
thing (see docs on Marian): SentencePiece source/target models, a Marian vocab.json, eos id 0 for
the base family and a non-zero eos id for the tc-big family, target-language tokens (``>>ukr<<``)
for multi-target models, shared and tied embeddings, generation settings on
``generation_config``, and fp16 weights for tc-big (as the hub ships them).

``build_demo_models`` builds one model per route of both profiles and writes a models.yaml that
points at them; ``pipeline models demo DIR`` and the test suite use it.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline.domain import LANGS, PipelineError

# OPUS-MT target-language tokens are ISO 639-3 codes.
TARGET_TOKENS: dict[str, str] = {"uk": ">>ukr<<", "ru": ">>rus<<", "en": ">>eng<<"}
_GROUP_NAMES: dict[frozenset[str], str] = {frozenset({"uk", "ru"}): "zle"}
_ISO3: dict[str, str] = {"uk": "ukr", "ru": "rus", "en": "eng"}


@dataclass(frozen=True, kw_only=True)
class FamilySpec:
    """What tells the two OPUS-MT families apart, scaled down."""

    activation: str
    max_positions: int
    eos_after_source_pieces: bool  # tc-big vocabularies put </s> far from id 0
    stored_dtype: str


FAMILIES: dict[str, FamilySpec] = {
    "base": FamilySpec(
        activation="swish", max_positions=512, eos_after_source_pieces=False, stored_dtype="float32"
    ),
    "tc-big": FamilySpec(
        activation="relu", max_positions=1024, eos_after_source_pieces=True, stored_dtype="float16"
    ),
}

# (folder, family, source langs, target langs) for every route of the packaged profiles.
DEMO_MODELS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("tiny-tc-big-zle-en", "tc-big", ("uk", "ru"), ("en",)),
    ("tiny-tc-big-en-zle", "tc-big", ("en",), ("uk", "ru")),
    ("tiny-tc-big-zle-zle", "tc-big", ("uk", "ru"), ("uk", "ru")),
    ("tiny-uk-en", "base", ("uk",), ("en",)),
    ("tiny-ru-en", "base", ("ru",), ("en",)),
    ("tiny-en-uk", "base", ("en",), ("uk",)),
    ("tiny-en-ru", "base", ("en",), ("ru",)),
    ("tiny-uk-ru", "base", ("uk",), ("ru",)),
    ("tiny-ru-uk", "base", ("ru",), ("uk",)),
)


def demo_corpus() -> dict[str, list[str]]:
    """The project's own demo sentences, by language."""
    text = resources.files("pipeline").joinpath("data/demo_corpus.txt").read_text("utf-8")
    corpus: dict[str, list[str]] = {lang: [] for lang in LANGS}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lang, _, sentence = line.partition("\t")
        corpus[lang].append(sentence.strip())
    return corpus


@lru_cache(maxsize=16)
def _train_spm(langs: tuple[str, ...], vocab_size: int) -> bytes:
    """A unigram SentencePiece model trained on the demo sentences of ``langs`` (cached)."""
    corpus = demo_corpus()
    return train_spm([s for lang in langs for s in corpus[lang]], vocab_size)


def train_spm(sentences: Iterable[str], vocab_size: int) -> bytes:
    """A unigram SentencePiece model shaped like OPUS-MT's: <unk> 0, </s> 1, no <s> or <pad>."""
    import sentencepiece as spm

    model = io.BytesIO()
    with open(os.devnull, "w") as quiet:
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(sentences),
            model_writer=model,
            vocab_size=vocab_size,
            model_type="unigram",
            character_coverage=1.0,
            unk_id=0,
            eos_id=1,
            bos_id=-1,
            pad_id=-1,
            hard_vocab_limit=False,
            num_threads=1,
            logstream=quiet,
        )
    return model.getvalue()


def spm_pieces(spm_bytes: bytes) -> list[str]:
    """The model's pieces, control and unknown pieces left out."""
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=spm_bytes)
    return [
        processor.id_to_piece(i)
        for i in range(processor.get_piece_size())
        if not (processor.is_control(i) or processor.is_unknown(i))
    ]


def _marian_vocab(
    source_pieces: Sequence[str],
    target_pieces: Sequence[str],
    target_tokens: Sequence[str],
    *,
    eos_late: bool,
) -> dict[str, int]:
    """vocab.json the Marian way: specials, target tokens, pieces of both models, <pad> last."""
    order: list[str] = ["<unk>"] if eos_late else ["</s>", "<unk>"]
    order += target_tokens
    order += source_pieces
    if eos_late:
        order.append("</s>")
    order += target_pieces
    vocab: dict[str, int] = {}
    for token in order:
        vocab.setdefault(token, len(vocab))
    vocab["<pad>"] = len(vocab)
    return vocab


def _lang_name(langs: Sequence[str], family: str) -> str:
    if len(langs) > 1:
        return _GROUP_NAMES.get(frozenset(langs), "mul")
    return _ISO3[langs[0]] if family == "tc-big" else langs[0]


def marian_configs(
    vocab: dict[str, int],
    *,
    d_model: int,
    layers: int,
    heads: int,
    ffn: int,
    activation: str,
    max_positions: int,
) -> tuple[Any, Any]:
    """(MarianConfig, GenerationConfig) shaped like an OPUS-MT checkpoint's: shared, tied
    embeddings, <pad> as decoder start, </s> forced last, beam 4, <pad> never generated."""
    from transformers import GenerationConfig, MarianConfig

    pad, eos = vocab["<pad>"], vocab["</s>"]
    config = MarianConfig(
        architectures=["MarianMTModel"],
        vocab_size=len(vocab),
        decoder_vocab_size=len(vocab),
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=heads,
        decoder_attention_heads=heads,
        encoder_ffn_dim=ffn,
        decoder_ffn_dim=ffn,
        encoder_layerdrop=0.0,
        decoder_layerdrop=0.0,
        activation_function=activation,
        max_position_embeddings=max_positions,
        dropout=0.1,
        attention_dropout=0.0,
        activation_dropout=0.0,
        init_std=0.02,
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
        is_encoder_decoder=True,
        use_cache=True,
        pad_token_id=pad,
        decoder_start_token_id=pad,
        eos_token_id=eos,
        forced_eos_token_id=eos,
        bos_token_id=None,
    )
    generation = GenerationConfig(
        bad_words_ids=[[pad]],
        decoder_start_token_id=pad,
        eos_token_id=eos,
        forced_eos_token_id=eos,
        pad_token_id=pad,
        max_length=512,
        num_beams=4,
        renormalize_logits=True,
    )
    return config, generation


def build_tiny_model(
    out_dir: Path,
    *,
    family: str,
    source_langs: Iterable[str],
    target_langs: Iterable[str],
    seed: int = 0,
    d_model: int = 32,
    vocab_size: int = 250,
) -> Path:
    """Build one tiny Marian model into ``out_dir`` (created) and return the folder.

    Multi-target models (more than one target language) get ``>>xxx<<`` target tokens in the
    vocabulary, as the real tc-big en-zle and zle-zle models do.
    """
    import torch
    from transformers import MarianMTModel, MarianTokenizer

    if family not in FAMILIES:
        raise PipelineError(f"unknown model family {family!r}: use one of {sorted(FAMILIES)}")
    spec = FAMILIES[family]
    sources, targets = tuple(source_langs), tuple(target_langs)
    for lang in sources + targets:
        if lang not in LANGS:
            raise PipelineError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    source_spm = _train_spm(tuple(sorted(sources)), vocab_size)
    target_spm = _train_spm(tuple(sorted(targets)), vocab_size)
    (out_dir / "source.spm").write_bytes(source_spm)
    (out_dir / "target.spm").write_bytes(target_spm)
    target_tokens = [TARGET_TOKENS[lang] for lang in targets] if len(targets) > 1 else []
    vocab = _marian_vocab(
        spm_pieces(source_spm),
        spm_pieces(target_spm),
        target_tokens,
        eos_late=spec.eos_after_source_pieces,
    )
    (out_dir / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=1), "utf-8")

    tokenizer = MarianTokenizer(
        source_spm=str(out_dir / "source.spm"),
        target_spm=str(out_dir / "target.spm"),
        vocab=str(out_dir / "vocab.json"),
        source_lang=_lang_name(sources, family),
        target_lang=_lang_name(targets, family),
        model_max_length=512,
        separate_vocabs=False,
    )
    tokenizer.save_pretrained(str(out_dir))

    config, generation = marian_configs(
        vocab,
        d_model=d_model,
        layers=2,
        heads=4,
        ffn=2 * d_model,
        activation=spec.activation,
        max_positions=spec.max_positions,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = MarianMTModel(config)
    model.generation_config = generation
    model.to(getattr(torch, spec.stored_dtype))
    model.eval()
    model.save_pretrained(str(out_dir))
    return out_dir


def demo_table_text(folders: Sequence[tuple[str, str, tuple[str, ...], tuple[str, ...]]]) -> str:
    """models.yaml text routing both profiles to the demo folders (paths relative to the file)."""
    by_family: dict[str, dict[tuple[str, str], tuple[str, str | None]]] = {"tc-big": {}, "base": {}}
    for folder, family, sources, targets in folders:
        for source in sources:
            for target in targets:
                if source == target:
                    continue
                token = TARGET_TOKENS[target] if len(targets) > 1 else None
                by_family[family][(source, target)] = (f"./{folder}", token)
    lines = [
        "# Tiny demo models built offline by `pipeline models demo` (random weights: they",
        "# translate into random words). Paths are relative to this file.",
        "version: 1",
        "default_profile: quality",
        "profiles:",
    ]
    for profile, family in (("quality", "tc-big"), ("fast", "base")):
        lines.append(f"  {profile}:")
        for (source, target), (path, token) in sorted(by_family[family].items()):
            token_text = json.dumps(token)  # null or a quoted string, both valid YAML
            lines.append(
                f"    {source}>{target}: {{model: {path}, revision: null, "
                f"target_token: {token_text}}}"
            )
    return "\n".join(lines) + "\n"


def build_demo_models(out_dir: Path) -> Path:
    """Build a tiny model for every route of both profiles plus ``out_dir/models.yaml``.

    Returns the models.yaml path. Rebuilding into the same folder overwrites the models.
    """
    from transformers.utils import logging as hf_logging

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    bars_were_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # nine "Writing model shards" bars say nothing useful
    try:
        for seed, (folder, family, sources, targets) in enumerate(DEMO_MODELS):
            build_tiny_model(
                out_dir / folder,
                family=family,
                source_langs=sources,
                target_langs=targets,
                seed=seed,
            )
    finally:
        if bars_were_on:
            hf_logging.enable_progress_bar()
    table = out_dir / "models.yaml"
    table.write_text(demo_table_text(DEMO_MODELS), "utf-8")
    return table


def describe(model_dir: Path) -> dict[str, Any]:
    """A short summary of a built model folder (used by `pipeline models demo` output)."""
    config = json.loads((Path(model_dir) / "config.json").read_text("utf-8"))
    vocab = json.loads((Path(model_dir) / "vocab.json").read_text("utf-8"))
    return {
        "folder": str(model_dir),
        "vocab_size": config["vocab_size"],
        "eos_token_id": config["eos_token_id"],
        "activation": config["activation_function"],
        "target_tokens": [t for t in vocab if t.startswith(">>") and t.endswith("<<")],
    }
