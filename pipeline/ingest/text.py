"""Cleaner for text dumps of web pages: finds the story between the site's chrome.

The ideas come from boilerplate removal as extraction libraries do it (jusText, trafilatura,
boilerpipe), on one file alone: each line is judged by marker rules in three languages
(chrome.py), by its shape (length, jusText's stop-word density, sentence punctuation) and by
its position and neighbours. Lines before the headline are chrome; the story runs from the
headline to an end marker (tags, comments, footer). Between them, runs of two or more
headline-shaped lines (and a short header above them) are other stories' headlines, as are
headlines under a bare time; after a list header, lines are dropped until the story's prose
resumes, and teasers under headlines are dropped with them. Only lines that a rule names as
chrome are dropped otherwise, so that short story lines ("Далі буде."), dialogue lines and the
story's own lists survive. Lines that recur across many files of one batch (`boilerplate`)
are chrome too unless they read as a sentence. When nothing after the headline survives, the
lines are kept with a warning rather than lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.ingest import chrome
from pipeline.ingest.byline import looks_like_name_line, parse_byline
from pipeline.ingest.common import clean_inline, first_sentence

BULLET = re.compile(r"^\s*(?:[-•–*▪◦●■►✓]|\d{1,2}[.)])\s+(?P<text>\S.*)$")
# An em dash opens dialogue lines as often as list items; it is a bullet only in a run of
# such lines introduced by a colon or ending with semicolons.
EM_DASH_ITEM = re.compile(r"^\s*—\s+(?P<text>\S.*)$")
URL_LINE = re.compile(
    r"^\s*(?:(?:url|source|джерело|источник|посилання|ссылка|link)\s*:\s*)?"
    r"(?P<url>https?://\S+)\s*$",
    re.IGNORECASE,
)
_AUTHOR_LABEL = re.compile(r"^\s*(?:автор|author|by|текст|text)\b", re.IGNORECASE)
_TIME = re.compile(r"\b(?:[01]?\d|2[0-3])[:.][0-5]\d\b")
# Characters above which a line can only be an ad label's text or the story's.
LONG_LINE = 300
# How many lines from the top the headline is looked for first.
HEADLINE_SCAN = 400
_WRAP_END = re.compile(r"[.!?…:;»”\"')\]]\s*$")


@dataclass
class CleanedText:
    title: str
    blocks: list[tuple[str, str]]
    author: str | None = None
    date: str | None = None
    url: str | None = None
    dropped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def split_units(text: str) -> list[str]:
    """Non-empty lines, with hard-wrapped lines of one paragraph joined back."""
    lines = [clean_inline(raw) for raw in text.split("\n")]
    width = _wrap_width(lines)
    units: list[str] = []
    previous_blank = True
    for line in lines:
        if not line:
            previous_blank = True
            continue
        if (
            units
            and not previous_blank
            and not BULLET.match(line)
            and _continues(units[-1], line, width)
        ):
            units[-1] = f"{units[-1]} {line}"
        else:
            units.append(line)
        previous_blank = False
    return units


def _wrap_width(lines: list[str]) -> int | None:
    """The column a hard-wrapped file breaks at, or None when lines are whole paragraphs."""
    long_lines = sorted(len(line) for line in lines if len(line) >= 40)
    if len(long_lines) < 8:
        return None
    width = long_lines[int(len(long_lines) * 0.9) - 1]
    near = sum(1 for n in long_lines if width * 0.85 <= n <= width + 2)
    return width if width <= 100 and near >= len(long_lines) * 0.6 else None


def _continues(previous: str, line: str, width: int | None) -> bool:
    if len(previous) < 40:
        return False
    joins = (line[:1].islower() and not _WRAP_END.search(previous[-12:])) or (
        width is not None
        and len(previous) >= width * 0.75
        and not (chrome.ends_like_sentence(previous) and line[:1].isupper())
        and not previous.rstrip().endswith(":")
    )
    # The chrome rules are the dear part: asked only of a line that would be joined.
    return bool(joins) and not _top_chrome(line, frozenset())


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
        or not chrome.has_letters(unit)
        or chrome.is_lang_switcher(unit)
        or chrome.is_menu(unit)
        or chrome.is_breadcrumb(unit)
        or chrome.is_support_or_widget(unit)
        or chrome.is_ad(unit)
        or chrome.is_cookie_banner(unit)
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
    return (
        len(found) >= 3 and len(unit) >= 15 and not unit.rstrip().endswith(":") and len(unit) <= 300
    )


def find_headline(units: list[str], boilerplate: frozenset[str]) -> int | None:
    """Index of the headline: the line above the byline when the top of the page has one
    (site names and taglines above it then count as chrome; a lead between headline and
    byline stays in the story), else the first line that no rule calls chrome and that is
    long enough and cased like a headline."""
    # The headline sits near the top: the rules are asked of the first lines, and of the
    # whole page only when none of those will do (a long page stays fast).
    candidates = [
        i for i, unit in enumerate(units[:HEADLINE_SCAN]) if not _top_chrome(unit, boilerplate)
    ]
    if not candidates:
        candidates = [
            i
            for i, unit in enumerate(units)
            if i >= HEADLINE_SCAN and not _top_chrome(unit, boilerplate)
        ]
    if not candidates:
        return None
    likely = [i for i in candidates if _is_headline_like(units[i])]
    first_story = candidates[0]
    window = range(first_story + 1, min(len(units), first_story + 15))
    # An author byline anchors the headline best; a publication stamp with a time next best
    # (a bare date at the top of a page is usually today's date, not the story's).
    for wanted in ("author", "stamp"):
        for index in window:
            if not _anchor(units, index, wanted):
                continue
            above = [i for i in likely if i < index]
            titled = [i for i in above if not units[i].rstrip().endswith((".", "…"))]
            if titled or above:
                return (titled or above)[-1]
            break
    cased = [i for i in likely if not _menu_cased(units[i])]
    cased_set = set(cased)
    # Without a byline: the headline is the first candidate that the story's prose follows.
    for position, index in enumerate(candidates[:-1]):
        following = units[candidates[position + 1]]
        if index in cased_set and _is_prose(following) and not _is_prose(units[index]):
            return index
    return (cased or likely or candidates)[0]


def _is_prose(unit: str) -> bool:
    return len(chrome.words(unit)) >= 10 and chrome.ends_like_sentence(unit)


def _menu_cased(unit: str) -> bool:
    """All capitals, or every word capitalised in Cyrillic (whose headlines are sentence
    case): a site name or a menu rather than a headline."""
    if unit == unit.upper():
        return True
    cyrillic = any("\u0400" <= ch <= "\u04ff" for ch in unit)
    return cyrillic and chrome.looks_like_menu_row(unit)


def _anchor(units: list[str], index: int, wanted: str) -> bool:
    unit = units[index]
    byline = parse_byline(unit)
    if byline is None:
        # A name alone next to a date line is a byline too.
        return wanted == "author" and _name_by_stamp(units, index)
    if wanted == "author":
        return byline.author is not None
    return byline.date is not None and _TIME.search(unit) is not None


def clean_dump(text: str, boilerplate: frozenset[str] = frozenset()) -> CleanedText | None:
    """The story of a page dump, or None when no line of it can be a headline."""
    units = split_units(text)
    head = find_headline(units, boilerplate)
    if head is None:
        return None
    title, body = units[head], units[head + 1 :]
    lead = first_sentence(title)
    if body and lead != title.rstrip(".") and _is_prose(title):
        # No headline on the page: what was found is the story's first paragraph. It stays in
        # the story, which is titled by its first sentence, as a one-paragraph file is. (A
        # short file's paragraph with nothing after it is left to ``short.short_story``.)
        title, body = lead, units[head:]
    result = CleanedText(title=title, blocks=[], dropped=list(units[:head]))
    _clean_body(body, result, boilerplate)
    _check_confidence(body, result)
    # Bylines and source links above the headline are metadata too, the nearest first: a
    # stamp at the very top of a page ("date 2025-01-26 All Sections") is the page's, and a
    # byline under the headline is better than either.
    for distance, unit in enumerate(reversed(units[:head])):
        author = result.author
        take_metadata(unit, result)
        if (
            author is None
            and result.author is not None
            and (
                distance > 1
                or any(w.lower() in chrome.SECTION_WORDS for w in chrome.words(result.author))
            )
        ):
            # A name far above the headline, or one made of section names, is a menu.
            result.author = None
    return result


# Below this many words of story among this many dropped lines, the story was not told apart
# from the chrome with confidence.
FEW_STORY_WORDS = 15
MANY_DROPPED = 10


def _check_confidence(body: list[str], result: CleanedText) -> None:
    """Never silently empty: when every line after the headline was judged chrome, they are
    kept as the story with a warning; a story of a few words among many dropped lines gets a
    warning too."""
    if not result.blocks:
        kept = [
            unit
            for unit in body
            if chrome.has_letters(unit) and parse_byline(unit) is None and not URL_LINE.match(unit)
        ]
        if not kept:
            return
        result.blocks = [("p", unit) for unit in kept]
        taken = set(kept)
        result.dropped = [unit for unit in result.dropped if unit not in taken]
        result.warnings.append(
            "no story could be told apart from the page's chrome, so the"
            f" {len(kept)} line(s) after the headline were kept as the story; check them"
        )
        return
    story_words = sum(len(chrome.words(text)) for _, text in result.blocks)
    dropped_after = len(body) - len(result.blocks)
    if story_words < FEW_STORY_WORDS and dropped_after >= MANY_DROPPED:
        result.warnings.append(
            f"only {story_words} word(s) of story were told apart from {dropped_after} lines"
            " judged chrome; check what was dropped (--show-dropped)"
        )


def take_metadata(unit: str, result: CleanedText) -> bool:
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


def filter_blocks(
    blocks: list[tuple[str, str]], title: str
) -> tuple[list[tuple[str, str]], CleanedText]:
    """The same story/chrome judgement over blocks another extractor found (HTML): returns
    the kept blocks with their kinds, and what was dropped and any byline found."""
    result = CleanedText(title=title, blocks=[])
    kinds = [kind for kind, _ in blocks]
    _clean_body([text for _, text in blocks], result, frozenset(), kinds)
    return result.blocks, result


def _clean_body(
    units: list[str],
    result: CleanedText,
    boilerplate: frozenset[str],
    kinds: list[str] | None = None,
) -> None:
    started = False  # a story line has been kept
    in_list = False  # inside a "read also" list of other stories
    title_key = chrome.key_of(result.title)
    # From an HTML reader, list items, headings and table cells are the story's structure.
    headline_runs = _headline_runs(units, None if kinds is None else [k == "p" for k in kinds])
    em_dash_items = _em_dash_items(units)
    for index, unit in enumerate(units):
        verdict = _judge(unit, started, near_top=index < 3)
        if verdict is None and not started and index < 2 and result.author is None:
            name = looks_like_name_line(unit)
            if name is not None:  # a byline that is only a name, under the headline
                result.author = name
                result.dropped.append(unit)
                continue
        if verdict == "end" and started:
            result.dropped.extend(units[index:])
            return
        if verdict == "list":
            in_list = True
            result.dropped.append(unit)
            continue
        if verdict is None and in_list:
            if (not _reads_as_story(unit) and not _introduces_list(units, index)) or _is_teaser(
                units, index
            ):
                result.dropped.append(unit)
                continue
            in_list = False
        if verdict is None and not started and _name_by_stamp(units, index):
            name = unit.strip()
            result.author = result.author or (name.title() if name.isupper() else name)
            result.dropped.append(unit)
            continue
        if verdict is None and (headline_runs[index] or _after_bare_time(units, index)):
            verdict = "chrome"
        if verdict is None and _caption_above_credit(units, index):
            verdict = "chrome"
        if verdict is None and _in_timed_run(units, index):
            verdict = "chrome"
        if (
            verdict is None
            and len(unit) <= 2 * len(result.title)
            and chrome.key_of(unit) == title_key
        ):
            verdict = "chrome"
        if (
            verdict is None
            and boilerplate
            and chrome.key_of(unit) in boilerplate
            and not _reads_as_prose(unit)
        ):
            verdict = "chrome"
        if verdict is not None:
            if verdict == "meta":
                take_metadata(unit, result)
            result.dropped.append(unit)
            continue
        if kinds is not None:
            result.blocks.append((kinds[index], unit))
            started = True
            continue
        bullet = BULLET.match(unit) or em_dash_items[index]
        if bullet:
            result.blocks.append(("li", bullet.group("text")))
        else:
            result.blocks.append(("p", unit))
        started = True


def _judge(unit: str, started: bool, near_top: bool = False) -> str | None:
    """None for a story line; otherwise why it is not: meta, chrome, list (header), end."""
    if len(unit) > LONG_LINE and " " in unit:
        # Every other rule holds only for shorter lines (bylines, captions, menus, tags,
        # footers, appeals); asking them of every long paragraph made a long page slow.
        return "chrome" if chrome.is_ad(unit) else None
    if URL_LINE.match(unit):
        return "meta"
    byline = parse_byline(unit)
    if not chrome.has_letters(unit):
        return "meta" if byline is not None and byline.date is not None else "chrome"
    # Later in the story, only a line that is plainly a byline or a bare date is metadata:
    # "Зеленський, 12 березня" could be a story line.
    if byline is not None and (
        not started or near_top or byline.author is None or _AUTHOR_LABEL.match(unit)
    ):
        return "meta"
    if (
        chrome.is_caption(unit)
        or chrome.is_ad(unit)
        or chrome.is_lang_switcher(unit)
        or chrome.is_cookie_banner(unit)
    ):
        return "chrome"
    if (
        chrome.is_tag_line(unit)
        or chrome.is_glued_tags(unit)
        or chrome.is_comments_header(unit)
        or chrome.is_footer(unit)
    ):
        return "end" if started else "chrome"
    related = chrome.related_header(unit)
    if related == "inline":
        return "chrome"
    if related == "list":
        # Not an end: a list of other stories may sit between story paragraphs.
        return "list"
    if chrome.is_support_or_widget(unit):
        return "chrome"
    if chrome.is_breadcrumb(unit) or chrome.is_menu(unit, strict=True):
        return "chrome"
    return None


def _reads_as_story(unit: str) -> bool:
    """A line that ends a list of other stories: a sentence of the story's prose, or a list
    item of the story's own (a bullet)."""
    if BULLET.match(unit):
        return True
    found = chrome.words(unit)
    if _long_prose(unit):
        return True
    return chrome.ends_like_sentence(unit) and (
        len(found) >= 8 or (len(found) >= 2 and chrome.prose_density(unit) >= 0.25)
    )


