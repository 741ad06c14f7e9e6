"""The review desk (`pipeline serve`) in a real headless Chromium over a real server.

uvicorn runs the app in a thread on a free loopback port over a temporary store; Playwright
drives the system Chromium (tests/browser_support.py). Covered: a 30-sentence story reviewed
end to end from the keyboard (edit, save & next, approve, publish), a stale edit (409) resolved
both ways, a hostile article that runs nothing, a write without the CSRF token refused, a
foreign Host refused, and the layout at laptop and phone widths (with PIPELINE_SCREENSHOTS=DIR
the queue and editor are saved there as PNGs: docs/screenshots/ in the README).
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pipeline.domain import Article, Paragraph, Sentence
from pipeline.store import Store
from tests.browser_support import chromium_browser  # noqa: F401  (the fixture)
from tests.diff_data import TC_BIG_EN, UK_RU, add, article

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
TOKEN = "test-token-0123456789abcdef"
PWN = "window.__pwned=1"
HOSTILE_TITLE = (
    f'<script>{PWN}</script><img src=x onerror="{PWN}"> <a href="javascript:{PWN}">go</a>'
)
HOSTILE_TEXT = (
    f'Дивіться <a href="javascript:{PWN}">тут</a> і [тут](javascript:{PWN})'
    f' <img src=x onerror="{PWN}"> <script>{PWN}</script>.'
)
FLAGGED = {(1, 1), (4, 2)}  # (paragraph, sentence) of English machine text missing its year


def story_paragraphs() -> list[tuple[str, list[str]]]:
    """A title and 29 sentences in 8 paragraphs: a 30-sentence story."""
    paragraphs: list[tuple[str, list[str]]] = [("title", ["Місто ухвалило бюджет на рік"])]
    number = 0
    for para in range(1, 8):
        sentences = []
        for _ in range(4 if para < 7 else 5):
            number += 1
            sentences.append(f"Речення {number} про бюджет міста на {2000 + number} рік.")
        paragraphs.append(("p", sentences))
    return paragraphs


def build_story(store: Store) -> str:
    paragraphs = story_paragraphs()
    art = article("https://news.example/story", paragraphs[0][1][0], paragraphs)
    store.save_article(art)
    en = {(0, 0): "The city passed the budget for the year"}
    ru = {(0, 0): "Город принял бюджет на год"}
    for p, (_, sentences) in enumerate(paragraphs[1:], start=1):
        for s, text in enumerate(sentences):
            number = int(text.split()[1])
            year = "" if (p, s) in FLAGGED else f" for {2000 + number}"
            en[(p, s)] = f"Sentence {number} about the city budget{year}."
            ru[(p, s)] = f"Предложение {number} о бюджете города на {2000 + number} год."
    flags = {position: ("numbers",) for position in FLAGGED}
    add(store, art.id, "en", en, origin="machine", signature=TC_BIG_EN, flags=flags)
    add(store, art.id, "ru", ru, origin="machine", signature=UK_RU)
    return art.id


def build_hostile(store: Store) -> str:
    text = HOSTILE_TEXT
    art = Article(
        id="bad0bad0bad0",
        key="hostile",
        source_path="/news/hostile.html",
        format="html",
        title=HOSTILE_TITLE,
        author=f'<b onmouseover="{PWN}">Автор</b>',
        date="2026-03-01",
        url=f"javascript:{PWN}",
        lang="uk",
        confidence=0.9,
        paragraphs=(
            Paragraph(
                0, "title", HOSTILE_TITLE, "uk", 0.9, (Sentence(0, HOSTILE_TITLE, "uk", 0.9),)
            ),
            Paragraph(1, "p", text, "uk", 0.9, (Sentence(0, text, "uk", 0.9),)),
        ),
        content_hash="hostile-hash",
    )
    store.save_article(art)
    add(
        store,
        art.id,
        "en",
        {(0, 0): HOSTILE_TITLE, (1, 0): text},
        origin="machine",
        signature=TC_BIG_EN,
    )
    return art.id


@dataclass
class Desk:
    base: str
    port: int
    db: Path
    out: Path
    story: str
    hostile: str

    def api(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        """A direct API call with the bearer token (no browser): for setting up and checking."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        sent = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        sent.update(headers or {})
        conn.request(method, path, body=None if body is None else json.dumps(body), headers=sent)
        response = conn.getresponse()
        raw = response.read()
        conn.close()
        kind = response.getheader("Content-Type") or ""
        return response.status, json.loads(raw) if "json" in kind and raw else raw


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_app(db: Path, out: Path, port: int) -> Any:
    from pipeline.serve.app import create_app
    from pipeline.serve.settings import ServeSettings

    return create_app(ServeSettings(db=db, token=TOKEN, out=out, host="127.0.0.1", port=port))


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    import uvicorn

    db = tmp_path / "desk.db"
    with Store(db) as store:
        story = build_story(store)
        hostile = build_hostile(store)
    port = free_port()
    app = make_app(db, tmp_path / "out", port)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the desk's server did not start")
        time.sleep(0.05)
    try:
        yield Desk(f"http://127.0.0.1:{port}", port, db, tmp_path / "out", story, hostile)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def browse(chromium_browser: Any, desk: Desk) -> Iterator[Any]:  # noqa: F811
    """opener(path, viewport) -> a logged-in page that records dialogs and script errors."""
    contexts: list[Any] = []

    def opener(path: str, viewport: dict[str, int] = LAPTOP) -> Any:
        context = chromium_browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.dialogs = []
        page.external = []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        page.on(
            "console",
            lambda msg: page.errors.append(msg.text) if msg.type == "error" else None,
        )
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        page.on(
            "request",
            lambda r: None if r.url.startswith(desk.base) else page.external.append(r.url),
        )
        page.goto(f"{desk.base}/login?token={TOKEN}")
        page.goto(f"{desk.base}{path}")
        page.wait_for_selector("body[data-ready=yes]")
        return page

    yield opener
    for context in contexts:
        context.close()


