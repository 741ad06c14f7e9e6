"""How risky a machine version is: the model's own score combined with the checks.

Pure: no model, no store. The review queue sorts by `Risk.value` and the editor shows
`Risk.reasons`; both front-ends call `assess`.

The formula, one number in [0, 1] from independent signs of trouble (a noisy OR):

    value = 1 - (1 - model) * prod(1 - weight[flag] for each flag)
    model = 1 / (1 + exp((score - UNSURE_AT) / UNSURE_SPREAD))      (0 when score is None)

``score`` is the mean token log-probability of the output (pipeline.translate.scores). With
UNSURE_AT = -1.5 and UNSURE_SPREAD = 0.3, a version the model gave a mean of -1.5 (a geometric
mean token probability of 0.22) is a coin toss (0.5); -0.5 (0.61 a token) gives 0.03, -2.3
gives 0.94. Where the figures come from: no real model could be run where this was written
(no hub access), so they are a prior, not a calibration: a geometric-mean token probability
under about 0.2 counts as unsure. MT quality-estimation work (Fomicheva et al. 2020,
"Unsupervised Quality Estimation for Neural Machine Translation") finds the mean
log-probability a useful glass-box sign of quality (it correlates with human judgements,
though less than their Monte Carlo dropout measures). The project's demo models (random
weights: random words) score -5.9 to -5.7 a token with beam search, greedy decoding and
CTranslate2 alike (`benchmarks/score_overhead.py`, 120 demo sentences uk>en): all "unsure",
as they should be. Calibrate UNSURE_AT on a newsroom's own edited sentences with the real
models before trusting the ordering across models; within one model the ordering by score
holds whatever the constants.

A check flag adds its weight (FLAG_WEIGHTS): a loop, output in the wrong language or left
untranslated is nearly always wrong (0.9 and over); a number or date of the source missing
is wrong often enough to read every time (0.8); an odd length less so (0.5); a sentence split
at clauses or retried with the other profile is worth a look (0.2-0.3). Text kept as it was
(``passthrough:*``) is no risk. A flag this module does not know weighs 0.5 and is named
as it is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["FLAG_WEIGHTS", "UNSURE_AT", "UNSURE_SPREAD", "Risk", "assess", "model_risk"]

UNSURE_AT = -1.5
UNSURE_SPREAD = 0.3
# Below this share of risk a sign is not worth a reason in words.
_MENTION = 0.1

# flag name → (weight, reason without detail, reason with detail "{}")
FLAG_WEIGHTS: dict[str, tuple[float, str, str]] = {
    "loop": (0.95, "the translation repeats itself", "the translation repeats itself: {}"),
    "wrong-language": (
        0.9,
        "the translation is in the wrong language",
        "the translation is in the wrong language: {}",
    ),
    "untranslated": (
        0.9,
        "the sentence was left untranslated",
        "the sentence was left untranslated: {}",
    ),
    "numbers": (
        0.8,
        "a number in the source is missing from the translation",
        "a number in the source is missing: {}",
    ),
    "dates": (
        0.8,
        "a date in the source is missing or changed in the translation",
        "a date in the source is missing or changed: {}",
    ),
    "length": (
        0.5,
        "the translation is much shorter or longer than usual",
        "the translation's length is unusual: {}",
    ),
    "retried-other-profile": (
        0.3,
        "the first model's output was unusable; the other profile's model made this one",
        "retried with the other profile's model: {}",
    ),
    "split": (
        0.2,
        "the sentence was too long and was translated in pieces",
        "the sentence was too long and was translated in {} pieces",
    ),
    "passthrough": (0.0, "kept as written", "kept as written: {}"),
}
_UNKNOWN_WEIGHT = 0.5


@dataclass(frozen=True)
class Risk:
    """``value`` in [0, 1] (higher: more likely wrong); ``reasons`` in words, worst first."""

    value: float
    reasons: tuple[str, ...] = ()


def model_risk(score: float | None) -> float:
    """The model part of the formula (module docstring): 0 for None, else a logistic map of the
    mean token log-probability, 0.5 at UNSURE_AT."""
    if score is None or math.isnan(score):
        return 0.0
    exponent = (score - UNSURE_AT) / UNSURE_SPREAD
    if exponent > 700:  # math.exp overflows past ~709; the risk is 0 there anyway
        return 0.0
    return 1.0 / (1.0 + math.exp(exponent))


def _parse(flag: str) -> tuple[str, str]:
    """("numbers", "3.2") from "numbers: 3.2", "split:2" or "split into 2 parts"; detail may
    be empty."""
    text = flag.strip()
    name, found, detail = text.partition(":")
    if found:
        return name.strip(), detail.strip()
    if text.startswith("split into "):
        return "split", text.removeprefix("split into ").removesuffix(" parts").strip()
    return text, ""


def assess(score: float | None, flags: Sequence[str]) -> Risk:
    """Risk of one version from the model's score and its check flags (module docstring).

    score: the version's mean token log-probability (`Version.score`; None for a person's edit,
    text kept as written or a version stored before scores were). flags: check names and notes
    as `pipeline.checks.version_checks` gives them (``flags + notes``: "numbers",
    "numbers: 3.2", "split:2", "retried-other-profile", "passthrough:no-letters") or as stored
    with the version; a name given both bare and with its detail counts once, with the detail.
    Returns Risk(value in [0, 1], reasons worst first). Raises nothing.
    """
    signs: dict[str, tuple[float, str, bool]] = {}  # name → (weight, reason, has detail)
    for flag in flags:
        name, detail = _parse(flag)
        if not name:
            continue
        known = FLAG_WEIGHTS.get(name)
        if known is None:
            weight, reason = _UNKNOWN_WEIGHT, f"check: {flag.strip()}"
        else:
            weight, bare, detailed = known
            reason = detailed.format(detail) if detail else bare
        held = signs.get(name)
        if held is None or (detail and not held[2]):
            signs[name] = (weight, reason, bool(detail))
    parts = [(weight, reason) for weight, reason, _ in signs.values()]
    model = model_risk(score)
    if score is not None and model >= _MENTION:
        unsure = "unsure" if model >= 0.5 else "somewhat unsure"
        parts.append((model, f"the model was {unsure} (mean log-probability {score:.1f})"))
    safe = 1.0 - model
    for weight, _, _ in signs.values():
        safe *= 1.0 - weight
    value = min(1.0, max(0.0, 1.0 - safe))
    reasons = tuple(reason for weight, reason in sorted(parts, key=lambda p: -p[0]) if weight > 0)
    return Risk(round(value, 4), reasons)
