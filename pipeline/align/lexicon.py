"""A word lexicon learned from the editions being aligned (hunalign's second pass, no gold).

Character trigrams of the transliteration find names, numbers and cognates, which uk and ru
share a lot of and English little. hunalign (Varga et al., 2005) closes the gap without a
dictionary: align once by length and cognates, take the confident 1-1 pairs, count which words
co-occur in them, then align again with the word pairs as an extra similarity. Here:

- a word's *stem* is its first ``STEM`` letters, lower-cased (crude, but it lets Ukrainian and
  Russian case endings meet one English form, and needs no language data);
- the first alignment's units with one sentence in two editions and a confidence of at least
  ``editions.LEARN_CONFIDENCE`` are the pairs learned from;
- over the confident 1-1 pairs of a language pair, a stem pair is kept when it co-occurs in at
  least ``MIN_PAIRS`` pairs with a Dice coefficient (2 * together / (alone_a + alone_b)) of at
  least ``MIN_DICE``;
- the lexical similarity of two spans is the share of their *known* stems (those the lexicon has
  an entry for) whose translation is on the other side (``Lexicon.score``);
- the same pairs give each language pair's length ratio (characters of one per character of the
  other, ``Lexicon.ratio``), which the length prior of each story blends with its own estimate.

A lexicon is learned over many stories at once (a batch, a newsroom's archive): one story has too
few sentences to teach anything. ``pipeline.align.editions.learn_lexicon`` aligns the stories and
calls ``learn``; ``AlignOptions(lexicon=...)`` uses it.

A *seed lexicon* ships with the package (``pipeline/data/seed_lexicon.tsv``: about 870 common
words of news text, written for this project, not drawn from a corpus), so that one story alone,
or the first round of learning, has English links too (``seed_lexicon``); what a batch teaches is
added to it (``Lexicon.union``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from itertools import permutations
from pathlib import Path

# Stem length in letters. align_bench tune half, seed 1, three-way strict F1: 0.783 at 4 and 0.776
# at 5 with lexicon_weight 0.25; 0.770, 0.768 and 0.762 at 4, 5 and 6 with 0.4.
STEM = 4
# Words shorter than this carry no stem (prepositions, articles: they co-occur with everything);
# 4 gave 0.776 against 0.783 at 3 (same measure).
MIN_WORD = 3
# A stem pair seen together once is chance as often as not: 3 gave 0.754 against 0.776 at 2
# (tune seed 1, STEM 5).
MIN_PAIRS = 2
# Dice a stem pair needs. Tune three-way strict F1 at 0.25 / 0.3 / 0.35 / 0.4 / 0.45: seed 1
# 0.810 / 0.812 / 0.822 / 0.815 / 0.815, seed 3 0.823 / 0.817 / 0.818 / 0.815 / 0.809 (all other
# defaults as shipped); 0.35's edge is within the seed-to-seed noise, so 0.3 stays.
MIN_DICE = 0.3
# Spans whose stems' translations a lexicon keeps (``Lexicon._view``): the programme asks about
# one story's spans again and again, but a lexicon serves a whole batch, and keeping every span's
# grew ``pipeline align`` by about 1 MB a story (1,500 dated stories: 466 MB -> 1.8 GB).
VIEWS_KEPT = 20_000
# Pairs a language pair's length ratio is learned from: fewer say more about the story than about
# the two languages.
RATIO_PAIRS = 30
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@lru_cache(maxsize=65536)
def stems(text: str) -> frozenset[str]:
    """Lower-cased ``STEM``-letter prefixes of the words of ``text`` with ``MIN_WORD`` letters."""
    return frozenset(w.lower()[:STEM] for w in _WORD.findall(text) if len(w) >= MIN_WORD)


@dataclass(frozen=True)
class Lexicon:
    """Stem translations per ordered language pair: ``links[(src, tgt)][stem] -> stems``.

    Both directions of a pair are kept, so a lookup never needs to invert the map.
    """

    links: Mapping[tuple[str, str], Mapping[str, frozenset[str]]] = field(default_factory=dict)
    # Target characters per source character over the pairs learned from, per ordered language
    # pair (at least RATIO_PAIRS pairs): the length prior's ratio for the whole batch.
    ratios: Mapping[tuple[str, str], float] = field(default_factory=dict)
    # (source, target, stems) -> (stems with an entry, their translations): the programme asks
    # about the same spans again and again.
    _views: dict[tuple[str, str, frozenset[str]], tuple[int, frozenset[str]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __len__(self) -> int:
        return sum(len(table) for table in self.links.values()) // 2

    def ratio(self, source: str, target: str) -> float | None:
        """Target characters per source character learned for the pair, or None."""
        return self.ratios.get((source, target))

    def union(self, other: Lexicon) -> Lexicon:
        """Both lexicons' links; ``other``'s length ratios where it has them, else this one's."""
        links: dict[tuple[str, str], dict[str, frozenset[str]]] = {}
        for key in {*self.links, *other.links}:
            table = dict(self.links.get(key, {}))
            for stem, targets in other.links.get(key, {}).items():
                table[stem] = table.get(stem, frozenset()) | targets
            links[key] = table
        return Lexicon(links, {**self.ratios, **other.ratios})

    def knows(self, source: str, target: str) -> bool:
        return bool(self.links.get((source, target)))

    def _view(self, words: frozenset[str], source: str, target: str) -> tuple[int, frozenset[str]]:
        key = (source, target, words)
        found = self._views.get(key)
        if found is None:
            if len(self._views) >= VIEWS_KEPT:
                self._views.clear()
            table = self.links.get((source, target), {})
            image: set[str] = set()
            known = 0
            for stem in words:
                options = table.get(stem)
                if options is not None:
                    known += 1
                    image.update(options)
            found = self._views[key] = (known, frozenset(image))
        return found

    def score(
        self, first: frozenset[str], source: str, second: frozenset[str], target: str
    ) -> float | None:
        """Share in [0, 1] of the known stems of both sides translated on the other side, or
        None when neither side has a known stem (the lexicon says nothing)."""
        known_first, image_first = self._view(first, source, target)
        known_second, image_second = self._view(second, target, source)
        known = known_first + known_second
        if not known:
            return None
        # A stem of ``first`` has a translation in ``second`` exactly when it is in the image of
        # ``second`` (the two directions hold the same links).
        return (len(first & image_second) + len(second & image_first)) / known


