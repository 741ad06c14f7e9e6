"""One numbering, counted from 1, in every command and export; XLIFF files exported with the
old 0-based ids still import; `diff` shows each version's review state."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.diff import DiffOptions, build_view, render_html, render_terminal
from pipeline.domain import Segment, parse_segment_key, segment_key
from pipeline.publish import (
    PublishOptions,
    approve,
    edit_text,
    export_xliff,
    import_xliff,
    publish,
)
from pipeline.publish.collect import language_version
from pipeline.publish.xliff import read_xliff
from pipeline.store import Store
from tests.publish_data import ARTICLE_ID, make_store, pin_store_clock

XLIFF = "{urn:oasis:names:tc:xliff:document:2.0}"
OLD_XLIFF = Path(__file__).parent / "data" / "xliff" / "exported-0-based-en.xlf"
# the store's segments in order: title, two sentences, a Russian quote, a heading, two items
KEYS = ["p1-s1", "p2-s1", "p2-s2", "p3-s1", "p4-s1", "p5-s1", "p6-s1"]


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    pin_store_clock(monkeypatch)
    path = tmp_path / "pipeline.db"
    make_store(path).close()
    return path


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    with Store(db) as opened:
        yield opened


@pytest.mark.parametrize(
    ("para", "sent", "key"),
    [(0, 0, "p1-s1"), (2, 0, "p3-s1"), (9, 11, "p10-s12")],
)
def test_segment_key_counts_from_one(para: int, sent: int, key: str) -> None:
    segment = Segment("a", para, sent, "p", "uk", 1.0, "Текст.")
    assert segment.key == segment_key(para, sent) == key
    assert (segment.para_number, segment.sent_number) == (para + 1, sent + 1)
    assert parse_segment_key(key) == (para, sent)


@pytest.mark.parametrize(
    ("key", "from_zero", "parsed"),
    [
        ("p0-s0", True, (0, 0)),
        ("p2-s1", True, (2, 1)),
        ("p0-s0", False, None),  # no 0 in keys counted from 1
        ("s1-0", False, None),
        ("p1 s1", False, None),
    ],
)
def test_parse_segment_key(key: str, from_zero: bool, parsed: tuple[int, int] | None) -> None:
    assert parse_segment_key(key, from_zero=from_zero) == parsed


def test_every_view_and_export_uses_the_same_keys(store: Store, tmp_path: Path) -> None:
    stored = store.article(ARTICLE_ID)
    assert [s.key for s in stored.segments] == KEYS
    assert [r.seg for r in build_view(store, ARTICLE_ID, DiffOptions()).rows] == KEYS
    assert [item.key for item in language_version(store, stored, "en").present] == KEYS
    exported = ET.fromstring(export_xliff(store, ARTICLE_ID, "en"))
    assert [u.get("id") for u in exported.iter(f"{XLIFF}unit")] == KEYS
    markers = re.findall(r"^# \[(p\d+ s\d+)\]", edit_text(store, ARTICLE_ID, "en"), re.M)
    assert [m.replace(" ", "-") for m in markers] == KEYS
    options = PublishOptions(
        out_dir=tmp_path / "out", formats=("tmx", "jsonl"), include_machine=True
    )
    publish(store, options)
    tmx = (tmp_path / "out" / "tmx" / "articles.tmx").read_text(encoding="utf-8")
    assert re.findall(r'tuid="[0-9a-f]+-(p\d+-s\d+)"', tmx) == KEYS
    record = json.loads((tmp_path / "out" / "jsonl" / "articles.jsonl").read_text("utf-8"))
    assert [s["key"] for s in record["segments"]] == KEYS
    assert [(s["para"], s["sent"]) for s in record["segments"]][:3] == [(1, 1), (2, 1), (2, 2)]
    # paragraphs of the body: the title is paragraph 1, so the body starts at 2
    assert [p["index"] for p in record["languages"]["uk"]["paragraphs"]] == [2, 3, 4, 5, 6]


def test_edit_text_numbers_paragraphs_from_one(store: Store) -> None:
    lines = edit_text(store, ARTICLE_ID, "en").splitlines()
    assert "# ---- paragraph 1 (title) ----" in lines
    assert "# ---- paragraph 0 (title) ----" not in lines
    assert any(line.startswith("# [p1 s1] ") for line in lines)


def test_show_numbers_paragraphs_and_sentences_from_one(db: Path) -> None:
    result = CliRunner().invoke(main, ["show", ARTICLE_ID, "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "\n¶1 title\n" in result.output and "¶0" not in result.output
    body = result.output.split("\n¶2 p\n", 1)[1].splitlines()
    assert [line.split()[0] for line in body[:2]] == ["1", "2"]


def test_diff_numbers_match_the_keys(store: Store) -> None:
    view = build_view(store, ARTICLE_ID, DiffOptions())
    text = render_terminal(view, width=100, color=False)
    assert "¶1 title" in text and "¶6 li" in text
    html = render_html(view)
    assert 'data-seg="p1-s1"' in html and 'data-para="1"' in html
    assert 'data-para="0"' not in html


# -- XLIFF exported before keys counted from 1 --------------------------------------------------


def test_new_exports_say_how_they_count(store: Store) -> None:
    exported = ET.fromstring(export_xliff(store, ARTICLE_ID, "en"))
    notes = {n.get("category"): n.text for n in exported.iter(f"{XLIFF}note")}
    assert notes["pipeline-numbering"] == "from-1"


def test_old_export_reads_as_zero_based(tmp_path: Path) -> None:
    document = read_xliff(OLD_XLIFF)
    assert document.from_zero
    assert list(document.order) == KEYS
    assert document.targets["p6-s1"] == "Hospitals."  # the old file's unit p5-s0


def _write_edit(
    source: Path, target: Path, unit_id: str, text: str, *, drop_numbering: bool
) -> None:
    root = ET.parse(source).getroot()
    for unit in root.iter(f"{XLIFF}unit"):
        if unit.get("id") == unit_id:
            element = unit.find(f"{XLIFF}segment/{XLIFF}target")
            assert element is not None
            element.text = text
    if drop_numbering:  # as a CAT tool that keeps no file notes would
        for notes in root.iter(f"{XLIFF}notes"):
            for note in list(notes):
                if note.get("category") == "pipeline-numbering":
                    notes.remove(note)
    ET.ElementTree(root).write(target, encoding="utf-8", xml_declaration=True)


@pytest.mark.parametrize(
    ("exported", "unit_id", "drop_numbering"),
    [
        ("old", "p5-s0", False),  # 0-based ids, no numbering note
        ("new", "p6-s1", False),
        ("new", "p6-s1", True),  # 1-based ids, note lost on the way
    ],
)
def test_xliff_edit_lands_on_the_right_segment(
    store: Store, tmp_path: Path, exported: str, unit_id: str, drop_numbering: bool
) -> None:
    source = tmp_path / "exported.xlf"
    if exported == "old":
        shutil.copy(OLD_XLIFF, source)
    else:
        source.write_bytes(export_xliff(store, ARTICLE_ID, "en"))
    edited = tmp_path / "edited.xlf"
    _write_edit(source, edited, unit_id, "Clinics.", drop_numbering=drop_numbering)
    assert import_xliff(store, edited) == 1
    version = language_version(store, store.article(ARTICLE_ID), "en")
    by_key = {item.key: item for item in version.present}
    assert (by_key["p6-s1"].text, by_key["p6-s1"].state) == ("Clinics.", "edited")
    assert by_key["p5-s1"].text == "Schools."  # the unit before it is untouched
    assert sum(item.origin == "human" for item in version.present) == 1


# -- review states in diff ----------------------------------------------------------------------


def test_diff_shows_review_states(store: Store) -> None:
    approve(store, ARTICLE_ID, "ru")
    view = build_view(store, ARTICLE_ID, DiffOptions())
    title = view.rows[0]
    states = {cell.lang: cell.review for cell in title.cells}
    assert states == {"uk": None, "ru": "approved", "en": "unreviewed"}
    text = render_terminal(view, width=160, color=False)
    assert "· approved" in text and "· unreviewed" in text
    html = render_html(view)
    assert '<span class="state">approved</span>' in html
    assert 'data-state="approved"' in html and 'data-state="machine"' in html
