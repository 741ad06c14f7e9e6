"""The human edition against the machine, unit by unit (`pipeline diff ARTICLE --human`).

A story's units (``pipeline.evaluate.units``) pair the original's sentences with the edition's:
a unit of two original sentences that the edition says in one shows as one row, the original's
sentences and their machine versions joined. The view is a CompareView (a = the human edition,
b = the machine), so both renderers show it as they show any comparison.
"""

from __future__ import annotations

from pipeline.checks import version_checks
from pipeline.diff.align import (
    Cell,
    CompareRow,
    CompareView,
    DiffError,
    DiffOptions,
    article_info,
    flag_counts,
    model_label,
    select_versions,
)
from pipeline.diff.worddiff import corpus_scores, word_diff
from pipeline.domain import Version
from pipeline.evaluate.units import NoEditions, Story, StoryUnit, load_story
from pipeline.store import Store


def build_human(store: Store, ref: str, options: DiffOptions) -> CompareView:
    """Rows of units: the original's sentences (source), the edition's in ``options.lang``
    (a, the reference) and the machine versions ``options.b`` names (b; default "machine",
    newest per sentence), with word diffs and chrF/BLEU of b against a over units with both.

    ``ref`` names the original or any edition. ``options.lang`` may be left out when the story
    has one edition. Raises DiffError (no edition in that language, none at all, or no such
    machine version) and ArticleNotFound.
    """
    try:
        story = load_story(store, ref)
    except NoEditions as exc:
        raise DiffError(str(exc), hint=exc.hint) from exc
    lang = _edition_lang(story, options.lang)
    spec = options.b or "machine"
    original = story.original
    versions = store.article_versions(original, lang=lang)
    machine = select_versions(original, versions, spec, lang=lang)
    own = {v.segment_id: v for v in versions if v.origin == "source" and v.state != "stale"}
    rows: list[CompareRow] = []
    for unit in story.units:
        rows.append(_row(story, unit, lang, machine, own, rows[-1] if rows else None))
    pairs = [(r.b.text, r.a.text) for r in rows if r.a.text is not None and r.b.text is not None]
    edition = story.editions[lang]
    return CompareView(
        article=article_info(original),
        lang=lang,
        a_spec="human edition",
        b_spec=spec,
        rows=tuple(rows),
        scores=corpus_scores([h for h, _ in pairs], [r for _, r in pairs]),
        counts=flag_counts(rows),
        edition=article_info(edition),
    )


def _edition_lang(story: Story, lang: str | None) -> str:
    if lang is None and len(story.editions) == 1:
        return next(iter(story.editions))
    if lang is None or lang not in story.editions:
        have = ", ".join(story.editions)
        asked = f"no human edition in {lang}" if lang else "human editions in several languages"
        raise DiffError(
            f"article {story.original.slug} has {asked} (editions: {have})",
            hint=f"choose one with --lang ({have})",
        )
    return lang


def _row(
    story: Story,
    unit: StoryUnit,
    lang: str,
    machine: dict[int, Version],
    own: dict[int, Version],
    previous: CompareRow | None,
) -> CompareRow:
    source_lang = story.original.lang
    sources = unit.segments.get(source_lang, ())
    human = unit.text(lang)
    a = Cell(lang=lang, text=human or None, origin="human", label="human edition")
    if not human:
        a = Cell(lang=lang, text=None, origin="missing", label="missing")
    b = _machine_cell(unit, source_lang, lang, machine, own)
    para = sources[0].para_index if sources else (previous.para_index if previous else 0)
    kinds = [s.kind for s in sources] or [s.kind for s in unit.segments.get(lang, ())]
    both = a.text is not None and b.text is not None
    return CompareRow(
        seg=unit.key,
        para_index=para,
        sent_index=sources[0].sent_index if sources else 0,
        kind=kinds[0] if kinds else "p",
        para_start=previous is None or previous.para_index != para,
        source=unit.text(source_lang),
        source_lang=source_lang,
        a=a,
        b=b,
        diff=word_diff(a.text or "", b.text or "") if both else None,
        unit=unit.key,
        unit_kind=unit.kind((source_lang, lang)),
        keys=tuple(s.key for s in sources),
    )


def _machine_cell(
    unit: StoryUnit,
    source_lang: str,
    lang: str,
    machine: dict[int, Version],
    own: dict[int, Version],
) -> Cell:
    """The unit's machine versions joined; a sentence already in ``lang`` counts with its own
    text. Missing when any sentence of the unit has neither."""
    sources = unit.segments.get(source_lang, ())
    chosen = [machine.get(s.id or -1) or own.get(s.id or -1) for s in sources]
    if not sources or any(version is None for version in chosen):
        return Cell(lang=lang, text=None, origin="missing", label="missing")
    versions = [v for v in chosen if v is not None]
    text = " ".join(v.text for v in versions)
    found = version_checks(
        unit.text(source_lang),
        sources[0].lang,
        text,
        lang,
        origin="machine",
        stored_flags=tuple(dict.fromkeys(f for v in versions for f in v.flags)),
    )
    labels = list(dict.fromkeys(model_label(v) for v in versions))
    first = next((v for v in versions if v.origin == "machine"), versions[0])
    return Cell(
        lang=lang,
        text=text,
        origin=first.origin,
        label=" + ".join(labels),
        state=first.state,
        flags=found.flags,
        notes=found.notes,
    )