def unit_pairs(sentences: Mapping[str, Sequence[str]]) -> list[tuple[str, str, str, str]]:
    """``(lang_a, text_a, lang_b, text_b)`` for every two languages of a unit (language -> its
    sentences) that hold exactly one sentence each: what ``learn`` takes from a 1-1 link."""
    single = sorted(lang for lang, texts in sentences.items() if len(texts) == 1)
    return [
        (first, sentences[first][0], second, sentences[second][0])
        for k, first in enumerate(single)
        for second in single[k + 1 :]
    ]


def learn(
    pairs: Iterable[tuple[str, str, str, str]],
    *,
    min_pairs: int | None = None,
    min_dice: float | None = None,
) -> Lexicon:
    """A lexicon from sentence pairs ``(lang_a, text_a, lang_b, text_b)`` thought to translate
    each other (confident 1-1 units of a first alignment).

    For each language pair, stems are counted over the pairs they occur in and stem pairs over
    the pairs both occur in; a stem pair is linked when together >= ``min_pairs`` and its Dice
    >= ``min_dice`` (``MIN_PAIRS`` and ``MIN_DICE`` when not given).
    """
    min_pairs = MIN_PAIRS if min_pairs is None else min_pairs
    min_dice = MIN_DICE if min_dice is None else min_dice
    alone: dict[tuple[str, str], tuple[Counter[str], Counter[str]]] = {}
    together: dict[tuple[str, str], Counter[tuple[str, str]]] = {}
    lengths: dict[tuple[str, str], list[int]] = {}  # pairs, characters of a, characters of b
    for lang_a, text_a, lang_b, text_b in pairs:
        if lang_a > lang_b:
            lang_a, text_a, lang_b, text_b = lang_b, text_b, lang_a, text_a
        key = (lang_a, lang_b)
        counted = lengths.setdefault(key, [0, 0, 0])
        counted[0] += 1
        counted[1] += len(text_a)
        counted[2] += len(text_b)
        a, b = stems(text_a), stems(text_b)
        counts = alone.setdefault(key, (Counter(), Counter()))
        counts[0].update(a)
        counts[1].update(b)
        together.setdefault(key, Counter()).update((x, y) for x in a for y in b)
    links: dict[tuple[str, str], dict[str, frozenset[str]]] = {}
    for key, joint in together.items():
        count_a, count_b = alone[key]
        forward: dict[str, set[str]] = {}
        backward: dict[str, set[str]] = {}
        for (x, y), both in joint.items():
            if both >= min_pairs and 2.0 * both / (count_a[x] + count_b[y]) >= min_dice:
                forward.setdefault(x, set()).add(y)
                backward.setdefault(y, set()).add(x)
        links[key] = {x: frozenset(ys) for x, ys in forward.items()}
        links[(key[1], key[0])] = {y: frozenset(xs) for y, xs in backward.items()}
    ratios: dict[tuple[str, str], float] = {}
    for (lang_a, lang_b), (count, chars_a, chars_b) in lengths.items():
        if count >= RATIO_PAIRS and chars_a and chars_b:
            ratios[(lang_a, lang_b)] = chars_b / chars_a
            ratios[(lang_b, lang_a)] = chars_a / chars_b
    return Lexicon(links, ratios)


