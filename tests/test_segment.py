"""Sentence and clause splitting: every hard case exactly, nothing lost, nothing reordered."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.segment import split_clauses, split_sentences

HARD_CASES_PATH = Path(__file__).parent / "data" / "segment_hard_cases.yaml"


def _load_hard_cases() -> list[Any]:
    data = yaml.safe_load(HARD_CASES_PATH.read_text(encoding="utf-8"))
    cases = []
    for lang, items in data.items():
        for item in items:
            text = item.get("text") or " ".join(item["sentences"])
            cases.append(pytest.param(lang, text, item["sentences"], id=f"{lang}-{item['id']}"))
    return cases


HARD_CASES = _load_hard_cases()


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_hard_case_list_is_large_enough() -> None:
    per_lang: dict[str, int] = {}
    for case in HARD_CASES:
        per_lang[case.values[0]] = per_lang.get(case.values[0], 0) + 1
    assert set(per_lang) == {"uk", "ru", "en"}
    assert min(per_lang.values()) >= 60


@pytest.mark.parametrize(("lang", "text", "expected"), HARD_CASES)
def test_hard_case_splits_exactly(lang: str, text: str, expected: list[str]) -> None:
    assert split_sentences(text, lang) == expected


@pytest.mark.parametrize(("lang", "text", "expected"), HARD_CASES)
def test_hard_case_loses_and_reorders_nothing(lang: str, text: str, expected: list[str]) -> None:
    sentences = split_sentences(text, lang)
    position = 0
    for sentence in sentences:  # each sentence is a slice of the paragraph, in order
        found = text.find(sentence, position)
        assert found >= 0 and not text[position:found].strip()
        position = found + len(sentence)
    assert not text[position:].strip()
    assert all(s == s.strip() and s for s in sentences)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Черга сягнула 2 тис.Люди стояли до ночі.",
            ["Черга сягнула 2 тис.", "Люди стояли до ночі."],
        ),
        ("Лекцію читав Л.Н.Толстой.", ["Лекцію читав Л.Н.Толстой."]),
        ("Живе в м.Київ з 2014 р.", ["Живе в м.Київ з 2014 р."]),
    ],
)
def test_glued_sentence_end_is_cut_only_after_a_word_or_unit(
    text: str, expected: list[str]
) -> None:
    assert split_sentences(text, "uk") == expected


@pytest.mark.parametrize(("lang", "text", "expected"), HARD_CASES)
def test_unknown_label_uses_generic_rules(lang: str, text: str, expected: list[str]) -> None:
    assert split_sentences(text, "xx") == expected


@pytest.mark.parametrize("paragraph", ["", "   ", "\n\n"])
def test_empty_paragraph_has_no_sentences(paragraph: str) -> None:
    assert split_sentences(paragraph, "uk") == []


def test_single_sentence_without_final_punctuation() -> None:
    assert split_sentences("  Оновлено о 18:00  ", "uk") == ["Оновлено о 18:00"]


def test_whitespace_inside_sentence_is_kept() -> None:
    text = "Ракету збили над Києвом.  Уламки впали\nна Дарницю."
    assert split_sentences(text, "uk") == ["Ракету збили над Києвом.", "Уламки впали\nна Дарницю."]


# --- split_clauses ------------------------------------------------------------------------------


def _max_words(limit: int) -> Any:
    return lambda piece: len(piece.split()) <= limit


def _max_chars(limit: int) -> Any:
    return lambda piece: len(piece) <= limit


LONG_UK = (
    "Уряд ухвалив рішення про підвищення мінімальної зарплати з першого січня; "
    "водночас тарифи на газ для населення залишаться незмінними до кінця опалювального сезону, "
    "а ціни на електроенергію переглянуть лише навесні."
)
LONG_EN = (
    "The minister said the agreement, which had taken months to negotiate, would be signed "
    "next week — provided that both parliaments ratify it and the guarantees are confirmed "
    "by the lenders."
)


@pytest.mark.parametrize(
    ("sentence", "fits"),
    [
        (LONG_UK, _max_words(12)),
        (LONG_UK, _max_words(5)),
        (LONG_EN, _max_words(10)),
        (LONG_EN, _max_chars(40)),
        (LONG_EN, _max_words(1)),
    ],
)
def test_clauses_fit_and_lose_nothing(sentence: str, fits: Any) -> None:
    pieces = split_clauses(sentence, fits)
    assert all(fits(piece) for piece in pieces)
    assert _squash(" ".join(pieces)) == _squash(sentence)
    assert all(piece == piece.strip() and piece for piece in pieces)


def test_clause_fitting_sentence_is_returned_whole() -> None:
    assert split_clauses(LONG_UK, _max_words(100)) == [LONG_UK]


def test_clauses_cut_after_semicolon_first() -> None:
    pieces = split_clauses(LONG_UK, _max_words(20))
    assert pieces[0].endswith("січня;")
    assert len(pieces) == 2


def test_clauses_prefer_comma_over_plain_whitespace() -> None:
    sentence = "Рятувальники працювали всю ніч, тому вранці рух транспорту на трасі відновили"
    assert split_clauses(sentence, _max_words(8)) == [
        "Рятувальники працювали всю ніч,",
        "тому вранці рух транспорту на трасі відновили",
    ]


def test_clauses_cut_before_spaced_dash() -> None:
    pieces = split_clauses(LONG_EN, _max_words(16))
    assert pieces[1].startswith("— provided")


def test_clauses_use_fewest_pieces_and_balance_plain_words() -> None:
    sentence = " ".join(f"w{i}" for i in range(12))
    pieces = split_clauses(sentence, _max_words(8))
    assert [len(p.split()) for p in pieces] == [6, 6]


def test_clauses_chunk_a_word_too_long_to_fit() -> None:
    url = "https://example.org/" + "a" * 50
    pieces = split_clauses(f"Дивіться {url} тут", _max_chars(20))
    assert all(len(piece) <= 20 for piece in pieces)
    assert re.sub(r"\s", "", "".join(pieces)) == re.sub(r"\s", "", f"Дивіться {url} тут")


def test_clauses_of_empty_sentence() -> None:
    assert split_clauses("   ", _max_words(3)) == []
