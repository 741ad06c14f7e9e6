"""The align job: pair stored editions into stories, align each story, store what it found.

Runs after every ingest (`pipeline.jobs.ingest_paths`, so `ingest` and `translate` align what they
read) and as `pipeline align`. Per story it writes, each in its own transaction:

- the links (``edition_of`` with the pairing's confidence; see `pipeline.align.pairing`);
- the alignment units (`store.units.replace`), replacing the story's earlier ones;
- aligned human versions of the original's segments, one language per edition (`human_texts`);
- human translation-memory pairs (`memory_pairs`), reused by `translate` for identical sources.

How a unit maps onto the versions table (keyed by the original's segment, one text per segment
and language), so that a published edition prints each of its sentences once and loses none:

- 1-1: the edition's sentence is the human version of the original's sentence;
- 1-n (the editor split a sentence): the n sentences, joined by spaces, are its human version;
- n-1 / n-m (merged): the edition's sentences go onto the unit's first original sentence; the
  others get an empty human version (flag ``aligned:merged``): covered, so machine text does not
  fill them and nothing prints twice (publishing skips empty text);
- 0-1 (a sentence only the edition has): joined onto the human version of the neighbouring
  unit's original sentence in the same edition paragraph (the one before, else after), flag
  ``aligned:added``; it is also listed as one-edition-only;
- 1-0 (the edition dropped a sentence): no human version; machine text fills it and it is
  listed as one-edition-only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.align import AlignedUnit, AlignOptions, Edition, align_editions
from pipeline.align.editions import LEARN_CONFIDENCE, learn_lexicon
from pipeline.align.lexicon import unit_pairs
from pipeline.align.pairing import Candidate, Pair, Story, pair_editions
from pipeline.alignviews import OneSided, UnitView
from pipeline.domain import LANGS, Article, Segment, Version, page_key
from pipeline.store import (
    ArticleNotFound,
    EditionLink,
    NewUnit,
    Store,
    StoredArticle,
    human_key,
)
from pipeline.verbatim import VERBATIM_KINDS

# Units below this confidence give no translation-memory pair (a likely wrong alignment
# must not be reused verbatim); they still become human versions, which editors see.
TM_MIN_CONFIDENCE = 0.5


@dataclass
class AlignReport:
    links: list[EditionLink] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)  # the linked pairs, as pairing scored them
    uncertain: list[Pair] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    units: list[UnitView] = field(default_factory=list)
    one_sided: list[OneSided] = field(default_factory=list)
    written: int = 0  # human versions inserted
    kept: int = 0  # human versions of people left as they were
    memory: int = 0  # human translation-memory pairs stored


def align_store(
    store: Store,
    *,
    only: Iterable[str] | None = None,
    options: AlignOptions | None = None,
) -> AlignReport:
    """Pair every stored article into stories and align the stories that hold an article of
    ``only`` (every story when None). Returns what was linked, left uncertain, and aligned.

    Raises StoreError (from the store) when the database cannot be written."""
    wanted = set(only) if only is not None else None
    stored = {
        article_id: store.article(article_id) for article_id in store.article_ids(editions=True)
    }
    pages = {page_key(a.url): i for i, a in stored.items() if a.url}
    candidates = [
        _candidate(store, article, pages) for article in stored.values() if article.lang in LANGS
    ]
    pairing = pair_editions(candidates, focus=wanted)
    report = AlignReport()
    options = _with_lexicon(store, stored, pairing.stories, wanted, options)
    for pair in pairing.uncertain:
        if wanted is None or {pair.original, pair.edition} & wanted:
            report.uncertain.append(pair)
    for story in pairing.stories:
        if wanted is not None and not set(story.ids) & wanted:
            continue
        for pair in story.editions:
            current = stored[pair.edition]
            if current.edition_of != story.original:
                store.units.link(pair.edition, story.original, pair.confidence)
            report.pairs.append(pair)
        _align_story(
            store,
            stored[story.original],
            [stored[pair.edition] for pair in story.editions],
            report,
            options,
        )
    return report


# Stories a lexicon is learned from: learning aligns each twice (about 0.3 s CPU for a
# 40-sentence three-edition story), and a few hundred sentence pairs are enough to help
# (pipeline.align.editions.learn_lexicon; benchmarks/align_bench.py). More teach more: `pipeline
# align` on align_bench's 56 held-out stories (seed 2) scored three-way strict F1 0.803 learning
# from 40 of them and 0.823 from all 56, in 16 and 19.5 s; 60 bounds the cost of an ingest into
# a large store to about half a minute.
LEXICON_STORIES = 60
# Fewer sentences than this teach chance co-occurrences: two sample stories (23 sentences) gave a
# lexicon that merged a dropped sentence into its neighbour. The benchmark's batches hold 540.
LEXICON_MIN_SENTENCES = 300
# Stored units of earlier stories a lexicon learns from, the newest first: learning counts every
# word pair of every sentence pair (about 0.08 s per 1,000 pairs on this project's machines), so a
# large archive is read in part: 20,000 three-edition units, about 60,000 pairs, learn in about
# 5 s a round. align_bench: 57 stories' pairs (about 800) took held-out uk-ru strict F1 from
# 0.944 to 0.9497 and three-way from 0.849 to 0.889 (seed 2); more teach more.
LEXICON_KNOWN_UNITS = 20_000


def _with_lexicon(
    store: Store,
    stored: Mapping[str, StoredArticle],
    stories: Sequence[Story],
    wanted: set[str] | None,
    options: AlignOptions | None,
) -> AlignOptions | None:
    """``options`` with a word lexicon learned from the stories being aligned, then other
    stored stories, up to LEXICON_STORIES, each aligned twice, and from the confident sentence
    pairs of the other stories stored with units (aligned before; read, not aligned again; the
    newest LEXICON_KNOWN_UNITS units), so a store's archive teaches. ``options`` unchanged when
    that is fewer than LEXICON_MIN_SENTENCES sentences (or pairs) to learn from: the aligner then
    has the packaged seed lexicon alone."""
    if options is not None and options.lexicon is not None:
        return options
    first = [s for s in stories if wanted is None or set(s.ids) & wanted]
    if not first:
        return options  # no story to align: nothing to learn for
    sample = [*first, *(s for s in stories if s not in first)][:LEXICON_STORIES]
    known = [
        pair
        for unit in store.units.confident_texts(
            min_confidence=LEARN_CONFIDENCE,
            leave_out=[s.original for s in sample],
            limit=LEXICON_KNOWN_UNITS,
        )
        for pair in unit_pairs(unit)
    ]
    sentences = sum(len(stored[s.original].segments) for s in sample) if len(sample) > 1 else 0
    if sentences + len(known) < LEXICON_MIN_SENTENCES:
        return options
    editions = []
    for story in sample:
        articles = {a.lang: a for a in (stored[i] for i in story.ids)}
        editions.append([_edition(articles[lang]) for lang in LANGS if lang in articles])
    lexicon = learn_lexicon(editions, options=options, known=known)
    return replace(options or AlignOptions(), lexicon=lexicon)


def _candidate(store: Store, article: StoredArticle, pages: Mapping[str | None, str]) -> Candidate:
    """``article`` as pairing sees it; its ``translation_of`` resolved to an article id (by url
    or key, id, slug or path, else by the page the url names: ``domain.page_key``)."""
    return Candidate(
        id=article.id,
        lang=article.lang,
        title=article.title,
        sentences=tuple(s.text for s in article.segments),
        url=article.url,
        date=article.date,
        translation_of=(
            pages.get(page_key(article.translation_of))
            or _original_id(store, article.translation_of)
        ),
        edition_of=article.edition_of,
        edition_confidence=article.edition_confidence,
        source_path=article.source_path,
    )


def _original_id(store: Store, reference: str | None) -> str | None:
    """The article a `translation_of` value names: by url/key, else any id, slug or path."""
    if not reference:
        return None
    from pipeline.store.schema import article_id_for

    refs = [article_id_for(reference)]
    if "://" not in reference:  # a url names no id, slug or path: spare the search
        refs.append(reference)
    for ref in refs:
        try:
            return store.resolve(ref)
        except ArticleNotFound:
            continue
    return None


def _align_story(
    store: Store,
    original: StoredArticle,
    editions: Sequence[StoredArticle],
    report: AlignReport,
    options: AlignOptions | None,
) -> None:
    articles = {a.lang: a for a in (original, *editions)}
    langs = tuple(lang for lang in LANGS if lang in articles)
    heads = {lang: _title_segments(articles[lang]) for lang in langs}
    repeats = {lang for lang in langs if _titled_by_its_start(articles[lang], heads[lang])}
    aligned = _aligned([articles[lang] for lang in langs], options, heads, bool(repeats))
    segments = {lang: articles[lang].segments for lang in langs}
    units = [
        NewUnit(
            segments={
                lang: tuple(_id(segments[lang][i]) for i in unit.sentences.get(lang, ()))
                for lang in langs
            },
            kind=unit.kind(langs),
            confidence=unit.confidence,
        )
        for unit in aligned
    ]
    store.units.replace(original.id, langs, {lang: articles[lang].id for lang in langs}, units)
    for unit in aligned:
        kind = unit.kind(langs)
        report.kinds[kind] += 1
        texts = {
            lang: tuple(segments[lang][i].text for i in unit.sentences.get(lang, ()))
            for lang in langs
        }
        repeat = bool(repeats) and all(
            lang in repeats and i < heads[lang]
            for lang, found in unit.sentences.items()
            for i in found
        )
        report.units.append(
            UnitView(original.id, langs, kind, unit.confidence, texts, title_repeat=repeat)
        )
        alone = [lang for lang in langs if texts[lang]]
        if len(alone) == 1:
            lang = alone[0]
            for i in unit.sentences[lang]:
                segment = segments[lang][i]
                report.one_sided.append(
                    OneSided(original.id, lang, articles[lang].id, segment.key, segment.text)
                )
    for edition in editions:
        human = human_texts(
            aligned, original.segments, original.lang, edition.segments, edition.lang
        )
        done = store.units.write_human(edition.lang, human)
        report.written += done.written
        report.kept += done.kept
        report.links.append(
            EditionLink(
                edition.id,
                original.id,
                edition.lang,
                sum(1 for text, _ in human.values() if text),
                len(original.segments),
            )
        )
    for (source, target), pairs in memory_pairs(aligned, segments).items():
        store.memory_put(human_key(source, target), pairs)
        report.memory += len(pairs)


def _aligned(
    articles: Sequence[StoredArticle],
    options: AlignOptions | None,
    heads: Mapping[str, int],
    apart: bool,
) -> list[AlignedUnit]:
    """Units over the articles' segments (flat indexes). A headline is the programme's first
    paragraph, an anchor at the top of every edition. Where a story has no headline it is
    titled by its first sentence (``pipeline.ingest.common.first_sentence``), which its body
    holds too; read twice in one programme, that sentence pairs one edition's title with
    another's body, so there the titles are aligned with the titles alone and the bodies with
    the bodies (held-out half of benchmarks/align_bench.py as headline-less Markdown through
    `pipeline align`, seed 2: three-way strict F1 0.905 -> 0.927). ``heads``: each language's
    title segments; ``apart``: whether some edition is titled by its start."""
    if not apart:
        return align_editions([_edition(a) for a in articles], options=options)
    titles = align_editions(
        [Edition(a.lang, (tuple(s.text for s in a.segments[: heads[a.lang]]),)) for a in articles],
        options=options,
    )
    bodies = align_editions([_edition(a, skip=heads[a.lang]) for a in articles], options=options)
    shifted = [
        AlignedUnit(
            {lang: tuple(i + heads[lang] for i in found) for lang, found in u.sentences.items()},
            u.confidence,
        )
        for u in bodies
    ]
    return [*titles, *shifted]


def _title_segments(article: StoredArticle) -> int:
    return sum(1 for segment in article.segments if segment.para_index == 0)


def _titled_by_its_start(article: StoredArticle, head: int) -> bool:
    """Whether the article's title is its body's first sentence (a story with no headline)."""
    if head != 1 or len(article.segments) <= head:
        return False
    title, first = article.segments[0].text, article.segments[head].text
    return first.rstrip(".") == title.rstrip(".")


def _edition(article: StoredArticle, skip: int = 0) -> Edition:
    """The article's segments from the ``skip``-th on, as paragraphs of sentences."""
    paragraphs: dict[int, list[str]] = {}
    for segment in article.segments[skip:]:
        paragraphs.setdefault(segment.para_index, []).append(segment.text)
    return Edition(article.lang, tuple(tuple(p) for p in paragraphs.values()))


