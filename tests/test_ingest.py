"""Ingestion: every format, chrome removal on the samples, encodings, bad inputs, keys."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pipeline.domain import Block, RawArticle
from pipeline.ingest import (
    IngestError,
    IngestOptions,
    iter_articles,
    iter_files,
    read_items,
    read_path,
)
from pipeline.ingest.byline import parse_byline, parse_date
from pipeline.ingest.text import clean_dump

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURES = ROOT / "tests" / "fixtures"
OPTIONS = IngestOptions()


def _load(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


EXPECTED = _load(SAMPLES / "expected.json")
ENCODED = _load(FIXTURES / "encodings" / "expected.json")


def _sample_id(entry: dict) -> str:
    return entry["file"] + ("" if entry.get("record") is None else f"#{entry['record']}")


@pytest.fixture(scope="module")
def sample_articles() -> dict[str, RawArticle]:
    """Every sample read as one batch (so batch-level boilerplate counts as in real use)."""
    found: dict[str, RawArticle] = {}
    for item in iter_articles([SAMPLES], OPTIONS):
        assert not isinstance(item, IngestError), str(item)
        rel = Path(item.source_path).resolve().relative_to(SAMPLES).as_posix()
        records = [e for e in EXPECTED if e["file"] == rel]
        index = sum(1 for key in found if key.split("#")[0] == rel)
        found[rel if records and records[0].get("record") is None else f"{rel}#{index}"] = item
    return found


def _text(article: RawArticle) -> str:
    return "\n".join(block.text for block in article.blocks)


def _plain(text: str) -> str:
    """Apostrophes unified so that a substring written with ' matches ʼ or ’ too."""
    return text.replace("ʼ", "'").replace("’", "'")


@pytest.mark.parametrize("entry", EXPECTED, ids=_sample_id)
class TestSamples:
    def test_title_and_author(self, entry: dict, sample_articles: dict[str, RawArticle]) -> None:
        article = sample_articles[_sample_id(entry)]
        assert article.title == entry["title"]
        assert article.author == entry.get("author")
        if entry.get("url"):
            assert article.url == entry["url"]
            assert article.key == entry["url"]

    def test_paragraph_and_list_counts(
        self, entry: dict, sample_articles: dict[str, RawArticle]
    ) -> None:
        article = sample_articles[_sample_id(entry)]
        kinds = [block.kind for block in article.blocks]
        assert "title" not in kinds
        assert len(article.blocks) == entry["paragraphs"], "\n".join(
            f"{b.kind}: {b.text[:70]}" for b in article.blocks
        )
        assert kinds.count("li") == entry["list_items"]

    def test_story_kept_chrome_dropped(
        self, entry: dict, sample_articles: dict[str, RawArticle]
    ) -> None:
        article = sample_articles[_sample_id(entry)]
        kept = _plain(_text(article))
        for needle in entry["must_keep"]:
            assert _plain(needle) in kept
        for needle in entry["must_drop"]:
            assert _plain(needle) not in kept
            assert _plain(needle) not in _plain(article.title)

    def test_lang_hint_never_contradicts(
        self, entry: dict, sample_articles: dict[str, RawArticle]
    ) -> None:
        hint = sample_articles[_sample_id(entry)].lang_hint
        assert hint in (None, entry["lang"])


def test_samples_folder_honours_pipelineignore() -> None:
    names = {p.name for p in iter_files([SAMPLES])}
    assert "expected.json" not in names and "README.md" not in names
    assert "uk-kyiv-heating.txt" in names and "city-budget.uk.md" in names


# --- txt dumps: inline cases beyond the samples -------------------------------------------

DUMP = """\
UA RU EN
Новини Політика Економіка Світ Культура
Головна / Новини / Економіка
Поддержать
Уряд затвердив нову програму підтримки фермерів на 2026 рік
Автор: Ігор Коваленко
12 березня 2026, 14:30
Фото: Олег Петренко / УНІАН
Уряд ухвалив програму, яка передбачає компенсації для фермерів з прифронтових областей.
Реклама
Міністр заявив: «Ми не залишимо аграріїв сам на сам з проблемами».
Далі буде.
Теги: аграрії, уряд
Новини партнерів
Фермер з Полтави виростив рекордний урожай
Усі права захищено
"""


