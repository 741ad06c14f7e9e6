"""Find the editions of one story among stored articles (pure: plain records in, pairs out).

A newsroom that publishes in uk, ru and en has each story as two or three articles. They are
paired in two ways:

- **declared**: an article whose ``translation_of`` names another's url (or id; urls compare
  as pages: ``domain.page_key``), or one the store already links (``edition_of``). Confidence
  1.0. A saved web page's hreflang alternates give its ``translation_of`` at ingest
  (``ingest.html.declared_original``).
- **automatic**: two articles in different languages scored on what editions share:
  - the url with its language marker taken out (``/uk/`` ``/rus/`` ``/en/`` path parts, a
    ``-ua``/``_en`` suffix on a path part, ``?lang=``/``?hl=``, a ``ru.``/``en.`` subdomain):
    the same language-neutral url is the strongest sign (``URL_SAME``), and so is the same
    article number on one site whose languages have domains and slugs of their own
    (``ukrinform.ua/.../3841234-...`` and ``ukrinform.net/.../3841234-...``; ``addresses``);
  - the same for the file an article was read from, where its name or folder carries a
    language marker (``budget.uk.md`` / ``budget.en.md``, ``uk/budget.md`` / ``en/budget.md``,
    ``budget_ru.txt``), counted as a url is, when that name holds one article per language;
  - their texts: each the other's most similar article of its language, clearly ahead of
    the runner-up (``documents``: TF-IDF over transliterated trigrams, numbers and names),
    looked at again once the surest pairs are linked and no longer anyone's rivals;
  - the date (the same day, or the next: editions go out within hours);
  - numbers both texts hold (amounts, dates, counts survive translation as digits);
  - names: capitalised words, transliterated to Latin letters, that both texts hold;
  - title similarity (`pipeline.align.similarity.text_similarity`).

  A pair at or above ``LINK`` is linked; one between ``REPORT`` and ``LINK`` is *uncertain*:
  reported, never linked (a wrong link would put one story's text into another's). The
  weights were set by hand on the samples and the tests' cases, the texts' weight on
  benchmarks/pairing_bench.py's tune half; see ``pair_score``.

A story is a set of linked articles with one per language; its original is the article the
others declare themselves editions of, else the earliest dated, else the first in uk, ru, en
order (the newsrooms this serves write in Ukrainian first).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date as Date
from functools import lru_cache

from pipeline.align.addresses import article_number, neutral_path, neutral_url, unique_keys
from pipeline.align.candidates import (
    Candidate,
    by_day,
    candidate_keys,
    day_of,
    pairs_to_score,
    within_a_day,
    worth_scoring,
)
from pipeline.align.documents import (
    MIN_OTHERS,
    DocumentIndex,
    Ranking,
    evidence,
    sentence_margin,
)
from pipeline.align.similarity import same_script
from pipeline.domain import page_key

LANG_ORDER: tuple[str, ...] = ("uk", "ru", "en")

# Confidence thresholds (see the module docstring).
LINK = 0.75
REPORT = 0.4
URL_SAME = 0.9
# Weight of title similarity in an automatic pair's score (``pair_score``).
TITLE_WEIGHT = 0.35
# Weight of the texts' evidence (``documents``) in an automatic pair's score, and the evidence
# that links a pair with no date in common. Set on benchmarks/pairing_bench.py's tune half.
CONTENT_WEIGHT = 0.8
CONTENT_UNDATED = 0.5

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_WORD = re.compile(r"\w+")
_TRANSLIT = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ye",
        "ё": "e", "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k",
        "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
        "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
        "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "'": "", "’": "",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Pair:
    """Two articles that may be editions of one story; ``reasons`` name what agreed."""

    original: str
    edition: str
    confidence: float
    reasons: tuple[str, ...] = ()
    declared: bool = False


@dataclass(frozen=True)
class Story:
    """An original and its linked editions (at most one per language)."""

    original: str
    editions: tuple[Pair, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return (self.original, *(pair.edition for pair in self.editions))


@dataclass
class Pairing:
    stories: list[Story] = field(default_factory=list)
    uncertain: list[Pair] = field(default_factory=list)  # reported, not linked


def numbers(text: str) -> set[str]:
    """Numbers written with digits, separators normalised ("3,2" and "3.2" are one)."""
    return {n.replace(",", ".") for n in _NUMBER.findall(text)}


def names(text: str) -> set[str]:
    """Capitalised words not at a sentence start, in Latin letters (Kyiv/Київ/Киев -> kyi..),
    cut to 4 letters so case endings and spelling variants meet."""
    found = set()
    for index, match in enumerate(_WORD.finditer(text)):
        word = match.group()
        if not word[:1].isupper() or index == 0 or _after_stop(text, match.start()):
            continue
        latin = _latin(word)
        if len(latin) >= 4:
            found.add(latin[:4])
    return found


def _after_stop(text: str, start: int) -> bool:
    """Whether the last non-space character before ``start`` ends a sentence or opens a quote."""
    at = start - 1
    while at >= 0 and text[at].isspace():
        at -= 1
    return at >= 0 and text[at] in '.!?«"'


def _latin(word: str) -> str:
    plain = unicodedata.normalize("NFKD", word.lower().translate(_TRANSLIT))
    return "".join(ch for ch in plain if ch.isascii() and ch.isalpha())


# Large enough for a batch of thousands of articles: each is asked about once per other article.
@lru_cache(maxsize=65536)
def _anchors(candidate: Candidate) -> tuple[set[str], set[str]]:
    """Numbers and names of a candidate's title and text (each pair of a batch asks again)."""
    text = " ".join((candidate.title, *candidate.sentences))
    return numbers(text), names(text)


