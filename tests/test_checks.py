from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline import checks


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("1 250 000 людей", "uk", [Decimal(1250000)]),
        ("1\u00a0250\u00a0000 людей", "uk", [Decimal(1250000)]),
        ("1,250,000 people", "en", [Decimal(1250000)]),
        ("1.250.000 людей", "ru", [Decimal(1250000)]),
        ("2,5 відсотка", "uk", [Decimal("2.5")]),
        ("2.5 percent", "en", [Decimal("2.5")]),
        ("2,5 млн гривень", "uk", [Decimal(2500000)]),
        ("2.5 million dollars", "en", [Decimal(2500000)]),
        ("2,5 мільйона", "uk", [Decimal(2500000)]),
        ("3 млрд", "ru", [Decimal(3000000000)]),
        ("5 тис. осіб", "uk", [Decimal(5000)]),
        ("45% and 45 %", "en", [Decimal(45), Decimal(45)]),
        ("о 14:30", "uk", ["14:30"]),
        ("at 9:05", "en", ["9:05"]),
        ("у 2024 році", "uk", [Decimal(2024)]),
        ("1,250 in English", "en", [Decimal(1250)]),
        ("1,250 українською", "uk", [Decimal("1.25")]),
        ("з 2022 по 2024", "uk", [Decimal(2022), Decimal(2024)]),
        ("без чисел", "uk", []),
    ],
)
def test_numbers(text: str, lang: str, expected: list[object]) -> None:
    assert checks.numbers(text, lang) == expected


@pytest.mark.parametrize(
    ("source", "version", "src", "tgt"),
    [
        ("Загинули 1 250 000 людей.", "1,250,000 people died.", "uk", "en"),
        ("Ціна 2,5 млн гривень.", "The price is 2.5 million hryvnias.", "uk", "en"),
        ("Цена 2,5 млн рублей.", "Ціна 2,5 мільйона рублів.", "ru", "uk"),
        ("Рост 2,5%.", "Growth of 2.5%.", "ru", "en"),
        ("Засідання о 14:30.", "The meeting at 14:30.", "uk", "en"),
        ("У 2024 році.", "In 2024.", "uk", "en"),
        ("Population 1,250,000.", "Населення 1 250 000.", "en", "uk"),
        ("Це тривало 2 дні.", "It lasted two days.", "uk", "en"),
        ("Під завалами 17 людей.", "Seventeen people are under the rubble.", "uk", "en"),
        ("It took 21 days.", "Це тривало двадцять один день.", "en", "uk"),
        ("Пострадали 45 человек.", "Forty-five people were hurt.", "ru", "en"),
        ("Прийшли 32 учні.", "Пришли тридцать два ученика.", "uk", "ru"),
        ("Минуло 90 днів.", "Ninety days have passed.", "uk", "en"),
        ("He waited 100 days.", "Він чекав сто днів.", "en", "uk"),
        ("Зібрали 1000 підписів.", "A thousand signatures were collected.", "uk", "en"),
        ("1,250 tons", "1 250 тонн", "en", "ru"),
        ("Новини без чисел.", "News without numbers.", "uk", "en"),
    ],
)
def test_missing_numbers_accepts_other_spellings(
    source: str, version: str, src: str, tgt: str
) -> None:
    assert checks.missing_numbers(source, version, src, tgt) == []


@pytest.mark.parametrize(
    ("source", "version", "src", "tgt", "missing"),
    [
        ("Погибли 244890 человек.", "24,490 people died.", "ru", "en", ["244890"]),
        ("Ціна 2,5 млн.", "The price is 25 million.", "uk", "en", ["2,5"]),
        ("О 14:30 і о 15:00.", "At 14:30.", "uk", "en", ["15:00"]),
        ("У 2024 році 17 людей.", "In 2023, 17 people.", "uk", "en", ["2024"]),
        ("Загинули 21 людина.", "Twenty-two people died.", "uk", "en", ["21"]),
        ("Минуло 40 днів.", "Fourteen days have passed.", "uk", "en", ["40"]),
        ("He waited 100 days.", "Він чекав на стоянці.", "en", "uk", ["100"]),
    ],
)
def test_missing_numbers_reports_changed(
    source: str, version: str, src: str, tgt: str, missing: list[str]
) -> None:
    assert checks.missing_numbers(source, version, src, tgt) == missing


