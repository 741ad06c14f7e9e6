"""Finding input files, reading them within the size limit, and decoding their bytes."""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.ingest.common import FORMATS, IngestError, IngestOptions, word_set

IGNORE_FILE = ".pipelineignore"

# How the tool knows its own files when it walks a folder (it must never ingest them):
# - SQLite databases by their header (SQLite file format, section 1.3: the 16-byte string
#   "SQLite format 3\0"), whatever their name, and the -wal/-shm/-journal files beside one;
# - a publish run's manifest (pipeline.publish.writer.MANIFEST) lists every file it wrote;
# - pages the site templates wrote carry <meta name="generator" content="pipeline">;
# - an --out article folder holds uk.md, ru.md, en.md and an aligned.jsonl of segment records.
SQLITE_HEADER = b"SQLite format 3\x00"
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
PUBLISH_MANIFEST = ".pipeline-manifest.json"
GENERATOR_MARK = b'<meta name="generator" content="pipeline">'
OUT_FOLDER_FILES = ("aligned.jsonl", "en.md", "ru.md", "uk.md")

# Legacy encodings met in Ukrainian/Russian/English newsrooms, in order of preference.
CANDIDATE_ENCODINGS: tuple[str, ...] = (
    "cp1251",
    "koi8-u",
    "koi8-r",
    "mac_cyrillic",
    "iso8859_5",
    "cp866",
    "cp1252",
    "latin_1",
)


@dataclass(frozen=True)
class _IgnoreRules:
    base: Path
    patterns: tuple[str, ...]

    def matches(self, path: Path, is_dir: bool) -> bool:
        rel = path.relative_to(self.base).as_posix()
        for pattern in self.patterns:
            if pattern.endswith("/"):
                if not is_dir:
                    continue
                pattern = pattern.rstrip("/")
            if "/" in pattern:
                if fnmatch.fnmatchcase(rel, pattern.lstrip("/")):
                    return True
            elif fnmatch.fnmatchcase(path.name, pattern):
                return True
        return False


def _read_ignore(folder: Path) -> _IgnoreRules | None:
    ignore = folder / IGNORE_FILE
    if not ignore.is_file():
        return None
    try:
        lines = ignore.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    patterns = tuple(
        line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")
    )
    return _IgnoreRules(folder, patterns) if patterns else None


def iter_files(paths: Sequence[Path], *, own: list[Path] | None = None) -> Iterator[Path]:
    """Files to ingest: those named, and those found in folders (recursive, sorted).

    Folder walks skip hidden entries, whatever a `.pipelineignore` (glob patterns, one a
    line, like .gitignore) in that folder or above it lists, and the tool's own files (its
    databases, --out folders and published output; see SQLITE_HEADER above), which are
    appended to `own` when given, so that a summary can count them. Files with unsupported
    extensions are still yielded, so that reading them reports an error rather than
    silently skipping them. A path that does not exist is yielded as named.
    """
    seen: set[Path] = set()
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for found in _walk(path, (), set(), own if own is not None else []):
                if found.resolve() not in seen:
                    seen.add(found.resolve())
                    yield found
        elif path.resolve() not in seen:
            seen.add(path.resolve())
            yield path


def _walk(
    folder: Path,
    rules: tuple[_IgnoreRules, ...],
    visited: set[Path],
    own: list[Path],
    published: frozenset[Path] = frozenset(),
) -> Iterator[Path]:
    real = folder.resolve()
    if real in visited:
        return
    visited.add(real)
    ignore = _read_ignore(folder)
    if ignore is not None:
        rules = (*rules, ignore)
    published = published | _manifest_files(folder)
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError:
        return
    out_folder = _is_out_folder(folder, entries)
    for entry in entries:
        if entry.name.startswith("."):
            continue
        is_dir = entry.is_dir()
        if any(rule.matches(entry, is_dir) for rule in rules):
            continue
        if is_dir:
            yield from _walk(entry, rules, visited, own, published)
        elif entry.is_file():
            if (
                entry.resolve() in published
                or (out_folder and entry.name in OUT_FOLDER_FILES)
                or is_own_file(entry)
            ):
                own.append(entry)
            else:
                yield entry


