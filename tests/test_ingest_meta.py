"""Ingest metadata and hygiene: bylines, publication dates with time and zone, short files,
word-processor breaks and emoji, and the tool's own files left out of folder walks."""

from __future__ import annotations

import json
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pipeline.domain import RawArticle
from pipeline.ingest import IngestOptions, OwnFilesSkipped, iter_articles, read_path
from pipeline.ingest.byline import clean_author, looks_like_name_line, parse_byline
from pipeline.ingest.common import clean_inline, normalize_text
from pipeline.ingest.dates import normalize_date, parse_date
from pipeline.ingest.text import clean_dump

OPTIONS = IngestOptions()

UK_STORY = (
    "Київська міська рада ухвалила бюджет міста на наступний рік після довгого обговорення. "
    "За рішення проголосували вісімдесят депутатів."
)
EN_STORY = (
    "The city council approved the budget for next year after a long debate on Tuesday. "
    "Eighty members voted for the decision."
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- bylines ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "author", "date"),
    [
        ("By Jane Doe", "Jane Doe", None),
        ("Author: Jane Doe", "Jane Doe", None),
        ("Автор: Ірина Лисенко", "Ірина Лисенко", None),
        ("Автор — Ірина Лисенко", "Ірина Лисенко", None),
        ("Автор – Дмитрий Савчук, 5 марта 2026", "Дмитрий Савчук", "2026-03-05"),
        ("IVAN DIAKONOV, 26 January 2025", "Ivan Diakonov", "2025-01-26"),
        ("Ivan Diakonov Sunday, 26 January 2025, 05:13", "Ivan Diakonov", "2025-01-26T05:13:00"),
        ("Олена Петренко 14:30", None, None),
        (
            "Олена Петренко, понеділок, 15 березня 2026, 14:30",
            "Олена Петренко",
            "2026-03-15T14:30:00",
        ),
        ("By Jane Doe · 16/03/2026 09:05", "Jane Doe", "2026-03-16T09:05:00"),
        ("By Jane Smith, BBC News", "Jane Smith", None),
        ("Автори: Ірина Лисенко, Олег Павлюк", "Ірина Лисенко, Олег Павлюк", None),
        ("Mon 16 Mar 2026 09.12 GMT", None, "2026-03-16T09:12:00+00:00"),
        ("Updated: 16 March 2026, 09:12 EET", None, "2026-03-16T09:12:00+02:00"),
        # A date beside the section menu is a date line; the menu is nobody's name.
        (" date 2025-01-26 All Sections", None, "2025-01-26"),
    ],
)
def test_byline_forms(line: str, author: str | None, date: str | None) -> None:
    found = parse_byline(line)
    if author is None and date is None:
        assert found is None or (found.author, found.date) == (None, None)
        return
    assert found is not None
    assert (found.author, found.date) == (author, date)


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Ivan Diakonov", "Ivan Diakonov"),
        ("ОЛЕНА ПЕТРЕНКО", "Олена Петренко"),
        ("Ірина Лисенко-Коваль ·", "Ірина Лисенко-Коваль"),
        ("Марія де Віт", "Марія де Віт"),
        ("All Sections", None),
        ("Latest News", None),
        ("Support Us", None),
        ("Kyiv news", None),
        ("Далі буде.", None),
        ("The mayor said", None),
    ],
)
def test_name_alone(line: str, name: str | None) -> None:
    assert looks_like_name_line(line) == name


@pytest.mark.parametrize(
    ("value", "author"),
    [
        ("Name Surname ·", "Name Surname"),
        ("Олена Петренко |", "Олена Петренко"),
        ("Автор: Ірина Лисенко", "Ірина Лисенко"),
        ("By JANE DOE", "Jane Doe"),
        ("ОЛЕНА ПЕТРЕНКО-КОВАЛЬ, AFP", "Олена Петренко-Коваль, AFP"),
        ("УНІАН", "УНІАН"),
        # A page's metadata that ran the dateline into the author field.
        ("Ірина Лисенко Понеділок", "Ірина Лисенко"),
        ("Mark Ellis; October 19, 2025", "Mark Ellis"),
        ("Сергей Волков, 12 марта", "Сергей Волков"),
        ("Четвер", None),
    ],
)
def test_author_field_loses_label_and_separator(value: str, author: str | None) -> None:
    assert clean_author(value) == author