@pytest.mark.parametrize(
    "text",
    [
        "No, no, no, no, no.",
        "the the the the",
        "of the war of the war of the war of the war",
        "a b c d a b c d a b c d a b c d",
        "Так " + "так " * 12,
        "word " * 3 + "x y " + "same same same same same same same same same same end",
        "аааааааааааааааааааааааа",
    ],
)
def test_has_loop_true(text: str) -> None:
    assert checks.has_loop(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "The cat sat on the mat.",
        "Ні, ні, ні.",
        "The president said that the government and the parliament agreed on the budget.",
        "Population 1000000000 people.",
        "Long long ago, in a land far away, a king ruled a kingdom by the sea.",
    ],
)
def test_has_loop_false(text: str) -> None:
    assert not checks.has_loop(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Київ є столицею України.", "uk"),
        ("Это был съезд партии.", "ru"),
        ("The capital of Ukraine.", "en"),
        ("Мама мила раму.", None),  # no letter only one of uk/ru has
        ("12345 !!!", None),
        ("", None),
        ("Привіт, world, это ёлка і їжак", None),  # both telltale sets
    ],
)
def test_script_language(text: str, expected: str | None) -> None:
    assert checks.script_language(text) == expected


@pytest.mark.parametrize(
    ("version", "target", "expected"),
    [
        ("Это был съезд партии, и мы объявили итоги.", "uk", True),
        ("Це був з'їзд партії, і ми оголосили підсумки.", "uk", False),
        ("Це був з'їзд партії, і ми оголосили підсумки.", "ru", True),
        ("Это был съезд партии.", "ru", False),
        ("Это был съезд партии.", "en", True),
        ("The party congress took place.", "en", False),
        ("The party congress took place yesterday.", "uk", True),
        ("Мама мила раму.", "uk", False),  # undecidable: never flagged
        ("Ёж.", "uk", False),  # a single telltale letter is not enough
        ("OK", "uk", False),
        ("Компанія Apple представила iPhone.", "uk", False),
    ],
)
def test_wrong_language(version: str, target: str, expected: bool) -> None:
    assert checks.wrong_language(version, target) is expected


@pytest.mark.parametrize(
    ("source", "version", "expected"),
    [
        ("Президент підписав закон сьогодні.", "Президент підписав закон сьогодні.", True),
        ("Президент підписав закон сьогодні.", "президент  підписав закон сьогодні", True),
        ("Президент підписав закон сьогодні.", "The president signed the law today.", False),
        ("Так.", "Так.", False),  # too short to judge
        ("Київ, Україна", "Київ, Україна", False),  # two words: names stay as they are
        ("123 456 789", "123 456 789", False),  # no letters
    ],
)
def test_untranslated(source: str, version: str, expected: bool) -> None:
    assert checks.untranslated(source, version) is expected


def test_length_ratio() -> None:
    assert checks.length_ratio("abcd", "ab") == 0.5
    assert checks.length_ratio("", "anything") == 1.0


@pytest.mark.parametrize(
    ("source", "version", "expected"),
    [
        ("Президент підписав закон про бюджет.", "The president signed the budget law.", False),
        ("Президент підписав закон про бюджет.", "Yes.", True),
        ("Президент підписав закон про бюджет.", "The president signed " * 6, True),
        ("Коротко.", "A very much longer English rendering of it.", False),  # short: not judged
    ],
)
def test_length_ratio_suspicious(source: str, version: str, expected: bool) -> None:
    assert checks.length_ratio_suspicious(source, version, "uk", "en") is expected


@pytest.mark.parametrize(
    ("source", "version", "splits", "expected"),
    [
        ("Президент підписав закон у 2024 році.", "The president signed the law in 2024.", 0, []),
        (
            "Президент підписав закон у 2024 році.",
            "The president signed the law in 2023.",
            0,
            ["numbers"],
        ),
        (
            "Президент підписав закон сьогодні вранці.",
            "Президент підписав закон сьогодні вранці.",
            0,
            ["untranslated"],
        ),
        (
            "Президент підписав закон сьогодні вранці.",
            "Президент подписал закон сегодня утром, съезд.",
            0,
            ["wrong-language"],
        ),
        (
            "Президент підписав закон сьогодні вранці.",
            "No, no, no, no, no, no, no, no, no.",
            0,
            ["loop"],
        ),
        ("Президент підписав закон сьогодні вранці.", "Yes.", 0, ["length"]),
        (
            "Президент підписав закон сьогодні вранці.",
            "The president signed the law this morning.",
            2,
            ["split"],
        ),
    ],
)
def test_check_version(source: str, version: str, splits: int, expected: list[str]) -> None:
    assert checks.check_version(source, version, "uk", "en", splits=splits) == expected


def test_check_version_names_are_known() -> None:
    flags = checks.check_version("Ціна 5 грн.", "Ціна 6 грн.", "uk", "en", splits=1)
    assert set(flags) <= set(checks.CHECK_NAMES)
