"""Edition alignment (pipeline.align): hand-written uk/ru/en stories with newsroom edits, the
similarity helpers, the MT bridge path and the strict/lax scores."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from pipeline.align import (
    AlignedUnit,
    AlignOptions,
    Edition,
    align_editions,
    confident_pairs,
    learn_lexicon,
)
from pipeline.align.dp import DPParams
from pipeline.align.editions import start_lexicon
from pipeline.align.lexicon import (
    RATIO_PAIRS,
    Lexicon,
    learn,
    parse_seed,
    read_glossary,
    seed_lexicon,
    stems,
)
from pipeline.align.score import (
    AlignmentFileError,
    read_units,
    score,
    unit_records,
    write_units,
)
from pipeline.align.similarity import Features, bits_dice, fold, ngrams, numbers, text_similarity
from pipeline.align.threeway import Tuning
from pipeline.domain import NotFound

# The aligner without the packaged seed lexicon: what trigrams, a learned lexicon or a bridge do.
NO_SEED = Tuning(seed_lexicon=False)

UK = [
    "Президент Володимир Зеленський прибув до Львова у вівторок.",
    "Він зустрівся з мером Андрієм Садовим та 30 депутатами міської ради.",
    "Під час зустрічі вони обговорили ремонт 12 шкіл і двох лікарень.",
    "Місто отримає 45 мільйонів гривень з державного бюджету.",
    "Садовий подякував президенту за підтримку.",
    "Наступна зустріч запланована на 15 березня.",
]
RU = [
    "Президент Владимир Зеленский прибыл во Львов во вторник.",
    "Он встретился с мэром Андреем Садовым и 30 депутатами городского совета.",
    "Во время встречи они обсудили ремонт 12 школ и двух больниц.",
    "Город получит 45 миллионов гривен из государственного бюджета.",
    "Садовый поблагодарил президента за поддержку.",
    "Следующая встреча запланирована на 15 марта.",
]
EN = [
    "President Volodymyr Zelensky arrived in Lviv on Tuesday.",
    "He met Mayor Andriy Sadovyi and 30 members of the city council.",
    "During the meeting they discussed repairs to 12 schools and two hospitals.",
    "The city will receive 45 million hryvnias from the state budget.",
    "Sadovyi thanked the president for his support.",
    "The next meeting is scheduled for March 15.",
]
EN_MERGED_0_1 = (
    "President Volodymyr Zelensky arrived in Lviv on Tuesday and met Mayor Andriy Sadovyi "
    "and 30 members of the city council."
)
RU_SPLIT_2 = ("Во время встречи они обсудили ремонт 12 школ.", "Также речь шла о двух больницах.")
EN_ADDED = "Reporters were not allowed inside the building."
RU_MERGED_0_1 = (
    "Президент Владимир Зеленский прибыл во Львов во вторник и встретился с мэром "
    "Андреем Садовым и 30 депутатами городского совета."
)
UK_ADDED = "Журналістів до будівлі не пустили."

Unit = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]


def paragraphs(sentences: Sequence[str], sizes: Sequence[int]) -> tuple[tuple[str, ...], ...]:
    out = []
    at = 0
    for size in sizes:
        out.append(tuple(sentences[at : at + size]))
        at += size
    assert at == len(sentences)
    return tuple(out)


def units_of(editions: Sequence[Edition], options: AlignOptions | None = None) -> set[Unit]:
    """The units as (uk, ru, en) index tuples, after checking coverage and confidences."""
    found = align_editions(editions, options=options)
    langs = [e.lang for e in editions]
    for edition in editions:
        flat = sorted(i for u in found for i in u.sentences[edition.lang])
        assert flat == list(range(len(edition.sentences))), "every sentence exactly once"
    assert all(0.0 <= u.confidence <= 1.0 for u in found)

    def side(unit: AlignedUnit, lang: str) -> tuple[int, ...]:
        return tuple(unit.sentences[lang]) if lang in langs else ()

    return {(side(u, "uk"), side(u, "ru"), side(u, "en")) for u in found}


def one_to_one(count: int) -> set[Unit]:
    return {((i,), (i,), (i,)) for i in range(count)}


CASES = {
    "unchanged": (
        (UK, (2, 2, 2)),
        (RU, (2, 2, 2)),
        (EN, (2, 2, 2)),
        one_to_one(6),
    ),
    "en merges two sentences": (
        (UK, (2, 2, 2)),
        (RU, (2, 2, 2)),
        ([EN_MERGED_0_1, *EN[2:]], (1, 2, 2)),
        {((0, 1), (0, 1), (0,))} | {((i,), (i,), (i - 1,)) for i in range(2, 6)},
    ),
    "ru splits a sentence": (
        (UK, (2, 2, 2)),
        (RU[:2] + list(RU_SPLIT_2) + RU[3:], (2, 3, 2)),
        (EN, (2, 2, 2)),
        {((0,), (0,), (0,)), ((1,), (1,), (1,)), ((2,), (2, 3), (2,))}
        | {((i,), (i + 1,), (i,)) for i in range(3, 6)},
    ),
    "uk drops a sentence": (
        (UK[:4] + UK[5:], (2, 2, 1)),
        (RU, (2, 2, 2)),
        (EN, (2, 2, 2)),
        {((i,), (i,), (i,)) for i in range(4)} | {((), (4,), (4,)), ((4,), (5,), (5,))},
    ),
    "en adds a sentence": (
        (UK, (2, 2, 2)),
        (RU, (2, 2, 2)),
        (EN[:3] + [EN_ADDED] + EN[3:], (2, 2, 3)),
        {((i,), (i,), (i,)) for i in range(3)}
        | {((), (), (3,))}
        | {((i,), (i,), (i + 1,)) for i in range(3, 6)},
    ),
    "ru moves a paragraph": (
        (UK, (2, 2, 2)),
        (RU[:2] + RU[4:] + RU[2:4], (2, 2, 2)),
        (EN, (2, 2, 2)),
        {((0,), (0,), (0,)), ((1,), (1,), (1,)), ((2,), (4,), (2,)), ((3,), (5,), (3,))}
        | {((4,), (2,), (4,)), ((5,), (3,), (5,))},
    ),
    "uk adds a sentence between two that ru merges": (
        (UK[:1] + [UK_ADDED] + UK[1:], (3, 2, 2)),
        ([RU_MERGED_0_1, *RU[2:]], (1, 2, 2)),
        (EN, (2, 2, 2)),
        {((0, 2), (0,), (0, 1)), ((1,), (), ())}
        | {((i + 1,), (i - 1,), (i,)) for i in range(2, 6)},
    ),
    "paragraphs regrouped": (
        (UK, (3, 3)),
        (RU, (1, 4, 1)),
        (EN, (6,)),
        one_to_one(6),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_three_editions(case: str) -> None:
    (uk, uk_sizes), (ru, ru_sizes), (en, en_sizes), expected = CASES[case]
    editions = [
        Edition("uk", paragraphs(uk, uk_sizes)),
        Edition("ru", paragraphs(ru, ru_sizes)),
        Edition("en", paragraphs(en, en_sizes)),
    ]
    assert units_of(editions) == expected


def test_units_come_in_the_first_editions_reading_order() -> None:
    """uk moved a paragraph: it is aligned where ru and en have it, listed where uk has it."""
    editions = [
        Edition("uk", paragraphs(UK[:2] + UK[4:] + UK[2:4], (2, 2, 2))),
        Edition("ru", paragraphs(RU, (2, 2, 2))),
        Edition("en", paragraphs(EN, (2, 2, 2))),
    ]
    units = align_editions(editions)
    assert [u.sentences["uk"] for u in units] == [(i,) for i in range(6)]
    assert [u.sentences["en"] for u in units] == [(0,), (1,), (4,), (5,), (2,), (3,)]


@pytest.mark.parametrize("order", [("uk", "ru", "en"), ("en", "ru", "uk"), ("ru", "en", "uk")])
def test_edition_order_does_not_change_units(order: tuple[str, ...]) -> None:
    texts = {"uk": UK, "ru": RU[:2] + list(RU_SPLIT_2) + RU[3:], "en": [EN_MERGED_0_1, *EN[2:]]}
    editions = [Edition(lang, (tuple(texts[lang]),)) for lang in order]
    assert units_of(editions) == {
        ((0, 1), (0, 1), (0,)),
        ((2,), (2, 3), (1,)),
        ((3,), (4,), (2,)),
        ((4,), (5,), (3,)),
        ((5,), (6,), (4,)),
    }


@pytest.mark.parametrize(
    ("pair", "expected"),
    [
        (("uk", "ru"), {((i,), (i,), ()) for i in range(6)}),
        (("uk", "en"), {((i,), (), (i,)) for i in range(6)}),
        (("ru", "en"), {((), (i,), (i,)) for i in range(6)}),
    ],
)
def test_two_editions(pair: tuple[str, str], expected: set[Unit]) -> None:
    texts = {"uk": UK, "ru": RU, "en": EN}
    assert units_of([Edition(lang, (tuple(texts[lang]),)) for lang in pair]) == expected


def test_a_unit_leaves_out_a_sentence_added_between_its_two() -> None:
    """ru merged uk's first two sentences; uk added one between them: the unit is uk 0 and 2
    (not contiguous) with ru 0, and the added sentence stands alone."""
    uk = UK[:1] + [UK_ADDED] + UK[1:]
    ru = [RU_MERGED_0_1, *RU[2:]]
    assert units_of([Edition("uk", (tuple(uk),)), Edition("ru", (tuple(ru),))]) == {
        ((0, 2), (0,), ()),
        ((1,), (), ()),
    } | {((i + 1,), (i - 1,), ()) for i in range(2, 6)}


@pytest.mark.parametrize(
    ("cross_min", "moved_paired"), [(DPParams().cross_min, True), (None, False)]
)
def test_a_sentence_moved_within_a_paragraph_is_paired_out_of_order(
    cross_min: float | None, moved_paired: bool
) -> None:
    """ru moved uk's fifth sentence up to third place inside one paragraph: no paragraph moved, so
    only the recovery of items the monotonic path left alone pairs it."""
    moved = [0, 1, 4, 2, 3, 5]
    ru = tuple(RU[k] for k in moved)
    options = AlignOptions(tuning=Tuning(dp=DPParams(cross_min=cross_min)))
    units = units_of([Edition("uk", (tuple(UK),)), Edition("ru", (ru,))], options=options)
    assert {((k,), (moved.index(k),), ()) for k in (0, 1, 2, 3, 5)} <= units
    assert (((4,), (2,), ()) in units) is moved_paired


@pytest.mark.parametrize(
    ("en", "expected"),
    [
        (["In 2021 sales fell by 40 percent."], {((0,), (), ()), ((1,), (), (0,))}),
        (["In 2019 sales rose by 15 percent."], {((0,), (), (0,)), ((1,), (), ())}),
    ],
)
def test_numbers_anchor_which_sentence_was_kept(en: list[str], expected: set[Unit]) -> None:
    uk = (
        "У 2019 році продажі зросли на 15 відсотків.",
        "У 2021 році продажі впали на 40 відсотків.",
    )
    assert units_of([Edition("uk", (uk,)), Edition("en", (tuple(en),))]) == expected


# Translation pairs a first alignment might have found confident: "dog" and "barks" come with
# "Собака" and "гавкає" twice, "yard" with "дворі" twice, "weather" with "Погода" twice.
LEARNED = [
    ("uk", "Собака гавкає у дворі біля хати.", "en", "The dog barks in the yard near the house."),
    ("uk", "Собака гавкає.", "en", "The dog barks."),
    ("uk", "У дворі тихо.", "en", "The yard is quiet."),
    ("uk", "Погода погана.", "en", "The weather is bad."),
    ("en", "What weather?", "uk", "Яка погода?"),
]


def test_learn_links_stems_seen_together_in_several_pairs() -> None:
    lexicon = learn(LEARNED)
    assert stems("Собака гавкає у дворі") == {"соба", "гавк", "двор"}
    assert {"dog", "bark"} <= lexicon.links[("uk", "en")]["соба"]
    assert lexicon.links[("en", "uk")]["weat"] == {"пого"}
    assert "хати" not in lexicon.links[("uk", "en")]  # seen in one pair only
    assert "dog" not in lexicon.links[("uk", "en")]["пого"]
    assert lexicon.score(stems("Собака гавкає"), "uk", stems("The dog barks"), "en") == 1.0
    assert lexicon.score(stems("Погода"), "uk", stems("The dog barks"), "en") == 0.0
    assert lexicon.score(stems("Кіт спить"), "uk", stems("A cat sleeps"), "en") is None
    assert len(Lexicon()) == 0


@pytest.mark.parametrize("count", [RATIO_PAIRS, RATIO_PAIRS - 1])
def test_learn_keeps_the_length_ratio_of_a_language_pair(count: int) -> None:
    """English runs 1.5 characters per Ukrainian one in these pairs: the ratio is kept, both
    ways, once RATIO_PAIRS pairs say so."""
    found = learn([("en", "x" * 3 * n, "uk", "у" * 2 * n) for n in range(1, count + 1)])
    if count < RATIO_PAIRS:
        assert found.ratio("uk", "en") is None
    else:
        assert found.ratio("uk", "en") == pytest.approx(1.5)
        assert found.ratio("en", "uk") == pytest.approx(1 / 1.5)
    assert found.ratio("uk", "ru") is None


CAT_DOG_WEATHER = (
    ("Кіт спить на теплому дивані.", "Собака гавкає у дворі.", "Погода сьогодні дуже погана."),
    ("The dog barks in the yard.", "The weather is very bad today."),
)


def test_a_lexicon_decides_what_trigrams_cannot() -> None:
    """No names or numbers: without a lexicon "weather" is merged with the dog; with one it is
    the weather sentence's alone."""
    uk, en = CAT_DOG_WEATHER
    editions = [Edition("uk", (uk,)), Edition("en", (en,))]
    plain = align_editions(editions, options=AlignOptions(tuning=NO_SEED))
    helped = align_editions(editions, options=AlignOptions(lexicon=learn(LEARNED), tuning=NO_SEED))
    weather = {"uk": (2,), "en": (1,)}
    assert weather not in [dict(u.sentences) for u in plain]
    assert weather in [dict(u.sentences) for u in helped]