def _is_teaser(units: list[str], index: int) -> bool:
    """In a list of other stories, a sentence under a headline is that story's teaser when
    the list goes on so, headline and teaser, at least twice; one headline and a sentence
    after a list header may be the story resuming."""

    def pair_at(start: int) -> bool:
        return (
            start >= 0
            and start + 1 < len(units)
            and _headline_item(units[start])
            and not _headline_item(units[start + 1])
            and _reads_as_story(units[start + 1])
        )

    if not pair_at(index - 1) or (index >= 2 and _headline_item(units[index - 2])):
        return False  # two headlines, then prose: the story resumes after a list
    return pair_at(index + 1) or pair_at(index - 3)


def _introduces_list(units: list[str], index: int) -> bool:
    """ "The reasons are:" followed by the story's own bullet list."""
    return (
        units[index].rstrip().endswith(":")
        and index + 1 < len(units)
        and BULLET.match(units[index + 1]) is not None
    )


def _headline_item(unit: str) -> bool:
    """Shaped like another story's headline: a phrase of 3-25 words, no sentence end, not a
    list item or a clause of the story's own list (";", "," or ":" at the end)."""
    stripped = unit.rstrip()
    if len(stripped) > LONG_LINE or chrome.ends_like_sentence(stripped):
        return False
    if BULLET.match(unit) or EM_DASH_ITEM.match(unit) or stripped.endswith((";", ",", ":")):
        return False
    found = chrome.words(unit)
    return (
        3 <= sum(1 for w in found if w[:1].isalpha()) <= 25
        and not _long_prose(unit)
        and parse_byline(unit) is None
    )


