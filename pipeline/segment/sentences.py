"""Sentence boundaries in Ukrainian, Russian and English news paragraphs.

Every sentence is a slice of the paragraph, in order, stripped. Sentences are cut at whitespace,
and where a sentence mark is glued to the next sentence ("33 тис.Люди", "it?Yes"), so joining
them with single spaces gives the paragraph back up to whitespace. Only gaps after a sentence
mark, a closing bracket or quote, or with a line break are judged; each from the text on its
left (terminal punctuation, closing quotes, the word before the dot and the words before that:
a number, a name, a date phrase) and on its right (capital, number, initial, the kind of word:
a usual sentence opener, a surname, an acronym). The rules are shared by uk, ru and en; only the
abbreviation tables differ, where a short form of one language is a word in the other. The
kinds decided and why are listed in abbreviations.py and tests/data/segment_hard_cases.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipeline.segment.abbreviations import (
    ABBREVIATIONS_BY_LANG,
    AFTER_N_FINAL,
    AFTER_T_ENDER,
    AFTER_T_FINAL,
    ALL_ABBREVIATIONS,
    BULLETS,
    CLOSERS,
    CURRENCY_WITH_COUNTRY,
    DASHES,
    DATE_PHRASE_WORDS,
    DATE_WORDS,
    DOTTED_ENDERS,
    ENDER,
    FINAL,
    FUNCTION_WORDS,
    MONTH_ABBREVIATIONS,
    MONTH_NAMES,
    MONTH_STEMS,
    NONFINAL,
    NUMBER_SIGNS,
    ONE_LETTER_WORDS,
    OPENERS,
    POSTPOSITIVE_STREET_WORDS,
    QUANTITY_WORDS,
    SPEECH_VERBS,
    STARTER,
    STARTER_WORDS,
    TERMINAL,
    UNIT_PREFIXES,
)

_LETTERS = r"[^\W\d_]"
_UPPER = "A-ZА-ЯІЇЄҐЁ"

_ENDING_CHARS = frozenset(TERMINAL + CLOSERS)
_PUNCT_AT_END = re.compile(r"([.!?…]+)([»\"“”'’)\]}]*)$")
_WORD_AT_END = re.compile(r"\S*$")
# Whitespace that may be a sentence boundary (see _is_boundary): after a sentence mark, a closing
# bracket or quote, an emoticon's last character; with a line break; before a bullet.
_CANDIDATE_GAP = re.compile(r"(?<=[.!?…»\"“”'’)\]}(DP])\s+|\s*\n\s*|\s+(?=[•▪●◦‣∙⁃])")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_LIST_LINE_START = re.compile(r"(?:\d{1,3}[.)]|[•▪●◦‣∙⁃*\-–—])\s")
_YEARISH = re.compile(
    r"(?:\d{1,4}(?:[-–—]\d{1,4})?|\d{1,2}:\d{2}|[IVXLC]+(?:[-–—][IVXLC]+)?)(?:-\w{1,3})?"
)
_DOTTED = re.compile(rf"(?:{_LETTERS}{{1,2}}\.-?)+{_LETTERS}{{1,3}}")
_FIRST_WORD = re.compile(rf"{_LETTERS}+")
# A sentence mark glued to the next sentence's capital: "тис.А", "ст.Раніше", "it?Yes".
_GLUED = re.compile(rf"[.!?…](?=[{_UPPER}](?:[a-zа-яіїєґё'’]|\s))")
_GLUED_WORD = re.compile(rf"(?:^|[\s«„“\"(\[])(?P<word>{_LETTERS}+)(?P<punct>[.!?…]+)$")
_COMPOUND = re.compile(rf"{_LETTERS}+(?:\.-|\.|-)(?:{_LETTERS}+(?:\.-|\.|-))*{_LETTERS}+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*(?:[-–—]\d+(?:[.,]\d+)*)?")
_CYRILLIC = re.compile(r"[а-яіїєґёА-ЯІЇЄҐЁ]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
# A sentence so far that is only a list or heading marker: "1.", "8.1.", "IV.", "§2.", "a)",
# "• 9.", "1.)".
_MARKER_ONLY = re.compile(
    rf"(?:[{BULLETS}*\-–—]\s*)?(?:§\s*)?"
    r"(?:\d{1,3}(?:\.\d{1,3})*|[IVXLC]{1,6}|[a-zA-Zа-яА-ЯіїєґІЇЄҐ])(?:\.\)|[.)])"
)
# Enumerators of an inline list: "1) … 2) …", "1. … 2. …", "a. … b. …".
_ENUMERATOR = re.compile(r"(?:(?<=\s)|^)(\d{1,2}|[a-z])(?:\.\)|\)|\.)\s")
# Emoticons that end a sentence: ":)", ";)", ":))", ":-(".
_EMOTICON_AT_END = re.compile(r"(?:^|\s)[:;]-?[()DP]+$")
# "(вони самі це визнали. — Ред.)": an editor's or author's note closing a bracket.
_BRACKET_NOTE = re.compile(rf"[{DASHES}]\s*[{_UPPER}]\w{{0,5}}\.(?:\s*\w{{1,5}}\.)?\s*\)")
# A spaced ellipsis ". . ." (three or four dots).
_SPACED_ELLIPSIS = re.compile(r"(?<!\S)\.(?: \.){2,3}(?!\S)")
# Endings of common nouns and verbs that a surname does not have: after "групи А." the word
# "Нагородження" opens a sentence, after "В." the word "Зеленський" does not. Ukrainian and
# Russian verbal nouns (-ння, -ття, -ние), abstract nouns (-ість, -ость, -ство), infinitives
# and reflexives (-ти, -ться, -ся), imperatives (-іть, -йте, -ите).
_NOT_A_SURNAME = re.compile(
    r"(?:ння|ття|ние|тие|ість|ость|ство|ти|ться|ся|сь|іть|йте|ите|ете|ать|ять|ить)$"
)
_ERA = re.compile(r"\s+\w{1,2}\.\s+н\.\s*$")
_MONTH = re.compile("(?:" + "|".join(MONTH_STEMS) + r")\w*\.?")
_ATTRIBUTION = re.compile(
    r"(?:[A-Z][\w'’.-]*\s+){1,3}(?:" + "|".join(sorted(SPEECH_VERBS)) + r")\b"
)


def split_sentences(paragraph: str, lang: str) -> list[str]:
    """Split one paragraph into stripped sentences.

    lang is "uk", "ru", "en" or any other label; another label gets the generic rules with every
    abbreviation table. Each sentence is a slice of the paragraph, in order: joining the result
    with single spaces gives the paragraph back up to whitespace. Never raises.
    """
    abbreviations = ABBREVIATIONS_BY_LANG.get(lang, ALL_ABBREVIATIONS)
    text = paragraph.strip()
    if not text:
        return []
    item_starts = _inline_list_items(text)
    inside_ellipsis, after_ellipsis = _spaced_ellipses(text)
    # only gaps after a mark that can end a sentence, line breaks and bullets can be boundaries
    gaps: Iterable[tuple[int, int]] = (gap.span() for gap in _CANDIDATE_GAP.finditer(text))
    extra = [(match.end(), match.end()) for match in _GLUED.finditer(text)]
    extra += [(len(text[:start].rstrip()), start) for start in item_starts]
    if extra:
        gaps = sorted({*gaps, *extra})
    sentences: list[str] = []
    start = 0
    for gap_start, gap_end in gaps:
        if gap_start == gap_end:
            boundary = _is_glued_boundary(text, gap_start, start, abbreviations)
        elif gap_start in inside_ellipsis or gap_start in after_ellipsis:
            boundary = False
        elif gap_end in item_starts:
            boundary = True
        else:
            boundary = _is_boundary(text, gap_start, gap_end, start, abbreviations)
        if boundary:
            sentences.append(text[start:gap_start])
            start = gap_end
    sentences.append(text[start:])
    return sentences


def _is_glued_boundary(
    text: str, position: int, sentence_start: int, abbreviations: dict[str, str]
) -> bool:
    """A sentence end with the space after it missing: "33 тис.А …", "said no.Not really".

    Only a plain word (or a unit, currency or date word after a number) before the mark
    counts; dotted forms ("Л.Н.Толстой"), initials and names of places ("м.Київ") do not.
    """
    left = text[sentence_start:position]
    match = _GLUED_WORD.search(left)
    if match is None:
        return False
    word, punct = match.group("word"), match.group("punct")
    if "!" in punct or "?" in punct:
        return len(word) > 1
    if punct != ".":
        return word.lower() not in FUNCTION_WORDS
    before_word = left[: match.start("word")]
    cls = _abbreviation_class(word, before_word, abbreviations)
    if cls is None:
        return word.islower() and len(word) > 1 and text[position + 1 : position + 2].islower()
    return cls in (FINAL, ENDER)


def _inline_list_items(text: str) -> set[int]:
    """Offsets of items 2, 3, … of a list written in one paragraph that opens with item 1.

    "1) … 2) …", "1. … 2. …", "a. … b. …": only a paragraph that starts with the first
    enumerator counts, so "вимоги: 1) …; 2) …" inside a sentence stays whole.
    """
    first = _ENUMERATOR.match(text)
    if first is None or first.group(1) not in ("1", "a"):
        return set()
    starts: set[int] = set()
    expected = _next_enumerator(first.group(1))
    suffix = first.group()[len(first.group(1)) :].strip()
    for match in _ENUMERATOR.finditer(text, first.end()):
        if match.group(1) == expected and match.group().strip().endswith(suffix):
            starts.add(match.start())
            expected = _next_enumerator(expected)
    return starts


def _next_enumerator(value: str) -> str:
    return str(int(value) + 1) if value.isdigit() else chr(ord(value) + 1)


def _spaced_ellipses(text: str) -> tuple[set[int], set[int]]:
    """Gaps inside ". . ." (never a boundary) and gaps after a three-dot one (an omission
    inside a sentence; a four-dot one ends the sentence and is judged like a period)."""
    inside: set[int] = set()
    after: set[int] = set()
    if ". ." not in text:
        return inside, after
    for match in _SPACED_ELLIPSIS.finditer(text):
        inside.update(range(match.start() + 1, match.end(), 2))
        if match.group().count(".") == 3:
            after.add(match.end())
    return inside, after


def _is_boundary(
    text: str, gap_start: int, gap_end: int, sentence_start: int, abbreviations: dict[str, str]
) -> bool:
    gap = text[gap_start:gap_end]
    right = text[gap_end : gap_end + 64]  # bounded: the decision needs only the next words
    if "\n" in gap and (_BLANK_LINE.search(gap) or _LIST_LINE_START.match(right)):
        return True
    if right[0] in BULLETS:
        return True
    last = text[gap_start - 1]
    if last in ")(DP" and _EMOTICON_AT_END.search(
        text[max(sentence_start, gap_start - 8) : gap_start]
    ):
        return _right_start(right)[0] == "upper"
    if last not in _ENDING_CHARS:
        return False
    left = text[sentence_start:gap_start]
    if _MARKER_ONLY.fullmatch(left):
        return False  # a heading or list number: "IV.", "8.1.", "§2.", "1.)"
    kind, next_word = _right_start(right)
    if kind in ("lower", "none"):
        return False
    # a bounded tail keeps long unpunctuated paragraphs linear
    tail_start = max(0, len(left) - 32)
    punct_match = _PUNCT_AT_END.search(left, tail_start)
    if punct_match is None:
        return False
    punct, closers = punct_match.groups()
    punct_start = punct_match.start()
    if closers and closers[-1] not in ")]}" and _is_attribution(right):
        return False  # '"Glory to Ukraine!" Zelensky wrote.'
    if "!" in punct or "?" in punct:
        return True
    if punct_start > 0 and left[punct_start - 1] in "([" and closers[:1] in (")", "]"):
        return False  # an omission mark "(...)", "[…]" inside a quotation
    if not closers and _BRACKET_NOTE.match(right) and left.count("(") > left.count(")"):
        return False  # "(вони самі це визнали. — Ред.)"
    if right[0] in DASHES and left.count("«") > left.count("»"):
        return False  # «К чему ты готовишься? – спросила мама. – Завтра ведь выходной».
    word_match = _WORD_AT_END.search(left, max(0, punct_start - 200), punct_start)
    assert word_match is not None  # \S*$ always matches
    word = _strip_brackets(word_match.group())
    before_word = left[: word_match.start()]
    if closers:
        return True
    if punct != ".":
        # an ellipsis after a preposition or conjunction is a pause: "на... Луганському"
        return punct not in ("...", "…", "..") or word.lower() not in FUNCTION_WORDS
    if not word:
        return True
    if not word[-1].isalpha():
        if word.lower() in NUMBER_SIGNS:
            return kind != "digit"
        return not _is_list_marker(word, before_word)
    return _ends_after_word(word, before_word, kind, next_word, right, abbreviations)


def _ends_after_word(
    word: str,
    before_word: str,
    kind: str,
    next_word: str,
    right: str,
    abbreviations: dict[str, str],
) -> bool:
    """Whether "word." followed by a capitalised word or a number ends the sentence."""
    if word.isupper() and next_word.isupper() and len(next_word) > 1 and len(word) <= 4:
        # all-caps text gives no capitalisation evidence: "ПОНАД 12 ТИС. МЕШКАНЦІВ"
        word = word.lower()
        next_word = next_word.capitalize()
        if next_word not in STARTER_WORDS and _abbreviation_class(word, before_word, abbreviations):
            return False
    cls = _abbreviation_class(word, before_word, abbreviations)
    if cls is None:
        return True
    if cls == ENDER:
        return True
    if cls == NONFINAL:
        # after a number a short form counts what precedes: "5 тис. прим.", "3 тыс. экз."
        counted = len(word) > 1 and _ends_with_number(before_word, units=True)
        return counted and kind == "upper" and not _initial_follows(right)
    if kind == "digit":
        return False
    if _initial_follows(right) and (_DOTTED.fullmatch(word) or len(word) == 1):
        return False  # "к.п.н. И. П. Карташовым", "J. D. Vance"
    if cls == STARTER:
        if len(word) == 1 and word.isupper() and _not_a_surname(next_word):
            return True  # "переможцем групи А. Нагородження …"
        return next_word in STARTER_WORDS
    if kind != "upper":
        return False
    lower = word.lower()
    if lower in CURRENCY_WITH_COUNTRY and re.match(rf"[{_UPPER}]{{2,4}}\b", right):
        return False  # "дол. США"
    if lower in AFTER_N_FINAL and _ERA.search(before_word):
        before_word = _ERA.sub(" ", before_word)  # "Во II в. н. э." is dated like "Во II в."
        lower = "в"
    is_date = lower in DATE_WORDS or lower in MONTH_ABBREVIATIONS
    if is_date and _ends_with_number(before_word) and _opens_with_date(before_word):
        return next_word in STARTER_WORDS
    return True


def _is_list_marker(word: str, before_word: str) -> bool:
    """'1.' after a colon or semicolon numbers a list item, it does not end a sentence."""
    if not (word.isdigit() and len(word) <= 3):
        return False
    before = before_word.rstrip()
    return not before or before[-1] in ":;"


def _is_attribution(right: str) -> bool:
    """'Zelensky wrote' after a quotation: a name (not a pronoun) and a verb of speech."""
    if _ATTRIBUTION.match(right) is None:
        return False
    return right.split(maxsplit=1)[0] not in STARTER_WORDS


def _strip_brackets(token: str) -> str:
    """The word of a token: "([27]див" → "див", "«м" → "м"."""
    for index in range(len(token) - 1, -1, -1):
        if token[index] in '([{«„“"]':
            return token[index + 1 :]
    return token


def _right_start(right: str) -> tuple[str, str]:
    """What the text after a gap starts with: (kind, first word if it is a plain word)."""
    body = right.lstrip(OPENERS + DASHES + " \u00a0")
    if body[:1] in (".", "…"):
        # "…стрільбу. ...Після": an ellipsis opening the next sentence
        stripped = body.lstrip(".… ")
        if stripped[:1].isalpha():
            body = stripped
    if not body:
        return "none", ""
    first = body[0]
    if first.isalpha():
        word_match = _FIRST_WORD.match(body)
        word = word_match.group() if word_match else ""
        after = body[len(word) : len(word) + 2]
        is_initial = len(word) == 1 and after[:1] == "."
        if after[:1] == "-" or after[:1].isdigit() or after[:1] == "." and after[1:2].isalpha():
            word = ""  # "A-10", "F-16", "U.S.": not a plain opener
        return ("upper" if first.isupper() else "lower"), ("" if is_initial else word)
    if first.isdigit():
        return "digit", ""
    if first in ",;:" + CLOSERS + TERMINAL:
        return "none", ""
    return "other", ""


def _initial_follows(right: str) -> bool:
    return re.match(rf"[{_UPPER}]\.(?:\s|[{_UPPER}])", right) is not None


def _not_a_surname(word: str) -> bool:
    return bool(word) and (word in STARTER_WORDS or _NOT_A_SURNAME.search(word.lower()) is not None)


def _abbreviation_class(word: str, before_word: str, abbreviations: dict[str, str]) -> str | None:
    lower = word.lower()
    if lower in DATE_WORDS and word.islower() or word in ("P.M", "A.M"):
        # "2023 р.", "6 P.M."; otherwise "р. Дніпро", "г. Москва" name what follows
        return FINAL if _ends_with_number(before_word) else NONFINAL
    if len(word) == 1 and word.islower() and _ends_with_number(before_word, units=True):
        return FINAL  # a unit after a number: "30 с.", "100 м.", "120 кв. м."
    if re.search(r"(?:^|\s)т\.\s*$", before_word):
        if lower in AFTER_T_ENDER:
            return ENDER
        if lower in AFTER_T_FINAL:
            return FINAL
    if lower in AFTER_N_FINAL and re.search(r"(?:^|\s)н\.\s*$", before_word):
        return FINAL
    if lower in MONTH_ABBREVIATIONS:
        return FINAL if _ends_with_number(before_word) else STARTER
    known = abbreviations.get(word) or abbreviations.get(lower)
    if len(word) > 1 and lower in POSTPOSITIVE_STREET_WORDS and _follows_name(before_word):
        return FINAL  # the street word closes a name: "на Невском пр.", "on Nauky Ave."
    if known is not None:
        return known
    if "-" in word and "." in word and _COMPOUND.fullmatch(word):
        # "ген.-лейт.", "Г.-К.": a compound short form takes the kind of its last part
        last_part = re.split(r"[.-]+", word)[-1]
        return _abbreviation_class(last_part, "", abbreviations) or (
            STARTER if word[0].isupper() else NONFINAL
        )
    if _DOTTED.fullmatch(word):
        # "U.S.", "J.D.", "В.О." (acronyms and initials); lower case: "т.д.", "с.-г.", "к.т.н."
        if lower in DOTTED_ENDERS:
            return ENDER
        return STARTER if word[0].isupper() else FINAL
    if len(word) == 1:
        return _one_letter_class(word, before_word)
    if len(word) == 2 and word[0].isupper() and word[1].islower() and _CYRILLIC.match(word):
        return STARTER  # a two-letter initial: "Ів. Франко", "Дж. Байден"
    return None


def _follows_name(before_word: str) -> bool:
    previous = before_word.rsplit(maxsplit=1)[-1:] or [""]
    word = previous[0].strip(OPENERS + CLOSERS)
    return len(word) > 1 and word[0].isupper() and word[1:].isalpha() and word[1:].islower()


def _one_letter_class(word: str, before_word: str) -> str | None:
    if word.isupper():
        previous = before_word.rsplit(maxsplit=1)[-1:] or [""]
        previous_word = previous[0].strip(OPENERS + CLOSERS + ",;:")
        if _LATIN_LETTER.match(word) and _CYRILLIC.search(previous_word):
            return FINAL  # a Latin letter in Cyrillic text names a point or group: "точки M."
        if word == "I" and previous_word[:1].islower():
            return FINAL  # the pronoun: "you and I."
        if re.search(
            rf"(?:^|\s)[{_UPPER}]\s+(?:to|and|or|vs\.|в|у|до|і|й|та|або|и|или)\s+$", before_word
        ):
            return None  # "from A to B.", "з пункту A в Б.": letters naming points
        return STARTER
    # a lone lower-case letter is a short form ("м. Київ", "с. Іванівка", "ч. 2"), except
    # the pronoun "я" which can end a sentence.
    return None if word in ONE_LETTER_WORDS else NONFINAL


def _ends_with_number(before_word: str, *, units: bool = False) -> bool:
    tail = before_word.rstrip().rsplit(maxsplit=2)
    if not tail:
        return False
    if units:
        unit_word = tail[-1].rstrip(".").lower()
        if len(tail) >= 2 and (unit_word in UNIT_PREFIXES or unit_word in QUANTITY_WORDS):
            return _NUMBER.fullmatch(tail[-2]) is not None or unit_word in UNIT_PREFIXES
        return _NUMBER.fullmatch(tail[-1]) is not None
    return _YEARISH.fullmatch(tail[-1]) is not None


def _opens_with_date(before_word: str) -> bool:
    """True when the date opens the sentence: "У 2022 р.", "15 вересня 1995 р.", "At 5 a.m."."""
    words = before_word.split(maxsplit=5)
    if not words or len(words) > 5:
        return False
    for word in words[:-1]:
        lower = word.lower().strip(",")
        if not (
            lower in DATE_PHRASE_WORDS
            or _YEARISH.fullmatch(lower)
            or _MONTH.fullmatch(lower)
            or lower.rstrip(".") in MONTH_NAMES
        ):
            return False
    return True