@pytest.mark.parametrize("name", ["Ivan Diakonov", "IVAN DIAKONOV"])
def test_name_alone_byline_is_author_not_story(name: str) -> None:
    dump = f"Kyiv council approves next year's city budget\n{name}\n{EN_STORY}\n"
    cleaned = clean_dump(dump)
    assert cleaned is not None
    assert cleaned.author == "Ivan Diakonov"
    assert [text for _, text in cleaned.blocks] == [EN_STORY]


def test_menu_row_with_date_at_top_is_not_the_author() -> None:
    dump = (
        " date 2025-01-26 All Sections\n"
        "Укр Рус Eng\n\n"
        "Kyiv council approves next year's city budget\n\n"
        "Ivan Diakonov Sunday, 26 January 2025, 05:13\n"
        f"{EN_STORY}\n"
    )
    cleaned = clean_dump(dump)
    assert cleaned is not None
    assert (cleaned.author, cleaned.date) == ("Ivan Diakonov", "2025-01-26T05:13:00")


def test_html_byline_loses_its_separator(tmp_path: Path) -> None:
    page = write(
        tmp_path / "story.html",
        "<html lang='en'><head><title>Kyiv council approves next year's budget</title></head>"
        "<body><article><h1>Kyiv council approves next year's budget</h1>"
        "<div class='byline'><span class='author'>Name Surname</span> · "
        "<time datetime='2026-03-17T08:15:00+02:00'>17 March 2026</time></div>"
        f"<p>{EN_STORY}</p><p>{EN_STORY.replace('city', 'town')}</p></article></body></html>",
    )
    [article] = read_path(page, OPTIONS)
    assert article.author == "Name Surname"
    assert article.date == "2026-03-17T08:15:00+02:00"
    assert all("Name Surname" not in block.text for block in article.blocks)


def test_html_byline_paragraph_is_author_not_story(tmp_path: Path) -> None:
    page = write(
        tmp_path / "story.html",
        "<html lang='en'><head><title>Kyiv council approves next year's budget</title></head>"
        "<body><article><h1>Kyiv council approves next year's budget</h1>"
        f"<p>Name Surname ·</p><p>{EN_STORY}</p><p>{EN_STORY.replace('city', 'town')}</p>"
        "</article></body></html>",
    )
    [article] = read_path(page, OPTIONS)
    assert article.author == "Name Surname"
    assert [block.text for block in article.blocks][0] == EN_STORY


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("15.03.2026", "2026-03-15"),
        ("16/03/2026", "2026-03-16"),
        ("03/16/2026", "2026-03-16"),
        ("2026/03/16", "2026-03-16"),
        ("15 марта 2026", "2026-03-15"),
        ("15 березня 2026", "2026-03-15"),
        ("15 березня 2026 року", "2026-03-15"),
        ("1-го сентября 2025 г.", "2025-09-01"),
        ("March 15, 2026", "2026-03-15"),
        ("15th March 2026", "2026-03-15"),
        ("Mar. 16, 2026, 10:42", "2026-03-16T10:42:00"),
        ("понеділок, 15 березня 2026, 14:30", "2026-03-15T14:30:00"),
        ("12 лютого 2026 о 09:05", "2026-02-12T09:05:00"),
        ("14:30, 15.03.2026", "2026-03-15T14:30:00"),
        ("15.03.2026 14:30 (UTC+2)", "2026-03-15T14:30:00+02:00"),
        ("March 15, 2026 at 2:30 pm EDT", "2026-03-15T14:30:00-04:00"),
        ("2026-03-17T08:15:00+02:00", "2026-03-17T08:15:00+02:00"),
        ("2026-03-17T06:15:00Z", "2026-03-17T06:15:00+00:00"),
        ("2026-03-17T06:15:00.250Z", "2026-03-17T06:15:00+00:00"),
        ("2026-03-17 08:15", "2026-03-17T08:15:00"),
        ("Tue, 17 Mar 2026 08:15:00 +0200", "2026-03-17T08:15:00+02:00"),
        (1773736500, "2026-03-17T08:35:00+00:00"),
        (1773736500000, "2026-03-17T08:35:00+00:00"),
        ("1773736500", "2026-03-17T08:35:00+00:00"),
        ("20260317", "2026-03-17"),
        ("../../etc", None),
        ("2026-02-30", None),
        ("31.02.2026", None),
        ("вчора", None),
        ("", None),
        (True, None),
    ],
)
def test_normalize_date(value: object, iso: str | None) -> None:
    assert normalize_date(value) == iso


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Опубліковано 15 березня 2026, 14:30", "2026-03-15T14:30:00"),
        ("Обновлено: 5 марта 2026 г., 11:20", "2026-03-05T11:20:00"),
        ("Updated 16 March 2026", "2026-03-16"),
    ],
)
def test_date_in_a_line(text: str, iso: str) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("15.03.2026", "2026-03-15"),
        ("16/03/2026", "2026-03-16"),
        ("15 марта 2026", "2026-03-15"),
        ("2026-03-17T08:15:00+02:00", "2026-03-17T08:15:00+02:00"),
        (1773736500, "2026-03-17T08:35:00+00:00"),
    ],
)
def test_json_dates_are_read_not_replaced(tmp_path: Path, value: object, iso: str) -> None:
    record = {"title": "Київ ухвалив бюджет", "body": UK_STORY, "date": value}
    path = write(tmp_path / "story.json", json.dumps(record, ensure_ascii=False))
    [article] = read_path(path, OPTIONS)
    assert article.date == iso
    assert article.notes == ()


