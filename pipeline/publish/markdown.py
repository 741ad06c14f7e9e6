"""Markdown with YAML front matter per article and language, laid out for Hugo."""

from __future__ import annotations

import yaml

from pipeline.publish.collect import ArticleVersions
from pipeline.textformat import escape_markdown

__all__ = ["escape_markdown", "render_markdown"]


def render_markdown(article: ArticleVersions, lang: str) -> bytes:
    stored = article.stored
    version = article.langs[lang]
    source_slug = article.slug  # every language shares the slug; Hugo links them by key
    front: dict[str, object] = {
        "title": article.title(lang),
        "date": article.date,
        "lastmod": article.updated(lang),
        "lang": lang,
        "slug": article.slug,
        "translationKey": stored.id,
        "translation_of": None if lang == stored.lang else f"{stored.lang}/{source_slug}",
        "state": version.state,
        "machine_translated": version.machine_translated,
    }
    if version.models:
        front["models"] = list(version.models)
    if stored.author:
        front["author"] = stored.author
    if stored.url:
        front["source_url"] = stored.url
    lines = ["---", yaml.safe_dump(front, allow_unicode=True, sort_keys=False).rstrip(), "---", ""]
    previous_kind = ""
    for _, kind, text in version.paragraphs():
        body = escape_markdown(text)
        if kind == "h":
            lines += [f"## {body}", ""]
        elif kind == "quote":
            lines += [f"> {body}", ""]
        elif kind == "li":
            if previous_kind == "li" and lines and lines[-1] == "":
                lines.pop()
            lines += [f"- {body}", ""]
        else:
            lines += [body, ""]
        previous_kind = kind
    return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")