def _id(segment: Segment) -> int:
    assert segment.id is not None
    return segment.id


def human_texts(
    units: Sequence[AlignedUnit],
    original: Sequence[Segment],
    original_lang: str,
    edition: Sequence[Segment],
    lang: str,
) -> dict[int, tuple[str, tuple[str, ...]]]:
    """Original segment id -> (human text in lang, flags), from an edition's units (module
    docstring: how 1-n, n-1, 0-1 and 1-0 units map). Segments of the original already written
    in lang (a quote) get nothing: their text as written is the edition's."""
    pieces: dict[int, list[int]] = {}  # original flat index -> edition flat indexes
    flags: dict[int, str] = {}
    anchors: list[tuple[int, int]] = []  # (unit index, original flat index) with both sides
    added: list[tuple[int, int]] = []  # (unit index, edition flat index) with no original
    for number, unit in enumerate(units):
        mine = [i for i in unit.sentences.get(original_lang, ()) if original[i].lang != lang]
        theirs = list(unit.sentences.get(lang, ()))
        if mine and theirs:
            pieces[mine[0]] = theirs
            flags[mine[0]] = f"aligned:{len(mine)}-{len(theirs)}"
            for other in mine[1:]:
                pieces[other] = []
                flags[other] = "aligned:merged"
            anchors.append((number, mine[0]))
        elif theirs and not unit.sentences.get(original_lang):
            added.extend((number, i) for i in theirs)
    for number, index in added:
        anchor = _anchor(number, index, anchors, units, edition, lang)
        if anchor is not None:
            pieces[anchor].append(index)
            flags[anchor] = flags[anchor].split(" ")[0] + " aligned:added"
    texts = {}
    for position, indexes in pieces.items():
        segment_id = original[position].id
        if segment_id is None:
            continue
        text = " ".join(edition[i].text for i in sorted(indexes))
        texts[segment_id] = (text, tuple(flags[position].split(" ")))
    return texts


