"""Review: states, approval, editing one sentence per line, and the XLIFF round trip."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pipeline.cli.publish import edit as edit_command
from pipeline.cli.publish import import_command
from pipeline.cli.publish import review as review_command
from pipeline.domain import PipelineError
from pipeline.publish import (
    PublishOptions,
    ReviewError,
    apply_edit,
    approve,
    edit_text,
    export_xliff,
    import_xliff,
    publish,
    review_summary,
    unapprove,
)
from pipeline.publish.collect import language_version
from pipeline.store import Store
from tests.publish_data import ARTICLE_ID, OTHER_ID, budget_article, make_store, pin_store_clock

XLIFF = "{urn:oasis:names:tc:xliff:document:2.0}"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    pin_store_clock(monkeypatch)
    opened = make_store(tmp_path / "pipeline.db")
    yield opened
    opened.close()


def states(store: Store) -> dict[str, str]:
    return {s.lang: s.state for s in review_summary(store, ARTICLE_ID)}


def version_count(store: Store) -> int:
    return int(store.conn.execute("SELECT COUNT(*) FROM versions").fetchone()[0])


def test_summary_states(store: Store) -> None:
    summary = {s.lang: s for s in review_summary(store, ARTICLE_ID)}
    assert summary["en"].state == "machine" and not summary["en"].published
    assert summary["ru"].counts["source"] == 1 and summary["ru"].counts["machine"] == 6
    # The original is its own edition: the machine-translated quote is not used in it.
    assert summary["uk"].state == "source" and summary["uk"].published
    assert summary["uk"].models == ()


def test_state_is_source_when_every_segment_is_as_written(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as store:
        store.save_article(budget_article())
        assert states(store) == {"uk": "source", "ru": "missing", "en": "missing"}


def test_approve_and_unapprove(store: Store) -> None:
    assert approve(store, ARTICLE_ID, "ru") == 6
    assert states(store)["ru"] == "approved"
    assert approve(store, ARTICLE_ID, "ru") == 0
    assert unapprove(store, ARTICLE_ID, "ru") == 6
    assert states(store)["ru"] == "machine"


def test_approving_an_incomplete_version_is_refused(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as store:
        store.save_article(budget_article())
        with pytest.raises(ReviewError, match="7 of 7 segments have no en text; run `pipeline"):
            approve(store, ARTICLE_ID, "en")


def test_edit_text_puts_each_sentence_under_its_source(store: Store) -> None:
    text = edit_text(store, ARTICLE_ID, "en")
    lines = text.splitlines()
    marker = lines.index("# [p3 s1] «Это важно», — сказал он.")
    assert lines[marker + 1] == "“This matters,” he said."
    assert "# ---- paragraph 4 (h) ----" in lines
    assert sum(1 for line in lines if not line.startswith("#")) == 7


def test_unchanged_edit_stores_nothing(store: Store) -> None:
    before = version_count(store)
    assert apply_edit(store, ARTICLE_ID, "en", edit_text(store, ARTICLE_ID, "en")) == 0
    assert version_count(store) == before


def test_edit_stores_only_changed_sentences_and_keeps_machine_text(store: Store) -> None:
    text = edit_text(store, ARTICLE_ID, "en").replace("Schools.", "Schools and kindergartens.")
    assert apply_edit(store, ARTICLE_ID, "en", text) == 1
    stored = store.article(ARTICLE_ID)
    segment = next(s for s in stored.segments if s.para_index == 4)
    assert segment.id is not None
    history = store.versions([segment.id], lang="en")
    assert [(v.origin, v.state, v.text) for v in history] == [
        ("machine", "machine", "Schools."),
        ("human", "edited", "Schools and kindergartens."),
    ]
    assert store.current_versions(stored, "en")[segment.id].text == "Schools and kindergartens."
    assert states(store)["en"] == "machine"  # other sentences still await review
    approve(store, ARTICLE_ID, "en")
    assert states(store)["en"] == "approved"


def test_hash_at_line_start_survives_editing(store: Store) -> None:
    text = edit_text(store, ARTICLE_ID, "en").replace("What next", "#1 question")
    assert "\\#1 question" not in text
    text = text.replace("\n#1 question\n", "\n\\#1 question\n")
    assert apply_edit(store, ARTICLE_ID, "en", text) == 1
    assert "\n\\#1 question\n" in edit_text(store, ARTICLE_ID, "en")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("Schools.", "Schools.\nExtra line."), r"\[p5 s1\] has 2 sentence"),
        (lambda t: t.replace("Schools.\n", ""), r"\[p5 s1\] has 0 sentence lines"),
        (lambda t: t.replace("# [p6 s1]", "# p6"), "missing markers p6 s1"),
        (lambda t: "Stray text\n" + t, "line 1: text before the first"),
        (lambda t: t + "# [p10 s10] new\nNew.\n", "unknown markers p10 s10"),
    ],
)
def test_broken_edits_are_refused_and_store_nothing(
    store: Store, change: Callable[[str], str], message: str
) -> None:
    before = version_count(store)
    text = change(edit_text(store, ARTICLE_ID, "en").replace("What next", "What now"))
    with pytest.raises(ReviewError, match=message) as caught:
        apply_edit(store, ARTICLE_ID, "en", text)
    assert "nothing stored" in str(caught.value)
    assert version_count(store) == before


def edited_xliff(store: Store, tmp_path: Path, lang: str, edits: dict[str, str]) -> Path:
    root = ET.fromstring(export_xliff(store, ARTICLE_ID, lang))
    for unit in root.iter(f"{XLIFF}unit"):
        if unit.get("id") in edits:
            target = unit.find(f"{XLIFF}segment/{XLIFF}target")
            assert target is not None
            target.text = edits[unit.get("id", "")]
    path = tmp_path / f"{lang}.xlf"
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path


def test_xliff_round_trip_keeps_alignment(store: Store, tmp_path: Path) -> None:
    exported = ET.fromstring(export_xliff(store, ARTICLE_ID, "en"))
    assert (exported.get("srcLang"), exported.get("trgLang")) == ("uk", "en")
    units = exported.findall(f".//{XLIFF}unit")
    assert [u.get("id") for u in units] == [
        "p1-s1",
        "p2-s1",
        "p2-s2",
        "p3-s1",
        "p4-s1",
        "p5-s1",
        "p6-s1",
    ]
    notes = {n.get("category"): n.text for n in units[3].iter(f"{XLIFF}note")}
    assert notes["source-language"] == "ru"
    path = edited_xliff(
        store, tmp_path, "en", {"p3-s1": "“This is important,” he said.", "p6-s1": "Clinics."}
    )
    assert import_xliff(store, path) == 2
    version = language_version(store, store.article(ARTICLE_ID), "en")
    by_key = {item.key: item for item in version.present}
    assert by_key["p3-s1"].text == "“This is important,” he said."
    assert (by_key["p6-s1"].origin, by_key["p6-s1"].state) == ("human", "edited")
    assert by_key["p5-s1"].text == "Schools."  # untouched units stay as they were
    again = ET.fromstring(export_xliff(store, ARTICLE_ID, "en"))
    segment = again.find(f".//{XLIFF}unit[@id='p6-s1']/{XLIFF}segment")
    assert segment is not None and segment.get("state") == "reviewed"
    assert import_xliff(store, path) == 0  # importing twice changes nothing


def test_xliff_from_publish_imports(store: Store, tmp_path: Path) -> None:
    publish(store, PublishOptions(out_dir=tmp_path / "out", formats=("xliff",)))
    files = sorted((tmp_path / "out" / "xliff").rglob("*.xlf"))
    assert [f.parent.name for f in files] == ["en", "ru"]
    assert all(import_xliff(store, f) == 0 for f in files)


def _drop_unit(root: ET.Element) -> None:
    file = root.find(f"{XLIFF}file")
    assert file is not None
    file.remove(file.findall(f"{XLIFF}unit")[-1])


def _rename_unit(root: ET.Element) -> None:
    unit = root.find(f".//{XLIFF}unit")
    assert unit is not None
    unit.set("id", "p100-s1")


def _other_article(root: ET.Element) -> None:
    for note in root.iter(f"{XLIFF}note"):
        if note.get("category") == "pipeline-article":
            note.text = OTHER_ID


def _old_revision(root: ET.Element) -> None:
    for note in root.iter(f"{XLIFF}note"):
        if note.get("category") == "pipeline-revision":
            note.text = "7"


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_drop_unit, "missing: p6-s1"),
        (_rename_unit, "unknown: p100-s1"),
        (_other_article, "article 0f9e8d7c6b5a is not in the store"),
        (_old_revision, "exported from revision 7"),
    ],
)
def test_mismatched_xliff_is_refused_and_stores_nothing(
    store: Store,
    tmp_path: Path,
    damage: Callable[[ET.Element], None],
    message: str,
) -> None:
    path = edited_xliff(store, tmp_path, "en", {"p2-s1": "Changed."})
    root = ET.parse(path).getroot()
    damage(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    before = version_count(store)
    with pytest.raises(PipelineError, match=message) as caught:
        import_xliff(store, path)
    assert str(path) in str(caught.value)
    assert version_count(store) == before


def test_non_xliff_file_is_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "x.xlf"
    path.write_text("<html/>")
    with pytest.raises(PipelineError, match="not an XLIFF 2 document"):
        import_xliff(store, path)


def run(command: click.Command, args: list[str], db: Path) -> str:
    result = CliRunner().invoke(command, [*args, "--db", str(db)])
    assert result.exit_code == 0, result.output
    return result.output


def test_review_command(store: Store, tmp_path: Path) -> None:
    db = tmp_path / "pipeline.db"
    summary = run(review_command, [], db)
    assert "kyiv-ukhvalyv-biudzhet-a1b2c3d4  [uk]" in summary
    assert "en  machine   held" in summary
    assert "approved (6 segments" in run(
        review_command, [ARTICLE_ID, "--lang", "ru", "--approve"], db
    )
    assert "ru  approved  published" in run(review_command, [ARTICLE_ID, "--lang", "ru"], db)
    assert "taken back" in run(review_command, [ARTICLE_ID, "--lang", "ru", "--unapprove"], db)
    usage = CliRunner().invoke(review_command, ["--approve", "--db", str(db)])
    assert usage.exit_code == 2 and "--approve needs ARTICLE and --lang" in usage.output


def test_edit_command_with_editor(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "pipeline.db"
    seen: list[str] = []

    def fake_edit(text: str, **kwargs: object) -> str:
        seen.append(text)
        return text.replace("Hospitals.", "Clinics.")

    monkeypatch.setattr(click, "edit", fake_edit)
    assert "1 en sentences stored as edited" in run(edit_command, [ARTICLE_ID, "--lang", "en"], db)
    assert "# [p6 s1] Лікарні." in seen[0]
    monkeypatch.setattr(click, "edit", lambda text, **kwargs: text + "Loose line\n")
    result = CliRunner().invoke(edit_command, [ARTICLE_ID, "--lang", "en", "--db", str(db)])
    # An editor that never fixes it: after the rounds, the text is kept in a file.
    assert result.exit_code == 1
    assert "[p6 s1] has" in result.output and "sentence lines" in result.output
    kept = Path(result.output.rsplit("your text is kept in ", 1)[1].strip())
    assert "Loose line" in kept.read_text(encoding="utf-8")
    kept.unlink()
    monkeypatch.setattr(click, "edit", lambda text, **kwargs: None)
    assert "not saved" in run(edit_command, [ARTICLE_ID, "--lang", "en"], db)


def test_edit_command_with_real_editor_script(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "p.write_text(p.read_text(encoding='utf-8').replace('Schools.', 'Pupils.'),"
        " encoding='utf-8')\n"
    )
    import sys

    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    monkeypatch.delenv("VISUAL", raising=False)
    output = run(edit_command, [ARTICLE_ID, "--lang", "en"], tmp_path / "pipeline.db")
    assert "1 en sentences stored as edited" in output


def test_import_command(store: Store, tmp_path: Path) -> None:
    path = edited_xliff(store, tmp_path, "ru", {"p5-s1": "Детские сады."})
    output = run(import_command, [str(path)], tmp_path / "pipeline.db")
    assert f"{path}: 1 segments stored as edited" in output