def test_dump_cleaner_inline() -> None:
    cleaned = clean_dump(DUMP)
    assert cleaned is not None
    assert cleaned.title == "Уряд затвердив нову програму підтримки фермерів на 2026 рік"
    assert cleaned.author == "Ігор Коваленко"
    assert cleaned.date == "2026-03-12T14:30:00"
    assert [text for _, text in cleaned.blocks] == [
        "Уряд ухвалив програму, яка передбачає компенсації для фермерів з прифронтових областей.",
        "Міністр заявив: «Ми не залишимо аграріїв сам на сам з проблемами».",
        "Далі буде.",
    ]
    assert "Фото: Олег Петренко / УНІАН" in cleaned.dropped
    assert "Фермер з Полтави виростив рекордний урожай" in cleaned.dropped


def test_dump_keeps_story_after_inline_read_also_list() -> None:
    dump = (
        "Kyiv opens a new bridge over the Dnipro river\n"
        "By Anna Shevchenko\n"
        "The bridge was opened on Monday after two years of work.\n"
        "Read also\n"
        "09:10 Metro line closed for repairs\n"
        "09:40 New buses arrive in Lviv\n"
        "Officials said the bridge would carry 40,000 cars a day.\n"
    )
    cleaned = clean_dump(dump)
    assert cleaned is not None and cleaned.author == "Anna Shevchenko"
    assert [text for _, text in cleaned.blocks] == [
        "The bridge was opened on Monday after two years of work.",
        "Officials said the bridge would carry 40,000 cars a day.",
    ]


def test_dump_list_items_and_wrapped_lines() -> None:
    dump = (
        "Місто оголосило перелік нових маршрутів тролейбусів\n\n"
        "Нові маршрути з'являться у трьох районах міста, повідомили у департаменті\n"
        "транспорту в понеділок.\n\n"
        "- маршрут 12 до вокзалу;\n"
        "• маршрут 14 до лікарні;\n"
        "– маршрут 20 до аеропорту.\n"
    )
    cleaned = clean_dump(dump)
    assert cleaned is not None
    assert cleaned.blocks == [
        (
            "p",
            "Нові маршрути з'являться у трьох районах міста, повідомили у департаменті "
            "транспорту в понеділок.",
        ),
        ("li", "маршрут 12 до вокзалу;"),
        ("li", "маршрут 14 до лікарні;"),
        ("li", "маршрут 20 до аеропорту."),
    ]


@pytest.mark.parametrize(
    ("line", "author", "date"),
    [
        ("Олена Петренко, 12 березня 2026, 14:30", "Олена Петренко", "2026-03-12T14:30:00"),
        ("Автор: Тарас Вдовиченко | 14.03.2026, 18:05", "Тарас Вдовиченко", "2026-03-14T18:05:00"),
        ("By Jane Doe", "Jane Doe", None),
        ("Oleksandr Pavliuk · Mar. 16, 2026, 10:42", "Oleksandr Pavliuk", "2026-03-16T10:42:00"),
        ("Дмитрий Савчук, 5 марта 2026 г., 11:20", "Дмитрий Савчук", "2026-03-05T11:20:00"),
        ("Опубліковано: 2026-03-01", None, "2026-03-01"),
    ],
)
def test_byline(line: str, author: str | None, date: str | None) -> None:
    found = parse_byline(line)
    assert found is not None
    assert (found.author, found.date) == (author, date)


@pytest.mark.parametrize(
    "line",
    [
        "By the end of the year, prices rose by 12 percent across the region.",
        "Уряд 12 березня 2026 ухвалив рішення про підвищення зарплат вчителям.",
        "Далі буде.",
    ],
)
def test_not_a_byline(line: str) -> None:
    assert parse_byline(line) is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("7 February 2026", "2026-02-07"),
        ("March 12, 2026", "2026-03-12"),
        ("1 вересня 2025 року", "2025-09-01"),
        ("3 декабря 2024", "2024-12-03"),
    ],
)
def test_parse_date(text: str, iso: str) -> None:
    assert parse_date(text) == iso


# --- Markdown, JSON, JSONL ----------------------------------------------------------------


