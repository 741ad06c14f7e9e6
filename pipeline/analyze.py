"""Turn a RawArticle into an Article: detect languages top-down, then split sentences.

The record's declared language (a JSON record's "lang", a page's <html lang>, front matter) is a
prior for the article's label; where the two agree the article's label is held firmly. The
article's label is a prior for its paragraphs and a paragraph's for its sentences; the detector
uses a prior only to settle short or ambiguous text and to demand more evidence before calling
text another language, so a Russian quote in a Ukrainian story keeps its own label.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pipeline.detect import (
    Detection,
    detect,
    detect_lines,
    detect_many,
    detect_spans_many,
    mixed_label,
)
from pipeline.domain import LANGS, Article, Paragraph, RawArticle, Sentence, segment_key
from pipeline.ingest import IngestOptions
from pipeline.ingest.files import decode_bytes, read_bytes
from pipeline.segment import split_sentences
from pipeline.verbatim import VERBATIM_KINDS

# How firmly a declared language that the text bears out holds for the article's paragraphs.
_DECLARED_AND_DETECTED = 0.99


def analyze(raw: RawArticle) -> Article:
    # Code says nothing about the story's language.
    prose = (block.text for block in raw.blocks if block.kind not in VERBATIM_KINDS)
    body = "\n".join([raw.title, *prose])
    declared = Detection(raw.lang_hint, 0.9) if raw.lang_hint in LANGS else None
    article_label = detect(body, prior=declared)
    if declared is not None and declared.label == article_label.label:
        article_label = Detection(
            article_label.label, max(article_label.confidence, _DECLARED_AND_DETECTED)
        )
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
        warnings=raw.notes,
    )


def _paragraphs(raw: RawArticle, article_label: Detection) -> tuple[Paragraph, ...]:
    """Paragraphs under the article's label, then sentences under their paragraph's: one
    detector call per level, so lingua sees the whole article at once (and runs in parallel)."""
    blocks = [(0, "title", raw.title)]
    blocks += [(i, block.kind, block.text) for i, block in enumerate(raw.blocks, start=1)]
    cells = {i: block.cells for i, block in enumerate(raw.blocks, start=1) if block.cells}
    # A code block is one segment in the article's language (so it is copied, not translated).
    code = {i for i, kind, _ in blocks if kind in VERBATIM_KINDS}
    detected = iter(
        detect_many([text for i, _, text in blocks if i not in code], prior=article_label)
    )
    labels = [
        Detection(article_label.label, 1.0) if i in code else next(detected) for i, _, _ in blocks
    ]
    splits: list[list[str]] = []
    columns: dict[int, list[int]] = {}  # a table row's sentence number -> its cell's column
    for b, ((index, _, text), label) in enumerate(zip(blocks, labels, strict=True)):
        if index in cells:  # a table row: one segment per non-empty cell, each kept whole
            filled = [(column, cell) for column, cell in enumerate(cells[index]) if cell]
            columns[b] = [column for column, _ in filled]
            splits.append([cell for _, cell in filled])
            continue
        parts = (
            split_sentences(text, _split_lang(label.label, article_label.label))
            if index and index not in code
            else []
        )
        splits.append(parts or [text])
    pending = [
        (b, sentence) for b, parts in enumerate(splits) if len(parts) > 1 for sentence in parts
    ]
    priors = [labels[b] if labels[b].label in LANGS else article_label for b, _ in pending]
    found = detect_many([s for _, s in pending], priors=priors)
    sentence_labels: dict[int, list[Detection]] = {}
    for (b, _), label in zip(pending, found, strict=True):
        sentence_labels.setdefault(b, []).append(label)
    paragraphs = []
    for b, ((index, kind, text), label) in enumerate(zip(blocks, labels, strict=True)):
        per_sentence = _with_mixed(splits[b], sentence_labels.get(b, [label]))
        numbers = columns.get(b) or list(range(len(splits[b])))
        sentences = tuple(
            Sentence(number, sentence, each.label, each.confidence)
            for number, sentence, each in zip(numbers, splits[b], per_sentence, strict=True)
        )
        paragraphs.append(Paragraph(index, kind, text, label.label, label.confidence, sentences))
    return tuple(paragraphs)


def _with_mixed(sentences: list[str], labels: list[Detection]) -> list[Detection]:
    """Labels with those of sentences in two or more languages replaced by their spans'
    languages ("uk+ru"): such a sentence is translated span by span into every edition."""
    spans = detect_spans_many(sentences, [each.label for each in labels])
    out = []
    for each, found in zip(labels, spans, strict=True):
        mixed = mixed_label(found)
        out.append(each if mixed is None else Detection(mixed, min(s.confidence for s in found)))
    return out


def _split_lang(label: str, fallback: str) -> str:
    return label if label in LANGS else fallback


def read_text(source: str, options: IngestOptions | None = None) -> str:
    """A text file's text, read the way ingest reads it (size limit, encoding detection);
    "-" reads standard input. Raises IngestError (one line naming the file and the fix)."""
    import sys

    options = options or IngestOptions()
    if source == "-":
        data = sys.stdin.buffer.read(options.max_bytes + 1)
        return decode_bytes(Path("<stdin>"), data)[0] if data.strip() else ""
    return decode_bytes(Path(source), read_bytes(Path(source), options))[0]


def label_text(text: str) -> dict[str, Any]:
    """Labels for a whole text, each blank-line separated paragraph and each sentence; a
    sentence that quotes another language also lists its language spans."""
    whole = detect(text)
    paragraphs = []
    for block in (b.strip() for b in text.split("\n\n")):
        if not block:
            continue
        found = detect(block, prior=whole)
        parts = split_sentences(block, _split_lang(found.label, whole.label))
        prior = found if found.label in LANGS else whole
        labels = _with_mixed(parts, detect_many(parts, prior=prior))
        spans = sentence_spans(parts, [each.label for each in labels])
        sentences = [
            {"text": s, **_as_dict(each), **({"spans": sp} if sp else {})}
            for s, each, sp in zip(parts, labels, spans, strict=True)
        ]
        paragraphs.append({"text": block, **_as_dict(found), "sentences": sentences})
    return {**_as_dict(whole), "paragraphs": paragraphs}


def sentence_spans(texts: list[str], labels: list[str]) -> list[list[dict[str, Any]]]:
    """For each sentence, its language spans when it has words in two or more languages
    ({"start", "end", "text", "label"}; offsets in characters), else []."""
    out: list[list[dict[str, Any]]] = []
    for text, spans in zip(texts, detect_spans_many(texts, labels), strict=True):
        if len({s.label for s in spans}) < 2:
            out.append([])
            continue
        out.append(
            [
                {"start": s.start, "end": s.end, "text": text[s.start : s.end], "label": s.label}
                for s in spans
            ]
        )
    return out


def label_lines(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """One label per line, in order; lines are labelled in batches, so thousands are quick."""
    pending = list(lines)
    for line, found in zip(pending, detect_lines(pending), strict=True):
        yield {"text": line, **_as_dict(found)}


def _as_dict(found: Detection) -> dict[str, Any]:
    return {"label": found.label, "confidence": round(found.confidence, 4)}


def article_record(article: Article) -> dict[str, Any]:
    """An article as plain JSON-ready data: metadata, paragraphs, sentences and their labels.

    Paragraphs and sentences are numbered from 1 ("index"), as Segment.key counts them: the
    title is paragraph 1."""
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
                "index": p.index + 1,
                "kind": p.kind,
                "lang": p.lang,
                "confidence": round(p.confidence, 4),
                "sentences": [
                    {
                        "index": s.index + 1,
                        "key": segment_key(p.index, s.index),
                        "text": s.text,
                        "lang": s.lang,
                        "confidence": round(s.confidence, 4),
                        **({"spans": spans} if spans else {}),
                    }
                    for s, spans in zip(
                        p.sentences,
                        sentence_spans(
                            [s.text for s in p.sentences], [s.lang for s in p.sentences]
                        ),
                        strict=True,
                    )
                ],
            }
            for p in article.paragraphs
        ],
    }


def _spans_of(paragraph: Paragraph) -> list[list[dict[str, Any]]]:
    sentences = paragraph.sentences
    return sentence_spans([s.text for s in sentences], [s.lang for s in sentences])
