import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.domain import Article, Paragraph, Sentence, Signature, Version
from pipeline.store import MIGRATIONS, ArticleNotFound, Store, StoreError
from pipeline.store.schema import FIRST_SCHEMA

SIGNATURE = Signature(model_id="m/uk-en", revision="abc", decoding='{"num_beams":4}', route="uk>en")


def make_article(
    article_id: str = "a1b2c3d4e5f6", *, title: str = "Заголовок", extra: str = ""
) -> Article:
    paragraphs = (
        Paragraph(0, "title", title, "uk", 0.99, (Sentence(0, title, "uk", 0.99),)),
        Paragraph(
            1,
            "p",
            "Перше речення. «Это цитата».",
            "uk",
            0.9,
            (Sentence(0, "Перше речення.", "uk", 0.95), Sentence(1, "«Это цитата».", "ru", 0.9)),
        ),
        Paragraph(2, "li", "Пункт" + extra, "uk", 0.8, (Sentence(0, "Пункт" + extra, "uk", 0.8),)),
    )
    return Article(
        id=article_id,
        key=f"/news/{article_id}.txt",
        source_path=f"/news/{article_id}.txt",
        format="txt",
        title=title,
        author="Олена Петренко",
        date="2026-03-12",
        url=None,
        lang="uk",
        confidence=0.97,
        paragraphs=paragraphs,
        content_hash=f"hash-{title}-{extra}",
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "pipeline.db") as opened:
        yield opened


def test_new_database_is_migrated_with_wal_and_foreign_keys(store: Store) -> None:
    assert store.schema_version == len(MIGRATIONS)
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_reopening_keeps_data_and_schema(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    with Store(path) as first:
        first.save_article(make_article())
    with Store(path) as second:
        assert second.schema_version == len(MIGRATIONS)
        assert [s.id for s in second.list_articles()] == ["a1b2c3d4e5f6"]


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="newer than this pipeline"):
        Store(path)


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a pipeline database"):
        Store(path)


def test_saving_stores_segments_and_source_versions(store: Store) -> None:
    result = store.save_article(make_article())
    assert (result.status, result.revision) == ("new", 1)
    stored = store.article("a1b2c3d4e5f6")
    assert [(s.para_index, s.sent_index, s.lang) for s in stored.segments] == [
        (0, 0, "uk"),
        (1, 0, "uk"),
        (1, 1, "ru"),
        (2, 0, "uk"),
    ]
    ru = store.current_versions(stored, "ru")
    assert [v.text for v in ru.values()] == ["«Это цитата»."]
    assert all(v.origin == "source" for v in ru.values())


def test_unchanged_article_is_a_noop_and_changed_one_a_new_revision(store: Store) -> None:
    store.save_article(make_article())
    assert store.save_article(make_article()).status == "unchanged"
    changed = store.save_article(make_article(extra=" змінений"))
    assert (changed.status, changed.revision) == ("revised", 2)
    assert store.article("a1b2c3d4e5f6").segments[-1].text == "Пункт змінений"
    assert store.article("a1b2c3d4e5f6", revision=1).segments[-1].text == "Пункт"


def test_failed_save_leaves_nothing_half_written(store: Store) -> None:
    article = make_article()
    broken = replace(
        article,
        paragraphs=(*article.paragraphs, *article.paragraphs[-1:]),  # duplicate index
    )
    with pytest.raises(sqlite3.IntegrityError):
        store.save_article(broken)
    assert store.list_articles() == []
    assert store.conn.execute("SELECT COUNT(*) FROM segments").fetchone()[0] == 0


@pytest.mark.parametrize("ref", ["a1b2c3d4e5f6", "a1b2c3", "zaholovok-a1b2c3d4"])
def test_articles_resolve_by_id_prefix_and_slug(store: Store, ref: str) -> None:
    store.save_article(make_article())
    assert store.resolve(ref) == "a1b2c3d4e5f6"


def test_unknown_and_ambiguous_references_fail_clearly(store: Store) -> None:
    store.save_article(make_article("abc111111111"))
    store.save_article(make_article("abc222222222", title="Інший"))
    with pytest.raises(ArticleNotFound, match="no article"):
        store.resolve("zzz")
    with pytest.raises(ArticleNotFound, match="matches 2 articles"):
        store.resolve("abc")


def test_an_articles_own_id_names_it_before_another_articles_slug(store: Store) -> None:
    store.save_article(make_article("abc111111111"))
    store.save_article(make_article("abc222222222", title="Інший"))
    store.conn.execute("UPDATE articles SET slug = 'abc111111111' WHERE id = 'abc222222222'")
    assert store.resolve("abc111111111") == "abc111111111"
    assert store.resolve("abc222222222") == "abc222222222"