def _overlap(a: set[str], b: set[str]) -> float:
    """Shared items over the larger set (0 when either is empty): editions hold nearly the same
    numbers and names, while a short text's few numbers are easily found in a long one."""
    if not a or not b:
        return 0.0
    return len(a & b) / max(len(a), len(b))


def title_similarity(a: str, b: str) -> float:
    """Cross-language similarity of two titles in [0, 1] (``similarity.text_similarity``)."""
    from pipeline.align.similarity import text_similarity

    return text_similarity(a, b)


def pair_score(
    a: Candidate,
    b: Candidate,
    *,
    same_file: bool = False,
    same_number: bool = False,
    content: float = 0.0,
) -> tuple[float, tuple[str, ...]]:
    """How sure we are that two articles are editions of one story, in [0, 1], and why.

    The same language-neutral url, or (``same_file``) the same language-neutral file name, or
    (``same_number``) the same site and article number in the url (``addresses``), gives
    ``URL_SAME`` (+0.1 when the day agrees; down to 0.5 when the dates are more than a
    day apart: a url reused for a different story). Without it, a weighted sum of title
    similarity (0.35), shared numbers (0.25), shared names (0.2), the same day (0.2) and
    ``content``, the evidence of the two texts in [0, 1] (``documents.evidence`` or
    ``documents.sentence_evidence``, weighted ``CONTENT_WEIGHT``); a pair with no date in
    common stays under ``LINK`` unless ``content`` is at least ``CONTENT_UNDATED``."""
    if a.lang == b.lang:
        return 0.0, ()
    reasons: list[str] = []
    day_a, day_b = day_of(a.date), day_of(b.date)
    days_apart = abs((day_a - day_b).days) if day_a and day_b else None
    same_day = days_apart is not None and days_apart <= 1
    url_a, url_b = neutral_url(a.url), neutral_url(b.url)
    same_url = bool(url_a and url_b and url_a[0] == url_b[0] and url_a[1] != url_b[1])
    if same_url or same_file or same_number:
        reasons.append("url" if same_url else "file name" if same_file else "url number")
        if days_apart is not None and days_apart > 1:
            return 0.5, (*reasons, f"dates {days_apart} days apart")
        if same_day:
            reasons.append("date")
        return (URL_SAME + (0.1 if same_day else 0.0)), tuple(reasons)
    numbers_a, names_a = _anchors(a)
    numbers_b, names_b = _anchors(b)
    title = title_similarity(a.title, b.title)
    shared_numbers = _overlap(numbers_a, numbers_b)
    shared_names = _overlap(names_a, names_b)
    score = (
        TITLE_WEIGHT * title + 0.25 * shared_numbers + 0.2 * shared_names + (0.2 if same_day else 0)
    )
    score += CONTENT_WEIGHT * content
    for name, value in (
        ("title", title),
        ("numbers", shared_numbers),
        ("names", shared_names),
        ("text", content),
    ):
        if value >= 0.5:
            reasons.append(f"{name} {value:.2f}")
    if same_day:
        reasons.append("date")
    elif content < CONTENT_UNDATED:
        score = min(score, LINK - 0.05)
    return round(min(score, 1.0), 3), tuple(reasons)