def test_a_lexicon_keeps_a_bounded_number_of_span_views(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lexicon serves a whole batch: what it keeps of the spans it was asked about is capped
    (``VIEWS_KEPT``), and a view asked for again after the cap cleared it scores the same."""
    import pipeline.align.lexicon as lexicon_module

    uk, en = CAT_DOG_WEATHER
    editions = [Edition("uk", (uk,)), Edition("en", (en,))]
    lexicon = learn(LEARNED)
    unbounded = align_editions(editions, options=AlignOptions(lexicon=lexicon, tuning=NO_SEED))
    unbounded_views = len(lexicon._views)
    monkeypatch.setattr(lexicon_module, "VIEWS_KEPT", 3)
    capped = learn(LEARNED)
    found = align_editions(editions, options=AlignOptions(lexicon=capped, tuning=NO_SEED))
    assert unbounded_views > 3 >= len(capped._views)
    assert [dict(u.sentences) for u in found] == [dict(u.sentences) for u in unbounded]
    assert [u.confidence for u in found] == [u.confidence for u in unbounded]


def test_the_seed_lexicon_aligns_one_story_alone() -> None:
    """Nothing learned, one story: the packaged seed lexicon knows dog and weather in all three
    languages, so each English sentence gets its own unit."""
    uk, en = CAT_DOG_WEATHER
    ru = ("Кот спит на тёплом диване.", "Собака лает во дворе.", "Погода сегодня очень плохая.")
    editions = [Edition("uk", (uk,)), Edition("ru", (ru,)), Edition("en", (en,))]
    units = [dict(u.sentences) for u in align_editions(editions)]
    assert {"uk": (1,), "ru": (1,), "en": (0,)} in units
    assert {"uk": (2,), "ru": (2,), "en": (1,)} in units
    assert {"uk": (0,), "ru": (0,), "en": ()} in units


def test_learn_lexicon_joins_the_seed_with_what_the_stories_teach() -> None:
    story = [Edition("uk", (tuple(UK),)), Edition("en", (tuple(EN),))]
    seeded = learn_lexicon([story, story])
    alone = learn_lexicon([story, story], options=AlignOptions(tuning=NO_SEED))
    assert seeded.links[("en", "uk")]["weat"] == seed_lexicon().links[("en", "uk")]["weat"]
    assert "weat" not in alone.links[("en", "uk")]
    assert alone.links[("uk", "en")]
    for stem, targets in alone.links[("uk", "en")].items():
        assert targets <= seeded.links[("uk", "en")][stem]


def test_learn_lexicon_from_stories_keeps_the_alignment() -> None:
    """Two stories (the same text twice, so each pair is seen twice) teach word pairs of aligned
    sentences only; aligning with the lexicon gives the same 1-1 units."""
    story = [Edition("uk", (tuple(UK),)), Edition("en", (tuple(EN),))]
    lexicon = learn_lexicon([story, story])
    links = lexicon.links[("uk", "en")]
    assert "scho" in links["шкіл"]  # sentence 2: "12 шкіл" / "12 schools"
    assert "budg" not in links["шкіл"]  # "budget" is sentence 3's
    found = align_editions(story, options=AlignOptions(lexicon=lexicon))
    assert {(u.sentences["uk"], u.sentences["en"]) for u in found} == {
        ((i,), (i,)) for i in range(6)
    }


def test_confident_pairs_are_the_one_to_one_links_of_each_story() -> None:
    """A story with an English merge: its 1-1 units give sentence pairs, the 2-1 none."""
    merged = (EN[0] + " " + EN[1], *EN[2:])
    story = [Edition("uk", (tuple(UK),)), Edition("en", (merged,))]
    found = {
        frozenset({(a, text_a), (b, text_b)}) for a, text_a, b, text_b in confident_pairs([story])
    }
    assert frozenset({("uk", UK[2]), ("en", merged[1])}) in found
    assert not any(("uk", UK[0]) in pair or ("uk", UK[1]) in pair for pair in found)
    assert len(found) == len(UK) - 2


def test_an_archive_alone_teaches_a_lexicon() -> None:
    """Pairs found before (``known``, what a store's earlier stories give) teach the lexicon with
    no story of the batch saying the same."""
    story = [Edition("uk", (tuple(UK),)), Edition("en", (tuple(EN),))]
    known = confident_pairs([story, story])
    unrelated = [
        Edition("uk", (("Погода сьогодні дуже погана.",),)),
        Edition("en", (("The weather is very bad today.",),)),
    ]
    options = AlignOptions(tuning=NO_SEED)  # the seed lexicon knows schools too
    lexicon = learn_lexicon([unrelated], known=known, options=options)
    assert "scho" in lexicon.links[("uk", "en")]["шкіл"]
    alone = learn_lexicon([unrelated], options=options)
    assert "scho" not in alone.links.get(("uk", "en"), {}).get("шкіл", ())


def test_one_and_no_editions() -> None:
    units = align_editions([Edition("uk", ((UK[0], UK[1]),))])
    assert [u.sentences for u in units] == [{"uk": (0,)}, {"uk": (1,)}]
    assert align_editions([]) == []


def test_two_editions_of_one_language_are_refused() -> None:
    with pytest.raises(ValueError, match="one edition per language"):
        align_editions([Edition("uk", ((UK[0],),)), Edition("uk", ((UK[1],),))])


class FakeBridge:
    """Translates by lookup (what the project's MT would return), recording its calls."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        self.calls: list[tuple[str, str, int]] = []

    def __call__(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        self.calls.append((source, target, len(texts)))
        return [self.table.get(text, "") for text in texts]


# Sentences with no number or name and different lengths: only meaning ties them.
PLAIN_UK = (
    "Люди стояли на вулиці до пізнього вечора.",
    "Багато хто приніс квіти та свічки.",
    "Поліція перекрила рух у центрі міста.",
)
PLAIN_EN = ("Many brought flowers and candles.", "Police closed traffic in the city centre.")


def test_bridge_translates_one_side_and_decides_the_unit() -> None:
    bridge = FakeBridge(
        {
            PLAIN_UK[0]: "People stood in the street until late evening.",
            PLAIN_UK[1]: PLAIN_EN[0],
            PLAIN_UK[2]: PLAIN_EN[1],
        }
    )
    editions = [Edition("uk", (PLAIN_UK,)), Edition("en", (PLAIN_EN,))]
    units = align_editions(editions, options=AlignOptions(bridge=bridge))
    assert bridge.calls == [("uk", "en", 3)]
    assert {(u.sentences["uk"], u.sentences["en"]) for u in units} == {
        ((0,), ()),
        ((1,), (0,)),
        ((2,), (1,)),
    }
    paired = [u for u in units if u.sentences["en"]]
    assert min(u.confidence for u in paired) > 0.5


def test_a_misleading_bridge_changes_the_answer() -> None:
    """The bridge is really used: one that swaps meanings pulls the first sentence in (no seed
    lexicon, which knows better)."""
    bridge = FakeBridge({PLAIN_UK[0]: PLAIN_EN[0], PLAIN_UK[1]: "", PLAIN_UK[2]: PLAIN_EN[1]})
    editions = [Edition("uk", (PLAIN_UK,)), Edition("en", (PLAIN_EN,))]
    units = align_editions(editions, options=AlignOptions(bridge=bridge, tuning=NO_SEED))
    assert ((0,), (0,)) in {(u.sentences["uk"], u.sentences["en"]) for u in units}


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        ("Зеленський відвідав Харків", "Зеленский посетил Харьков", 0.45, 1.0),
        ("Зеленський відвідав Харків", "Zelensky visited Kharkiv", 0.3, 1.0),
        ("Зеленський відвідав Харків", "Ціни на хліб зросли на 5%", 0.0, 0.2),
        ("Same title", "Same title", 1.0, 1.0),
    ],
)
def test_text_similarity(a: str, b: str, low: float, high: float) -> None:
    assert low <= text_similarity(a, b) <= high
    assert text_similarity(a, b) == pytest.approx(text_similarity(b, a))


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Харків", "harkiv"), ("Kharkiv", "harkiv"), ("Київ", "kiv"), ("Kyiv", "kiv")],
)
def test_fold_meets_spellings(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Зеленський відвідав Харків", "Zelensky visited Kharkiv"),
        ("Ціни на хліб зросли", "Цены на хлеб выросли"),
        ("", "Слово"),
        ("", ""),
    ],
)
def test_trigram_bitsets_count_as_the_trigram_sets(a: str, b: str) -> None:
    """The bitsets the aligner keeps give the Dice and sizes of the sets they stand for."""
    first, second = ngrams(a), ngrams(b)
    total = len(first) + len(second)
    expected = 2.0 * len(first & second) / total if total else 0.0
    assert bits_dice(Features.of(a).grams, Features.of(b).grams) == pytest.approx(expected)
    assert Features.of(a).gram_count == len(first)
    joined = Features.join([Features.of(a), Features.of(b)])
    assert joined.gram_count == len(first | second)