def focused(page: Any) -> tuple[str | None, str | None]:
    return tuple(  # type: ignore[return-value]
        page.evaluate(
            "() => { const c = document.activeElement.closest('.cell');"
            " return c ? [c.dataset.key, c.dataset.lang] : [null, null]; }"
        )
    )


def current(db: Path, article_id: str, lang: str) -> dict[str, Any]:
    """key -> (text, origin, state) of the version a reader sees, straight from the store."""
    with Store(db) as store:
        stored = store.article(article_id)
        seen = store.current_versions(stored, lang)
        return {
            s.key: (seen[s.id].text, seen[s.id].origin, seen[s.id].state)
            for s in stored.segments
            if s.id in seen
        }


def story_keys(db: Path, article_id: str) -> list[str]:
    with Store(db) as store:
        return [s.key for s in store.article(article_id).segments]


def wait_for_state(page: Any, key: str, lang: str, state: str) -> None:
    page.wait_for_selector(f'.cell[data-key="{key}"][data-lang="{lang}"][data-state="{state}"]')


def test_a_story_is_reviewed_and_published_from_the_keyboard(desk: Desk, browse: Any) -> None:
    page = browse(f"/articles/{desk.story}")
    keys = story_keys(desk.db, desk.story)
    assert len(keys) == 30
    assert page.locator(".unit[data-key]").count() == 30
    assert focused(page) == (keys[0], "ru")  # the first translation column
    page.keyboard.press("l")
    page.keyboard.press("j")
    assert focused(page) == (keys[1], "en")
    page.keyboard.press("e")
    area = page.locator(".cell.editing textarea")
    assert area.is_visible() and area.evaluate("a => a === document.activeElement")
    page.keyboard.press("Control+a")
    page.keyboard.type("Sentence 1 on the town's budget.")
    page.keyboard.press("Control+Enter")
    wait_for_state(page, keys[1], "en", "edited")
    assert focused(page) == (keys[2], "en")  # saved, and on to the next
    assert page.inner_text(f'.cell[data-key="{keys[1]}"][data-lang="en"] .label').split() == [
        "EN",
        "human",
        "edited",
    ]
    # an edit cancelled with Esc stores nothing
    page.keyboard.press("Enter")
    page.keyboard.type(" never saved")
    page.keyboard.press("Escape")
    assert page.locator("textarea").count() == 0 and focused(page) == (keys[2], "en")
    page.keyboard.press("k")
    page.keyboard.press("k")
    assert focused(page) == (keys[0], "en")
    for _ in keys:  # typed at full speed: each approval waits for the one before
        page.keyboard.press("a")
    wait_for_state(page, keys[-1], "en", "approved")
    approved = page.eval_on_selector_all(
        '.cell[data-lang="en"][data-state="approved"]', "cells => cells.map(c => c.dataset.key)"
    )
    assert approved == keys
    page.keyboard.press("P")
    page.wait_for_selector("body[data-published=yes]")
    seen = current(desk.db, desk.story, "en")
    assert seen[keys[1]] == ("Sentence 1 on the town's budget.", "human", "approved")
    assert {state for _, _, state in seen.values()} == {"approved"}
    assert not any("never saved" in text for text, _, _ in seen.values())
    published = list(desk.out.rglob("*"))
    assert any(p.is_file() and "/en/" in p.as_posix() for p in published)
    assert page.errors == [] and page.dialogs == [] and page.external == []


