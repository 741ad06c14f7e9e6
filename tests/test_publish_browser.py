"""The published site in a real headless Chromium: the language switcher, lang and hreflang."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from pipeline.publish import PublishOptions, approve, publish
from tests.browser_support import chromium_browser  # noqa: F401  (fixture)
from tests.publish_data import ARTICLE_ID, make_store, pin_store_clock

pytestmark = pytest.mark.browser
SLUG = "kyiv-ukhvalyv-biudzhet-a1b2c3d4"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    pin_store_clock(monkeypatch)
    with make_store(tmp_path / "pipeline.db") as store:
        approve(store, ARTICLE_ID, "uk")
        publish(
            store,
            PublishOptions(out_dir=tmp_path / "out", formats=("site",), include_machine=True),
        )
    return tmp_path / "out" / "site"


@pytest.fixture
def page(chromium_browser: Any) -> Any:  # noqa: F811
    context = chromium_browser.new_context(viewport={"width": 390, "height": 844})
    opened = context.new_page()
    opened.external_requests = []
    opened.dialogs = []
    opened.on(
        "request",
        lambda r: None if r.url.startswith("file://") else opened.external_requests.append(r.url),
    )
    opened.on("dialog", lambda d: (opened.dialogs.append(d.message), d.dismiss()))
    yield opened
    context.close()


def state(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """() => ({
            lang: document.documentElement.lang,
            title: document.querySelector('h1').textContent,
            hreflang: [...document.querySelectorAll('link[rel=alternate][hreflang]')]
                .map(l => l.getAttribute('hreflang')),
            current: document.querySelector('nav.langs .current').textContent,
            notice: !!document.querySelector('[data-machine-translated]'),
        })"""
    )


def test_switcher_walks_uk_ru_en_and_back(site: Path, page: Any) -> None:
    page.goto((site / "uk" / f"{SLUG}.html").as_uri())
    assert state(page) == {
        "lang": "uk",
        "title": "Київ ухвалив бюджет",
        "hreflang": ["uk", "ru", "en", "x-default"],
        "current": "Укр",
        "notice": False,
    }
    page.click("nav.langs a[hreflang=ru]")
    page.wait_for_url(f"**/ru/{SLUG}.html")
    assert state(page)["lang"] == "ru" and state(page)["title"] == "Киев принял бюджет"
    assert state(page)["notice"] is True
    page.click("nav.langs a[hreflang=en]")
    page.wait_for_url(f"**/en/{SLUG}.html")
    en = state(page)
    assert (en["lang"], en["current"], en["title"]) == ("en", "Eng", "Kyiv passes budget")
    page.click("nav.langs a[hreflang=uk]")
    page.wait_for_url(f"**/uk/{SLUG}.html")
    assert state(page)["lang"] == "uk"
    body = page.inner_text("article")
    assert "<script>alert(1)</script>" in body and '"лапки" & знак' in body
    assert page.dialogs == [] and page.external_requests == []


def test_page_fits_a_phone_and_feed_parses(site: Path, page: Any) -> None:
    page.goto((site / "en" / "index.html").as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click(f"a[href='{SLUG}.html']")
    page.wait_for_url(f"**/en/{SLUG}.html")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    feed_href = page.get_attribute("link[type='application/atom+xml']", "href")
    assert feed_href == "feed.xml"
    feed = ET.parse(site / "en" / feed_href).getroot()
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert page.external_requests == []
