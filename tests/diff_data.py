"""Hand-built articles with machine and human versions for the diff view tests."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from pipeline.domain import Article, Paragraph, Sentence, Signature, Version
from pipeline.store import Store

TC_BIG_EN = Signature(
    model_id="Helsinki-NLP/opus-mt-tc-big-zle-en", revision=None, decoding="{}", route="uk>en"
)
UK_EN = Signature(
    model_id="Helsinki-NLP/opus-mt-uk-en", revision=None, decoding="{}", route="uk>en"
)
UK_RU = Signature(
    model_id="Helsinki-NLP/opus-mt-uk-ru", revision=None, decoding="{}", route="uk>ru"
)

XSS_TEXT = (
    'Коментар: <script>window.__pwned=1</script> і <img src=x onerror="window.__pwned=1">'
    ' "лапки" & амперсанд.'
)
XSS_EN = (
    'Comment: <script>window.__pwned=1</script> and <img src=x onerror="window.__pwned=1">'
    ' "quotes" & ampersand.'
)

BUDGET = {
    "key": "https://news.example/budget",
    "title": "Київ ухвалив бюджет на 2025 рік",
    "paragraphs": [
        ("title", ["Київ ухвалив бюджет на 2025 рік"]),
        (
            "p",
            [
                "Місто витратить 1 250 000 гривень на ремонт доріг.",
                "Мер пообіцяв завершити роботи до кінця року.",
            ],
        ),
        ("p", ["Ціна зросла до 2,5 млн гривень.", XSS_TEXT]),
    ],
}
# (paragraph, sentence) -> text, per language and provenance
BUDGET_EN_MACHINE = {
    (0, 0): "Kyiv adopted the budget for 2025",
    (1, 0): "The city will spend 1,250,000 hryvnias on road repairs.",
    (1, 1): "The mayor promised to finish the work by the end of the year.",
    (2, 0): "The price rose to 3.5 million hryvnias.",
    (2, 1): XSS_EN,
}
BUDGET_EN_HUMAN = {
    (1, 0): "The city will spend 1,250,000 hryvnia on repairing roads.",
    (2, 0): "The price rose to 2.5 million hryvnias.",
}
BUDGET_EN_OTHER_MODEL = {
    (1, 0): "The city will spend 1 250 000 UAH for road repair.",
}
BUDGET_RU_MACHINE = {
    (0, 0): "Киев принял бюджет на 2025 год",
    (1, 0): "Город потратит 1,25 млн гривен на ремонт дорог.",
    (1, 1): "Мэр пообещал пообещал пообещал пообещал пообещал завершить работы.",
    (2, 0): "Цена выросла до 2,5 млн гривен.",
}
RU_SPLIT = (2, 0)  # the engine cut this source in two


def article(key: str, title: str, paragraphs: Sequence[tuple[str, Sequence[str]]]) -> Article:
    built = tuple(
        Paragraph(
            index=p,
            kind=kind,
            text=" ".join(sentences),
            lang="uk",
            confidence=0.99,
            sentences=tuple(Sentence(s, text, "uk", 0.99) for s, text in enumerate(sentences)),
        )
        for p, (kind, sentences) in enumerate(paragraphs)
    )
    digest = hashlib.sha256(repr((key, title, paragraphs)).encode()).hexdigest()
    return Article(
        id=hashlib.sha1(key.encode()).hexdigest()[:12],
        key=key,
        source_path=f"/news/{hashlib.sha1(key.encode()).hexdigest()[:6]}.txt",
        format="txt",
        title=title,
        author=None,
        date="2025-01-15",
        url=key,
        lang="uk",
        confidence=0.99,
        paragraphs=built,
        content_hash=digest,
    )


def add(
    store: Store,
    article_id: str,
    lang: str,
    texts: dict[tuple[int, int], str],
    *,
    origin: str,
    signature: Signature | None = None,
    flags: dict[tuple[int, int], tuple[str, ...]] | None = None,
) -> None:
    stored = store.article(article_id)
    by_position = {(s.para_index, s.sent_index): s.id for s in stored.segments}
    versions = []
    for position, text in texts.items():
        segment_id = by_position[position]
        assert segment_id is not None
        versions.append(
            Version(
                segment_id=segment_id,
                lang=lang,
                text=text,
                origin=origin,
                state="machine" if origin == "machine" else "edited",
                signature=signature,
                flags=(flags or {}).get(position, ()),
            )
        )
    store.add_versions(versions)


def budget_store(path: Path) -> tuple[Store, str]:
    """The budget article with en (machine, a second model, human edits) and ru (machine)."""
    store = Store(path)
    art = article(BUDGET["key"], BUDGET["title"], BUDGET["paragraphs"])  # type: ignore[arg-type]
    store.save_article(art)
    add(store, art.id, "en", BUDGET_EN_MACHINE, origin="machine", signature=TC_BIG_EN)
    add(store, art.id, "en", BUDGET_EN_OTHER_MODEL, origin="machine", signature=UK_EN)
    add(store, art.id, "en", BUDGET_EN_HUMAN, origin="human")
    add(
        store,
        art.id,
        "ru",
        BUDGET_RU_MACHINE,
        origin="machine",
        signature=UK_RU,
        flags={RU_SPLIT: ("split:2",)},
    )
    return store, art.id


def small_article(store: Store, key: str, title: str, en: dict[tuple[int, int], str]) -> str:
    """A two-sentence article with the given English machine versions."""
    art = article(key, title, [("p", ["Сьогодні 12 учнів склали іспит.", "Погода була сонячна."])])
    store.save_article(art)
    add(store, art.id, "en", en, origin="machine", signature=TC_BIG_EN)
    return art.id
