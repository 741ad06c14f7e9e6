"""Build the diff views from the store: aligned rows of versions with their checks, pure data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from pipeline.checks import ordered_flags, version_checks
from pipeline.diff.worddiff import Scores, WordDiff, corpus_scores, word_diff
from pipeline.domain import LANGS, PipelineError, Segment, Version
from pipeline.store import Store, StoredArticle

# Review states as the diff shows them; the others show under their own name.
REVIEW_WORDS = {"machine": "unreviewed"}
SPEC_HELP = "source, human, edited, current, machine or machine:<model, route or engine part>"


class DiffError(PipelineError):
    pass


@dataclass(frozen=True, kw_only=True)
class DiffOptions:
    langs: tuple[str, ...] = LANGS
    lang: str | None = None  # set: compare two versions of this language
    a: str | None = None  # version spec of the reference side (default "human")
    b: str | None = None  # version spec of the compared side (default "machine")
    human: bool = False  # compare the human edition in `lang` with the machine, unit by unit
    width: int = 100
    color: bool = False


@dataclass(frozen=True)
class ArticleInfo:
    id: str
    slug: str
    title: str
    lang: str
    revision: int


@dataclass(frozen=True)
class Cell:
    """One version of one segment in one language."""

    lang: str
    text: str | None  # None: no version in this language yet
    origin: str  # source, human, machine, or missing
    label: str  # what an editor reads: "source", "human", "machine opus-mt-uk-en"
    state: str | None = None
    flags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # details of the flags, e.g. the numbers a version lacks

    @property
    def review(self) -> str | None:
        """The version's review state in words ("unreviewed", "edited", "approved"); None
        for a missing version and for the source text as written, which needs no review."""
        if self.text is None or self.state is None or self.origin == "source":
            return None
        return REVIEW_WORDS.get(self.state, self.state)

    @property
    def heading(self) -> str:
        """What an editor reads above the text: where it came from and its review state."""
        return f"{self.label} · {self.review}" if self.review else self.label


@dataclass(frozen=True)
class Row:
    seg: str  # stable id shared by every cell of the segment: Segment.key, "p3-s1"
    para_index: int
    sent_index: int
    kind: str
    para_start: bool  # first sentence of its paragraph
    source_lang: str
    cells: tuple[Cell, ...]

    @property
    def flags(self) -> tuple[str, ...]:
        return ordered_flags(flag for cell in self.cells for flag in cell.flags)


@dataclass(frozen=True)
class ArticleView:
    """An article's versions side by side: one column per language, one row per sentence."""

    article: ArticleInfo
    langs: tuple[str, ...]
    rows: tuple[Row, ...]
    counts: dict[str, int] = field(default_factory=dict)  # flag -> segments carrying it

    @property
    def flagged(self) -> int:
        return sum(1 for row in self.rows if row.flags)

    @property
    def missing(self) -> dict[str, int]:
        """lang -> segments with no version in it yet (not a check: nothing to review)."""
        return _missing(cell for row in self.rows for cell in row.cells)


@dataclass(frozen=True)
class CompareRow:
    seg: str
    para_index: int
    sent_index: int
    kind: str
    para_start: bool
    source: str
    source_lang: str
    a: Cell
    b: Cell
    diff: WordDiff | None  # None when either side is missing
    # A unit of a story (`diff --human`): "u3", its kind (source-human sentences, "2-1") and the
    # keys of its source sentences; None for a row of one segment.
    unit: str | None = None
    unit_kind: str = ""
    keys: tuple[str, ...] = ()

    @property
    def flags(self) -> tuple[str, ...]:
        return ordered_flags([*self.a.flags, *self.b.flags])

    @property
    def number(self) -> str:
        """What the gutter shows: the unit ("u3") or the sentence within its paragraph ("2")."""
        return self.unit or str(self.sent_index + 1)