def _long_prose(unit: str) -> bool:
    """Long enough and dense enough in stop words to be the story's prose even without a
    sentence end (a paragraph that ends with a reference in brackets)."""
    found = chrome.words(unit)
    return len(found) >= 30 or (len(found) >= 16 and chrome.prose_density(unit) >= 0.3)


def _runs(flags: list[bool]) -> list[tuple[int, int] | None]:
    """For each index, the (start, end) of the run of True flags it is in, else None: O(n),
    so that a page of thousands of such lines is still read in a moment."""
    spans: list[tuple[int, int] | None] = [None] * len(flags)
    index = 0
    while index < len(flags):
        if not flags[index]:
            index += 1
            continue
        end = index
        while end + 1 < len(flags) and flags[end + 1]:
            end += 1
        for i in range(index, end + 1):
            spans[i] = (index, end)
        index = end + 1
    return spans


def _headline_runs(units: list[str], eligible: list[bool] | None = None) -> list[bool]:
    """Two or more headline-shaped lines in a row are a list of other stories (jusText's
    link-list idea, for a dump where the links are gone), and a short line right above them
    is the list's header ("Most viewed"); a list the story introduces with a clause ending
    in a colon is the story's own."""
    shaped = [_headline_item(unit) for unit in units]
    if eligible is not None:
        shaped = [s and e for s, e in zip(shaped, eligible, strict=True)]
    spans = _runs(shaped)
    flags = [False] * len(units)
    for span in dict.fromkeys(spans):
        if span is None or span[0] == span[1]:
            continue
        start, end = span
        intro = units[start - 1] if start > 0 else ""
        intro_words = len(chrome.words(intro))
        if intro.rstrip().endswith(":") and intro_words >= 3 and _judge(intro, True) is None:
            continue
        flags[start : end + 1] = [True] * (end + 1 - start)
        if 1 <= intro_words <= 5 and not chrome.ends_like_sentence(intro):
            flags[start - 1] = True
    return flags