def test_unreadable_json_date_is_a_warning_and_no_date(tmp_path: Path) -> None:
    from pipeline.jobs import Notice, parse_paths

    record = {"title": "Київ ухвалив бюджет", "body": UK_STORY, "date": "../../etc"}
    path = write(tmp_path / "story.json", json.dumps(record, ensure_ascii=False))
    items = list(parse_paths([path], OPTIONS))
    notices = [item for item in items if isinstance(item, Notice)]
    articles = [item for item in items if not isinstance(item, Notice)]
    assert len(notices) == 1 and len(articles) == 1
    line = str(notices[0])
    assert "\n" not in line and str(path) in line and "../../etc" in line
    assert articles[0].date is None  # type: ignore[union-attr]


def test_markdown_front_matter_date_keeps_time_and_zone(tmp_path: Path) -> None:
    path = write(
        tmp_path / "story.md",
        "---\ntitle: Київ ухвалив бюджет\nauthor: 'Автор: Ірина Лисенко'\n"
        f"date: 2026-03-17T08:15:00+02:00\n---\n\n{UK_STORY}\n",
    )
    [article] = read_path(path, OPTIONS)
    assert (article.author, article.date) == ("Ірина Лисенко", "2026-03-17T08:15:00+02:00")


def test_markdown_front_matter_date_in_words(tmp_path: Path) -> None:
    path = write(
        tmp_path / "story.md",
        f"---\ntitle: Київ ухвалив бюджет\ndate: 15 березня 2026\n---\n\n{UK_STORY}\n",
    )
    [article] = read_path(path, OPTIONS)
    assert article.date == "2026-03-15"


def test_html_meta_published_time_keeps_its_zone(tmp_path: Path) -> None:
    page = write(
        tmp_path / "story.html",
        "<html lang='uk'><head><title>Київ ухвалив бюджет на наступний рік</title>"
        "<meta property='article:published_time' content='2026-03-17T08:15:00+02:00'></head>"
        "<body><article><h1>Київ ухвалив бюджет на наступний рік</h1>"
        f"<p>{UK_STORY}</p><p>{UK_STORY.replace('міста', 'столиці')}</p></article></body></html>",
    )
    [article] = read_path(page, OPTIONS)
    assert article.date == "2026-03-17T08:15:00+02:00"


def test_text_dump_byline_time_is_kept(tmp_path: Path) -> None:
    path = write(
        tmp_path / "story.txt",
        "Київ ухвалив бюджет на наступний рік\n"
        "Олена Петренко, понеділок, 15 березня 2026, 14:30\n\n"
        f"{UK_STORY}\n",
    )
    [article] = read_path(path, OPTIONS)
    assert (article.author, article.date) == ("Олена Петренко", "2026-03-15T14:30:00")


# --- short files ------------------------------------------------------------------------------


def test_title_line_and_one_paragraph_is_an_article(tmp_path: Path) -> None:
    path = write(tmp_path / "short.txt", f"Kyiv news\n\n{EN_STORY}\n")
    [article] = read_path(path, OPTIONS)
    assert article.title == "Kyiv news"
    assert [block.text for block in article.blocks] == [EN_STORY]