def test_numbers_agree_across_number_styles() -> None:
    assert numbers("1 000 і 3,5") == numbers("1,000 and 3.5")


# Gold: a-x (1-1), b c - y (2-1), d alone (1-0). Predicted: a-x, b-y, c alone, d alone.
GOLD = [
    {"story": "s", "uk": ["a"], "ru": ["x"]},
    {"story": "s", "uk": ["b", "c"], "ru": ["y"]},
    {"story": "s", "uk": ["d"], "ru": []},
]
PREDICTED = [
    {"story": "s", "uk": ["a"], "ru": ["x"]},
    {"story": "s", "uk": ["b"], "ru": ["y"]},
    {"story": "s", "uk": ["c"], "ru": []},
    {"story": "s", "uk": ["d"], "ru": []},
]


@pytest.mark.parametrize(
    ("predicted", "strict", "lax"),
    [
        (GOLD, (1.0, 1.0, 1.0), (1.0, 1.0, 1.0)),
        (PREDICTED, (0.5, 0.5, 0.5), (1.0, 1.0, 1.0)),
        (
            [{"story": "s", "uk": ["a", "b", "c", "d"], "ru": ["x", "y"]}],
            (0.0, 0.0, 0.0),
            (1.0, 1.0, 1.0),
        ),
        ([{"story": "s", "uk": ["a"], "ru": ["y"]}], (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)),
        ([{"story": "other", "uk": ["a"], "ru": ["x"]}], (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)),
    ],
)
def test_score_pair(
    predicted: list[dict[str, object]],
    strict: tuple[float, float, float],
    lax: tuple[float, float, float],
) -> None:
    m = score(GOLD, predicted).measures["uk-ru"]
    assert (m.strict_precision, m.strict_recall, m.strict_f1) == pytest.approx(strict)
    assert (m.lax_precision, m.lax_recall, m.lax_f1) == pytest.approx(lax)


