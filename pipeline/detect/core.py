"""Language detection for newsroom text: uk, ru, en, or other:<code>.

The script decides the branch (pipeline.detect.cyrillic, pipeline.detect.latin); other scripts
go to langdetect. The newsroom publishes in uk, ru and en, so that is the closed world: a label
``other:<code>`` needs strong evidence for a language outside it, and ``other:uk``,
``other:ru`` or ``other:en`` never occur.

``prior`` is what the surroundings say (a record's declared language, the article's label, the
enclosing paragraph's label): it settles text that carries little evidence and makes an
``other:*`` label harder to reach, never overriding clear evidence. ``detect_spans`` splits a
sentence with a quote in another language into language spans (pipeline.detect.spans).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from pipeline.detect.cyrillic import CyrillicText, decide_cyrillic, other_cyrillic
from pipeline.detect.latin import LatinText, decide_latin, latin_confidences
from pipeline.detect.resources import langdetect_probabilities, lingua_confidences

__all__ = ["NEWSROOM", "UNDETERMINED", "Detection", "detect", "detect_lines", "detect_many"]

NEWSROOM = ("uk", "ru", "en")


@dataclass(frozen=True)
class Detection:
    label: str  # "uk" | "ru" | "en" | "other:<code>"
    confidence: float


UNDETERMINED = Detection("other:und", 0.0)

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


@dataclass(frozen=True, kw_only=True)
class _Script:
    cyrillic: int
    latin: int
    other: int

    @property
    def letters(self) -> int:
        return self.cyrillic + self.latin + self.other


def _script_counts(text: str) -> _Script:
    cyrillic = len(_CYRILLIC.findall(text))
    latin = len(_LATIN.findall(text))
    letters = sum(1 for ch in text if ch.isalpha())
    return _Script(cyrillic=cyrillic, latin=latin, other=letters - cyrillic - latin)


def _decide_other_script(text: str) -> Detection:
    probs = langdetect_probabilities(text)
    if not probs:
        return UNDETERMINED
    code = max(probs, key=lambda k: probs[k])
    return Detection(_label(code), round(probs[code], 4))


def _label(code: str) -> str:
    code = code.removeprefix("other:")
    return code if code in NEWSROOM else f"other:{code}"


def _prior(prior: Detection | None) -> tuple[str, float] | None:
    return None if prior is None else (prior.label, prior.confidence)


# -- public API ----------------------------------------------------------------------------


def detect_many(
    texts: Sequence[str],
    *,
    prior: Detection | None = None,
    priors: Sequence[Detection | None] | None = None,
) -> list[Detection]:
    """Detect each text; lingua runs once per script group, in parallel for long batches.

    ``priors`` gives each text its own prior (a sentence's paragraph); otherwise all share
    ``prior``. Raises ValueError when priors and texts differ in length.
    """
    if priors is None:
        priors = [prior] * len(texts)
    elif len(priors) != len(texts):
        raise ValueError("priors must give one prior per text")
    results: list[Detection | None] = [None] * len(texts)
    cyrillic: list[tuple[int, CyrillicText]] = []
    latin: list[tuple[int, LatinText]] = []
    for i, text in enumerate(texts):
        script = _script_counts(text)
        if script.letters == 0:
            results[i] = UNDETERMINED
        elif script.cyrillic >= script.latin and script.cyrillic >= script.other:
            cyrillic.append((i, CyrillicText.of(text)))
        elif script.latin >= script.other:
            latin.append((i, LatinText.of(text)))
        else:
            results[i] = _decide_other_script(text)
    if cyrillic:
        strict = [_newsroom_context(priors[i]) for i, _ in cyrillic]
        others = other_cyrillic([texts[i] for i, _ in cyrillic], [c for _, c in cyrillic], strict)
        remaining = []
        for (i, cyr), other in zip(cyrillic, others, strict=True):
            if other is not None:
                results[i] = Detection(_label(other[0]), round(other[1], 4))
            else:
                remaining.append((i, cyr))
        if remaining:
            joined = [cyr.joined for _, cyr in remaining]
            confidences = lingua_confidences(("uk", "ru", "en"), joined)
            for (i, cyr), conf in zip(remaining, confidences, strict=True):
                label, confidence = decide_cyrillic(cyr.words, conf, _prior(priors[i]))
                results[i] = Detection(label, round(confidence, 4))
    if latin:
        confidences = latin_confidences([t for _, t in latin])
        for (i, lat), conf in zip(latin, confidences, strict=True):
            label, confidence = decide_latin(lat, conf, _prior(priors[i]))
            results[i] = Detection(_label(label), round(confidence, 4))
    return [r if r is not None else UNDETERMINED for r in results]


def _newsroom_context(prior: Detection | None) -> bool:
    return prior is not None and prior.label in NEWSROOM


def detect(text: str, *, prior: Detection | None = None) -> Detection:
    """Label one text as uk, ru, en or other:<code>, with a confidence in [0, 1]."""
    return detect_many([text], prior=prior)[0]


def detect_lines(lines: Iterable[str], *, batch_size: int = 512) -> Iterator[Detection]:
    """Detect each line independently, batching so thousands of lines take seconds."""
    batch: list[str] = []
    for line in lines:
        batch.append(line.rstrip("\r\n"))
        if len(batch) >= batch_size:
            yield from detect_many(batch)
            batch = []
    if batch:
        yield from detect_many(batch)
