"""A Marian checkpoint's tokenizer with sentencepiece alone, for engines that take pieces.

CTranslate2 translates lists of pieces, so the ``ctranslate2`` engine needs only what
MarianTokenizer does to make and join them. Reading the checkpoint's files directly keeps torch
and transformers out of that engine's process: seconds of start-up and about 200 MB less.
tests/test_pieces.py checks the pieces and the joined text against MarianTokenizer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.domain import PipelineError

__all__ = ["MarianPieces"]

_UNDERLINE = "\u2581"


class MarianPieces:
    """Source text → pieces (with ``</s>``), target pieces → text, as MarianTokenizer makes them.

    ``supported_language_codes`` and ``get_vocab`` are what route validation reads.
    """

    eos_token = "</s>"
    unk_token = "<unk>"
    pad_token = "<pad>"

    def __init__(self, folder: Path) -> None:
        import sentencepiece as spm

        try:
            settings = _read_json(folder / "tokenizer_config.json", required=False)
            self._vocab: dict[str, int] = _read_json(folder / "vocab.json", required=True)
            self._source = spm.SentencePieceProcessor(model_file=str(folder / "source.spm"))
            self._target = spm.SentencePieceProcessor(model_file=str(folder / "target.spm"))
        except (OSError, RuntimeError, ValueError) as exc:
            raise PipelineError(
                f"model folder {folder} has no usable tokenizer files ({exc}): rebuild it with "
                "`pipeline models pull` (or `pipeline models demo DIR`)"
            ) from exc
        # Multi-target models list their >>xxx<< codes in the shared vocabulary.
        separate = bool(settings.get("separate_vocabs"))
        self.supported_language_codes = (
            [] if separate else [t for t in self._vocab if t.startswith(">>") and t.endswith("<<")]
        )
        self.special = frozenset({self.eos_token, self.unk_token, self.pad_token})

    def get_vocab(self) -> dict[str, int]:
        return dict(self._vocab)

    def source_pieces(self, text: str) -> list[str]:
        """Pieces of a source sentence, a leading ``>>xxx<<`` code kept whole, ``</s>`` last;
        pieces missing from the vocabulary become ``<unk>``."""
        code: list[str] = []
        if text.startswith(">>") and (end := text.find("<<")) != -1:
            code, text = [text[: end + 2]], text[end + 2 :]
        pieces = code + self._source.encode(text, out_type=str)
        vocab = self._vocab
        return [p if p in vocab else self.unk_token for p in pieces] + [self.eos_token]

    def join(self, pieces: list[str]) -> str:
        """Target pieces to text, special tokens dropped."""
        kept = [p for p in pieces if p not in self.special]
        return str(self._target.decode_pieces(kept)).replace(_UNDERLINE, " ").strip()


def _read_json(path: Path, *, required: bool) -> dict[str, Any]:
    if not path.is_file() and not required:
        return {}
    data = json.loads(path.read_text("utf-8"))
    if not isinstance(data, dict):
        raise OSError(f"{path.name} is not a JSON object")
    return data
