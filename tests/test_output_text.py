"""Text people read: JSON keeps UTF-8 (no \\uXXXX escapes), titles and slugs are cut at word
boundaries."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.domain import shorten, slugify
from pipeline.publish import PublishOptions, publish
from tests.publish_data import make_store, pin_store_clock

LONG_TITLE = (
    "Київська міська рада ухвалила бюджет на 2026 рік після тривалого обговорення з мешканцями"
)
ESCAPE = re.compile(r"\\u0[0-9a-fA-F]{3}")  # a Cyrillic or other non-ASCII letter, escaped


@pytest.mark.parametrize(
    ("title", "max_len", "slug"),
    [
        (LONG_TITLE, 60, "kyivska-miska-rada-ukhvalyla-biudzhet-na-2026-rik-pislia-abcdef12"),
        (LONG_TITLE, 20, "kyivska-miska-rada-abcdef12"),
        ("Kyiv passes the 2026 budget", 60, "kyiv-passes-the-2026-budget-abcdef12"),
        ("Kyiv passes the 2026 budget", 11, "kyiv-passes-abcdef12"),  # the limit at a dash
        ("Kyiv passes the 2026 budget", 10, "kyiv-abcdef12"),
        ("Надзвичайнодовгийзаголовок", 10, "nadzvychai-abcdef12"),  # one word: cut where it falls
        ("«»", 60, "abcdef123456"),
    ],
)
def test_slugs_end_at_a_word(title: str, max_len: int, slug: str) -> None:
    assert slugify(title, "abcdef123456", max_len=max_len) == slug


@pytest.mark.parametrize(
    ("text", "limit", "short"),
    [
        ("Київ ухвалив бюджет", 19, "Київ ухвалив бюджет"),
        ("Київ ухвалив бюджет", 18, "Київ ухвалив…"),
        ("Київ ухвалив бюджет", 13, "Київ ухвалив…"),
        ("Київ ухвалив бюджет", 12, "Київ…"),
        ("Мер: «Будуємо», — сказав він", 8, "Мер…"),
        ("Надзвичайнодовгеслово і ще", 10, "Надзвичай…"),
        ("  рядок\nз переносом  ", 40, "рядок з переносом"),
    ],
)
def test_shorten_cuts_after_a_whole_word(text: str, limit: int, short: str) -> None:
    assert shorten(text, limit) == short
    assert len(shorten(text, limit)) <= limit


def _ls_title(output: str) -> str:
    return output.strip().splitlines()[-1].split("  ")[-1].strip()


def test_ingest_and_ls_cut_titles_at_words(tmp_path: Path) -> None:
    story = tmp_path / "story.json"
    body = "Депутати проголосували за бюджет міста після довгої дискусії з мешканцями."
    story.write_text(json.dumps({"title": LONG_TITLE, "body": body}), encoding="utf-8")
    db = str(tmp_path / "pipeline.db")
    runner = CliRunner()
    ingested = runner.invoke(main, ["ingest", str(story), "--db", db])
    assert ingested.exit_code == 0, ingested.output
    listed = runner.invoke(main, ["ls", "--db", db])
    assert listed.exit_code == 0, listed.output
    for output, limit in ((ingested.output, 60), (listed.output, 50)):
        shown = _ls_title(output)
        assert shown.endswith("…") and len(shown) <= limit
        assert LONG_TITLE.startswith(shown[:-1] + " "), shown  # whole words only


def test_json_outputs_keep_utf8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    story = tmp_path / "story.json"
    body = "Міська рада ухвалила бюджет. «Это важно», — сказал он."
    story.write_text(json.dumps({"title": "Бюджет", "body": body}), encoding="utf-8")
    ingested = runner.invoke(main, ["ingest", "--json", str(story)])
    detected = runner.invoke(main, ["detect", "--json"], input=body + "\n")
    outputs = {"ingest --json": ingested.output, "detect --json": detected.output}
    pin_store_clock(monkeypatch)
    with make_store(tmp_path / "pipeline.db") as store:
        out = tmp_path / "out"
        publish(store, PublishOptions(out_dir=out, formats=("jsonl",), include_machine=True))
    for path in out.rglob("*.jsonl"):
        outputs[path.name] = path.read_text(encoding="utf-8")
    assert "articles.jsonl" in outputs
    for name, text in outputs.items():
        assert re.search("[а-яіїєґ]", text), name
        assert not ESCAPE.search(text), name