def test_next_flagged_and_checks_shown_in_words(desk: Desk, browse: Any) -> None:
    page = browse(f"/articles/{desk.story}")
    flagged = page.eval_on_selector_all(".unit.flagged", "rows => rows.map(r => r.dataset.key)")
    assert flagged == ["p2-s2", "p5-s3"]
    page.keyboard.press("n")
    assert focused(page) == ("p2-s2", "en")
    page.keyboard.press("n")
    assert focused(page) == ("p5-s3", "en")
    page.keyboard.press("n")  # round to the first again
    assert focused(page) == ("p2-s2", "en")
    checks = page.inner_text('.cell[data-key="p2-s2"][data-lang="en"] .checks')
    assert "number" in checks.lower() and len(checks.split()) > 1  # a reason, not a code


def test_approve_a_paragraph_and_a_language_by_key_and_by_button(desk: Desk, browse: Any) -> None:
    page = browse(f"/articles/{desk.story}")
    page.keyboard.press("l")
    for _ in range(6):
        page.keyboard.press("j")
    assert focused(page) == ("p3-s2", "en")
    page.keyboard.press("A")  # the paragraph p3, in English
    wait_for_state(page, "p3-s4", "en", "approved")
    seen = current(desk.db, desk.story, "en")
    assert [k for k, (_, _, state) in seen.items() if state == "approved"] == [
        "p3-s1",
        "p3-s2",
        "p3-s3",
        "p3-s4",
    ]
    page.keyboard.press("h")
    page.keyboard.press("L")  # the whole Russian version
    wait_for_state(page, "p8-s5", "ru", "approved")
    assert {state for _, _, state in current(desk.db, desk.story, "ru").values()} == {"approved"}
    assert page.inner_text('.colhead[data-lang="ru"]').lower() == "ru · approved"
    # the mouse does the same: a click chooses the sentence, a button acts on it
    page.click('.cell[data-key="p5-s1"][data-lang="en"] .text')
    page.click("#approve-para")
    wait_for_state(page, "p5-s4", "en", "approved")
    assert current(desk.db, desk.story, "en")["p4-s1"][2] == "machine"


def test_a_corrected_source_shows_stale_first_in_the_queue_and_in_the_editor(
    desk: Desk, browse: Any
) -> None:
    status, _ = desk.api(
        "POST", f"/api/articles/{desk.story}/approve", {"lang": "en", "keys": ["p2-s1"]}
    )
    assert status == 200
    with Store(desk.db) as store:
        stored = store.article(desk.story)
        segment = next(s for s in stored.segments if s.key == "p2-s1")
        assert segment.id is not None
        store.articles.save_correction(
            stored, {segment.id: "Речення 1 про бюджет міста на 2011 рік."}
        )
        # the corrected sentence is translated again; the approved English is now out of date
        new_en = {(1, 0): "Sentence 1 about the city budget for 2011."}
        add(store, desk.story, "en", new_en, origin="machine", signature=TC_BIG_EN)
        new_ru = {(1, 0): "Предложение 1 о бюджете города на 2011 год."}
        add(store, desk.story, "ru", new_ru, origin="machine", signature=UK_RU)
    page = browse("/")
    first = page.locator("#queue tbody tr").first
    assert first.get_attribute("data-article") == desk.story
    assert first.locator("td.state").inner_text() == "stale"
    assert first.locator("td.stale").inner_text() == "yes"
    first.locator("a").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/articles/{desk.story}")
    page.wait_for_selector("body[data-ready=yes]")
    cell = page.locator('.cell[data-key="p2-s1"][data-lang="en"]')
    assert cell.get_attribute("data-state") == "stale"
    assert "stale" in (cell.get_attribute("class") or "")
    assert cell.locator(".text").inner_text() == "Sentence 1 about the city budget for 2011."
    assert "before the source changed: Sentence 1 about the city budget for 2001." in (
        cell.locator(".alt").inner_text()
    )
    page.keyboard.press("d")
    assert cell.locator(".diff del").all_inner_texts() == ["2001"]
    assert cell.locator(".diff ins").all_inner_texts() == ["2011"]


