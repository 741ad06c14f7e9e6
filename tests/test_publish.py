"""Publishing: golden files per format, gates, escaping, incremental writes and path safety."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli.publish import publish as publish_command
from pipeline.domain import PipelineError
from pipeline.publish import FORMATS, PublishOptions, approve, publish
from pipeline.publish.collect import safe_slug
from pipeline.publish.writer import MANIFEST, OutputTree
from pipeline.store import Store
from tests.publish_data import (
    ARTICLE_ID,
    OTHER_ID,
    add_machine,
    budget_article,
    make_store,
    pin_store_clock,
)

GOLDEN = Path(__file__).parent / "golden" / "publish"
DTD = Path(__file__).parent / "data" / "tmx14b.dtd"
SLUG = "kyiv-ukhvalyv-biudzhet-a1b2c3d4"
ATOM = "{http://www.w3.org/2005/Atom}"
CLOCK = datetime(2026, 3, 13, 8, 0, tzinfo=UTC)


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> str:
    return pin_store_clock(monkeypatch)


@pytest.fixture
def store(tmp_path: Path, fixed_clock: str) -> Iterator[Store]:
    opened = make_store(tmp_path / "pipeline.db")
    yield opened
    opened.close()


def options(out: Path, **kwargs: object) -> PublishOptions:
    values: dict[str, object] = {
        "out_dir": out,
        "formats": FORMATS,
        "base_url": "https://news.example.org",
        "clock": lambda: CLOCK,
    }
    values.update(kwargs)
    return PublishOptions(**values)  # type: ignore[arg-type]


def files_under(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_matches_golden_files(store: Store, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out"
    publish(store, options(out, formats=(fmt,), include_machine=True))
    produced = {k: v for k, v in files_under(out).items() if k != MANIFEST}
    golden = GOLDEN / fmt
    if os.environ.get("UPDATE_GOLDEN"):
        for relative, data in produced.items():
            target = GOLDEN / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    expected = {f"{fmt}/{k}": v for k, v in files_under(golden).items()}
    assert sorted(produced) == sorted(expected), "regenerate with UPDATE_GOLDEN=1"
    for relative, data in produced.items():
        assert data.decode() == expected[relative].decode(), relative


def test_default_publish_holds_unapproved_machine_versions(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = publish(store, options(out))
    # The Ukrainian original (its Russian quote as written) is published; ru and en are held.
    assert report.articles == 1 and report.published == {"uk": 1, "ru": 0, "en": 0}
    assert report.held == 2
    assert not (out / "site" / "en" / f"{SLUG}.html").exists()
    approve(store, ARTICLE_ID, "en")
    report = publish(store, options(out))
    assert report.published == {"uk": 1, "ru": 0, "en": 1}
    page = (out / "site" / "en" / f"{SLUG}.html").read_text()
    assert "data-machine-translated" not in page
    assert '<span class="unavailable" lang="ru"' in page
    assert f'href="https://news.example.org/uk/{SLUG}.html" hreflang="uk"' in page
    assert not (out / "site" / "ru" / f"{SLUG}.html").exists()
    assert not (out / "md" / "ru").exists()


def test_source_language_untranslated_quote_is_published_as_written(
    tmp_path: Path, fixed_clock: str
) -> None:
    with make_store(tmp_path / "db", quote_to_uk=False) as store:
        publish(store, options(tmp_path / "out", formats=("site",), base_url=None))
    page = (tmp_path / "out" / "site" / "uk" / f"{SLUG}.html").read_text()
    assert '<span lang="ru">«Это важно», — сказал он.</span>' in page
    assert '<link rel="canonical" href="' + SLUG + '.html">' in page
    assert "data-machine-translated" not in page


def test_machine_versions_are_marked_with_their_model(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish(store, options(out, include_machine=True))
    page = (out / "site" / "ru" / f"{SLUG}.html").read_text()
    assert "Helsinki-NLP/opus-mt-uk-ru" in page and 'data-machine-translated="true"' in page
    record = json.loads((out / "jsonl" / "articles.jsonl").read_text())
    assert record["languages"]["ru"]["machine_translated"] is True
    assert record["languages"]["ru"]["models"] == ["Helsinki-NLP/opus-mt-uk-ru"]
    front = yaml.safe_load((out / "md" / "ru" / f"{SLUG}.md").read_text().split("---")[1])
    assert front["state"] == "machine" and front["machine_translated"] is True
    assert front["translation_of"] == f"uk/{SLUG}" and front["lang"] == "ru"


def test_article_text_is_escaped_everywhere(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish(store, options(out, include_machine=True))
    for path in (out / "site").rglob("*.html"):
        html = path.read_text()
        assert "<script" not in html and "<img" not in html, path
    page = (out / "site" / "uk" / f"{SLUG}.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "onerror=&quot;alert(2)&quot;" in page and "&quot;лапки&quot; &amp; знак" in page
    for path in [*out.rglob("*.xml"), *out.rglob("*.xlf"), *out.rglob("*.tmx")]:
        root = ET.parse(path).getroot()
        assert not any(el.tag.endswith(("script", "img")) for el in root.iter()), path
    md = (out / "md" / "en" / f"{SLUG}.md").read_text()
    assert r"\<script\>" in md and r"\&" in md


def test_jsonl_record_carries_alignment(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    approve(store, ARTICLE_ID, "uk")
    publish(store, options(out, include_machine=True, formats=("jsonl",)))
    lines = (out / "jsonl" / "articles.jsonl").read_text().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["id"] == ARTICLE_ID and record["slug"] == SLUG
    assert record["published"] == ["uk", "ru", "en"]
    assert record["languages"]["uk"]["state"] == "source"
    assert record["languages"]["en"]["origin"] == "machine"
    assert record["languages"]["en"]["title"] == "Kyiv passes budget"
    assert [p["kind"] for p in record["languages"]["en"]["paragraphs"]] == [
        "p",
        "quote",
        "h",
        "li",
        "li",
    ]
    quote = next(s for s in record["segments"] if s["key"] == "p3-s1")
    assert (quote["para"], quote["sent"]) == (3, 1)
    assert quote["lang"] == "ru"
    assert quote["state"] == {"uk": "source", "ru": "source", "en": "machine"}
    assert quote["text"]["uk"] == "«Это важно», — сказал он."  # as the newsroom wrote it
    assert quote["text"]["en"] == "“This matters,” he said."
    assert len(record["segments"]) == 7


def test_tmx_validates_against_dtd_and_loads_in_translate_toolkit(
    store: Store, tmp_path: Path
) -> None:
    lxml_etree = pytest.importorskip("lxml.etree")
    tmx_module = pytest.importorskip("translate.storage.tmx")
    out = tmp_path / "out"
    publish(store, options(out, include_machine=True, formats=("tmx",)))
    path = out / "tmx" / "articles.tmx"
    dtd = lxml_etree.DTD(str(DTD))
    document = lxml_etree.parse(str(path))
    assert dtd.validate(document), dtd.error_log.filter_from_errors()
    tmx = tmx_module.tmxfile(path.read_bytes())
    units = [u for u in tmx.units if not u.isheader()]
    assert len(units) == 7
    quote = units[3]
    assert quote.getid() == f"{ARTICLE_ID}-p3-s1"
    node = quote.xmlelement
    langs = [tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in node.iter("tuv")]
    assert langs == ["uk", "ru", "en"]
    segs = [seg.text for seg in node.iter("seg")]
    assert segs[1] == "«Это важно», — сказал он." and segs[2] == "“This matters,” he said."


def test_tmx_dtd_rejects_a_broken_document(tmp_path: Path) -> None:
    lxml_etree = pytest.importorskip("lxml.etree")
    broken = lxml_etree.fromstring(b'<tmx version="1.4"><body/></tmx>')
    assert not lxml_etree.DTD(str(DTD)).validate(broken)


def test_atom_feed_and_sitemap_are_well_formed(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish(store, options(out, include_machine=True, formats=("site",)))
    feed = ET.parse(out / "site" / "ru" / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    for child in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{child}") is not None, child
    (entry,) = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Киев принял бюджет"
    assert entry.findtext(f"{ATOM}id") == f"urn:pipeline:article:{ARTICLE_ID}:ru"
    assert entry.findtext(f"{ATOM}updated") == "2026-03-12T10:00:00Z"
    link = entry.find(f"{ATOM}link")
    assert link is not None and link.get("href") == f"https://news.example.org/ru/{SLUG}.html"
    assert entry.findtext(f"{ATOM}summary", "").startswith("Городской совет")
    sitemap = ET.parse(out / "site" / "sitemap.xml").getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = sitemap.findall("s:url", ns)
    page = next(
        u
        for u in urls
        if u.findtext("s:loc", namespaces=ns, default="").endswith(f"en/{SLUG}.html")
    )
    hreflangs = [a.get("hreflang") for a in page.findall("x:link", ns)]
    assert hreflangs == ["uk", "ru", "en", "x-default"]


def test_empty_feed_is_dated_by_the_injected_clock(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as store:
        publish(store, options(tmp_path / "out", formats=("site",)))
    feed = ET.parse(tmp_path / "out" / "site" / "en" / "feed.xml").getroot()
    assert feed.findtext(f"{ATOM}updated") == "2026-03-13T08:00:00Z"
    assert feed.findall(f"{ATOM}entry") == []


def test_index_lists_newest_first(store: Store, tmp_path: Path) -> None:
    store.save_article(budget_article(OTHER_ID, title="Старіша новина", date="2025-12-01"))
    add_machine(store, OTHER_ID)
    out = tmp_path / "out"
    publish(store, options(out, include_machine=True, formats=("site",)))
    index = (out / "site" / "en" / "index.html").read_text()
    assert index.index(f'href="{SLUG}.html"') < index.index('href="starisha-novyna-0f9e8d7c.html"')


def test_republishing_rewrites_only_changes_and_removes_deleted_articles(
    store: Store, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    store.save_article(budget_article(OTHER_ID, title="Друга новина", date="2025-12-01"))
    add_machine(store, OTHER_ID)
    first = publish(store, options(out, include_machine=True))
    assert first.written > 0 and first.unchanged == 0 and first.removed == 0
    again = publish(store, options(out, include_machine=True))
    assert (again.written, again.unchanged, again.removed) == (0, first.written, 0)
    foreign = out / "site" / "en" / "notes.txt"
    foreign.write_text("mine")
    store.delete_article(OTHER_ID)
    after = publish(store, options(out, include_machine=True))
    # 3 pages, 2 xliff and 3 md files of the deleted article go away.
    assert after.removed == 8
    assert not list(out.rglob("druha-novyna-*"))
    assert foreign.read_text() == "mine"
    assert "site/en/index.html" in after.written_paths
    assert f"site/en/{SLUG}.html" not in after.written_paths


def test_publishing_one_format_keeps_the_others(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish(store, options(out, include_machine=True))
    report = publish(store, options(out, include_machine=True, formats=("jsonl",)))
    assert report.removed == 0
    assert (out / "site" / "en" / f"{SLUG}.html").exists()
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["files"][f"site/en/{SLUG}.html"] == "site"


def test_tampered_manifest_never_removes_outside_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "precious.txt"
    outside.write_text("keep")
    (out / MANIFEST).write_text(json.dumps({"version": 1, "files": {"../precious.txt": "site"}}))
    tree = OutputTree(out, ("site",))
    assert tree.finish().removed == 0
    assert outside.read_text() == "keep"


@pytest.mark.parametrize("relative", ["../x.html", "/etc/x", "site/../../x", ""])
def test_output_paths_outside_the_folder_are_refused(tmp_path: Path, relative: str) -> None:
    with pytest.raises(PipelineError, match="refusing"):
        OutputTree(tmp_path, ("site",)).write("site", relative, b"x")


@pytest.mark.parametrize(
    ("slug", "safe"),
    [
        ("good-slug-a1b2", "good-slug-a1b2"),
        ("../../etc/passwd", "etc-passwd-a1b2c3d4"),
        ("Зло/..", "zlo-a1b2c3d4"),
    ],
)
def test_slugs_are_sanitised(slug: str, safe: str) -> None:
    assert safe_slug(slug, ARTICLE_ID) == safe


def test_tampered_slug_in_store_stays_inside_the_folder(store: Store, tmp_path: Path) -> None:
    store.conn.execute("UPDATE articles SET slug = '../../escape' WHERE id = ?", (ARTICLE_ID,))
    out = tmp_path / "out"
    publish(store, options(out, include_machine=True))
    assert not (tmp_path / "escape.html").exists()
    assert (out / "site" / "en" / "escape-a1b2c3d4.html").exists()


def test_unknown_format_is_an_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match="unknown format pdf"):
        publish(store, options(tmp_path, formats=("pdf",)))


def test_publish_command(store: Store, tmp_path: Path) -> None:
    db = tmp_path / "pipeline.db"
    out = tmp_path / "cli-out"
    args = ["--out", str(out), "--format", "site,md", "--include-machine", "--db", str(db)]
    result = CliRunner().invoke(publish_command, args)
    assert result.exit_code == 0, result.output
    assert "1 articles published (uk 1, ru 1, en 1)" in result.output
    assert "written, 0 unchanged, 0 removed" in result.output
    assert "note: site/sitemap.xml has relative URLs" in result.output
    assert (out / "md" / "en" / f"{SLUG}.md").exists()
    bad = CliRunner().invoke(
        publish_command, ["--out", str(out), "--format", "pdf", "--db", str(db)]
    )
    assert bad.exit_code == 1 and "unknown format pdf" in bad.output
