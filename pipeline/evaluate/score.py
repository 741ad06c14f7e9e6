"""The human editions as a benchmark of the machine: corpus chrF and BLEU per direction, system
and article.

For every story with human editions and every edition language ``tgt`` (direction
``src>tgt``, ``src`` the original's language), each unit with sentences on both sides is one
test item: the reference is the edition's sentences joined, the hypothesis the unit's original
sentences translated and joined. Units with sentences on one side only (1-0, 0-1) are counted,
never scored as translations.

Systems (what made the hypotheses):
- ``stored <model>``: the machine versions already in the store, one system per machine run
  (``Signature.key``: model, revision, decoding, engine). A sentence already in ``tgt`` counts
  with its own text; a sentence this run lacks takes another run's newest machine text (a
  retry with the other profile's model) and the unit is counted as ``fallback``.
- ``profile <name>``: the unit's original sentences translated now through the engine with that
  profile's routes (``pipeline.translate.build_engine``). Nothing is written to the store or
  the translation memory.

Scores are sacrebleu's: ``CHRF()`` and ``BLEU()`` (13a tokenisation, exponential smoothing)
``corpus_score(hypotheses, [references])``, reported with their signatures.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.domain import Signature, Version
from pipeline.evaluate.units import NoEditions, Story, load_story, originals_with_editions
from pipeline.store import Store

if TYPE_CHECKING:
    from sacrebleu.metrics import BLEU, CHRF

    from pipeline.translate import Engine, EngineOptions

ALL = "all"  # the direction of the overall lines: every direction pooled
STORED = "stored|"  # tally keys of stored runs: STORED + Signature.key


@dataclass(frozen=True, kw_only=True)
class EvalOptions:
    """What to score. ``stored``: the machine versions in the store; ``profiles``: profiles of
    the routing table (``models_file`` overlaid on the packaged models.yaml) to translate with
    now, run with ``engine`` (device, threads; its ``profile`` is replaced per profile)."""

    stored: bool = True
    profiles: tuple[str, ...] = ()
    models_file: Path | None = None
    engine: EngineOptions | None = None


@dataclass(frozen=True)
class ModelInfo:
    """One model behind a system: ``model`` is its public name (``Signature.public_model``),
    ``model_id``/``revision`` as stored (a local folder path for local models; a pivot's legs
    joined by " + "); ``units``: scored units it translated at least one sentence of."""

    model: str
    model_id: str
    revision: str | None
    route: str
    engine: str
    units: int


@dataclass(frozen=True)
class System:
    name: str  # "stored opus-mt-tc-big-zle-en", "profile fast"
    kind: str  # "stored" or "profile"
    models: tuple[ModelInfo, ...]


@dataclass(frozen=True)
class Score:
    """sacrebleu corpus scores, 0-100, over ``units`` hypothesis/reference pairs."""

    chrf: float
    bleu: float
    units: int


@dataclass(frozen=True)
class Line:
    """One row of the report: a system in a direction (``ALL``: every direction pooled), over
    one article or, with ``article`` None, every article evaluated.

    unmatched: unit kind ("1-0": original only, "0-1": edition only) -> units; missing: units
    with both sides but no machine text from this system; fallback: scored units that took a
    sentence from another stored run."""

    direction: str
    system: str
    article: str | None
    score: Score | None  # None: no unit could be scored
    unmatched: dict[str, int] = field(default_factory=dict)
    missing: int = 0
    fallback: int = 0


@dataclass(frozen=True)
class EvalReport:
    """lines: per direction and system, then ``ALL`` per system that spans two directions or
    more; articles: per article,
    direction and system; signatures: metric name ("chrF", "BLEU") -> sacrebleu signature
    (empty when nothing was scored)."""

    stories: tuple[str, ...]
    systems: tuple[System, ...]
    lines: tuple[Line, ...]
    articles: tuple[Line, ...]
    signatures: dict[str, str]


@dataclass
class _Item:
    """One scored pair in the making."""

    article: str
    direction: str
    hypothesis: str
    reference: str
    fallback: bool = False


@dataclass
class _Tally:
    items: list[_Item] = field(default_factory=list)
    unmatched: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # art, dir, kind
    missing: Counter[tuple[str, str]] = field(default_factory=Counter)  # article, direction
    models: dict[str, tuple[Signature, set[tuple[str, str, int]]]] = field(default_factory=dict)
    signature: Signature | None = None  # a stored run's own

    def used(self, signature: Signature, unit: tuple[str, str, int]) -> None:
        self.models.setdefault(signature.key, (signature, set()))[1].add(unit)


def evaluate(store: Store, refs: Sequence[str], options: EvalOptions) -> EvalReport:
    """Score the machine against the human editions of the stories ``refs`` name (an original
    or any of its editions; none: every story with editions).

    With no stored machine text beside the editions and no ``profiles``, the default profile
    translates the units now (nothing stored).

    Raises ArticleNotFound for an unknown reference, NoEditions when a named article (or, with
    no refs, the whole store) has no human edition, RoutingError/ModelUnavailableError for a
    profile that cannot translate a direction needed (checked before anything is translated).
    """
    ids = list(refs) or originals_with_editions(store)
    if not ids:
        raise NoEditions(
            f"no article in {store.path} has a human edition",
            hint="ingest editions whose front matter says `translation_of:` their original",
        )
    stories: dict[str, Story] = {}
    for ref in ids:
        story = load_story(store, ref)
        stories.setdefault(story.original.id, story)
    tallies: dict[str, _Tally] = {}
    if options.stored:
        for story in stories.values():
            _stored(store, story, tallies)
    profiles = list(options.profiles)
    if options.stored and not profiles and not any(t.items for t in tallies.values()):
        # Machine text is made only where no person wrote (`translate --compare` makes it
        # beside the editions too): without it, the editions are scored against a translation
        # made now with the default profile, which is what a newsroom asks of `eval`.
        from pipeline.routing import load_table

        profiles = [load_table(options.models_file).profile_name(None)]
    for profile in profiles:
        tallies[f"profile {profile}"] = _profile(list(stories.values()), profile, options)
    return _report(tuple(stories), tallies)


def _pairs(story: Story, lang: str, tally: _Tally | None = None) -> Iterable[tuple[int, str]]:
    """(unit index, reference) of the units with sentences on both sides; counts the others."""
    source = story.original.lang
    direction = f"{source}>{lang}"
    for unit in story.units:
        kind = unit.kind((source, lang))
        if kind == "0-0":
            continue
        if kind.startswith("0-") or kind.endswith("-0"):
            if tally is not None:
                tally.unmatched[(story.original.id, direction, kind[0] + "-" + kind[-1])] += 1
            continue
        yield unit.index, unit.text(lang)


def _stored(store: Store, story: Story, tallies: dict[str, _Tally]) -> None:
    """Add the story's stored machine runs, one system per signature key."""
    article = story.original.id
    for lang in story.editions:
        direction = f"{story.original.lang}>{lang}"
        versions = store.article_versions(story.original, lang=lang)
        runs = _runs(versions)
        own = {v.segment_id: v for v in versions if v.origin == "source" and v.state != "stale"}
        newest = {v.segment_id: v for v in versions if v.origin == "machine" and v.state != "stale"}
        for key, run in runs.items():
            tally = tallies.setdefault(STORED + key, _Tally())
            tally.signature = tally.signature or next(v.signature for v in run.values())
            for index, reference in _pairs(story, lang, tally):
                texts, fallback = [], False
                for segment in story.units[index].segments[story.original.lang]:
                    version = run.get(segment.id or -1) or own.get(segment.id or -1)
                    if version is None:
                        version, fallback = newest.get(segment.id or -1), True
                    if version is None:
                        break
                    texts.append(version.text)
                    if version.signature is not None:
                        tally.used(version.signature, (article, direction, index))
                else:
                    tally.items.append(
                        _Item(article, direction, " ".join(texts), reference, fallback)
                    )
                    continue
                tally.missing[(article, direction)] += 1


