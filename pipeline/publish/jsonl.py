"""JSON Lines: one record per article with its published languages and the sentence alignment."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipeline.publish.collect import ArticleVersions
from pipeline.textformat import json_line


def render_jsonl(articles: Sequence[ArticleVersions]) -> bytes:
    lines = [json_line(record(a)) for a in articles if a.published]
    return "".join(line + "\n" for line in lines).encode("utf-8")


def record(article: ArticleVersions) -> dict[str, Any]:
    stored = article.stored
    languages: dict[str, Any] = {}
    for lang in article.published:
        version = article.langs[lang]
        languages[lang] = {
            "state": version.state,
            "origin": version.origin,
            "machine_translated": version.machine_translated,
            "models": list(version.models),
            "updated": article.updated(lang),
            "title": article.title(lang),
            "paragraphs": [
                {"index": index + 1, "kind": kind, "text": text}  # counted as in keys
                for index, kind, text in version.paragraphs()
            ],
        }
    segments = []
    for index, segment in enumerate(stored.segments):
        entry: dict[str, Any] = {
            "key": segment.key,
            "para": segment.para_number,
            "sent": segment.sent_number,
            "kind": segment.kind,
            "lang": segment.lang,
            "text": {},
            "state": {},
            "origin": {},
        }
        for lang in article.published:
            item = article.aligned(lang, index)
            if item is not None:
                entry["text"][lang] = item.text
                entry["state"][lang] = item.state
                entry["origin"][lang] = item.origin
        segments.append(entry)
    return {
        "id": stored.id,
        "slug": article.slug,
        "revision": stored.revision,
        "title": stored.title,
        "author": stored.author,
        "date": stored.date,
        "url": stored.url,
        "lang": stored.lang,
        "published": list(article.published),
        "languages": languages,
        "segments": segments,
    }
