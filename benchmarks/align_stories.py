"""Edited FLORES stories for the alignment benchmarks: uk, ru and en editions of one story, each
edited on its own as newsrooms do, with the gold units that say which sentences go together.

The stories: FLORES-200 devtest is line-aligned in uk, ru and en; consecutive lines with one URL
(the metadata file) are one article, and consecutive articles are joined into stories of at
least ``MIN_LINES`` lines. Every edition of a story is then edited on its own (seeded by the
seed, story and language): each segment (a line, or a sentence of it, see ``load``) is dropped,
merged with the next, or split at a comma with the probabilities in ``EDITS``, and a sentence
from another story is now and then added, which touches about 30% of sentences; paragraphs are
grouped at random in each edition, and in about a third of the stories one edition swaps two
adjacent paragraphs. The editions are written as Markdown stories to a folder and read back
through the project's ingest and analyze, so the sentences are the project's own. Gold units
are the connected groups of sentences that share a FLORES line.

Halves: stories with an even number are the tuning half, odd the held-out half.

Shared by benchmarks/align_bench.py, align_ceiling.py and pairing_bench.py.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from pipeline.align import Edition  # noqa: E402

Record = dict[str, Any]  # one unit in pipeline.align.score's JSONL form

LANGS = ("uk", "ru", "en")
FILES = {"uk": "ukr", "ru": "rus", "en": "eng"}
MIN_LINES = 8
# Per line and edition: drop, merge with the next, split at a comma; then add a stray sentence.
EDITS = {"drop": 0.06, "merge": 0.08, "split": 0.08, "add": 0.06}
BREAK = 0.3  # chance of a paragraph break between two sentences
SWAP = 1 / 3  # share of stories in which one edition swaps two adjacent paragraphs
CONNECT = {"uk": ", і ", "ru": ", и ", "en": ", and "}

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
