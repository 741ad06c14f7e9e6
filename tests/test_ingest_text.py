"""Text dumps of web pages: the story kept whole, the chrome of each kind dropped, one file alone.

The pages in tests/data/pages were written for the project (and one real page, as a reader
saved it, with its truth); each holds kinds of chrome and of story text a cleaner gets wrong.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.ingest import IngestOptions, chrome, read_path
from pipeline.ingest.text import clean_dump

PAGES = Path(__file__).parent / "data" / "pages"
TRUTHS = sorted(PAGES.glob("*.truth.json"), key=lambda p: p.name)


def _read(truth_path: Path) -> tuple[dict, object]:
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    article = read_path(PAGES / truth["file"], IngestOptions())[0]
    return truth, article


@pytest.mark.parametrize("truth_path", TRUTHS, ids=lambda p: p.name.split(".")[0])
def test_page_story_is_exact(truth_path: Path) -> None:
    truth, article = _read(truth_path)
    assert [block.text for block in article.blocks] == truth["story"]


@pytest.mark.parametrize("truth_path", TRUTHS, ids=lambda p: p.name.split(".")[0])
def test_page_metadata(truth_path: Path) -> None:
    truth, article = _read(truth_path)
    assert (article.title, article.author, (article.date or "")[:10]) == (
        truth["title"],
        truth["author"],
        truth["date"],
    )


def test_real_page_drops_each_kind_of_its_chrome() -> None:
    _, article = _read(PAGES / "up-isw-rybar-iraq.en.truth.json")
    for chrome_line in (
        "ISWRussiaIraq",
        "Support UP or become our patron!",
        "Slovak PM Fico calls Zelenskyy enemy of Slovakia",
        "Two women killed in Russian missile strike on facility in Mykolaiv",
    ):
        assert chrome_line in article.dropped
    assert article.author != "All Sections"


@pytest.mark.parametrize(
    ("line", "glued"),
    [
        ("ISWRussiaIraq", True),
        ("KyivTravelEconomy", True),
        ("КиївМістРемонт", True),
        ("Квазулу-НаталТониHealth", True),
        ("iPhone", False),
        ("YouTube", False),
        ("McDonald's", False),
        ("Kyiv", False),
        ("Далі буде.", False),
    ],
)
def test_glued_tags(line: str, glued: bool) -> None:
    assert chrome.is_glued_tags(line) is glued


@pytest.mark.parametrize(
    "line",
    [
        "Support UP or become our patron!",
        "Help us keep independent journalism free. Donate",
        "Підтримайте редакцію — станьте нашим патроном",
        "Поддержите редакцию — подпишитесь на рассылку",
        "Subscribe to our Telegram channel",
    ],
)
def test_support_lines_are_chrome(line: str) -> None:
    assert chrome.is_support_or_widget(line)


STORY_A = "Міська рада ухвалила бюджет на наступний рік після довгого обговорення в комісіях."
STORY_B = "Депутати погодили зміни до програми ремонту шкіл і лікарень у всіх районах міста."


@pytest.mark.parametrize(
    ("between", "kept"),
    [
        # Other stories' headlines between story paragraphs: untimed, timed, under a header.
        (["У Львові відкрили нову бібліотеку", "Синоптики попереджають про заморозки"], []),
        (["14:02 Уряд ухвалив нові правила", "13:45 У метро змінять розклад"], []),
        (["Найпопулярніше", "У Львові відкрили нову бібліотеку"], []),
        (["14:02", "Уряд ухвалив нові правила для забудовників"], []),
        (["Читайте також", "У Львові відкрили нову бібліотеку"], []),
        # A header no marker list knows, above other stories' headlines.
        (["Most viewed", "Trams to run later on weekends", "Bakery closes after fifty years"], []),
        (["Read more:", "Trams to run later on weekends", "Bakery closes after fifty years"], []),
        # The seam an ad leaves, and a feedback widget.
        (["Реклама", "Продовження нижче"], []),
        (["Story continues below advertisement"], []),
        (["Was this article helpful? Yes No"], []),
        # Short story paragraphs and dialogue lines stay.
        (["Так і сталося."], ["Так і сталося."]),
        (["«Ми встигнемо», — сказав він."], ["«Ми встигнемо», — сказав він."]),
        (['"We will make it," he said.'], ['"We will make it," he said.']),
        (["— Ми встигнемо, — сказав він."], ["— Ми встигнемо, — сказав він."]),
        # The story's own list and the paragraph after it stay.
        (
            ["Серед робіт назвали:", "  • заміну тросів;", "  • освітлення.", "Далі буде."],
            ["Серед робіт назвали:", "заміну тросів;", "освітлення.", "Далі буде."],
        ),
    ],
)
def test_between_story_paragraphs(between: list[str], kept: list[str]) -> None:
    page = "\n\n".join(["Рада ухвалила бюджет міста на рік", STORY_A, *between, STORY_B])
    cleaned = clean_dump(page)
    assert cleaned is not None
    assert [text for _, text in cleaned.blocks] == [STORY_A, *kept, STORY_B]


@pytest.mark.parametrize(
    "after",
    [
        ["Support UP or become our patron!", "ISWRussiaIraq"],
        ["Теги: Київ, бюджет"],
        ["#Київ #бюджет #ради"],
        ["Коментарі (2)", "Андрій", "Нарешті ухвалили, давно чекали цього рішення."],
        ["Останні новини", "Уряд ухвалив нові правила", "У метро змінять розклад"],
        ["Сайт використовує кукі для аналітики. Погоджуюсь"],
        # Other stories with their teasers.
        [
            "Інші новини",
            "У Львові відкрили нову бібліотеку",
            "Вона працюватиме щодня з дев'ятої ранку до дев'ятої вечора.",
            "Синоптики попереджають про заморозки",
            "Уночі температура впаде до мінус трьох градусів.",
        ],
        ["By continuing to browse you accept our cookie policy. OK"],
    ],
)
def test_after_the_story(after: list[str]) -> None:
    page = "\n".join(["Рада ухвалила бюджет міста на рік", STORY_A, STORY_B, *after])
    cleaned = clean_dump(page)
    assert cleaned is not None
    assert [text for _, text in cleaned.blocks] == [STORY_A, STORY_B]


ALL_CHROME = (
    "Головна\nНовини Політика Економіка\nРада ухвалила бюджет міста на рік\n"
    "Уряд ухвалив нові правила\nУ метро змінять розклад\nСиноптики попереджають про заморозки\n"
)


def test_page_without_a_story_told_apart_is_kept_with_a_warning(tmp_path: Path) -> None:
    page = tmp_path / "menu-only.txt"
    page.write_text(ALL_CHROME, encoding="utf-8")
    article = read_path(page, IngestOptions())[0]
    assert [block.text for block in article.blocks] == [
        "Уряд ухвалив нові правила",
        "У метро змінять розклад",
        "Синоптики попереджають про заморозки",
    ]
    assert len(article.notes) == 1
    assert "no story could be told apart" in article.notes[0]


def test_warning_names_the_file_on_ingest(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pipeline.cli import main

    page = tmp_path / "menu-only.txt"
    page.write_text(ALL_CHROME, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["ingest", "--db", str(tmp_path / "p.db"), "--show-dropped", str(page)]
    )
    assert result.exit_code == 0, result.output
    assert f"warning: {page}: no story could be told apart" in result.output
    assert "dropped: Головна" in result.output


def test_a_story_among_its_chrome_has_no_warning() -> None:
    _, article = _read(PAGES / "kyiv-bridge.uk.truth.json")
    assert article.notes == ()


def test_live_blog_updates_under_times_stay() -> None:
    page = "\n".join(
        [
            "Рада ухвалила бюджет міста на рік",
            STORY_A,
            "14:30",
            "Депутати оголосили перерву до вечора.",
            "15:10",
            STORY_B,
        ]
    )
    cleaned = clean_dump(page)
    assert cleaned is not None
    assert [text for _, text in cleaned.blocks] == [
        STORY_A,
        "Депутати оголосили перерву до вечора.",
        STORY_B,
    ]


def test_html_list_items_are_never_a_headline_list() -> None:
    from pipeline.ingest.text import filter_blocks

    blocks = [
        ("p", STORY_A),
        ("li", "Нові тролейбуси для північних районів міста"),
        ("li", "Ремонт шкіл у кожному районі міста"),
        ("p", "Найпопулярніше"),
        ("p", "У Львові відкрили нову бібліотеку"),
        ("p", "Синоптики попереджають про заморозки"),
        ("p", STORY_B),
    ]
    kept, _ = filter_blocks(blocks, "Рада ухвалила бюджет міста на рік")
    assert kept == [blocks[0], blocks[1], blocks[2], blocks[6]]