def test_one_paragraph_is_titled_by_its_first_sentence(tmp_path: Path) -> None:
    path = write(tmp_path / "one.txt", f"{UK_STORY}\n")
    [article] = read_path(path, OPTIONS)
    assert article.title == (
        "Київська міська рада ухвалила бюджет міста на наступний рік після довгого обговорення"
    )
    assert [block.text for block in article.blocks] == [UK_STORY]


@pytest.mark.parametrize(
    ("paragraph", "title"),
    [
        ("U.S. senators visit Odesa. They promise more air defence.", "U.S. senators visit Odesa"),
        (
            "Ст. 15 закону змінено, пише ред. газети. Далі буде.",
            "Ст. 15 закону змінено, пише ред. газети",
        ),
        ("Чи вистачить світла взимку? Енергетики кажуть, що так.", "Чи вистачить світла взимку?"),
        ("Одне речення без крапки", "Одне речення без крапки"),
    ],
)
def test_first_sentence_as_title(paragraph: str, title: str) -> None:
    from pipeline.ingest.short import first_sentence

    assert first_sentence(paragraph) == title


def test_one_paragraph_markdown_is_titled_by_its_first_sentence(tmp_path: Path) -> None:
    path = write(tmp_path / "one.md", f"{EN_STORY}\n")
    [article] = read_path(path, OPTIONS)
    assert (
        article.title
        == "The city council approved the budget for next year after a long debate on Tuesday"
    )
    assert [block.text for block in article.blocks] == [EN_STORY]


SECOND_PARAGRAPH = "The next session of the council is in April. The mayor will report then."


@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_paragraphs_without_a_headline_are_titled_by_their_first_sentence(
    tmp_path: Path, suffix: str
) -> None:
    """No heading, no front matter, no headline line: nothing refused and nothing lost; the
    first paragraph stays in the story (not taken whole for a title)."""
    path = write(tmp_path / f"untitled{suffix}", f"{EN_STORY}\n\n{SECOND_PARAGRAPH}\n")
    [article] = read_path(path, OPTIONS)
    assert (
        article.title
        == "The city council approved the budget for next year after a long debate on Tuesday"
    )
    assert [block.text for block in article.blocks] == [EN_STORY, SECOND_PARAGRAPH]


def test_an_html_fragment_without_a_title_is_titled_by_its_first_sentence(tmp_path: Path) -> None:
    path = write(tmp_path / "body.html", f"<p>{EN_STORY}</p>\n<p>{SECOND_PARAGRAPH}</p>\n")
    [article] = read_path(path, OPTIONS)
    assert article.title.startswith("The city council approved the budget for next year")
    assert [block.text for block in article.blocks] == [EN_STORY, SECOND_PARAGRAPH]


def test_markdown_headline_line_without_a_hash_is_the_title(tmp_path: Path) -> None:
    path = write(
        tmp_path / "plain.md", f"Kyiv passes its budget\n\n{EN_STORY}\n\n{SECOND_PARAGRAPH}\n"
    )
    [article] = read_path(path, OPTIONS)
    assert article.title == "Kyiv passes its budget"
    assert [block.text for block in article.blocks] == [EN_STORY, SECOND_PARAGRAPH]


@pytest.mark.parametrize(
    ("line", "title_like"),
    [
        ("Kyiv passes its budget", True),
        ("Чи вистачить світла взимку?", True),
        ("The council met on Tuesday.", False),
        ("Read also:", False),
        ("x" * 201, False),
    ],
)
def test_is_title_line(line: str, title_like: bool) -> None:
    from pipeline.ingest.short import is_title_line

    assert is_title_line(line) is title_like


# --- word-processor characters and emoji ------------------------------------------------------


@pytest.mark.parametrize("brk", ["\x0b", "\x0c", "\x85", "\u2028", "\u2029"])
def test_breaks_keep_sentences_apart(brk: str) -> None:
    assert clean_inline(f"Над містом збили дрони.{brk}Збір триває.") == (
        "Над містом збили дрони. Збір триває."
    )
    assert brk not in normalize_text(f"a{brk}b")