def _after_bare_time(units: list[str], index: int) -> bool:
    """A headline under a time on a line of its own ("21:52" / "Headline"): a news feed. A
    sentence under a time is a live blog's update and stays."""
    if index == 0 or not _headline_item(units[index]):
        return False
    return re.fullmatch(r"\s*(?:[01]?\d|2[0-3])[:.][0-5]\d\s*", units[index - 1]) is not None


def _name_by_stamp(units: list[str], index: int) -> bool:
    """A byline that is only a name ("ОЛЕНА КОВАЛЬ", "Olena Koval") next to a date line."""
    found = chrome.words(units[index])
    if not 2 <= len(found) <= 4 or chrome.ends_like_sentence(units[index]):
        return False
    if not all(w[:1].isupper() for w in found) or any(
        w.lower() in chrome.STOP_WORDS for w in found
    ):
        return False
    if re.search(r"[^\w\s'ʼ’.\-]", units[index]):
        return False
    neighbours = [units[i] for i in (index - 1, index + 1) if 0 <= i < len(units)]
    return any((b := parse_byline(n)) is not None and b.date is not None for n in neighbours)


def _reads_as_prose(unit: str) -> bool:
    return chrome.ends_like_sentence(unit) and len(chrome.words(unit)) >= 2


def _in_timed_run(units: list[str], index: int) -> bool:
    """Two or more "14:32 Headline" lines in a row are a news feed, not the story."""
    if not chrome.is_timed_item(units[index]) or chrome.ends_like_sentence(units[index]):
        return False
    neighbours = [units[i] for i in (index - 1, index + 1) if 0 <= i < len(units)]
    return any(chrome.is_timed_item(n) for n in neighbours)


