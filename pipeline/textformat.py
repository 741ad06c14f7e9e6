"""Article text made safe for the text formats we write: Markdown and JSON Lines.

One function per format, shared by every writer (``translate --out`` and ``publish``), so the
same article text is escaped the same way wherever it lands.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pipeline.verbatim import split_spans

# Characters that could start markup anywhere in a line; all are CommonMark-escapable
# (CommonMark 0.31, "Backslash escapes": any ASCII punctuation may be escaped).
_INLINE = re.compile(r"([\\`*_\[\]<>&|~])")
# Markers that only mean something at the start of a line (headings, lists, quotes, rules).
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")


def escape_markdown(text: str) -> str:
    """Article text as literal Markdown: no emphasis, links, raw HTML (``<b>``,
    ``<img onerror=…>``) or block markers survive; the text reads the same when rendered.
    Verbatim spans (pipeline.verbatim: inline code, image references, URLs) are Markdown
    already and are left as they are."""
    escaped = "".join(
        part if verbatim else _INLINE.sub(r"\\\1", part) for verbatim, part in split_spans(text)
    )
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def json_line(record: Any) -> str:
    """One JSON Lines record (no newline) with UTF-8 text kept readable.

    U+2028 and U+2029 are escaped: JSON allows them raw, but line-based readers (Python's
    str.splitlines, JavaScript before ES2019) take them for line breaks and split the record.
    """
    text = json.dumps(record, ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