@pytest.mark.parametrize("brk", ["\x0b", "\x0c", "\x85", "\u2028", "\u2029"])
@pytest.mark.parametrize("raw", [True, False], ids=["raw", "escaped"])
@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_breaks_in_json_body(tmp_path: Path, brk: str, raw: bool, suffix: str) -> None:
    body = f"Над містом збили дрони.{brk}Збір уламків триває весь день."
    record = {"title": f"Дрони{brk}над містом", "body": body}
    text = json.dumps(record, ensure_ascii=False)
    if raw:  # as an exporter that does not escape them writes it
        text = text.replace(json.dumps(brk)[1:-1], brk)
    path = write(tmp_path / f"story{suffix}", text + "\n")
    [article] = read_path(path, OPTIONS)
    assert article.title == "Дрони над містом"
    texts = [block.text for block in article.blocks]
    # A line break joins the body's lines with a space; a paragraph break splits them.
    assert texts in (
        ["Над містом збили дрони. Збір уламків триває весь день."],
        ["Над містом збили дрони.", "Збір уламків триває весь день."],
    )
    assert (len(texts) == 2) == (brk in "\x0c\u2029")


def test_line_separator_inside_a_text_dump_paragraph(tmp_path: Path) -> None:
    path = write(
        tmp_path / "story.txt",
        "Київ ухвалив бюджет на наступний рік\n\n"
        "Київська міська рада ухвалила бюджет.\u2028За рішення проголосували депутати.\n",
    )
    [article] = read_path(path, OPTIONS)
    assert all("\u2028" not in block.text for block in article.blocks)
    assert "бюджет.За" not in " ".join(block.text for block in article.blocks)


EMOJI = [
    "👨\u200d👩\u200d👧",  # family: ZWJ sequence
    "👩🏽\u200d💻",  # skin tone and ZWJ
    "❤\ufe0f\u200d🔥",  # variation selector and ZWJ
    "1\ufe0f\u20e3",  # keycap
    "🇺🇦",  # flag: regional indicators
    "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",  # flag: tag sequence
    "👍🏽",  # skin tone
]


@pytest.mark.parametrize("emoji", EMOJI)
def test_emoji_sequences_stay_whole(tmp_path: Path, emoji: str) -> None:
    assert normalize_text(f"Дякуємо {emoji} всім") == f"Дякуємо {emoji} всім"
    record = {"title": f"Подяка {emoji}", "body": f"{UK_STORY} Дякуємо {emoji} всім."}
    path = write(tmp_path / "story.json", json.dumps(record, ensure_ascii=False))
    [article] = read_path(path, OPTIONS)
    assert emoji in article.title and emoji in article.blocks[0].text


def test_stray_joiners_outside_emoji_still_go() -> None:
    assert normalize_text("Ки\u200dїв\u200b") == "Київ"


# --- the tool's own files ---------------------------------------------------------------------


def _sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    # Left open on purpose while the folder is walked: -wal and -shm exist beside it.
    _OPEN.append(conn)


_OPEN: list[sqlite3.Connection] = []


def test_own_files_are_skipped_and_counted(tmp_path: Path) -> None:
    story = write(tmp_path / "story.txt", f"Kyiv news\n\n{EN_STORY}\n")
    _sqlite(tmp_path / "pipeline.db")
    _sqlite(tmp_path / "archive.store")  # a database whatever its name
    out = tmp_path / "out" / "kyiv-news-1234abcd"
    write(out / "uk.md", "# Новини Києва\n\nТекст.\n")
    write(out / "ru.md", "# Новости Киева\n\nТекст.\n")
    write(out / "en.md", "# Kyiv news\n\nText.\n")
    write(
        out / "aligned.jsonl",
        json.dumps(
            {
                "article": "1234abcd",
                "para": 0,
                "sent": 0,
                "kind": "title",
                "source_lang": "en",
                "uk": None,
                "ru": None,
                "en": None,
            }
        )
        + "\n",
    )
    site = tmp_path / "site"
    write(
        site / "en" / "kyiv-news.html", "<html><body><h1>Kyiv news</h1><p>Text.</p></body></html>"
    )
    write(site / "jsonl" / "articles.jsonl", '{"title": "Kyiv news", "body": "Text."}\n')
    write(
        site / ".pipeline-manifest.json",
        json.dumps(
            {"version": 1, "files": {"en/kyiv-news.html": "site", "jsonl/articles.jsonl": "jsonl"}}
        ),
    )
    # A published page whose manifest is gone is still known by its generator mark.
    write(
        tmp_path / "old-site" / "index.html",
        '<!DOCTYPE html>\n<html><head><meta name="generator" content="pipeline"></head>'
        "<body><p>Articles</p></body></html>",
    )
    try:
        names = {p.name for p in (tmp_path).iterdir()}
        assert {"pipeline.db-wal", "pipeline.db-shm"} <= names
        items = list(iter_articles([tmp_path], OPTIONS))
    finally:
        while _OPEN:
            _OPEN.pop().close()
    articles = [i for i in items if isinstance(i, RawArticle)]
    assert [a.source_path for a in articles] == [str(story)]
    assert [i for i in items if not isinstance(i, RawArticle | OwnFilesSkipped)] == []
    [skipped] = [i for i in items if isinstance(i, OwnFilesSkipped)]
    # 2 databases + 2 -wal + 2 -shm, 4 --out files, 2 published files, 1 marked page.
    assert skipped.count == 13
    assert "skipped 13 of the tool's own" in str(skipped)