def _caption_above_credit(units: list[str], index: int) -> bool:
    """A short line right above a bare credit line ("Фото: Reuters") is the photo caption."""
    if index + 1 >= len(units) or not chrome.is_caption(units[index + 1]):
        return False
    credit, line = units[index + 1], units[index]
    return (
        len(chrome.words(credit)) <= 8
        and len(chrome.words(line)) <= 25
        and (not chrome.ends_like_sentence(line) or len(chrome.words(line)) <= 12)
    )


def _em_dash_items(units: list[str]) -> list[re.Match[str] | None]:
    """The em-dash lines that are list items: in a run of two or more, introduced by a colon
    or ending with semicolons, and not dialogue."""
    matches = [EM_DASH_ITEM.match(unit) for unit in units]
    items: list[re.Match[str] | None] = [None] * len(units)
    for span in dict.fromkeys(_runs([m is not None for m in matches])):
        if span is None or span[0] == span[1]:
            continue
        start, end = span
        run = units[start : end + 1]
        introduced = start > 0 and units[start - 1].rstrip().endswith(":")
        semicolons = sum(1 for u in run if u.rstrip().endswith((";", ","))) >= len(run) - 1
        dialogue = any(re.search(r"[,!?…]\s+—\s", u) for u in run)
        if (introduced or semicolons) and not dialogue:
            items[start : end + 1] = matches[start : end + 1]
    return items