def pair_editions(
    candidates: Sequence[Candidate],
    *,
    focus: Iterable[str] | None = None,
    link: float = LINK,
    report: float = REPORT,
) -> Pairing:
    """Group candidates into stories (see the module docstring for how and with what
    confidence). Every candidate in a story of two or more appears once; a candidate paired
    with nothing is left out. Pairs scoring in [report, link) come back as ``uncertain``.

    Automatic scoring compares articles of different languages only, and without a shared url
    only those dated within a day of each other (or undated); with ``focus`` (ids, e.g. the
    articles just ingested) only pairs holding one of them are scored, so an ingest into a
    large store costs little. Declared and stored links are always kept."""
    focused = set(focus) if focus is not None else None
    by_id = {c.id: c for c in candidates}
    by_url = {}
    for c in candidates:
        key = page_key(c.url)
        if key:
            by_url[key] = c.id
    parent: dict[str, str] = {c.id: c.id for c in candidates}
    langs: dict[str, set[str]] = {c.id: {c.lang} for c in candidates}
    declared_of: dict[str, str] = {}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(x: str, y: str) -> bool:
        rx, ry = root(x), root(y)
        if rx == ry or langs[rx] & langs[ry]:
            return False
        parent[ry] = rx
        langs[rx] |= langs[ry]
        return True

    pairs: list[Pair] = []
    for c in candidates:
        declared = by_url.get(page_key(c.translation_of) or "")
        if declared is None and c.translation_of in by_id:
            declared = c.translation_of
        target = c.edition_of or declared
        if target and target in by_id and target != c.id and join(target, c.id):
            declared_of[c.id] = target
            if target == declared:
                pairs.append(Pair(target, c.id, 1.0, ("declared",), declared=True))
            else:
                sure = 1.0 if c.edition_confidence is None else c.edition_confidence
                pairs.append(Pair(target, c.id, sure, ("linked before",)))
    files = unique_keys((c.id, c.lang, _neutral_file(c)) for c in candidates)
    numbered = unique_keys((c.id, c.lang, article_number(c.url)) for c in candidates)
    scored: list[Pair] = []
    ordered = sorted(candidates, key=lambda c: (_lang_rank(c.lang), c.id))
    texts = _TextEvidence(ordered, focused)
    keys = {c.id: candidate_keys(c, files, numbered) for c in candidates}
    # Where the title alone cannot reach ``report``, an undated article is scored only with
    # those it could reach it with (``_Apart``), not with every other article.
    apart = _Apart(ordered, texts).of if report > TITLE_WEIGHT else None
    for a, b in pairs_to_score(ordered, focused, keys, apart):
        if a.lang == b.lang or root(a.id) == root(b.id):
            continue
        same_file = a.id in files and files[a.id] == files.get(b.id)
        same_number = a.id in numbered and numbered[a.id] == numbered.get(b.id)
        if same_file or same_number or _same_url(a, b):
            confidence, reasons = pair_score(a, b, same_file=same_file, same_number=same_number)
        elif worth_scoring(a, b):
            confidence, reasons = pair_score(a, b, content=texts.evidence(a, b))
        else:
            continue
        if confidence >= report:
            scored.append(Pair(a.id, b.id, confidence, reasons))
    scored.sort(key=lambda p: (-p.confidence, p.original, p.edition))
    for pair in scored:
        if pair.confidence >= link and join(pair.original, pair.edition):
            pairs.append(pair)

    # A second look at what fell short, now that linked editions are no one else's rivals: an
    # article already in a story holding the other language is taken.
    rescored = _second_look(
        scored,
        by_id,
        texts,
        taken=lambda rival, lang: lang in langs[root(rival)],
        open_pair=lambda a, b: not langs[root(a)] & langs[root(b)],
        link=link,
    )
    rescored.sort(key=lambda p: (-p.confidence, p.original, p.edition))
    uncertain = []
    for pair in rescored:
        if pair.confidence >= link and join(pair.original, pair.edition):
            pairs.append(pair)
        elif pair.confidence < link and root(pair.original) != root(pair.edition):
            uncertain.append(pair)
    scored = rescored
    groups: dict[str, list[str]] = {}
    for c in candidates:
        groups.setdefault(root(c.id), []).append(c.id)
    known = _KnownPairs(pairs + scored)
    stories = []
    for members in groups.values():
        if len(members) < 2:
            continue
        original = _original(members, by_id, declared_of)
        editions = [_edition_pair(original, m, known) for m in members if m != original]
        editions.sort(key=lambda p: _lang_rank(by_id[p.edition].lang))
        stories.append(Story(original, tuple(editions)))
    stories.sort(key=lambda s: s.original)
    return Pairing(stories=stories, uncertain=uncertain)


