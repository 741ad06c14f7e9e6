"""Build the page corpus: text dumps and HTML pages of made-up sites around real stories.

Run: .venv/bin/python benchmarks/pagecorpus.py --out /tmp/pagecorpus [--data ../shared/data]

Story text comes from the FLORES-200 devtest articles in ../shared/data (the sentences of one
source URL make one article, in uk, ru and en alike), plus short kinds of story text written for
the project (short paragraphs, dialogue lines, lists inside the story). The chrome comes from the
site styles in pagecorpus_styles.py. Nothing of ../shared/data is kept in the repository: the
corpus is built into a work folder at benchmark time. Beside each page lies `<page>.truth.json`:
title, author (null without a byline), date (ISO), story paragraphs in order, chrome lines.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import sys
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pagecorpus_styles import STYLES, Style  # noqa: E402

LANGS = ("uk", "ru", "en")
FLORES_CODES = {"uk": "ukr", "ru": "rus", "en": "eng"}

AUTHORS = {
    "uk": ["Олена Коваль", "Іван Дяконов", "Марія Шевчук", "Тарас Бондар", "Ірина Лисенко"],
    "ru": ["Анна Смирнова", "Дмитрий Орлов", "Ольга Белова", "Сергей Волков", "Игорь Левин"],
    "en": ["John Carter", "Emma Hughes", "Daniel Price", "Sophie Turner", "Mark Ellis"],
}
MONTHS = {
    "uk": "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "en": "January February March April May June July August September October November December",
}
WEEKDAYS = {
    "uk": "понеділок вівторок середа четвер пʼятниця субота неділя",
    "ru": "понедельник вторник среда четверг пятница суббота воскресенье",
    "en": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
}
TAG_WORDS = {
    "uk": ["Київ", "економіка", "наука", "культура", "подорожі", "освіта", "здоровʼя"],
    "ru": ["Киев", "экономика", "наука", "культура", "путешествия", "образование", "здоровье"],
    "en": ["Kyiv", "economy", "science", "culture", "travel", "education", "health"],
}
# Story text of kinds that cleaners lose: written for the project.
SHORT = {
    "uk": ["Це не перший такий випадок.", "Далі буде.", "Так і сталося.", "Відповіді немає."],
    "ru": ["Это не первый такой случай.", "Продолжение следует.", "Так и вышло.", "Ответа нет."],
    "en": [
        "It was not the first time.",
        "More is expected.",
        "That is what happened.",
        "There was no reply.",
    ],
}
DIALOGUE = {
    "uk": [
        "«Ми готові працювати далі», — сказала вона.",
        "— Ми все відбудуємо, — додав він.",
        "«Чому саме зараз?» — запитав один із мешканців.",
    ],
    "ru": [
        "«Мы готовы работать дальше», — сказала она.",
        "— Мы все восстановим, — добавил он.",
        "«Почему именно сейчас?» — спросил один из жителей.",
    ],
    "en": [
        '"We are ready to keep working," she said.',
        '"We will rebuild it all," he added.',
        '"Why now?" one of the residents asked.',
    ],
}
LISTS = {
    "uk": (
        "Серед головних причин дослідники називають:",
        ["нестачу коштів;", "брак фахівців;", "застаріле обладнання."],
        "Саме тому проєкт просять продовжити ще на рік.",
    ),
    "ru": (
        "Среди главных причин исследователи называют:",
        ["нехватку средств;", "недостаток специалистов;", "устаревшее оборудование."],
        "Именно поэтому проект просят продлить еще на год.",
    ),
    "en": (
        "The researchers name the main reasons:",
        ["a lack of money;", "too few specialists;", "outdated equipment."],
        "That is why they ask for the project to run one more year.",
    ),
}


@dataclass
class Page:
    lines: list[tuple[str, str]]  # (role, text): role is story, title, li, byline, chrome
    title: str
    author: str | None
    date: str
    lang: str


def load_articles(data: Path) -> list[dict[str, list[str]]]:
    """FLORES devtest sentences grouped by source URL: one dict lang -> sentences each."""
    meta = (data / "flores200_devtest.metadata.tsv").read_text(encoding="utf-8").splitlines()[1:]
    texts = {
        lang: (data / f"flores200_devtest.{code}.txt").read_text(encoding="utf-8").splitlines()
        for lang, code in FLORES_CODES.items()
    }
    groups: OrderedDict[str, list[int]] = OrderedDict()
    for index, row in enumerate(meta):
        groups.setdefault(row.split("\t")[0], []).append(index)
    return [
        {lang: [texts[lang][i].strip() for i in rows] for lang in LANGS}
        for rows in groups.values()
        if len(rows) >= 3
    ]


def title_of(sentences: list[str]) -> str:
    found = sentences[0].split()
    keep = max(4, min(10, int(len(found) * 0.6)))
    # Headlines seldom end with a full stop.
    return " ".join(found[:keep]).rstrip(",;:—–-.")


def date_text(day: date, lang: str, form: str) -> str:
    month = MONTHS[lang].split()[day.month - 1]
    weekday = WEEKDAYS[lang].split()[day.weekday()]
    if form == "numeric":
        return f"{day.day:02d}.{day.month:02d}.{day.year}"
    if form == "weekday":
        weekday = weekday if lang != "en" else weekday
        return f"{weekday.capitalize()}, {day.day} {month} {day.year}"
    if lang == "en" and form == "us":
        return f"{month} {day.day}, {day.year}"
    return f"{day.day} {month} {day.year}"


def byline_lines(style: Style, lang: str, author: str | None, day: date, clock: str) -> list[str]:
    form = style.byline
    if form == "name_weekday_date_time":
        stamp = f"{date_text(day, lang, 'weekday')}, {clock}"
        return [f"{author} {stamp}" if author else stamp]
    if form == "label_author_then_date":
        label = {"uk": "Автор", "ru": "Автор", "en": "Author"}[lang]
        return ([f"{label}: {author}"] if author else []) + [
            f"{date_text(day, lang, 'numeric')}, {clock}"
        ]
    if form == "by_name_pipe_date":
        stamp = date_text(day, lang, "us")
        if not author:
            return [stamp]
        return [f"By {author} | {stamp}" if lang == "en" else f"{author} | {stamp}"]
    if form == "caps_name_then_date":
        return ([author.upper()] if author else []) + [f"{date_text(day, lang, 'long')}, {clock}"]
    if form == "name_alone_then_date":
        return ([author] if author else []) + [date_text(day, lang, "numeric")]
    if form == "text_label_name":
        label = {"uk": "Текст", "ru": "Текст", "en": "Text"}[lang]
        return ([f"{label}: {author}"] if author else []) + [date_text(day, lang, "long")]
    return [f"{date_text(day, lang, 'long')}, {clock}"]


def story_paragraphs(rng: random.Random, sentences: list[str], lang: str) -> list[tuple[str, str]]:
    """(role, text) of the story: FLORES sentences in paragraphs of one or two, and at times
    a short paragraph, a dialogue line or a list inside the story."""
    paragraphs: list[tuple[str, str]] = []
    i = 0
    while i < len(sentences):
        take = 1 if rng.random() < 0.4 else 2
        paragraphs.append(("story", " ".join(sentences[i : i + take])))
        i += take
    extras: list[list[tuple[str, str]]] = []
    if rng.random() < 0.35:
        extras.append([("story", rng.choice(SHORT[lang]))])
    if rng.random() < 0.35:
        extras.append([("story", rng.choice(DIALOGUE[lang]))])
    if rng.random() < 0.3:
        intro, items, after = LISTS[lang]
        extras.append([("story", intro)] + [("li", item) for item in items] + [("story", after)])
    for extra in extras:
        at = rng.randint(1, len(paragraphs))
        paragraphs[at:at] = extra
    return paragraphs


def _chrome_lang(style: Style, lang: str) -> str:
    return lang if style.chrome_lang == "story" else style.chrome_lang


def _pick(table: dict[str, str], lang: str) -> str | None:
    return table.get(lang) or None


def make_page(
    rng: random.Random,
    style: Style,
    article: dict[str, list[str]],
    others: list[dict[str, list[str]]],
    lang: str,
) -> Page:
    cl = _chrome_lang(style, lang)
    sentences = article[lang]
    title = title_of(sentences)
    author = rng.choice(AUTHORS[lang]) if rng.random() < style.byline_share else None
    day = date(2024, 1, 1) + timedelta(days=rng.randint(0, 800))
    clock = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
    headlines = [title_of(other[cl]) for other in rng.sample(others, 8)]
    lines: list[tuple[str, str]] = []

    def chrome(text: str) -> None:
        lines.append(("chrome", text))

    for line in style.top[cl]:
        chrome(line.format(iso=day.isoformat()))
    if style.cookie and style.cookie_at_top:
        chrome(style.cookie[cl])
    lines.append(("title", title))
    for line in byline_lines(style, lang, author, day, clock):
        lines.append(("byline", line))
    if style.title_twice:
        chrome(title)
    body = story_paragraphs(rng, sentences, lang)
    place = rng.choice([w for w in sentences[0].split() if w[:1].isupper()] or ["Kyiv"])
    inserts: list[list[tuple[str, str]]] = []
    if style.caption and cl in style.caption:
        body.insert(0, ("chrome", style.caption[cl].format(place.strip(",.:;"))))
    if style.inline_related and cl in style.inline_related:
        inserts.append([("chrome", style.inline_related[cl].format(headlines[0]))])
    if style.ad and cl in style.ad:
        inserts.append([("chrome", style.ad[cl])])
        inserts.append([("chrome", style.ad[cl])])
    if style.mid_list and cl in style.mid_list and rng.random() < 0.6:
        header = style.mid_list[cl]
        block = [("chrome", header)] if style.mid_list_header and header else []
        block += [("chrome", h) for h in headlines[1 : 1 + rng.randint(2, 3)]]
        inserts.append(block)
    for insert in inserts:
        at = rng.randint(1, max(1, len(body) - 1))
        # Never between a list's intro and its items.
        while 0 < at < len(body) and (body[at][0] == "li" or body[at - 1][1].endswith(":")):
            at += 1
        body[at:at] = insert
    lines.extend(body)
    if style.support and cl in style.support:
        chrome(style.support[cl])
    tags = rng.sample(TAG_WORDS[cl], 3)
    if style.tags == "glued":
        names = [w.strip(',.:;«»"') for w in sentences[0].split()[1:] if w[:1].isupper()]
        glued = [t[:1].upper() + t[1:] for t in (names[:2] + tags)[:3]]
        chrome("".join(glued))
    elif style.tags == "hashtags":
        chrome(" ".join(f"#{t.replace(' ', '_')}" for t in tags))
    elif style.tags == "lines":
        chrome(style.tag_label[cl])
        for tag in tags:
            chrome(tag)
    elif style.tag_label:
        chrome(f"{style.tag_label[cl]} {', '.join(tags)}")
    if style.share and cl in style.share:
        chrome(style.share[cl])
    if style.related and cl in style.related:
        chrome(style.related[cl])
        for headline in headlines[4:8]:
            stamp = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
            if style.related_timed and style.related_time_own_line:
                chrome(stamp)
                chrome(headline)
            elif style.related_timed:
                chrome(f"{stamp} {headline}")
            else:
                chrome(headline)
    if style.comments and cl in style.comments:
        for line in style.comments[cl]:
            chrome(line)
    if style.cookie and not style.cookie_at_top:
        chrome(style.cookie[cl])
    for line in style.footer.get(cl, []):
        chrome(line)
    return Page(lines, title, author, day.isoformat(), lang)


def render_text(page: Page, style: Style) -> str:
    out = []
    for role, text in page.lines:
        out.append(f"  • {text}" if role == "li" else text)
        if style.blank_lines and role in ("story", "title"):
            out.append("")
    return "\n".join(out) + "\n"


def render_html(page: Page, style: Style) -> str:
    esc = html.escape
    head, article, tail = [], [], []
    part = head
    in_list = False
    last_story = max(i for i, (role, _) in enumerate(page.lines) if role in ("story", "li"))
    for index, (role, text) in enumerate(page.lines):
        if role == "title":
            part = article
            article.append(f"<h1>{esc(text)}</h1>")
            continue
        if index > last_story:
            part = tail
        if role == "li" and not in_list:
            part.append("<ul>")
            in_list = True
        if role != "li" and in_list:
            part.append("</ul>")
            in_list = False
        if role == "li":
            part.append(f"<li>{esc(text)}</li>")
        elif role == "story":
            part.append(f"<p>{esc(text)}</p>")
        elif role == "byline":
            part.append(f'<div class="byline">{esc(text)}</div>')
        elif part is head:
            part.append(f'<div class="nav"><a href="/">{esc(text)}</a></div>')
        elif part is article:
            part.append(f'<div class="aside"><a href="/x">{esc(text)}</a></div>')
        else:
            part.append(f'<li><a href="/y">{esc(text)}</a></li>')
    if in_list:
        part.append("</ul>")
    return (
        f'<!doctype html><html lang="{page.lang}"><head><meta charset="utf-8">'
        f"<title>{esc(page.title)} | {esc(style.name)}</title></head><body>"
        f"<header><nav>{''.join(head)}</nav></header><main><article>{''.join(article)}"
        f"</article></main><aside><ul>{''.join(tail)}</ul></aside><footer>{esc(style.name)}"
        "</footer></body></html>\n"
    )


def build(
    data: Path, out: Path, per_style: int = 30, html_per_style: int = 12, seed: int = 7
) -> int:
    """Write the corpus into out/<style>/; returns the number of pages written."""
    articles = load_articles(data)
    written = 0
    for index, (name, style) in enumerate(STYLES.items()):
        rng = random.Random(f"{seed}-{name}")  # a style's pages stay the same as styles are added
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        start = (index * 37) % len(articles)
        for n in range(per_style + html_per_style):
            article = articles[(start + n) % len(articles)]
            others = [a for a in articles if a is not article]
            lang = LANGS[n % 3]
            page = make_page(rng, style, article, others, lang)
            is_html = n >= per_style
            stem = f"{name}-{n:03d}.{lang}"
            body = render_html(page, style) if is_html else render_text(page, style)
            path = folder / (stem + (".html" if is_html else ".txt"))
            path.write_text(body, encoding="utf-8")
            truth = {
                "file": path.name,
                "style": name,
                "lang": lang,
                "title": page.title,
                "author": page.author,
                "date": page.date,
                "story": [text for role, text in page.lines if role in ("story", "li")],
                "chrome": [text for role, text in page.lines if role in ("chrome", "byline")],
            }
            (folder / (stem + ".truth.json")).write_text(
                json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8"
            )
            written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--per-style", type=int, default=30, help="text dumps per style")
    parser.add_argument("--html-per-style", type=int, default=12)
    args = parser.parse_args()
    if not (args.data / "flores200_devtest.metadata.tsv").exists():
        sys.exit(f"no FLORES data in {args.data} (a fresh clone has none): pass --data DIR")
    print(f"{build(args.data, args.out, args.per_style, args.html_per_style)} pages in {args.out}")


if __name__ == "__main__":
    main()