def test_published_files_without_their_manifest_are_known_by_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _publish_with_other(tmp_path, monkeypatch, None)
    (out / ".pipeline-manifest.json").unlink()
    story = write(out / "story.txt", f"Kyiv news\n\n{EN_STORY}\n")
    items = list(iter_articles([out], OPTIONS))
    assert [i.source_path for i in items if isinstance(i, RawArticle)] == [str(story)]
    assert [i for i in items if not isinstance(i, RawArticle | OwnFilesSkipped)] == []
    written = [p for p in out.rglob("*") if p.is_file() and p != story]
    assert [i.count for i in items if isinstance(i, OwnFilesSkipped)] == [len(written)]


def test_user_files_beside_a_publish_manifest_are_still_read(tmp_path: Path) -> None:
    story = write(tmp_path / "story.txt", f"Kyiv news\n\n{EN_STORY}\n")
    write(tmp_path / "en" / "index.html", "<html><body><p>Articles</p></body></html>")
    write(tmp_path / ".pipeline-manifest.json", json.dumps({"files": {"en/index.html": "site"}}))
    items = list(iter_articles([tmp_path], OPTIONS))
    assert [a.source_path for a in items if isinstance(a, RawArticle)] == [str(story)]
    assert [i.count for i in items if isinstance(i, OwnFilesSkipped)] == [1]


def test_translate_publish_translate_in_one_folder_reads_no_own_file(
    tmp_path: Path, tiny_models: Path
) -> None:
    """The real flow: translate with --out into the input folder, publish into it (its root
    and a sub-folder), translate again: no errors, no new articles, the skip counted."""
    from click.testing import CliRunner

    from pipeline.cli import main
    from pipeline.store import Store

    folder = tmp_path / "news"
    write(folder / "kyiv.txt", f"Kyiv news\n\n{EN_STORY}\n")
    db = folder / "pipeline.db"
    common = ["--db", str(db)]
    translate = ["translate", str(folder), "--models", str(tiny_models), "--threads", "1"]
    runner = CliRunner()
    first = runner.invoke(main, [*translate, *common, "--out", str(folder / "out")])
    assert first.exit_code == 0, first.output
    for out in (folder, folder / "site"):
        published = runner.invoke(
            main, ["publish", "--out", str(out), "--include-machine", *common]
        )
        assert published.exit_code == 0, published.output
    with Store(db) as store:
        before = store.article_ids()
    again = runner.invoke(main, [*translate, *common, "--out", str(folder / "out")])
    assert again.exit_code == 0, again.output
    assert "error" not in again.output
    assert "skipped" in again.output and "of the tool's own file(s)" in again.output
    with Store(db) as store:
        assert store.article_ids() == before
    assert len(before) == 1


# --- publication dates in the published outputs ----------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


def _publish_with_other(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, date: str | None) -> Path:
    """Publish the budget article (dated 2026-03-12) and another one dated `date`."""
    from dataclasses import replace

    from pipeline.publish import PublishOptions, publish
    from tests.publish_data import (
        OTHER_ID,
        add_machine,
        budget_article,
        make_store,
        pin_store_clock,
    )

    pin_store_clock(monkeypatch)
    store = make_store(tmp_path / "pipeline.db")
    try:
        other = replace(budget_article(OTHER_ID, title="Друга новина"), date=date)
        store.save_article(other)
        add_machine(store, OTHER_ID)
        out = tmp_path / "out"
        publish(
            store,
            PublishOptions(out_dir=out, formats=("site", "md", "jsonl"), include_machine=True),
        )
    finally:
        store.close()
    return out


