"""`pipeline eval` and `pipeline diff --human`: the human edition as a benchmark of the machine."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
import sacrebleu
from click.testing import CliRunner
from sacrebleu.metrics import BLEU, CHRF

from pipeline.align.editions import AlignedUnit, AlignOptions, Edition
from pipeline.cli import main
from pipeline.store import Store, StoredArticle
from tests.eval_data import (
    EN_SENTENCES,
    GOOD,
    WEAK,
    XSS,
    add_machine,
    bridge_store,
    merged_units,
    store_units,
)

# The GOOD run says exactly what the edition says, once its two opening sentences are joined.
GOOD_TEXTS = (
    EN_SENTENCES[0],
    "The new bridge over the Dnipro opened on Monday morning,",
    "and traffic starts on Tuesday.",
    EN_SENTENCES[2],
)
WEAK_TEXTS = (
    "A new bridge across Dnieper is open",
    "New bridge across the Dnieper was opened Monday in the morning.",
    "Transport movement will begin on Tuesday.",
    XSS,
)


@pytest.fixture
def story(tmp_path: Path) -> Iterator[tuple[Path, StoredArticle]]:
    db = tmp_path / "eval.db"
    store, original = bridge_store(db)
    with store:
        add_machine(store, original, GOOD_TEXTS, GOOD)
        add_machine(store, original, WEAK_TEXTS, WEAK)
    yield db, original


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def eval_json(db: Path, *args: str) -> dict[str, object]:
    with merged_units():
        code, output = run("eval", "--db", str(db), "--json", *args)
    assert code == 0, output
    data = json.loads(output)
    assert isinstance(data, dict)
    return data


def line(data: dict[str, object], system: str, direction: str = "uk>en") -> dict[str, object]:
    lines = data["lines"]
    assert isinstance(lines, list)
    (found,) = [x for x in lines if x["system"] == system and x["direction"] == direction]
    return found


def test_a_perfect_run_scores_100_with_sacrebleu_signatures(
    story: tuple[Path, StoredArticle],
) -> None:
    data = eval_json(story[0])
    good = line(data, "stored Helsinki-NLP/opus-mt-tc-big-zle-en")
    assert good["score"] == {"chrf": pytest.approx(100), "bleu": pytest.approx(100), "units": 3}
    signatures = data["signatures"]
    assert isinstance(signatures, dict)
    assert (
        "tok:13a" in signatures["BLEU"] and f"version:{sacrebleu.__version__}" in signatures["BLEU"]
    )
    assert signatures["chrF"].startswith("nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|")


def test_without_stored_units_the_story_is_aligned_on_the_spot(
    story: tuple[Path, StoredArticle],
) -> None:
    with Store(story[0]) as store:
        store_units(store, story[1], [])
    good = line(eval_json(story[0]), "stored Helsinki-NLP/opus-mt-tc-big-zle-en")
    assert good["score"] == {"chrf": pytest.approx(100), "bleu": pytest.approx(100), "units": 3}


def test_scores_are_sacrebleu_corpus_scores_over_joined_units(
    story: tuple[Path, StoredArticle],
) -> None:
    data = eval_json(story[0])
    weak = line(data, "stored Helsinki-NLP/opus-mt-uk-en")
    hypotheses = [WEAK_TEXTS[0], f"{WEAK_TEXTS[1]} {WEAK_TEXTS[2]}", WEAK_TEXTS[3]]
    references = [list(EN_SENTENCES)]
    score = weak["score"]
    assert isinstance(score, dict)
    assert score["units"] == 3
    assert score["chrf"] == pytest.approx(CHRF().corpus_score(hypotheses, references).score)
    assert score["bleu"] == pytest.approx(BLEU().corpus_score(hypotheses, references).score)
    assert 0 < score["chrf"] < 100


def test_json_names_models_and_per_article_lines(story: tuple[Path, StoredArticle]) -> None:
    db, original = story
    data = eval_json(db)
    assert data["stories"] == [original.id]
    systems = {s["name"]: s for s in data["systems"]}  # type: ignore[attr-defined]
    (model,) = systems["stored Helsinki-NLP/opus-mt-tc-big-zle-en"]["models"]
    assert model["model_id"] == GOOD.model_id and model["revision"] == "abc123"
    assert model["route"] == "uk>en" and model["units"] == 3
    articles = data["articles"]
    assert isinstance(articles, list)
    assert {(a["article"], a["direction"]) for a in articles} == {(original.id, "uk>en")}
    assert len(articles) == 2  # one per stored run


def one_sided(
    editions: Sequence[Edition], *, options: AlignOptions | None = None
) -> list[AlignedUnit]:
    """The edition leaves the original's second sentence out: a 1-0 unit."""
    return [
        AlignedUnit({"uk": (0,), "en": (0,)}),
        AlignedUnit({"uk": (1,), "en": (1,)}),
        AlignedUnit({"uk": (2,), "en": ()}),
        AlignedUnit({"uk": (3,), "en": (2,)}),
    ]


def test_one_sided_units_are_counted_not_scored(story: tuple[Path, StoredArticle]) -> None:
    with Store(story[0]) as store:
        store_units(store, story[1], one_sided([]))
    code, output = run("eval", "--db", str(story[0]), "--json")
    assert code == 0, output
    good = line(json.loads(output), "stored Helsinki-NLP/opus-mt-tc-big-zle-en")
    assert good["unmatched"] == {"1-0": 1}
    assert good["score"]["units"] == 3  # type: ignore[index]