def is_own_file(path: Path) -> bool:
    """Whether a file is one the tool writes, by its content: a SQLite database (or its -wal,
    -shm or -journal file), or a file of a publish run (site page, Markdown, JSON Lines, TMX,
    XLIFF) by the marks each format writes near its top."""
    name = path.name
    for suffix in SQLITE_SIDE_FILES:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = path.with_name(name[: -len(suffix)])
            if not base.exists() or _head(base, len(SQLITE_HEADER)) == SQLITE_HEADER:
                return True
    head = _head(path, 4096)
    if head.startswith(SQLITE_HEADER):
        return True
    suffix = path.suffix.lower()
    marks = _OWN_MARKS.get(suffix)
    if marks is not None and all(mark in head for mark in marks):
        return True
    if suffix == ".xml" and _SITEMAP_MARK in head:
        # The sitemap has no room for a mark; the site's home page beside it has one.
        return GENERATOR_MARK in _head(path.with_name("index.html"), 4096)
    return False


# What each published format writes near its top, for outputs whose manifest is gone.
_OWN_MARKS: dict[str, tuple[bytes, ...]] = {
    ".html": (GENERATOR_MARK,),
    ".htm": (GENERATOR_MARK,),
    ".md": (b"\ntranslationKey: ", b"\nstate: ", b"\nmachine_translated: "),
    ".tmx": (b'creationtool="pipeline"',),
    ".xlf": (b'category="pipeline-article"',),
    ".xml": (b"<generator>pipeline</generator>",),  # Atom feeds
    ".jsonl": (b'{"id": "', b'"slug": "', b'"revision": ', b'"published": ['),
}
_SITEMAP_MARK = b"http://www.sitemaps.org/schemas/sitemap/0.9"


def _head(path: Path, size: int) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError:
        return b""


def _manifest_files(folder: Path) -> frozenset[Path]:
    """Files a publish run wrote under this folder, as its manifest lists them."""
    manifest = folder / PUBLISH_MANIFEST
    if not manifest.is_file():
        return frozenset()
    try:
        files = json.loads(manifest.read_text(encoding="utf-8")).get("files", {})
    except (OSError, ValueError, AttributeError):
        return frozenset()
    if not isinstance(files, dict):
        return frozenset()
    base = folder.resolve()
    return frozenset((base / str(relative)).resolve() for relative in files)


def _is_out_folder(folder: Path, entries: list[Path]) -> bool:
    """An --out article folder: its three language files and an aligned.jsonl whose first
    record has the segment keys that pipeline.output.render_aligned writes."""
    names = {entry.name for entry in entries}
    if not set(OUT_FOLDER_FILES) <= names:
        return False
    first = _head(folder / "aligned.jsonl", 65536).split(b"\n", 1)[0]
    try:
        record = json.loads(first)
    except ValueError:
        return False
    return isinstance(record, dict) and {"article", "para", "sent", "source_lang"} <= set(record)


