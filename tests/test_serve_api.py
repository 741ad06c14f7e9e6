"""The review desk's REST API and its security, through Starlette's TestClient over a store
holding the hand-built budget story (tests/publish_data.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from pipeline.domain import StaleWrite, Version
from pipeline.review import actions
from pipeline.serve.app import create_app
from pipeline.serve.security import COOKIE
from pipeline.serve.settings import ServeSettings
from pipeline.store import Store
from tests.publish_data import (
    ARTICLE_ID,
    OTHER_ID,
    UK_RU,
    XSS_RU,
    add_machine,
    budget_article,
    make_store,
    pin_store_clock,
)

TOKEN = "test-token-0123456789"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    pin_store_clock(monkeypatch)
    path = tmp_path / "pipeline.db"
    make_store(path).close()
    return path


def settings_for(db: Path, **changes: Any) -> ServeSettings:
    # TestClient addresses every request to "testserver"
    values: dict[str, Any] = {"db": db, "token": TOKEN, "extra_hosts": ("testserver",)}
    return ServeSettings(**{**values, **changes})


@pytest.fixture
def client(db: Path, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(settings_for(db, out=tmp_path / "published"))
    with TestClient(app, headers=BEARER) as test_client:
        yield test_client


@pytest.fixture
def browser(db: Path) -> Iterator[TestClient]:
    """A client logged in the way a browser is: a session cookie, no Authorization header."""
    with TestClient(create_app(settings_for(db)), follow_redirects=False) as test_client:
        answer = test_client.get(f"/login?token={TOKEN}&next=/api/articles")
        assert answer.status_code == 303 and answer.headers["location"] == "/api/articles"
        yield test_client


def rows(client: TestClient, article: str = ARTICLE_ID) -> list[dict[str, Any]]:
    answer = client.get(f"/api/articles/{article}/units")
    assert answer.status_code == 200
    return list(answer.json())


def row(client: TestClient, key: str) -> dict[str, Any]:
    return next(r for r in rows(client) if r["key"] == key)


# -- reading ----------------------------------------------------------------------------------


def test_queue_lists_articles_needing_review_first(db: Path, client: TestClient) -> None:
    with Store(db) as store:
        store.save_article(budget_article(OTHER_ID, title="Інша історія", date="2026-03-20"))
        add_machine(store, OTHER_ID)
        actions.approve(store, OTHER_ID, "ru")
        actions.approve(store, OTHER_ID, "en")
    listed = client.get("/api/articles").json()
    # the older story still needs review, so it comes before the newer, fully approved one
    assert [item["id"] for item in listed] == [ARTICLE_ID, OTHER_ID]
    assert listed[0]["states"] == {"uk": "source", "ru": "machine", "en": "machine"}
    assert listed[1]["state"] == "approved"
    approved = client.get("/api/articles?state=approved").json()
    assert [item["id"] for item in approved] == [OTHER_ID]
    only_ru = client.get("/api/articles?lang=ru").json()
    assert all(set(item["states"]) == {"ru"} for item in only_ru)


def test_queue_with_an_unknown_language_says_which(client: TestClient) -> None:
    answer = client.get("/api/articles?lang=de")
    assert answer.status_code == 400
    assert "not a language" in answer.json()["error"]


def test_article_has_one_row_per_segment_with_versions_by_language(client: TestClient) -> None:
    article = client.get(f"/api/articles/{ARTICLE_ID}").json()
    assert article["id"] == ARTICLE_ID and article["states"]["ru"] == "machine"
    assert [r["key"] for r in article["rows"]][:3] == ["p1-s1", "p2-s1", "p2-s2"]
    first = article["rows"][1]
    assert first["source"] == "Міська рада ухвалила бюджет."
    ru = first["current"]["ru"]
    assert ru["text"] == "Городской совет принял бюджет." and ru["origin"] == "machine"
    assert ru["model"] == UK_RU.model_id and ru["risk"] == {"value": 0.0, "reasons": []}
    assert first["machine"]["ru"]["id"] == ru["id"] and first["human"]["ru"] is None
    assert first["current"]["uk"]["origin"] == "source"


def test_unknown_article_is_404_with_a_hint(client: TestClient) -> None:
    answer = client.get("/api/articles/ffffffffffff")
    assert answer.status_code == 404
    assert set(answer.json()) == {"error", "hint"}


def test_checks_name_failures_in_words(db: Path, client: TestClient) -> None:
    segment = row(client, "p2-s1")
    with Store(db) as store:  # an English "translation" that dropped the sentence's number
        store.add_versions(
            [Version(segment["segment_id"], "en", "Школи школи.", "machine", "machine")]
        )
    found = client.get(f"/api/articles/{ARTICLE_ID}/checks").json()
    en = [c for c in found if c["key"] == "p2-s1" and c["lang"] == "en"]
    assert en and "wrong-language" in en[0]["flags"]
    assert "the text is not in the target language" in en[0]["reasons"]


def test_hostile_article_text_comes_back_escaped_in_json(client: TestClient) -> None:
    answer = client.get(f"/api/articles/{ARTICLE_ID}")
    assert "<script>" not in answer.text and "<img" not in answer.text
    assert "\\u003cscript\\u003e" in answer.text
    assert answer.headers["content-type"].startswith("application/json")
    # still the same text once parsed
    texts = [r["current"]["ru"]["text"] for r in answer.json()["rows"]]
    assert XSS_RU in texts


# -- writing ----------------------------------------------------------------------------------


def test_patch_stores_an_edit_and_history_keeps_who_and_what(client: TestClient) -> None:
    version = row(client, "p2-s1")["current"]["ru"]["id"]
    answer = client.patch(
        f"/api/versions/{version}", json={"text": "  Горсовет принял бюджет. ", "revision": version}
    )
    assert answer.status_code == 200
    edited = answer.json()["version"]
    assert edited["text"] == "Горсовет принял бюджет." and edited["origin"] == "human"
    current = row(client, "p2-s1")
    assert current["current"]["ru"]["id"] == edited["id"]
    assert current["machine"]["ru"]["id"] == version  # kept for comparison
    history = client.get(f"/api/versions/{edited['id']}/history").json()
    assert [h["text"] for h in history] == ["Городской совет принял бюджет.", edited["text"]]
    assert history[1]["author"] == "web" and history[1]["based_on"] == version
    assert history[0]["author"] is None


def test_stale_edit_gets_409_with_current_text(client: TestClient) -> None:
    version = row(client, "p2-s1")["current"]["ru"]["id"]
    first = client.patch(f"/api/versions/{version}", json={"text": "A", "revision": version})
    late = client.patch(f"/api/versions/{version}", json={"text": "B", "revision": version})
    assert first.status_code == 200
    assert late.status_code == 409
    body = late.json()
    assert body["current"]["text"] == "A" and body["error"] and body["hint"]
    assert row(client, "p2-s1")["current"]["ru"]["text"] == "A"  # B never overwrote it


def test_patch_state_approves_and_takes_back(client: TestClient) -> None:
    version = row(client, "p2-s1")["current"]["ru"]["id"]
    approved = client.patch(
        f"/api/versions/{version}", json={"state": "approved", "revision": version}
    )
    assert approved.status_code == 200 and approved.json()["version"]["state"] == "approved"
    back = client.patch(f"/api/versions/{version}", json={"state": "machine", "revision": version})
    assert back.json()["version"]["state"] == "machine"
    wrong = client.patch(f"/api/versions/{version}", json={"state": "edited", "revision": version})
    assert wrong.status_code == 400


def test_approving_what_changed_since_is_refused(client: TestClient) -> None:
    version = row(client, "p2-s1")["current"]["ru"]["id"]
    client.patch(f"/api/versions/{version}", json={"text": "A", "revision": version})
    late = client.patch(f"/api/versions/{version}", json={"state": "approved", "revision": version})
    assert late.status_code == 409 and late.json()["current"]["text"] == "A"


def test_the_text_as_written_is_not_edited_here(client: TestClient) -> None:
    source = row(client, "p2-s1")["current"]["uk"]["id"]
    answer = client.patch(f"/api/versions/{source}", json={"text": "X", "revision": source})
    assert answer.status_code == 409 and "pipeline edit" in answer.json()["hint"]


@pytest.mark.parametrize(
    ("body", "changed", "approved_keys"),
    [
        ({"lang": "ru", "keys": ["p2-s1"]}, 1, {"p2-s1"}),
        ({"lang": "ru", "para": 2}, 2, {"p2-s1", "p2-s2"}),
        ({"lang": "ru"}, 6, {"p1-s1", "p2-s1", "p2-s2", "p4-s1", "p5-s1", "p6-s1"}),
    ],
    ids=["sentence", "paragraph", "language"],
)
def test_approve_a_sentence_a_paragraph_or_a_language(
    client: TestClient, body: dict[str, Any], changed: int, approved_keys: set[str]
) -> None:
    before = {r["key"]: r["current"]["ru"]["state"] for r in rows(client)}  # read, cached
    assert "approved" not in before.values()
    answer = client.post(f"/api/articles/{ARTICLE_ID}/approve", json=body)
    assert answer.status_code == 200 and answer.json() == {"approved": changed}
    states = {r["key"]: r["current"]["ru"]["state"] for r in rows(client)}
    assert {key for key, state in states.items() if state == "approved"} == approved_keys


def test_approving_an_unknown_sentence_is_404(client: TestClient) -> None:
    answer = client.post(f"/api/articles/{ARTICLE_ID}/approve", json={"lang": "ru", "keys": ["p9"]})
    assert answer.status_code == 404 and "p3-s1" in answer.json()["hint"]


def test_publish_writes_only_to_the_folder_serve_was_given(
    client: TestClient, tmp_path: Path
) -> None:
    client.post(f"/api/articles/{ARTICLE_ID}/approve", json={"lang": "ru"})
    answer = client.post("/api/publish", json={})
    assert answer.status_code == 200
    report = answer.json()
    assert report["published"]["ru"] == 1
    assert report["out_dir"] == str(tmp_path / "published")
    assert (tmp_path / "published" / "site" / "ru").is_dir()
    elsewhere = client.post("/api/publish", json={"out": str(tmp_path / "elsewhere")})
    assert elsewhere.status_code == 400 and not (tmp_path / "elsewhere").exists()


def test_publish_is_off_without_out(db: Path) -> None:
    with TestClient(create_app(settings_for(db)), headers=BEARER) as test_client:
        answer = test_client.post("/api/publish")
    assert answer.status_code == 400 and "--out" in answer.json()["hint"]


# -- security ---------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}], ids=["none", "wrong"])
def test_api_needs_the_token(db: Path, headers: dict[str, str]) -> None:
    with TestClient(create_app(settings_for(db))) as anonymous:
        answer = anonymous.get("/api/articles", headers=headers)
    assert answer.status_code == 401 and answer.json()["hint"]


def test_login_sets_a_strict_http_only_cookie(db: Path) -> None:
    with TestClient(create_app(settings_for(db)), follow_redirects=False) as test_client:
        answer = test_client.get(f"/login?token={TOKEN}")
        wrong = test_client.get("/login?token=nope")
        offsite = test_client.get(f"/login?token={TOKEN}&next=//evil.example/")
    cookie = answer.headers["set-cookie"]
    assert answer.status_code == 303 and cookie.startswith(f"{COOKIE}=")
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    assert wrong.status_code == 403 and "set-cookie" not in wrong.headers
    assert offsite.headers["location"] == "/"


def test_login_form_posts_the_token(db: Path) -> None:
    with TestClient(create_app(settings_for(db)), follow_redirects=False) as test_client:
        answer = test_client.post("/login", data={"token": TOKEN, "next": "/api/articles"})
        assert answer.status_code == 303
        assert test_client.get("/api/articles").status_code == 200


def test_browser_reads_with_its_cookie(browser: TestClient) -> None:
    assert browser.get("/api/articles").status_code == 200
    session = browser.get("/api/session").json()
    assert session["auth"] == "session" and len(session["csrf_token"]) > 20


@pytest.mark.parametrize("csrf", [None, "forged"], ids=["missing", "wrong"])
def test_browser_writes_without_the_csrf_token_are_refused(
    browser: TestClient, csrf: str | None
) -> None:
    version = row(browser, "p2-s1")["current"]["ru"]["id"]
    headers = {"X-CSRF-Token": csrf} if csrf else {}
    answer = browser.patch(
        f"/api/versions/{version}", json={"text": "A", "revision": version}, headers=headers
    )
    assert answer.status_code == 403 and "CSRF" in answer.json()["error"]
    assert row(browser, "p2-s1")["current"]["ru"]["id"] == version


def test_browser_writes_with_the_csrf_token_go_through(browser: TestClient) -> None:
    csrf = browser.get("/api/session").json()["csrf_token"]
    version = row(browser, "p2-s1")["current"]["ru"]["id"]
    answer = browser.patch(
        f"/api/versions/{version}",
        json={"text": "A", "revision": version},
        headers={"X-CSRF-Token": csrf},
    )
    assert answer.status_code == 200


def test_pages_without_a_session_go_to_login(db: Path) -> None:
    with TestClient(create_app(settings_for(db)), follow_redirects=False) as anonymous:
        answer = anonymous.get("/articles/x")
    assert answer.status_code == 303 and answer.headers["location"] == "/login?next=/articles/x"


@pytest.mark.parametrize(
    "host", ["evil.example", "127.0.0.1.evil.example", "localhost:9999", "testserver:1"]
)
def test_foreign_host_is_refused(client: TestClient, host: str) -> None:
    answer = client.get("/api/articles", headers={"Host": host})
    assert answer.status_code == 400


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "localhost"])
def test_loopback_names_are_accepted(client: TestClient, host: str) -> None:
    assert client.get("/api/docs", headers={"Host": host}).status_code == 200


def test_oversize_body_is_refused(client: TestClient) -> None:
    version = row(client, "p2-s1")["current"]["ru"]["id"]
    answer = client.patch(
        f"/api/versions/{version}", json={"text": "x" * (1 << 20), "revision": version}
    )
    assert answer.status_code == 413
    assert row(client, "p2-s1")["current"]["ru"]["id"] == version


def test_oversize_body_without_length_is_refused(db: Path) -> None:
    app = create_app(settings_for(db, max_body=100))
    with TestClient(app, headers=BEARER) as test_client:
        answer = test_client.post(
            "/api/publish", content=iter([b"{" + b" " * 80, b" " * 80 + b"}"])
        )
    assert answer.status_code == 413


@pytest.mark.parametrize("path", ["/api/articles", "/api/nothing", "/login"])
def test_security_headers_on_every_response(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def test_docs_list_every_api_route(client: TestClient) -> None:
    documented = {(e["method"], e["path"]) for e in client.get("/api/docs").json()["endpoints"]}
    routes = {
        (method, route.path)
        for route in client.app.routes  # type: ignore[attr-defined]
        if getattr(route, "path", "").startswith("/api/")
        for method in set(route.methods or ()) - {"HEAD"}
    }
    assert routes == documented


# -- concurrency ------------------------------------------------------------------------------


def test_concurrent_edits_of_one_sentence_store_exactly_one(db: Path) -> None:
    with Store(db) as store:
        stored = store.article(ARTICLE_ID)
        seen = store.current_versions(stored, "ru")[stored.segments[1].id or 0]
    assert seen.id is not None
    outcomes: list[str] = []
    lock = threading.Lock()

    def write(n: int) -> None:
        with Store(db) as store:
            try:
                actions.edit(store, seen.id or 0, f"text {n}", revision=seen.id or 0)
                result = "stored"
            except StaleWrite:
                result = "stale"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["stale"] * 7 + ["stored"]
    with Store(db) as store:
        history = store.versions.history(seen.segment_id, "ru")
    assert [h.version.origin for h in history] == ["machine", "human"]


def test_edits_of_different_sentences_while_translating_all_land(db: Path) -> None:
    with Store(db) as store:
        stored = store.article(ARTICLE_ID)
        current = store.current_versions(stored, "en")
    targets = [(sid, v.id or 0) for sid, v in current.items() if v.origin == "machine"]
    errors: list[BaseException] = []

    def edit(segment_id: int, version_id: int) -> None:
        try:
            with Store(db) as store:
                actions.edit(store, version_id, f"edited {segment_id}", revision=version_id)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def translate() -> None:  # a run writing machine text to other rows meanwhile
        with Store(db) as store:
            store.save_article(budget_article(OTHER_ID, title="Інша історія"))
            for _ in range(3):
                add_machine(store, OTHER_ID)

    threads = [threading.Thread(target=edit, args=pair) for pair in targets]
    threads.append(threading.Thread(target=translate))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store(db) as store:
        now = store.current_versions(store.article(ARTICLE_ID), "en")
    assert {sid: now[sid].text for sid, _ in targets} == {
        sid: f"edited {sid}" for sid, _ in targets
    }


@pytest.mark.parametrize("reviewed", ["edited", "approved"])
def test_retranslation_never_replaces_reviewed_text(db: Path, reviewed: str) -> None:
    with Store(db) as store:
        stored = store.article(ARTICLE_ID)
        segment = stored.segments[1].id or 0
        seen = store.current_versions(stored, "ru")[segment]
        if reviewed == "edited":
            kept = actions.edit(store, seen.id or 0, "Горсовет.", revision=seen.id or 0)
        else:
            kept = actions.set_state(store, seen.id or 0, "approved", revision=seen.id or 0)
        newer = UK_RU.__class__(**{**UK_RU.__dict__, "revision": "v2"})
        store.add_versions([Version(segment, "ru", "Новый перевод.", "machine", "machine", newer)])
        assert store.current_versions(stored, "ru")[segment].id == kept.id


def test_queue_follows_every_change_after_it_was_read(client: TestClient) -> None:
    def state(lang: str) -> str:
        return str(client.get("/api/articles").json()[0]["states"][lang])

    assert state("ru") == "machine"
    client.post(f"/api/articles/{ARTICLE_ID}/approve", json={"lang": "ru"})
    assert state("ru") == "approved"  # a state change alone, no new row
    version = row(client, "p2-s1")["current"]["ru"]["id"]
    client.patch(f"/api/versions/{version}", json={"text": "A", "revision": version})
    assert state("ru") == "edited"
    edited = row(client, "p2-s1")["current"]["ru"]["id"]
    client.patch(f"/api/versions/{edited}", json={"state": "approved", "revision": edited})
    assert state("ru") == "approved"


def test_rows_carry_their_alignment_unit_with_the_human_editions(tmp_path: Path) -> None:
    from pipeline.ingest import IngestOptions
    from pipeline.jobs import ingest_paths

    db = tmp_path / "editions.db"
    samples = Path(__file__).resolve().parent.parent / "samples" / "set-city-budget"
    with Store(db) as store:
        list(ingest_paths([samples], store, IngestOptions()))
        original = next(a for a in map(store.article, store.article_ids()) if a.lang == "uk")
        stored_units = store.units.of_story(original.id)
    with TestClient(create_app(settings_for(db)), headers=BEARER) as client:
        found = rows(client, original.id)
    assert all(r["unit"] for r in found)
    opened = [r for r in found if r["unit_first"]]
    assert len(opened) == sum(1 for unit in stored_units if unit.segments.get("uk"))
    merged = [r for r in found if not r["unit_first"]]  # a unit holding two uk sentences
    assert merged and all(r["unit_kind"].startswith("2-") for r in merged)