def test_table_has_a_row_per_direction_and_system_and_per_article_lines(
    story: tuple[Path, StoredArticle],
) -> None:
    db, original = story
    with merged_units():
        code, output = run("eval", "--db", str(db))
    assert code == 0, output
    rows = [x for x in output.splitlines() if x.startswith("uk>en")]
    assert len(rows) == 2
    good = next(x for x in rows if "opus-mt-tc-big-zle-en" in x)
    assert good.split()[-3:] == ["3", "100.00", "100.00"]
    assert any(x.strip().startswith(f"{original.id}  uk>en") for x in output.splitlines())
    assert "BLEU signature: nrefs:1|" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--profile", "nosuch"], "nosuch"),
        (["--no-stored"], "--no-stored leaves nothing to score"),
    ],
)
def test_bad_options_fail_with_one_line(
    story: tuple[Path, StoredArticle], args: list[str], message: str
) -> None:
    code, output = run("eval", "--db", str(story[0]), *args)
    assert code != 0 and message in output


def test_an_article_without_editions_is_an_error_with_a_hint(tmp_path: Path) -> None:
    text = tmp_path / "alone.txt"
    text.write_text("Самотня стаття без перекладів.\n\nЇї ніхто не перекладав.\n", encoding="utf-8")
    db = str(tmp_path / "alone.db")
    assert run("ingest", str(text), "--db", db)[0] == 0
    code, output = run("eval", "--db", db)
    assert code == 1 and "no article" in output and "hint:" in output
    code, output = run("eval", "--db", db, str(text))
    assert code == 1 and "has no human edition" in output


@pytest.mark.slow
def test_a_profile_translates_now_and_stores_nothing(
    story: tuple[Path, StoredArticle], tiny_models: Path
) -> None:
    db, original = story
    with Store(db) as store:
        before = len(store.article_versions(original))
    data = eval_json(db, "--profile", "fast", "--no-stored", "--models", str(tiny_models))
    (system,) = data["systems"]  # type: ignore[misc]
    assert system["name"] == "profile fast"
    (model,) = system["models"]
    assert Path(model["model_id"]).name == "tiny-uk-en" and model["revision"].startswith("sha256:")
    score = line(data, "profile fast")["score"]
    assert isinstance(score, dict) and score["units"] == 3 and 0 <= score["chrf"] <= 100
    with Store(db) as store:
        assert len(store.article_versions(original)) == before


# -- diff --human ----------------------------------------------------------------------------


@pytest.mark.parametrize("named", ["original", "edition"])
def test_diff_human_shows_a_merged_unit_as_one_row(
    story: tuple[Path, StoredArticle], named: str
) -> None:
    db, original = story
    with Store(db) as store:
        ref = original.id if named == "original" else store.editions_of(original.id)[0]
    with merged_units():
        code, output = run(
            "diff",
            ref,
            "--human",
            "--b",
            "machine:tc-big",
            "--db",
            str(db),
            "--no-color",
            "--width",
            "160",
        )
    assert code == 0, output
    gutters = [x.split("│")[0].strip() for x in output.splitlines() if "│" in x]
    assert [g for g in gutters if g.startswith("u")] == ["u1", "u2", "u3"]
    start = next(i for i, x in enumerate(output.splitlines()) if x.startswith("u2"))
    block = "\n".join(output.splitlines()[start : start + 6])
    assert "2-1" in block and "uk p2-s1 p2-s2" in block
    assert "d=0" in block  # the joined machine sentences say what the edition says
    assert "chrF 100.00 · BLEU 100.00 (b against a, 3 units)" in output


def test_diff_human_html_escapes_and_marks_units(
    story: tuple[Path, StoredArticle], tmp_path: Path
) -> None:
    db, original = story
    page = tmp_path / "human.html"
    with merged_units():
        code, output = run(
            "diff",
            original.id,
            "--human",
            "--b",
            "machine:opus-mt-uk-en",
            "--db",
            str(db),
            "--html",
            str(page),
        )
    assert code == 0, output
    html = page.read_text(encoding="utf-8")
    assert '<span class="kind" title="sentences">2-1</span>' in html
    assert 'data-seg="u2"' in html and 'data-seg="u4"' not in html
    assert "<img" not in html and "<script>window.__pwned" not in html
    assert "&lt;img src=x onerror=&quot;window" in html


def test_diff_human_needs_a_language_when_there_are_several_editions_or_none(
    story: tuple[Path, StoredArticle],
) -> None:
    code, output = run("diff", story[1].id, "--human", "--lang", "ru", "--db", str(story[0]))
    assert code == 1 and "no human edition in ru" in output and "--lang (en)" in output


def test_without_stored_machine_text_the_default_profile_translates_now(
    tmp_path: Path, tiny_models: Path
) -> None:
    store, original = bridge_store(tmp_path / "bare.db")
    store.close()
    code, output = run("eval", "--db", str(tmp_path / "bare.db"), "--models", str(tiny_models))
    assert code == 0, output
    assert "profile quality" in output and "chrF signature" in output
    with Store(tmp_path / "bare.db") as store:  # eval stores nothing
        versions = store.article_versions(store.article(original.id))
    assert not [v for v in versions if v.origin == "machine"]


def test_without_models_for_the_default_profile_eval_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PIPELINE_MODELS", raising=False)
    store, _ = bridge_store(tmp_path / "bare.db")
    store.close()
    code, output = run("eval", "--db", str(tmp_path / "bare.db"))
    assert code == 1 and "Error:" in output
