"""Markdown structure through translate, diff and publish: tables cell by cell, code verbatim,
inline code, URLs and images never sent to a model, headings, items and quotes keep their kind.
Translation runs on the tiny offline models (random output), so verbatim parts surviving byte
for byte shows they never went through a model."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.domain import Block
from pipeline.ingest import IngestOptions, read_path
from pipeline.store import Store
from pipeline.translate.base import Translation
from pipeline.translate.protect import TranslateFn, translate_protected
from pipeline.verbatim import split_spans

STORY = """---
title: Київ оновив правила паркування
lang: uk
---

Міська рада ухвалила нові правила паркування в центрі Києва. Вони набудуть чинності з квітня.

## Що зміниться

- Паркування в центрі стане платним цілодобово.
- Мешканці отримають пільгові абонементи.

> Ми хочемо звільнити тротуари для пішоходів.

| Район | Тариф за годину | Примітка |
|-------|----------------:|----------|
| Печерський | 40 | центр |
| Подільський | 30 | |

Щоб перевірити тариф, введіть `parking --zone 3 --check` у застосунку
або відкрийте https://kyiv.example.org/parking_rules?a=1 у браузері.

![Мапа зон](https://kyiv.example.org/img/zones.png)

```bash
parking --zone 3 --check
echo "Тариф: **40** грн"   # not prose
```

    curl https://kyiv.example.org/api/zones
      | jq '.zones[]'

Детальніше про зміни читайте на сайті міськради.
"""
CODE_FENCED = 'parking --zone 3 --check\necho "Тариф: **40** грн"   # not prose'
CODE_INDENTED = "curl https://kyiv.example.org/api/zones\n  | jq '.zones[]'"
INLINE_CODE = "`parking --zone 3 --check`"
URL = "https://kyiv.example.org/parking_rules?a=1"
IMAGE = "![Мапа зон](https://kyiv.example.org/img/zones.png)"


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("md") / "parking.md"
    path.write_text(STORY, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def published(story: Path, tiny_models: Path) -> tuple[Path, Path]:
    """The story translated with the tiny models, then published with machine versions."""
    db, out = story.parent / "pipeline.db", story.parent / "public"
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["translate", str(story), "--db", str(db), "--models", str(tiny_models), "--threads", "1"],
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        main,
        ["publish", "--out", str(out), "--db", str(db), "--include-machine", "--format", "site,md"],
    )
    assert result.exit_code == 0, result.output
    return db, out


def test_blocks_keep_kind_cells_and_code(story: Path) -> None:
    [article] = read_path(story, IngestOptions())
    kinds = [b.kind for b in article.blocks]
    assert kinds == ["p", "h", "li", "li", "quote", "th", "tr", "tr", "p", "p", "code", "code", "p"]
    assert article.blocks[5] == Block(
        "th", "Район | Тариф за годину | Примітка", ("Район", "Тариф за годину", "Примітка")
    )
    assert article.blocks[7].cells == ("Подільський", "30", "")  # an empty cell stays
    assert article.blocks[8].text.count(INLINE_CODE) == 1 and URL in article.blocks[8].text
    assert article.blocks[9].text == IMAGE
    assert (article.blocks[10].text, article.blocks[11].text) == (CODE_FENCED, CODE_INDENTED)


def _segments(db: Path) -> list:
    with Store(db) as store:
        [article_id] = store.article_ids()
        return list(store.article(article_id).segments)


def _versions(db: Path, lang: str) -> dict[tuple[int, int], str]:
    with Store(db) as store:
        [article_id] = store.article_ids()
        stored = store.article(article_id)
        current = store.current_versions(stored, lang)
        return {
            (s.para_index, s.sent_index): current[s.id].text
            for s in stored.segments
            if s.id in current
        }


def test_table_cells_are_segments_translated_one_by_one(published: tuple[Path, Path]) -> None:
    db, _ = published
    rows = [s for s in _segments(db) if s.kind in ("th", "tr")]
    assert [(s.kind, s.text) for s in rows] == [
        ("th", "Район"),
        ("th", "Тариф за годину"),
        ("th", "Примітка"),
        ("tr", "Печерський"),
        ("tr", "40"),
        ("tr", "центр"),
        ("tr", "Подільський"),
        ("tr", "30"),
    ]
    # The sentence index is the column; an empty cell is no segment (nothing to edit).
    assert [s.sent_index for s in rows] == [0, 1, 2, 0, 1, 2, 0, 1]
    english = _versions(db, "en")
    assert all((s.para_index, s.sent_index) in english for s in rows)
    assert english[(rows[4].para_index, rows[4].sent_index)] == "40"  # no letters: copied
    assert not any("|" in english[(s.para_index, s.sent_index)] for s in rows)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_code_and_verbatim_spans_survive_byte_for_byte(
    published: tuple[Path, Path], lang: str
) -> None:
    db, _ = published
    segments = _segments(db)
    versions = _versions(db, lang)
    code = [s for s in segments if s.kind == "code"]
    assert [versions[(s.para_index, s.sent_index)] for s in code] == [CODE_FENCED, CODE_INDENTED]
    prose = " ".join(versions[(s.para_index, s.sent_index)] for s in segments if s.kind == "p")
    for verbatim in (INLINE_CODE, URL, IMAGE):
        assert prose.count(verbatim) == 1, verbatim


def test_code_versions_are_copies_not_machine_output(published: tuple[Path, Path]) -> None:
    db, _ = published
    with Store(db) as store:
        rows = store.conn.execute(
            "SELECT DISTINCT v.origin, v.flags FROM versions v JOIN segments s"
            " ON s.id = v.segment_id WHERE s.kind = 'code'"
        ).fetchall()
    assert {row["origin"] for row in rows} == {"source"}


def test_published_markdown_renders_by_kind(published: tuple[Path, Path]) -> None:
    _, out = published
    [english] = (out / "md" / "en").glob("*.md")
    text = english.read_text(encoding="utf-8")
    assert "```\n" + CODE_FENCED + "\n```" in text
    assert "```\n" + CODE_INDENTED + "\n```" in text
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert len(table) == 4 and table[1] == "| --- | --- | --- |"
    assert table[2].startswith("| ") and table[2].count(" | ") == 2
    assert table[3].endswith(" |  |")  # the empty cell
    for verbatim in (INLINE_CODE, URL, IMAGE):
        assert text.count(verbatim) == 1, verbatim
    lines = text.split("\n---\n", 1)[1].splitlines()  # the body, after the front matter
    assert sum(line.startswith("## ") for line in lines) == 1
    assert sum(line.startswith("- ") for line in lines) == 2
    assert sum(line.startswith("> ") for line in lines) == 1


def test_site_renders_by_kind(published: tuple[Path, Path]) -> None:
    _, out = published
    [page] = (out / "site" / "en").glob("*-*.html")
    html = page.read_text(encoding="utf-8")
    assert html.count("<table>") == 1 and html.count("<th>") == 3 and html.count("<td>") == 6
    assert "<pre><code>parking --zone 3 --check\necho &quot;Тариф: **40** грн&quot;" in html
    assert "<code>parking --zone 3 --check</code>" in html
    assert f'<a href="{URL}" rel="nofollow">{URL}</a>' in html
    assert '<img src="https://kyiv.example.org/img/zones.png" alt="Мапа зон"' in html
    assert html.count("<h2>") == 1 and html.count("<li>") == 2 and "<blockquote>" in html


def test_diff_rows_keep_their_kind(published: tuple[Path, Path]) -> None:
    from pipeline.diff.align import DiffOptions, build_view

    db, _ = published
    with Store(db) as store:
        [article_id] = store.article_ids()
        view = build_view(store, article_id, DiffOptions())
    kinds = {row.kind for row in view.rows}
    assert {"title", "p", "h", "li", "quote", "th", "tr", "code"} <= kinds


# -- the protection itself, with translators whose behaviour is known -------------------------


def _copying(texts: Sequence[str], source: str, target: str) -> list[Translation]:
    """A 'model' that keeps placeholders and upper-cases the rest."""
    return [_signed(text.upper()) for text in texts]


def _losing(texts: Sequence[str], source: str, target: str) -> list[Translation]:
    """A 'model' that drops every bracketed placeholder (as a weak model may)."""
    return [_signed(re.sub(r"\[\d+\]", "", text).upper()) for text in texts]


def _signed(text: str) -> Translation:
    from pipeline.domain import Signature

    return Translation(text=text, signature=Signature("m", None, "{}", "uk>en"))


@pytest.mark.parametrize("model", [_copying, _losing], ids=["placeholders-kept", "lost"])
@pytest.mark.parametrize(
    "text",
    [
        "Run `make test` and see https://example.org/a_b.",
        "![logo](img/a.png) is the logo, `x[1]` the code.",
        "Only `code` here",
        "No spans at all.",
    ],
)
def test_spans_restored_whatever_the_model_does(model: TranslateFn, text: str) -> None:
    [result] = translate_protected(model, [text], "uk", "en")
    assert _spans(result.text) == _spans(text)
    prose_words = re.findall(r"\w+", "".join(p for v, p in split_spans(text) if not v))
    assert all(word.upper() in result.text for word in prose_words)
    assert result.signature is not None


def _spans(text: str) -> list[str]:
    return [part for verbatim, part in split_spans(text) if verbatim]


def test_a_table_and_code_survive_an_unchanged_edit(published: tuple[Path, Path]) -> None:
    from pipeline.publish.review import apply_edit, edit_text

    db, _ = published
    with Store(db) as store:
        [article_id] = store.article_ids()
        text = edit_text(store, article_id, "en")
        assert apply_edit(store, article_id, "en", text) == 0


def test_code_keeps_its_lines_in_xliff_and_stays_out_of_tmx(published: tuple[Path, Path]) -> None:
    import xml.etree.ElementTree as ET

    from pipeline.publish import export_xliff
    from pipeline.publish.collect import collect
    from pipeline.publish.tmx import render_tmx

    db, _ = published
    with Store(db) as store:
        [article_id] = store.article_ids()
        xliff = ET.fromstring(export_xliff(store, article_id, "en"))
        tmx = render_tmx(collect(store, include_machine=True)).decode()
    units = {u.get("id"): u for u in xliff.iter() if u.tag.endswith("}unit")}
    code = [u for u in units.values() if u.get("translate") == "no"]
    sources = sorted(s.text or "" for u in code for s in u.iter() if s.tag.endswith("}source"))
    assert sources == sorted([CODE_FENCED, CODE_INDENTED])
    assert "jq" not in tmx and "parking --zone 3 --check\n" not in tmx
