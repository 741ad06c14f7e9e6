"""Edition alignment: strict and lax F1 of pipeline.align.align_editions on edited FLORES stories.

Run: .venv/bin/python benchmarks/align_bench.py [--data ../shared/data] [--seed 2]
     [--half heldout|tune|all] [--bridge] [--no-lexicon] [--no-seed] [--no-archive] [--abridge]
     [--check] [--update-baselines [--allow-lower]]

The stories: FLORES-200 devtest is line-aligned in uk, ru and en; consecutive lines with one URL
(the metadata file) are one article, and consecutive articles are joined into stories of at
least ``MIN_LINES`` lines. Every edition of a story is then edited on its own, as newsrooms do
(seeded by --seed, story and language): each segment (a line, or a sentence of it, see ``load``)
is dropped, merged with the next, or split at a
comma with the probabilities in ``EDITS``, and a sentence from another story is now and then
added, which touches about 30% of sentences; paragraphs are grouped at random in each edition,
and in about a third of the stories one edition swaps two adjacent paragraphs. The editions are
written as Markdown stories to a temporary folder and read back through the project's ingest and
analyze, so the sentences are the project's own. Gold units are the connected groups of sentences
that share a FLORES line.

Halves: stories with an even number are the tuning half, odd the held-out half. The aligner's
defaults were tuned on ``--half tune --seed 1`` only; report ``--half heldout --seed 2``.

The aligner gets a word lexicon learned from the half's own editions (``learn_lexicon``: a first
alignment's confident 1-1 units, no gold): the "batch alone" figures, a newsroom's first batch.
A second run gives it an archive as well, as ``pipeline align`` does once a store holds earlier
stories: the other half's stories (edited with the same seed) are aligned first, with a lexicon
learned from themselves, and their confident sentence pairs join the batch's in learning
(``archive_pairs``; the "with an archive" figures; --no-archive skips the run). No gold reaches
either. Under both lies the packaged seed lexicon (``pipeline.align.lexicon.seed_lexicon``);
--no-lexicon measures it alone (nothing learned: each story as if aligned alone), --no-seed
measures without it.

Measured: pairwise alignments (two editions given) uk-ru, uk-en, ru-en and three-way (three
given), strict and lax P/R/F1 (pipeline.align.score); with --bridge also a run through the MT path
with a NoisyReference stand-in engine (the reference translation, words dropped and swapped);
and the time to align a 40-sentence three-edition story. --abridge measures English editions
that leave a whole paragraph out, as English editions of a newsroom often do (``abridge``: one
paragraph of the en edition of every story with three or more, chosen by --seed; not what the
floors describe). Targets are printed with whether each
is met; --check compares strict F1 with the "align" floors in benchmarks/baselines.json and exits
1 when one is missed.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from pipeline.align import (  # noqa: E402
    AlignOptions,
    Edition,
    align_editions,
    confident_pairs,
    learn_lexicon,
)
from pipeline.align.lexicon import Lexicon  # noqa: E402
from pipeline.align.score import Record, score, unit_records  # noqa: E402
from pipeline.align.threeway import Tuning  # noqa: E402

LANGS = ("uk", "ru", "en")
FILES = {"uk": "ukr", "ru": "rus", "en": "eng"}
MIN_LINES = 8
# Per line and edition: drop, merge with the next, split at a comma; then add a stray sentence.
EDITS = {"drop": 0.06, "merge": 0.08, "split": 0.08, "add": 0.06}
BREAK = 0.3  # chance of a paragraph break between two sentences
SWAP = 1 / 3  # share of stories in which one edition swaps two adjacent paragraphs
CONNECT = {"uk": ", і ", "ru": ", и ", "en": ", and "}
# Strict F1 without MT; pairs as measured in the three-edition alignment, as the newsroom uses it.
TARGETS = {"uk-ru": 0.95, "uk-en": 0.88, "ru-en": 0.88, "uk-ru-en": 0.85}
SPEED_TARGET_S = 0.5
BASELINES = REPO / "benchmarks" / "baselines.json"

Atom = tuple[str, int]  # ("line", segment) or ("add", segment): see ``load``


@dataclass
class Story:
    number: int
    lines: list[int]


@dataclass
class Built:
    """One story as read back: editions and, per language, each sentence's atoms."""

    name: str
    editions: dict[str, Edition]
    atoms: dict[str, list[set[Atom]]]


