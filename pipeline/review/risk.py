"""How risky a machine version is: the model's own score combined with the checks.

Placeholder: checks only, until machine versions carry the model's score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Risk:
    """``value`` in [0, 1] (higher: more likely wrong); ``reasons`` in words, worst first."""

    value: float
    reasons: tuple[str, ...] = ()


def assess(score: float | None, flags: Sequence[str]) -> Risk:
    """Risk of one machine version from its mean token log-probability and its check flags."""
    if flags:
        return Risk(1.0, tuple(f"check: {flag}" for flag in flags))
    return Risk(0.0)