def _anchor(
    number: int,
    index: int,
    anchors: list[tuple[int, int]],
    units: Sequence[AlignedUnit],
    edition: Sequence[Segment],
    lang: str,
) -> int | None:
    """The original flat index an edition-only sentence joins: the nearest unit with both
    sides in the same edition paragraph, before it first; else the nearest at all."""
    paragraph = edition[index].para_index

    def same_paragraph(unit_number: int) -> bool:
        return any(
            edition[i].para_index == paragraph for i in units[unit_number].sentences.get(lang, ())
        )

    before = [a for a in anchors if a[0] < number]
    after = [a for a in anchors if a[0] > number]
    for group in (reversed(before), after):
        for unit_number, position in group:
            if same_paragraph(unit_number):
                return position
            break
    nearest = sorted(anchors, key=lambda a: (abs(a[0] - number), a[0]))
    return nearest[0][1] if nearest else None


def memory_pairs(
    units: Sequence[AlignedUnit], segments: Mapping[str, Sequence[Segment]]
) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(source, target language) -> [(normalised source sentence, human target text)] from
    units whose source side is one sentence (what `translate` looks up) and whose confidence
    is at least TM_MIN_CONFIDENCE; the target is the unit's sentences joined by spaces."""
    from pipeline.translate.normalize import normalize

    found: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for unit in units:
        if unit.confidence < TM_MIN_CONFIDENCE:
            continue
        for source, indexes in unit.sentences.items():
            if len(indexes) != 1 or source not in segments:
                continue
            text = segments[source][indexes[0]].text
            for target, theirs in unit.sentences.items():
                if target == source or not theirs or target not in segments:
                    continue
                joined = " ".join(segments[target][i].text for i in theirs)
                found.setdefault((source, target), []).append((normalize(text), joined))
    return found