def load(data: Path) -> tuple[dict[str, list[str]], list[Story]]:
    """FLORES segments per language and the stories as lists of segment numbers.

    A segment is one sentence of a FLORES line as the project's splitter cuts it, the k-th
    sentences of a line saying the same thing in the three languages. A line cut into different
    numbers of sentences in different languages has no sentence-level gold (which of two Russian
    sentences goes with the one Ukrainian?) and is left out: 44 of the 1,012 devtest lines.
    """
    from pipeline.segment import split_sentences

    lines = {
        lang: (data / f"flores200_devtest.{code}.txt").read_text(encoding="utf-8").splitlines()
        for lang, code in FILES.items()
    }
    meta = (data / "flores200_devtest.metadata.tsv").read_text(encoding="utf-8").splitlines()[1:]
    urls = [row.split("\t")[0] for row in meta]
    texts: dict[str, list[str]] = {lang: [] for lang in LANGS}
    articles: list[list[int]] = []
    for index, url in enumerate(urls):
        if not (articles and urls[index - 1] == url):
            articles.append([])
        parts = {lang: split_sentences(lines[lang][index], lang) for lang in LANGS}
        if len({len(p) for p in parts.values()}) != 1:
            continue  # no sentence-level gold for it (see above)
        for k in range(len(parts["uk"])):
            articles[-1].append(len(texts["uk"]))
            for lang in LANGS:
                texts[lang].append(parts[lang][k])
    stories: list[Story] = []
    current: list[int] = []
    for article in articles:
        current += article
        if len(current) >= MIN_LINES:
            stories.append(Story(len(stories), current))
            current = []
    if current:
        stories.append(Story(len(stories), current))
    return texts, stories


def _split(text: str) -> tuple[str, str] | None:
    """Cut a sentence at the comma nearest its middle into two sentences (None if no comma)."""
    cuts = [i for i in range(len(text)) if text.startswith(", ", i)]
    cuts = [i for i in cuts if i >= 20 and len(text) - i >= 20]
    if not cuts:
        return None
    cut = min(cuts, key=lambda i: abs(i - len(text) / 2))
    rest = text[cut + 2 :]
    return text[:cut] + ".", rest[:1].upper() + rest[1:]


def _merge(first: str, second: str, lang: str) -> str:
    head = first.rstrip()
    if head.endswith("."):
        head = head[:-1]
    word = second.split(" ", 1)[0]
    if word[1:].islower():
        second = second[:1].lower() + second[1:]
    return head + CONNECT[lang] + second


def edit(
    story: Story, lang: str, texts: dict[str, list[str]], seed: int
) -> list[list[tuple[str, set[Atom]]]]:
    """One edition's paragraphs, each a list of (text, atoms) chunks."""
    rng = random.Random(f"{seed}-{story.number}-{lang}")
    chunks: list[tuple[str, set[Atom]]] = []
    lines = story.lines
    skip = False
    total = len(texts[lang])
    for k, line in enumerate(lines):
        if skip:
            skip = False
            continue
        text = texts[lang][line]
        r = rng.random()
        if r < EDITS["drop"]:
            pass
        elif r < EDITS["drop"] + EDITS["merge"] and k + 1 < len(lines):
            nxt = lines[k + 1]
            chunks.append((_merge(text, texts[lang][nxt], lang), {("line", line), ("line", nxt)}))
            skip = True
        elif r < EDITS["drop"] + EDITS["merge"] + EDITS["split"] and (cut := _split(text)):
            chunks += [(cut[0], {("line", line)}), (cut[1], {("line", line)})]
        else:
            chunks.append((text, {("line", line)}))
        if rng.random() < EDITS["add"]:
            stray = rng.randrange(total)
            while stray in lines:
                stray = rng.randrange(total)
            chunks.append((texts[lang][stray], {("add", stray)}))
    paragraphs: list[list[tuple[str, set[Atom]]]] = [[]]
    for chunk in chunks:
        if paragraphs[-1] and (rng.random() < BREAK or len(paragraphs[-1]) >= 5):
            paragraphs.append([])
        paragraphs[-1].append(chunk)
    return [p for p in paragraphs if p]


