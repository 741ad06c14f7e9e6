"""TMX 1.4b: one translation unit per aligned segment with a variant per published language."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence

from pipeline import __version__
from pipeline.domain import LANGS
from pipeline.publish.collect import ArticleVersions, clean, iso_time
from pipeline.verbatim import VERBATIM_KINDS

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def render_tmx(articles: Sequence[ArticleVersions]) -> bytes:
    """Articles with at least two published languages; a unit holds each one's text."""
    root, body = _document()
    for article in articles:
        langs = [lang for lang in LANGS if lang in article.published]
        if len(langs) < 2:
            continue
        stored = article.stored
        for index, segment in enumerate(stored.segments):
            if segment.kind in VERBATIM_KINDS:  # code is copied, not translated: no TM unit
                continue
            tu = ET.SubElement(
                body,
                "tu",
                {
                    "tuid": f"{stored.id}-{segment.key}",
                    "srclang": segment.lang if segment.lang in LANGS else stored.lang,
                },
            )
            ET.SubElement(tu, "prop", {"type": "x-article"}).text = stored.id
            ET.SubElement(tu, "prop", {"type": "x-kind"}).text = segment.kind
            for lang in langs:
                item = article.aligned(lang, index)
                if item is None or not item.text:  # merged into another sentence's text
                    continue
                attrs = {_XML_LANG: lang}
                changed = _tmx_time(item.created)
                if changed:
                    attrs["changedate"] = changed
                tuv = ET.SubElement(tu, "tuv", attrs)
                ET.SubElement(tuv, "prop", {"type": "x-state"}).text = item.state
                if item.origin == "machine" and item.model_id:
                    ET.SubElement(tuv, "prop", {"type": "x-model"}).text = item.model_id
                ET.SubElement(tuv, "seg").text = clean(item.text)
    return _serialised(root)


def _document() -> tuple[ET.Element, ET.Element]:
    """A TMX 1.4 root with the project's header, and its empty body."""
    root = ET.Element("tmx", {"version": "1.4"})
    ET.SubElement(
        root,
        "header",
        {
            "creationtool": "pipeline",
            "creationtoolversion": __version__,
            "segtype": "sentence",
            "o-tmf": "pipeline",
            "adminlang": "en",
            "srclang": "*all*",
            "datatype": "plaintext",
        },
    )
    return root, ET.SubElement(root, "body")


def _serialised(root: ET.Element) -> bytes:
    ET.indent(root, space=" ")
    text = ET.tostring(root, encoding="unicode")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n' + text + "\n"
    ).encode("utf-8")


def _tmx_time(value: str | None) -> str | None:
    """TMX dates are YYYYMMDDThhmmssZ."""
    moment = iso_time(value)
    return moment.replace("-", "").replace(":", "") if moment else None


def render_unit_tmx(
    units: Sequence[tuple[str, str, float, Mapping[str, Sequence[str]]]],
) -> bytes:
    """TMX 1.4b of alignment units (story id, kind, confidence, language -> sentences): one
    `tu` a unit, a `tuv` per language with sentences (joined by spaces); the newsroom's own
    parallel corpus from its human editions (`pipeline align --tmx`)."""
    root, body = _document()
    for number, (story, kind, confidence, texts) in enumerate(units, start=1):
        tu = ET.SubElement(body, "tu", {"tuid": f"{story}-u{number}"})
        ET.SubElement(tu, "prop", {"type": "x-article"}).text = story
        ET.SubElement(tu, "prop", {"type": "x-alignment"}).text = kind
        ET.SubElement(tu, "prop", {"type": "x-confidence"}).text = f"{confidence:.3f}"
        for lang in LANGS:
            sentences = texts.get(lang, ())
            if not sentences:
                continue
            tuv = ET.SubElement(tu, "tuv", {_XML_LANG: lang})
            ET.SubElement(tuv, "prop", {"type": "x-origin"}).text = "human"
            ET.SubElement(tuv, "seg").text = clean(" ".join(sentences))
    return _serialised(root)
