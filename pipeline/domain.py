"""Plain domain objects shared by every stage. No logic beyond small derived values."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

LANGS: tuple[str, ...] = ("uk", "ru", "en")

# Origins say where a version's text came from; states say where it stands in review.
ORIGINS: tuple[str, ...] = ("source", "human", "machine")
STATES: tuple[str, ...] = ("source", "machine", "edited", "approved", "stale")


class PipelineError(Exception):
    """A domain error with a message fit to show a user on one line.

    ``hint`` says what to do next (it may name a command); ``status`` is the HTTP status the web
    app answers with, so the CLI and the REST API report one error the same way.
    """

    status = 400

    def __init__(self, message: str = "", *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


class NotFound(PipelineError):
    """What a reference names does not exist."""

    status = 404


class Conflict(PipelineError):
    """A write based on something that changed since it was read."""

    status = 409


class Unavailable(PipelineError):
    """An optional engine, extra or model is missing."""

    status = 503


class StaleWrite(Conflict):
    """A write based on a version that is no longer the one readers see in its segment and
    language: someone edited, approved or re-translated it since it was read. ``current`` is
    the version now seen (None: none is), so a front-end can show its text."""

    def __init__(self, current: Version | None, *, segment_key: str | None = None) -> None:
        where = segment_key or (f"segment {current.segment_id}" if current else "the segment")
        lang = f" ({current.lang})" if current else ""
        super().__init__(
            f"{where}{lang} changed since you read it",
            hint="reload it, compare with the current text and apply your change again",
        )
        self.current = current


@dataclass(frozen=True)
class Block:
    """One paragraph-level unit of an article body as ingestion found it.

    kind: "title" (the headline), "p", "li" (list item), "quote", "h" (subheading), "code" (a
    code block, text kept byte for byte), "th"/"tr" (a table's header/body row: ``cells`` holds
    its cells, ``text`` the cells joined by " | "). See pipeline.verbatim.
    """

    kind: str
    text: str
    cells: tuple[str, ...] = ()


@dataclass(frozen=True)
class RawArticle:
    """What a reader returns: metadata plus ordered blocks, before detection and splitting."""

    source_path: str
    key: str  # what identifies the story across revisions and copies: see story_key
    format: str  # txt, md, html, json, jsonl
    title: str
    blocks: tuple[Block, ...]
    author: str | None = None
    # ISO 8601 publication date, as precise as the source: "2026-03-15",
    # "2026-03-15T14:30:00" (time, zone unknown) or "2026-03-17T08:15:00+02:00"; None if unknown.
    date: str | None = None
    url: str | None = None
    lang_hint: str | None = None
    dropped: tuple[str, ...] = ()
    encoding: str = "utf-8"
    translation_of: str | None = None  # url or key of the original when this is an edition
    # One-line warnings about this input that did not stop it (a date that could not be read,
    # no story told apart from the chrome): shown naming the file, not stored.
    notes: tuple[str, ...] = ()

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
            if block.cells:  # only rows add to the hash, so older revisions keep theirs
                h.update("\x02".join(block.cells).encode() + b"\x00")
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
    warnings: tuple[str, ...] = ()  # from RawArticle.notes

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

    @property
    def para_number(self) -> int:
        """The paragraph as people count it: 1 is the title, 2 the first body paragraph."""
        return self.para_index + 1

    @property
    def sent_number(self) -> int:
        """The sentence within its paragraph as people count it, from 1."""
        return self.sent_index + 1

    @property
    def key(self) -> str:
        """Stable, counted from 1: "p3-s1". Every command, export and anchor uses it."""
        return segment_key(self.para_index, self.sent_index)


def segment_key(para_index: int, sent_index: int) -> str:
    """The key of the segment at 0-based (para_index, sent_index), counted from 1: (2, 0) →
    "p3-s1"."""
    return f"p{para_index + 1}-s{sent_index + 1}"


_KEY = re.compile(r"p(\d+)-s(\d+)")


def parse_segment_key(key: str, *, from_zero: bool = False) -> tuple[int, int] | None:
    """The 0-based (para_index, sent_index) a key names, or None when it is not a key.

    from_zero: the key counts from 0 ("p0-s0" is the title), as XLIFF unit ids did before
    every export counted from 1."""
    match = _KEY.fullmatch(key.strip())
    if not match:
        return None
    para, sent = int(match[1]), int(match[2])
    if from_zero:
        return para, sent
    if para < 1 or sent < 1:
        return None
    return para - 1, sent - 1


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
    # The model's mean token log-probability (pipeline.translate.scores): machine versions
    # only; a person's edit, a source text and a version stored before scores were have None.
    score: float | None = None


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


def story_key(*, url: str | None, title: str, date: str | None) -> str:
    """What identifies a story, whatever file it came from: its URL where it has one, else its
    normalised title and date ("story:<title>|<date>"), else its normalised title.

    Two different stories with the same title and date (or title, undated) get the same key; the
    store tells them apart by content (a revision shares most sentences with the one before)."""
    if url and url.strip():
        return url.strip()
    words = re.sub(r"[^\w]+", " ", unicodedata.normalize("NFKC", title).casefold()).split()
    day = _day(date)
    return "story:" + " ".join(words) + (f"|{day}" if day else "")


# Language markers newsrooms put into urls and file names, each mapped to our language code.
URL_LANGS: dict[str, str] = {
    "uk": "uk",
    "ua": "uk",
    "ukr": "uk",
    "ru": "ru",
    "rus": "ru",
    "en": "en",
    "eng": "en",
    "ukrainian": "uk",
    "russian": "ru",
    "english": "en",
}
# a url path part that is a locale: "uk-ua", "en_us"
_LOCALE = re.compile(r"^(?P<lang>[a-z]{2,3})[-_][a-z]{2}$")


def language_marker(part: str) -> str | None:
    """The language a url path part (or host label, or folder) names on its own, or None:
    "rus" -> "ru", "en-US" -> "en", "news" -> None."""
    low = part.lower()
    locale = _LOCALE.match(low)
    return URL_LANGS.get(locale["lang"] if locale else low)


def language_code(tag: str | None) -> str | None:
    """Our language code for a language tag as pages, feeds and front matter write it, or None:
    "ru-RU" -> "ru", "uk_UA" -> "uk", "ua" -> "uk", "eng" -> "en", "x-default" -> None."""
    first = re.split(r"[-_,;\s]", (tag or "").strip().lower())[0]
    code = URL_LANGS.get(first)
    return code if code in LANGS else None


def page_key(url: str | None) -> str | None:
    """A url reduced to what names the page, for telling whether two urls are one page: the
    scheme, "www.", a port, the fragment and a trailing slash dropped, the host lower-cased
    ("https://www.X.example/a/?b=1#c" -> "x.example/a?b=1"). None for no url."""
    if not url or not url.strip():
        return None
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().split("@")[-1].split(":")[0].removeprefix("www.")
    path = parts.path.rstrip("/")
    return host + path + (f"?{parts.query}" if parts.query else "")


def _day(date: str | None) -> str | None:
    """A date as YYYY-MM-DD where it starts with one, else its normalised text."""
    if not date or not date.strip():
        return None
    found = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", date)
    if found:
        return "-".join(found.groups())
    return " ".join(unicodedata.normalize("NFKC", date).casefold().split())


def slugify(title: str, article_id: str, *, max_len: int = 60) -> str:
    """A safe file/URL name from a title and id: ascii letters, digits and dashes only.

    The title part keeps at most max_len characters, cut after a whole word (a first word
    longer than that is cut where the limit falls); the id's first 8 characters follow."""
    text = unicodedata.normalize("NFKD", _transliterate(title)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower()
    if len(text) > max_len:
        cut = text[: max_len + 1]  # a dash right after the limit ends a whole word
        text = cut[: cut.rindex("-")] if "-" in cut else text[:max_len]
    text = text.strip("-")
    return f"{text}-{article_id[:8]}" if text else article_id


def shorten(text: str, limit: int) -> str:
    """text on one line in at most limit characters, cut after a whole word with "…" added
    (the ellipsis counts); a first word longer than that is cut where the limit falls."""
    text = " ".join(text.split())
    if len(text) <= limit or limit < 2:
        return text[: max(limit, 0)]
    room = limit - 1  # the ellipsis takes the last place
    cut = text[:room]
    if not text[room].isspace() and " " in cut:  # the limit falls inside a word
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:—–-") + "…"


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
