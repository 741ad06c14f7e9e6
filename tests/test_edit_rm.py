"""Safer editing: a structural mistake reopens the editor on the user's text; `rm` asks, can
dry-run, and says what happens to human editions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.domain import Article, Paragraph, Sentence
from pipeline.publish.review import PROBLEM_MARK, edit_session
from pipeline.store import Store
from tests.publish_data import ARTICLE_ID, make_store, pin_store_clock


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    pin_store_clock(monkeypatch)
    opened = make_store(tmp_path / "pipeline.db")
    yield opened
    opened.close()


class Editor:
    """A scripted editor: each call applies the next change to the text it is given."""

    def __init__(self, *changes: object) -> None:
        self.changes = list(changes)
        self.seen: list[str] = []

    def __call__(self, text: str) -> str | None:
        self.seen.append(text)
        change = self.changes.pop(0)
        return None if change is None else change(text)  # type: ignore[operator]


def drop_marker(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("# [p5 s1]")) + "\n"


def restore_marker(text: str) -> str:
    lines = text.splitlines()
    index = lines.index("Schools.")
    lines.insert(index, "# [p5 s1] Школи.")
    return "\n".join(lines) + "\n"


def edit_and_add_line(text: str) -> str:
    return text.replace("Hospitals.", "Clinics.") + "A line too many\n"


def remove_added_line(text: str) -> str:
    return text.replace("A line too many\n", "")


@pytest.mark.parametrize(
    ("mistake", "fix", "problem"),
    [
        (drop_marker, restore_marker, "missing markers p5 s1"),
        (edit_and_add_line, remove_added_line, "[p6 s1] has 2 sentence lines"),
    ],
)
def test_a_mistake_reopens_the_editor_with_the_problem_on_top(
    store: Store, tmp_path: Path, mistake: object, fix: object, problem: str
) -> None:
    def with_edit(text: str) -> str:
        return mistake(text.replace("The city council", "The Kyiv council"))  # type: ignore[operator]

    editor = Editor(with_edit, fix)
    outcome = edit_session(store, ARTICLE_ID, "en", editor, keep_dir=tmp_path)
    reopened = editor.seen[1]
    assert reopened.startswith(PROBLEM_MARK) and problem in reopened.splitlines()[0]
    assert "The Kyiv council passed the budget." in reopened  # the user's text is kept
    assert outcome.changed is not None and outcome.changed >= 1
    texts = {v.text for v in store.article_versions(store.article(ARTICLE_ID), lang="en")}
    assert "The Kyiv council passed the budget." in texts


def test_quitting_after_a_mistake_keeps_the_text_in_a_file(store: Store, tmp_path: Path) -> None:
    editor = Editor(lambda t: drop_marker(t.replace("Schools.", "Pupils.")), None)
    outcome = edit_session(store, ARTICLE_ID, "en", editor, keep_dir=tmp_path)
    assert outcome.changed is None and outcome.kept_at is not None
    assert "Pupils." in outcome.kept_at.read_text(encoding="utf-8")
    assert "missing markers" in (outcome.problem or "")


def test_saving_the_same_mistake_again_stops_and_keeps_the_text(
    store: Store, tmp_path: Path
) -> None:
    editor = Editor(drop_marker, lambda t: t)  # saves the reopened text unchanged
    outcome = edit_session(store, ARTICLE_ID, "en", editor, keep_dir=tmp_path)
    assert outcome.changed is None and outcome.kept_at is not None
    assert len(editor.seen) == 2


def test_quitting_without_a_mistake_stores_nothing(store: Store, tmp_path: Path) -> None:
    outcome = edit_session(store, ARTICLE_ID, "en", Editor(None), keep_dir=tmp_path)
    assert outcome.changed is None and outcome.kept_at is None


# -- rm ------------------------------------------------------------------------------------------


def edition(store: Store) -> str:
    """A Russian human edition linked to the budget article."""
    article = Article(
        id="ed1ed1ed1ed1",
        key="https://news.example/ru-edition",
        source_path="/news/ru-edition.md",
        format="md",
        title="Киев принял бюджет",
        author=None,
        date="2026-03-12",
        url="https://news.example/ru-edition",
        lang="ru",
        confidence=0.9,
        paragraphs=(
            Paragraph(
                0,
                "title",
                "Киев принял бюджет",
                "ru",
                0.9,
                (Sentence(0, "Киев принял бюджет", "ru", 0.9),),
            ),
        ),
        content_hash="hash-edition",
        translation_of="https://news.example/a1b2c3d4e5f6",
    )
    store.save_article(article)
    store.link_edition(article.id, ARTICLE_ID)
    return article.id


def rm(store: Store, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["rm", *args, "--db", str(store.path)], input=stdin)
    return result.exit_code, result.output


def test_rm_dry_run_says_what_goes_and_removes_nothing(store: Store) -> None:
    edition_id = edition(store)
    code, output = rm(store, ARTICLE_ID, "--dry-run")
    assert code == 0 and output.startswith(f"would remove {ARTICLE_ID}")
    assert f"human editions {edition_id} are kept as articles of their own" in output
    assert "by people" in output
    assert ARTICLE_ID in store.article_ids()


def test_rm_off_a_terminal_needs_yes(store: Store) -> None:
    code, output = rm(store, ARTICLE_ID)
    assert code == 1 and "pass --yes" in output
    assert ARTICLE_ID in store.article_ids()


def test_rm_keeps_editions_as_articles_by_default(store: Store) -> None:
    edition_id = edition(store)
    code, output = rm(store, ARTICLE_ID, "--yes")
    assert code == 0 and f"deleted {ARTICLE_ID}" in output
    assert ARTICLE_ID not in store.article_ids(editions=True)
    assert store.article(edition_id).edition_of is None  # unlinked, kept


def test_rm_with_editions_removes_them_too(store: Store) -> None:
    edition_id = edition(store)
    code, output = rm(store, ARTICLE_ID, "--yes", "--with-editions")
    assert code == 0 and f"deleted {edition_id}" in output
    assert store.article_ids(editions=True) == []


def test_rm_asks_on_a_terminal(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pipeline.cli._on_terminal", lambda: True)
    code, output = rm(store, ARTICLE_ID, stdin="n\n")
    assert code == 1 and "remove 1 article(s)?" in output
    assert ARTICLE_ID in store.article_ids()
    code, output = rm(store, ARTICLE_ID, stdin="y\n")
    assert code == 0 and f"deleted {ARTICLE_ID}" in output
