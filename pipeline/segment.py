"""Sentence splitting for Ukrainian, Russian and English news text, and clause splitting of
over-long sentences for the translation engine.

Sentences are cut only at whitespace, so every sentence is a slice of the paragraph and joining
them with single spaces gives the paragraph back up to whitespace. Each whitespace gap is judged
from the text on its left (terminal punctuation, closing quotes, the word before the dot) and the
text on its right (what the next word starts with). The rules are shared by uk, ru and en; only
the abbreviation tables differ, where a short form of one language is a word in the other.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


def _words(text: str) -> list[str]:
    return text.split()


_TERMINAL = ".!?…"
_CLOSERS = "»\"“”'’)]}"
_OPENERS = "«„“\"'‘‚([{"
_DASHES = "—–-"
_BULLETS = "•▪●◦‣∙"
_LETTERS = r"[^\W\d_]"

_PUNCT_AT_END = re.compile(r"([.!?…]+)([»\"“”'’)\]}]*)$")
_WORD_AT_END = re.compile(r"\S*$")
_GAP = re.compile(r"\s+")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_LIST_LINE_START = re.compile(r"(?:\d{1,3}[.)]|[•▪●◦‣∙*\-–—])\s")
_YEARISH = re.compile(r"(?:\d{1,4}(?:[-–—]\d{1,4})?|[IVXLC]+(?:[-–—][IVXLC]+)?)")
_DOTTED = re.compile(rf"(?:{_LETTERS}{{1,2}}\.)+{_LETTERS}{{1,3}}")
_FIRST_WORD = re.compile(rf"{_LETTERS}+")

# What an abbreviation does before a capitalised word.
_NONFINAL = "nonfinal"  # never ends a sentence: titles, street words, "e.g."
_FINAL = "final"  # ends a sentence when a capitalised word follows: units, "etc."
_STARTER = "starter"  # ends one only when a typical sentence opener follows: "U.S.", "Inc."

_EN_ABBREVIATIONS: dict[str, str] = {
    **dict.fromkeys(
        _words(
            "Mr Mrs Ms Dr Prof Gen Sen Rep Gov Lt Col Capt Sgt Cpl Pvt Maj Adm Cmdr Rev Hon Pres"
            " Supt Messrs Mt Ft vs cf approx dept Fig fig Nos Vol vol pp e.g i.e viz"
        ),
        _NONFINAL,
    ),
    **dict.fromkeys(_words("etc al No Nr"), _FINAL),
    **dict.fromkeys(
        _words(
            "Inc Ltd Corp Co Bros Jr Sr St Ave Blvd Rd Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct"
            " Nov Dec a.m p.m A.D B.C"
        ),
        _STARTER,
    ),
}
_CYRILLIC_ABBREVIATIONS: dict[str, str] = {
    **dict.fromkeys(
        _words(
            "пл просп наб бул проф акад доц св гр тел кв мкр напр табл ст.ст т.ч т.зв сер арх ред"
            " зам"
        ),
        _NONFINAL,
    ),
    **dict.fromkeys(_words("млн млрд трлн дол коп обл"), _FINAL),
    # "Дж." is an initial; "пр.", "ген.", "рис." are also words: "и пр.", "новий ген", "рис"
    **dict.fromkeys(_words("Дж пр ген рис"), _STARTER),
}
_UK_ABBREVIATIONS: dict[str, str] = {
    **dict.fromkeys(
        _words("ім вул пров смт див зокр полк підп лейт буд каб поч пол кін худ упоряд зб заст"),
        _NONFINAL,
    ),
    **dict.fromkeys(_words("тис грн рр ін"), _FINAL),
}
_RU_ABBREVIATIONS: dict[str, str] = {
    **dict.fromkeys(_words("ул пер ср ок стр гл прим т.е т.к т.н нач изд сб"), _NONFINAL),
    **dict.fromkeys(_words("тыс руб долл гг вв чел шт экз"), _FINAL),
    # "им." names a theatre or street ("им. Вахтангова") but "им" is also a pronoun ("them")
    **dict.fromkeys(["им"], _STARTER),
}
# Words that are abbreviations in one language can be plain words in the other ("пол", "им"),
# so uk and ru text each get their own table; any other label gets all of them.
_ABBREVIATIONS_BY_LANG: dict[str, dict[str, str]] = {
    "en": {
        **_EN_ABBREVIATIONS,
        **_CYRILLIC_ABBREVIATIONS,
        **_UK_ABBREVIATIONS,
        **_RU_ABBREVIATIONS,
    },
    "uk": {**_EN_ABBREVIATIONS, **_CYRILLIC_ABBREVIATIONS, **_UK_ABBREVIATIONS},
    "ru": {**_EN_ABBREVIATIONS, **_CYRILLIC_ABBREVIATIONS, **_RU_ABBREVIATIONS},
}
_ALL_ABBREVIATIONS = _ABBREVIATIONS_BY_LANG["en"]
# Abbreviations that close a sentence after a number or year ("2023 р.", "XX ст.", "5 см.")
# and otherwise name what follows ("р. Дніпро", "г. Москва", "ст. Кримінального кодексу").
_AFTER_NUMBER_FINAL = frozenset(_words("р г ст в см"))
# After these a capitalised word usually goes on the same sentence ("У 2022 р. Україна ...")
# unless the sentence already has a subject and verb before the date.
_DATE_WORDS = frozenset(_words("р рр г гг ст в вв"))
# "т. д.", "т. п.", "і т. ін.", "т. е."; "н. е." and "н. э." (of the Common Era)
_AFTER_T_FINAL = frozenset(_words("д п ін е"))
_AFTER_N_FINAL = frozenset(_words("е э"))
# Lone lower-case letters that are words and may end a sentence ("він є.", "это был я.").
_ONE_LETTER_WORDS = frozenset(_words("я є"))
# "from A to B.", "з пункту A в Б.": letters named as variables, not initials.
_LETTER_VARIABLES = re.compile(
    r"(?:^|\s)[A-ZА-ЯІЇЄҐ]\s+(?:to|and|or|vs\.|в|у|до|і|й|та|або|и|или)\s+$"
)

# Words that typically open a news sentence; they decide the ambiguous abbreviations.
_STARTER_WORDS = frozenset(
    # en
    _words(
        "The A An It Its He She They We I You This That These Those There Here But And Or So Yet"
        " However In On At For From With After Before During When While If As Although Though"
        " Meanwhile Still Also Then His Her Their Our My Some Many Most All Both Each One Two"
        " What Who Why How Where Officials Police Authorities According Since Under Over By"
        # uk
        " Він Вона Воно Вони Ми Я Ви Це Ця Цей Ці Та Той Там Тут Тоді Але А І Й Проте Однак Втім"
        " Також Крім Після До Під На У В З Із За Від Для Про Його Її Їх Як Коли Якщо Хоча Нині"
        " Зараз Наразі Раніше Згодом Водночас Тим Окрім Серед Усі Всі Ще Вже Уже Так Ні Лише"
        " Тільки Саме Наступного Минулого Цього Того Загалом Відтак Тому"
        # ru
        " Он Она Оно Они Мы Вы Это Эта Этот Эти Тот Тогда Но И Однако Кроме Во С Со От О Об По"
        " При Ее Её Их Если Сейчас Ранее Позже Впрочем Все Всё Еще Ещё Нет Лишь Только Именно"
        " Среди Следующего Прошлого Этого Того Поэтому Затем Теперь"
    )
)


def split_sentences(paragraph: str, lang: str) -> list[str]:
    """Split one paragraph into stripped sentences.

    lang is "uk", "ru", "en" or any other label; another label gets the generic rules with every
    abbreviation table. Joining the result with single spaces gives the paragraph back up to
    whitespace.
    """
    abbreviations = _ABBREVIATIONS_BY_LANG.get(lang, _ALL_ABBREVIATIONS)
    text = paragraph.strip()
    if not text:
        return []
    sentences: list[str] = []
    start = 0
    for gap in _GAP.finditer(text):
        if _is_boundary(text, gap.start(), gap.end(), start, abbreviations):
            sentences.append(text[start : gap.start()])
            start = gap.end()
    sentences.append(text[start:])
    return sentences


def _is_boundary(
    text: str, gap_start: int, gap_end: int, sentence_start: int, abbreviations: dict[str, str]
) -> bool:
    gap = text[gap_start:gap_end]
    right = text[gap_end : gap_end + 64]  # bounded: the decision needs only the next word
    if _BLANK_LINE.search(gap):
        return True
    if "\n" in gap and _LIST_LINE_START.match(right):
        return True
    if right[0] in _BULLETS:
        return True
    if text[gap_start - 1] not in _TERMINAL + _CLOSERS:
        return False
    kind, next_word = _right_start(right)
    if kind in ("lower", "none"):
        return False
    left = text[sentence_start:gap_start]
    # a bounded tail keeps long unpunctuated paragraphs linear
    tail_start = max(0, len(left) - 32)
    punct_match = _PUNCT_AT_END.search(left, tail_start)
    if punct_match is None:
        return False
    punct, closers = punct_match.groups()
    punct_start = punct_match.start()
    if "!" in punct or "?" in punct:
        return True
    if punct_start > 0 and left[punct_start - 1] in "([" and closers[:1] in (")", "]"):
        return False  # an omission mark "(...)", "[…]" inside a quotation
    if closers or punct != ".":
        return True
    word_match = _WORD_AT_END.search(left, max(0, punct_start - 200), punct_start)
    assert word_match is not None  # \S*$ always matches
    word = word_match.group().lstrip(_OPENERS)
    before_word = left[: word_match.start()]
    if not word:
        return True
    if not word[-1].isalpha():
        return not _is_list_marker(word, before_word)
    cls = _abbreviation_class(word, before_word, abbreviations)
    if cls is None:
        return True
    if cls == _NONFINAL or kind == "digit":
        return False
    if cls == _STARTER:
        return next_word in _STARTER_WORDS
    if kind != "upper":
        return False
    if word in _DATE_WORDS and _opens_with_date(before_word):
        return next_word in _STARTER_WORDS
    return True


def _right_start(right: str) -> tuple[str, str]:
    """What the text after a gap starts with: (kind, first word if it is a plain word)."""
    body = right.lstrip(_OPENERS + _DASHES + " \u00a0")
    if not body:
        return "none", ""
    first = body[0]
    if first.isalpha():
        word_match = _FIRST_WORD.match(body)
        word = word_match.group() if word_match else ""
        is_initial = len(word) == 1 and body[1:2] == "."
        return ("upper" if first.isupper() else "lower"), ("" if is_initial else word)
    if first.isdigit():
        return "digit", ""
    if first in ",;:" + _CLOSERS + _TERMINAL:
        return "none", ""
    return "other", ""


def _is_list_marker(word: str, before_word: str) -> bool:
    """'1.' opening a sentence or following a colon numbers a list item, it does not end one."""
    if not (word.isdigit() and len(word) <= 3):
        return False
    before = before_word.rstrip()
    return not before or before[-1] in ":;"


def _abbreviation_class(word: str, before_word: str, abbreviations: dict[str, str]) -> str | None:
    known = abbreviations.get(word) or abbreviations.get(word.lower())
    if word in _AFTER_NUMBER_FINAL:
        return _FINAL if _ends_with_number(before_word) else _NONFINAL
    if word in _AFTER_T_FINAL and re.search(r"(?:^|\s)т\.\s*$", before_word):
        return _FINAL
    if word in _AFTER_N_FINAL and re.search(r"(?:^|\s)н\.\s*$", before_word):
        return _FINAL
    if known is not None:
        return known
    if _DOTTED.fullmatch(word):
        # "U.S.", "J.D.", "В.О." (acronyms and initials); lower case: "т.д.", "с.-г."
        return _STARTER if word[0].isupper() else _FINAL
    if len(word) == 1:
        if word.isupper():
            # an initial ("В. Зеленський", "J. D. Vance") unless letters name points: "A to B."
            return None if _LETTER_VARIABLES.search(before_word) else _STARTER
        # a lone lower-case letter is a short form ("м. Київ", "с. Іванівка", "ч. 2"), except
        # the pronoun "я" which can end a sentence.
        return None if word in _ONE_LETTER_WORDS else _NONFINAL
    return None


def _ends_with_number(before_word: str) -> bool:
    tail = before_word.rstrip().rsplit(maxsplit=1)
    return bool(tail) and _YEARISH.fullmatch(tail[-1]) is not None


def _opens_with_date(before_word: str) -> bool:
    """True when the date is the sentence's opening adverbial: "У 2022 р.", "З 2014–2015 рр."."""
    words = before_word.split()
    return len(words) <= 2 and bool(words) and _YEARISH.fullmatch(words[-1]) is not None


