"""Align the editions of one story (the same story as the newsroom wrote it in uk, ru and en).

The interface the store, the CLI, `eval` and the web desk build on. Inputs are plain text (no
store, no models); an optional ``bridge`` lets the project's own MT help when models are present.

Shapes:
- ``Edition(lang, paragraphs)``: one edition, ``paragraphs`` a tuple of paragraphs, each a tuple
  of sentences in reading order. Sentences are referred to by their *flat index*: the position
  in the edition's sentences read paragraph by paragraph, counted from 0.
- ``AlignedUnit.sentences``: for each language, the flat indexes of the sentences that say the
  same thing (an empty tuple where that edition has nothing for it, a 1-0 / 0-1 unit).
- ``align_editions`` returns units covering every sentence of every edition exactly once, in
  reading order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from pipeline.align.lexicon import Lexicon, learn, seed_lexicon, unit_pairs
from pipeline.align.threeway import Tuning, align_many

# bridge(texts, source_lang, target_lang) -> translations, one per text (the project's MT).
Bridge = Callable[[Sequence[str], str, str], list[str]]


@dataclass(frozen=True)
class Edition:
    lang: str
    paragraphs: tuple[tuple[str, ...], ...]

    @property
    def sentences(self) -> tuple[str, ...]:
        return tuple(sentence for paragraph in self.paragraphs for sentence in paragraph)


@dataclass(frozen=True)
class AlignedUnit:
    """One unit: language -> flat sentence indexes; ``confidence`` in [0, 1]."""

    sentences: Mapping[str, tuple[int, ...]] = field(hash=False)
    confidence: float = 1.0

    def kind(self, langs: Sequence[str]) -> str:
        """Sentence counts in the order of ``langs``: "2-1-1", "1-0"."""
        return "-".join(str(len(self.sentences.get(lang, ()))) for lang in langs)


@dataclass(frozen=True, kw_only=True)
class AlignOptions:
    """``bridge``: the project's MT, used when models are present; ``tuning``: the aligner's
    knobs (defaults tuned on benchmarks/align_bench.py's tuning half); ``lexicon``: word pairs
    learned from many stories (``learn_lexicon``), an extra similarity where it knows a word;
    None: the packaged seed lexicon (``lexicon.seed_lexicon``) unless ``tuning.seed_lexicon`` is
    off, joined with ``glossary``. ``glossary``: the newsroom's own word list
    (``lexicon.read_glossary``), joined with the seed wherever the seed is used: alone, and under
    what ``learn_lexicon`` learns."""

    bridge: Bridge | None = None
    tuning: Tuning = field(default_factory=Tuning)
    lexicon: Lexicon | None = None
    glossary: Lexicon | None = None


def start_lexicon(options: AlignOptions) -> Lexicon | None:
    """What every alignment starts from: the seed lexicon (unless ``tuning.seed_lexicon`` is
    off) joined with ``options.glossary``; None when neither is there. A new object each call:
    a lexicon keeps a view per span it was asked about, which must not outlive one story or
    batch."""
    seed = seed_lexicon() if options.tuning.seed_lexicon else None
    if seed is None:
        return options.glossary
    if options.glossary is None:
        return Lexicon(seed.links, seed.ratios)
    return seed.union(options.glossary)


def align_editions(
    editions: Sequence[Edition], *, options: AlignOptions | None = None
) -> list[AlignedUnit]:
    """Align two or three editions of one story into units (per pair 1-1, 2-1, 1-2, 2-2, 3-1,
    1-3, 1-0, 0-1).

    Paragraphs first (a moved paragraph is put back in place), then sentences by a dynamic
    programme over model-free similarity (transliterated character trigrams, numbers and names as
    anchors, a Gale-Church length prior); uk and ru are aligned first and English against both
    (see ``pipeline.align.threeway``). Returns units in the first edition's reading order (uk's
    when present), each mapping every edition's language to flat sentence indexes (``()`` where
    that edition has none), with a confidence in [0, 1]. One edition gives one unit per sentence;
    none gives ``[]``. Raises ValueError when two editions share a language. Accuracy and speed:
    benchmarks/align_bench.py.
    """
    options = options or AlignOptions()
    langs = [edition.lang for edition in editions]
    if len(set(langs)) != len(langs):
        raise ValueError(f"one edition per language, got {langs}")
    if not editions:
        return []
    lexicon = options.lexicon if options.lexicon is not None else start_lexicon(options)
    units = align_many(
        [(edition.lang, edition.paragraphs) for edition in editions],
        bridge=options.bridge,
        tuning=options.tuning,
        lexicon=lexicon,
    )
    return [AlignedUnit(sentences=sentences, confidence=conf) for sentences, conf in units]


# A unit's confidence from which its 1-1 pairs teach the lexicon. Tune three-way strict F1 (seeds
# 1 / 3): 0.35 gave 0.810 / 0.811, 0.5 0.801 / 0.823, 0.65 0.797 / 0.811.
LEARN_CONFIDENCE = 0.5


def learn_lexicon(
    stories: Sequence[Sequence[Edition]],
    *,
    options: AlignOptions | None = None,
    rounds: int = 2,
    known: Sequence[tuple[str, str, str, str]] = (),
) -> Lexicon:
    """Word pairs learned from the editions of many stories, without gold or models.

    Each story (its editions, two or three languages) is aligned with ``options``; every unit
    with exactly one sentence in two languages and confidence >= ``LEARN_CONFIDENCE`` is taken as
    a translation pair, and ``lexicon.learn`` keeps the stem pairs that co-occur in them clearly
    more than chance. With ``rounds`` > 1 the stories are aligned again with the lexicon so far
    and it is learned anew: two rounds took align_bench's tune half (seed 1) pairwise uk-en
    strict F1 from 0.838 to 0.860 and ru-en from 0.858 to 0.879, three-way 0.783 to 0.785
    (seed 3: uk-en 0.859 to 0.884, three-way 0.810 both); a third added nothing clear. Pass the
    result as ``AlignOptions(lexicon=...)``. A batch of a few hundred sentences is enough to help
    (benchmarks/align_bench.py: about 540 per half). ``known``: sentence pairs ``(lang_a, text_a,
    lang_b, text_b)`` found before (stored units of stories aligned earlier), learned from in
    every round besides the pairs the stories give. With ``tuning.seed_lexicon`` (the default)
    each round's lexicon is the seed lexicon joined with what was learned (tune half, mean of
    seeds 1, 3, 5, 7, three-way strict F1: 0.893 without the seed, 0.912 with it joined to the
    last round's, 0.920 to every round's), and with ``options.glossary`` the glossary too
    (``start_lexicon``).
    """
    options = options or AlignOptions()
    start = start_lexicon(options)

    def with_seed(learned: Lexicon) -> Lexicon:
        return start.union(learned) if start is not None else learned

    lexicon = options.lexicon
    if lexicon is None and known:
        lexicon = with_seed(learn(known))
    for _ in range(rounds):
        current = replace(options, lexicon=lexicon)
        lexicon = with_seed(learn([*known, *confident_pairs(stories, options=current)]))
    return lexicon or Lexicon()


def confident_pairs(
    stories: Sequence[Sequence[Edition]], *, options: AlignOptions | None = None
) -> list[tuple[str, str, str, str]]:
    """``(lang_a, text_a, lang_b, text_b)`` for every two editions holding one sentence each in a
    unit of confidence >= ``LEARN_CONFIDENCE``, each story aligned with ``options``: what a
    lexicon learns from (and what ``pipeline align`` reads back from stored units of earlier
    stories as ``learn_lexicon``'s ``known``)."""
    pairs: list[tuple[str, str, str, str]] = []
    for editions in stories:
        texts = {e.lang: e.sentences for e in editions}
        for unit in align_editions(editions, options=options):
            if unit.confidence >= LEARN_CONFIDENCE:
                pairs += unit_pairs(
                    {lang: [texts[lang][i] for i in unit.sentences.get(lang, ())] for lang in texts}
                )
    return pairs