def _neutral_file(candidate: Candidate) -> str | None:
    neutral = neutral_path(candidate.source_path)
    return neutral[0] if neutral else None


def _lang_rank(lang: str) -> int:
    return LANG_ORDER.index(lang) if lang in LANG_ORDER else len(LANG_ORDER)


class _KnownPairs:
    """Pairs (linked first, then every scored one) looked up by their two articles: the first
    pair of two articles, and the weakest pair holding an article."""

    def __init__(self, pairs: Iterable[Pair]) -> None:
        self.first: dict[frozenset[str], Pair] = {}
        self.weakest: dict[str, float] = {}
        for pair in pairs:
            self.first.setdefault(frozenset((pair.original, pair.edition)), pair)
            for member in (pair.original, pair.edition):
                self.weakest[member] = min(self.weakest.get(member, 1.0), pair.confidence)


def _edition_pair(original: str, member: str, known: _KnownPairs) -> Pair:
    """The pair of member and the original: direct, else through another edition (as sure as
    the weakest of member's links)."""
    pair = known.first.get(frozenset((original, member)))
    if pair is not None:
        return Pair(original, member, pair.confidence, pair.reasons, pair.declared)
    weakest = known.weakest.get(member, 0.0)
    return Pair(original, member, weakest, ("through another edition",))


def _second_look(
    scored: list[Pair],
    by_id: dict[str, Candidate],
    texts: _TextEvidence,
    *,
    taken: Taken,
    open_pair: Callable[[str, str], bool],
    link: float,
) -> list[Pair]:
    """``scored`` with each pair under ``link`` that could still be linked (``open_pair``)
    scored again, its texts' rivals leaving out the ``taken``. A pair whose dates are too far
    apart for editions (a url or file name reused) stays as it was."""
    out = []
    for pair in scored:
        a, b = by_id[pair.original], by_id[pair.edition]
        if pair.confidence < link and open_pair(a.id, b.id) and worth_scoring(a, b):
            content = texts.evidence(a, b, taken=taken)
            if content:
                confidence, reasons = pair_score(a, b, content=content)
                pair = Pair(a.id, b.id, confidence, reasons)
        out.append(pair)
    return out


def _same_url(a: Candidate, b: Candidate) -> bool:
    url_a, url_b = neutral_url(a.url), neutral_url(b.url)
    return bool(url_a and url_b and url_a[0] == url_b[0])


Taken = Callable[[str, str], bool]