# ---------------------------------------------------------------------------------------------
# Clause splitting for sentences longer than the model's limit.

# Cost of cutting at a gap, by what comes before or after it: lower is a more natural cut.
_CUT_AFTER_SEMI = 1
_CUT_BEFORE_DASH = 2
_CUT_AFTER_COMMA = 3
_CUT_BEFORE_CONJUNCTION = 5
_CUT_WHITESPACE = 12

_CONJUNCTIONS = frozenset(
    _words(
        "and but or because which who whereas while although since so that"
        " і й та але а або проте однак бо тому що який яка яке які де коли щоб хоча"
        " и но или однако потому что который которая которое которые где когда чтобы хотя"
    )
)


@dataclass(frozen=True, kw_only=True)
class _Word:
    start: int
    end: int
    cut_cost: int  # cost of cutting in the gap before this word


def split_clauses(sentence: str, fits: Callable[[str], bool]) -> list[str]:
    """Split an over-long sentence into pieces that each satisfy fits(piece).

    Cuts prefer clause boundaries (after ; and :, before a spaced dash, after a comma, before a
    conjunction), then any whitespace; a single word that does not fit is cut into character
    chunks. Among cuts of equal kind the fewest pieces win, then the most even lengths. Nothing
    is dropped: joining the pieces with single spaces gives the sentence back up to whitespace
    (character chunks of one word are joined by a space that was not there).
    fits should grow stricter with length (a token-count limit does).
    """
    text = sentence.strip()
    if not text or fits(text):
        return [text] if text else []
    words = _words_with_cut_costs(text)
    pieces: list[str] = []
    for start, end in _best_cuts(text, words, fits):
        piece = text[start:end]
        if fits(piece):
            pieces.append(piece)
        elif not any(c.isspace() for c in piece):
            pieces.extend(_chunk_characters(piece, fits))
        elif piece != text:  # fits is not monotone here: try again on the smaller piece
            pieces.extend(split_clauses(piece, fits))
        else:
            for word in piece.split():
                pieces.extend(split_clauses(word, fits))
    return pieces


