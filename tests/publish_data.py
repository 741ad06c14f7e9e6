"""A hand-built Ukrainian article with a Russian quote and machine versions, for publish tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.domain import Article, Paragraph, Sentence, Signature, Version
from pipeline.store import Store

FIXED_NOW = "2026-03-12T09:30:00+00:00"
MACHINE_TIME = "2026-03-12T10:00:00+00:00"
ARTICLE_ID = "a1b2c3d4e5f6"
OTHER_ID = "0f9e8d7c6b5a"

UK_EN = Signature(
    model_id="Helsinki-NLP/opus-mt-uk-en", revision=None, decoding="{}", route="uk>en"
)
UK_RU = Signature(
    model_id="Helsinki-NLP/opus-mt-uk-ru", revision=None, decoding="{}", route="uk>ru"
)
RU_UK = Signature(
    model_id="Helsinki-NLP/opus-mt-ru-uk", revision=None, decoding="{}", route="ru>uk"
)
RU_EN = Signature(
    model_id="Helsinki-NLP/opus-mt-ru-en", revision=None, decoding="{}", route="ru>en"
)

XSS_UK = 'Коментар: <script>alert(1)</script> і <img src=x onerror="alert(2)"> "лапки" & знак.'
XSS_RU = 'Комментарий: <script>alert(1)</script> и <img src=x onerror="alert(2)"> "кавычки" & знак.'
XSS_EN = 'Comment: <script>alert(1)</script> and <img src=x onerror="alert(2)"> "quotes" & sign.'

# (para, kind, [(sentence lang, uk, ru, en)])
ROWS: list[tuple[int, str, list[tuple[str, str, str, str]]]] = [
    (0, "title", [("uk", "Київ ухвалив бюджет", "Киев принял бюджет", "Kyiv passes budget")]),
    (
        1,
        "p",
        [
            (
                "uk",
                "Міська рада ухвалила бюджет.",
                "Городской совет принял бюджет.",
                "The city council passed the budget.",
            ),
            ("uk", XSS_UK, XSS_RU, XSS_EN),
        ],
    ),
    (
        2,
        "quote",
        [
            (
                "ru",
                "«Це важливо», — сказав він.",
                "«Это важно», — сказал он.",
                "“This matters,” he said.",
            )
        ],
    ),
    (3, "h", [("uk", "Що далі", "Что дальше", "What next")]),
    (4, "li", [("uk", "Школи.", "Школы.", "Schools.")]),
    (5, "li", [("uk", "Лікарні.", "Больницы.", "Hospitals.")]),
]


def budget_article(
    article_id: str = ARTICLE_ID, *, title: str = "Київ ухвалив бюджет", date: str = "2026-03-12"
) -> Article:
    paragraphs = []
    for index, kind, sentences in ROWS:
        texts = [title if kind == "title" else s[1] if s[0] == "uk" else s[2] for s in sentences]
        paragraphs.append(
            Paragraph(
                index,
                kind,
                " ".join(texts),
                sentences[0][0],
                0.9,
                tuple(
                    Sentence(n, text, s[0], 0.9)
                    for n, (s, text) in enumerate(zip(sentences, texts, strict=True))
                ),
            )
        )
    return Article(
        id=article_id,
        key=f"https://news.example/{article_id}",
        source_path=f"/news/{article_id}.txt",
        format="txt",
        title=title,
        author="Олена Петренко",
        date=date,
        url=f"https://news.example/{article_id}",
        lang="uk",
        confidence=0.97,
        paragraphs=tuple(paragraphs),
        content_hash=f"hash-{article_id}-{title}",
    )


def add_machine(
    store: Store,
    article_id: str = ARTICLE_ID,
    *,
    langs: tuple[str, ...] = ("ru", "en"),
    quote_to_uk: bool = True,
) -> None:
    """Machine versions for every segment lacking one in langs (and the quote into Ukrainian)."""
    stored = store.article(article_id)
    versions = []
    texts = {(p, n): s for p, _, sentences in ROWS for n, s in enumerate(sentences)}
    for segment in stored.segments:
        assert segment.id is not None
        lang_src, uk, ru, en = texts[(segment.para_index, segment.sent_index)]
        targets = {"ru": ru, "en": en, "uk": uk}
        wanted = [lang for lang in langs if lang != segment.lang]
        if quote_to_uk and segment.lang == "ru":
            wanted.append("uk")
        for lang in wanted:
            signature = {
                ("uk", "en"): UK_EN,
                ("uk", "ru"): UK_RU,
                ("ru", "uk"): RU_UK,
                ("ru", "en"): RU_EN,
            }[(lang_src, lang)]
            versions.append(
                Version(
                    segment_id=segment.id,
                    lang=lang,
                    text=targets[lang],
                    origin="machine",
                    state="machine",
                    signature=signature,
                    created=MACHINE_TIME,
                )
            )
    store.add_versions(versions)


def pin_store_clock(monkeypatch: pytest.MonkeyPatch) -> str:
    """Store timestamps pinned so exports are byte-for-byte reproducible."""
    monkeypatch.setattr("pipeline.store.now", lambda: FIXED_NOW)
    return FIXED_NOW


def make_store(path: Path, *, quote_to_uk: bool = True) -> Store:
    store = Store(path)
    store.save_article(budget_article())
    add_machine(store, quote_to_uk=quote_to_uk)
    return store