class _TextEvidence:
    """``documents.evidence`` for pairs of candidates: each must be the other's most similar
    article (``documents.DocumentIndex``) among the candidates of its language it is worth
    scoring with. The index covers the focused candidates and those within ``REACH_DAYS`` of
    them (all candidates without a focus or with an undated one), built on first use: a batch
    of declared or url-linked editions never needs it."""

    def __init__(self, candidates: Sequence[Candidate], focused: set[str] | None) -> None:
        self._candidates = candidates
        self._by_id = {c.id: c for c in candidates}
        self._langs = sorted({c.lang for c in candidates})
        self._focused = focused
        self._index: DocumentIndex | None = None
        self._scope: list[Candidate] = []
        self._ranked: dict[tuple[str, str], Ranking] = {}
        # Per language: the scope's undated candidates and its dated ones by day, so a dated
        # article's rivals are looked up by day, not found by a pass over the whole scope.
        self._undated: dict[str, list[Candidate]] = {}
        self._by_day: dict[str, dict[Date, list[Candidate]]] = {}
        self._place: dict[str, int] = {}

    def _build(self) -> DocumentIndex:
        if self._index is None:
            scope = list(self._candidates)
            if self._focused is not None:
                days = {day_of(c.date) for c in scope if c.id in self._focused}
                if None not in days:  # an undated article may be an edition of any other
                    scope = [
                        c
                        for c in scope
                        if c.id in self._focused or _near_days(day_of(c.date), days, REACH_DAYS)
                    ]
            self._scope = scope
            self._place = {c.id: k for k, c in enumerate(scope)}
            for lang in {c.lang for c in scope}:
                undated, dated = by_day(c for c in scope if c.lang == lang)
                self._undated[lang], self._by_day[lang] = undated, dated
            self._index = DocumentIndex({c.id: (c.title, *c.sentences) for c in scope})
        return self._index

    def _rivals(self, one: Candidate, lang: str) -> list[Candidate]:
        """The scope's candidates of ``lang`` worth scoring with ``one``, in the scope's order."""
        day = day_of(one.date)
        if day is None:
            return [c for c in self._scope if c.lang == lang]
        found = within_a_day(day, self._undated.get(lang, []), self._by_day.get(lang, {}))
        return sorted(found, key=lambda c: self._place[c.id])

    def _rank(self, one: Candidate, lang: str, taken: Taken | None = None) -> Ranking:
        key = (one.id, lang)
        found = None if taken else self._ranked.get(key)
        if found is None:
            index = self._build()
            rivals = (
                c.id for c in self._rivals(one, lang) if not (taken and taken(c.id, one.lang))
            )
            found = index.ranked(one.id, rivals)
            if not taken:
                self._ranked[key] = found
        return found

    def evidence(self, a: Candidate, b: Candidate, *, taken: Taken | None = None) -> float:
        """The texts' evidence that ``a`` and ``b`` are editions of one story; with ``taken``
        (article id, language -> whether the article is already linked to an edition in that
        language), taken articles are no rivals."""
        if self._focused is not None and a.id not in self._focused:
            a, b = b, a  # rank the focused side first: the other is ranked only if it is a's best
        of_a = self._rank(a, b.lang, taken)
        if of_a.best != b.id:
            return 0.0
        of_b = self._rank(b, a.lang, taken)
        if of_b.best != a.id:
            return 0.0
        one_script = same_script(a.lang, b.lang)
        # The sentences count by how much better the two match each other than each matches
        # its runner-up, so a follow-up of the story (its names and numbers the same) gives
        # nothing: among few others, where the cosines are too few to rank by, and where the
        # two are each other's best but not far ahead of the runner-up (stories on one subject,
        # editions that differ much). benchmarks/pairing_bench.py, undated articles, recall:
        # tune half seeds 1 / 3 0.772 / 0.784 -> 0.836 / 0.871, held-out seeds 2 / 4
        # 0.774 / 0.732 -> 0.810 / 0.792; no wrong link in any of its settings.
        rivals = [self._texts(rival) if rival else None for rival in (of_a.rival, of_b.rival)]
        if min(of_a.others, of_b.others) < MIN_OTHERS:
            return sentence_margin(
                self._texts(a.id), self._texts(b.id), rivals, same_script=one_script
            )
        runner_up = max(of_a.runner_up, of_b.runner_up)
        ranked = evidence(of_a.similarity, runner_up, same_script=one_script)
        if ranked >= 1.0:
            return ranked
        margin = sentence_margin(
            self._texts(a.id), self._texts(b.id), rivals, same_script=one_script
        )
        return max(ranked, margin)

    def mutual_best(self, one: Candidate) -> list[Candidate]:
        """The articles of other languages that ``one`` is most similar to and that are most
        similar to it (the only ones whose ``evidence`` with it is more than 0)."""
        found = []
        for lang in self._langs:
            if lang == one.lang:
                continue
            best = self._rank(one, lang).best
            if best is not None and self._rank(self._by_id[best], one.lang).best == one.id:
                found.append(self._by_id[best])
        return found

    def _texts(self, article: str) -> tuple[str, ...]:
        found = self._by_id[article]
        return (found.title, *found.sentences)


