"""What is published can be trusted: the original as written, no private paths, crawler-safe
links and text that never turns into markup."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.domain import Signature, Version, public_model_name
from pipeline.output import render_aligned, render_markdown, write_article_files
from pipeline.publish import FORMATS, PublishOptions, approve, publish
from pipeline.publish.site import BaseUrlError, check_base_url
from pipeline.store import Store
from pipeline.textformat import escape_markdown, json_line
from tests.publish_data import ARTICLE_ID, make_store, pin_store_clock

DATA = Path(__file__).parent / "data"
SLUG = "kyiv-ukhvalyv-biudzhet-a1b2c3d4"
CLOCK = datetime(2026, 3, 13, 8, 0, tzinfo=UTC)
SITEMAP_NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "x": "http://www.w3.org/1999/xhtml",
}
QUOTE_RU = "«Это важно», — сказал он."


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    pin_store_clock(monkeypatch)
    opened = make_store(tmp_path / "pipeline.db")
    yield opened
    opened.close()


def run_publish(store: Store, out: Path, **kwargs: object) -> None:
    values: dict[str, object] = {"out_dir": out, "formats": FORMATS, "clock": lambda: CLOCK}
    values.update(kwargs)
    publish(store, PublishOptions(**values))  # type: ignore[arg-type]


def quote_segment_id(store: Store) -> int:
    (segment,) = [s for s in store.article(ARTICLE_ID).segments if s.lang == "ru"]
    assert segment.id is not None
    return segment.id


# -- the original is published as written ------------------------------------------------------


def test_original_with_a_foreign_quote_is_published_by_default(
    store: Store, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run_publish(store, out, base_url=None)
    page = (out / "site" / "uk" / f"{SLUG}.html").read_text()
    assert f'<span lang="ru">{QUOTE_RU}</span>' in page
    assert "«Це важливо»" not in page  # the machine translation of the quote is not used
    assert "data-machine-translated" not in page


def test_original_never_carries_a_machine_banner(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_publish(store, out, include_machine=True, base_url=None)
    page = (out / "site" / "uk" / f"{SLUG}.html").read_text()
    assert "data-machine-translated" not in page and QUOTE_RU in page
    assert "машинний переклад" not in (out / "site" / "uk" / "index.html").read_text()
    record = json.loads((out / "jsonl" / "articles.jsonl").read_text())
    uk = record["languages"]["uk"]
    assert (uk["state"], uk["machine_translated"], uk["models"]) == ("source", False, [])
    front = (out / "md" / "uk" / f"{SLUG}.md").read_text().split("---")[1]
    assert "machine_translated: false" in front and "models" not in front


def test_a_quote_translation_an_editor_wrote_is_used_once_approved(
    store: Store, tmp_path: Path
) -> None:
    edited = "«Це справді важливо», — сказав він."
    store.add_versions(
        [
            Version(
                segment_id=quote_segment_id(store),
                lang="uk",
                text=edited,
                origin="human",
                state="edited",
            )
        ]
    )
    out = tmp_path / "out"
    run_publish(store, out, base_url=None, formats=("site",))
    assert not (out / "site" / "uk" / f"{SLUG}.html").exists()  # an edit waits for approval
    approve(store, ARTICLE_ID, "uk")
    run_publish(store, out, base_url=None, formats=("site",))
    page = (out / "site" / "uk" / f"{SLUG}.html").read_text()
    assert edited in page and QUOTE_RU not in page


def test_a_machine_quote_translation_an_editor_approved_is_used(
    store: Store, tmp_path: Path
) -> None:
    (machine,) = store.versions([quote_segment_id(store)], lang="uk")
    assert machine.origin == "machine" and machine.id is not None
    store.set_state([machine.id], "approved")
    out = tmp_path / "out"
    run_publish(store, out, base_url=None, formats=("site",))
    page = (out / "site" / "uk" / f"{SLUG}.html").read_text()
    assert "«Це важливо», — сказав він." in page and "data-machine-translated" not in page


# -- no private paths ----------------------------------------------------------------------------

PRIVATE = "/home/editor/models/opus-mt-uk-en"


@pytest.mark.parametrize(
    ("model_id", "revision", "public"),
    [
        (PRIVATE, "sha256:0123456789abcdef", "opus-mt-uk-en@sha256:0123456789abcdef"),
        ("/srv/models/opus-mt-uk-en/", None, "opus-mt-uk-en"),
        ("C:\\Users\\editor\\models\\opus-mt-ru-en", "sha256:ab", "opus-mt-ru-en@sha256:ab"),
        ("~/models/tiny", "sha256:cd", "tiny@sha256:cd"),
        ("Helsinki-NLP/opus-mt-uk-en", "abc123", "Helsinki-NLP/opus-mt-uk-en"),
        (
            f"{PRIVATE} + Helsinki-NLP/opus-mt-en-ru",
            "sha256:1 + None",
            "opus-mt-uk-en@sha256:1 + Helsinki-NLP/opus-mt-en-ru",
        ),
    ],
)
def test_public_model_name(model_id: str, revision: str | None, public: str) -> None:
    assert public_model_name(model_id, revision) == public


def test_a_local_model_path_reaches_no_output(store: Store, tmp_path: Path) -> None:
    local = Signature(
        model_id=PRIVATE, revision="sha256:0123456789abcdef", decoding="{}", route="uk>en"
    )
    stored = store.article(ARTICLE_ID)
    store.conn.execute(
        "UPDATE versions SET model_id = ?, model_revision = ? WHERE lang = 'en'",
        (local.model_id, local.revision),
    )
    out = tmp_path / "out"
    run_publish(store, out, include_machine=True, base_url="https://news.example.org")
    write_article_files(store, stored, out / "translate-out")
    review = CliRunner().invoke(main, ["review", "--db", str(store.path)])
    assert review.exit_code == 0, review.output
    outputs = {p: p.read_bytes().decode() for p in out.rglob("*") if p.is_file()}
    outputs[Path("review")] = review.output
    for name, text in outputs.items():
        assert "/home/" not in text and "editor/models" not in text, name
    assert "opus-mt-uk-en@sha256:0123456789abcdef" in outputs[out / "site" / "en" / f"{SLUG}.html"]
    assert "opus-mt-uk-en@sha256:0123456789abcdef" in review.output
    for fmt in (
        "tmx/articles.tmx",
        "xliff/en/" + SLUG + ".xlf",
        "md/en/" + SLUG + ".md",
        "jsonl/articles.jsonl",
    ):
        assert "opus-mt-uk-en@sha256:" in outputs[out / fmt], fmt
    # The store keeps the full path: it says exactly which folder made the text.
    assert store.versions([s.id for s in stored.segments if s.id], lang="en")[0].signature
    row = store.conn.execute("SELECT model_id FROM versions WHERE lang = 'en'").fetchone()
    assert row[0] == PRIVATE


def test_a_local_folder_route_publishes_no_path(tiny_models: Path, tmp_path: Path) -> None:
    """End to end with the demo models, which are routed by their folders."""
    story = tmp_path / "story.json"
    story.write_text(
        json.dumps({"title": "Council meets", "body": "The council met on Monday."}),
        encoding="utf-8",
    )
    db = tmp_path / "t.db"
    runner = CliRunner()
    args = ["translate", str(story), "--models", str(tiny_models), "--db", str(db)]
    result = runner.invoke(main, [*args, "--threads", "1", "--out", str(tmp_path / "tout")])
    assert result.exit_code == 0, result.output
    out = tmp_path / "pub"
    published = runner.invoke(
        main, ["publish", "--out", str(out), "--include-machine", "--db", str(db)]
    )
    assert published.exit_code == 0, published.output
    review = runner.invoke(main, ["review", "--db", str(db)])
    folder = str(tiny_models.parent)
    texts = [
        p.read_text(encoding="utf-8")
        for p in [*out.rglob("*"), *(tmp_path / "tout").rglob("*")]
        if p.is_file()
    ]
    assert texts
    for text in [*texts, review.output]:
        assert folder not in text and str(Path.home()) + "/" not in text
    assert "tiny-" in review.output and "@sha256:" in review.output


# -- crawler-safe site ---------------------------------------------------------------------------


def test_sitemap_and_pages_agree_on_alternates_and_x_default(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_publish(
        store, out, include_machine=True, base_url="https://news.example.org", formats=("site",)
    )
    site = out / "site"
    sitemap = ET.parse(site / "sitemap.xml").getroot()
    entries = {
        url.findtext("s:loc", namespaces=SITEMAP_NS): {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", SITEMAP_NS)
        }
        for url in sitemap.findall("s:url", SITEMAP_NS)
    }
    root = "https://news.example.org/index.html"
    assert root in entries  # the chooser is listed
    pages = {root: site / "index.html"}
    for lang in ("uk", "ru", "en"):
        pages[f"https://news.example.org/{lang}/index.html"] = site / lang / "index.html"
        pages[f"https://news.example.org/{lang}/{SLUG}.html"] = site / lang / f"{SLUG}.html"
    assert set(entries) == set(pages)
    for loc, path in pages.items():
        html = path.read_text()
        head = {
            link.split('hreflang="')[1].split('"')[0]: link.split('href="')[1].split('"')[0]
            for link in html.splitlines()
            if link.startswith('<link rel="alternate" hreflang=')
        }
        assert head == entries[loc], loc
        assert f'<link rel="canonical" href="{loc}">' in html, loc
    assert entries[f"https://news.example.org/en/{SLUG}.html"]["x-default"].endswith(
        f"/uk/{SLUG}.html"
    )
    assert entries["https://news.example.org/ru/index.html"]["x-default"] == root
    chooser = (site / "index.html").read_text()
    assert '<html lang="mul">' in chooser and 'lang="uk">' in chooser


def test_sitemap_validates_against_the_sitemaps_org_schema(store: Store, tmp_path: Path) -> None:
    lxml_etree = pytest.importorskip("lxml.etree")
    out = tmp_path / "out"
    run_publish(
        store,
        out,
        include_machine=True,
        base_url="https://новини.example/нові статті",
        formats=("site",),
    )
    schema = lxml_etree.XMLSchema(lxml_etree.parse(str(DATA / "sitemap.xsd")))
    document = lxml_etree.parse(str(out / "site" / "sitemap.xml"))
    # xhtml:link has no schema here; the sitemap protocol's own elements must validate.
    for link in document.iter("{http://www.w3.org/1999/xhtml}link"):
        link.getparent().remove(link)
    assert schema.validate(document), schema.error_log


@pytest.mark.parametrize(
    ("given", "encoded"),
    [
        ("https://news.example.org", "https://news.example.org"),
        ("https://news.example.org/", "https://news.example.org"),
        ("https://news.example.org/my news", "https://news.example.org/my%20news"),
        (
            "https://news.example.org/новини/",
            "https://news.example.org/%D0%BD%D0%BE%D0%B2%D0%B8%D0%BD%D0%B8",
        ),
        ("https://news.example.org/a%20b", "https://news.example.org/a%20b"),
        ("HTTP://News.Example.org:8080/x", "http://news.example.org:8080/x"),
        ("https://новини.укр", "https://xn--b1amarcd.xn--j1amh"),
    ],
)
def test_base_url_is_percent_encoded(given: str, encoded: str) -> None:
    assert check_base_url(given) == encoded


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("news.example.org", "not an http(s) URL"),
        ("ftp://news.example.org", "not an http(s) URL"),
        ("https://", "no valid host"),
        ("https://news example.org", "no valid host"),
        ("https://news.example.org/?page=1", "query or fragment"),
        ("https://news.example.org/#top", "query or fragment"),
        ("https://news.example.org:99999", "https://news.example.org:99999"),
    ],
)
def test_a_bad_base_url_is_one_clear_line(given: str, problem: str) -> None:
    with pytest.raises(BaseUrlError, match="base-url") as caught:
        check_base_url(given)
    assert problem in str(caught.value) and "\n" not in str(caught.value)


def test_base_url_with_space_and_cyrillic_is_encoded_everywhere(
    store: Store, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run_publish(
        store,
        out,
        include_machine=True,
        base_url="https://news.example.org/нові статті",
        formats=("site",),
    )
    encoded = (
        "https://news.example.org/%D0%BD%D0%BE%D0%B2%D1%96%20%D1%81%D1%82%D0%B0%D1%82%D1%82%D1%96"
    )
    for path in (out / "site").rglob("*"):
        if path.suffix not in (".html", ".xml"):
            continue
        text = path.read_text()
        assert "нові статті" not in text and "нові%20" not in text, path
    sitemap = (out / "site" / "sitemap.xml").read_text()
    assert f"<loc>{encoded}/uk/{SLUG}.html</loc>" in sitemap
    page = (out / "site" / "en" / f"{SLUG}.html").read_text()
    assert f'<link rel="canonical" href="{encoded}/en/{SLUG}.html">' in page
    assert f'hreflang="ru" href="{encoded}/ru/{SLUG}.html"' in page
    feed = ET.parse(out / "site" / "uk" / "feed.xml").getroot()
    assert feed.findtext("{http://www.w3.org/2005/Atom}id") == f"{encoded}/uk/"


def test_a_bad_base_url_fails_the_publish_command_before_writing(
    store: Store, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "publish",
            "--out",
            str(out),
            "--base-url",
            "https://news example.org",
            "--db",
            str(store.path),
        ],
    )
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "--base-url" in result.output
    assert not out.exists()


# -- text never becomes markup ------------------------------------------------------------------

LINE_BREAKING = "Перший\u2028другий\u2029третій"


def test_jsonl_escapes_unicode_line_separators(store: Store, tmp_path: Path) -> None:
    store.conn.execute(
        "UPDATE versions SET text = ? WHERE lang = 'en' AND origin = 'machine'", (LINE_BREAKING,)
    )
    out = tmp_path / "out"
    run_publish(store, out, include_machine=True, formats=("jsonl",))
    text = (out / "jsonl" / "articles.jsonl").read_text(encoding="utf-8")
    assert "\u2028" not in text and "\u2029" not in text
    lines = text.splitlines()  # str.splitlines breaks at U+2028: the record must stay whole
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["segments"][0]["text"]["en"] == LINE_BREAKING


def test_json_line_escapes_only_the_line_separators() -> None:
    line = json_line({"t": "Київ\u2028x"})
    assert line == '{"t": "Київ\\u2028x"}' and json.loads(line) == {"t": "Київ\u2028x"}


def test_aligned_jsonl_of_translate_out_escapes_line_separators(store: Store) -> None:
    store.conn.execute(
        "UPDATE versions SET text = ? WHERE lang = 'en' AND origin = 'machine'", (LINE_BREAKING,)
    )
    stored = store.article(ARTICLE_ID)
    current = {lang: store.current_versions(stored, lang) for lang in ("uk", "ru", "en")}
    text = render_aligned(stored, current)
    assert len(text.splitlines()) == len(stored.segments)


HOSTILE = 'Про <b>бюджет</b> і <img src=x onerror="alert(1)"> та [лінк](javascript:x) *так*'


def test_translate_out_markdown_escapes_article_text(store: Store, tmp_path: Path) -> None:
    store.conn.execute(
        "UPDATE segments SET text = ? WHERE para_index = 1 AND sent_index = 0", (HOSTILE,)
    )
    store.conn.execute(
        "UPDATE versions SET text = ? WHERE origin = 'source' AND lang = 'uk'"
        " AND segment_id IN (SELECT id FROM segments WHERE para_index = 1"
        " AND sent_index = 0)",
        (HOSTILE,),
    )
    stored = store.article(ARTICLE_ID)
    markdown = render_markdown(stored, store.current_versions(stored, "uk"))
    assert not re.search(r"(?<!\\)[<\[*]", markdown)  # every markup character escaped
    assert escape_markdown(HOSTILE) in markdown
    run_publish(store, tmp_path / "out", formats=("md",))
    published = (tmp_path / "out" / "md" / "uk" / f"{SLUG}.md").read_text()
    assert escape_markdown(HOSTILE) in published  # one escaping for both writers


def test_escaped_markdown_renders_as_the_text(tmp_path: Path) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").render(escape_markdown(HOSTILE))
    assert "<b>" not in html and "<img" not in html and "<a " not in html
    assert "&lt;b&gt;бюджет&lt;/b&gt;" in html
