"""Turn a RawArticle into an Article: detect languages top-down, then split sentences.

The article's label is a prior for its paragraphs and a paragraph's for its sentences; the detector
uses a prior only to settle short or ambiguous text, so a Russian quote in a Ukrainian story keeps
its own label.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pipeline.detect import Detection, detect, detect_lines, detect_many
from pipeline.domain import LANGS, Article, Paragraph, RawArticle, Sentence
from pipeline.segment import split_sentences


def analyze(raw: RawArticle) -> Article:
    body = "\n".join([raw.title, *(block.text for block in raw.blocks)])
    hint = Detection(raw.lang_hint, 0.5) if raw.lang_hint in LANGS else None
    article_label = detect(body, prior=hint)
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
        paragraphs=_paragraphs(raw, article_label),
        content_hash=raw.content_hash,
        dropped=raw.dropped,
        translation_of=raw.translation_of,
        warnings=raw.warnings,
    )


def _paragraphs(raw: RawArticle, article_label: Detection) -> tuple[Paragraph, ...]:
    """Paragraphs under the article's label, then sentences under their paragraph's: one
    detector call per level, so lingua sees the whole article at once (and runs in parallel)."""
    blocks = [(0, "title", raw.title)]
    blocks += [(i, block.kind, block.text) for i, block in enumerate(raw.blocks, start=1)]
    labels = detect_many([text for _, _, text in blocks], prior=article_label)
    splits: list[list[str]] = []
    for (index, _, text), label in zip(blocks, labels, strict=True):
        parts = (
            split_sentences(text, _split_lang(label.label, article_label.label)) if index else []
        )
        splits.append(parts or [text])
    pending = [
        (b, sentence) for b, parts in enumerate(splits) if len(parts) > 1 for sentence in parts
    ]
    found = detect_many([s for _, s in pending], priors=[labels[b] for b, _ in pending])
    sentence_labels: dict[int, list[Detection]] = {}
    for (b, _), label in zip(pending, found, strict=True):
        sentence_labels.setdefault(b, []).append(label)
    paragraphs = []
    for b, ((index, kind, text), label) in enumerate(zip(blocks, labels, strict=True)):
        per_sentence = sentence_labels.get(b, [label])
        sentences = tuple(
            Sentence(number, sentence, each.label, each.confidence)
            for number, (sentence, each) in enumerate(zip(splits[b], per_sentence, strict=True))
        )
        paragraphs.append(Paragraph(index, kind, text, label.label, label.confidence, sentences))
    return tuple(paragraphs)


def _split_lang(label: str, fallback: str) -> str:
    return label if label in LANGS else fallback


def label_text(text: str) -> dict[str, Any]:
    """Labels for a whole text, each blank-line separated paragraph and each sentence."""
    whole = detect(text)
    paragraphs = []
    for block in (b.strip() for b in text.split("\n\n")):
        if not block:
            continue
        found = detect(block, prior=whole)
        sentences = [
            {"text": s, **_as_dict(detect(s, prior=found))}
            for s in split_sentences(block, _split_lang(found.label, whole.label))
        ]
        paragraphs.append({"text": block, **_as_dict(found), "sentences": sentences})
    return {**_as_dict(whole), "paragraphs": paragraphs}


def label_lines(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """One label per line, in order; lines are labelled in batches, so thousands are quick."""
    pending = list(lines)
    for line, found in zip(pending, detect_lines(pending), strict=True):
        yield {"text": line, **_as_dict(found)}


def _as_dict(found: Detection) -> dict[str, Any]:
    return {"label": found.label, "confidence": round(found.confidence, 4)}


def article_record(article: Article) -> dict[str, Any]:
    """An article as plain JSON-ready data: metadata, paragraphs, sentences and their labels."""
    return {
        "id": article.id,
        "source_path": article.source_path,
        "format": article.format,
        "title": article.title,
        "author": article.author,
        "date": article.date,
        "url": article.url,
        "lang": article.lang,
        "confidence": round(article.confidence, 4),
        "dropped": list(article.dropped),
        "warnings": list(article.warnings),
        "paragraphs": [
            {
                "index": p.index,
                "kind": p.kind,
                "lang": p.lang,
                "confidence": round(p.confidence, 4),
                "sentences": [
                    {
                        "index": s.index,
                        "text": s.text,
                        "lang": s.lang,
                        "confidence": round(s.confidence, 4),
                    }
                    for s in p.sentences
                ],
            }
            for p in article.paragraphs
        ],
    }
