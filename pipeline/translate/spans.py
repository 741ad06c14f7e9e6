"""Translating sentences whose words are in more than one language, span by span.

A sentence that quotes another language ("Раніше той заявив: «Мы не собираемся отводить
войска.»") comes with its language spans (pipeline.detect.spans). Each span is translated from its
own language by its own route (kept as written where it is already in the target language), and
the spans are joined back in place with the text between them (quote marks, colons, dashes) as
written, so the sentence stays one segment and no edition prints another language's words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from pipeline.translate.base import Translation, Translator, least_sure

__all__ = ["SpanRoute", "translate_with_spans"]

# (start, end, language) of one span: text[start:end] is in that language.
SpanRoute = tuple[int, int, str]


def translate_with_spans(
    translator: Translator,
    texts: Sequence[str],
    source: str,
    target: str,
    spans: Sequence[Sequence[SpanRoute] | None],
) -> list[Translation]:
    """Translate texts from source into target; a text with spans is translated span by span
    (each from its own language) and joined. Raises ValueError when spans and
    texts differ in length.

    The joined result carries the signature of its first machine-translated span (None when
    every span was kept as written), the union of the spans' flags, their splits summed, and
    from_memory only when every translated span came from the memory.
    """
    if len(spans) != len(texts):
        raise ValueError("spans must give one entry per text")
    mixed = {i: tuple(each) for i, each in enumerate(spans) if each}
    results: list[Translation | None] = [None] * len(texts)
    plain = [i for i in range(len(texts)) if i not in mixed]
    if plain:
        done = translator.translate([texts[i] for i in plain], source, target)
        for i, result in zip(plain, done, strict=True):
            results[i] = result
    by_lang: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for i, each in mixed.items():
        for k, (_, _, lang) in enumerate(each):
            by_lang[lang].append((i, k))
    pieces: dict[tuple[int, int], Translation] = {}
    for lang, members in by_lang.items():
        sources = [texts[i][mixed[i][k][0] : mixed[i][k][1]] for i, k in members]
        for key, result in zip(members, translator.translate(sources, lang, target), strict=True):
            pieces[key] = result
    for i, each in mixed.items():
        results[i] = _join(texts[i], each, [pieces[(i, k)] for k in range(len(each))])
    return [r for r in results if r is not None]


def _join(text: str, spans: Sequence[SpanRoute], parts: Sequence[Translation]) -> Translation:
    out: list[str] = []
    at = 0
    for (start, end, _), part in zip(spans, parts, strict=True):
        out.append(text[at:start])
        out.append(part.text)
        at = end
    out.append(text[at:])
    machine = [p for p in parts if p.signature is not None]
    flags = tuple(dict.fromkeys(flag for p in parts for flag in p.flags))
    return Translation(
        text="".join(out),
        signature=machine[0].signature if machine else None,
        flags=flags,
        splits=sum(p.splits for p in parts),
        from_memory=bool(machine) and all(p.from_memory for p in machine),
        score=least_sure(p.score for p in machine),
    )