def reuse_human(
    store: Store, stored: StoredArticle, work: Sequence[tuple[Segment, str]]
) -> list[Version]:
    """Human versions for (segment, target language) work whose sentence an aligned edition
    already translated: an exact match of the normalised sentence in the human memory
    (`human_key`). They come in state ``edited`` (a person's text, not yet reviewed in this
    story) with flag ``memory:human``. Segments with a human version in that language (work
    asked for by ``--compare``) get none. Returns the versions, not yet stored."""
    from pipeline.translate.normalize import has_letters, normalize

    wanted: dict[tuple[str, str], list[tuple[Segment, str]]] = {}
    covered: dict[str, set[int]] = {}
    for segment, target in work:
        if segment.lang not in LANGS or segment.lang == target or segment.id is None:
            continue
        if segment.kind in VERBATIM_KINDS:
            continue
        if target not in covered:
            current = store.current_versions(stored, target)
            covered[target] = {i for i, v in current.items() if v.origin == "human"}
        if segment.id in covered[target]:
            continue
        norm = normalize(segment.text)
        if has_letters(norm):
            wanted.setdefault((segment.lang, target), []).append((segment, norm))
    found: list[Version] = []
    for (source, target), items in wanted.items():
        texts = store.memory_get(human_key(source, target), [norm for _, norm in items])
        for segment, norm in items:
            if norm in texts:
                found.append(
                    Version(
                        segment_id=_id(segment),
                        lang=target,
                        text=texts[norm],
                        origin="human",
                        state="edited",
                        flags=("memory:human",),
                    )
                )
    return found