class _Apart:
    """The candidates an article may be paired with though no day is theirs in common (one of
    the two undated): ``pair_score`` gives such a pair no date, and caps it under ``LINK``
    unless its texts speak, so it reaches ``REPORT`` only through its texts, which speak only
    for two articles each the other's most similar (``_TextEvidence.mutual_best``), or through
    shared numbers or names, the title alone weighing ``TITLE_WEIGHT``, under ``REPORT``. So an
    undated article is scored with those, not with every other article, and pairing finds the
    same pairs (pairing_bench.py's undated archive, 400 and 1,200 stories: the same stories and
    uncertain pairs; with ``DocumentIndex._stack``, 17.0 s -> 4.5 s and 93.7 s -> 24.7 s of CPU)."""

    def __init__(self, candidates: Sequence[Candidate], texts: _TextEvidence) -> None:
        self._texts = texts
        self._undated = {c.id for c in candidates if day_of(c.date) is None}
        # Anchor -> the candidates holding it: all of them, and the undated alone (what a dated
        # article may be paired with here).
        self._holding: dict[str, list[Candidate]] = {}
        self._holding_undated: dict[str, list[Candidate]] = {}
        if self._undated:
            for c in candidates:
                numbers_c, names_c = _anchors(c)
                for anchor in {*numbers_c, *names_c}:
                    self._holding.setdefault(anchor, []).append(c)
                    if c.id in self._undated:
                        self._holding_undated.setdefault(anchor, []).append(c)

    def of(self, one: Candidate) -> list[Candidate]:
        """The candidates of other languages ``one`` has no day in common with that share a
        number or name with it or are its texts' mutual best, each once."""
        if not self._undated:
            return []
        undated = one.id in self._undated
        holding = self._holding if undated else self._holding_undated
        found: dict[str, Candidate] = {}
        numbers_one, names_one = _anchors(one)
        for anchor in {*numbers_one, *names_one}:
            for other in holding.get(anchor, ()):
                if other.lang != one.lang:
                    found[other.id] = other
        for other in self._texts.mutual_best(one):
            if undated or other.id in self._undated:
                found[other.id] = other
        return list(found.values())


# Days around a focused article whose articles the texts' index holds: an edition's rivals are
# within a day of it, and it within a day of the focused article.
REACH_DAYS = 2


def _near_days(day: Date | None, days: set[Date | None], reach: int) -> bool:
    return day is None or any(abs((day - other).days) <= reach for other in days if other)


def _original(members: list[str], by_id: dict[str, Candidate], declared_of: dict[str, str]) -> str:
    named = [declared_of[m] for m in members if m in declared_of]
    named = [m for m in named if m not in declared_of]
    if named:
        return named[0]

    def order(member: str) -> tuple[str, int, str]:
        c = by_id[member]
        return ((c.date or "9999")[:10], _lang_rank(c.lang), member)

    return min(members, key=order)
