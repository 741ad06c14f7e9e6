"""The diff HTML page in a real headless Chromium: highlight, keys, filter, escaping, layout."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline.diff import (
    DiffOptions,
    build,
    build_compare,
    build_view,
    render_html,
    write_all_html,
)
from tests.browser_support import chromium_browser  # noqa: F401  (the fixture)
from tests.diff_data import budget_store
from tests.eval_data import GOOD, XSS, add_machine, bridge_store, merged_units

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("diff-pages")
    store, article_id = budget_store(folder / "pages.db")
    with store:
        columns = build_view(store, article_id, DiffOptions())
        compare = build_compare(
            store, article_id, DiffOptions(lang="en", a="human", b="machine:tc-big")
        )
        (folder / "columns.html").write_text(render_html(columns), encoding="utf-8")
        (folder / "compare.html").write_text(render_html(compare), encoding="utf-8")
        write_all_html(store, folder / "site", DiffOptions())
    return {
        "columns": folder / "columns.html",
        "compare": folder / "compare.html",
        "index": folder / "site" / "index.html",
    }


@pytest.fixture
def open_page(chromium_browser: Any) -> Iterator[Any]:  # noqa: F811
    contexts: list[Any] = []

    def opener(path: Path, viewport: dict[str, int] = LAPTOP) -> Any:
        context = chromium_browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.goto(path.as_uri())
        page.errors = errors
        return page

    yield opener
    for context in contexts:
        context.close()


def classes(page: Any, selector: str) -> list[str]:
    return page.eval_on_selector(selector, "el => Array.from(el.classList)")


def active_seg(page: Any) -> str | None:
    return page.evaluate(
        "() => { const row = document.activeElement.closest('.row[data-seg]');"
        " return row ? row.dataset.seg : null; }"
    )


@pytest.mark.parametrize("kind", ["columns", "compare"])
def test_page_loads_without_errors_and_runs_its_script(
    open_page: Any, pages: dict[str, Path], kind: str
) -> None:
    page = open_page(pages[kind])
    page.hover('.cell[data-seg="p2-s1"] .text')
    assert "linked" in classes(page, '.cell[data-seg="p2-s1"]:last-child')
    assert page.errors == []


def test_hover_highlights_the_counterparts(open_page: Any, pages: dict[str, Path]) -> None:
    page = open_page(pages["columns"])
    page.hover('.cell[data-seg="p2-s2"][data-lang="uk"] .text')
    for lang in ("uk", "ru", "en"):
        assert "linked" in classes(page, f'.cell[data-seg="p2-s2"][data-lang="{lang}"]')
    assert page.locator(".cell.linked").count() == 3
    page.hover('.cell[data-seg="p3-s1"][data-lang="en"] .text')
    assert "linked" not in classes(page, '.cell[data-seg="p2-s2"][data-lang="ru"]')
    assert "linked" in classes(page, '.cell[data-seg="p3-s1"][data-lang="ru"]')


def test_focus_highlights_the_counterparts(open_page: Any, pages: dict[str, Path]) -> None:
    page = open_page(pages["columns"])
    page.mouse.move(0, 0)
    page.focus('.cell[data-seg="p1-s1"][data-lang="en"]')
    assert page.locator(".cell.linked").count() == 3
    assert "linked" in classes(page, '.cell[data-seg="p1-s1"][data-lang="uk"]')
    page.keyboard.press("Tab")  # focus moves on to the next cell, the next segment's first
    assert active_seg(page) == "p2-s1"
    assert "linked" in classes(page, '.cell[data-seg="p2-s1"][data-lang="ru"]')
    assert "linked" not in classes(page, '.cell[data-seg="p1-s1"][data-lang="uk"]')


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (["j"], "p2-s2"),
        (["j", "j"], "p3-s1"),
        (["n", "n", "n"], "p2-s2"),  # wraps round to the first flagged segment
        (["j", "j", "k"], "p2-s2"),
        (["p"], "p3-s1"),  # back from the top: the last flagged segment
    ],
)
def test_keys_move_between_flagged_segments(
    open_page: Any, pages: dict[str, Path], keys: list[str], expected: str
) -> None:
    page = open_page(pages["columns"])
    flagged = page.eval_on_selector_all(".row.flagged", "rows => rows.map(r => r.dataset.seg)")
    assert flagged == ["p2-s2", "p3-s1"]
    for key in keys:
        page.keyboard.press(key)
    assert active_seg(page) == expected
    # the focused cell is the version carrying the flag
    assert "flagged" in page.evaluate("() => Array.from(document.activeElement.classList)")


def test_buttons_move_like_keys(open_page: Any, pages: dict[str, Path]) -> None:
    page = open_page(pages["compare"])
    page.click("#next-flag")
    assert active_seg(page) == "p3-s1"


def test_filter_shows_only_flagged_segments(open_page: Any, pages: dict[str, Path]) -> None:
    page = open_page(pages["columns"])
    row = '.row[data-seg="{}"]'
    assert page.is_visible(row.format("p1-s1")) and page.is_visible(row.format("p2-s2"))
    page.check("#only-flagged")
    assert not page.is_visible(row.format("p1-s1"))
    assert not page.is_visible(row.format("p2-s1"))
    assert page.is_visible(row.format("p2-s2")) and page.is_visible(row.format("p3-s1"))
    page.uncheck("#only-flagged")
    assert page.is_visible(row.format("p1-s1"))
    page.keyboard.press("f")
    assert not page.is_visible(row.format("p1-s1"))


@pytest.mark.parametrize("kind", ["columns", "compare"])
def test_article_text_never_runs_as_code(open_page: Any, pages: dict[str, Path], kind: str) -> None:
    page = open_page(pages[kind])
    page.wait_for_load_state("load")
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    text = page.inner_text('.cell[data-seg="p3-s2"][data-lang="uk"] .text')
    assert "<script>window.__pwned=1</script>" in text
    assert '<img src=x onerror="window.__pwned=1">' in text
    assert '"лапки" & амперсанд.' in text
    assert page.locator("main img, main script").count() == 0


@pytest.mark.parametrize("kind", ["columns", "compare"])
def test_laptop_shows_columns_side_by_side(
    open_page: Any, pages: dict[str, Path], kind: str
) -> None:
    page = open_page(pages[kind], LAPTOP)
    boxes = [page.locator('.row[data-seg="p2-s1"] .cell').nth(i).bounding_box() for i in range(3)]
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
    assert abs(boxes[0]["y"] - boxes[2]["y"]) < 2
    assert page.evaluate("() => document.documentElement.scrollWidth") <= LAPTOP["width"]


@pytest.mark.parametrize("kind", ["columns", "compare"])
def test_phone_stacks_the_columns(open_page: Any, pages: dict[str, Path], kind: str) -> None:
    page = open_page(pages[kind], PHONE)
    boxes = [page.locator('.row[data-seg="p2-s1"] .cell').nth(i).bounding_box() for i in range(3)]
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
    assert abs(boxes[0]["x"] - boxes[2]["x"]) < 2
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    # each stacked cell still says its language and origin
    labels = page.locator('.row[data-seg="p2-s1"] .cell .label')
    assert labels.count() == 3
    assert all(labels.nth(i).is_visible() for i in range(3))


def test_index_links_to_article_pages(open_page: Any, pages: dict[str, Path]) -> None:
    page = open_page(pages["index"])
    link = page.locator("table.index a").first
    link.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(".html") and not page.url.endswith("index.html")
    assert page.locator(".row[data-seg]").count() == 5
    page.click("nav.crumbs a")
    assert page.url.endswith("index.html")


@pytest.fixture(scope="module")
def human_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("human-page")
    store, original = bridge_store(folder / "human.db")
    texts = ("New bridge opened", "The bridge opened on Monday,", "and traffic starts.", XSS)
    with store, merged_units():
        add_machine(store, original, texts, GOOD)
        view = build(store, original.id, DiffOptions(human=True))
    page = folder / "human.html"
    page.write_text(render_html(view), encoding="utf-8")
    return page


def test_human_page_shows_a_merged_unit_as_one_row_and_runs_no_article_script(
    open_page: Any, human_page: Path
) -> None:
    page = open_page(human_page)
    rows = page.eval_on_selector_all(".row[data-seg]", "rows => rows.map(r => r.dataset.seg)")
    assert rows == ["u1", "u2", "u3"]
    assert page.inner_text('.row[data-seg="u2"] .gutter .kind') == "2-1"
    source = page.inner_text('.row[data-seg="u2"] .cell[data-origin="source"] .text')
    assert "понеділок зранку." in source and "Рух транспорту" in source
    assert page.evaluate("() => window.__pwned") is None
    assert "<script>" in page.inner_text('.row[data-seg="u3"] .cell[data-origin="machine"]')
    assert page.errors == []