def test_focus_is_visible_and_keys_are_listed(desk: Desk, browse: Any) -> None:
    page = browse(f"/articles/{desk.story}")
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert outline[0] != "none" and outline[1] >= 2
    page.keyboard.press("?")
    help_box = page.locator("#help")
    assert help_box.is_visible()
    listed = help_box.inner_text()
    for words in (
        "next / previous sentence",
        "save and go to the next",
        "approve the sentence",
        "next / previous flagged",
        "publish",
    ):
        assert words in listed
    page.keyboard.press("Escape")
    assert not help_box.is_visible()


def test_history_and_word_diff_of_an_edit(desk: Desk, browse: Any) -> None:
    page = browse(f"/articles/{desk.story}")
    page.keyboard.press("l")
    page.keyboard.press("e")
    page.keyboard.press("Control+a")
    page.keyboard.type("The town passed the budget for the year")
    page.keyboard.press("Control+Enter")
    wait_for_state(page, "p1-s1", "en", "edited")
    page.keyboard.press("k")
    page.keyboard.press("d")
    cell = '.cell[data-key="p1-s1"][data-lang="en"]'
    assert page.inner_text(f"{cell} .diff del") == "city"
    assert page.inner_text(f"{cell} .diff ins") == "town"
    page.keyboard.press("i")
    page.wait_for_selector(f"{cell} .history li >> nth=1")
    entries = page.locator(f"{cell} .history li")
    assert entries.count() == 2
    assert "The city passed" in entries.nth(0).inner_text()
    assert "tc-big" in entries.nth(0).inner_text()  # who: the model
    assert entries.nth(1).locator("ins").inner_text() == "town"


@pytest.mark.parametrize("keep", [True, False], ids=["keep-mine", "take-current"])
def test_a_stale_edit_shows_both_texts_and_is_resolved(desk: Desk, browse: Any, keep: bool) -> None:
    page = browse(f"/articles/{desk.story}")
    page.keyboard.press("l")
    version = int(page.get_attribute('.cell[data-key="p1-s1"][data-lang="en"]', "data-version"))
    page.keyboard.press("e")
    page.keyboard.press("Control+a")
    page.keyboard.type("Mine: the city budget.")
    # meanwhile someone else saves the same sentence
    status, body = desk.api(
        "PATCH", f"/api/versions/{version}", {"text": "Theirs: the budget.", "revision": version}
    )
    assert status == 200, body
    page.keyboard.press("Control+Enter")
    dialog = page.locator("#conflict")
    dialog.wait_for(state="visible")
    assert page.inner_text("#conflict-current") == "Theirs: the budget."
    assert page.inner_text("#conflict-mine") == "Mine: the city budget."
    assert page.evaluate("document.activeElement.id") == "keep-mine"
    if keep:
        page.keyboard.press("Enter")
    else:
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    wanted = "Mine: the city budget." if keep else "Theirs: the budget."
    page.wait_for_function(
        't => document.querySelector(\'.cell[data-key="p1-s1"][data-lang="en"] .text\')'
        "?.textContent === t",
        arg=wanted,
    )
    assert current(desk.db, desk.story, "en")["p1-s1"][0] == wanted
    assert focused(page) == ("p1-s1", "en")


@pytest.mark.parametrize("path", ["/", "/articles/{hostile}"], ids=["queue", "editor"])
def test_a_hostile_article_runs_nothing(desk: Desk, browse: Any, path: str) -> None:
    page = browse(path.format(hostile=desk.hostile))
    page.wait_for_timeout(200)  # let any onerror fire
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.dialogs == [] and page.external == []
    assert page.locator("main img, main script, main b, header img").count() == 0
    assert page.locator('a[href^="javascript:"]').count() == 0
    shown = page.inner_text("body")
    assert HOSTILE_TITLE in shown  # the title, as text
    if path != "/":
        assert page.inner_text("h1") == HOSTILE_TITLE
        assert HOSTILE_TEXT in page.inner_text('.cell[data-key="p2-s1"][data-lang="uk"] .text')