@dataclass(frozen=True)
class CompareView:
    """Two versions of one language segment by segment, with word diffs and scores of b
    against a (a is the reference)."""

    article: ArticleInfo
    lang: str
    a_spec: str
    b_spec: str
    rows: tuple[CompareRow, ...]
    scores: Scores | None
    counts: dict[str, int] = field(default_factory=dict)
    edition: ArticleInfo | None = None  # `diff --human`: a is this human edition, rows are units

    @property
    def flagged(self) -> int:
        return sum(1 for row in self.rows if row.flags)

    @property
    def missing(self) -> dict[str, int]:
        """side ("a"/"b") -> rows without that version."""
        counts = {
            "a": sum(1 for row in self.rows if row.a.text is None),
            "b": sum(1 for row in self.rows if row.b.text is None),
        }
        return {side: count for side, count in counts.items() if count}

    @property
    def distance(self) -> int:
        return sum(row.diff.distance for row in self.rows if row.diff)

    @property
    def changed(self) -> int:
        return sum(1 for row in self.rows if row.diff and row.diff.changed)


def _missing(cells: Iterable[Cell]) -> dict[str, int]:
    counter: Counter[str] = Counter(cell.lang for cell in cells if cell.text is None)
    return {lang: counter[lang] for lang in LANGS if counter[lang]}


def model_label(version: Version) -> str:
    if version.origin != "machine":
        return version.origin
    if version.signature is None:
        return "machine"
    model = version.signature.model_id.rstrip("/").rsplit("/", 1)[-1]
    return f"machine {model}"


def build(store: Store, ref: str, options: DiffOptions) -> ArticleView | CompareView:
    """The view options ask for: the human edition against the machine (``human``), a
    comparison when a language is given, else the columns."""
    if options.human:
        from pipeline.diff.human import build_human

        return build_human(store, ref, options)
    return build_compare(store, ref, options) if options.lang else build_view(store, ref, options)


def build_view(store: Store, ref: str, options: DiffOptions) -> ArticleView:
    stored = store.article(ref)
    current = {lang: store.current_versions(stored, lang) for lang in options.langs}
    stale = {lang: store.versions.stale(stored, lang) for lang in options.langs}
    rows = []
    for number, segment in enumerate(stored.segments):
        assert segment.id is not None
        cells = tuple(
            _stale(_cell(segment, lang, current[lang].get(segment.id)), stale[lang].get(segment.id))
            for lang in options.langs
        )
        rows.append(
            Row(
                seg=segment.key,
                para_index=segment.para_index,
                sent_index=segment.sent_index,
                kind=segment.kind,
                para_start=_para_start(stored.segments, number),
                source_lang=segment.lang,
                cells=cells,
            )
        )
    return ArticleView(
        article=article_info(stored),
        langs=options.langs,
        rows=tuple(rows),
        counts=flag_counts(rows),
    )


def build_compare(store: Store, ref: str, options: DiffOptions) -> CompareView:
    lang = options.lang or options.langs[0]
    a_spec, b_spec = options.a or "human", options.b or "machine"
    stored = store.article(ref)
    versions = store.article_versions(stored, lang=lang)
    pick_a = select_versions(stored, versions, a_spec, lang=lang)
    pick_b = select_versions(stored, versions, b_spec, lang=lang)
    rows = []
    for number, segment in enumerate(stored.segments):
        assert segment.id is not None
        a = _cell(segment, lang, pick_a.get(segment.id))
        b = _cell(segment, lang, pick_b.get(segment.id))
        both = a.text is not None and b.text is not None
        rows.append(
            CompareRow(
                seg=segment.key,
                para_index=segment.para_index,
                sent_index=segment.sent_index,
                kind=segment.kind,
                para_start=_para_start(stored.segments, number),
                source=segment.text,
                source_lang=segment.lang,
                a=a,
                b=b,
                diff=word_diff(a.text or "", b.text or "") if both else None,
            )
        )
    pairs = [(r.b.text, r.a.text) for r in rows if r.b.text is not None and r.a.text is not None]
    return CompareView(
        article=article_info(stored),
        lang=lang,
        a_spec=a_spec,
        b_spec=b_spec,
        rows=tuple(rows),
        scores=corpus_scores([h for h, _ in pairs], [r for _, r in pairs]),
        counts=flag_counts(rows),
    )