def _runs(versions: Sequence[Version]) -> dict[str, dict[int, Version]]:
    """signature key -> segment id -> that run's newest current machine version."""
    runs: dict[str, dict[int, Version]] = defaultdict(dict)
    for version in versions:
        if version.origin == "machine" and version.signature and version.state != "stale":
            runs[version.signature.key][version.segment_id] = version
    return runs


def _system_names(keys: Iterable[str], tallies: dict[str, _Tally]) -> dict[str, str]:
    """tally key -> the system's name: "profile fast"; "stored <public model>" (with the engine
    when not transformers, and the decoding's digest when two runs of one model differ)."""
    names: dict[str, str] = {}
    for key in keys:
        if not key.startswith(STORED):
            names[key] = key
            continue
        signature = tallies[key].signature
        assert signature is not None
        name = f"stored {signature.public_model}"
        if signature.engine != "transformers":
            name += f" [{signature.engine}]"
        names[key] = name
    taken = Counter(names.values())
    for key, name in names.items():
        signature = tallies[key].signature
        if taken[name] > 1 and signature is not None:
            digest = hashlib.sha1(signature.key.encode()).hexdigest()[:6]
            names[key] = f"{name} #{digest}"
    return names


def _profile(stories: Sequence[Story], profile: str, options: EvalOptions) -> _Tally:
    """Translate every scored unit's original sentences, joined, with ``profile``'s routes."""
    from pipeline.modelstore import check_available
    from pipeline.routing import load_table
    from pipeline.translate import EngineOptions, build_engine

    table = load_table(options.models_file)
    name = table.profile_name(profile)
    directions = {(s.original.lang, lang) for s in stories for lang in s.editions}
    check_available([r for source, target in directions for r in table.plan(source, target, name)])
    engine_options = replace(options.engine or EngineOptions(), profile=name, use_memory=False)
    tally = _Tally()
    with build_engine(table, engine_options) as engine:
        for story in stories:
            for lang in story.editions:
                _translate_story(engine, story, lang, tally)
    return tally