def test_machine_versions_are_not_duplicated_by_a_rerun(store: Store) -> None:
    store.save_article(make_article())
    stored = store.article("a1b2c3d4e5f6")
    versions = [
        Version(
            segment_id=s.id,
            lang="en",
            text=f"en {s.text}",
            origin="machine",
            state="machine",
            signature=SIGNATURE,
        )
        for s in stored.segments
        if s.id is not None
    ]
    assert store.add_versions(versions) == 4
    assert store.add_versions(versions) == 0
    assert store.missing(stored, "en") == []
    assert len(store.missing(stored, "ru")) == 3


def test_signature_is_stored_with_each_machine_version(store: Store) -> None:
    store.save_article(make_article())
    stored = store.article("a1b2c3d4e5f6")
    segment_id = stored.segments[0].id
    assert segment_id is not None
    store.add_versions(
        [
            Version(
                segment_id=segment_id,
                lang="en",
                text="Headline",
                origin="machine",
                state="machine",
                signature=SIGNATURE,
                flags=("split:1",),
            )
        ]
    )
    (version,) = store.versions([segment_id], lang="en")
    assert version.signature == SIGNATURE
    assert version.flags == ("split:1",)
    assert version.created


def test_human_edit_wins_over_machine_text_and_keeps_it(store: Store) -> None:
    store.save_article(make_article())
    stored = store.article("a1b2c3d4e5f6")
    segment_id = stored.segments[0].id
    assert segment_id is not None
    store.add_versions(
        [
            Version(
                segment_id=segment_id,
                lang="en",
                text="Machine",
                origin="machine",
                state="machine",
                signature=SIGNATURE,
            )
        ]
    )
    store.add_versions(
        [Version(segment_id=segment_id, lang="en", text="Edited", origin="human", state="edited")]
    )
    assert store.current_versions(stored, "en")[segment_id].text == "Edited"
    assert [v.text for v in store.versions([segment_id], lang="en")] == ["Machine", "Edited"]


def test_memory_round_trip_and_keying_by_signature(store: Store) -> None:
    store.memory_put("sig-a", [("Добрий день.", "Good afternoon.")])
    assert store.memory_get("sig-a", ["Добрий день.", "Інше."]) == {
        "Добрий день.": "Good afternoon."
    }
    assert store.memory_get("sig-b", ["Добрий день."]) == {}


def test_deleting_an_article_removes_everything_under_it(store: Store) -> None:
    store.save_article(make_article())
    store.delete_article("a1b2c3")
    for table in ("articles", "revisions", "segments", "versions"):
        assert store.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0


def test_a_first_schema_database_is_migrated_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for statement in FIRST_SCHEMA:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO articles (id, key, slug, created) VALUES ('a1', 'k', 's', 'now')")
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.article_ids() == ["a1"]


def test_an_edition_gives_human_versions_once_its_story_is_aligned(store: Store) -> None:
    from pipeline.alignjob import align_store

    store.save_article(make_article())
    ru = make_article("ed1111111111", title="Заголовок по-русски")
    paragraphs = (
        ru.paragraphs[0],
        Paragraph(
            1,
            "p",
            "x",
            "ru",
            0.9,
            (
                Sentence(0, "Первое предложение.", "ru", 0.9),
                Sentence(1, "«Это цитата».", "ru", 0.9),
            ),
        ),
        Paragraph(
            2,
            "li",
            "x",
            "ru",
            0.9,
            (Sentence(0, "Пункт.", "ru", 0.9), Sentence(1, "Лишнее.", "ru", 0.9)),
        ),
    )
    store.save_article(replace(ru, lang="ru", paragraphs=paragraphs))
    link = store.link_edition("ed1111111111", "a1b2c3d4e5f6")
    assert (link.lang, link.aligned, link.segments) == ("ru", 0, 4)  # linked, not yet aligned
    (aligned,) = align_store(store).links
    assert (aligned.lang, aligned.aligned, aligned.segments) == ("ru", 3, 4)
    original = store.article("a1b2c3d4e5f6")
    human = {
        v.segment_id: v.text
        for v in store.article_versions(original, lang="ru")
        if v.origin == "human"
    }
    # the title, the first sentence and the list item with the sentence the edition added to
    # it; the quote already has its source text
    assert sorted(human.values()) == [
        "Заголовок по-русски",
        "Первое предложение.",
        "Пункт. Лишнее.",
    ]
    assert store.article_ids() == ["a1b2c3d4e5f6"]
    assert store.article("ed1111111111").edition_of == "a1b2c3d4e5f6"
    assert align_store(store).written == 0
    assert len(store.article_versions(original, lang="ru")) == 4  # no duplicates on realigning