def test_score_reads_sentences_alike_whatever_their_white_space_or_normal_form() -> None:
    # "й" written as и + combining breve (NFD), a double space, a trailing newline.
    gold = [{"story": "s", "uk": ["Мій  дім.\n"], "ru": ["Мои\u0306 дом."]}]
    predicted = [{"story": "s", "uk": ["Мій дім."], "ru": ["Мой дом."]}]
    assert score(gold, predicted).measures["uk-ru"].strict_f1 == 1.0


def test_score_three_way_and_pairs_cut_down() -> None:
    gold = [
        {"story": "s", "uk": ["a"], "ru": ["x"], "en": ["p"]},
        {"story": "s", "uk": ["b"], "ru": ["y"], "en": ["q", "r"]},
        {"story": "s", "uk": [], "ru": [], "en": ["t"]},
    ]
    predicted = [
        {"story": "s", "uk": ["a"], "ru": ["x"], "en": ["p"]},
        {"story": "s", "uk": ["b"], "ru": ["y"], "en": ["q"]},
        {"story": "s", "uk": [], "ru": [], "en": ["r"]},
        {"story": "s", "uk": [], "ru": [], "en": ["t"]},
    ]
    report = score(gold, predicted).measures
    assert set(report) == {"uk-ru", "uk-en", "ru-en", "uk-ru-en"}
    assert report["uk-ru"].strict_f1 == 1.0
    assert report["uk-en"].strict_f1 == pytest.approx(0.5)
    assert report["uk-ru-en"].strict_precision == pytest.approx(0.5)
    assert report["uk-ru-en"].strict_recall == pytest.approx(0.5)
    assert report["uk-ru-en"].lax_f1 == 1.0


