"""Pairing editions by their texts: no url, no file name, no `translation_of` to go on."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.align.documents import (
    MIN_OTHERS,
    RATIO_FULL,
    RATIO_NONE,
    DocumentIndex,
    evidence,
    sentence_evidence,
    sentence_margin,
)
from pipeline.align.pairing import Candidate, names, pair_editions
from pipeline.cli import main

DAY = "2026-03-21"
LANGS = ("uk", "ru", "en")
# Six stories of one day, each in uk, ru and en: title, then the text.
STORIES: dict[str, dict[str, tuple[str, str]]] = {
    "ferry": {
        "uk": ("Пором вийшов з Одеси", "Пором «Юлія» вийшов з Одеси до Стамбула з 120 пасажирами. "
               "Капітан Олег Дорош каже, що рейс триватиме 19 годин."),
        "ru": ("Паром вышел из Одессы", "Паром «Юлия» вышел из Одессы в Стамбул со 120 "
               "пассажирами. Капитан Олег Дорош говорит, что рейс продлится 19 часов."),
        "en": ("Ferry leaves Odesa", "The ferry Yulia left Odesa for Istanbul with 120 passengers. "
               "Captain Oleh Dorosh says the voyage will take 19 hours."),
    },
    "budget": {
        "uk": ("Львів ухвалив бюджет", "Міська рада Львова ухвалила бюджет на 2027 рік: 12,4 "
               "мільярда гривень. Найбільше отримають школи та лікарні."),
        "ru": ("Львов принял бюджет", "Городской совет Львова принял бюджет на 2027 год: 12,4 "
               "миллиарда гривен. Больше всего получат школы и больницы."),
        "en": ("Lviv passes its budget", "Lviv city council passed a budget of 12.4 billion "
               "hryvnias for 2027. Schools and hospitals get the most."),
    },
    "tram": {
        "uk": ("У Харкові відновили трамвай", "Трамвай №27 знову курсує Салтівкою після "
               "ремонту колії. Мер Ігор Терехов обіцяє ще три маршрути до травня."),
        "ru": ("В Харькове восстановили трамвай", "Трамвай №27 снова ходит по Салтовке после "
               "ремонта пути. Мэр Игорь Терехов обещает ещё три маршрута к маю."),
        "en": ("Kharkiv tram is back", "Tram No. 27 runs through Saltivka again after track "
               "repairs. Mayor Ihor Terekhov promises three more routes by May."),
    },
    "harvest": {
        "uk": ("Полтавщина зібрала пшеницю", "Аграрії Полтавщини зібрали 2,1 мільйона тонн "
               "пшениці. Урожайність зросла до 48 центнерів з гектара."),
        "ru": ("Полтавщина собрала пшеницу", "Аграрии Полтавщины собрали 2,1 миллиона тонн "
               "пшеницы. Урожайность выросла до 48 центнеров с гектара."),
        "en": ("Poltava region brings in its wheat", "Farmers in the Poltava region harvested "
               "2.1 million tonnes of wheat. Yields rose to 48 centners a hectare."),
    },
    "concert": {
        "uk": ("Оркестр зіграв у метро", "Київський симфонічний оркестр дав концерт на станції "
               "«Золоті ворота». Диригент Луїґі Ґаджеро присвятив його медикам."),
        "ru": ("Оркестр сыграл в метро", "Киевский симфонический оркестр дал концерт на станции "
               "«Золотые ворота». Дирижёр Луиджи Гаджеро посвятил его медикам."),
        "en": ("Orchestra plays the metro", "The Kyiv Symphony Orchestra gave a concert at "
               "Zoloti Vorota station. Conductor Luigi Gaggero dedicated it to medics."),
    },
    "bridge": {
        "uk": ("Міст у Черкасах закрили", "Дамбовий міст через Дніпро в Черкасах закрили для "
               "вантажівок масою понад 40 тонн. Ремонт коштуватиме 350 мільйонів гривень."),
        "ru": ("Мост в Черкассах закрыли", "Дамбовый мост через Днепр в Черкассах закрыли для "
               "грузовиков массой более 40 тонн. Ремонт обойдётся в 350 миллионов гривен."),
        "en": ("Cherkasy bridge closed", "The dam bridge over the Dnipro in Cherkasy is closed "
               "to lorries over 40 tonnes. Repairs will cost 350 million hryvnias."),
    },
}  # fmt: skip


def _article(story: str, lang: str, *, date: str | None = DAY) -> Candidate:
    title, text = STORIES[story][lang]
    return Candidate(f"{story}.{lang}", lang, title, tuple(text.split(". ")), date=date)


def _all(*, leave_out: tuple[str, ...] = (), date: str | None = DAY) -> list[Candidate]:
    return [
        _article(story, lang, date=date)
        for story in STORIES
        for lang in ("uk", "ru", "en")
        if f"{story}.{lang}" not in leave_out
    ]


def _linked(found: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    return sorted(tuple(sorted(ids)) for ids in found)


def test_a_days_editions_pair_by_their_texts() -> None:
    pairing = pair_editions(_all())
    assert _linked([s.ids for s in pairing.stories]) == _linked(
        [tuple(f"{story}.{lang}" for lang in ("uk", "ru", "en")) for story in STORIES]
    )
    assert all(
        any(reason.startswith("text") for reason in pair.reasons)
        for story in pairing.stories
        for pair in story.editions
        if pair.reasons != ("through another edition",)
    )


def test_undated_editions_pair_when_the_texts_decide() -> None:
    pairing = pair_editions(_all(date=None))
    stories = {tuple(sorted(s.ids)) for s in pairing.stories}
    assert ("ferry.en", "ferry.ru", "ferry.uk") in stories
    assert all(len({i.split(".")[0] for i in ids}) == 1 for ids in stories)


def test_an_article_whose_edition_is_missing_stays_alone() -> None:
    pairing = pair_editions(_all(leave_out=("tram.en", "bridge.ru")))
    by_member = {i: s for s in pairing.stories for i in s.ids}
    assert by_member["tram.uk"].ids == by_member["tram.ru"].ids
    assert sorted(by_member["tram.uk"].ids) == ["tram.ru", "tram.uk"]
    assert sorted(by_member["bridge.en"].ids) == ["bridge.en", "bridge.uk"]


def test_unrelated_articles_of_one_day_are_not_linked() -> None:
    # One language per story: nothing here has an edition.
    langs = ("uk", "ru", "en", "uk", "ru", "en")
    pairing = pair_editions([_article(s, lang) for s, lang in zip(STORIES, langs, strict=True)])
    assert pairing.stories == []


def test_among_a_handful_of_articles_the_sentences_decide() -> None:
    # Fewer than MIN_OTHERS articles of a language: too few to rank, so each pair's sentences
    # are compared instead (documents.sentence_evidence), undated as a small folder often is.
    few = [_article(s, lang, date=None) for s in list(STORIES)[: MIN_OTHERS - 1] for lang in LANGS]
    pairing = pair_editions(few)
    assert _linked([s.ids for s in pairing.stories]) == _linked(
        [tuple(f"{story}.{lang}" for lang in LANGS) for story in list(STORIES)[: MIN_OTHERS - 1]]
    )
    assert all(
        any(reason.startswith("text") for reason in pair.reasons)
        for story in pairing.stories
        for pair in story.editions
    )


# A follow-up of the ferry story the same day: the same ship, captain, passengers and hours.
FERRY_BACK = {
    "uk": ("Пором повернувся до Одеси", "Пором «Юлія» повернувся зі Стамбула до Одеси з 120 "
           "пасажирами. Капітан Олег Дорош каже, що рейс тривав 19 годин."),
    "ru": ("Паром вернулся в Одессу", "Паром «Юлия» вернулся из Стамбула в Одессу со 120 "
           "пассажирами. Капитан Олег Дорош говорит, что рейс длился 19 часов."),
    "en": ("Ferry returns to Odesa", "The ferry Yulia returned from Istanbul to Odesa with 120 "
           "passengers. Captain Oleh Dorosh says the voyage took 19 hours."),
}  # fmt: skip


def _texts(story: dict[str, tuple[str, str]], lang: str) -> tuple[str, ...]:
    title, text = story[lang]
    return (title, *text.split(". "))


@pytest.mark.parametrize(("rival", "linked"), [("tram", True), ("ferry-back", False)])
def test_sentences_count_by_their_lead_over_the_runner_up(rival: str, linked: bool) -> None:
    """The ferry's uk and en editions against an unrelated runner-up keep their sentence
    evidence; against the follow-up, whose sentences match as well, they get nothing."""
    stories = {**STORIES, "ferry-back": FERRY_BACK}
    first, second = _texts(STORIES["ferry"], "uk"), _texts(STORIES["ferry"], "en")
    rivals = [_texts(stories[rival], "en"), _texts(stories[rival], "uk")]
    plain = sentence_evidence(first, second, same_script=False)
    margin = sentence_margin(first, second, rivals, same_script=False)
    assert plain > 0.5
    assert (margin == plain) if linked else (margin == 0.0)


def test_a_follow_up_with_the_same_names_and_numbers_is_not_linked_to_the_story() -> None:
    """Undated, the two ferry stories' editions are each other's rivals, about as alike as
    their own editions; once the other stories are linked, few rivals are left and the
    sentences, which match both, used to link the follow-up's English to the first story."""
    back = [
        Candidate(f"ferry-back.{lang}", lang, title, tuple(text.split(". ")))
        for lang, (title, text) in FERRY_BACK.items()
    ]
    pairing = pair_editions([*_all(date=None), *back])
    for story in pairing.stories:
        assert len({member.split(".")[0] for member in story.ids}) == 1, story.ids
    linked = {tuple(sorted(s.ids)) for s in pairing.stories}
    assert ("tram.en", "tram.ru", "tram.uk") in linked


