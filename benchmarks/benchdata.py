"""What the throughput benchmarks translate: full-size random-weight MarianMT models with a real
SentencePiece tokenizer, a corpus of articles built from the project's own English text, and
forced output lengths so that random weights do the same work as real ones.

Shared by benchmarks/throughput.py (engines side by side) and benchmarks/sweep.py (settings).
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _words(text: str) -> list[str]:
    return text.split()


VOCAB = 61_000
RATIO, EXTRA = 1.0, 2  # forced output length: ceil(RATIO * source tokens) + EXTRA
ARCH: dict[str, dict[str, Any]] = {
    "base": {
        "d_model": 512,
        "ffn": 2048,
        "heads": 8,
        "activation": "swish",
        "positions": 512,
        "dtype": "float32",
        "targets": ("uk",),
    },
    "tc-big": {
        "d_model": 1024,
        "ffn": 4096,
        "heads": 16,
        "activation": "relu",
        "positions": 1024,
        "dtype": "float16",
        "targets": ("uk", "ru"),
    },
}
NAMES = _words(
    "Kovalenko Shevchuk Melnyk Bondarenko Tkachenko Kravchenko Oliynyk Hrytsenko Lysenko "
    "Marchenko Savchenko Rudenko Petrenko Moroz"
)
CITIES = _words(
    "Kyiv Odesa Lviv Kharkiv Dnipro Zaporizhzhia Mykolaiv Poltava Chernihiv Vinnytsia Uzhhorod "
    "Sumy Rivne Kherson"
)


# ----------------------------------------------------------------------------- preparation


def english_text() -> list[str]:
    """English sentences the project ships (samples/ and the demo corpus)."""
    sentences: list[str] = []
    for line in (ROOT / "pipeline" / "data" / "demo_corpus.txt").read_text("utf-8").splitlines():
        if line.startswith("en\t"):
            sentences.append(line[3:].strip())
    for path in sorted((ROOT / "samples").glob("en-*")):
        text = re.sub(r"<[^>]+>", " ", path.read_text("utf-8"))
        for line in text.splitlines():
            for part in re.split(r"(?<=[.!?])\s+", line.strip()):
                if len(part.split()) >= 6 and part[-1:] in ".!?" and part.isascii():
                    sentences.append(part)
    return list(dict.fromkeys(sentences))


def spm_text(lang: str) -> list[str]:
    lines = []
    for line in (ROOT / "pipeline" / "data" / "demo_corpus.txt").read_text("utf-8").splitlines():
        if line.startswith(f"{lang}\t"):
            lines.append(line[3:].strip())
    for path in sorted((ROOT / "samples").glob(f"{lang}-*")):
        lines += [s for s in re.sub(r"<[^>]+>", " ", path.read_text("utf-8")).splitlines() if s]
    return lines


def _ukrainian_digits(number: int) -> str:
    """Filler pieces spelled in Ukrainian letters: random weights emit mostly fillers, and output
    that reads as the target language is what real models give the pipeline's checks."""
    return "".join("абвгґдежзк"[int(d)] for d in str(number))