SEED_LANGS = ("en", "uk", "ru")


@cache
def seed_lexicon() -> Lexicon:
    """The packaged seed lexicon (``pipeline/data/seed_lexicon.tsv``): every stem of a line's
    forms in one language linked with every stem of its forms in each other language, for all
    six ordered pairs of en, uk and ru. Read once per process; no length ratios.

    Raises ValueError naming the line when a line has not three tab-separated cells.
    """
    text = resources.files("pipeline").joinpath("data/seed_lexicon.tsv").read_text("utf-8")
    return parse_seed(text)


def parse_seed(text: str, *, name: str = "seed lexicon") -> Lexicon:
    """A lexicon from seed-lexicon lines (see ``seed_lexicon``); ``#`` lines and blank lines are
    skipped. Raises ValueError "``name`` line N: ..." for a line without three cells."""
    tables: dict[tuple[str, str], dict[str, set[str]]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != len(SEED_LANGS):
            raise ValueError(
                f"{name} line {number}: want en, uk and ru cells separated by tabs"
                " (an empty cell where a language has no form)"
            )
        found = {lang: stems(cell) for lang, cell in zip(SEED_LANGS, cells, strict=True)}
        for source, target in permutations(SEED_LANGS, 2):
            table = tables.setdefault((source, target), {})
            for stem in found[source]:
                table.setdefault(stem, set()).update(found[target])
    return Lexicon(
        {key: {s: frozenset(t) for s, t in table.items()} for key, table in tables.items()}
    )


def read_glossary(path: Path) -> Lexicon:
    """A newsroom's own word list (names, places, institutions, its terms) in the seed lexicon's
    form: one concept a line, English forms <TAB> Ukrainian forms <TAB> Russian forms, ``#``
    comments. Aligning joins it with the seed lexicon (``AlignOptions.glossary``), so words that
    neither transliteration nor the seed link ("Міноборони" / "Минобороны" / "Defence
    Ministry") count as translations.

    Raises ValueError naming the file (and the line) when it cannot be read or a line has not
    three tab-separated cells."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValueError(f"glossary {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"glossary {path}: cannot be read as UTF-8 text ({exc})") from None
    return parse_seed(text, name=f"glossary {path}")