@pytest.mark.parametrize(
    ("first", "second"),
    [("ferry.uk", "ferry.ru"), ("ferry.uk", "ferry.en"), ("budget.ru", "budget.en")],
)
def test_sentence_evidence_tells_editions_from_strangers(first: str, second: str) -> None:
    def sentences(key: str) -> tuple[str, ...]:
        story, lang = key.split(".")
        title, text = STORIES[story][lang]
        return (title, *text.split(". "))

    same = first[-2:] != "en" and second[-2:] != "en"
    stranger = sentences("harvest." + second[-2:])
    assert sentence_evidence(sentences(first), sentences(second), same_script=same) > 0.5
    assert sentence_evidence(sentences(first), stranger, same_script=same) == 0.0
    assert sentence_evidence(sentences(first)[:2], sentences(second), same_script=same) == 0.0


def test_an_edition_is_most_like_its_counterpart() -> None:
    articles = _all()
    index = DocumentIndex({a.id: (a.title, *a.sentences) for a in articles})
    english = [a.id for a in articles if a.lang == "en"]
    for story in STORIES:
        ranking = index.ranked(f"{story}.uk", english)
        assert ranking.best == f"{story}.en"
        assert ranking.similarity > ranking.runner_up > 0
        assert ranking.others == len(STORIES)