def _alnum(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def build(
    stories: Sequence[Story], texts: dict[str, list[str]], seed: int, folder: Path
) -> list[Built]:
    """Write every story's editions as Markdown, read them back through ingest + analyze."""
    from pipeline.analyze import analyze
    from pipeline.ingest import IngestOptions, read_path

    built = []
    for story in stories:
        rng = random.Random(f"{seed}-{story.number}-swap")
        swapper = rng.choice(LANGS) if rng.random() < SWAP else None
        editions: dict[str, Edition] = {}
        atoms: dict[str, list[set[Atom]]] = {}
        for lang in LANGS:
            paragraphs = edit(story, lang, texts, seed)
            if lang == swapper and len(paragraphs) >= 2:
                at = rng.randrange(len(paragraphs) - 1)
                paragraphs[at], paragraphs[at + 1] = paragraphs[at + 1], paragraphs[at]
            body = "\n\n".join(" ".join(text for text, _ in p) for p in paragraphs)
            path = folder / f"story-{story.number}.{lang}.md"
            front = f"---\ntitle: Story {story.number}\nlang: {lang}\n---\n\n"
            path.write_text(front + body + "\n", encoding="utf-8")
            (raw,) = read_path(path, IngestOptions())
            article = analyze(raw)
            read = tuple(
                tuple(s.text for s in p.sentences) for p in article.paragraphs if p.kind != "title"
            )
            editions[lang] = Edition(lang, read)
            atoms[lang] = _sentence_atoms(
                [c for p in paragraphs for c in p], editions[lang].sentences
            )
        built.append(Built(f"story-{story.number}", editions, atoms))
    return built


def _sentence_atoms(
    chunks: list[tuple[str, set[Atom]]], sentences: Sequence[str]
) -> list[set[Atom]]:
    """Each read-back sentence's atoms: the chunks its letters and digits overlap."""
    spans = []
    at = 0
    for text, chunk_atoms in chunks:
        size = len(_alnum(text))
        spans.append((at, at + size, chunk_atoms))
        at += size
    out = []
    cursor = 0
    for sentence in sentences:
        size = len(_alnum(sentence))
        found: set[Atom] = set()
        for start, end, chunk_atoms in spans:
            if start < cursor + size and cursor < end:
                found |= chunk_atoms
        out.append(found or {("add", -1 - cursor)})
        cursor += size
    return out


def gold_records(story: Built, langs: Sequence[str]) -> list[Record]:
    """Gold units over ``langs``: sentences sharing an atom, transitively."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(node: tuple[str, int]) -> tuple[str, int]:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    owner: dict[Atom, tuple[str, int]] = {}
    for lang in langs:
        for index, sentence_atoms in enumerate(story.atoms[lang]):
            node = (lang, index)
            parent[node] = node
            for atom in sentence_atoms:
                if atom in owner:
                    parent[find(node)] = find(owner[atom])
                else:
                    owner[atom] = node
    groups: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for node in parent:
        groups.setdefault(find(node), []).append(node)
    records = []
    for members in groups.values():
        record: Record = {"story": story.name}
        for lang in langs:
            indexes = sorted(i for lg, i in members if lg == lang)
            record[lang] = [story.editions[lang].sentences[i] for i in indexes]
        records.append(record)
    return records


class NoisyReference:
    """A stand-in MT engine: the reference translation of a sentence's FLORES lines, noised.

    Noise: each word dropped with probability ``drop`` and each adjacent pair swapped with
    ``swap``, so the bridge is good but not perfect, as real MT is.
    """

    def __init__(self, built: Sequence[Built], texts: dict[str, list[str]], seed: int) -> None:
        self.atoms: dict[tuple[str, str], set[Atom]] = {}
        for story in built:
            for lang in LANGS:
                for sentence, found in zip(
                    story.editions[lang].sentences, story.atoms[lang], strict=True
                ):
                    self.atoms[(lang, sentence)] = found
        self.texts = texts
        self.rng = random.Random(f"{seed}-bridge")
        self.drop, self.swap = 0.15, 0.1

    def __call__(self, sentences: Sequence[str], source: str, target: str) -> list[str]:
        out = []
        for sentence in sentences:
            lines = sorted(n for kind, n in self.atoms.get((source, sentence), set()) if n >= 0)
            words = " ".join(self.texts[target][n] for n in lines).split()
            words = [w for w in words if self.rng.random() >= self.drop]
            for i in range(len(words) - 1):
                if self.rng.random() < self.swap:
                    words[i], words[i + 1] = words[i + 1], words[i]
            out.append(" ".join(words))
        return out


def measure(
    built: Sequence[Built], options: AlignOptions
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """Strict/lax measures: per pair with two editions given, and the three-edition alignment's
    report (its units cut down to each pair, and three-way)."""
    results: dict[str, dict[str, float]] = {}
    for group in (("uk", "ru"), ("uk", "en"), ("ru", "en")):
        gold: list[Record] = []
        predicted: list[Record] = []
        for story in built:
            editions = [story.editions[lang] for lang in group]
            gold += gold_records(story, group)
            units = align_editions(editions, options=options)
            predicted += unit_records(story.name, editions, units)
        report = score(gold, predicted).as_dict()
        results["-".join(group)] = report["-".join(group)]
    gold = []
    predicted = []
    for story in built:
        editions = [story.editions[lang] for lang in LANGS]
        gold += gold_records(story, LANGS)
        predicted += unit_records(story.name, editions, align_editions(editions, options=options))
    return results, score(gold, predicted).as_dict()


def archive_pairs(
    archive: Sequence[Built], tuning: Tuning | None = None
) -> list[tuple[str, str, str, str]]:
    """The confident sentence pairs of ``archive`` aligned as ``pipeline align`` would have
    stored them (with a lexicon learned from the archive itself): what ``pipeline align`` reads
    back from a store's earlier stories (``store.units.confident_texts``) as ``learn_lexicon``'s
    ``known``."""
    stories = [[b.editions[lang] for lang in LANGS] for b in archive]
    options = AlignOptions(tuning=tuning or Tuning())
    options = replace(options, lexicon=learn_lexicon(stories, options=options))
    return confident_pairs(stories, options=options)


def speed(
    built: Sequence[Built],
    lexicon: Lexicon | None = None,
    sentences: int = 40,
    runs: int = 5,
    tuning: Tuning | None = None,
) -> tuple[int, float]:
    """Median CPU seconds (process time, so other work on a shared machine does not count) to
    align one three-edition story of about ``sentences`` uk sentences, built by joining
    consecutive stories (with ``lexicon`` when given; learning it is a batch cost, not timed)."""
    paragraphs: dict[str, list[tuple[str, ...]]] = {lang: [] for lang in LANGS}
    for story in built:
        for lang in LANGS:
            paragraphs[lang] += story.editions[lang].paragraphs
        if sum(len(p) for p in paragraphs["uk"]) >= sentences:
            break
    editions = [Edition(lang, tuple(paragraphs[lang])) for lang in LANGS]
    times = []
    for _ in range(runs):
        start = time.process_time()
        align_editions(editions, options=AlignOptions(lexicon=lexicon, tuning=tuning or Tuning()))
        times.append(time.process_time() - start)
    return len(editions[0].sentences), sorted(times)[len(times) // 2]


def add_story_arguments(
    parser: argparse.ArgumentParser, *, seed: int = 2, half: str = "heldout"
) -> None:
    """--data, --seed and --half, as every benchmark over these stories takes them."""
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--seed", type=int, default=seed)
    parser.add_argument("--half", choices=("heldout", "tune", "all"), default=half)


def has_flores(data: Path) -> bool:
    """Whether ``data`` holds FLORES devtest; says so on stderr when not."""
    if (data / "flores200_devtest.ukr.txt").is_file():
        return True
    print(f"no FLORES devtest in {data} (pass --data)", file=sys.stderr)
    return False


def abridge(built: Sequence[Built], seed: int) -> list[Built]:
    """``built`` with one whole paragraph, chosen at random (``seed``), left out of the English
    edition of each story that has three or more; its sentences' atoms go with it, so the gold
    leaves the other editions' sentences alone there."""
    rng = random.Random(f"abridge-{seed}")
    found = []
    for story in built:
        english = story.editions["en"]
        if len(english.paragraphs) < 3:
            found.append(story)
            continue
        cut = rng.randrange(len(english.paragraphs))
        start = sum(len(p) for p in english.paragraphs[:cut])
        stop = start + len(english.paragraphs[cut])
        kept = tuple(p for k, p in enumerate(english.paragraphs) if k != cut)
        atoms = {**story.atoms, "en": story.atoms["en"][:start] + story.atoms["en"][stop:]}
        editions = {**story.editions, "en": Edition("en", kept)}
        found.append(Built(story.name, editions, atoms))
    return found


def half_of(stories: Sequence[Story], half: str) -> list[Story]:
    """The stories of a half: even numbers are the tune half, odd the held-out one."""
    if half == "all":
        return list(stories)
    wanted = 0 if half == "tune" else 1
    return [s for s in stories if s.number % 2 == wanted]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_story_arguments(parser)
    parser.add_argument("--bridge", action="store_true", help="also run the MT path (stand-in)")
    parser.add_argument(
        "--no-lexicon", action="store_true", help="no lexicon learned (the seed lexicon only)"
    )
    parser.add_argument("--no-seed", action="store_true", help="without the seed lexicon")
    parser.add_argument(
        "--no-archive",
        action="store_true",
        help="skip the run whose lexicon also learns from the other half as an archive",
    )
    parser.add_argument(
        "--abridge", action="store_true", help="English editions leave one paragraph out"
    )
    parser.add_argument("--check", action="store_true", help="fail below baselines.json floors")
    parser.add_argument("--update-baselines", action="store_true")
    parser.add_argument("--allow-lower", action="store_true", help="let an update lower a floor")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args(argv)
    if args.abridge and (args.check or args.update_baselines):
        parser.error("the floors describe unabridged stories: --abridge goes without --check")
    if not has_flores(args.data):
        return 2
    texts, all_stories = load(args.data)
    stories = half_of(all_stories, args.half)
    with tempfile.TemporaryDirectory() as tmp:
        built = build(stories, texts, args.seed, Path(tmp))
    if args.abridge:
        built = abridge(built, args.seed)
    sentences = sum(len(b.editions["uk"].sentences) for b in built)
    print(f"{len(built)} stories ({args.half} half, seed {args.seed}), {sentences} uk sentences")
    out: dict[str, object] = {"half": args.half, "seed": args.seed, "stories": len(built)}
    tuning = Tuning(seed_lexicon=not args.no_seed)
    untaught = AlignOptions(tuning=tuning)
    lexicon = archived = None
    if not args.no_lexicon:
        start = time.process_time()
        lexicon = learn_lexicon(
            [[b.editions[lang] for lang in LANGS] for b in built], options=untaught
        )
        took = time.process_time() - start
        print(f"lexicon: {len(lexicon)} stem pairs learned from the batch in {took:.1f} CPU s")
        if args.half != "all" and not args.no_archive:
            others = [s for s in all_stories if s not in stories]
            with tempfile.TemporaryDirectory() as tmp:
                archive = build(others, texts, args.seed, Path(tmp))
            start = time.process_time()
            known = archive_pairs(archive, tuning)
            archived = learn_lexicon(
                [[b.editions[lang] for lang in LANGS] for b in built], known=known, options=untaught
            )
            took = time.process_time() - start
            print(
                f"archive: the other half's {len(archive)} stories aligned first, "
                f"{len(known)} confident sentence pairs; with the batch {len(archived)} stem "
                f"pairs ({took:.1f} CPU s)"
            )
    out["lexicon"] = lexicon is not None
    out["seed_lexicon"] = tuning.seed_lexicon
    pairwise, threeway = measure(built, AlignOptions(lexicon=lexicon, tuning=tuning))
    out["model_free"] = {"pairwise": pairwise, "threeway": threeway}
    _table("without MT, two editions given", pairwise)
    _table("without MT, three editions given (pairs are the three-way units cut down)", threeway)
    settings = {"batch alone": _named(pairwise, threeway)}
    if archived is not None:
        pairwise_a, threeway_a = measure(built, AlignOptions(lexicon=archived, tuning=tuning))
        out["model_free_archive"] = {"pairwise": pairwise_a, "threeway": threeway_a}
        _table("without MT, with an archive, two editions given", pairwise_a)
        _table("without MT, with an archive, three editions given", threeway_a)
        settings["with an archive"] = _named(pairwise_a, threeway_a)
    # The floors' names: "uk-ru (pair)", "uk-ru-en", and the same with " archive".
    plain = {
        f"{name} archive" if setting == "with an archive" else name: m
        for setting, results in settings.items()
        for name, m in results.items()
    }
    if args.bridge:
        bridge = NoisyReference(built, texts, args.seed)
        bridged = measure(built, AlignOptions(bridge=bridge, lexicon=lexicon, tuning=tuning))
        out["noisy_reference_bridge"] = {"pairwise": bridged[0], "threeway": bridged[1]}
        _table("with a NoisyReference bridge, two editions given", bridged[0])
        _table("with a NoisyReference bridge, three editions given", bridged[1])
    count, seconds = speed(built, lexicon, tuning=tuning)
    out["speed"] = {"sentences": count, "seconds": seconds}
    print(f"\nspeed: a {count}-sentence three-edition story: {seconds:.3f} CPU s (median of 5)")
    print("\ntargets (strict F1 without MT): pairs aligned as pairs / within three editions")
    for setting, results in settings.items():
        print(f"  {setting}")
        for name, floor in TARGETS.items():
            values = [results.get(f"{name} (pair)"), results[name]]
            cells = [
                f"{_down(m['strict_f1'])} {'met' if m['strict_f1'] >= floor else 'MISSED'}"
                if m is not None
                else "-"
                for m in values
            ]
            print(f"    {name:9} >= {floor:.2f}   {cells[0]:>12}   {cells[1]:>12}")
    fast = seconds < SPEED_TARGET_S
    print(f"  speed       {seconds:.3f} s < {SPEED_TARGET_S} s  {'met' if fast else 'MISSED'}")
    if args.json_out:
        args.json_out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    status = 0
    measured_with = f"--half {args.half} --seed {args.seed}"
    if args.update_baselines:
        _update(plain, allow_lower=args.allow_lower, measured_with=measured_with)
    if args.check:
        status = _check(plain, measured_with)
    return status


def _named(
    pairwise: dict[str, dict[str, float]], threeway: dict[str, dict[str, float]]
) -> dict[str, dict[str, float]]:
    """One run's measures by name: "uk-ru (pair)" for two editions given, "uk-ru" and
    "uk-ru-en" within three."""
    return {**{f"{k} (pair)": v for k, v in pairwise.items()}, **threeway}


def _down(value: float) -> str:
    """``value`` to three decimals, rounded down, so that a missed target never prints as met
    (0.9497 prints 0.949, not 0.950)."""
    return f"{math.floor(value * 1000) / 1000:.3f}"


def _table(title: str, results: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    print(f"{'':10} {'strict P':>8} {'R':>6} {'F1':>6}   {'lax P':>6} {'R':>6} {'F1':>6}")
    for name, m in results.items():
        print(
            f"{name:10} {m['strict_precision']:8.3f} {m['strict_recall']:6.3f} "
            f"{m['strict_f1']:6.3f}   {m['lax_precision']:6.3f} {m['lax_recall']:6.3f} "
            f"{m['lax_f1']:6.3f}"
        )


# Floors sit this far under the measured strict F1: the two halves and seeds differ by up to
# 0.023 (tune seed 1 against held-out seed 2, this script's first measured run).
SLACK = 0.03


def _floors() -> dict[str, Any]:
    return json.loads(BASELINES.read_text(encoding="utf-8")) if BASELINES.is_file() else {}


def _update(results: dict[str, dict[str, float]], *, allow_lower: bool, measured_with: str) -> None:
    """Write floors ``SLACK`` under the measured strict F1; an existing floor is never lowered
    unless ``allow_lower``."""
    data = _floors()
    old = data.get("align", {}).get("strict_f1_floors", {})
    new = {}
    for name, m in results.items():
        floor = round(m["strict_f1"] - SLACK, 3)
        if name in old and floor < old[name] and not allow_lower:
            print(f"  {name}: keeping floor {old[name]} (measured lower; --allow-lower to lower)")
            floor = old[name]
        new[name] = floor
    data["align"] = {"measured_with": measured_with, "strict_f1_floors": new}
    BASELINES.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"floors written to {BASELINES}: {new}")


def _check(results: dict[str, dict[str, float]], measured_with: str) -> int:
    entry = _floors().get("align", {})
    floors = entry.get("strict_f1_floors", {})
    if not floors:
        print(f"no align floors in {BASELINES} (run with --update-baselines)")
        return 1
    if entry.get("measured_with") != measured_with:
        print(
            f"note: floors were set with {entry.get('measured_with')}, this run is {measured_with}"
        )
    status = 0
    for name, floor in floors.items():
        if name not in results:
            print(f"  {name}: not measured in this run (floor {floor} not checked)")
            continue
        value = results[name]["strict_f1"]
        if value < floor:
            print(f"CHECK FAILED: {name} strict F1 {value:.3f} < floor {floor}")
            status = 1
    if status == 0:
        print(f"check: all floors met {floors}")
    return status


if __name__ == "__main__":
    sys.exit(main())