def test_a_write_without_the_csrf_token_is_refused(desk: Desk, browse: Any) -> None:
    page = browse(f"/articles/{desk.story}")
    version = int(page.get_attribute('.cell[data-key="p1-s1"][data-lang="en"]', "data-version"))
    script = """async ([id, token]) => {
        const headers = {"Content-Type": "application/json"};
        if (token) headers["X-CSRF-Token"] = token;
        const r = await fetch(`/api/versions/${id}`, {method: "PATCH", headers,
            body: JSON.stringify({text: "Forged.", revision: id})});
        return r.status;
    }"""
    assert page.evaluate(script, [version, None]) == 403
    assert current(desk.db, desk.story, "en")["p1-s1"][0] != "Forged."
    token = page.get_attribute('meta[name="csrf-token"]', "content")
    assert token and page.evaluate(script, [version, token]) == 200
    assert current(desk.db, desk.story, "en")["p1-s1"][0] == "Forged."


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1.evil.example"])
def test_a_foreign_host_is_refused(desk: Desk, host: str) -> None:
    status, _ = desk.api("GET", "/api/articles", headers={"Host": host})
    assert status in (400, 403, 421)
    status, _ = desk.api("GET", "/api/articles")
    assert status == 200


def shoot(page: Any, name: str) -> None:
    folder = os.environ.get("PIPELINE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


@pytest.mark.parametrize(("viewport", "width"), [(LAPTOP, "laptop"), (PHONE, "phone")])
def test_the_editor_fits_laptop_and_phone(
    desk: Desk, browse: Any, viewport: dict[str, int], width: str
) -> None:
    status, view = desk.api("GET", f"/api/articles/{desk.story}")
    version = view["rows"][1]["current"]["en"]["id"]
    edited = "Sentence 1 on the city's budget for 2001."
    status, _ = desk.api("PATCH", f"/api/versions/{version}", {"text": edited, "revision": version})
    assert status == 200
    page = browse(f"/articles/{desk.story}", viewport)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    boxes = [
        page.locator(f'.cell[data-key="p2-s2"][data-lang="{lang}"]').bounding_box()
        for lang in ("uk", "ru", "en")
    ]
    if width == "laptop":
        assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
        assert abs(boxes[0]["y"] - boxes[2]["y"]) < 2
    else:
        assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
        assert abs(boxes[0]["x"] - boxes[2]["x"]) < 2
        assert all(b["width"] > viewport["width"] * 0.8 for b in boxes)
    # every cell says its language and origin, whichever the layout
    label = page.inner_text('.cell[data-key="p2-s2"][data-lang="en"] .label')
    assert label.split()[:3] == ["EN", "machine", "opus-mt-tc-big-zle-en"]
    page.keyboard.press("n")
    page.keyboard.press("d")  # word diffs: the edit against the machine text
    diff = '.cell[data-key="p2-s1"][data-lang="en"] .diff'
    assert page.locator(f"{diff} del").all_inner_texts() == ["about", "city"]
    assert page.locator(f"{diff} ins").all_inner_texts() == ["on", "city's"]
    assert focused(page) == ("p2-s2", "en")
    shoot(page, f"editor-{width}")


def test_a_phone_edits_and_approves_by_touch(desk: Desk, browse: Any) -> None:
    page = browse(f"/articles/{desk.story}", PHONE)
    page.click('.cell[data-key="p2-s3"][data-lang="en"] .text')
    page.click("#edit-unit")
    area = page.locator(".cell.editing textarea")
    area.fill("Sentence 3 on the budget for 2003.")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.click(".cell.editing .save")
    wait_for_state(page, "p2-s3", "en", "edited")
    assert focused(page) == ("p2-s4", "en")
    page.click("#approve-unit")
    wait_for_state(page, "p2-s4", "en", "approved")
    seen = current(desk.db, desk.story, "en")
    assert seen["p2-s3"] == ("Sentence 3 on the budget for 2003.", "human", "edited")
    assert seen["p2-s4"][2] == "approved"


@pytest.mark.parametrize(("viewport", "width"), [(LAPTOP, "laptop"), (PHONE, "phone")])
def test_the_queue_fits_and_filters(
    desk: Desk, browse: Any, viewport: dict[str, int], width: str
) -> None:
    page = browse("/", viewport)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    rows = page.locator("#queue tbody tr[data-article]")
    assert rows.count() >= 2
    shoot(page, f"queue-{width}")
    page.select_option("#f-lang", "en")
    page.wait_for_url("**/?lang=en*")
    page.wait_for_selector("body[data-ready=yes]")
    judged = page.eval_on_selector_all("#queue .chip", "chips => chips.map(c => c.dataset.lang)")
    assert judged and set(judged) == {"en"}  # each article judged by its English version only
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url("**/articles/*")
    page.wait_for_selector("body[data-ready=yes]")
    assert page.locator(".unit[data-key]").count() >= 2
