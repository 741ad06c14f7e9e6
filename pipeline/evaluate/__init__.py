"""`pipeline eval`: the human editions of a story as a benchmark of the machine translation.

``evaluate(store, refs, EvalOptions(...))`` scores stored machine versions and, optionally,
profiles translated now, with sacrebleu's corpus chrF and BLEU per direction, per article and
overall. ``pipeline.evaluate.units`` is the one place that looks a story's units up.
"""

from pipeline.evaluate.score import (
    ALL,
    EvalOptions,
    EvalReport,
    Line,
    ModelInfo,
    Score,
    System,
    evaluate,
)
from pipeline.evaluate.units import (
    NoEditions,
    Story,
    StoryUnit,
    load_story,
    originals_with_editions,
    story_units,
)

__all__ = [
    "ALL",
    "EvalOptions",
    "EvalReport",
    "Line",
    "ModelInfo",
    "NoEditions",
    "Score",
    "Story",
    "StoryUnit",
    "System",
    "evaluate",
    "load_story",
    "originals_with_editions",
    "story_units",
]