def format_of(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        supported = ", ".join(sorted(FORMATS))
        raise IngestError(
            path,
            f"unsupported file type {path.suffix or '(no extension)'!r}",
            f"supported: {supported}; convert it or list it in .pipelineignore",
        )
    return fmt


def read_bytes(path: Path, options: IngestOptions) -> bytes:
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise IngestError(path, "is a folder, not a file")
        if size > options.max_bytes:
            raise IngestError(
                path,
                f"file is {size:,} bytes, over the {options.max_bytes:,}-byte limit",
                "raise the limit with --max-bytes or split the file",
            )
        with path.open("rb") as handle:
            return handle.read(options.max_bytes + 1)
    except FileNotFoundError:
        raise IngestError(path, "no such file", "check the path") from None
    except PermissionError:
        raise IngestError(path, "permission denied", "check the file's permissions") from None
    except OSError as err:
        raise IngestError(path, f"cannot read ({err.strerror or err})") from None


def decode_bytes(path: Path, data: bytes) -> tuple[str, str]:
    """Text and the encoding it was in: UTF-8 (BOM or not) first, then legacy encodings."""
    if not data.strip():
        raise IngestError(path, "empty file", "add the article text or remove the file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    if _looks_binary(data):
        raise IngestError(
            path, "binary file, not text", "export the article as text, HTML, Markdown or JSON"
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    share = _utf8_share(data)
    if share >= 0.8:
        bad = data.decode("utf-8", errors="replace").count("\ufffd")
        raise IngestError(
            path,
            f"not valid UTF-8 ({bad} undecodable byte sequence(s) in otherwise UTF-8 text) "
            "and no Cyrillic/Latin encoding fits",
            "re-save as UTF-8 (the file may be damaged or two files joined)",
        )
    best = _best_legacy_decoding(data)
    if best is None:
        raise IngestError(
            path,
            "not valid UTF-8 and no Cyrillic/Latin encoding fits",
            "re-save as UTF-8",
        )
    text, encoding = best
    if not text.strip():
        raise IngestError(path, "empty file", "add the article text or remove the file")
    return text, encoding


_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _utf8_share(data: bytes) -> float:
    """Share of the non-ASCII bytes that form valid UTF-8 sequences: near 1 for UTF-8 text
    with a few damaged bytes, low for text in a single-byte legacy encoding."""
    non_ascii = sum(1 for b in data if b >= 0x80)
    if not non_ascii:
        return 0.0
    in_sequences = sum(len(m.group()) for m in _UTF8_SEQUENCE.finditer(data))
    return in_sequences / non_ascii


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) * 0.05


_WORD = re.compile(r"[^\W\d_]+")
_COMMON_WORDS = word_set(
    "і в на та що не з у до за як це від про його але а й ще для вже так є був була "
    "и в на что не с у по за как это от о его но а же для уже так был была она они "
    "the of and to in a is that for on with was as by at it from be are has have"
)


def _score_decoding(text: str) -> float:
    """How much a decoding reads like real words: well-cased words, one script, no garbage."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    good = 0
    for word in words:
        rest = word[1:]
        cased = rest == rest.lower() or word == word.upper()
        scripts = {
            "cyr" if "\u0400" <= ch <= "\u04ff" else "lat" if ch.isascii() else "other"
            for ch in word
            if ch not in "\u02bc'"
        }
        if cased and len(scripts) == 1 and "other" not in scripts:
            good += 1
    shape = good / len(words)
    common = sum(1 for w in words if w.lower() in _COMMON_WORDS) / len(words)
    letters = sum(len(w) for w in words)
    visible = sum(1 for ch in text if not ch.isspace())
    odd = sum(1 for ch in text if not (ch.isalnum() or ch.isspace() or ch in _PUNCT))
    garbage = odd / max(visible, 1)
    return shape + common - 2 * garbage + 0.1 * letters / max(visible, 1)


_PUNCT = set(".,;:!?-–—()[]\"'«»„“”‘’ʼ/…%№@#&*+=<>|$€₴§©\\_{}~^`°")


def _best_legacy_decoding(data: bytes) -> tuple[str, str] | None:
    candidates: dict[str, str] = {}
    for encoding in CANDIDATE_ENCODINGS:
        try:
            candidates[encoding] = data.decode(encoding)
        except UnicodeDecodeError:
            continue
    try:
        from charset_normalizer import from_bytes

        guess = from_bytes(data).best()
        if guess is not None and guess.encoding not in candidates:
            candidates[guess.encoding] = str(guess)
    except Exception:  # noqa: BLE001 - the detector is a hint; our own scoring decides
        pass
    scored = sorted(
        ((_score_decoding(text), -_order(enc), enc, text) for enc, text in candidates.items()),
        reverse=True,
    )
    if not scored:
        return None
    score, _, encoding, text = scored[0]
    # Mojibake (UTF-8 read as cp1251, wrong Cyrillic table) scores well under 0.8.
    return (text, encoding) if score >= 0.8 else None


def _order(encoding: str) -> int:
    return CANDIDATE_ENCODINGS.index(encoding) if encoding in CANDIDATE_ENCODINGS else 99
