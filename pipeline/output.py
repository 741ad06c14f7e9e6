"""Side-by-side files of one article: `<slug>/uk.md`, `ru.md`, `en.md` and `aligned.jsonl`."""

from __future__ import annotations

import os
from itertools import groupby
from pathlib import Path

from pipeline.domain import LANGS, PipelineError, Version
from pipeline.store import Store, StoredArticle
from pipeline.textformat import escape_markdown, json_line
from pipeline.verbatim import TABLE_KINDS, place_cells


def safe_child(root: Path, *parts: str) -> Path:
    """root/parts, refusing anything that would resolve outside root."""
    base = root.resolve()
    target = base.joinpath(*parts).resolve()
    if target != base and base not in target.parents:
        raise PipelineError(f"{target}: refusing to write outside {base}")
    return target


def write_if_changed(path: Path, data: bytes | str) -> bool:
    """Write atomically; return False when the file already held exactly these bytes."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


def write_article_files(store: Store, stored: StoredArticle, out_dir: Path) -> list[Path]:
    folder = safe_child(out_dir, stored.slug)
    current = {lang: store.current_versions(stored, lang) for lang in LANGS}
    written = []
    for lang in LANGS:
        path = folder / f"{lang}.md"
        write_if_changed(path, render_markdown(stored, current[lang]))
        written.append(path)
    path = folder / "aligned.jsonl"
    write_if_changed(path, render_aligned(stored, current))
    written.append(path)
    return written


def render_markdown(stored: StoredArticle, versions: dict[int, Version]) -> str:
    """One language's text; a segment with no version yet is shown in its source text.
    Rendered by kind as the published Markdown is (pipeline.publish.markdown)."""
    from pipeline.publish.markdown import markdown_body

    title: list[str] = []
    body: list[tuple[str, list[str]]] = []
    for _, group in groupby(stored.segments, key=lambda s: s.para_index):
        sentences = list(group)
        texts = [versions[s.id].text if s.id in versions else s.text for s in sentences]
        if sentences[0].kind in TABLE_KINDS:
            texts = list(place_cells(zip((s.sent_index for s in sentences), texts, strict=True)))
        else:  # empty: merged into another sentence's text by an edition (pipeline.alignjob)
            texts = [text for text in texts if text]
            if not texts:
                continue
        if sentences[0].kind == "title":
            title.append(" ".join(texts))
        else:
            body.append((sentences[0].kind, texts))
    lines = [f"# {escape_markdown(text)}" for text in title] + ([""] if title else [])
    lines += markdown_body(body, loose_lists=True)
    return "\n".join(lines).rstrip("\n") + "\n"


def render_aligned(stored: StoredArticle, current: dict[str, dict[int, Version]]) -> str:
    lines = []
    for segment in stored.segments:
        record: dict[str, object] = {
            "article": stored.id,
            "key": segment.key,
            "para": segment.para_number,
            "sent": segment.sent_number,
            "kind": segment.kind,
            "source_lang": segment.lang,
        }
        for lang in LANGS:
            version = current[lang].get(segment.id or -1)
            record[lang] = None if version is None else _version_record(version)
        lines.append(json_line(record))
    return "\n".join(lines) + "\n"


def _version_record(version: Version) -> dict[str, object]:
    record: dict[str, object] = {"text": version.text, "origin": version.origin}
    if version.signature is not None:
        record["model"] = version.signature.public_model  # a local folder's path is private
        record["revision"] = version.signature.revision
        record["route"] = version.signature.route
    if version.flags:
        record["flags"] = list(version.flags)
    return record
