"""CliRunner tests of the core commands: ingest, detect, ls, show, rm."""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
BAD = ROOT / "tests" / "fixtures" / "bad"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "test.db")


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["ingest"],
        ["detect"],
        ["ls"],
        ["show"],
        ["rm"],
        ["translate"],
        ["align"],
        ["models"],
        ["models", "list"],
        ["models", "pull"],
        ["models", "demo"],
        ["diff"],
        ["eval"],
        ["review"],
        ["edit"],
        ["publish"],
        ["import"],
    ],
)
def test_every_command_has_help_with_an_example(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output


def test_python_dash_m_pipeline_runs() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True, check=True
    )
    assert "pipeline" in done.stdout


def test_ingest_stores_every_sample_and_a_rerun_is_a_noop(runner: CliRunner, db: str) -> None:
    first = runner.invoke(main, ["ingest", str(SAMPLES), "--db", db])
    assert first.exit_code == 0, first.output
    expected = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
    assert first.output.count("new ") == len(expected)
    # the ru and en editions of the two uk stories (one declared, one paired by url)
    assert first.output.count("edition of") == 4
    second = runner.invoke(main, ["ingest", str(SAMPLES), "--db", db])
    assert second.exit_code == 0
    assert second.output.count("unchanged") == len(expected)
    listing = runner.invoke(main, ["ls", "--db", db])
    assert len(listing.output.strip().splitlines()) == len(expected) + 1


def test_a_changed_file_becomes_a_new_revision(runner: CliRunner, db: str, tmp_path: Path) -> None:
    story = tmp_path / "story.md"
    story.write_text("---\ntitle: Нова історія\n---\n\nПерший абзац тексту.\n", encoding="utf-8")
    runner.invoke(main, ["ingest", str(story), "--db", db])
    story.write_text(
        "---\ntitle: Нова історія\n---\n\nПерший абзац тексту.\n\nДругий абзац.\n", encoding="utf-8"
    )
    result = runner.invoke(main, ["ingest", str(story), "--db", db])
    assert "revised" in result.output and "r2" in result.output
    shown = runner.invoke(main, ["show", "nova-istoriia", "--db", db])
    assert "Другий абзац." in shown.output
    old = runner.invoke(main, ["show", "nova-istoriia", "--db", db, "--revision", "1"])
    assert "Другий абзац." not in old.output


def test_bad_files_are_reported_one_line_each_and_the_batch_goes_on(
    runner: CliRunner, db: str, tmp_path: Path
) -> None:
    folder = tmp_path / "mixed"
    shutil.copytree(BAD, folder / "bad")
    shutil.copy(SAMPLES / "uk-istanbul-talks.txt", folder)
    result = runner.invoke(main, ["ingest", str(folder), "--db", db])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) >= 4
    assert all(str(folder) in line or "bad/" in line for line in errors)
    assert "new " in result.output


def test_ingest_json_prints_articles_without_storing(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "none.db"
    result = runner.invoke(
        main, ["ingest", "--json", str(SAMPLES / "uk-istanbul-talks.txt"), "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    article = json.loads(result.output)
    assert article["lang"] == "uk"
    labels = {s["lang"] for p in article["paragraphs"] for s in p["sentences"]}
    assert "ru" in labels  # the Russian quote keeps its own label
    assert not db.exists()


def test_show_dropped_lists_page_chrome(runner: CliRunner, db: str) -> None:
    result = runner.invoke(
        main, ["ingest", str(SAMPLES / "uk-istanbul-talks.txt"), "--db", db, "--show-dropped"]
    )
    assert "dropped: Укр | Рус | Eng" in result.output


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Добрий день, шановні кияни! Сьогодні в місті їздитимуть нові трамваї.", "uk"),
        (
            "Добрый день, уважаемые москвичи! Сегодня в городе объявлено штормовое предупреждение.",
            "ru",
        ),
        ("Good afternoon, the city council voted on the budget today.", "en"),
    ],
)
def test_detect_lines_prints_label_and_confidence(runner: CliRunner, text: str, label: str) -> None:
    result = runner.invoke(main, ["detect", "--lines"], input=f"{text}\n")
    found, confidence = result.output.strip().split("\t")
    assert found == label
    assert 0.0 < float(confidence) <= 1.0


def test_detect_labels_a_quote_inside_a_paragraph(runner: CliRunner) -> None:
    text = (
        "Міністр заявив, що переговори тривають. «Мы не видим никаких оснований для перемирия»,"
        " — сказал российский дипломат.\n"
    )
    result = runner.invoke(main, ["detect", "--json"], input=text)
    data = json.loads(result.output)
    assert [s["label"] for s in data["paragraphs"][0]["sentences"]] == ["uk", "ru"]


def test_show_and_rm_fail_clearly_for_unknown_articles(runner: CliRunner, db: str) -> None:
    result = runner.invoke(main, ["show", "nope", "--db", db])
    assert result.exit_code == 1
    assert "no article 'nope'" in result.output
    assert runner.invoke(main, ["rm", "nope", "--db", db]).exit_code == 1


def test_an_edition_without_its_original_is_stored_with_a_warning(
    runner: CliRunner, db: str
) -> None:
    edition = SAMPLES / "set-city-budget" / "city-budget.ru.md"
    result = runner.invoke(main, ["ingest", str(edition), "--db", db])
    assert result.exit_code == 0
    assert "warning:" in result.output and "ingest the original" in result.output
    linked = runner.invoke(main, ["ingest", str(edition.parent), "--db", db])
    assert linked.output.count("edition of") == 2


def _expected_samples() -> list[dict[str, object]]:
    return json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def parsed_samples() -> list[dict[str, object]]:
    result = CliRunner().invoke(main, ["ingest", "--json", str(SAMPLES)])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


@pytest.mark.parametrize("entry", _expected_samples(), ids=lambda e: f"{e['file']}#{e['record']}")
def test_every_sample_is_detected_in_its_language_title_and_body(
    parsed_samples: list[dict[str, object]], entry: dict[str, object]
) -> None:
    matches = [
        a
        for a in parsed_samples
        if Path(str(a["source_path"])).name == Path(str(entry["file"])).name
        and a["title"] == entry["title"]
    ]
    assert len(matches) == 1, entry["file"]
    article = matches[0]
    assert article["lang"] == entry["lang"]
    paragraphs = article["paragraphs"]
    assert isinstance(paragraphs, list)
    assert len(paragraphs) == int(str(entry["paragraphs"])) + 1  # + the headline
    labels = [p["lang"] for p in paragraphs]
    assert labels.count(entry["lang"]) >= len(labels) - 2  # a quote may be in another language


def test_the_cli_imports_no_model_library_until_it_translates() -> None:
    import subprocess
    import sys

    code = "import sys, pipeline.cli; print(sorted({'torch', 'transformers'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
