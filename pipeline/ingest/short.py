"""Short files are stories: a title line and a paragraph or two, or one paragraph alone (then
titled by its first sentence). The headline finder of pipeline.ingest.text needs a page around
a story; these files have none."""

from __future__ import annotations

from pipeline.ingest import chrome
from pipeline.ingest.common import first_sentence
from pipeline.ingest.text import CleanedText, split_units, take_metadata

SHORT_STORY_UNITS = 3  # at most this many lines of text, metadata aside
# The longest line read as a headline where nothing marks one (in characters; headlines of
# Ukrainian, Russian and English news sites run to about 120).
TITLE_LINE_MAX = 200


def is_title_line(text: str) -> bool:
    """Whether a paragraph reads as a headline: one line of at most ``TITLE_LINE_MAX``
    characters that does not end like a sentence (a question or exclamation may)."""
    line = text.strip()
    return (
        0 < len(line) <= TITLE_LINE_MAX
        and "\n" not in line
        and chrome.has_letters(line)
        and not line.endswith((".", ":", ";", ","))
    )


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
