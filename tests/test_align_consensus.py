"""Three-edition consensus: a link stands when two of the joint, pairwise and composed
alignments make it, or when the pair's own alignment makes it confidently; every sentence stays
in exactly one unit."""

from __future__ import annotations

import pytest

from pipeline.align.consensus import CONFIDENT, combine, links
from pipeline.align.similarity import length_log_prob

LANGS = ("uk", "ru", "en")


def _pairs(*units: dict[str, tuple[int, ...]]) -> list[tuple[dict[str, tuple[int, ...]], float]]:
    return [(unit, 0.9) for unit in units]


def _shape(units) -> list[dict[str, tuple[int, ...]]]:
    return [{lang: tuple(unit[0].get(lang, ())) for lang in LANGS} for unit in units]


def test_two_pairwise_alignments_outvote_the_joint_one():
    # The joint alignment joined English sentence 1 to the first unit; both pairwise alignments
    # put it with the second.
    joint = [({"uk": (0,), "ru": (0,), "en": (0, 1)}, 0.9), ({"uk": (1,), "ru": (1,)}, 0.8)]
    pairwise = {
        ("uk", "ru"): _pairs({"uk": (0,), "ru": (0,)}, {"uk": (1,), "ru": (1,)}),
        ("uk", "en"): _pairs({"uk": (0,), "en": (0,)}, {"uk": (1,), "en": (1,)}),
        ("ru", "en"): _pairs({"ru": (0,), "en": (0,)}, {"ru": (1,), "en": (1,)}),
    }
    units = combine(joint, pairwise, LANGS, {"uk": 2, "ru": 2, "en": 2})
    assert _shape(units) == [
        {"uk": (0,), "ru": (0,), "en": (0,)},
        {"uk": (1,), "ru": (1,), "en": (1,)},
    ]
    # A reshaped unit keeps the lowest confidence of the joint units its sentences came from.
    assert units[1][1] == pytest.approx(0.8)


def test_a_link_one_alignment_makes_is_dropped_when_others_disagree():
    joint = [
        ({"uk": (0,), "ru": (0,), "en": (0,)}, 0.9),
        ({"uk": (1,), "ru": (1,), "en": (1,)}, 0.9),
    ]
    pairwise = {
        ("uk", "ru"): _pairs({"uk": (0,), "ru": (0,)}, {"uk": (1,), "ru": (1,)}),
        ("uk", "en"): _pairs({"uk": (0,), "en": (0,)}, {"uk": (1,)}, {"en": (1,)}),
        ("ru", "en"): _pairs({"ru": (0,), "en": (0,)}, {"ru": (1,)}, {"en": (1,)}),
    }
    units = combine(joint, pairwise, LANGS, {"uk": 2, "ru": 2, "en": 2})
    assert _shape(units) == [
        {"uk": (0,), "ru": (0,), "en": (0,)},
        {"uk": (1,), "ru": (1,), "en": ()},
        {"uk": (), "ru": (), "en": (1,)},
    ]


@pytest.mark.parametrize(
    ("confidence", "least", "joined"),
    [
        (CONFIDENT + 0.05, CONFIDENT, True),
        (CONFIDENT - 0.05, CONFIDENT, False),
        (CONFIDENT + 0.05, None, False),  # two votes only
    ],
)
def test_a_confident_pairwise_link_stands_without_a_second_vote(confidence, least, joined):
    # Only the uk-en alignment links uk 1 with en 1 (the joint one left en 1 alone).
    joint = [
        ({"uk": (0,), "ru": (0,), "en": (0,)}, 0.9),
        ({"uk": (1,), "ru": (1,)}, 0.9),
        ({"en": (1,)}, 0.3),
    ]
    pairwise = {
        ("uk", "ru"): _pairs({"uk": (0,), "ru": (0,)}, {"uk": (1,), "ru": (1,)}),
        ("uk", "en"): [({"uk": (0,), "en": (0,)}, 0.9), ({"uk": (1,), "en": (1,)}, confidence)],
        ("ru", "en"): _pairs({"ru": (0,), "en": (0,)}, {"ru": (1,)}, {"en": (1,)}),
    }
    units = combine(joint, pairwise, LANGS, {"uk": 2, "ru": 2, "en": 2}, confident=least)
    if joined:
        assert _shape(units)[1:] == [{"uk": (1,), "ru": (1,), "en": (1,)}]
    else:
        assert _shape(units)[1:] == [
            {"uk": (1,), "ru": (1,), "en": ()},
            {"uk": (), "ru": (), "en": (1,)},
        ]


def test_sentences_nothing_else_links_keep_the_joint_links():
    # uk 1 and en 1 are linked only by the joint alignment, and nothing else links either.
    joint = [({"uk": (0,), "ru": (0,), "en": (0,)}, 0.9), ({"uk": (1,), "en": (1,)}, 0.6)]
    pairwise = {
        ("uk", "ru"): _pairs({"uk": (0,), "ru": (0,)}, {"uk": (1,)}),
        ("uk", "en"): _pairs({"uk": (0,), "en": (0,)}, {"uk": (1,)}, {"en": (1,)}),
        ("ru", "en"): _pairs({"ru": (0,), "en": (0,)}, {"en": (1,)}),
    }
    units = combine(joint, pairwise, LANGS, {"uk": 2, "ru": 1, "en": 2})
    assert _shape(units)[1] == {"uk": (1,), "ru": (), "en": (1,)}


def test_every_sentence_is_in_exactly_one_unit():
    joint = [({"uk": (0, 1), "ru": (0,), "en": (0,)}, 0.9), ({"ru": (1,), "en": (1, 2)}, 0.7)]
    pairwise = {
        ("uk", "ru"): _pairs({"uk": (0,), "ru": (0,)}, {"uk": (1,), "ru": (1,)}),
        ("uk", "en"): _pairs({"uk": (0, 1), "en": (0, 1)}, {"en": (2,)}),
        ("ru", "en"): _pairs({"ru": (0,), "en": (0,)}, {"ru": (1,), "en": (1, 2)}),
    }
    sizes = {"uk": 2, "ru": 2, "en": 3}
    units = combine(joint, pairwise, LANGS, sizes)
    for lang, size in sizes.items():
        seen = sorted(i for unit in units for i in unit[0].get(lang, ()))
        assert seen == list(range(size)), lang


def test_links_pair_every_sentence_of_a_unit_across_languages():
    found = links(_pairs({"uk": (0, 1), "ru": (0,), "en": ()}), LANGS)
    assert found == {(("uk", 0), ("ru", 0)), (("uk", 1), ("ru", 0))}


@pytest.mark.parametrize(("first", "second", "ratio"), [(100, 100, 1.0), (100, 120, 1.2)])
def test_length_log_prob_is_zero_for_lengths_in_proportion(first, second, ratio):
    assert length_log_prob(first, second, ratio) == pytest.approx(0.0, abs=1e-9)


def test_length_log_prob_falls_as_lengths_part():
    close, far, farther = (length_log_prob(100, n) for n in (110, 160, 300))
    assert 0.0 > close > far > farther >= length_log_prob(100, 10_000)