def build_model(size: str, folder: Path) -> Path:
    """A full-size Marian en>uk (base) or en>zle (tc-big, with >>ukr<< tokens) random model."""
    if (folder / "config.json").is_file():
        return folder

    import torch
    from transformers import MarianMTModel, MarianTokenizer

    from pipeline.testmodels import marian_configs, spm_pieces, train_spm

    arch = ARCH[size]
    folder.mkdir(parents=True, exist_ok=True)
    pieces: list[str] = []
    for name, langs in (("source", ("en",)), ("target", arch["targets"])):
        trained = train_spm([s for lang in langs for s in spm_text(lang)], 8000)
        (folder / f"{name}.spm").write_bytes(trained)
        pieces += spm_pieces(trained)
    tokens = [">>ukr<<", ">>rus<<"] if len(arch["targets"]) > 1 else []
    order = ["</s>", "<unk>", *tokens, *pieces]
    vocab: dict[str, int] = {}
    for token in order:
        vocab.setdefault(token, len(vocab))
    filler = 0
    while len(vocab) < VOCAB - 1:  # the real vocabularies are ~61k: pay for the output layer
        vocab.setdefault(f"▁ї{_ukrainian_digits(filler)}", len(vocab))
        filler += 1
    vocab["<pad>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), "utf-8")
    tokenizer = MarianTokenizer(
        source_spm=str(folder / "source.spm"),
        target_spm=str(folder / "target.spm"),
        vocab=str(folder / "vocab.json"),
        source_lang="en",
        target_lang="zle" if tokens else "uk",
        model_max_length=512,
        separate_vocabs=False,
    )
    tokenizer.save_pretrained(str(folder))
    config, generation = marian_configs(
        vocab,
        d_model=arch["d_model"],
        layers=6,
        heads=arch["heads"],
        ffn=arch["ffn"],
        activation=arch["activation"],
        max_positions=arch["positions"],
    )
    torch.manual_seed(0)
    model = MarianMTModel(config)
    model.generation_config = generation
    model.to(getattr(torch, arch["dtype"])).save_pretrained(str(folder))
    return folder


def make_sentence(rng: random.Random, pool: list[str], words: int, serial: int) -> str:
    """A sentence of about ``words`` words from shipped English text, with names, places and
    numbers substituted and a serial number so that no two sentences are alike."""
    text: list[str] = []
    while len(text) < words:
        text += rng.choice(pool).rstrip(".!?").split()
    text = text[: max(1, words)]
    for i, word in enumerate(text):
        if any(ch.isdigit() for ch in word):
            text[i] = str(rng.randint(2, 9999))
        elif word[:1].isupper() and i and rng.random() < 0.5:
            text[i] = rng.choice(NAMES + CITIES)
    cleaned = " ".join(w.replace(".", "").replace("?", "").replace("!", "") for w in text)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" ,;:")
    return f"{cleaned[:1].upper()}{cleaned[1:]}, report {serial}."


def write_corpus(
    folder: Path, sentences: int, seed: int = 1, short: bool = False, per_article: int = 20
) -> Path:
    """Markdown articles of ~``per_article`` sentences (5-80 tokens, median ~25) into folder."""
    if folder.is_dir() and any(folder.iterdir()):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    pool = english_text()
    serial = 0
    article = 0
    while serial < sentences:
        article += 1
        count = min(per_article if short else rng.randint(8, 2 * per_article), sentences - serial)
        paragraphs, paragraph = [], []
        for _ in range(count):
            serial += 1
            spread = int(min(34, max(1, rng.lognormvariate(2.2, 0.55))))
            words = rng.randint(1, 3) if short else spread
            paragraph.append(make_sentence(rng, pool, words, serial))
            if len(paragraph) >= rng.randint(2, 4):
                paragraphs.append(" ".join(paragraph))
                paragraph = []
        if paragraph:
            paragraphs.append(" ".join(paragraph))
        title = f"{rng.choice(CITIES)} bulletin number {article}"
        body = "\n\n".join(paragraphs)
        (folder / f"article-{article:05d}.md").write_text(
            f"---\nlang: en\n---\n# {title}\n\n{body}\n", "utf-8"
        )
    return folder


def models_yaml(path: Path, model: Path, size: str, beams: int) -> Path:
    token = '">>ukr<<"' if len(ARCH[size]["targets"]) > 1 else "null"
    path.write_text(
        "version: 1\ninherit: false\ndefault_profile: bench\npivot: null\nprofiles:\n  bench:\n"
        f"    generation: {{num_beams: {beams}, max_new_tokens_ratio: {RATIO}, "
        f"min_new_tokens_ratio: {RATIO}, max_new_tokens_extra: {EXTRA}, loop_retry: false, "
        # The shipped default cap (models.yaml's generation block, which inherit: false drops).
        "batch_size: 64}\n"
        f"    en>uk: {{model: {model}, revision: null, target_token: {token}}}\n",
        "utf-8",
    )
    return path


def pipeline_sentences(corpus: Path) -> list[str]:
    """The segments the pipeline will translate, in file order (ingest + detect + segment)."""
    from pipeline.ingest import IngestOptions
    from pipeline.jobs import Failure, parse_paths
    from pipeline.translate.normalize import has_letters, normalize

    texts: list[str] = []
    for item in parse_paths([corpus], IngestOptions()):
        if isinstance(item, Failure):
            raise SystemExit(f"corpus failed to ingest: {item}")
        texts += [normalize(s.text) for s in item.segments if s.lang == "en"]
    return [t for t in texts if has_letters(t)]