def test_records_round_trip_and_score_an_alignment(tmp_path: Path) -> None:
    editions = [Edition("uk", (tuple(UK),)), Edition("en", (tuple(EN),))]
    records = unit_records("story-1", editions, align_editions(editions))
    assert records[0] == {
        "story": "story-1",
        "uk": [UK[0]],
        "en": [EN[0]],
        "kind": "1-1",
        "confidence": records[0]["confidence"],
    }
    path = tmp_path / "units.jsonl"
    write_units(path, records)
    assert read_units(path) == records
    assert score(records, read_units(path)).measures["uk-en"].strict_f1 == 1.0


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "not JSON"),
        (json.dumps({"uk": ["a"]}), "needs a"),
        (json.dumps({"story": "s", "uk": "a"}), "not a list"),
    ],
)
def test_read_units_rejects_bad_lines(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(AlignmentFileError, match=message) as err:
        read_units(path)
    assert err.value.hint


def test_read_units_missing_file(tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        read_units(tmp_path / "none.jsonl")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("dog\tсобака\n", 1),
        ("# comment\n\ndog\tсобака\tсобака\textra\n", 3),
        ("dog собака собака", 1),
    ],
)
def test_a_seed_line_without_three_cells_is_named(text: str, line: int) -> None:
    with pytest.raises(ValueError, match=f"line {line}:"):
        parse_seed(text)


