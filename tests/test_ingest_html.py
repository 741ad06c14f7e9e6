"""HTML wherever it occurs: pages, CMS bodies in JSON/JSONL, raw HTML blocks in Markdown.

Each case of the faults found on real pages, with its right value: element tails, <br> and
<br><br>, tables, XML declarations, stray bytes, byline separators, scripts in bodies, entities
in titles and metadata."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.domain import Block, slugify
from pipeline.ingest import IngestError, IngestOptions, read_items, read_path
from pipeline.ingest.html import decode_page, fragment_blocks, looks_like_html, parse_html

OPTIONS = IngestOptions()
LEAD = "The city council approved the new budget on Tuesday after a long debate in the hall."
SECOND = "Spending on schools and hospitals will grow by a fifth compared with last year."


def _page(body: str, *, title: str = "Council approves the city budget", head: str = "") -> str:
    return (
        f'<!doctype html><html lang="en"><head><title>{title} | City News</title>{head}</head>'
        f"<body><header><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></header>"
        f"<main><article><h1>{title}</h1>{body}</article></main>"
        "<footer>© 2026 City News. All rights reserved.</footer></body></html>"
    )


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _texts(blocks: tuple[Block, ...] | list[Block]) -> list[str]:
    return [block.text for block in blocks]


# -- the tree walker ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        # Text after a child element (its tail) is read, however deep.
        (
            "<div>Lead <a href='/x'>link</a> tail after the link <b>bold</b> and the end.</div>",
            [("p", "Lead link tail after the link bold and the end.")],
        ),
        (
            "<div><p>First paragraph.</p>Loose text after the paragraph.<p>Third.</p></div>",
            [("p", "First paragraph."), ("p", "Loose text after the paragraph."), ("p", "Third.")],
        ),
        # <br> is a space, <br><br> a paragraph break.
        (
            "<p>Read the preview<br>The full story follows</p>",
            [("p", "Read the preview The full story follows")],
        ),
        ("<p>It is cold today<br/>I stayed home</p>", [("p", "It is cold today I stayed home")]),
        (
            "<div>One paragraph here.<br><br>Another paragraph there.</div>",
            [("p", "One paragraph here."), ("p", "Another paragraph there.")],
        ),
        (
            "<div>One.<br>\n <br>Two.</div>",
            [("p", "One."), ("p", "Two.")],
        ),
        # Scripts and styles go with their content.
        (
            "<p>Story text.</p><script>alert(7)</script><style>p{color:red}</style>",
            [("p", "Story text.")],
        ),
        # Kinds: headings, items (nested ones too), quotes.
        (
            "<h2>Sub</h2><ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul>"
            "<blockquote><p>Said.</p></blockquote>",
            [("h", "Sub"), ("li", "one"), ("li", "two"), ("li", "nested"), ("quote", "Said.")],
        ),
        # Code: blocks byte for byte, inline as a code span.
        (
            "<p>Run <code>make  test</code> now.</p><pre>def f():\n    return 1</pre>",
            [("p", "Run `make test` now."), ("code", "def f():\n    return 1")],
        ),
    ],
)
def test_fragment_blocks(fragment: str, expected: list[tuple[str, str]]) -> None:
    assert [(b.kind, b.text) for b in fragment_blocks(fragment)] == expected


def test_data_table_rows_keep_their_cells() -> None:
    blocks = fragment_blocks(
        "<table><caption>Standings</caption><thead><tr><td>Team</td><td>Pts</td></tr></thead>"
        "<tbody><tr><td>Dynamo</td><td>30</td></tr><tr><td>Shakhtar <b>FC</b></td><td></td></tr>"
        "</tbody></table>"
    )
    assert blocks == [
        Block("p", "Standings"),
        Block("th", "Team | Pts", ("Team", "Pts")),
        Block("tr", "Dynamo | 30", ("Dynamo", "30")),
        Block("tr", "Shakhtar FC | ", ("Shakhtar FC", "")),
    ]


def test_layout_table_is_read_as_paragraphs() -> None:
    story = "A long story paragraph. " * 20
    blocks = fragment_blocks(f"<table><tr><td>{story}</td><td><p>Side note.</p></td></tr></table>")
    assert [b.kind for b in blocks] == ["p", "p"]
    assert blocks[1].text == "Side note."


@pytest.mark.parametrize(
    ("text", "is_html"),
    [
        ("<p>One</p><p>Two</p>", True),
        ("Line one<br>line two", True),
        ("<!-- note -->Text", True),
        ("Prices rose 5% <in> March", False),
        ("a < b and c > d", False),
        ("Plain text\n\nwith paragraphs", False),
    ],
)
def test_looks_like_html(text: str, is_html: bool) -> None:
    assert looks_like_html(text) is is_html


# -- pages -------------------------------------------------------------------------------------


def test_page_reads_tails_br_and_paragraph_breaks(tmp_path: Path) -> None:
    body = (
        f"<p>{LEAD}</p>"
        "<div>Officials said the plan <a href='/plan'>was published</a> online and anyone can "
        "read it<br>The vote was close<br><br>Opposition members said they would appeal.</div>"
        f"<p>{SECOND}</p>"
    )
    [article] = read_path(_write(tmp_path, "page.html", _page(body)), OPTIONS)
    assert _texts(article.blocks) == [
        LEAD,
        "Officials said the plan was published online and anyone can read it The vote was close",
        "Opposition members said they would appeal.",
        SECOND,
    ]


def test_page_keeps_a_table_as_rows(tmp_path: Path) -> None:
    body = (
        f"<p>{LEAD}</p><table><tr><th>Item</th><th>Million</th></tr>"
        "<tr><td>Schools</td><td>120</td></tr><tr><td>Roads</td><td>80</td></tr></table>"
        f"<p>{SECOND}</p>"
    )
    [article] = read_path(_write(tmp_path, "table.html", _page(body)), OPTIONS)
    assert [(b.kind, b.cells) for b in article.blocks if b.cells] == [
        ("th", ("Item", "Million")),
        ("tr", ("Schools", "120")),
        ("tr", ("Roads", "80")),
    ]
    assert _texts(article.blocks)[0] == LEAD and _texts(article.blocks)[-1] == SECOND


@pytest.mark.parametrize("encoding", ["utf-8", "windows-1251"])
def test_xhtml_with_xml_declaration(tmp_path: Path, encoding: str) -> None:
    title = "Рада ухвалила бюджет міста"
    lead = "Міська рада ухвалила новий бюджет у вівторок після довгого обговорення в залі."
    page = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="uk" lang="uk">'
        f"<head><title>{title}</title></head><body><h1>{title}</h1>"
        f"<p>{lead}</p><p>Видатки на школи зростуть на п'яту частину.</p></body></html>"
    )
    path = _write(tmp_path, "page.xhtml.html", page.encode(encoding))
    [article] = read_path(path, OPTIONS)
    assert article.title == title
    assert _texts(article.blocks)[0] == lead


def test_a_few_bad_bytes_are_replaced_with_a_note(tmp_path: Path) -> None:
    text = _page(f"<p>{LEAD}</p><p>Café owners – and “others” – spoke.</p><p>{SECOND}</p>")
    data = (
        text.encode("utf-8")
        .replace(b"Tuesday", b"Tues\xff\xfeday")
        .replace(b"debate", b"deb\x81\x82ate")
    )
    [item] = read_items(_write(tmp_path, "damaged.html", data), OPTIONS)
    assert not isinstance(item, IngestError), str(item)
    assert item.blocks[0].text == LEAD.replace("Tuesday", "Tues\ufffd\ufffdday").replace(
        "debate", "deb\ufffd\ufffdate"
    )
    assert item.blocks[1].text == "Café owners – and “others” – spoke."
    assert item.notes == (
        "4 byte sequence(s) are not valid UTF-8 and were replaced by '\ufffd'"
        " (re-save the page as UTF-8 to keep them)",
    )


def test_many_bad_bytes_are_still_refused(tmp_path: Path) -> None:
    story = "<p>" + "Міська рада ухвалила бюджет міста. " * 40 + "</p>"
    data = _page(story).encode("utf-8")
    # One undecodable byte in every 40: far more than a few stray bytes.
    damaged = b"".join(data[i : i + 40] + b"\xff" for i in range(0, len(data), 40))
    [item] = read_items(_write(tmp_path, "broken.html", damaged), OPTIONS)
    assert isinstance(item, IngestError)
    assert "broken.html" in str(item) and "UTF-8" in str(item)


@pytest.mark.parametrize(
    ("data", "text", "encoding", "bad"),
    [
        # A short page: one stray byte among a few valid UTF-8 characters.
        (
            b"<p>Caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x80\x93 \xff ok</p>",
            "<p>Café “quoted” – \ufffd ok</p>",
            "utf-8",
            1,
        ),
        # Legacy Cyrillic pages are still read in their encoding, with no note.
        (
            "<p>Пішли до Іванової школи, їхали довго.</p>".encode("cp1251"),
            "<p>Пішли до Іванової школи, їхали довго.</p>",
            "cp1251",
            0,
        ),
        ("<p>Valid UTF-8 only: ґанок.</p>".encode(), "<p>Valid UTF-8 only: ґанок.</p>", "utf-8", 0),
    ],
)
def test_decode_page(data: bytes, text: str, encoding: str, bad: int) -> None:
    decoded, found, note = decode_page(Path("page.html"), data)
    assert (decoded, found) == (text, encoding)
    assert (note is not None and note.startswith(f"{bad} byte sequence(s)")) == bool(bad)


def test_byline_separator_is_not_part_of_the_author() -> None:
    body = (
        '<div class="byline"><span class="author">Olena Petrenko ·</span> '
        '<time datetime="2026-03-12">12 March 2026</time></div>'
        f"<p>{LEAD}</p><p>{SECOND}</p>"
    )
    parts = parse_html(_page(body))
    assert parts is not None
    assert (parts.author, parts.date) == ("Olena Petrenko", "2026-03-12")
    assert _texts(parts.blocks) == [LEAD, SECOND]


def test_byline_date_under_the_headline_beats_the_header_date() -> None:
    page = (
        "<!doctype html><html><head><title>Bridge reopens</title></head><body>"
        '<header><nav><a href="/">Sunday, 26 January 2025</a></nav></header>'
        "<main><article><h1>Bridge reopens</h1>"
        '<div class="byline">15 July 2024, 22:13</div>'
        f"<p>{LEAD}</p><p>{SECOND}</p></article></main></body></html>"
    )
    parts = parse_html(page)
    assert parts is not None
    assert parts.date == "2024-07-15T22:13:00"


def test_author_metadata_loses_the_dateline_run_into_it() -> None:
    page = (
        '<!doctype html><html><head><meta name="author" content="Iryna Lysenko Monday">'
        "<title>Bridge reopens</title></head><body><article><h1>Bridge reopens</h1>"
        f"<p>{LEAD}</p><p>{SECOND}</p></article></body></html>"
    )
    parts = parse_html(page)
    assert parts is not None
    assert parts.author == "Iryna Lysenko"


def test_story_the_text_dump_rules_would_empty_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    # trafilatura chose the story as the page's content; when the text-dump rules would take
    # most of it away (seen on a page in a language they have no stop words for), it stays.
    from pipeline.ingest import html as html_reader
    from pipeline.ingest.text import CleanedText

    def drop_all(pairs: list[tuple[str, str]], title: str) -> tuple[list, CleanedText]:
        return [], CleanedText(title=title, blocks=[], dropped=[text for _, text in pairs])

    monkeypatch.setattr(html_reader, "filter_blocks", drop_all)
    parts = parse_html(_page(f"<p>{LEAD}</p><p>{SECOND}</p><p>{LEAD} {SECOND}</p>"))
    assert parts is not None
    assert _texts(parts.blocks) == [LEAD, SECOND, f"{LEAD} {SECOND}"]


def test_short_page_run_together_gets_its_paragraphs_back() -> None:
    parts = parse_html(_page(f"<p>{LEAD}</p><p>{SECOND}</p>"))
    assert parts is not None
    assert _texts(parts.blocks) == [LEAD, SECOND]


# -- HTML in JSON / JSONL bodies ------------------------------------------------------------------

CMS_RECORD = {
    "title": "&laquo;Kyiv&nbsp;&amp; Lviv&raquo;: the mayors&#39; meeting",
    "author": "Iryna &amp; Taras Lysenko",
    "body": (
        "<p>The mayors met on Monday.</p>\n<p>They signed a <b>joint</b> plan.</p>"
        "<p>Trains will run every hour.<br>Tickets cost less.</p>"
        "<script>alert(7)</script><p>The plan starts in May.</p>"
    ),
}


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_cms_record_html_body_and_entities(tmp_path: Path, suffix: str) -> None:
    path = _write(tmp_path, f"export{suffix}", json.dumps(CMS_RECORD))
    [article] = read_path(path, OPTIONS)
    assert article.title == "«Kyiv & Lviv»: the mayors' meeting"
    assert article.author == "Iryna & Taras Lysenko"
    assert _texts(article.blocks) == [
        "The mayors met on Monday.",
        "They signed a joint plan.",
        "Trains will run every hour. Tickets cost less.",
        "The plan starts in May.",
    ]
    slug = slugify(article.title, article.article_id)
    assert not any(name in slug for name in ("laquo", "nbsp", "amp", "39"))
    assert slug.startswith("kyiv-lviv-the-mayors-meeting")


def test_plain_json_body_with_entities_is_decoded_once(tmp_path: Path) -> None:
    record = {
        "title": "Tom &amp;amp; Jerry",
        "body": "Prices &amp; wages rose.\n\nA &lt;b&gt; tag.",
    }
    [article] = read_path(_write(tmp_path, "plain.json", json.dumps(record)), OPTIONS)
    assert article.title == "Tom &amp; Jerry"
    assert _texts(article.blocks) == ["Prices & wages rose.", "A <b> tag."]


# -- raw HTML in Markdown --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("Story text.\n\n<script>alert(7)</script>\n\nMore text.\n", ["Story text.", "More text."]),
        (
            "Story text.\n\n<script>\nalert(7)\n\nalert(8)\n</script>\n\nEnd.\n",
            ["Story text.", "End."],
        ),
        ("Story <script>alert(7)</script>text.\n", ["Story text."]),
        (
            "<div>\n<p>One</p><p>Two<br><br>Three</p>\n</div>\n\nFour.\n",
            ["One", "Two", "Three", "Four."],
        ),
        ("<style>p { color: red }</style>\n\nText &amp; more.\n", ["Text & more."]),
    ],
)
def test_markdown_raw_html_goes_through_the_html_reader(
    tmp_path: Path, markdown: str, expected: list[str]
) -> None:
    path = _write(tmp_path, "story.md", "# Title\n\n" + markdown)
    [article] = read_path(path, OPTIONS)
    assert _texts(article.blocks) == expected


# -- hreflang alternates: which edition a page declares the original ------------------------------

_ALTERNATES = (
    '<link rel="canonical" href="https://news.example/en/story/4411-ferry">'
    '<link rel="alternate" hreflang="uk" href="https://news.example/story/4409-porom">'
    '<link rel="alternate" hreflang="ru-RU" href="/ru/story/4410-parom">'
    '<link rel="alternate" hreflang="en" href="https://news.example/en/story/4411-ferry">'
    '<link rel="alternate" hreflang="x-default" href="https://news.example/">'
)
_HOMES = (
    '<link rel="canonical" href="https://news.example/en/story/4411-ferry">'
    '<link rel="alternate" hreflang="uk" href="https://news.example/">'
    '<link rel="alternate" hreflang="ru" href="https://news.example/ru/">'
)


@pytest.mark.parametrize(
    ("head", "lang", "original"),
    [
        # An English edition names the Ukrainian page among its alternates: that is its original.
        (_ALTERNATES, "en", "https://news.example/story/4409-porom"),
        # The Ukrainian page itself declares nothing.
        (_ALTERNATES.replace('hreflang="uk" href="https://news.example/story/4409-porom"',
                             'hreflang="uk" href="https://news.example/en/story/4411-ferry"'),
         "uk", None),
        # A Russian edition whose lang attribute was left "uk": its url tells it apart.
        (_ALTERNATES.replace("/en/story/4411-ferry\">", "/ru/story/4410-parom\">", 1),
         "uk", "https://news.example/story/4409-porom"),
        # Alternates that are only the other languages' home pages: no translation exists.
        (_HOMES, "en", None),
        ("", "en", None),
    ],
)  # fmt: skip
def test_a_page_declares_its_original_by_its_hreflang_alternates(
    tmp_path: Path, head: str, lang: str, original: str | None
) -> None:
    page = _page(f"<p>{LEAD}</p><p>{SECOND}</p>", head=head).replace(
        '<html lang="en">', f'<html lang="{lang}">'
    )
    (article,) = read_path(_write(tmp_path, "story.html", page), OPTIONS)
    assert article.translation_of == original


def test_relative_alternates_are_made_absolute_against_the_page() -> None:
    parts = parse_html(_page(f"<p>{LEAD}</p><p>{SECOND}</p>", head=_ALTERNATES))
    assert parts is not None
    assert parts.alternates == {
        "uk": "https://news.example/story/4409-porom",
        "ru": "https://news.example/ru/story/4410-parom",
        "en": "https://news.example/en/story/4411-ferry",
    }


_SWITCHER = (
    "<nav class='langs'><a href='/story/4409-porom'>Укр</a> | <a href='/ru/story/4410-parom'>"
    "Рус</a> | <a href='/en/story/4411-ferry'>Eng</a></nav>"
)


@pytest.mark.parametrize(
    ("switcher", "original"),
    [
        (_SWITCHER, "https://news.example/story/4409-porom"),
        # A switcher whose links are scripts names no page.
        ("<nav><a href='javascript:void(0)'>Укр</a> <a href='#'>Рус</a></nav>", None),
        # A switcher to the languages' home pages: this story has no other edition.
        ("<nav><a href='/'>Укр</a> | <a href='/ru/'>Рус</a> | <a href='/en/'>Eng</a></nav>", None),
    ],
)
def test_a_pages_language_switcher_declares_its_original(
    tmp_path: Path, switcher: str, original: str | None
) -> None:
    page = _page(
        f"<p>{LEAD}</p><p>{SECOND}</p>",
        head='<link rel="canonical" href="https://news.example/en/story/4411-ferry">',
    ).replace("<body>", f"<body>{switcher}")
    (article,) = read_path(_write(tmp_path, "story.html", page), OPTIONS)
    assert article.translation_of == original