def test_ranking_many_at_once_gives_each_pairs_own_cosine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The numpy pass over many others (``BATCH_FROM`` or more) ranks as the dot product of
    each pair does, an article with no terms (a blank one) at 0."""
    import pipeline.align.documents as documents

    articles = {a.id: (a.title, *a.sentences) for a in _all()}
    articles["blank.en"] = ("",)
    english = [key for key in articles if key.endswith(".en")]
    ukrainian = [key for key in articles if key.endswith(".uk")]
    one_by_one = DocumentIndex(articles)
    monkeypatch.setattr(documents, "BATCH_FROM", 10**6)
    expected = {one: one_by_one.ranked(one, english) for one in ukrainian}
    monkeypatch.setattr(documents, "BATCH_FROM", 1)
    at_once = DocumentIndex(articles)
    for one in ukrainian:
        found = at_once.ranked(one, english)
        assert (found.best, found.rival, found.others) == (
            expected[one].best,
            expected[one].rival,
            expected[one].others,
        )
        assert found.similarity == pytest.approx(expected[one].similarity, abs=1e-12)
        assert found.runner_up == pytest.approx(expected[one].runner_up, abs=1e-12)
        row = at_once._row(one, english)
        assert row == pytest.approx([one_by_one.similarity(one, e) for e in english], abs=1e-12)
        assert row[english.index("blank.en")] == 0.0


@pytest.mark.parametrize(
    ("similarity", "runner_up", "expected"),
    [
        (0.5, 0.5 / RATIO_NONE, 0.0),
        (0.5, 0.5 / RATIO_FULL, 1.0),
        (0.5, 0.5 / ((RATIO_NONE + RATIO_FULL) / 2), 0.5),
        (0.14, 0.0, 0.25),  # no runner-up: measured against an unrelated pair's 0.1 across
    ],
)
def test_evidence_grows_with_the_lead_over_the_runner_up(
    similarity: float, runner_up: float, expected: float
) -> None:
    assert evidence(similarity, runner_up, same_script=False) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Пором вийшов з Одеси до Стамбула.", ["odes", "stam"]),
        ("Київ прийняв гостей. Одеса теж.", []),
        ('Він сказав: "Харків витримає", і пішов до Марії.', ["mari"]),
        ("Мер Ігор Терехов обіцяє ще три маршрути?  Так.", ["ihor", "tere"]),
    ],
)
def test_names_skip_words_that_open_a_sentence_or_a_quote(text: str, expected: list[str]) -> None:
    assert sorted(names(text)) == expected


def test_align_pairs_a_folder_of_unmarked_editions_by_their_texts(tmp_path: Path) -> None:
    for number, article in enumerate(_all()):
        body = ". ".join(article.sentences)
        (tmp_path / f"{number:03d}.md").write_text(
            f"---\ntitle: {article.title}\ndate: {DAY}\nlang: {article.lang}\n---\n\n{body}\n",
            encoding="utf-8",
        )
    result = CliRunner().invoke(main, ["align", str(tmp_path), "--db", str(tmp_path / "a.db")])
    output = result.output
    assert result.exit_code == 0, output
    linked = [line for line in output.splitlines() if line.startswith("linked")]
    assert len(linked) == 2 * len(STORIES)
    assert all("text" in line for line in linked)


def test_a_file_name_reused_a_month_later_is_not_linked_by_text() -> None:
    uk, en = _article("ferry", "uk"), _article("ferry", "en")
    far = [
        Candidate(a.id, a.lang, a.title, a.sentences, date=day, source_path=f"ferry.{a.lang}.md")
        for a, day in ((uk, "2026-03-01"), (en, "2026-04-01"))
    ]
    pairing = pair_editions(far)
    assert pairing.stories == []
    (pair,) = pairing.uncertain
    assert "file name" in pair.reasons and pair.confidence == 0.5
