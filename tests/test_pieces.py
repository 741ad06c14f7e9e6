"""MarianPieces must make the pieces and the text MarianTokenizer makes, on both model families."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.domain import PipelineError
from pipeline.translate.pieces import MarianPieces

SOURCES = [
    "The city council approved the heating budget on Monday.",
    "Мерія Києва затвердила бюджет на опалення; «Укрзалізниця» додає поїзди.",
    "Правительство объявило о новых тарифах — с 1 января 2025 года.",
    "   Leading and trailing  spaces,   doubled  too.  ",
    "Emoji 🚆, a URL https://example.org/a?b=1 and CJK 北京 (pieces the vocabulary lacks).",
    "2024",
    "",
]
# (model folder, target token prefix): single-target base and multi-target tc-big models.
MODELS = [
    ("tiny-en-uk", ""),
    ("tiny-uk-en", ""),
    ("tiny-tc-big-en-zle", ">>ukr<< "),
    ("tiny-tc-big-zle-zle", ">>rus<< "),
]


def _marian(folder: Path):  # type: ignore[no-untyped-def]
    from transformers import MarianTokenizer

    return MarianTokenizer.from_pretrained(str(folder))


@pytest.mark.parametrize(("name", "prefix"), MODELS)
@pytest.mark.parametrize("text", SOURCES)
def test_source_pieces_match_marian_tokenizer(
    tiny_models_dir: Path, name: str, prefix: str, text: str
):
    folder = tiny_models_dir / name
    reference = _marian(folder)
    expected = reference.convert_ids_to_tokens(reference(prefix + text)["input_ids"])
    assert MarianPieces(folder).source_pieces(prefix + text) == expected


@pytest.mark.parametrize(("name", "prefix"), MODELS)
def test_joined_text_matches_marian_tokenizer(tiny_models_dir: Path, name: str, prefix: str):
    folder = tiny_models_dir / name
    reference = _marian(folder)
    pieces = MarianPieces(folder)
    vocab = list(json.loads((folder / "vocab.json").read_text("utf-8")))
    rng = random.Random(7)
    for _ in range(40):
        tokens = rng.sample(vocab, rng.randint(1, 12))
        expected = reference.convert_tokens_to_string(
            [t for t in tokens if t not in reference.all_special_tokens]
        )
        assert pieces.join(tokens) == expected, tokens


def test_language_codes_are_read_from_the_vocabulary(tiny_models_dir: Path):
    assert set(MarianPieces(tiny_models_dir / "tiny-tc-big-en-zle").supported_language_codes) == {
        ">>ukr<<",
        ">>rus<<",
    }
    assert MarianPieces(tiny_models_dir / "tiny-en-uk").supported_language_codes == []


def test_missing_tokenizer_files_name_the_folder_and_the_fix(tmp_path: Path):
    (tmp_path / "vocab.json").write_text("{}", "utf-8")
    with pytest.raises(PipelineError, match=r"has no usable tokenizer files.*models pull"):
        MarianPieces(tmp_path)


@pytest.mark.slow
def test_ctranslate2_engine_runs_without_torch_or_transformers(tiny_models: Path, tmp_path: Path):
    """The fast engine's process never imports torch or transformers once a model is
    converted: start-up time and memory are what the engine needs."""
    pytest.importorskip("ctranslate2")
    script = f"""
import sys
from pathlib import Path
from pipeline.translate.ct2 import convert
convert({str(tiny_models.parent / "tiny-en-uk")!r}, None, "int8")  # conversion needs transformers
for name in [m for m in sys.modules if m.split(".")[0] in ("torch", "transformers")]:
    del sys.modules[name]
import builtins
real = builtins.__import__
def guarded(name, *args, **kwargs):
    if name.split(".")[0] in ("torch", "transformers"):
        raise ImportError("imported " + name)
    return real(name, *args, **kwargs)
builtins.__import__ = guarded
from pipeline.routing import load_table
from pipeline.translate import EngineOptions, build_engine
options = EngineOptions(profile="fast", device="cpu", threads=1, engine="ctranslate2")
with build_engine(load_table(Path({str(tiny_models)!r})), options) as engine:
    out = engine.translate(["The council approved the budget."], "en", "uk")
print(len(out), bool(out[0].text))
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PIPELINE_CT2_CACHE": str(tmp_path / "ct2"), "HF_HUB_OFFLINE": "1"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["1", "True"]
