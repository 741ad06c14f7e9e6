"""Edition pairing through the store and the CLI: urls, file names, declared links, uncertain
pairs."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.align.addresses import article_number, neutral_path, neutral_url
from pipeline.align.pairing import Candidate, pair_editions
from pipeline.cli import main
from pipeline.store import Store

ROOT = Path(__file__).resolve().parent.parent
FERRY = ROOT / "samples" / "set-odesa-ferry"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("url", "neutral", "lang"),
    [
        ("https://x.example/uk/a/b", "x.example/a/b", "uk"),
        ("https://x.example/eng/a/b/", "x.example/a/b", "en"),
        ("https://www.x.example/a/b-ru", "x.example/a/b", "ru"),
        ("https://x.example/a/b_ua.html", "x.example/a/b.html", "uk"),
        ("https://x.example/a/b?lang=en&id=3", "x.example/a/b?id=3", "en"),
        ("https://ru.x.example/a/b", "x.example/a/b", "ru"),
        ("https://x.example/en-US/a/b", "x.example/a/b", "en"),
        ("https://x.example/uk_ua/a/b", "x.example/a/b", "uk"),
        ("https://x.example/english/a/b", "x.example/a/b", "en"),
        ("https://x.example/en-us-trade/a", "x.example/en-us-trade/a", None),
        ("https://x.example/a/b", "x.example/a/b", None),
    ],
)
def test_urls_lose_their_language_marker(url: str, neutral: str, lang: str | None) -> None:
    assert neutral_url(url) == (neutral, lang)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("news/budget.uk.md", ("news/budget.md", "uk")),
        ("news/budget.eng.html", ("news/budget.html", "en")),
        ("/desk/2026/ru/budget.md", ("desk/2026/budget.md", "ru")),
        ("budget_ua.txt", ("budget.txt", "uk")),
        ("desk/en-US/budget.md", ("desk/budget.md", "en")),
        ("news/articles.json", None),
        ("news/enroll.md", None),
        ("uk.md", None),
    ],
)
def test_file_paths_lose_their_language_marker(path: str, expected: tuple[str, str] | None) -> None:
    assert neutral_path(path) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.ukrinform.ua/rubric-polytics/3841234-zelenskij.html",
            ("ukrinform", "3841234"),
        ),
        (
            "https://www.ukrinform.net/rubric-polytics/3841234-zelensky.html",
            ("ukrinform", "3841234"),
        ),
        ("https://www.unian.info/politics/zelensky-12345678.html", ("unian", "12345678")),
        ("https://babel.ua/en/news/105123-zelensky-met", ("babel", "105123")),
        ("https://www.pravda.com.ua/eng/news/2026/03/21/7447533/", ("pravda", "7447533")),
        ("https://en.lb.ua/news/2026/03/21/17123_slug.html", ("lb", "17123")),
        ("https://x.example/news/20260321-budget", None),  # a date, not an article number
        ("https://x.example/news/budget-2026", None),  # a year
        ("https://x.example/news/12345-vs-67890", None),  # which one?
        ("https://x.example/news/12345/budget", None),  # not in the last part
        (None, None),
    ],
)
def test_article_numbers_name_the_site_and_the_article(
    url: str | None, expected: tuple[str, str] | None
) -> None:
    assert article_number(url) == expected


def _numbered(id: str, lang: str, url: str, title: str, date: str | None = None) -> Candidate:
    return Candidate(id, lang, title, ("Текст.",), url=url, date=date)


def test_editions_on_sites_of_their_own_pair_by_the_article_number() -> None:
    """uk, ru and en each on a domain of its own with a slug in its own language: only the
    article number ties them; an article of another number stays alone."""
    found = pair_editions(
        [
            _numbered("u1", "uk", "https://www.ukrinform.ua/rubric/3841234-zustrich.html", "А"),
            _numbered("r1", "ru", "https://www.ukrinform.ru/rubric/3841234-vstrecha.html", "Б"),
            _numbered("e1", "en", "https://www.ukrinform.net/rubric/3841234-meeting.html", "C"),
            _numbered("e2", "en", "https://www.ukrinform.net/rubric/3841299-ferry.html", "D"),
        ]
    )
    (story,) = found.stories
    assert story.ids == ("u1", "r1", "e1")
    assert all("url number" in pair.reasons for pair in story.editions)


def test_an_article_number_shared_within_a_language_or_far_in_time_links_nothing() -> None:
    shared = [
        _numbered("u1", "uk", "https://a.example/news/55555-x", "А", "2026-03-21"),
        _numbered("u2", "uk", "https://a.example/other/55555-y", "Б", "2026-03-21"),
        _numbered("e1", "en", "https://a.example/en/news/55555-z", "C", "2026-03-21"),
    ]
    far = [
        _numbered("u1", "uk", "https://a.example/news/55555-x", "А", "2026-03-21"),
        _numbered("e1", "en", "https://a.example/en/news/55555-z", "C", "2026-05-02"),
    ]
    assert pair_editions(shared).stories == []
    assert pair_editions(far).stories == []


def _filed(id: str, lang: str, path: str, title: str) -> Candidate:
    return Candidate(id, lang, title, ("Текст.",), source_path=path)


def test_editions_in_files_named_alike_pair_by_file_name() -> None:
    # Undated, no url, titles that say nothing: only the file names tie them together.
    found = pair_editions(
        [
            _filed("u1", "uk", "/in/budget.uk.md", "Бюджет"),
            _filed("r1", "ru", "/in/budget.ru.md", "Бюджет"),
            _filed("e1", "en", "/in/budget.en.md", "Budget"),
            _filed("u2", "uk", "/in/ferry.uk.md", "Пором"),
            _filed("e2", "en", "/in/ferry.en.md", "Ferry"),
        ]
    )
    assert sorted(story.ids for story in found.stories) == [("u1", "r1", "e1"), ("u2", "e2")]
    assert all("file name" in pair.reasons for s in found.stories for pair in s.editions)


def test_align_pairs_a_folder_of_editions_by_their_file_names(tmp_path: Path) -> None:
    texts = {
        "uk": ("Пором до Одеси", "Пором «Юлія» вийшов з Одеси до Стамбула. Везе 120 пасажирів."),
        "ru": ("Паром в Одессу", "Паром «Юлия» вышел из Одессы в Стамбул. Везёт 120 пассажиров."),
        "en": ("Ferry to Odesa", "The ferry Yulia left Odesa for Istanbul. It carries 120 people."),
    }
    for lang, (title, body) in texts.items():
        (tmp_path / f"ferry.{lang}.md").write_text(
            f"---\ntitle: {title}\nlang: {lang}\n---\n\n{body}\n", encoding="utf-8"
        )
    code, output = run("align", str(tmp_path), "--db", str(tmp_path / "p.db"), "--json")
    assert code == 0, output
    units = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert [u["kind"] for u in units] == ["1-1-1"] * 3
    assert units[2]["en"] == ["It carries 120 people."]


def test_a_file_of_many_articles_pairs_nothing_by_its_name() -> None:
    found = pair_editions(
        [
            _filed("u1", "uk", "/in/news.uk.json", "Бюджет"),
            _filed("u2", "uk", "/in/news.uk.json", "Пором"),
            _filed("e1", "en", "/in/news.en.json", "Budget"),
        ]
    )
    assert found.stories == []


def test_editions_without_translation_of_pair_by_url(tmp_path: Path) -> None:
    code, output = run("align", str(FERRY), "--db", str(tmp_path / "f.db"))
    assert code == 0, output
    linked = [line for line in output.splitlines() if line.startswith("linked")]
    assert len(linked) == 2 and all("url" in line for line in linked)
    with Store(tmp_path / "f.db") as store:
        originals = store.article_ids()
        assert [store.article(i).lang for i in originals] == ["uk"]
        assert len(store.editions_of(originals[0])) == 2
        (kinds,) = [[u.kind for u in store.units.of_story(i)] for i in originals]
    assert kinds == ["1-1-1"] * 6


def _candidate(id: str, lang: str, url: str, title: str, text: str) -> Candidate:
    return Candidate(id, lang, title, (text,), url=url, date="2026-03-21")


def test_an_uncertain_pair_is_reported_not_linked() -> None:
    uk = _candidate(
        "u1", "uk", "https://a.example/uk/1", "Порт прийняв 48 суден",
        "Одеський порт за тиждень прийняв 48 суден і 1,2 млн т вантажів.",
    )  # fmt: skip
    ru = _candidate(
        "r1", "ru", "https://a.example/ru/2", "В Одессе открыли новый терминал",
        "Новый терминал примет 48 судов в месяц.",
    )  # fmt: skip
    pairing = pair_editions([uk, ru])
    assert pairing.stories == []
    (pair,) = pairing.uncertain
    assert 0.4 <= pair.confidence < 0.75 and "date" in pair.reasons


def test_declared_and_url_pairs_are_sure_and_a_store_link_is_kept() -> None:
    uk = _candidate("u1", "uk", "https://a.example/news/x", "Т", "1")
    ru = _candidate("r1", "ru", "https://a.example/ru/news/x", "Т", "1")
    en = Candidate("e1", "en", "T", url="https://b.example/other", translation_of="u1")
    (story,) = pair_editions([uk, ru, en]).stories
    assert story.original == "u1"
    assert [(p.edition, p.confidence, p.declared) for p in story.editions] == [
        ("r1", 1.0, False),
        ("e1", 1.0, True),
    ]


@pytest.mark.parametrize("focus", [None, set(), {"c1"}, {"c1", "c3"}, {"c0", "c4", "c2"}])
def test_pairs_to_score_are_each_pair_holding_a_focused_article_once(
    focus: set[str] | None,
) -> None:
    from pipeline.align.candidates import pairs_to_score

    ordered = [Candidate(f"c{k}", "uk", "T") for k in range(5)]
    found = [(a.id, b.id) for a, b in pairs_to_score(ordered, focus, {c.id: [] for c in ordered})]
    expected = [
        (a.id, b.id)
        for k, a in enumerate(ordered)
        for b in ordered[k + 1 :]
        if focus is None or a.id in focus or b.id in focus
    ]
    assert sorted(found) == expected


def _dated_batch(seed: int) -> tuple[list[Candidate], dict[str, list[object]]]:
    """Forty articles over ten days (some undated), a few sharing a key across the days."""
    rng = random.Random(seed)
    ordered = []
    keys: dict[str, list[object]] = {}
    for k in range(40):
        day = rng.choice([None, *range(1, 11)])
        date = None if day is None else f"2026-03-{day:02d}T09:00:00"
        ordered.append(Candidate(f"c{k:02d}", rng.choice(["uk", "ru", "en"]), "T", date=date))
        keys[f"c{k:02d}"] = [("url", rng.randrange(12))] if rng.random() < 0.5 else []
    return ordered, keys


@pytest.mark.parametrize("focus", [None, {"c03", "c17", "c30"}])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pairs_to_score_are_the_pairs_within_a_day_or_sharing_a_key(
    seed: int, focus: set[str] | None
) -> None:
    """Blocking by day leaves out only pairs that could never score: dated more than a day
    apart and sharing no url, file name or article number; each pair comes once, earlier
    first."""
    from pipeline.align.candidates import pairs_to_score, worth_scoring

    ordered, keys = _dated_batch(seed)
    found = [(a.id, b.id) for a, b in pairs_to_score(ordered, focus, keys)]
    expected = [
        (a.id, b.id)
        for k, a in enumerate(ordered)
        for b in ordered[k + 1 :]
        if (worth_scoring(a, b) or set(keys[a.id]) & set(keys[b.id]))
        and (focus is None or a.id in focus or b.id in focus)
    ]
    assert len(found) == len(set(found))
    assert sorted(found) == expected
    assert len(found) < len(ordered) * (len(ordered) - 1) // 2


def _related(a: Candidate, b: Candidate) -> bool:
    """A symmetric stand-in for ``pairing._Apart``: whether two ids' numbers sum to a multiple
    of three."""
    return (int(a.id[1:]) + int(b.id[1:])) % 3 == 0


@pytest.mark.parametrize("focus", [None, {"c03", "c17", "c30"}])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pairs_to_score_with_an_undated_side_are_those_apart_names(
    seed: int, focus: set[str] | None
) -> None:
    from pipeline.align.candidates import day_of, pairs_to_score

    ordered, keys = _dated_batch(seed)

    def apart(one: Candidate) -> list[Candidate]:
        return [
            c
            for c in ordered
            if c.id != one.id
            and (day_of(c.date) is None or day_of(one.date) is None)
            and _related(one, c)
        ]

    found = [(a.id, b.id) for a, b in pairs_to_score(ordered, focus, keys, apart)]
    expected = []
    for k, a in enumerate(ordered):
        for b in ordered[k + 1 :]:
            day_a, day_b = day_of(a.date), day_of(b.date)
            if day_a is None or day_b is None:
                wanted = _related(a, b)
            else:
                wanted = abs((day_a - day_b).days) <= 1
            if (wanted or set(keys[a.id]) & set(keys[b.id])) and (
                focus is None or a.id in focus or b.id in focus
            ):
                expected.append((a.id, b.id))
    assert len(found) == len(set(found))
    assert sorted(found) == expected


def _sample_articles() -> list[Candidate]:
    """The samples' two parallel sets and their single-language pages as undated candidates
    (title, then the body's paragraphs)."""
    found = []
    for path in sorted((ROOT / "samples").glob("set-*/*.md")):
        _, front, body = path.read_text("utf-8").split("---\n", 2)
        title = next(line for line in front.splitlines() if line.startswith("title:"))
        lang = path.stem.rsplit(".", 1)[1]
        paragraphs = tuple(p.strip() for p in body.split("\n\n") if p.strip())
        found.append(Candidate(f"{path.stem}", lang, title[6:].strip(' "'), paragraphs))
    for path in sorted((ROOT / "samples").glob("*.txt")):
        lines = [line.strip() for line in path.read_text("utf-8").splitlines()]
        long = [line for line in lines if len(line) > 60]
        found.append(Candidate(path.stem, path.stem[:2], long[0], tuple(long[1:])))
    return found


def test_undated_articles_are_scored_only_where_a_pair_could_be_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without a day in common a pair reaches the report bar only through shared numbers or
    names or its texts' mutual best, so scoring just those pairs changes nothing."""
    from pipeline.align import pairing

    articles = _sample_articles()
    scored: list[tuple[str, str]] = []
    real_score = pairing.pair_score

    def counted(a: Candidate, b: Candidate, **kwargs: object) -> tuple[float, tuple[str, ...]]:
        scored.append((a.id, b.id))
        return real_score(a, b, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pairing, "pair_score", counted)
    narrowed = pair_editions(articles)
    narrowed_count = len(scored)
    scored.clear()
    monkeypatch.setattr(
        pairing._Apart, "of", lambda self, one: [c for c in articles if c.lang != one.lang]
    )
    every = pair_editions(articles)
    assert (narrowed.stories, narrowed.uncertain) == (every.stories, every.uncertain)
    assert [len(story.editions) for story in narrowed.stories] == [2, 2]
    assert narrowed_count < len(scored)


@pytest.mark.parametrize("seed", [1, 2])
def test_text_rivals_are_the_articles_of_the_language_within_a_day(seed: int) -> None:
    from pipeline.align.candidates import worth_scoring
    from pipeline.align.pairing import _TextEvidence

    ordered, _ = _dated_batch(seed)
    texts = _TextEvidence(ordered, None)
    texts._build()
    for one in ordered:
        for lang in ("uk", "ru", "en"):
            expected = [c.id for c in ordered if c.lang == lang and worth_scoring(one, c)]
            assert [c.id for c in texts._rivals(one, lang)] == expected


_FERRY_PAGES = {
    "uk": ("story/4409-porom", "Пором до Констанци",
           "Перший рейс пасажирського порому між Одесою та Констанцою заплановано на 15 квітня. "
           "Судно візьме на борт до 400 пасажирів і 60 автомобілів."),
    "ru": ("ru/story/4410-parom", "Паром в Констанцу",
           "Первый рейс пассажирского парома между Одессой и Констанцей запланирован на 15 "
           "апреля. Судно возьмет на борт до 400 пассажиров и 60 автомобилей."),
    "en": ("en/story/4411-ferry", "Ferry to Constanta",
           "The first passenger ferry between Odesa and Constanta is scheduled to sail on 15 "
           "April. The vessel will carry up to 400 passengers and 60 cars."),
}  # fmt: skip


def test_saved_pages_pair_by_their_hreflang_alternates(tmp_path: Path) -> None:
    """Each language's page has an article number of its own, so no url pairs them; their
    <link rel="alternate" hreflang> links do, as declared editions of the Ukrainian page."""
    links = "".join(
        f'<link rel="alternate" hreflang="{lang}" href="https://news.example/{path}/">'
        for lang, (path, _, _) in _FERRY_PAGES.items()
    )
    for lang, (path, title, text) in _FERRY_PAGES.items():
        page = (
            f'<!doctype html><html lang="{lang}"><head><title>{title}</title>'
            f'<link rel="canonical" href="https://news.example/{path}">{links}</head>'
            f"<body><main><article><h1>{title}</h1><p>{text}</p></article></main></body></html>"
        )
        (tmp_path / f"{path.replace('/', '-')}.html").write_text(page, encoding="utf-8")
    code, output = run("align", str(tmp_path), "--db", str(tmp_path / "p.db"))
    assert code == 0, output
    linked = [line for line in output.splitlines() if line.startswith("linked")]
    assert len(linked) == 2 and all("declared" in line for line in linked), output
    with Store(tmp_path / "p.db") as store:
        (original,) = [i for i in store.article_ids() if store.article(i).lang == "uk"]
        assert len(store.editions_of(original)) == 2
