"""`pipeline translate` end to end on samples/ with tiny offline Marian models."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.domain import LANGS
from pipeline.store import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def translate(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["translate", *args, "--db", str(db), "--threads", "1"])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def version_counts(db: Path) -> Counter[tuple[int, str]]:
    """(segment, language) → how many versions: source, machine, or human from an aligned
    edition (machine text fills only what the editions do not cover)."""
    with Store(db) as store:
        rows = store.conn.execute(
            "SELECT v.segment_id, v.lang FROM versions v JOIN segments s ON s.id = v.segment_id"
            " JOIN revisions r ON r.id = s.revision_id"
            " WHERE r.number = (SELECT MAX(number) FROM revisions WHERE article_id = r.article_id)"
        ).fetchall()
    return Counter((row[0], row[1]) for row in rows)


@pytest.fixture(scope="module")
def translated(
    tmp_path_factory: pytest.TempPathFactory, tiny_models: Path
) -> tuple[Path, Path, str]:
    work = tmp_path_factory.mktemp("translated")
    db, out = work / "pipeline.db", work / "out"
    code, output = translate(db, str(SAMPLES), "--models", str(tiny_models), "--out", str(out))
    assert code == 0, output
    return db, out, output


def test_every_segment_has_exactly_one_version_per_language(
    translated: tuple[Path, Path, str],
) -> None:
    db, _, _ = translated
    counts = version_counts(db)
    with Store(db) as store:
        segments = [s for a in store.article_ids() for s in store.article(a).segments]
    assert len(segments) > 200
    assert len(store_ids := {s.article_id for s in segments}) == 20, store_ids
    for segment in segments:
        assert [counts[(segment.id, lang)] for lang in LANGS] == [1, 1, 1], segment


def test_segments_are_translated_from_their_own_language(
    translated: tuple[Path, Path, str],
) -> None:
    db, _, _ = translated
    with Store(db) as store:
        stored = store.article(_find(store, "Стамбулі"))
        quotes = [s for s in stored.segments if s.lang == "ru"]
        assert quotes, "the sample quotes a Russian official in Russian"
        for segment in quotes:
            assert segment.id is not None
            (uk,) = store.versions([segment.id], lang="uk")
            assert uk.origin == "machine"
            assert uk.signature is not None and uk.signature.route == "ru>uk"
            (ru,) = store.versions([segment.id], lang="ru")
            assert (ru.origin, ru.text) == ("source", segment.text)


def test_machine_versions_carry_their_signature(translated: tuple[Path, Path, str]) -> None:
    db, _, _ = translated
    with Store(db) as store:
        row = store.conn.execute(
            "SELECT model_id, model_revision, decoding, route FROM versions WHERE origin='machine'"
            " LIMIT 1"
        ).fetchone()
    assert "tiny" in row["model_id"]
    assert row["model_revision"]  # a content hash of the local model folder
    assert json.loads(row["decoding"])["num_beams"] >= 1
    assert ">" in row["route"]


def test_out_folder_has_three_languages_and_alignment_per_article(
    translated: tuple[Path, Path, str],
) -> None:
    db, out, _ = translated
    with Store(db) as store:
        articles = [store.article(a) for a in store.article_ids()]
    assert sorted(p.name for p in out.iterdir()) == sorted(a.slug for a in articles)
    for stored in articles:
        folder = out / stored.slug
        assert sorted(p.name for p in folder.iterdir()) == [
            "aligned.jsonl",
            "en.md",
            "ru.md",
            "uk.md",
        ]
        paragraphs = len({s.para_index for s in stored.segments})
        for lang in LANGS:
            text = (folder / f"{lang}.md").read_text(encoding="utf-8")
            assert len(text.strip().split("\n\n")) == paragraphs  # paragraph structure survives
        lines = (folder / "aligned.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == len(stored.segments)
        record = json.loads(lines[0])
        assert all(record[lang]["text"] for lang in LANGS)


def test_summary_line_reports_the_run(translated: tuple[Path, Path, str]) -> None:
    _, _, output = translated
    summary = output.strip().splitlines()[-2]
    # two uk stories with their ru and en editions (one set declared, one paired by url)
    assert summary.startswith("articles 20 (+4 human editions), segments ")
    assert "failed 0" in summary


def machine_texts(db: Path) -> dict[tuple[str, int, int, str], str]:
    """(source file, paragraph, sentence, language) → machine translation."""
    with Store(db) as store:
        rows = store.conn.execute(
            "SELECT r.source_path, s.para_index, s.sent_index, v.lang, v.text FROM versions v"
            " JOIN segments s ON s.id = v.segment_id JOIN revisions r ON r.id = s.revision_id"
            " WHERE v.origin = 'machine'"
        ).fetchall()
    return {(row[0], row[1], row[2], row[3]): row[4] for row in rows}


def test_low_memory_run_translates_what_the_default_run_does(
    translated: tuple[Path, Path, str], tiny_models: Path, tmp_path: Path
) -> None:
    # The texts themselves may differ in the last digits' worth: batches of other shapes
    # round differently, and random tiny models amplify that over long outputs.
    db, _, _ = translated
    lean = tmp_path / "lean.db"
    article = SAMPLES / "ru-kharkiv-school.txt"  # Russian quoting Ukrainian: several routes
    code, output = translate(lean, str(article), "--models", str(tiny_models), "--low-memory")
    assert code == 0, output
    expected = {k: v for k, v in machine_texts(db).items() if k[0] == str(article)}
    texts = machine_texts(lean)
    assert expected
    assert texts.keys() == expected.keys()
    assert all(text.strip() for text in texts.values())


def test_rerun_translates_nothing_and_a_revision_carries_the_rest_over(
    translated: tuple[Path, Path, str], tiny_models: Path, tmp_path: Path
) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(translated[0], db)
    story = tmp_path / "story.md"
    shutil.copy(SAMPLES / "set-city-budget" / "city-budget.uk.md", story)
    code, output = translate(db, str(story), "--models", str(tiny_models))
    assert code == 0 and "translated 0," in output  # nothing new: the sample was translated
    text = story.read_text(encoding="utf-8")
    story.write_text(text + "\nЦе новий абзац, доданий редакцією пізніше.\n", encoding="utf-8")
    code, output = translate(db, str(story), "--models", str(tiny_models))
    assert code == 0
    assert "translated 2," in output  # the new sentence, into ru and en
    # every other sentence keeps its versions: nothing to look up in the memory
    assert "reused from memory 0," in output and "revision 2: " in output
    carried = int(output.split("revision 2: ")[1].split(" versions carried")[0])
    assert carried > 20


def test_a_long_sentence_is_split_not_truncated(tiny_models: Path, tmp_path: Path) -> None:
    clause = "міська рада ухвалила рішення про ремонт шкіл, лікарень і доріг у трьох районах"
    sentence = "; ".join([clause] * 40) + "."
    story = tmp_path / "long.json"
    story.write_text(json.dumps({"title": "Довге речення", "body": sentence, "lang": "uk"}))
    db = tmp_path / "long.db"
    code, output = translate(db, str(story), "--models", str(tiny_models), "--to", "en")
    assert code == 0, output
    assert "split 1" in output
    with Store(db) as store:
        stored = store.article("dovhe-rechennia")
        body = stored.segments[-1]
        assert body.text == sentence and body.id is not None
        (english,) = store.versions([body.id], lang="en")
    assert any(flag.startswith("split:") for flag in english.flags)
    pieces = int(next(f for f in english.flags if f.startswith("split:")).split(":")[1])
    assert pieces >= 2


def test_segments_in_other_languages_are_kept_and_flagged(
    tiny_models: Path, tmp_path: Path
) -> None:
    story = tmp_path / "quote.json"
    body = (
        "Канцлер Німеччини виступив у Бундестазі з важливою промовою про підтримку України.\n\n"
        "„Wir werden die Ukraine so lange unterstützen, wie es nötig ist, und zwar gemeinsam"
        " mit unseren Partnern in Europa.“"
    )
    story.write_text(json.dumps({"title": "Промова канцлера", "body": body}))
    db = tmp_path / "quote.db"
    code, output = translate(db, str(story), "--models", str(tiny_models))
    assert code == 0, output
    with Store(db) as store:
        stored = store.article("promova-kantslera")
        german = stored.segments[-1]
        assert german.lang == "other:de" and german.id is not None
        versions = store.versions([german.id])
    assert {v.lang for v in versions} >= set(LANGS)
    assert all(v.text == german.text and v.origin == "source" for v in versions)
    assert all(v.flags for v in versions if v.lang in LANGS)


def test_quiet_run_still_names_the_file_that_failed(tiny_models: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "empty.md").write_text("", encoding="utf-8")
    (folder / "story.json").write_text(
        json.dumps({"title": "Headline", "body": "The council met on Monday."})
    )
    code, output = translate(tmp_path / "q.db", str(folder), "--models", str(tiny_models), "-q")
    assert code == 1
    errors = [line for line in output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "empty.md" in errors[0] and "empty file" in errors[0]
    assert "translating" not in output and "versions (" not in output  # no progress lines
    assert "failed 1" in output


def test_a_bad_route_table_gives_its_error(tiny_models: Path, tmp_path: Path) -> None:
    table = tmp_path / "bad.yaml"
    # ru>uk routed to a local model too: every model a run into uk needs is checked first.
    table.write_text(
        "profiles:\n  quality:\n    en>uk: {model: "
        + str(tiny_models.parent / "tiny-tc-big-en-zle")
        + ', target_token: ">>uk<<"}\n    ru>uk: {model: '
        + str(tiny_models.parent / "tiny-tc-big-zle-zle")
        + ', target_token: ">>ukr<<"}\n'
    )
    story = tmp_path / "story.json"
    story.write_text(json.dumps({"title": "Headline", "body": "The council met on Monday."}))
    code, output = translate(tmp_path / "x.db", str(story), "--models", str(table), "--to", "uk")
    assert code == 1
    assert ">>uk<<" in output and "en>uk" in output
    assert output.strip().splitlines()[-1].startswith("Error:")


def test_a_missing_model_says_what_to_do(tmp_path: Path) -> None:
    story = tmp_path / "story.json"
    story.write_text(json.dumps({"title": "Headline", "body": "The council met on Monday."}))
    code, output = translate(tmp_path / "x.db", str(story), "--to", "uk")
    assert code == 1
    (line,) = [line for line in output.splitlines() if line.startswith("Error:")]
    assert "pipeline models pull" in line and "pipeline models demo" in line


def test_a_killed_run_resumes_without_duplicates(tiny_models: Path, tmp_path: Path) -> None:
    db = tmp_path / "killed.db"
    command = [
        sys.executable,
        "-m",
        "pipeline",
        "translate",
        str(SAMPLES),
        "--models",
        str(tiny_models),
        "--db",
        str(db),
        "--threads",
        "1",
        "--profile",
        "fast",
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command, stderr=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True
    )
    assert process.stderr is not None
    for line in process.stderr:  # kill in the middle of translating
        if line.startswith("translating "):
            break
    time.sleep(3)
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = sum(version_counts(db).values())
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    counts = version_counts(db)
    assert sum(counts.values()) > partial
    assert set(counts.values()) == {1}
    with Store(db) as store:  # originals: human editions are versions of them
        segments = {s.id for a in store.article_ids() for s in store.article(a).segments}
    translated = [key for key in counts if key[0] in segments and key[1] in LANGS]
    assert len(translated) == len(segments) * len(LANGS)


def _find(store: Store, title_part: str) -> str:
    (match,) = [s.id for s in store.list_articles() if title_part in s.title]
    return match


def test_human_editions_become_versions_and_machine_text_fills_only_the_rest(
    translated: tuple[Path, Path, str],
) -> None:
    db, _, _ = translated
    with Store(db) as store:
        original = store.article(_find(store, "Київрада"))
        ru = store.article_versions(original, lang="ru")
    human = {v.segment_id for v in ru if v.origin == "human"}
    machine = {v.segment_id for v in ru if v.origin == "machine"}
    assert human and not human & machine
    assert human | machine == {s.id for s in original.segments}
    # the one sentence the Russian editor dropped is the only one left to the machine
    assert [s.text for s in original.segments if s.id in machine] == [
        "Частину зупинок обладнають укриттями."
    ]