def test_markdown_front_matter_and_inline_markup(tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text(
        "---\ntitle: Заголовок статті\nauthor: Ірина Лисенко\ndate: 2026-03-19\nlang: uk\n"
        "url: https://example.org/a\n---\n\n"
        "Перший **жирний** абзац з [посиланням](https://example.org) і _курсивом_\n"
        "на двох рядках.\n\n![Фото мосту](img/bridge.jpg)\n\n## Підзаголовок\n\n"
        "- пункт один\n* пункт два\n1. пункт три\n\n> Цитата з м'яким знаком.\n",
        encoding="utf-8",
    )
    [article] = read_path(path, OPTIONS)
    assert (article.title, article.author, article.date, article.lang_hint) == (
        "Заголовок статті",
        "Ірина Лисенко",
        "2026-03-19",
        "uk",
    )
    assert article.key == "https://example.org/a"
    assert article.blocks == (
        Block("p", "Перший жирний абзац з посиланням і курсивом на двох рядках."),
        Block("p", "![Фото мосту](img/bridge.jpg)"),  # kept verbatim, never translated
        Block("h", "Підзаголовок"),
        Block("li", "пункт один"),
        Block("li", "пункт два"),
        Block("li", "пункт три"),
        Block("quote", "Цитата з м'яким знаком."),
    )


def test_markdown_h1_is_title_without_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "plain.md"
    path.write_text("# Headline here\n\nBody text.\n", encoding="utf-8")
    [article] = read_path(path, OPTIONS)
    assert article.title == "Headline here"
    assert article.blocks == (Block("p", "Body text."),)


def test_json_body_paragraphs_join_single_newlines(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"title": "T", "body": "a\nb\n\nc", "lang": "ru"}), "utf-8")
    [article] = read_path(path, OPTIONS)
    assert article.blocks == (Block("p", "a b"), Block("p", "c"))
    assert article.lang_hint == "ru"
    assert article.key == "story:t"  # the story's title (no url, no date), not the file


def test_jsonl_bad_line_reported_others_kept(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        json.dumps({"title": "One", "body": "First."}) + "\n"
        "{not json\n"
        + json.dumps({"title": "Three"})
        + "\n"
        + json.dumps({"title": "Four", "body": "Fourth."})
        + "\n",
        encoding="utf-8",
    )
    items = list(iter_articles([path], OPTIONS))
    assert [type(i).__name__ for i in items] == [
        "RawArticle",
        "IngestError",
        "IngestError",
        "RawArticle",
    ]
    assert "line 2" in str(items[1]) and str(path) in str(items[1])
    assert "'body'" in str(items[2]) and "line 3" in str(items[2])
    assert [i.key for i in items if isinstance(i, RawArticle)] == ["story:one", "story:four"]
    with pytest.raises(IngestError):
        read_path(path, OPTIONS)


@pytest.mark.parametrize(
    ("record", "field"), [({"body": "x"}, "title"), ({"title": "x", "body": "  "}, "body")]
)
def test_json_missing_field(tmp_path: Path, record: dict, field: str) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(IngestError, match=f"'{field}'"):
        read_path(path, OPTIONS)


# --- encodings, normalisation -------------------------------------------------------------


@pytest.mark.parametrize("entry", ENCODED, ids=lambda e: e["file"])
def test_legacy_encodings(entry: dict) -> None:
    [article] = read_path(FIXTURES / "encodings" / entry["file"], OPTIONS)
    assert article.encoding.replace("_", "-") == entry["encoding"].replace("_", "-")
    assert article.title == entry["title"]
    assert len(article.blocks) == entry["paragraphs"]
    kept = _text(article)
    assert "тролейбус" in kept
    for needle in entry["must_keep"]:
        assert needle in kept
    for needle in entry["must_drop"]:
        assert needle not in kept


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_utf8_with_or_without_bom_and_normalisation(tmp_path: Path, bom: bytes) -> None:
    path = tmp_path / "n.txt"
    body = "Сім’я та пам'ять і мрія\u200b  з   пробілами.\r\nДругий рядок тексту статті."
    path.write_bytes(bom + ("Заголовок новини про родину\r\n" + body).encode("utf-8"))
    [article] = read_path(path, OPTIONS)
    assert article.blocks[0].text == "Сім’я та пам'ять і мрія з пробілами."
    assert article.title == "Заголовок новини про родину"


# --- bad inputs, batches, keys ------------------------------------------------------------

BAD = {
    "empty.txt": "empty file",
    "binary.txt": "binary",
    "broken.json": "not valid JSON",
    "notes.docx": "unsupported file type",
    "mixed.txt": "not valid UTF-8",
}


@pytest.mark.parametrize(("name", "reason"), sorted(BAD.items()))
def test_bad_file_gives_one_error_naming_it(name: str, reason: str) -> None:
    path = FIXTURES / "bad" / name
    items = read_items(path, OPTIONS)
    assert len(items) == 1 and isinstance(items[0], IngestError)
    message = str(items[0])
    assert message.startswith(str(path)) and reason in message and "\n" not in message
    assert items[0].path == str(path)