def test_seed_lines_link_every_language_both_ways() -> None:
    found = parse_seed("# en uk ru\ndog dogs\tсобака собаки\tсобака пёс\n")
    assert found.links[("en", "uk")]["dog"] == {"соба"}
    assert found.links[("ru", "en")]["пёс"] == {"dog", "dogs"}
    assert found.links[("uk", "ru")]["соба"] == {"соба", "пёс"}
    packaged = seed_lexicon()
    assert len(packaged) > 2000
    for (source, target), table in packaged.links.items():
        back = packaged.links[(target, source)]
        assert all(stem in back[t] for stem, targets in table.items() for t in targets)


def test_the_seed_gives_with_no_translation() -> None:
    """Stems are four-letter prefixes, so a seed line for "within" or "without" would give
    "with", in nearly every English sentence, the translations of those words: a sentence
    with "проти" or "протягом" in it read as a link (in samples/set-city-budget a Ukrainian
    sentence the English edition dropped was paired with an unrelated English one)."""
    assert "with" not in seed_lexicon().links[("en", "uk")]
    assert "with" not in seed_lexicon().links[("en", "ru")]


GLOSSARY = (
    "# en\tuk\tru\n"
    "violinist violin\tскрипаль скрипка\tскрипач скрипка\n"
    "skyscraper\tхмарочос\tнебоскрёб\n"
    "squirrel squirrels\tбілка білки\tбелка белки\n"
    "acorn acorns\tжолудь жолуді\tжёлудь жёлуди\n"
)
# Words neither transliteration nor the seed lexicon link; English drops the first sentence.
SQUIRREL_UK = ("Скрипаль грав.", "Білка ховала жолуді.", "Хмарочос зводили роками.")
SQUIRREL_EN = ("The squirrel hid acorns.", "The skyscraper took years to build.")


