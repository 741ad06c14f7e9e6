"""XLIFF 2.0 per article and target language, for review in CAT tools, and reading it back.

One ``<unit id="p{para}-s{sent}">`` per segment. The file's srcLang is the article's language; a
segment written in another language (a Russian quote in a Ukrainian story) keeps its own text as
source and says so in a ``<note category="source-language">``, since XLIFF 2 requires every
``<source>`` to share the file's srcLang.

Unit ids are Segment.key, counted from 1 ("p1-s1" is the title). Files exported before that
used 0-based ids ("p0-s0" for the title), and still import: a file is read as 0-based when it
lacks the ``pipeline-numbering`` note that exports carry now and its ids include a 0, which every
old export does (its title is "p0-s0") and no new one can; a CAT tool that drops the note leaves
only 1-based ids, read as such.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from pipeline.domain import LANGS, PipelineError, parse_segment_key, segment_key
from pipeline.publish.collect import ArticleVersions, clean
from pipeline.verbatim import VERBATIM_KINDS

NS = "urn:oasis:names:tc:xliff:document:2.0"
NUMBERING = "from-1"  # the pipeline-numbering note of exports whose unit ids count from 1
_Q = "{" + NS + "}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# segment state per version state: XLIFF 2 knows initial, translated, reviewed, final
_XLIFF_STATE = {
    "machine": "translated",
    "stale": "translated",  # the source changed under a reviewed text: review it again
    "edited": "reviewed",
    "approved": "final",
    "source": "final",
}


class XliffError(PipelineError):
    pass


@dataclass(frozen=True, kw_only=True)
class XliffDocument:
    article_id: str
    revision: int | None
    source_lang: str
    target_lang: str
    order: tuple[str, ...]  # unit ids as Segment.key (counted from 1), whatever the file used
    targets: dict[str, str | None]
    from_zero: bool = False  # the file's own ids counted from 0 (exported before numbering)


def target_langs(article: ArticleVersions) -> list[str]:
    """Languages worth a review file: every language other than the article's with some text."""
    return [lang for lang in LANGS if lang != article.stored.lang and article.langs[lang].present]


def render_xliff(article: ArticleVersions, target: str) -> bytes:
    stored = article.stored
    version = article.current(target)
    root = ET.Element(
        "xliff", {"xmlns": NS, "version": "2.0", "srcLang": stored.lang, "trgLang": target}
    )
    file = ET.SubElement(root, "file", {"id": f"a{stored.id}", "original": article.slug})
    notes = ET.SubElement(file, "notes")
    for category, value in (
        ("pipeline-article", stored.id),
        ("pipeline-revision", str(stored.revision)),
        ("pipeline-numbering", NUMBERING),
        ("title", clean(stored.title)),
    ):
        ET.SubElement(notes, "note", {"category": category}).text = value
    for segment, item in zip(stored.segments, version.segments, strict=True):
        key = segment.key
        verbatim = segment.kind in VERBATIM_KINDS
        # Code is copied, not translated: XLIFF 2.0 says so with translate="no", and
        # xml:space="preserve" keeps its lines for the tool that reads it.
        unit = ET.SubElement(file, "unit", {"id": key, **({"translate": "no"} if verbatim else {})})
        unit_notes = [("kind", segment.kind)]
        if segment.lang != stored.lang:
            unit_notes.append(("source-language", segment.lang))
        if item is not None and item.model_id and item.origin == "machine":
            unit_notes.append(("machine-translation", item.model_id))
        notes = ET.SubElement(unit, "notes")
        for category, value in unit_notes:
            ET.SubElement(notes, "note", {"category": category}).text = value
        state = _XLIFF_STATE[item.state] if item is not None else "initial"
        seg = ET.SubElement(unit, "segment", {"id": f"{key}-1", "state": state})
        space = {_XML_SPACE: "preserve"} if verbatim else {}
        ET.SubElement(seg, "source", space).text = clean(segment.text, verbatim=verbatim)
        if item is not None:
            ET.SubElement(seg, "target", space).text = clean(item.text, verbatim=verbatim)
    ET.indent(root, space=" ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def read_xliff(path: Path) -> XliffDocument:
    """Parse an exported (and maybe edited) XLIFF file; errors name the file and the fix."""
    name = str(path)
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise XliffError(f"{name}: not readable XLIFF ({exc}); check the file") from exc
    if root.tag != _Q + "xliff" or not root.get("version", "").startswith("2."):
        raise XliffError(
            f"{name}: not an XLIFF 2 document; export with `pipeline publish --format xliff`"
        )
    source, target = root.get("srcLang", ""), root.get("trgLang", "")
    if target not in LANGS:
        raise XliffError(f"{name}: trgLang {target!r} is not one of {', '.join(LANGS)}")
    files = root.findall(_Q + "file")
    if len(files) != 1:
        raise XliffError(
            f"{name}: expected one <file>, found {len(files)}; import one article per file"
        )
    file = files[0]
    notes = {n.get("category"): (n.text or "") for n in file.findall(f"{_Q}notes/{_Q}note")}
    article_id = notes.get("pipeline-article") or (file.get("id") or "").removeprefix("a")
    if not article_id:
        raise XliffError(f"{name}: no article id in <file>; import a file pipeline exported")
    revision_text = notes.get("pipeline-revision")
    revision = int(revision_text) if revision_text and revision_text.isdigit() else None
    units = list(file.iter(_Q + "unit"))
    from_zero = _counts_from_zero(notes.get("pipeline-numbering"), units)
    order: list[str] = []
    targets: dict[str, str | None] = {}
    for unit in units:
        key = _key(unit.get("id", ""), from_zero)
        if key in targets:
            raise XliffError(f"{name}: unit {key!r} appears twice; keep unit ids unique")
        segments = unit.findall(_Q + "segment")
        texts = []
        for segment in segments:
            element = segment.find(_Q + "target")
            if element is not None:
                texts.append("".join(element.itertext()))
        order.append(key)
        targets[key] = " ".join(" ".join(texts).split()) if texts else None
    return XliffDocument(
        article_id=article_id,
        revision=revision,
        source_lang=source,
        target_lang=target,
        order=tuple(order),
        targets=targets,
        from_zero=from_zero,
    )


def _counts_from_zero(numbering: str | None, units: list[ET.Element]) -> bool:
    if numbering is not None:
        return numbering != NUMBERING
    for unit in units:
        parsed = parse_segment_key(unit.get("id", ""), from_zero=True)
        if parsed is not None and 0 in parsed:
            return True
    return False


def _key(unit_id: str, from_zero: bool) -> str:
    """A unit id as Segment.key; an id that is not a key stays as it is (reported unknown)."""
    if not from_zero:
        return unit_id
    parsed = parse_segment_key(unit_id, from_zero=True)
    return segment_key(*parsed) if parsed is not None else unit_id