def test_oversize_and_missing(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("Заголовок статті тут\n" + "слово " * 100, encoding="utf-8")
    [err] = read_items(big, IngestOptions(max_bytes=100))
    assert isinstance(err, IngestError) and "--max-bytes" in str(err)
    [missing] = read_items(tmp_path / "nope.md", OPTIONS)
    assert isinstance(missing, IngestError) and "no such file" in str(missing)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("x", encoding="utf-8")
    path.chmod(0)
    [err] = read_items(path, OPTIONS)
    assert isinstance(err, IngestError) and "permission" in str(err)


def test_batch_goes_on_past_bad_files(tmp_path: Path) -> None:
    good = SAMPLES / "uk-kyiv-heating.txt"
    items = list(iter_articles([FIXTURES / "bad", good], OPTIONS))
    errors = [i for i in items if isinstance(i, IngestError)]
    articles = [i for i in items if isinstance(i, RawArticle)]
    assert sorted(Path(e.path).name for e in errors) == sorted(BAD)
    assert [a.source_path for a in articles] == [str(good)]


def test_keys_stable_across_edits_and_folders(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Заголовок статті\nПерший абзац.\n", encoding="utf-8")
    [first] = read_path(path, OPTIONS)
    path.write_text("Заголовок статті\nІнший абзац.\n", encoding="utf-8")
    [second] = read_path(path, OPTIONS)
    (tmp_path / "moved").mkdir()
    moved = tmp_path / "moved" / "b.txt"
    path.rename(moved)
    [third] = read_path(moved, OPTIONS)
    assert first.key == second.key == third.key == "story:заголовок статті"
    assert first.article_id == second.article_id == third.article_id
    assert first.content_hash != second.content_hash == third.content_hash


def test_iter_files_sorted_hidden_and_ignore(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.md").write_text("# T\n\nx\n", encoding="utf-8")
    (tmp_path / "b" / "drafts").mkdir()
    (tmp_path / "b" / "drafts" / "d.md").write_text("# D\n\nx\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")
    (tmp_path / ".pipelineignore").write_text("# comment\nnotes.json\ndrafts/\n", "utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_files([tmp_path])]
    assert found == ["a.txt", "b/z.md"]


def test_empty_folder_is_reported(tmp_path: Path) -> None:
    [err] = list(iter_articles([tmp_path], OPTIONS))
    assert isinstance(err, IngestError) and "no files" in str(err)


# --- harder txt cases: rules must not eat story lines -------------------------------------


def test_dump_lead_before_byline_and_city_menu() -> None:
    dump = (
        "Київ Харків Одеса Львів Дніпро\n"
        "Столичні новини\n"
        "Мерія оголосила конкурс на ремонт мостів\n"
        "Конкурс триватиме місяць, а переможців оголосять у травні.\n"
        "Ірина Коваль, 2 квітня 2026, 09:00\n"
        "Search teams found two more bodies on Monday.\n"
        "The EU fined the company over cookie banners that misled users.\n"
        "При використанні генераторів слід дотримуватися правил безпеки.\n"
        "Якщо ви помітили помилку, виділіть її мишкою та натисніть Ctrl+Enter\n"
        "Коментарі (3)\n"
        "Гарна новина!\n"
    )
    cleaned = clean_dump(dump)
    assert cleaned is not None
    assert cleaned.title == "Мерія оголосила конкурс на ремонт мостів"
    assert (cleaned.author, cleaned.date) == ("Ірина Коваль", "2026-04-02T09:00:00")
    assert [text for _, text in cleaned.blocks] == [
        "Конкурс триватиме місяць, а переможців оголосять у травні.",
        "Search teams found two more bodies on Monday.",
        "The EU fined the company over cookie banners that misled users.",
        "При використанні генераторів слід дотримуватися правил безпеки.",
    ]


def test_dump_hard_wrapped_paragraphs() -> None:
    story = (
        "The city council voted on Tuesday to extend the night bus network to three more "
        "districts, officials said. The new routes will start running in May and will "
        "connect the outskirts with the main railway station. Mayor Vitali Klitschko said "
        "the money came from the reserve fund."
    )
    import textwrap

    wrapped = "\n".join(textwrap.wrap(story, 70))
    dump = f"Night buses to reach three more districts\n\n{wrapped}\n\n{wrapped}\n"
    cleaned = clean_dump(dump)
    assert cleaned is not None
    assert [text for _, text in cleaned.blocks] == [story, story]


def test_html_reader_drops_inline_chrome_keeps_short_paragraphs(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        """<!doctype html><html lang="uk"><head><title>Уряд затвердив програму | Сайт</title>
<meta property="og:title" content="Уряд затвердив програму для фермерів"></head><body>
<header><nav><a href="/">Головна</a> <a href="/n">Новини</a></nav></header>
<main><article><h1>Уряд затвердив програму для фермерів</h1>
<div class="byline">Автор: Ігор Коваленко, 12 березня 2026</div>
<figure><img src="a.jpg"><figcaption>Фермер у полі. Фото: УНІАН</figcaption></figure>
<p>Уряд ухвалив програму, яка передбачає компенсації для фермерів з прифронтових областей.</p>
<p>Так.</p>
<p>Міністр заявив, що програма діятиме до кінця року. Кошти надійдуть з резервного фонду.</p>
<ul><li>перше;</li><li>друге;</li></ul>
<div class="read-also">Читайте також: <a href="/x">Інша новина про фермерів</a></div>
<p>Далі буде.</p>
<div class="tags">Теги: <a>аграрії</a>, <a>уряд</a></div>
</article></main>
<aside><h3>Останні новини</h3><ul><li><time>14:32</time> <a>Щось сталося</a></li></ul></aside>
<footer>© 2026 Сайт. Усі права захищено.</footer></body></html>""",
        encoding="utf-8",
    )
    [article] = read_path(page, OPTIONS)
    assert (article.title, article.author, article.date, article.lang_hint) == (
        "Уряд затвердив програму для фермерів",
        "Ігор Коваленко",
        "2026-03-12",
        "uk",
    )
    assert [b.kind for b in article.blocks] == ["p", "p", "p", "li", "li", "p"]
    assert article.blocks[1].text == "Так." and article.blocks[-1].text == "Далі буде."
    assert not any("Читайте" in b.text for b in article.blocks)
    assert "Щось сталося" in article.dropped


REAL_DUMPS = {
    "uk-no-bullets": (
        """\\
Перейти до основного вмісту
Українська правда
Новини
Публікації
Колонки
Відео
Середа, 18 березня 2026
Зеленський підписав закон про мобілізацію: що зміниться
Юлія Іванова — 18 березня 2026, 10:15
2 хв читання
Президент Володимир Зеленський підписав закон, який змінює правила мобілізації.
Про це йдеться на сайті Верховної Ради.
Що передбачає закон:
зниження віку мобілізації не передбачено;
запроваджено електронний кабінет призовника.
Реклама:
Закон набуде чинності через місяць після опублікування.
Нагадаємо, парламент ухвалив закон 11 березня.
Джерело: Верховна Рада
Підписуйтесь на наш Telegram-канал
Якщо ви помітили помилку, виділіть необхідний текст і натисніть Ctrl+Enter, щоб \
повідомити про це редакцію.
Зеленський
мобілізація
Верховна Рада
Популярне
Зеленський провів зустріч з Макроном
Реклама
Усі права захищено © 2000–2026 «Українська правда»
""",
        "Зеленський підписав закон про мобілізацію: що зміниться",
        "Юлія Іванова",
        7,
    ),
    "en-no-byline": (
        """\\
Skip to main content
The Kyiv Independent
Ukraine War
Business
Opinion
Sign in
Subscribe
Russia strikes Kharkiv energy facility, leaving 200,000 without power
Russian forces struck an energy facility in Kharkiv overnight on March 20, leaving around \
200,000 residents without electricity, Mayor Ihor Terekhov said.
"The situation is difficult but under control," Terekhov wrote on Telegram.
Repair crews were working to restore supply, he added.
Ukraine's Energy Ministry said the attack involved 12 drones and two missiles.
Read also: Ukraine war latest: Russia launches 150 drones overnight
The strike is the third on Kharkiv's power grid this month.
We've been covering the war since day one. Help us keep going.
Become a member
Related articles
Zelensky meets Macron in Paris
Ukraine's grain exports hit record
Privacy Policy
Terms of Use
© 2026 The Kyiv Independent
""",
        "Russia strikes Kharkiv energy facility, leaving 200,000 without power",
        None,
        5,
    ),
}


@pytest.mark.parametrize("name", sorted(REAL_DUMPS))
def test_dump_site_shapes(name: str) -> None:
    dump, title, author, count = REAL_DUMPS[name]
    cleaned = clean_dump(dump)
    assert cleaned is not None
    assert (cleaned.title, cleaned.author) == (title, author)
    assert len(cleaned.blocks) == count, cleaned.blocks
    kept = "\n".join(text for _, text in cleaned.blocks)
    for chrome_word in ("Ctrl+Enter", "Telegram-канал", "Read also", "Help us", "©", "Sign in"):
        assert chrome_word not in kept
