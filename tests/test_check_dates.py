"""Dates and times in the numbers check: the same value in another format is kept, a changed
day, month or year is flagged."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline import checks
from pipeline.checks.dates import Date, scan_dates
from pipeline.months import ABBREVIATIONS, MONTHS, month_number


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Засідання 25.01.2025.", "uk", [Date(25, 1, 2025)]),
        ("25/01/2025", "uk", [Date(25, 1, 2025)]),
        ("2025-01-25", "en", [Date(25, 1, 2025)]),
        ("01/25/2025", "en", [Date(25, 1, 2025)]),
        ("25.01.25", "ru", [Date(25, 1, 2025)]),
        ("25 січня 2025 року", "uk", [Date(25, 1, 2025)]),
        ("25 января 2025 года", "ru", [Date(25, 1, 2025)]),
        ("January 25, 2025", "en", [Date(25, 1, 2025)]),
        ("25 January 2025", "en", [Date(25, 1, 2025)]),
        ("on the 25th of January", "en", [Date(25, 1, None)]),
        ("Jan. 25", "en", [Date(25, 1, None)]),
        ("1-го січня", "uk", [Date(1, 1, None)]),
        ("3-й раунд", "uk", [Decimal(3)]),
        ("в январе", "ru", [Date(None, 1, None)]),
        ("у січні 2025", "uk", [Date(None, 1, 2025)]),
        ("березень 2024", "uk", [Date(None, 3, 2024)]),
        ("до березня", "uk", [Date(None, 3, None)]),
        ("у березні", "uk", [Date(None, 3, None)]),
        ("с марта", "ru", [Date(None, 3, None)]),
        ("в марте", "ru", [Date(None, 3, None)]),
        ("since March", "en", [Date(None, 3, None)]),
        ("10–12 березня", "uk", [Date(10, 3, None), Date(12, 3, None)]),
        ("March 10-12, 2025", "en", [Date(10, 3, 2025), Date(12, 3, 2025)]),
        ("о 14:30", "uk", ["14:30"]),
        ("at 2:30 p.m.", "en", ["14:30"]),
        ("at 2 pm", "en", ["14:00"]),
        ("at 12:15 a.m.", "en", ["0:15"]),
        ("25th", "en", [Decimal(25)]),
        ("10-12", "uk", [Decimal(10), Decimal(12)]),
        # a month name alone, with no word that makes it a date, is not one
        ("Лютий мороз", "uk", []),
        ("May I ask?", "en", []),
        ("They march 5 miles.", "en", [Decimal(5)]),
    ],
)
def test_numbers_reads_dates_and_times(text: str, lang: str, expected: list[object]) -> None:
    assert checks.numbers(text, lang) == expected


@pytest.mark.parametrize(
    ("source", "version", "src", "tgt"),
    [
        # the case found: "25.01.2025" was read as the decimal 25.01
        ("Засідання 25.01.2025.", "The meeting on 25 January 2025.", "uk", "en"),
        ("Засідання 25.01.2025.", "The meeting on January 25, 2025.", "uk", "en"),
        ("Засідання 25.01.2025.", "The meeting on 2025-01-25.", "uk", "en"),
        ("Засідання 25.01.2025.", "Заседание 25 января 2025 года.", "uk", "ru"),
        ("Засідання 25 січня 2025 року.", "Заседание 25.01.2025.", "uk", "ru"),
        ("Meeting on 01/25/2025.", "Засідання 25 січня 2025 року.", "en", "uk"),
        ("Указ від 1-го березня.", "The decree of March 1st.", "uk", "en"),
        ("Указ от 1-го марта.", "Указ від 1 березня.", "ru", "uk"),
        ("On the 25th of January.", "25 січня.", "en", "uk"),
        ("Jan. 25 was cold.", "25 січня було холодно.", "en", "uk"),
        ("У січні ціни зросли.", "In January prices rose.", "uk", "en"),
        ("В январе цены выросли.", "У січні ціни зросли.", "ru", "uk"),
        ("У березні.", "В марте.", "uk", "ru"),
        ("До березня.", "By March.", "uk", "en"),
        ("Навчання 10–12 березня.", "The exercise on March 10-12.", "uk", "en"),
        ("Навчання з 1 по 5 березня.", "The exercise from March 1 to 5.", "uk", "en"),
        ("У січні 2025 року.", "In January 2025.", "uk", "en"),
        ("Засідання о 14:30.", "The meeting at 2:30 p.m.", "uk", "en"),
        ("The meeting at 2:30 p.m.", "Засідання о 14:30.", "en", "uk"),
        ("Засідання о 14:30.", "Заседание в 14.30.", "uk", "ru"),
        ("Дедлайн 25.01.", "The deadline is January 25.", "uk", "en"),
        ("Він посів 3-є місце 25-го.", "He came 3rd on the 25th.", "uk", "en"),
    ],
)
def test_same_date_in_another_format_is_kept(source: str, version: str, src: str, tgt: str) -> None:
    assert checks.missing_numbers(source, version, src, tgt) == []


@pytest.mark.parametrize(
    ("source", "version", "src", "tgt", "missing"),
    [
        # the case found: a changed year was not flagged
        ("Засідання 25.01.2025.", "The meeting on 25.01.2026.", "uk", "en", ["25.01.2025"]),
        ("Засідання 25.01.2025.", "The meeting on January 25, 2026.", "uk", "en", ["25.01.2025"]),
        ("Засідання 25.01.2025.", "The meeting on January 26, 2025.", "uk", "en", ["25.01.2025"]),
        ("Засідання 25.01.2025.", "The meeting on February 25, 2025.", "uk", "en", ["25.01.2025"]),
        ("Засідання 25 січня.", "Заседание 25 февраля.", "uk", "ru", ["25 січня"]),
        ("Засідання 25 січня.", "Заседание 26 января.", "uk", "ru", ["25 січня"]),
        ("У січні ціни зросли.", "In February prices rose.", "uk", "en", ["У січні"]),
        ("В марте.", "У травні.", "ru", "uk", ["В марте"]),
        ("Навчання 10–12 березня.", "The exercise on March 10-13.", "uk", "en", ["10–12 березня"]),
        ("Засідання о 14:30.", "The meeting at 2:30 a.m.", "uk", "en", ["14:30"]),
        ("У січні 2025 року.", "In January 2024.", "uk", "en", ["січні 2025"]),
    ],
)
def test_changed_date_is_flagged(
    source: str, version: str, src: str, tgt: str, missing: list[str]
) -> None:
    assert checks.missing_numbers(source, version, src, tgt) == missing


@pytest.mark.parametrize(
    ("source", "version", "flagged"),
    [
        ("Засідання 25.01.2025.", "The meeting on 25.01.2026.", True),
        ("Засідання 25.01.2025.", "The meeting on 25 January 2025.", False),
        ("Засідання 25.01.2025.", "The meeting on January 25, 2025.", False),
        ("Засідання 25.01.2025.", "The meeting on 2025-01-25.", False),
    ],
)
def test_check_version_flags_a_changed_year(source: str, version: str, flagged: bool) -> None:
    assert ("numbers" in checks.check_version(source, version, "uk", "en")) is flagged


@pytest.mark.parametrize("lang", ["uk", "ru", "en"])
@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_form_reads_back(lang: str, month: int) -> None:
    for word in MONTHS[month][lang] + ABBREVIATIONS[month][lang]:
        assert month_number(word) == month
        text = f"25 {word} 2025"
        assert [v for item in scan_dates(text, [lang]) for v in item.values] == [
            Date(25, month, 2025)
        ], text


def test_month_tables_have_no_shared_forms() -> None:
    seen: dict[str, int] = {}
    for month, by_lang in MONTHS.items():
        for words in by_lang.values():
            for word in words:
                assert seen.setdefault(word.lower(), month) == month, word
