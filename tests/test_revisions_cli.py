"""The correction workflow from the command line, with the offline tiny models.

Translate a story, edit its Ukrainian version, approve its Russian version, fix one word in
another paragraph of the source file, translate again: the Ukrainian edit and the Russian
approval survive, the Russian page stays published, an XLIFF exported before the fix imports.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pipeline.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "en-odesa-senators.txt"


@dataclass
class Run:
    work: Path
    db: Path
    article: str
    outputs: dict[str, str]
    before: dict[str, bytes]  # published files before the fix


def cli(db: Path, *args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--db", str(db)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return result.output


def published(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def _edit_line(marker: str, text: str) -> Callable[..., str]:
    """A stand-in for $EDITOR: replaces the sentence line under the given marker."""

    def edit(content: str, **kwargs: object) -> str:
        lines = content.splitlines()
        at = next(i for i, line in enumerate(lines) if line.startswith(marker))
        lines[at + 1] = text
        return "\n".join(lines) + "\n"

    return edit


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, tiny_models: Path) -> Iterator[Run]:
    work = tmp_path_factory.mktemp("corrections")
    db, story = work / "pipeline.db", work / "story.txt"
    shutil.copy(SAMPLE, story)
    models = ["--models", str(tiny_models), "--threads", "1"]
    outputs = {"translate-1": cli(db, "translate", str(story), *models)}
    article = _only_article(db)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(click, "edit", _edit_line("# [p2 s1]", "Сенатори відвідали Одесу (ред.)."))
        outputs["edit-uk"] = cli(db, "edit", article, "--lang", "uk")
    outputs["approve-ru"] = cli(db, "review", article, "--lang", "ru", "--approve")
    cli(db, "publish", "--out", str(work / "pub"))
    before = published(work / "pub")
    shutil.copy(next((work / "pub" / "xliff" / "uk").glob("*.xlf")), work / "old-uk.xlf")
    text = story.read_text(encoding="utf-8")
    assert text.count("214 drones") == 1
    story.write_text(text.replace("214 drones", "216 drones"), encoding="utf-8")
    outputs["translate-2"] = cli(db, "translate", str(story), *models)
    outputs["review"] = cli(db, "review", article)
    outputs["publish-2"] = cli(db, "publish", "--out", str(work / "pub"))
    yield Run(work, db, article, outputs, before)


def _only_article(db: Path) -> str:
    from pipeline.store import Store

    with Store(db) as store:
        (article_id,) = store.article_ids()
    return article_id


def lang_line(review: str, lang: str) -> str:
    return next(line for line in review.splitlines() if line.startswith(f"  {lang}  "))


def test_translating_again_says_what_carried_over(run: Run) -> None:
    out = run.outputs["translate-2"]
    assert "revision 2:" in out and "1 stale" in out
    assert "translating 2 segments" in out  # the changed sentence, in uk and ru only


def test_the_ukrainian_edit_is_kept(run: Run) -> None:
    uk = lang_line(run.outputs["review"], "uk")
    assert "edited 1" in uk and "machine" in uk


def test_the_russian_approval_is_kept_and_the_changed_sentence_is_stale(run: Run) -> None:
    review = run.outputs["review"]
    assert "stale 1, approved 17" in lang_line(review, "ru")
    assert "publishing revision 1 (approved) until revision 2 is approved" in review
    assert "was:" in review and "now:" in review


def test_the_russian_page_stays_published_unchanged(run: Run) -> None:
    after = published(run.work / "pub")
    ru_pages = [p for p in run.before if p.startswith("site/ru/") and p.endswith(".html")]
    assert ru_pages and all(after[p] == run.before[p] for p in ru_pages)
    assert "ru serves revision 1 (approved)" in run.outputs["publish-2"]
    en = [p for p in ru_pages if p != "site/ru/index.html"][0].replace("site/ru/", "site/en/")
    assert b"216 drones" in after[en] and b"214 drones" in run.before[en]


def test_an_xliff_exported_before_the_fix_imports(run: Run) -> None:
    out = cli(run.db, "import", str(run.work / "old-uk.xlf"))
    assert "exported from revision 1" in out and "not imported: p5-s1" in out


def test_a_copy_in_another_folder_is_the_same_article(run: Run) -> None:
    copy = run.work / "archive" / "senators.txt"
    copy.parent.mkdir()
    shutil.copy(run.work / "story.txt", copy)
    out = cli(run.db, "ingest", str(copy))
    assert out.startswith("unchanged") and run.article in out
    assert _only_article(run.db) == run.article


def test_correcting_the_english_source_keeps_it_published(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(click, "edit", _edit_line("# [p5 s1]", "Corrected: 216 drones hit."))
    cli(run.db, "edit", run.article, "--lang", "en")
    review = cli(run.db, "review", run.article)
    assert "source" in lang_line(review, "en") and "published" in lang_line(review, "en")
    publish = cli(run.db, "publish", "--out", str(run.work / "pub-3"))
    assert "en 1" in publish
    page = next((run.work / "pub-3" / "site" / "en").glob("u-s-*.html")).read_text()
    assert "Corrected: 216 drones hit." in page
