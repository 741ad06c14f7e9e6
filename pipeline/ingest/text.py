"""Cleaner for text dumps of web pages: finds the story between the site's chrome.

The ideas come from boilerplate removal as extraction libraries do it (jusText, trafilatura):
each line is judged by marker rules in three languages, by its shape (length, stop-word
density, sentence punctuation) and by its position. Lines before the headline are chrome; the
story runs from the headline to an end marker (tags, comments, footer, a sidebar list);
between them only lines that a rule names as chrome are dropped, so that short story lines
("Далі буде.") survive. Lines that recur across many files of one batch (`boilerplate`) are
chrome too unless they read as a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.ingest import chrome
from pipeline.ingest.byline import parse_byline
from pipeline.ingest.common import clean_inline

BULLET = re.compile(r"^\s*(?:[-•–*▪◦●■►✓]|\d{1,2}[.)])\s+(?P<text>\S.*)$")
URL_LINE = re.compile(
    r"^\s*(?:(?:url|source|джерело|источник|посилання|ссылка|link)\s*:\s*)?"
    r"(?P<url>https?://\S+)\s*$",
    re.IGNORECASE,
)
_WRAP_END = re.compile(r"[.!?…:;»”\"')\]]\s*$")


@dataclass
class CleanedText:
    title: str
    blocks: list[tuple[str, str]]
    author: str | None = None
    date: str | None = None
    url: str | None = None
    dropped: list[str] = field(default_factory=list)


def split_units(text: str) -> list[str]:
    """Non-empty lines, with hard-wrapped lines of one paragraph joined back."""
    units: list[str] = []
    previous_blank = True
    for raw in text.split("\n"):
        line = clean_inline(raw)
        if not line:
            previous_blank = True
            continue
        if (
            units
            and not previous_blank
            and len(units[-1]) >= 40
            and not _WRAP_END.search(units[-1])
            and line[:1].islower()
            and not BULLET.match(line)
        ):
            units[-1] = f"{units[-1]} {line}"
        else:
            units.append(line)
        previous_blank = False
    return units


def boilerplate_keys(text: str) -> set[str]:
    """Short lines of one dump, as keys to count across a batch."""
    keys = set()
    for unit in split_units(text):
        if len(chrome.words(unit)) <= 12:
            key = chrome.key_of(unit)
            if key:
                keys.add(key)
    return keys


def _top_chrome(unit: str, boilerplate: frozenset[str]) -> bool:
    return (
        chrome.key_of(unit) in boilerplate
        or not chrome.words(unit)
        or chrome.is_lang_switcher(unit)
        or chrome.is_menu(unit)
        or chrome.is_breadcrumb(unit)
        or chrome.is_support_or_widget(unit)
        or chrome.is_ad(unit)
        or chrome.is_caption(unit)
        or chrome.is_tag_line(unit)
        or chrome.is_footer(unit)
        or chrome.is_comments_header(unit)
        or chrome.related_header(unit) is not None
        or chrome.is_timed_item(unit)
        or parse_byline(unit) is not None
        or URL_LINE.match(unit) is not None
    )


def _is_headline_like(unit: str) -> bool:
    found = chrome.words(unit)
    return len(found) >= 3 and len(unit) >= 15 and not unit.rstrip().endswith(":") and len(
        unit
    ) <= 300


def find_headline(units: list[str], boilerplate: frozenset[str]) -> int | None:
    fallback = None
    for index, unit in enumerate(units):
        if _top_chrome(unit, boilerplate):
            continue
        if _is_headline_like(unit):
            return index
        if fallback is None:
            fallback = index
    return fallback


def clean_dump(text: str, boilerplate: frozenset[str] = frozenset()) -> CleanedText | None:
    """The story of a page dump, or None when no line of it can be a headline."""
    units = split_units(text)
    head = find_headline(units, boilerplate)
    if head is None:
        return None
    result = CleanedText(title=units[head], blocks=[], dropped=list(units[:head]))
    # Bylines and source links above the headline are metadata too.
    for unit in units[:head]:
        _take_metadata(unit, result)
    _clean_body(units[head + 1 :], result, boilerplate)
    return result


def _take_metadata(unit: str, result: CleanedText) -> bool:
    url = URL_LINE.match(unit)
    if url:
        result.url = result.url or url.group("url").rstrip(".,;)")
        return True
    byline = parse_byline(unit)
    if byline is None:
        return False
    result.author = result.author or byline.author
    result.date = result.date or byline.date
    return True


def _clean_body(units: list[str], result: CleanedText, boilerplate: frozenset[str]) -> None:
    started = False  # a story line has been kept
    in_list = False  # inside a "read also" list of other stories
    title_key = chrome.key_of(result.title)
    for index, unit in enumerate(units):
        verdict = _judge(unit, started, in_list)
        if verdict == "end" and started:
            result.dropped.extend(units[index:])
            return
        if verdict == "list":
            in_list = True
            result.dropped.append(unit)
            continue
        if verdict is None and in_list:
            if _is_list_item(unit):
                result.dropped.append(unit)
                continue
            in_list = False
        if verdict is None and _in_timed_run(units, index):
            verdict = "chrome"
        if verdict is None and chrome.key_of(unit) == title_key:
            verdict = "chrome"
        if verdict is None and chrome.key_of(unit) in boilerplate and not _reads_as_prose(unit):
            verdict = "chrome"
        if verdict is not None:
            if verdict == "meta":
                _take_metadata(unit, result)
            result.dropped.append(unit)
            continue
        bullet = BULLET.match(unit)
        if bullet:
            result.blocks.append(("li", bullet.group("text")))
        else:
            result.blocks.append(("p", unit))
        started = True


def _judge(unit: str, started: bool, in_list: bool) -> str | None:
    """None for a story line; otherwise why it is not: meta, chrome, list (header), end."""
    if not chrome.words(unit):
        return "chrome"
    if URL_LINE.match(unit) or parse_byline(unit) is not None:
        return "meta"
    if chrome.is_caption(unit) or chrome.is_ad(unit) or chrome.is_lang_switcher(unit):
        return "chrome"
    if chrome.is_tag_line(unit) or chrome.is_comments_header(unit) or chrome.is_footer(unit):
        return "end" if started else "chrome"
    related = chrome.related_header(unit)
    if related == "inline":
        return "chrome"
    if related == "list":
        return "end" if started and chrome.is_sidebar_header(unit) else "list"
    if chrome.is_support_or_widget(unit):
        return "chrome"
    if chrome.is_breadcrumb(unit) or chrome.is_menu(unit, strict=True):
        return "chrome"
    return None


def _reads_as_prose(unit: str) -> bool:
    return chrome.ends_like_sentence(unit) and len(chrome.words(unit)) >= 2


def _is_list_item(unit: str) -> bool:
    """An entry of a list of other stories: a headline, maybe with a time, not prose."""
    if chrome.is_timed_item(unit):
        return True
    found = chrome.words(unit)
    return len(found) <= 25 and not chrome.ends_like_sentence(unit)


def _in_timed_run(units: list[str], index: int) -> bool:
    """Two or more "14:32 Headline" lines in a row are a news feed, not the story."""
    if not chrome.is_timed_item(units[index]) or chrome.ends_like_sentence(units[index]):
        return False
    neighbours = [units[i] for i in (index - 1, index + 1) if 0 <= i < len(units)]
    return any(chrome.is_timed_item(n) for n in neighbours)
