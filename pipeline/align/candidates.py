"""Stored articles as pairing sees them, and which pairs of them are worth scoring.

A batch or archive of N articles has N squared pairs; editions go out within a day of each other
or share a language-neutral url, file name or article number (``addresses``), so only those
pairs are scored: articles are put in buckets by day (*blocking*, as record linkage calls it),
and an undated article is compared with those the caller names (``pairs_to_score``'s ``apart``:
pairing names the articles sharing a number or name with it, and its texts' mutual best).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date as Date
from datetime import timedelta

from pipeline.align.addresses import neutral_url


@dataclass(frozen=True)
class Candidate:
    """One stored article as pairing sees it.

    ``sentences``: its text in reading order (the title first); ``translation_of``: the url or
    id of the article it declares itself an edition of; ``edition_of``: the id of the article
    the store already links it to, kept as linked (with ``edition_confidence``)."""

    id: str
    lang: str
    title: str
    sentences: tuple[str, ...] = ()
    url: str | None = None
    date: str | None = None  # ISO 8601, as stored
    translation_of: str | None = None
    edition_of: str | None = None
    edition_confidence: float | None = None  # of the stored link (None: declared or unknown)
    source_path: str | None = None  # the file it was read from


def day_of(value: str | None) -> Date | None:
    """The day of an ISO 8601 date or timestamp as stored (None when missing or unreadable)."""
    try:
        return Date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def worth_scoring(a: Candidate, b: Candidate) -> bool:
    """Whether two articles' dates allow them to be editions (within a day, or one undated)."""
    day_a, day_b = day_of(a.date), day_of(b.date)
    return day_a is None or day_b is None or abs((day_a - day_b).days) <= 1


def pairs_to_score(
    ordered: Sequence[Candidate],
    focused: set[str] | None,
    keys: dict[str, list[object]],
    apart: Callable[[Candidate], Iterable[Candidate]] | None = None,
) -> Iterator[tuple[Candidate, Candidate]]:
    """Each unordered pair of ``ordered`` that could be editions, once, the earlier first: the
    pairs dated within a day of each other or with an undated side (``worth_scoring``), and
    the pairs sharing one of ``keys`` (id -> language-neutral url, file name, article number)
    whatever their dates. With ``focused``, only pairs holding a focused candidate (so an
    ingest into a store of N articles costs N per new article, not N squared). ``apart(one)``,
    where given, narrows the pairs with an undated side to those it names (it must name ``b``
    for ``a`` exactly when it names ``a`` for ``b``); without it, an undated article is paired
    with every other.

    Articles are put in buckets by day, so a dated archive costs about its articles times those
    of a day or two, not its size squared (record linkage's blocking)."""
    position = {c.id: k for k, c in enumerate(ordered)}
    undated, dated = by_day(ordered)
    sharing: dict[object, list[Candidate]] = {}
    for c in ordered:
        for key in keys[c.id]:
            sharing.setdefault(key, []).append(c)

    def near(one: Candidate) -> Iterator[Candidate]:
        """The candidates worth scoring with ``one`` or sharing a key with it, each once."""
        given: set[str] = set()

        def fresh(found: Iterable[Candidate]) -> Iterator[Candidate]:
            for other in found:
                if other.id not in given:
                    given.add(other.id)
                    yield other

        day = day_of(one.date)
        if day is None:
            yield from fresh(ordered if apart is None else apart(one))
        else:
            yield from fresh(within_a_day(day, undated if apart is None else (), dated))
            if apart is not None:
                yield from fresh(apart(one))
        for key in keys[one.id]:
            yield from fresh(sharing[key])

    chosen = (
        range(len(ordered))
        if focused is None
        else sorted(position[f] for f in focused if f in position)
    )
    in_focus = {ordered[k].id for k in chosen}
    for k in chosen:
        one = ordered[k]
        for other in near(one):
            at = position[other.id]
            if at == k or (other.id in in_focus and at < k):
                continue  # itself, or a pair already given with the other focused one first
            yield (one, other) if k < at else (other, one)


def by_day(
    candidates: Iterable[Candidate],
) -> tuple[list[Candidate], dict[Date, list[Candidate]]]:
    """The undated candidates, and the dated ones by day (each list in the given order)."""
    undated: list[Candidate] = []
    dated: dict[Date, list[Candidate]] = {}
    for c in candidates:
        day = day_of(c.date)
        if day is None:
            undated.append(c)
        else:
            dated.setdefault(day, []).append(c)
    return undated, dated


def within_a_day(
    day: Date, undated: Sequence[Candidate], dated: Mapping[Date, Sequence[Candidate]]
) -> Iterator[Candidate]:
    """The candidates worth scoring with one of ``day`` (``worth_scoring``), from the buckets
    ``by_day`` makes: the undated, then those of the day before, the day and the day after."""
    yield from undated
    for shift in (-1, 0, 1):
        yield from dated.get(day + timedelta(days=shift), ())


def candidate_keys(
    candidate: Candidate, files: dict[str, object], numbered: dict[str, object]
) -> list[object]:
    """What pairs a candidate whatever the dates: its language-neutral url, file name (``files``)
    and article number (``numbered``), each tagged with its kind."""
    found: list[object] = []
    url = neutral_url(candidate.url)
    if url:
        found.append(("url", url[0]))
    if candidate.id in files:
        found.append(("file", files[candidate.id]))
    if candidate.id in numbered:
        found.append(("number", numbered[candidate.id]))
    return found
