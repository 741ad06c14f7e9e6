"""One article as the review desk shows it: a row per segment with its source and, per language,
the version readers see, the newest machine and human versions, their checks and risk.

The editor page and `GET /api/articles/{id}` render this one object, so HTML and JSON cannot
drift. Plain dataclasses: `dataclasses.asdict` gives the JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.checks import version_checks
from pipeline.domain import LANGS, Segment, Version
from pipeline.review.language import SegmentText, language_version
from pipeline.review.risk import Risk, assess
from pipeline.review.state import STALE
from pipeline.store import Store

# What each check means, in words an editor reads (pipeline.checks.CHECK_NAMES).
CHECK_WORDS: dict[str, str] = {
    "numbers": "a number or date of the source is missing",
    "untranslated": "part of the text is left in the source language",
    "wrong-language": "the text is not in the target language",
    "length": "much shorter or longer than the source",
    "loop": "words repeat in a loop",
    "split": "the sentence was too long and was translated in parts",
}


@dataclass(frozen=True)
class Checks:
    """flags: failed check names (CHECK_NAMES order); notes: details; reasons: both in words."""

    flags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cell:
    """One version as the desk shows it. ``id`` None: the text as written, with no version of
    its own to edit; ``previous``: a stale sentence's reviewed text from before its source was
    corrected; ``risk``: machine text only."""

    id: int | None
    lang: str
    text: str
    origin: str
    state: str
    model: str | None = None
    model_revision: str | None = None
    created: str | None = None
    author: str | None = None
    risk: Risk | None = None
    checks: Checks = field(default_factory=Checks)
    previous: str | None = None


@dataclass(frozen=True)
class Row:
    """One segment: ``current[lang]`` is what readers see (None: no text yet); ``machine`` and
    ``human`` the newest of each origin, for comparison (None where there is none)."""

    key: str
    segment_id: int | None
    para: int  # as people count it: 1 is the title
    sent: int
    kind: str
    lang: str
    source: str
    current: dict[str, Cell | None]
    machine: dict[str, Cell | None]
    human: dict[str, Cell | None]
    # The alignment unit with the human editions this segment belongs to ("u3", kind "2-1-1" in
    # uk-ru-en order), and whether the row opens it: a unit's rows are shown as one block.
    unit: str | None = None
    unit_kind: str | None = None
    unit_first: bool = True


@dataclass(frozen=True)
class ArticleView:
    id: str
    slug: str
    title: str
    lang: str
    revision: int
    date: str | None
    url: str | None
    author: str | None
    states: dict[str, str]  # language → its state (pipeline.review.language)
    rows: list[Row]


def article_view(store: Store, ref: str) -> ArticleView:
    """The newest revision of an article as the desk shows it. Raises ArticleNotFound."""
    stored = store.article(ref)
    versions = store.article_versions(stored)
    authors = store.versions.authors(stored)
    by_id = {v.id: v for v in versions}
    newest: dict[tuple[int, str, str], Version] = {}
    for version in versions:  # oldest first: the last one kept is the newest
        if version.state != STALE and version.origin in ("machine", "human"):
            newest[(version.segment_id, version.lang, version.origin)] = version
    langs = {lang: language_version(store, stored, lang, versions=versions) for lang in LANGS}
    units = _units_of(store, stored.id, stored.lang)
    rows = []
    for index, segment in enumerate(stored.segments):
        current: dict[str, Cell | None] = {}
        machine: dict[str, Cell | None] = {}
        human: dict[str, Cell | None] = {}
        for lang in LANGS:
            item = langs[lang].segments[index]
            current[lang] = _current_cell(segment, item, by_id, authors)
            for origin, found in (("machine", machine), ("human", human)):
                latest = newest.get((segment.id or 0, lang, origin))
                found[lang] = _cell(segment, latest, authors) if latest else None
        unit = units.get(segment.id or 0, (None, None, True))
        rows.append(
            Row(
                key=segment.key,
                segment_id=segment.id,
                para=segment.para_number,
                sent=segment.sent_number,
                kind=segment.kind,
                lang=segment.lang,
                source=segment.text,
                current=current,
                machine=machine,
                human=human,
                unit=unit[0],
                unit_kind=unit[1],
                unit_first=unit[2],
            )
        )
    return ArticleView(
        id=stored.id,
        slug=stored.slug,
        title=stored.title,
        lang=stored.lang,
        revision=stored.revision,
        date=stored.date,
        url=stored.url,
        author=stored.author,
        states={lang: langs[lang].state for lang in LANGS},
        rows=rows,
    )


def _units_of(
    store: Store, article_id: str, lang: str
) -> dict[int, tuple[str | None, str | None, bool]]:
    """segment id -> (unit key "u3", kind, opens the unit) for an original's segments in the
    alignment units stored with its human editions; empty when it has none."""
    found: dict[int, tuple[str | None, str | None, bool]] = {}
    for number, unit in enumerate(store.units.of_story(article_id), start=1):
        for order, segment_id in enumerate(unit.segments.get(lang, ())):
            found[segment_id] = (f"u{number}", unit.kind, order == 0)
    return found


def _current_cell(
    segment: Segment,
    item: SegmentText | None,
    by_id: dict[int | None, Version],
    authors: dict[int, str],
) -> Cell | None:
    if item is None:
        return None
    version = by_id.get(item.version_id) if item.version_id is not None else None
    if version is None:
        return Cell(id=None, lang=segment.lang, text=item.text, origin="source", state="source")
    cell = _cell(segment, version, authors)
    if item.state == STALE:
        return Cell(**{**cell.__dict__, "state": STALE, "previous": item.previous})
    return cell


def _cell(segment: Segment, version: Version, authors: dict[int, str]) -> Cell:
    checks = checks_of(
        segment.text, segment.lang, version.text, version.lang, version.origin, version.flags
    )
    signature = version.signature
    risk = None
    if version.origin == "machine":
        # risk-api adds the model's score to machine versions; None until it is stored
        risk = assess(getattr(version, "score", None), checks.flags)
    return Cell(
        id=version.id,
        lang=version.lang,
        text=version.text,
        origin=version.origin,
        state=version.state,
        model=signature.public_model if signature else None,
        model_revision=signature.revision if signature else None,
        created=version.created,
        author=authors.get(version.id or 0),
        risk=risk,
        checks=checks,
    )


@lru_cache(maxsize=65536)
def checks_of(
    source: str, source_lang: str, text: str, lang: str, origin: str, flags: tuple[str, ...]
) -> Checks:
    """`pipeline.checks.version_checks` with reasons in words; cached, since a version's text
    never changes (edits are new versions) and every page load asks again."""
    found = version_checks(source, source_lang, text, lang, origin=origin, stored_flags=flags)
    reasons = tuple(CHECK_WORDS.get(flag, flag) for flag in found.flags)
    return Checks(flags=found.flags, notes=found.notes, reasons=reasons + found.notes)


def article_checks(view: ArticleView) -> list[dict[str, object]]:
    """The failed checks of the versions readers see: one entry per (segment, language)."""
    found: list[dict[str, object]] = []
    for row in view.rows:
        for lang, cell in row.current.items():
            if cell is not None and cell.checks.flags:
                found.append(
                    {
                        "key": row.key,
                        "lang": lang,
                        "version_id": cell.id,
                        "flags": list(cell.checks.flags),
                        "reasons": list(cell.checks.reasons),
                    }
                )
    return found