def _stale(cell: Cell, previous: Version | None) -> Cell:
    """A cell whose reviewed text predates a correction of the source: flagged "stale", with
    that text beside the new one."""
    if previous is None:
        return cell
    return replace(
        cell,
        flags=(*cell.flags, "stale"),
        notes=(*cell.notes, f"stale (source corrected), was: {previous.text}"),
    )


def select_versions(
    stored: StoredArticle, versions: Sequence[Version], spec: str, *, lang: str
) -> dict[int, Version]:
    """segment id → the version a spec names (newest wins), see SPEC_HELP."""
    kind, _, needle = spec.partition(":")
    if kind == "current":
        rank = {"human": 0, "source": 1, "machine": 2}
        best: dict[int, Version] = {}
        for v in versions:  # oldest first: a later version of the same rank replaces
            if v.state == "stale":
                continue  # history of the sentence before a correction, never current
            held = best.get(v.segment_id)
            if held is None or rank[v.origin] <= rank[held.origin]:
                best[v.segment_id] = v
        return best
    if kind == "edited":
        chosen = [v for v in versions if v.origin == "human" and v.state in ("edited", "approved")]
    elif kind in ("source", "human") and not needle:
        chosen = [v for v in versions if v.origin == kind]
    elif kind == "machine":
        chosen = [v for v in versions if v.origin == "machine"]
        if needle:
            chosen = [v for v in chosen if v.signature and _matches(v, needle)]
            keys = {v.signature.key for v in chosen if v.signature}
            if len(keys) > 1:
                models = ", ".join(sorted(_describe(v) for v in _one_per_key(chosen)))
                raise DiffError(
                    f"{spec!r} matches {len(keys)} machine runs of {stored.slug} ({models});"
                    " give more of the model id or route"
                )
    else:
        raise DiffError(f"unknown version {spec!r}: use {SPEC_HELP}")
    if not chosen:
        raise DiffError(
            f"article {stored.slug} has no {spec!r} version in {lang};"
            " translate it first or pick another with --a/--b"
        )
    return {v.segment_id: v for v in chosen}


def _matches(version: Version, needle: str) -> bool:
    sig = version.signature
    assert sig is not None
    haystack = (sig.model_id, sig.route, sig.engine, sig.key)
    return any(needle.lower() in part.lower() for part in haystack)


def _one_per_key(versions: Sequence[Version]) -> list[Version]:
    by_key = {v.signature.key: v for v in versions if v.signature}
    return list(by_key.values())


def _describe(version: Version) -> str:
    sig = version.signature
    assert sig is not None
    return f"{sig.model_id} {sig.route} {sig.engine}"


def _cell(segment: Segment, lang: str, version: Version | None) -> Cell:
    if version is None:
        return Cell(lang=lang, text=None, origin="missing", label="missing")
    found = version_checks(
        segment.text,
        segment.lang,
        version.text,
        lang,
        origin=version.origin,
        stored_flags=version.flags,
    )
    return Cell(
        lang=lang,
        text=version.text,
        origin=version.origin,
        label=model_label(version),
        state=version.state,
        flags=found.flags,
        notes=found.notes,
    )


def _para_start(segments: Sequence[Segment], number: int) -> bool:
    return number == 0 or segments[number - 1].para_index != segments[number].para_index


def flag_counts(rows: Sequence[Row | CompareRow]) -> dict[str, int]:
    """How many rows carry each flag, in the flags' display order."""
    counter: Counter[str] = Counter(flag for row in rows for flag in row.flags)
    return {name: counter[name] for name in ordered_flags(counter)}


def article_info(stored: StoredArticle) -> ArticleInfo:
    """The header a view shows for a stored article (id, slug, title, language, revision)."""
    return ArticleInfo(
        id=stored.id,
        slug=stored.slug,
        title=stored.title,
        lang=stored.lang,
        revision=stored.revision,
    )