def _translate_story(engine: Engine, story: Story, lang: str, tally: _Tally) -> None:
    source, article = story.original.lang, story.original.id
    direction = f"{source}>{lang}"
    pairs = list(_pairs(story, lang, tally))
    texts = [story.units[index].text(source) for index, _ in pairs]
    results = engine.translate(texts, source, lang) if texts else []
    for (index, reference), result in zip(pairs, results, strict=True):
        tally.items.append(_Item(article, direction, result.text, reference))
        if result.signature is not None:
            tally.used(result.signature, (article, direction, index))


# -- scoring ---------------------------------------------------------------------------------


def _report(stories: tuple[str, ...], tallies: dict[str, _Tally]) -> EvalReport:
    from sacrebleu.metrics import BLEU, CHRF  # the metrics the report is about

    chrf, bleu = CHRF(), BLEU()
    lines: list[Line] = []
    articles: list[Line] = []
    systems: list[System] = []
    names = _system_names(tallies, tallies)
    for key, tally in tallies.items():
        name = names[key]
        systems.append(
            System(name, "stored" if key.startswith(STORED) else "profile", _models(tally))
        )
        directions = sorted({i.direction for i in tally.items} | _directions(tally))
        for direction in directions:
            for article in stories:
                line = _line(tally, chrf, bleu, direction, name, article)
                if line is not None:
                    articles.append(line)
            line = _line(tally, chrf, bleu, direction, name, None)
            if line is not None:
                lines.append(line)
    for key, tally in tallies.items():
        if len({i.direction for i in tally.items} | _directions(tally)) < 2:
            continue  # the overall line would repeat its one direction's
        overall = _line(tally, chrf, bleu, ALL, names[key], None)
        if overall is not None:
            lines.append(overall)
    order = {system.name: number for number, system in enumerate(systems)}
    lines.sort(key=lambda line: (line.direction == ALL, line.direction, order[line.system]))
    articles.sort(key=lambda line: (line.article or "", line.direction, order[line.system]))
    return EvalReport(
        stories=stories,
        systems=tuple(systems),
        lines=tuple(lines),
        articles=tuple(articles),
        # sacrebleu knows a metric's signature once it has scored something
        signatures=(
            {"chrF": str(chrf.get_signature()), "BLEU": str(bleu.get_signature())}
            if any(line.score for line in lines)
            else {}
        ),
    )


def _directions(tally: _Tally) -> set[str]:
    return {d for _, d, _ in tally.unmatched} | {d for _, d in tally.missing}


def _line(
    tally: _Tally, chrf: CHRF, bleu: BLEU, direction: str, system: str, article: str | None
) -> Line | None:
    def wanted(item_article: str, item_direction: str) -> bool:
        return (article is None or item_article == article) and (
            direction == ALL or item_direction == direction
        )

    items = [i for i in tally.items if wanted(i.article, i.direction)]
    unmatched: Counter[str] = Counter()
    for (a, d, kind), count in tally.unmatched.items():
        if wanted(a, d):
            unmatched[kind] += count
    missing = sum(count for (a, d), count in tally.missing.items() if wanted(a, d))
    if not items and not unmatched and not missing:
        return None
    return Line(
        direction=direction,
        system=system,
        article=article,
        score=_corpus_score(items, chrf, bleu),
        unmatched=dict(sorted(unmatched.items())),
        missing=missing,
        fallback=sum(1 for i in items if i.fallback),
    )


def _corpus_score(items: Sequence[_Item], chrf: CHRF, bleu: BLEU) -> Score | None:
    """sacrebleu corpus chrF and BLEU of the items' hypotheses against their references."""
    if not items:
        return None
    hypotheses = [i.hypothesis for i in items]
    references = [[i.reference for i in items]]
    return Score(
        chrf=chrf.corpus_score(hypotheses, references).score,
        bleu=bleu.corpus_score(hypotheses, references).score,
        units=len(items),
    )


def _models(tally: _Tally) -> tuple[ModelInfo, ...]:
    return tuple(
        ModelInfo(
            model=signature.public_model,
            model_id=signature.model_id,
            revision=signature.revision,
            route=signature.route,
            engine=signature.engine,
            units=len(units),
        )
        for signature, units in sorted(
            tally.models.values(), key=lambda entry: (-len(entry[1]), entry[0].key)
        )
    )
