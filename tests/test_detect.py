"""Language detection on project-written text: sentences, headlines, snippets, single words."""

from __future__ import annotations

import pytest

from pipeline.detect import Detection, detect, detect_lines, detect_many


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Ukrainian sentences and headlines
        ("Міська рада ухвалила бюджет на наступний рік після довгого обговорення.", "uk"),
        ("Він сказав, що завтра поїде до Львова разом із родиною.", "uk"),
        ("Уряд оголосив про нові виплати для переселенців", "uk"),
        ("Вона була вдома, але ніхто не відчинив двері.", "uk"),
        ("Рятувальники працюють на місці влучання", "uk"),
        # Russian sentences and headlines
        ("Городской совет утвердил бюджет на следующий год после долгого обсуждения.", "ru"),
        ("Он сказал, что завтра поедет в Москву вместе с семьёй.", "ru"),
        ("Правительство объявило о новых выплатах для переселенцев", "ru"),
        ("Она была дома, но никто не открыл дверь.", "ru"),
        ("Спасатели работают на месте попадания", "ru"),
        # English, including Ukrainian place names
        ("The city council approved next year's budget after a long debate.", "en"),
        ("Rescuers are working in Kharkiv, Zaporizhzhia and Dnipro after the strike.", "en"),
        ("Officials in Kyiv said the talks would resume next week.", "en"),
        # English dominated by names, brands and numbers
        ("Zelensky meets Macron and Scholz for the Weimar format (2 hours)", "en"),
        ("Naftogaz, Ukrenergo and DTEK said the grid is stable", "en"),
    ],
)
def test_sentences_and_headlines(text: str, expected: str) -> None:
    assert detect(text).label == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("нове життя", "uk"),
        ("нова школа", "uk"),
        ("українські новини", "uk"),
        ("новая школа", "ru"),
        ("русский язык", "ru"),
        ("это правда", "ru"),
        ("breaking news", "en"),
        ("prime minister", "en"),
    ],
)
def test_two_word_snippets(text: str, expected: str) -> None:
    assert detect(text).label == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("їжак", "uk"),
        ("єдність", "uk"),
        ("ґанок", "uk"),
        ("пам'ять", "uk"),
        ("пам’ять", "uk"),
        ("міністерство", "uk"),
        ("навчання", "uk"),
        ("український", "uk"),
        ("объявили", "ru"),
        ("этот", "ru"),
        ("ещё", "ru"),
        ("сообщение", "ru"),
        ("новости", "ru"),
        ("любовь", "ru"),
        ("government", "en"),
        ("Saturday", "en"),
    ],
)
def test_single_words(word: str, expected: str) -> None:
    assert detect(word).label == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Die Regierung hat am Montag neue Maßnahmen gegen die Inflation beschlossen.", "de"),
        ("Rząd przedstawił w poniedziałek nowy plan odbudowy szkół.", "pl"),
        ("България е държава в Югоисточна Европа с дълга история.", "bg"),
        ("Ђоковић је освојио турнир у Београду прошле недеље.", "sr"),
        ("Мы пайшлі ў госці да сяброў і прабылі там да вечара.", "be"),
    ],
)
def test_other_languages(text: str, expected: str) -> None:
    found = detect(text)
    assert found.label == f"other:{expected}"
    assert 0.0 <= found.confidence <= 1.0


@pytest.mark.parametrize("text", ["", "   ", "2024", "12:30 — 14:45", "+380 44 123 45 67", "…!?"])
def test_no_letters_is_undetermined(text: str) -> None:
    assert detect(text) == Detection("other:und", 0.0)


@pytest.mark.parametrize("prior_label", ["uk", "ru", "en"])
def test_no_letters_stays_undetermined_with_prior(prior_label: str) -> None:
    assert detect("2024-05-01", prior=Detection(prior_label, 0.99)) == Detection("other:und", 0.0)


@pytest.mark.parametrize(
    ("text", "prior_label"),
    [
        ("Так.", "uk"),
        ("Так.", "ru"),
        ("Нет.", "ru"),
        ("Вибух.", "uk"),
        ("Правда.", "uk"),
        ("Правда.", "ru"),
    ],
)
def test_prior_breaks_ties_on_short_text(text: str, prior_label: str) -> None:
    assert detect(text, prior=Detection(prior_label, 0.95)).label == prior_label


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A Russian quote inside a Ukrainian article stays Russian.
        ("«Мы никогда не согласимся на эти условия», — заявил он журналистам.", "ru"),
        ("Это было очень трудное решение для всех нас.", "ru"),
    ],
)
def test_prior_never_overrides_clear_evidence(text: str, expected: str) -> None:
    assert detect(text, prior=Detection("uk", 0.99)).label == expected


def test_ukrainian_sentence_with_russian_prior_stays_ukrainian() -> None:
    text = "Президент підписав закон, який набуде чинності наступного місяця."
    assert detect(text, prior=Detection("ru", 0.99)).label == "uk"


def test_confidence_is_higher_for_clear_text() -> None:
    clear = detect("Це рішення ухвалили після тривалої дискусії в парламенті.")
    vague = detect("Так.")
    assert 0.0 <= vague.confidence <= clear.confidence <= 1.0
    assert clear.confidence > 0.9


def test_deterministic_across_calls() -> None:
    texts = ["Так.", "дорога", "Der Hund schläft im Garten.", "Ok", "форма", "Добрий вечір"]
    first = detect_many(texts)
    assert [detect(t) for t in texts] == first
    assert detect_many(texts) == first


def test_detect_lines_matches_detect_and_strips_newlines() -> None:
    lines = ["Київ — столиця України.\n", "Москва — столица России.\n", "London is big.\n", "42\n"]
    found = list(detect_lines(lines))
    assert [d.label for d in found] == ["uk", "ru", "en", "other:und"]
    assert found == [detect(line.strip()) for line in lines]


def test_detect_lines_handles_many_lines_in_batches() -> None:
    lines = ["нова школа", "новая школа", "new school"] * 400
    found = list(detect_lines(lines, batch_size=100))
    assert len(found) == len(lines)
    assert [d.label for d in found[:3]] == ["uk", "ru", "en"]
    assert found[:3] * 400 == found
