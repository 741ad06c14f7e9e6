"""Language detection for newsroom text: uk, ru, en, or other:<code> (see core), and the
language spans of mixed sentences (see spans)."""

from pipeline.detect.core import (
    NEWSROOM,
    UNDETERMINED,
    Detection,
    detect,
    detect_lines,
    detect_many,
)
from pipeline.detect.spans import Span, detect_spans, detect_spans_many, mixed_label

__all__ = [
    "NEWSROOM",
    "UNDETERMINED",
    "Detection",
    "Span",
    "detect",
    "detect_lines",
    "detect_many",
    "detect_spans",
    "detect_spans_many",
    "mixed_label",
]