def _words_with_cut_costs(text: str) -> list[_Word]:
    words: list[_Word] = []
    for match in re.finditer(r"\S+", text):
        token = match.group()
        if not words:
            cost = 0
        else:
            previous = text[words[-1].start : words[-1].end]
            if previous[-1] in ";:":
                cost = _CUT_AFTER_SEMI
            elif token in ("—", "–", "-"):
                cost = _CUT_BEFORE_DASH
            elif previous[-1] in ",)" or previous.endswith(("»,", '",', "”,")):
                cost = _CUT_AFTER_COMMA
            elif token.lower().strip(_OPENERS) in _CONJUNCTIONS:
                cost = _CUT_BEFORE_CONJUNCTION
            else:
                cost = _CUT_WHITESPACE
        words.append(_Word(start=match.start(), end=match.end(), cut_cost=cost))
    return words


def _best_cuts(text: str, words: list[_Word], fits: Callable[[str], bool]) -> list[tuple[int, int]]:
    """Word spans [i, j) as character ranges: fewest pieces, then cheapest cuts, then evenness.

    Each piece starts at a word; the farthest word a piece can reach is found by binary search,
    so fits is called O(n log n) times.
    """
    n = len(words)
    reach = [_farthest_fitting(text, words, i, fits) for i in range(n)]
    # best[i] = (pieces, cut cost, sum of squared lengths, next start) for words[i:]
    best: list[tuple[int, int, int, int] | None] = [None] * (n + 1)
    best[n] = (0, 0, 0, n)
    for i in range(n - 1, -1, -1):
        candidates: list[tuple[int, int, int, int]] = []
        for j in range(i + 1, reach[i] + 1):
            tail = best[j]
            if tail is None:
                continue
            length = words[j - 1].end - words[i].start
            cut = words[j].cut_cost if j < n else 0
            candidates.append((tail[0] + 1, tail[1] + cut, tail[2] + length * length, j))
        best[i] = min(candidates) if candidates else None
    spans: list[tuple[int, int]] = []
    i = 0
    while i < n:
        step = best[i]
        j = step[3] if step is not None else i + 1  # a word too long alone is its own piece
        spans.append((words[i].start, words[j - 1].end))
        i = j
    return spans


def _farthest_fitting(text: str, words: list[_Word], i: int, fits: Callable[[str], bool]) -> int:
    """Largest j such that words[i:j] fits; i when even words[i] alone does not."""
    low, high = i, len(words)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(text[words[i].start : words[middle - 1].end]):
            low = middle
        else:
            high = middle - 1
    return low


def _chunk_characters(word: str, fits: Callable[[str], bool]) -> list[str]:
    chunks: list[str] = []
    rest = word
    while rest:
        low, high = 1, len(rest)
        while low < high:
            middle = (low + high + 1) // 2
            if fits(rest[:middle]):
                low = middle
            else:
                high = middle - 1
        chunks.append(rest[:low])  # one character even when it does not fit: never drop text
        rest = rest[low:]
    return chunks
