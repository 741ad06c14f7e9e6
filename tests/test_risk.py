"""The model's own score: stored with machine versions, free of effect on the text, and the risk
formula that combines it with the checks (pipeline.review.risk)."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from pipeline.domain import Signature, Version
from pipeline.review.risk import UNSURE_AT, assess, model_risk
from pipeline.store import MIGRATIONS, Store
from pipeline.testmodels import demo_corpus
from pipeline.translate.base import Translation
from pipeline.translate.compose import Cached, Pivot
from pipeline.translate.scores import TokenScore, pivot_score, row_scores
from tests.test_store import SIGNATURE, make_article

# -- the formula ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "flags", "low", "high", "reason"),
    [
        pytest.param(None, [], 0.0, 0.0, None, id="nothing-known"),
        pytest.param(-0.3, [], 0.0, 0.05, None, id="sure-model"),
        pytest.param(
            UNSURE_AT,
            [],
            0.5,
            0.5,
            "the model was unsure (mean log-probability -1.5)",
            id="threshold-is-a-coin-toss",
        ),
        pytest.param(
            -2.3,
            [],
            0.9,
            0.97,
            "the model was unsure (mean log-probability -2.3)",
            id="unsure-model",
        ),
        pytest.param(
            -1.1,
            [],
            0.1,
            0.3,
            "the model was somewhat unsure (mean log-probability -1.1)",
            id="somewhat-unsure",
        ),
        pytest.param(
            None,
            ["numbers", "numbers: 3.2"],
            0.8,
            0.8,
            "a number in the source is missing: 3.2",
            id="number-detail-wins",
        ),
        pytest.param(None, ["loop"], 0.95, 0.95, "the translation repeats itself", id="loop"),
        pytest.param(
            None,
            ["split:2"],
            0.2,
            0.2,
            "the sentence was too long and was translated in 2 pieces",
            id="split",
        ),
        pytest.param(None, ["passthrough:no-letters"], 0.0, 0.0, None, id="kept-as-written"),
        pytest.param(None, ["something-new"], 0.5, 0.5, "check: something-new", id="unknown-flag"),
    ],
)
def test_assess_cases(
    score: float | None, flags: list[str], low: float, high: float, reason: str | None
) -> None:
    risk = assess(score, flags)
    assert low - 1e-3 <= risk.value <= high + 1e-3
    if reason is None:
        assert risk.reasons == ()
    else:
        assert risk.reasons[0] == reason


def test_assess_combines_signs_as_noisy_or_worst_reason_first() -> None:
    risk = assess(-2.3, ["split:2", "numbers: 3.2"])
    expected = 1 - (1 - model_risk(-2.3)) * (1 - 0.2) * (1 - 0.8)
    assert risk.value == pytest.approx(expected, abs=1e-4)
    assert risk.reasons == (
        "the model was unsure (mean log-probability -2.3)",
        "a number in the source is missing: 3.2",
        "the sentence was too long and was translated in 2 pieces",
    )


@pytest.mark.parametrize("worse,better", [(-3.0, -2.0), (-1.6, -1.4), (-0.8, -0.2)])
def test_lower_score_is_never_less_risky(worse: float, better: float) -> None:
    assert assess(worse, []).value > assess(better, []).value
    assert assess(worse, ["length"]).value > assess(better, ["length"]).value


def test_extreme_scores_stay_in_range() -> None:
    assert assess(-1e9, []).value == 1.0
    assert assess(0.0, []).value < 0.01
    assert assess(math.nan, []).value == 0.0


# -- the score pieces -------------------------------------------------------------------------


def test_row_scores_count_up_to_the_first_end_token() -> None:
    import torch

    produced = torch.tensor([[5, 6, 0, 9, 9], [5, 0, 0, 0, 0], [5, 6, 7, 8, 4]])
    logprobs = torch.tensor(
        [[-1.0, -2.0, -3.0, -50.0, -50.0], [-0.5, -0.5, -99.0, 0.0, 0.0], [-1.0] * 5]
    )
    rows = row_scores(produced, logprobs, [0])
    assert rows == [TokenScore(-6.0, 3), TokenScore(-1.0, 2), TokenScore(-5.0, 5)]
    assert rows[0].mean == -2.0


def test_ctranslate2_score_turns_back_into_a_mean() -> None:
    from pipeline.translate.ct2 import hypothesis_score

    # ended with </s> after 4 tokens: length 5, score = total / 5 ** 1
    ended = hypothesis_score(-0.5, 4, max_length=20, length_penalty=1.0)
    assert (ended.tokens, ended.mean) == (5, pytest.approx(-0.5))
    # cut at the maximum: no </s>; length_penalty 2 divides by length squared
    cut = hypothesis_score(-0.29, 20, max_length=20, length_penalty=2.0)
    assert (cut.tokens, cut.mean) == (20, pytest.approx(-0.29 * 20))


class _Scored:
    def __init__(self, route: str, score: float | None) -> None:
        self.route = route
        self.score = score
        self.calls = 0

    @property
    def signature(self) -> Signature:
        return Signature(model_id=f"m/{self.route}", revision="r", decoding="{}", route=self.route)

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        self.calls += 1
        return [
            Translation(text=f"[{target}] {t}", signature=self.signature, score=self.score)
            for t in texts
        ]


def test_pivot_adds_its_legs_scores() -> None:
    made = Pivot(_Scored("uk>en", -0.4), _Scored("en>ru", -0.7)).translate(["Так."], "uk", "ru")
    assert made[0].score == pytest.approx(-1.1)
    assert pivot_score(-0.4, None) is None


def test_memory_keeps_the_score_with_the_pair(tmp_path: Path) -> None:
    inner = _Scored("uk>en", -0.9)
    with Store(tmp_path / "m.db") as store:
        cached = Cached(inner, store)
        first = cached.translate(["Добрий день."], "uk", "en")
        again = cached.translate(["Добрий день."], "uk", "en")
    assert inner.calls == 1
    assert again[0].from_memory and again[0].text == first[0].text
    assert again[0].score == pytest.approx(-0.9)


# -- the engine: scores given, text unchanged --------------------------------------------------


def _greedy_table(tiny_models: Path) -> Path:
    table = tiny_models.parent / "models-greedy.yaml"
    table.write_text(tiny_models.read_text("utf-8") + "generation:\n  num_beams: 1\n", "utf-8")
    return table


@pytest.mark.parametrize(
    ("decoding", "engine"),
    [("beam", "transformers"), ("greedy", "transformers"), ("beam", "ctranslate2")],
)
def test_scores_do_not_change_the_translations(
    tiny_models: Path, decoding: str, engine: str
) -> None:
    from pipeline.routing import load_table
    from pipeline.translate import EngineOptions, build_engine

    table = _greedy_table(tiny_models) if decoding == "greedy" else tiny_models
    texts = demo_corpus()["uk"][:12]
    made = {}
    for scores in (False, True):
        options = EngineOptions(engine=engine, scores=scores, use_memory=False, threads=1)
        with build_engine(load_table(table), options) as built:
            made[scores] = built.translate(texts, "uk", "en")
    assert [t.text for t in made[True]] == [t.text for t in made[False]]
    assert all(t.score is None for t in made[False])
    # a log-probability: never above 0, and the random demo weights are unsure of everything
    assert all(t.score is not None and -20 < t.score < 0 for t in made[True])


def test_greedy_scores_match_generate_transition_scores(tiny_models: Path) -> None:
    """The project's greedy decoder scores tokens as generate + compute_transition_scores
    (normalize_logits=True) does."""
    import torch

    from pipeline.routing import load_table
    from pipeline.translate import EngineOptions
    from pipeline.translate.base import EngineStats
    from pipeline.translate.engine import TransformersBackend
    from pipeline.translate.greedy import greedy_decode

    route = load_table(_greedy_table(tiny_models)).plan("uk", "en", "fast")[0]
    backend = TransformersBackend(EngineOptions(threads=1), EngineStats())
    loaded = backend.loader.get(route)
    encoded = loaded.tokenizer(demo_corpus()["uk"][:4], return_tensors="pt", padding=True)
    steps: list[torch.Tensor] = []
    ids = greedy_decode(
        loaded.model,
        encoded["input_ids"],
        encoded["attention_mask"],
        max_new_tokens=12,
        min_new_tokens=0,
        logprobs=steps,
    )
    with torch.inference_mode():
        out = loaded.model.generate(
            **encoded,
            max_new_tokens=12,
            num_beams=1,
            output_scores=True,
            return_dict_in_generate=True,
        )
        reference = loaded.model.compute_transition_scores(
            out.sequences, out.scores, normalize_logits=True
        )
    assert torch.equal(ids, out.sequences)
    assert torch.allclose(torch.stack(steps, 1), reference, atol=1e-4)
    backend.close()


# -- the store -------------------------------------------------------------------------------


def test_machine_versions_store_their_score_and_edits_have_none(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.save_article(make_article())
        stored = store.article("a1b2c3d4e5f6")
        segment = stored.segments[1].id
        assert segment is not None
        store.add_versions(
            [
                Version(segment, "en", "First.", "machine", "machine", SIGNATURE, score=-0.75),
                Version(segment, "en", "First one.", "human", "edited", score=-0.1),
            ]
        )
        versions = store.article_versions(stored, lang="en")
    assert [(v.origin, v.score) for v in versions] == [("machine", -0.75), ("human", None)]


def test_a_new_revision_carries_the_score_of_unchanged_sentences(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.save_article(make_article())
        stored = store.article("a1b2c3d4e5f6")
        first = stored.segments[1].id
        assert first is not None
        store.add_versions(
            [Version(first, "en", "First.", "machine", "machine", SIGNATURE, score=-0.6)]
        )
        result = store.save_article(make_article(extra=" новий"))
        assert result.status == "revised"
        revised = store.article("a1b2c3d4e5f6")
        carried = store.article_versions(revised, lang="en")
    assert [(v.text, v.score) for v in carried] == [("First.", -0.6)]
    assert carried[0].segment_id != first


def test_old_database_gains_score_columns_with_nulls(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    before = [i for i, step in enumerate(MIGRATIONS) if step.name == "6-version-scores"][0]
    conn = sqlite3.connect(path, isolation_level=None)
    for number, step in enumerate(MIGRATIONS[:before], start=1):
        conn.execute("BEGIN")
        step.apply(conn)
        conn.execute(f"PRAGMA user_version = {number}")
        conn.execute("COMMIT")
    conn.execute(
        "INSERT INTO memory (signature_key, source, target, created) VALUES ('k', 'a', 'b', 'x')"
    )
    conn.close()
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.memory_get("k", ["a"]) == {"a": "b"}
        assert store.memory_scores("k", ["a"]) == {}
        columns = {row[1] for row in store.conn.execute("PRAGMA table_info(versions)")}
    assert "score" in columns


def test_a_translate_run_stores_scores_for_machine_versions_only(
    tiny_models: Path, tmp_path: Path
) -> None:
    from pipeline.jobs import TranslateOptions, translate_paths
    from pipeline.translate import EngineOptions

    options = TranslateOptions(
        targets=("en", "ru"),
        engine=EngineOptions(threads=1),
        models_file=tiny_models,
    )
    with Store(tmp_path / "run.db") as store:
        translate_paths([Path("samples/uk-kyiv-heating.txt")], store, options)
        stored = store.article(store.article_ids()[0])
        versions = store.article_versions(stored)
    machine = [v for v in versions if v.origin == "machine"]
    assert machine and all(v.score is not None and v.score < 0 for v in machine)
    assert all(v.score is None for v in versions if v.origin != "machine")
