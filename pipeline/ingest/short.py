"""Short files are stories: a title line and a paragraph or two, or one paragraph alone (then
titled by its first sentence). The headline finder of pipeline.ingest.text needs a page around
a story; these files have none."""

from __future__ import annotations

import re

from pipeline.ingest import chrome
from pipeline.ingest.text import CleanedText, split_units, take_metadata

# A sentence end: ., !, ? or … (maybe closed by a quote or bracket) before a space and a
# capital or digit, after at least 12 characters (so "U.S." or "Д. Петренко" do not end it).
_FIRST_SENTENCE = re.compile(
    r"^(?P<first>.{12,}?[.!?…][»”\"')\]]?)(?=\s+[«\"„“(]?[^\W\d_a-zа-яёіїєґ]|\s+\d)"
)
SHORT_STORY_UNITS = 3  # at most this many lines of text, metadata aside


def first_sentence(paragraph: str) -> str:
    """A paragraph's first sentence, as a title (its final full stop left off)."""
    match = _FIRST_SENTENCE.match(paragraph)
    sentence = match.group("first") if match else paragraph
    return sentence[:-1] if sentence.endswith(".") and not sentence.endswith("..") else sentence


def short_story(text: str) -> CleanedText | None:
    """A short file the headline finder leaves without a body, read as a story: a title line
    and its paragraphs, or one paragraph titled by its first sentence. None when the file
    has more than SHORT_STORY_UNITS lines of text (then it is not short) or none."""
    result = CleanedText(title="", blocks=[])
    units = [u for u in split_units(text) if chrome.has_letters(u)]
    content = [u for u in units if not take_metadata(u, result)]
    if not content or len(content) > SHORT_STORY_UNITS:
        return None
    if len(content) == 1:
        result.title = first_sentence(content[0])
        result.blocks = [("p", content[0])]
    else:
        result.title = content[0]
        result.blocks = [("p", unit) for unit in content[1:]]
    return result