def force_lengths(*, transformers: bool = True) -> None:
    """Make every decoding run to its length cap (random weights would stop anywhere): the
    transformers engine gets min_new_tokens = max_new_tokens - 1 (the last is the forced </s>),
    the CTranslate2 engine min_decoding_length = max_decoding_length. ``transformers=False``
    leaves transformers unimported (the CTranslate2 engine runs without it)."""
    if transformers:
        from transformers import MarianMTModel

        generate = MarianMTModel.generate

        def forced(self: Any, *args: Any, **kwargs: Any) -> Any:
            if "max_new_tokens" in kwargs:
                kwargs["min_new_tokens"] = max(1, int(kwargs["max_new_tokens"]) - 1)
            return generate(self, *args, **kwargs)

        MarianMTModel.generate = forced  # type: ignore[method-assign]
    try:
        from pipeline.translate import ct2
    except ImportError:
        return
    options = ct2.CTranslate2Translator.decode_options

    def forced_options(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        found = options(self, *args, **kwargs)
        found["min_decoding_length"] = found["max_decoding_length"]
        return found

    ct2.CTranslate2Translator.decode_options = forced_options  # type: ignore[method-assign]


def cap(tokens: int) -> int:
    return math.ceil(RATIO * tokens) + EXTRA


def run_child(script: str, spec: dict[str, Any], label: str) -> dict[str, Any]:
    """Run ``script --child`` on ``spec`` (JSON on stdin) in a fresh process and return the
    JSON line it prints: each measurement gets a process, and a peak memory, of its own."""
    completed = subprocess.run(
        [sys.executable, script, "--child"],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    lines = [ln for ln in completed.stdout.splitlines() if ln.startswith("{")]
    if completed.returncode != 0 or not lines:
        tail = completed.stderr.strip().splitlines()[-5:]
        raise SystemExit(f"{label} failed:\n" + "\n".join(tail))
    return dict(json.loads(lines[-1]))


def token_counts(model: Path, prefix: str, sentences: list[str]) -> list[int]:
    from transformers import MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(str(model))
    return [len(tokenizer(prefix + s)["input_ids"]) for s in sentences]


@dataclass(frozen=True)
class Workload:
    """One model and beam width over one corpus: what every row of a run translates."""

    size: str
    beams: int
    model: Path
    prefix: str
    corpus: Path
    yaml: Path
    sentences: list[str]
    articles: int
    counts: list[int]  # source tokens per sentence

    @property
    def tokens(self) -> int:
        return sum(cap(c) for c in self.counts)

    @property
    def per_article(self) -> float:
        return len(self.sentences) / self.articles

    def sample(self, wanted: int) -> tuple[list[str], int]:
        """``wanted`` sentences spread over the corpus, and the tokens they generate."""
        wanted = min(len(self.sentences), wanted)
        step = max(1, len(self.sentences) // wanted)
        return self.sentences[::step][:wanted], sum(cap(c) for c in self.counts[::step][:wanted])


def prepare_workload(work: Path, size: str, beams: int, sentences: int) -> Workload:
    """The model, corpus and models.yaml for one run, built into ``work`` once."""
    model = build_model(size, work / "models" / size)
    prefix = ">>ukr<< " if len(ARCH[size]["targets"]) > 1 else ""
    corpus = write_corpus(work / f"corpus-{sentences}", sentences)
    texts = pipeline_sentences(corpus)
    return Workload(
        size=size,
        beams=beams,
        model=model,
        prefix=prefix,
        corpus=corpus,
        yaml=models_yaml(work / f"models-{size}-beam{beams}.yaml", model, size, beams),
        sentences=texts,
        articles=len(list(corpus.glob("*.md"))),
        counts=token_counts(model, prefix, texts),
    )


WARMUP_SENTENCES = [
    "The council met on Monday.",
    "Prices rose again in the city, and the mayor promised a new plan for the winter.",
]


def prepare_warmup(work: Path, size: str, beams: int) -> dict[str, Any]:
    """A tiny model of ``size``'s family with a one-article corpus and models.yaml, for the
    warm-up each measured process runs before its baseline (benchmarks/throughput.py)."""
    from pipeline.testmodels import build_tiny_model

    folder = work / "warmup" / size
    model = folder / "model"
    if not (model / "config.json").is_file():
        build_tiny_model(
            model, family=size, source_langs=("en",), target_langs=ARCH[size]["targets"]
        )
    corpus = folder / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / "article.md").write_text(
        "---\nlang: en\n---\n# Warm-up\n\n" + " ".join(WARMUP_SENTENCES) + "\n", "utf-8"
    )
    return {
        "model": str(model),
        "corpus": str(corpus),
        "yaml": str(models_yaml(folder / f"models-beam{beams}.yaml", model, size, beams)),
        "db": str(folder / "warmup.db"),
        "sentences": WARMUP_SENTENCES,
    }
