"""Revisions that carry editorial work over, stale versions, story identity (store level)."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.align import match_revisions
from pipeline.domain import Article, Paragraph, Sentence, Signature, Version, story_key
from pipeline.publish import approve, review_summary
from pipeline.publish.collect import article_versions, language_version
from pipeline.publish.review import apply_edit, edit_text
from pipeline.store import MIGRATIONS, Store
from pipeline.store.schema import FIRST_SCHEMA

SIG = Signature(model_id="m/en-zle", revision="r1", decoding="{}", route="en>uk")
BODY = [
    ["Senators visited Odesa on Sunday.", "They toured the port."],
    ["The region was hit by 214 drones.", "Six civilians were killed."],
    ["The delegation left for Kyiv by train."],
]


def make_article(
    body: list[list[str]] = BODY,
    *,
    title: str = "Senators visit Odesa",
    date: str | None = "2026-03-16",
    url: str | None = None,
    path: str = "/news/a.txt",
) -> Article:
    paragraphs = [Paragraph(0, "title", title, "en", 0.99, (Sentence(0, title, "en", 0.99),))]
    for index, sentences in enumerate(body, start=1):
        paragraphs.append(
            Paragraph(
                index,
                "p",
                " ".join(sentences),
                "en",
                0.99,
                tuple(Sentence(i, s, "en", 0.99) for i, s in enumerate(sentences)),
            )
        )
    key = story_key(url=url, title=title, date=date)
    content = "\x00".join([title, *(s for p in body for s in p)])
    return Article(
        id=hashlib.sha1(key.encode()).hexdigest()[:12],
        key=key,
        source_path=path,
        format="txt",
        title=title,
        author=None,
        date=date,
        url=url,
        lang="en",
        confidence=0.99,
        paragraphs=tuple(paragraphs),
        content_hash=hashlib.sha256(content.encode()).hexdigest(),
    )


def corrected(old: str, new: str) -> list[list[str]]:
    return [[s.replace(old, new) for s in p] for p in BODY]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "p.db", clock=lambda: "2026-03-16T10:00:00+00:00") as opened:
        yield opened


def machine_translate(store: Store, article_id: str, lang: str) -> None:
    stored = store.article(article_id)
    store.add_versions(
        [
            Version(
                segment_id=s.id or 0,
                lang=lang,
                text=f"[{lang}] {s.text}",
                origin="machine",
                state="machine",
                signature=SIG,
            )
            for s in store.missing(stored, lang)
        ]
    )


def edit(store: Store, article_id: str, lang: str, sentence: str, text: str) -> None:
    lines = edit_text(store, article_id, lang).splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("# [") and sentence in line)
    lines[at + 1] = text
    apply_edit(store, article_id, lang, "\n".join(lines) + "\n")


@pytest.fixture
def reviewed(store: Store) -> str:
    """A story translated to uk and ru; one uk sentence edited, ru approved."""
    article_id = store.save_article(make_article()).article_id
    for lang in ("uk", "ru"):
        machine_translate(store, article_id, lang)
    edit(store, article_id, "uk", "They toured the port.", "Вони оглянули порт (ред.).")
    approve(store, article_id, "ru")
    return article_id


def texts(store: Store, article_id: str, lang: str) -> dict[str, tuple[str, str]]:
    """source sentence → (text, state) of the newest revision in lang."""
    version = language_version(store, store.article(article_id), lang)
    return {s.segment.text: (s.text, s.state) for s in version.present}


# -- alignment ---------------------------------------------------------------------------------

OLD = ["A first sentence here.", "A second one follows.", "The third closes it.", "Fourth."]


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (OLD, ["unchanged"] * 4),
        (
            ["A first sentence here.", "A second one follows now.", *OLD[2:]],
            ["unchanged", "changed", "unchanged", "unchanged"],
        ),
        ([*OLD[:2], "Inserted text entirely new.", *OLD[2:]], ["unchanged"] * 4 + ["added"]),
        ([OLD[0], *OLD[2:]], ["unchanged"] * 3 + ["removed"]),
        ([OLD[2], OLD[0], OLD[1], OLD[3]], ["unchanged"] * 3 + ["moved"]),
    ],
    ids=["unchanged", "changed", "added", "removed", "moved"],
)
def test_sentences_of_two_revisions_are_matched(new: list[str], expected: list[str]) -> None:
    matches = match_revisions(OLD, new)
    assert sorted(m.kind for m in matches) == sorted(expected)
    assert sorted(m.old for m in matches if m.old is not None) == list(range(len(OLD)))
    assert sorted(m.new for m in matches if m.new is not None) == list(range(len(new)))


def test_a_rewritten_sentence_among_others_is_changed_not_added() -> None:
    new = ["A first sentence here.", "Totally different words now.", "A second one follows!"]
    kinds = {(m.old, m.new): m.kind for m in match_revisions(OLD[:2], new)}
    assert kinds[(1, 2)] == "changed" and kinds[(None, 1)] == "added"


# -- carrying work over ------------------------------------------------------------------------


def test_a_new_revision_keeps_edits_and_approvals_of_unchanged_sentences(
    store: Store, reviewed: str
) -> None:
    before_uk, before_ru = texts(store, reviewed, "uk"), texts(store, reviewed, "ru")
    result = store.save_article(make_article(corrected("214", "216")))
    assert (result.status, result.revision, result.stale) == ("revised", 2, 1)
    uk, ru = texts(store, reviewed, "uk"), texts(store, reviewed, "ru")
    unchanged = [s for s in before_ru if "214" not in s]
    assert {s: uk[s] for s in unchanged} == {s: before_uk[s] for s in unchanged}
    assert {s: ru[s] for s in unchanged} == {s: before_ru[s] for s in unchanged}
    assert uk["They toured the port."] == ("Вони оглянули порт (ред.).", "edited")
    assert all(ru[s][1] == "approved" for s in unchanged)
    # the changed sentence waits for machine text; the approved ru text is history, not lost
    assert "The region was hit by 216 drones." not in ru
    machine_translate(store, reviewed, "ru")
    version = language_version(store, store.article(reviewed), "ru")
    (stale,) = [s for s in version.present if s.state == "stale"]
    assert stale.previous == "[ru] The region was hit by 214 drones."
    assert stale.text == "[ru] The region was hit by 216 drones."
    assert version.state == "stale"
    # uk had only machine text there: nothing reviewed went out of date
    machine_translate(store, reviewed, "uk")
    assert texts(store, reviewed, "uk")["The region was hit by 216 drones."][1] == "machine"


def test_approving_a_stale_version_clears_it(store: Store, reviewed: str) -> None:
    store.save_article(make_article(corrected("214", "216")))
    machine_translate(store, reviewed, "ru")
    assert approve(store, reviewed, "ru") == 1
    assert language_version(store, store.article(reviewed), "ru").state == "approved"


def test_a_resave_of_the_same_content_is_unchanged(store: Store, reviewed: str) -> None:
    assert store.save_article(make_article()).status == "unchanged"


def test_moved_paragraph_keeps_its_approval(store: Store, reviewed: str) -> None:
    store.save_article(make_article([BODY[2], BODY[0], BODY[1]]))
    ru = texts(store, reviewed, "ru")
    assert set(ru) == {s for p in BODY for s in p} | {"Senators visit Odesa"}
    assert {state for _, state in ru.values()} == {"approved"}


def test_publish_keeps_the_last_approved_revision_until_reapproval(
    store: Store, reviewed: str
) -> None:
    before = article_versions(store, store.article(reviewed))
    store.save_article(make_article(corrected("214", "216")))
    machine_translate(store, reviewed, "ru")
    served = article_versions(store, store.article(reviewed))
    assert "ru" in served.published and served.langs["ru"].revision == 1
    assert served.langs["ru"].paragraphs() == before.langs["ru"].paragraphs()
    assert served.held["ru"].state == "stale"
    assert [s.serves_revision for s in review_summary(store, reviewed)] == [None, 1, None]
    dropped = article_versions(store, store.article(reviewed), keep_approved=False)
    assert "ru" not in dropped.published
    approve(store, reviewed, "ru")
    after = article_versions(store, store.article(reviewed))
    assert after.langs["ru"].revision is None and "ru" in after.published
    assert "216" in " ".join(t for _, _, t in after.langs["ru"].paragraphs())


# -- correcting the source in the store ------------------------------------------------------


def test_editing_the_source_language_is_a_correction(store: Store, reviewed: str) -> None:
    edit(store, reviewed, "en", "214 drones", "The region was hit by 216 drones.")
    stored = store.article(reviewed)
    assert stored.revision == 2
    assert "The region was hit by 216 drones." in [s.text for s in stored.segments]
    en = language_version(store, stored, "en")
    assert en.state == "source"
    assert "en" in article_versions(store, stored).published
    machine_translate(store, reviewed, "ru")
    ru = language_version(store, store.article(reviewed), "ru")
    assert [s.segment.text for s in ru.present if s.state == "stale"] == [
        "The region was hit by 216 drones."
    ]
    assert texts(store, reviewed, "uk")["They toured the port."][1] == "edited"


# -- identity ----------------------------------------------------------------------------------


def test_the_same_story_from_another_folder_is_the_same_article(store: Store) -> None:
    first = store.save_article(make_article(path="/news/a.txt"))
    copy = store.save_article(make_article(path="/archive/2026/copy-of-a.txt"))
    assert (copy.article_id, copy.status) == (first.article_id, "unchanged")
    moved = store.save_article(make_article(corrected("214", "216"), path="/moved/a.txt"))
    assert (moved.article_id, moved.status) == (first.article_id, "revised")
    assert store.article_ids() == [first.article_id]


OTHER = [["A storm closed the airport.", "Flights resume tomorrow."], ["Nobody was hurt."]]


@pytest.mark.parametrize("date", ["2026-03-16", None], ids=["same-title-and-date", "undated"])
def test_two_different_stories_never_share_an_id(store: Store, date: str | None) -> None:
    first = store.save_article(make_article(date=date))
    second = store.save_article(make_article(OTHER, date=date, path="/news/b.txt"))
    assert second.status == "new" and second.article_id != first.article_id
    again = store.save_article(make_article(OTHER, date=date, path="/elsewhere/b.txt"))
    assert (again.article_id, again.status) == (second.article_id, "unchanged")
    assert len({store.article(i).slug for i in store.article_ids()}) == 2


def test_a_corrected_title_of_an_undated_file_is_a_revision(store: Store) -> None:
    first = store.save_article(make_article(date=None))
    fixed = store.save_article(make_article(title="Senators visit Odesa port", date=None))
    assert (fixed.article_id, fixed.status) == (first.article_id, "revised")


def test_a_url_identifies_the_story_whatever_its_text(store: Store) -> None:
    url = "https://news.example/odesa"
    first = store.save_article(make_article(url=url))
    rewritten = store.save_article(make_article(OTHER, url=url, title="New headline"))
    assert (rewritten.article_id, rewritten.status) == (first.article_id, "revised")


# -- migration ---------------------------------------------------------------------------------


def test_a_path_keyed_database_migrates_keeping_articles_and_versions(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    MIGRATIONS[0].apply(conn)
    MIGRATIONS[1].apply(conn)
    conn.execute("PRAGMA user_version = 2")
    rows = [
        ("old1", "/news/a.txt", "Senators visit Odesa", "2026-03-16", None),
        ("old2", "/copy/a.txt", "Senators visit Odesa", "2026-03-16", None),
        ("old3", "/news/c.txt", "Storm", None, "https://news.example/storm"),
    ]
    for number, (article_id, key, title, date, url) in enumerate(rows, start=1):
        conn.execute(
            "INSERT INTO articles (id, key, slug, created) VALUES (?, ?, ?, 'then')",
            (article_id, key, f"slug-{article_id}"),
        )
        conn.execute(
            "INSERT INTO revisions (id, article_id, number, content_hash, source_path, format,"
            " title, date, url, lang, confidence, created) VALUES (?, ?, 1, 'h', ?, 'txt', ?, ?,"
            " ?, 'en', 1.0, 'then')",
            (number, article_id, key, title, date, url),
        )
        conn.execute(
            "INSERT INTO segments (id, revision_id, para_index, sent_index, kind, lang,"
            " confidence, text) VALUES (?, ?, 0, 0, 'title', 'en', 1.0, ?)",
            (number, number, title),
        )
        conn.execute(
            "INSERT INTO versions (segment_id, lang, text, origin, state, created)"
            " VALUES (?, 'ru', 'Сенаторы', 'human', 'approved', 'then')",
            (number,),
        )
    conn.execute("UPDATE articles SET edition_of = 'old1' WHERE id = 'old3'")
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        ids = {
            store.article(f"slug-{old}").key: store.resolve(f"slug-{old}")
            for old in ("old1", "old2", "old3")
        }
        assert set(ids) == {
            "story:senators visit odesa|2026-03-16",
            "story:senators visit odesa|2026-03-16#2",
            "https://news.example/storm",
        }
        assert (
            ids["https://news.example/storm"]
            == hashlib.sha1(b"https://news.example/storm").hexdigest()[:12]
        )
        approved = "SELECT COUNT(*) FROM versions WHERE state = 'approved'"
        assert store.conn.execute(approved).fetchone()[0] == 3
        assert store.article("slug-old3").edition_of == ids["story:senators visit odesa|2026-03-16"]
        # the rebuilt versions table takes the new state; the old CHECK refused it
        store.conn.execute("UPDATE versions SET state = 'stale' WHERE segment_id = 1")


def test_first_schema_steps_are_tuples_and_later_ones_python() -> None:
    assert [step.name for step in MIGRATIONS] == [
        "1-first-schema",
        "2-editions",
        "3-stale-state",
        "4-story-identity",
        "5-alignment-units",
        "6-version-scores",
        "7-version-author",
    ]
    assert MIGRATIONS[0].action == FIRST_SCHEMA
    assert all(callable(step.action) for step in MIGRATIONS[2:4])


# -- XLIFF exported before a correction --------------------------------------------------------


def test_xliff_from_an_older_revision_imports_unchanged_units_and_reports_others(
    store: Store, reviewed: str, tmp_path: Path
) -> None:
    from pipeline.publish import export_xliff, import_xliff

    exported = export_xliff(store, reviewed, "uk").decode()
    exported = exported.replace("[uk] Six civilians were killed.", "Шестеро загиблих.")
    exported = exported.replace("[uk] The region was hit by 214 drones.", "214 дронів.")
    path = tmp_path / "uk.xlf"
    path.write_text(exported, encoding="utf-8")
    store.save_article(make_article(corrected("214", "216")))
    result = import_xliff(store, path)
    assert (result.stored, result.skipped, result.revision) == (1, ("p3-s1",), 1)
    uk = texts(store, reviewed, "uk")
    assert uk["Six civilians were killed."] == ("Шестеро загиблих.", "edited")
    assert "The region was hit by 216 drones." not in uk  # not given the old sentence's text


def test_diff_shows_the_old_reviewed_text_beside_the_new(store: Store, reviewed: str) -> None:
    from pipeline.diff import DiffOptions, build_view

    store.save_article(make_article(corrected("214", "216")))
    machine_translate(store, reviewed, "ru")
    view = build_view(store, reviewed, DiffOptions(langs=("en", "ru")))
    row = next(r for r in view.rows if "216" in r.cells[0].text)  # type: ignore[operator]
    ru = row.cells[1]
    assert "stale" in ru.flags and ru.text == "[ru] The region was hit by 216 drones."
    assert ru.notes[-1] == "stale (source corrected), was: [ru] The region was hit by 214 drones."
    assert all("stale" not in r.flags for r in view.rows if r is not row)


def test_a_correction_undone_and_redone_makes_revisions_not_errors(
    store: Store, reviewed: str
) -> None:
    for text in ("The region was hit by 216 drones.", "The region was hit by 214 drones."):
        edit(store, reviewed, "en", "The region was hit by", text)
    edit(store, reviewed, "en", "The region was hit by", "The region was hit by 216 drones.")
    assert store.article(reviewed).revision == 4
    assert texts(store, reviewed, "ru")["Six civilians were killed."][1] == "approved"


def test_the_store_check_lists_are_the_domain_vocabulary(store: Store) -> None:
    from pipeline.domain import ORIGINS, STATES

    sql = store.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'versions'").fetchone()[0]
    for name, values in (("origin", ORIGINS), ("state", STATES)):
        listed = sql.split(f"{name} IN (")[1].split(")")[0]
        assert [v.strip(" '") for v in listed.split(",")] == list(values)
