"""Plain domain objects shared by every stage. No logic beyond small derived values."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

LANGS: tuple[str, ...] = ("uk", "ru", "en")

# Origins say where a version's text came from; states say where it stands in review.
ORIGINS: tuple[str, ...] = ("source", "human", "machine")
STATES: tuple[str, ...] = ("source", "machine", "edited", "approved")


class PipelineError(Exception):
    """A domain error with a message fit to show a user on one line."""


@dataclass(frozen=True)
class Block:
    """One paragraph-level unit of an article body as ingestion found it.

    kind: "title" (the headline), "p", "li" (list item), "quote", "h" (subheading).
    """

    kind: str
    text: str


@dataclass(frozen=True)
class RawArticle:
    """What a reader returns: metadata plus ordered blocks, before detection and splitting."""

    source_path: str
    key: str  # what identifies the article across revisions: url, or path (+ record number)
    format: str  # txt, md, html, json, jsonl
    title: str
    blocks: tuple[Block, ...]
    author: str | None = None
    date: str | None = None
    url: str | None = None
    lang_hint: str | None = None
    dropped: tuple[str, ...] = ()
    encoding: str = "utf-8"
    translation_of: str | None = None  # url or key of the original when this is an edition

    @property
    def article_id(self) -> str:
        return hashlib.sha1(self.key.encode("utf-8")).hexdigest()[:12]

    @property
    def content_hash(self) -> str:
        h = hashlib.sha256()
        meta = (self.title, self.author, self.date, self.url, self.translation_of)
        for part in (p or "" for p in meta):
            h.update(part.encode("utf-8") + b"\x00")
        for block in self.blocks:
            h.update(f"{block.kind}\x01{block.text}\x00".encode())
        return h.hexdigest()


@dataclass(frozen=True)
class Sentence:
    index: int
    text: str
    lang: str
    confidence: float


@dataclass(frozen=True)
class Paragraph:
    index: int
    kind: str
    text: str
    lang: str
    confidence: float
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class Article:
    """A parsed article: metadata, its language, and paragraphs split into labelled sentences."""

    id: str
    key: str
    source_path: str
    format: str
    title: str
    author: str | None
    date: str | None
    url: str | None
    lang: str
    confidence: float
    paragraphs: tuple[Paragraph, ...]
    content_hash: str
    dropped: tuple[str, ...] = ()
    translation_of: str | None = None

    @property
    def segments(self) -> list[Segment]:
        return [
            Segment(
                article_id=self.id,
                para_index=p.index,
                sent_index=s.index,
                kind=p.kind,
                lang=s.lang,
                confidence=s.confidence,
                text=s.text,
            )
            for p in self.paragraphs
            for s in p.sentences
        ]


@dataclass(frozen=True)
class Segment:
    """One sentence of one article revision; (para_index, sent_index) is the alignment key."""

    article_id: str
    para_index: int
    sent_index: int
    kind: str
    lang: str
    confidence: float
    text: str
    id: int | None = None  # row id in the store, once stored


@dataclass(frozen=True)
class Signature:
    """What made a machine translation: enough to reproduce it and to key the memory."""

    model_id: str
    revision: str | None
    decoding: str  # canonical JSON of the decoding settings
    route: str  # e.g. "uk>en" or "uk>en>ru" for a pivot
    engine: str = "transformers"

    @property
    def key(self) -> str:
        return f"{self.engine}|{self.model_id}@{self.revision or 'main'}|{self.decoding}"

    @property
    def public_model(self) -> str:
        """The model's name for anything published or exported (see public_model_name)."""
        return public_model_name(self.model_id, self.revision)


_LOCAL_PATH = re.compile(r"^(?:[/~\\]|[A-Za-z]:[/\\])")


def public_model_name(model_id: str, revision: str | None) -> str:
    """A model's name fit for published output: a hub id as it is; a local model folder by its
    folder name and content hash ("opus-mt-uk-en@sha256:0123abcd…"), since its absolute path
    is private (home folders, user names). The full path stays in the store. A pivot's
    "A + B" (model ids and revisions joined by " + ") is named leg by leg."""
    models = model_id.split(" + ")
    revisions: list[str | None] = list(revision.split(" + ")) if revision else []
    if len(revisions) != len(models):
        revisions = [revision if len(models) == 1 else None] * len(models)
    names = []
    for model, rev in zip(models, revisions, strict=True):
        if not _LOCAL_PATH.match(model):
            names.append(model)
            continue
        name = re.split(r"[/\\]", model.rstrip("/\\"))[-1] or "local-model"
        names.append(f"{name}@{rev}" if rev and rev != "None" else name)
    return " + ".join(names)


@dataclass(frozen=True)
class Version:
    """A segment's text in one language, with its provenance."""

    segment_id: int
    lang: str
    text: str
    origin: str
    state: str
    signature: Signature | None = None
    flags: tuple[str, ...] = ()
    created: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class ArticleSummary:
    id: str
    title: str
    lang: str
    source_path: str
    revision: int
    segments: int
    date: str | None = None
    versions: dict[str, int] = field(default_factory=dict)  # lang -> segments with a version
    edition_of: str | None = None  # the original's id when this is a human edition of it


def slugify(title: str, article_id: str, *, max_len: int = 60) -> str:
    """A safe file/URL name from a title and id: ascii letters, digits and dashes only."""
    text = unicodedata.normalize("NFKD", _transliterate(title)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower()[:max_len].strip("-")
    return f"{text}-{article_id[:8]}" if text else article_id


_CYR_LATIN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "є": "ie",
    "ж": "zh",
    "з": "z",
    "и": "y",
    "і": "i",
    "ї": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ь": "",
    "ю": "iu",
    "я": "ia",
    "ы": "y",
    "э": "e",
    "ъ": "",
    "ё": "e",
}


def _transliterate(text: str) -> str:
    return "".join(_CYR_LATIN.get(ch.lower(), ch) for ch in text)