def _entries(out: Path) -> list[ET.Element]:
    feed = ET.parse(out / "site" / "en" / "feed.xml").getroot()
    return feed.findall(f"{ATOM}entry")


def test_story_without_a_date_is_never_dated_by_its_ingest_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _publish_with_other(tmp_path, monkeypatch, None)
    site = out / "site" / "uk"
    [page] = site.glob("druha-novyna-*.html")
    assert "<time" not in page.read_text(encoding="utf-8")
    index = (site / "index.html").read_text(encoding="utf-8")
    # Dated stories first; the undated one after them, with no date shown.
    assert index.index("kyiv-ukhvalyv-biudzhet") < index.index("druha-novyna")
    assert index.count("<time") == 1
    entries = _entries(out)
    assert [e.findtext(f"{ATOM}published") for e in entries].count(None) == 1
    assert all(e.findtext(f"{ATOM}updated") for e in entries)
    [markdown] = (out / "md" / "uk").glob("druha-novyna-*.md")
    front = markdown.read_text(encoding="utf-8").split("---")[1]
    assert "\ndate:" not in front
    records = [json.loads(line) for line in (out / "jsonl" / "articles.jsonl").open()]
    assert sorted(str(r.get("date")) for r in records) == ["2026-03-12", "None"]


def test_time_and_zone_survive_to_pages_feeds_and_markdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _publish_with_other(tmp_path, monkeypatch, "2026-03-17T08:15:00+02:00")
    [page] = (out / "site" / "uk").glob("druha-novyna-*.html")
    assert '<time datetime="2026-03-17T08:15:00+02:00">2026-03-17</time>' in page.read_text(
        encoding="utf-8"
    )
    published = {e.findtext(f"{ATOM}published") for e in _entries(out)}
    assert published == {"2026-03-17T08:15:00+02:00", "2026-03-12T00:00:00Z"}
    [markdown] = (out / "md" / "uk").glob("druha-novyna-*.md")
    assert "date: '2026-03-17T08:15:00+02:00'" in markdown.read_text(encoding="utf-8")
    index = (out / "site" / "uk" / "index.html").read_text(encoding="utf-8")
    assert index.index("druha-novyna") < index.index("kyiv-ukhvalyv-biudzhet")


def test_stories_sort_by_instant_across_zones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 2026-03-12T01:00+03:00 is 2026-03-11T22:00Z: older than the other story's 2026-03-12.
    out = _publish_with_other(tmp_path, monkeypatch, "2026-03-12T01:00:00+03:00")
    index = (out / "site" / "uk" / "index.html").read_text(encoding="utf-8")
    assert index.index("kyiv-ukhvalyv-biudzhet") < index.index("druha-novyna")


@pytest.mark.parametrize(
    ("date", "published", "shown"),
    [
        ("15.03.2026", "2026-03-15T00:00:00Z", "2026-03-15"),
        ("15 марта 2026", "2026-03-15T00:00:00Z", "2026-03-15"),
        ("16/03/2026", "2026-03-16T00:00:00Z", "2026-03-16"),
        (1773736500, "2026-03-17T08:35:00Z", "2026-03-17"),
        ("2026-03-17T08:15:00+02:00", "2026-03-17T08:15:00+02:00", "2026-03-17"),
        ("../../etc", None, None),
    ],
)
def test_ingested_dates_reach_pages_and_feeds(
    tmp_path: Path, date: object, published: str | None, shown: str | None
) -> None:
    """From a JSON export through the store to the published site, never the ingest time."""
    from pipeline.jobs import ingest_paths
    from pipeline.publish import PublishOptions, publish
    from pipeline.store import Store

    record = {"title": "Київ ухвалив бюджет", "body": UK_STORY, "date": date, "lang": "uk"}
    path = write(tmp_path / "in" / "story.json", json.dumps(record, ensure_ascii=False))
    out = tmp_path / "out"
    with Store(tmp_path / "pipeline.db") as store:
        list(ingest_paths([path], store, OPTIONS))
        publish(store, PublishOptions(out_dir=out, formats=("site",)))
    [page] = (out / "site" / "uk").glob("kyiv-*.html")
    html = page.read_text(encoding="utf-8")
    feed = ET.parse(out / "site" / "uk" / "feed.xml").getroot()
    [entry] = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}published") == published
    if shown is None:
        assert "<time" not in html
    else:
        assert f'<time datetime="{published}">{shown}</time>' in html
    assert (out / "site" / "sitemap.xml").is_file()