def test_a_glossary_links_what_the_seed_does_not_know() -> None:
    """Without the glossary the squirrel is merged with the skyscraper and the violinist takes
    nothing; with it each English sentence finds its own."""
    editions = [Edition("uk", (SQUIRREL_UK,)), Edition("en", (SQUIRREL_EN,))]
    glossary = parse_seed(GLOSSARY, name="glossary")
    plain = [dict(u.sentences) for u in align_editions(editions)]
    helped = [
        dict(u.sentences) for u in align_editions(editions, options=AlignOptions(glossary=glossary))
    ]
    wanted = [{"uk": (0,), "en": ()}, {"uk": (1,), "en": (0,)}, {"uk": (2,), "en": (1,)}]
    assert plain != wanted
    assert helped == wanted


def test_the_glossary_joins_the_seed_alone_and_under_what_is_learned() -> None:
    glossary = parse_seed(GLOSSARY, name="glossary")
    start = start_lexicon(AlignOptions(glossary=glossary))
    assert start is not None
    assert start.links[("en", "uk")]["squi"] == {"білк"}
    assert start.links[("en", "uk")]["weat"] == seed_lexicon().links[("en", "uk")]["weat"]
    alone = start_lexicon(AlignOptions(glossary=glossary, tuning=NO_SEED))
    assert alone is not None and "weat" not in alone.links[("en", "uk")]
    assert start_lexicon(AlignOptions(tuning=NO_SEED)) is None
    story = [Edition("uk", (tuple(UK),)), Edition("en", (tuple(EN),))]
    learned = learn_lexicon([story, story], options=AlignOptions(glossary=glossary))
    assert "skys" in learned.links[("uk", "en")]["хмар"]
    assert "соба" in learned.links[("uk", "en")]  # the seed still there


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("violin\tскрипка\n", "line 1: want en, uk and ru cells"),
        (b"\xff\xfe\x00broken", "cannot be read as UTF-8"),
    ],
)
def test_a_glossary_that_cannot_be_read_is_named(
    tmp_path: Path, content: str | bytes | None, message: str
) -> None:
    path = tmp_path / "glossary.tsv"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(ValueError, match=message) as raised:
        read_glossary(path)
    assert str(path) in str(raised.value)


def test_union_keeps_both_lexicons_links_and_the_newer_ratio() -> None:
    first = Lexicon({("uk", "en"): {"соба": frozenset({"dog"})}}, {("uk", "en"): 1.1})
    second = Lexicon(
        {("uk", "en"): {"соба": frozenset({"houn"}), "кіт": frozenset({"cat"})}},
        {("uk", "en"): 1.2},
    )
    joined = first.union(second)
    assert joined.links[("uk", "en")] == {"соба": {"dog", "houn"}, "кіт": {"cat"}}
    assert joined.ratio("uk", "en") == 1.2
    assert first.union(Lexicon()).ratio("uk", "en") == 1.1
