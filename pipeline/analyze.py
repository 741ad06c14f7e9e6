"""Turn a RawArticle into an Article: detect languages top-down, then split sentences.

The article's label is a prior for its paragraphs and a paragraph's for its sentences; the detector
uses a prior only to settle short or ambiguous text, so a Russian quote in a Ukrainian story keeps
its own label.
"""

from __future__ import annotations

from pipeline.detect import Detection, detect
from pipeline.domain import LANGS, Article, Paragraph, RawArticle, Sentence
from pipeline.segment import split_sentences


def analyze(raw: RawArticle) -> Article:
    body = "\n".join([raw.title, *(block.text for block in raw.blocks)])
    hint = Detection(raw.lang_hint, 0.5) if raw.lang_hint in LANGS else None
    article_label = detect(body, prior=hint)
    paragraphs = [_paragraph(0, "title", raw.title, article_label, split=False)]
    paragraphs += [
        _paragraph(index, block.kind, block.text, article_label)
        for index, block in enumerate(raw.blocks, start=1)
    ]
    return Article(
        id=raw.article_id,
        key=raw.key,
        source_path=raw.source_path,
        format=raw.format,
        title=raw.title,
        author=raw.author,
        date=raw.date,
        url=raw.url,
        lang=article_label.label,
        confidence=article_label.confidence,
        paragraphs=tuple(paragraphs),
        content_hash=raw.content_hash,
        dropped=raw.dropped,
    )


def _paragraph(index: int, kind: str, text: str, prior: Detection, *, split: bool = True) -> Paragraph:
    label = detect(text, prior=prior)
    parts = split_sentences(text, _split_lang(label.label, prior.label)) if split else [text]
    sentences = []
    for number, sentence in enumerate(parts or [text]):
        sentence_label = detect(sentence, prior=label) if len(parts) > 1 else label
        sentences.append(
            Sentence(number, sentence, sentence_label.label, sentence_label.confidence)
        )
    return Paragraph(index, kind, text, label.label, label.confidence, tuple(sentences))


def _split_lang(label: str, fallback: str) -> str:
    return label if label in LANGS else fallback