def uncertain_line(pair: Pair) -> str:
    """One line on a pair not linked: "a1b2 and c3d4 may be editions of one story (0.62:
    title 0.71, date); not linked: give one `translation_of` to link them"."""
    why = f": {', '.join(pair.reasons)}" if pair.reasons else ""
    return (
        f"{pair.original} and {pair.edition} may be editions of one story"
        f" ({pair.confidence:.2f}{why}); not linked: give the edition a `translation_of`"
        " naming the original's url to link them"
    )


@dataclass
class AlignRun:
    report: AlignReport
    failures: list[str] = field(default_factory=list)  # inputs that could not be read


def align_paths(
    paths: Sequence[Path], store: Store, options: AlignOptions | None = None
) -> AlignRun:
    """Ingest paths (none: nothing), then align the stories their articles belong to; with
    no paths, every story in the store. ``options``: the aligner's (a bridge, a lexicon).
    Failures are collected, not raised."""
    from pipeline.ingest import IngestOptions
    from pipeline.jobs import Failure, parse_paths

    if not paths:
        return AlignRun(align_store(store, options=options))
    failures: list[str] = []
    article_ids: list[str] = []
    for item in parse_paths(paths, IngestOptions()):
        if isinstance(item, Failure):
            failures.append(str(item))
        elif isinstance(item, Article):
            article_ids.append(store.save_article(item).article_id)
    return AlignRun(align_store(store, only=article_ids, options=options), failures)


def summary_lines(report: AlignReport) -> list[str]:
    """What `pipeline align` prints: links, uncertain pairs, units by kind, and the sentences
    only one edition has."""
    lines = []
    for pair, link in zip(report.pairs, report.links, strict=True):
        how = "declared" if pair.declared else ", ".join(pair.reasons)
        lines.append(
            f"linked    {link.edition_id}  {link.lang} edition of {link.original_id}"
            f" (confidence {pair.confidence:.2f}: {how}); {link.aligned}/{link.segments}"
            " sentences have its human text"
        )
    for pair in report.uncertain:
        lines.append(f"uncertain {uncertain_line(pair)}")
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(report.kinds.items()))
    lines.append(
        f"units {sum(report.kinds.values())}{f' ({kinds})' if kinds else ''};"
        f" human versions written {report.written}, people's kept {report.kept};"
        f" memory pairs {report.memory}"
    )
    for item in report.one_sided:
        lines.append(f"only {item.lang}   {item.article_id} {item.key}: {item.text}")
    return lines
