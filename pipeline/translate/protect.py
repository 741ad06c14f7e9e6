"""Verbatim spans (inline code, image references, URLs) kept out of the models' reach.

Each span of a sentence is replaced by a numbered placeholder (``[1]``, ``[2]``: bracketed
numbers, which MarianMT models copy as they copy citation marks), the masked sentence is
translated, and the spans are put back. When the output does not hold every placeholder exactly
once, the sentence is translated again as the prose pieces between its spans, each on its own,
and rebuilt around the spans in their order: the spans come back byte for byte either way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from pipeline.translate.base import Translation, least_sure
from pipeline.verbatim import split_spans

__all__ = ["translate_protected"]

TranslateFn = Callable[[Sequence[str], str, str], list[Translation]]
_PLACEHOLDER = re.compile(r"\[(\d{1,3})\]")


@dataclass(frozen=True)
class _Masked:
    text: str  # with placeholders
    spans: tuple[str, ...]
    numbers: tuple[int, ...]  # placeholder number of each span
    pieces: tuple[tuple[bool, str], ...]  # the source as (is_verbatim, part)


def _mask(text: str) -> _Masked | None:
    pieces = split_spans(text)
    if not any(verbatim for verbatim, _ in pieces):
        return None
    taken = {int(n) for n in _PLACEHOLDER.findall(text)}
    numbers: list[int] = []
    out: list[str] = []
    spans: list[str] = []
    number = 1
    for verbatim, part in pieces:
        if not verbatim:
            out.append(part)
            continue
        while number in taken:
            number += 1
        taken.add(number)
        numbers.append(number)
        spans.append(part)
        out.append(f"[{number}]")
    return _Masked("".join(out), tuple(spans), tuple(numbers), tuple(pieces))


def _unmask(masked: _Masked, output: str) -> str | None:
    """The output with its placeholders replaced by the spans; None if any is lost or doubled."""
    for number in masked.numbers:
        if output.count(f"[{number}]") != 1:
            return None
    by_number = dict(zip(masked.numbers, masked.spans, strict=True))
    return _PLACEHOLDER.sub(lambda m: by_number.get(int(m.group(1)), m.group()), output)


def translate_protected(
    translate: TranslateFn, texts: Sequence[str], source: str, target: str
) -> list[Translation]:
    """``translate(texts, source, target)`` with every text's verbatim spans kept intact.

    Results keep the order of ``texts``; a text without spans is translated as it is.
    """
    masks = [_mask(text) for text in texts]
    first = translate(
        [m.text if m else t for m, t in zip(masks, texts, strict=True)], source, target
    )
    results: list[Translation] = []
    retry: dict[int, _Masked] = {}
    for i, (masked, made) in enumerate(zip(masks, first, strict=True)):
        restored = _unmask(masked, made.text) if masked and made.signature is not None else None
        if masked is None:
            results.append(made)
        elif made.signature is None:  # copied (no letters, other language): the source as is
            results.append(_replace_text(made, texts[i]))
        elif restored is not None:
            results.append(_replace_text(made, restored))
        else:
            retry[i] = masked
            results.append(made)
    if retry:
        prose = [
            (i, part)
            for i, masked in retry.items()
            for verbatim, part in masked.pieces
            if not verbatim and part.strip()
        ]
        made_pieces = translate([part.strip() for _, part in prose], source, target)
        by_owner: dict[int, list[Translation]] = {}
        for (i, _), piece in zip(prose, made_pieces, strict=True):
            by_owner.setdefault(i, []).append(piece)
        for i, masked in retry.items():
            results[i] = _rebuild(masked, by_owner.get(i, []), results[i])
    return results


def _rebuild(masked: _Masked, pieces: list[Translation], first: Translation) -> Translation:
    """The sentence from its translated prose pieces and its spans, in the source's order."""
    made = iter(pieces)
    out: list[str] = []
    for verbatim, part in masked.pieces:
        if verbatim or not part.strip():
            out.append(part)
            continue
        lead = part[: len(part) - len(part.lstrip())]
        trail = part[len(part.rstrip()) :]
        out.append(f"{lead}{next(made).text}{trail}")
    signed = [p for p in pieces if p.signature is not None]
    flags = tuple(dict.fromkeys(f for p in pieces for f in p.flags))
    return Translation(
        text="".join(out),
        signature=signed[0].signature if signed else first.signature,
        flags=flags,
        splits=max((p.splits for p in pieces), default=0),
        from_memory=all(p.from_memory for p in signed) if signed else first.from_memory,
        score=least_sure(p.score for p in signed) if signed else first.score,
    )


def _replace_text(made: Translation, text: str) -> Translation:
    return replace(made, text=text)
