"""The diff view: aligned columns, word-level comparison, checks, terminal and HTML output."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli.diff import diff
from pipeline.diff import (
    ArticleView,
    Cell,
    CompareView,
    DiffError,
    DiffOptions,
    build_compare,
    build_view,
    levenshtein,
    render_html,
    render_terminal,
    word_diff,
    write_all_html,
)
from pipeline.diff.worddiff import tokens
from pipeline.store import Store
from tests.diff_data import budget_store, small_article

GOLDEN = Path(__file__).parent / "golden"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def budget(tmp_path: Path) -> Iterator[tuple[Store, str]]:
    store, article_id = budget_store(tmp_path / "diff.db")
    with store:
        yield store, article_id


def cell_of(view: ArticleView, seg: str, lang: str) -> Cell:
    row = next(r for r in view.rows if r.seg == seg)
    return next(c for c in row.cells if c.lang == lang)


# -- word diff -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "marked", "distance"),
    [
        ("the quick fox", "the fast fox", "the [-quick-]{+fast+} fox", 1),
        ("the quick fox", "the fox", "the [-quick-] fox", 1),
        ("the fox", "the quick fox", "the {+quick+} fox", 1),
        ("fox.", "fox", "fox[-.-]", 1),
        ("rose to 2.5 million", "rose to 3.5 million", "rose to [-2.5-]{+3.5+} million", 1),
        ("same words here", "same words here", "same words here", 0),
        ("", "new text", "{+new text+}", 2),
    ],
)
def test_word_diff_marks_insertions_and_deletions(
    a: str, b: str, marked: str, distance: int
) -> None:
    result = word_diff(a, b)
    assert result.marked() == marked
    assert result.distance == distance


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ([], [], 0),
        (["a"], [], 1),
        (["a", "b", "c"], ["a", "c"], 1),
        (["a", "b"], ["b", "a"], 2),
        (["kitten"], ["sitting"], 1),  # words, not letters
        (["x", "y", "z"], ["p", "q"], 3),
    ],
)
def test_levenshtein_counts_word_edits(a: list[str], b: list[str], distance: int) -> None:
    assert levenshtein(a, b) == distance


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The city spent money on roads.", "The city spent funds on new roads."),
        ("Ціна: 2,5 млн.", "Ціна зросла: 3,5 млн грн."),
        ("", "Only b."),
    ],
)
def test_word_diff_sides_rebuild_each_text(a: str, b: str) -> None:
    result = word_diff(a, b)
    for side, text in (("a", a), ("b", b)):
        shown = "".join(p.text + p.space for p in result.side(side))
        assert [w for w, _ in tokens(shown)] == [w for w, _ in tokens(text)]


# -- the column view -------------------------------------------------------------------------


def test_column_view_aligns_versions_with_their_origin(budget: tuple[Store, str]) -> None:
    store, article_id = budget
    view = build_view(store, article_id, DiffOptions())
    assert view.langs == ("uk", "ru", "en")
    assert [r.seg for r in view.rows] == ["p1-s1", "p2-s1", "p2-s2", "p3-s1", "p3-s2"]
    assert [r.para_start for r in view.rows] == [True, True, False, True, False]
    assert cell_of(view, "p2-s1", "uk").origin == "source"
    # a human edit wins over the machine text in the column view
    assert cell_of(view, "p2-s1", "en").label == "human"
    assert cell_of(view, "p2-s2", "en").label == "machine opus-mt-tc-big-zle-en"
    assert cell_of(view, "p2-s2", "ru").label == "machine opus-mt-uk-ru"
    missing = cell_of(view, "p3-s2", "ru")
    assert (missing.text, missing.origin) == (None, "missing")
    assert view.missing == {"ru": 1}


def test_column_view_counts_checks_and_merges_engine_flags(budget: tuple[Store, str]) -> None:
    store, article_id = budget
    view = build_view(store, article_id, DiffOptions())
    assert cell_of(view, "p2-s2", "ru").flags == ("loop",)
    assert cell_of(view, "p3-s1", "ru").flags == ("split",)  # stored by the engine as split:2
    assert cell_of(view, "p3-s1", "ru").notes == ("split into 2 parts",)
    assert view.counts == {"loop": 1, "split": 1}
    assert view.flagged == 2


def test_numbers_check_flags_the_changed_number(budget: tuple[Store, str]) -> None:
    store, article_id = budget
    # the columns show the human edit, which has the number right
    view = build_view(store, article_id, DiffOptions(langs=("uk", "en")))
    assert cell_of(view, "p3-s1", "en").label == "human"
    assert cell_of(view, "p3-s1", "en").flags == ()
    # the machine text turned 2,5 млн into 3.5 million
    compare = build_compare(store, article_id, DiffOptions(lang="en", a="human", b="machine:tc"))
    row = next(r for r in compare.rows if r.seg == "p3-s1")
    assert row.b.flags == ("numbers",)
    assert row.b.notes == ("numbers: 2,5",)
    assert row.a.flags == ()  # the human edit has the right number


def test_langs_option_picks_columns(budget: tuple[Store, str]) -> None:
    store, article_id = budget
    view = build_view(store, article_id, DiffOptions(langs=("en", "uk")))
    assert [c.lang for c in view.rows[0].cells] == ["en", "uk"]


# -- the compare view ------------------------------------------------------------------------


def test_compare_human_against_machine(budget: tuple[Store, str]) -> None:
    store, article_id = budget
    view = build_compare(store, article_id, DiffOptions(lang="en", a="human", b="machine:tc-big"))
    assert isinstance(view, CompareView)
    row = next(r for r in view.rows if r.seg == "p2-s1")
    assert row.diff is not None
    assert row.diff.marked() == (
        "The city will spend 1,250,000 [-hryvnia-]{+hryvnias+} on [-repairing roads-]"
        "{+road repairs+}."
    )
    assert row.diff.distance == 3
    assert view.changed == 2 and view.distance == 4
    assert view.missing == {"a": 3}
    from sacrebleu.metrics import BLEU, CHRF

    hyps = [
        "The city will spend 1,250,000 hryvnias on road repairs.",
        "The price rose to 3.5 million hryvnias.",
    ]
    refs = [
        [
            "The city will spend 1,250,000 hryvnia on repairing roads.",
            "The price rose to 2.5 million hryvnias.",
        ]
    ]
    assert view.scores is not None
    assert view.scores.segments == 2
    assert view.scores.chrf == pytest.approx(CHRF().corpus_score(hyps, refs).score, abs=0.01)
    assert view.scores.bleu == pytest.approx(
        BLEU(effective_order=True).corpus_score(hyps, refs).score, abs=0.01
    )


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("machine:tc-big", "The city will spend 1,250,000 hryvnias on road repairs."),
        ("machine:opus-mt-uk-en", "The city will spend 1 250 000 UAH for road repair."),
        ("machine", "The city will spend 1 250 000 UAH for road repair."),  # newest run
        ("edited", "The city will spend 1,250,000 hryvnia on repairing roads."),
        ("current", "The city will spend 1,250,000 hryvnia on repairing roads."),
    ],
)
def test_version_specs_pick_runs(budget: tuple[Store, str], spec: str, expected: str) -> None:
    store, article_id = budget
    view = build_compare(store, article_id, DiffOptions(lang="en", a="human", b=spec))
    row = next(r for r in view.rows if r.seg == "p2-s1")
    assert row.b.text == expected


def test_source_spec_in_a_target_language_explains(budget: tuple[Store, str]) -> None:
    store, article_id = budget
    with pytest.raises(DiffError, match="has no 'source' version in en"):
        build_compare(store, article_id, DiffOptions(lang="en", a="source", b="machine"))


def test_source_language_compare_uses_the_source(budget: tuple[Store, str]) -> None:
    store, article_id = budget
    view = build_compare(store, article_id, DiffOptions(lang="uk", a="source", b="current"))
    assert all(r.diff is not None and not r.diff.changed for r in view.rows)
    assert view.scores is not None and view.scores.chrf == pytest.approx(100.0)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("machine:opus-mt", "matches 2 machine runs"),
        ("machine:nllb", "has no 'machine:nllb' version"),
        ("robot", "unknown version 'robot'"),
    ],
)
def test_bad_version_specs_explain(budget: tuple[Store, str], spec: str, message: str) -> None:
    store, article_id = budget
    with pytest.raises(DiffError, match=message):
        build_compare(store, article_id, DiffOptions(lang="en", a="human", b=spec))


# -- terminal --------------------------------------------------------------------------------


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} missing: run with UPDATE_GOLDEN=1 to create it"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} changed; if intended, regenerate with UPDATE_GOLDEN=1"


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("diff_columns.txt", DiffOptions()),
        ("diff_columns_en.txt", DiffOptions(langs=("uk", "en"))),
        ("diff_compare_en.txt", DiffOptions(lang="en", a="human", b="machine:tc-big")),
    ],
)
def test_terminal_golden(budget: tuple[Store, str], name: str, options: DiffOptions) -> None:
    store, article_id = budget
    view = (
        build_view(store, article_id, options)
        if not options.lang
        else build_compare(store, article_id, options)
    )
    _golden(name, render_terminal(view, width=100, color=False))


@pytest.mark.parametrize("width", [60, 100, 160])
@pytest.mark.parametrize("lang", [None, "en"])
def test_terminal_lines_fit_the_width(
    budget: tuple[Store, str], width: int, lang: str | None
) -> None:
    store, article_id = budget
    options = DiffOptions(lang=lang, a="human" if lang else None, b="machine:tc" if lang else None)
    view = (
        build_compare(store, article_id, options)
        if lang
        else build_view(store, article_id, options)
    )
    for color in (False, True):
        text = render_terminal(view, width=width, color=color)
        widest = max(len(ANSI.sub("", line)) for line in text.splitlines())
        assert widest <= width


def test_colour_replaces_markers(budget: tuple[Store, str]) -> None:
    store, article_id = budget
    view = build_compare(store, article_id, DiffOptions(lang="en", a="human", b="machine:tc"))
    plain = render_terminal(view, width=100, color=False)
    coloured = render_terminal(view, width=100, color=True)
    assert "\x1b[" not in plain and "[-hryvnia-]" in plain and "{+hryvnias+}" in plain
    assert "\x1b[31;9mhryvnia\x1b[0m" in coloured and "\x1b[32;1mhryvnias\x1b[0m" in coloured
    assert "[-" not in coloured and "{+" not in coloured


# -- HTML ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", [None, "en"])
def test_html_escapes_article_text(budget: tuple[Store, str], lang: str | None) -> None:
    store, article_id = budget
    options = DiffOptions(lang=lang, a="human" if lang else None, b="machine:tc" if lang else None)
    view = (
        build_compare(store, article_id, options)
        if lang
        else build_view(store, article_id, options)
    )
    page = render_html(view)
    assert "<script>window.__pwned" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert "onerror=&quot;window.__pwned=1&quot;&gt;" in page
    assert "&quot;лапки&quot; &amp; амперсанд" in page
    # one script: the page's own, allowed by its hash in the Content-Security-Policy
    assert page.count("<script>") == 1
    assert "script-src 'sha256-" in page


def test_html_page_is_self_contained(budget: tuple[Store, str]) -> None:
    store, article_id = budget
    page = render_html(build_view(store, article_id, DiffOptions()))
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    assert page.count('tabindex="0"') == 5 * 3
    assert 'data-seg="p2-s2"' in page and "@media (max-width" in page


def test_write_all_orders_index_worst_first(tmp_path: Path) -> None:
    with Store(tmp_path / "all.db") as store:
        clean = small_article(
            store,
            "k-clean",
            "Clean",
            {(0, 0): "Today 12 pupils passed the exam.", (0, 1): "The weather was sunny."},
        )
        bad = small_article(
            store,
            "k-bad",
            "Bad <b>",
            {(0, 0): "Today pupils passed the exam.", (0, 1): "The weather was sunny."},
        )
        worse = small_article(
            store,
            "k-worse",
            "Worse",
            {
                (0, 0): "Today 13 pupils passed passed passed passed.",
                (0, 1): "Погода була сонячна.",
            },
        )
        out = tmp_path / "site"
        written = write_all_html(store, out, DiffOptions(langs=("uk", "en")))
        slugs = {aid: store.article(aid).slug for aid in (clean, bad, worse)}
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{s}.html" for s in slugs.values()] + ["index.html"]
    )
    assert all(p.parent == out.resolve() for p in written)
    index = (out / "index.html").read_text(encoding="utf-8")
    order = re.findall(r'data-slug="([^"]+)"', index)
    # worse: numbers + loop, untranslated; bad: numbers; clean: nothing
    assert order == [slugs[worse], slugs[bad], slugs[clean]]
    assert re.findall(r'data-flagged="(\d+)"', index) == ["2", "1", "0"]
    assert "Bad &lt;b&gt;" in index and "<b>" not in index
    assert f'href="{slugs[bad]}.html"' in index
    page = (out / f"{slugs[bad]}.html").read_text(encoding="utf-8")
    assert 'href="index.html"' in page


def test_write_all_stays_inside_and_leaves_unchanged_pages_alone(tmp_path: Path) -> None:
    out = tmp_path / "site"
    with Store(tmp_path / "all.db") as store:
        small_article(store, "k-up", "../../up", {(0, 0): "Today 12 pupils passed the exam."})
        first = write_all_html(store, out, DiffOptions(langs=("uk", "en")))
        stamps = {p: p.stat().st_mtime_ns for p in first}
        second = write_all_html(store, out, DiffOptions(langs=("uk", "en")))
    assert first == second and len(first) == 2
    assert all(p.parent == out.resolve() for p in first)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all.db", "site"]
    assert {p: p.stat().st_mtime_ns for p in second} == stamps
    assert not list(out.glob(".*.tmp"))


def test_write_all_compare_lists_articles_without_the_version(tmp_path: Path) -> None:
    with Store(tmp_path / "all.db") as store:
        small_article(store, "k-one", "One", {(0, 0): "Today 12 pupils passed the exam."})
        written = write_all_html(store, tmp_path / "out", DiffOptions(lang="en", a="human"))
    assert [p.name for p in written] == ["index.html"]
    index = written[0].read_text(encoding="utf-8")
    assert "no &#x27;human&#x27; version" in index


# -- the command -----------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Path:
    store, _ = budget_store(tmp_path / "cli.db")
    store.close()
    return tmp_path / "cli.db"


def test_cli_prints_columns(db: Path) -> None:
    result = CliRunner().invoke(
        diff,
        [
            "kyiv-ukhvalyv-biudzhet-na-2025-rik-1f64a3c7",
            "--db",
            str(db),
            "--width",
            "100",
            "--no-color",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "Київ ухвалив бюджет на 2025 рік"
    assert "machine opus-mt-uk-ru" in result.output and "\x1b[" not in result.output


def test_cli_compares_two_versions(db: Path) -> None:
    args = [
        "1f64",
        "--db",
        str(db),
        "--lang",
        "en",
        "--a",
        "human",
        "--b",
        "machine:tc-big",
        "--width",
        "100",
    ]
    result = CliRunner().invoke(diff, args)
    assert result.exit_code == 0, result.output
    assert "[-hryvnia-]" in result.output and "chrF" in result.output


def test_cli_writes_html(db: Path, tmp_path: Path) -> None:
    page = tmp_path / "page" / "budget.html"
    result = CliRunner().invoke(diff, ["1f64", "--db", str(db), "--html", str(page)])
    assert result.exit_code == 0, result.output
    assert "&lt;script&gt;" in page.read_text(encoding="utf-8")


def test_cli_all_writes_a_folder(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = CliRunner().invoke(diff, ["--all", "--db", str(db), "--html", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "index.html").exists() and len(list(out.glob("*.html"))) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--all"], "add --html DIR"),
        (["x", "--all", "--html", "d"], "either ARTICLE or --all"),
        ([], "give an ARTICLE"),
        (["x", "--a", "human"], "add --lang"),
        (["x", "--langs", "de"], "choose from uk, ru, en"),
    ],
)
def test_cli_usage_errors(db: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(diff, [*args, "--db", str(db)])
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "no article 'nope'"),
        (["1f64", "--lang", "en", "--b", "machine:opus-mt"], "matches 2 machine runs"),
    ],
)
def test_cli_domain_errors_are_one_line(db: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(diff, [*args, "--db", str(db)])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
