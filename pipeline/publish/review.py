"""Review before publishing: state summaries, approval, editing in $EDITOR, importing XLIFF.

Edits never overwrite: each changed sentence becomes a new version (origin ``human``, state
``edited``) of the same segment, so the alignment holds and the machine text stays for the diff
view. Approval marks the current version of every segment in a language ``approved``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.domain import LANGS, PipelineError, Version
from pipeline.publish.collect import (
    LangVersion,
    SegmentText,
    article_versions,
    language_version,
)
from pipeline.review import actions
from pipeline.review.actions import ReviewError, complete_version
from pipeline.store import Store, StoredArticle

__all__ = ["ReviewError", "approve", "edit_text", "import_xliff", "review_summary", "unapprove"]


@dataclass(frozen=True, kw_only=True)
class LangState:
    lang: str
    state: str
    counts: dict[str, int]
    published: bool  # whether a default publish (approved only) would publish it
    models: tuple[str, ...]
    serves_revision: int | None = None  # an earlier approved revision published meanwhile
    stale: tuple[SegmentText, ...] = ()  # sentences whose reviewed text predates a correction


def review_summary(store: Store, ref: str) -> list[LangState]:
    stored = store.article(ref)
    article = article_versions(store, stored)
    states = []
    for lang in LANGS:
        version = article.current(lang)
        served = article.langs[lang]
        states.append(
            LangState(
                lang=lang,
                state=version.state,
                counts=version.counts(),
                published=lang in article.published,
                models=version.models,
                serves_revision=served.revision,
                stale=tuple(s for s in version.present if s.state == "stale"),
            )
        )
    return states


def approve(store: Store, ref: str, lang: str) -> int:
    """Approve the current version of every segment in lang; returns how many changed state."""
    return actions.approve(store, ref, lang)


def unapprove(store: Store, ref: str, lang: str) -> int:
    """Take approval back: approved machine text returns to machine, approved edits to edited."""
    return actions.unapprove(store, ref, lang)


# -- editing in $EDITOR -------------------------------------------------------------------------

_MARKER = re.compile(r"^# \[p(-?\d+) s(-?\d+)\]")


def edit_text(store: Store, ref: str, lang: str) -> str:
    """The language version as an editable text: each sentence on its own line under a comment
    line holding its source sentence."""
    stored, version = complete_version(store, ref, lang, "edit")
    lines = [
        f"# Editing the {lang} version of {stored.title!r} ({stored.slug}), revision"
        f" {stored.revision}.",
        "# Change the text on the lines under each '# [pN sM]' marker: one line per sentence.",
        "# Keep every marker and exactly one line under it; don't join or split sentences.",
        "# Lines starting with '#' are ignored; start a sentence with '\\#' for a literal '#'.",
        "# Only changed sentences are stored (as edited). Save and quit to finish; quit without",
        "# saving to cancel.",
    ]
    previous_para: int | None = None
    for item in version.present:
        segment = item.segment
        if segment.para_index != previous_para:
            lines += ["#", f"# ---- paragraph {segment.para_number} ({segment.kind}) ----"]
            previous_para = segment.para_index
        source = " ".join(segment.text.split())
        lines.append(f"# [{_label(segment.key)}] {source}")
        if item.previous is not None:
            lines.append(f"#   stale, was: {' '.join(item.previous.split())}")
        line = " ".join(item.text.split())
        lines.append("\\" + line if line.startswith(("#", "\\")) else line)
    return "\n".join(lines) + "\n"


def parse_edit(text: str, stored: StoredArticle, *, name: str = "edited text") -> dict[str, str]:
    """Marker key ('p3-s1') → edited sentence, checked against the article's segments."""
    found: dict[str, list[str]] = {}
    order: list[str] = []
    current: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        marker = _MARKER.match(line)
        if marker:
            current = f"p{marker.group(1)}-s{marker.group(2)}"
            if current in found:
                raise ReviewError(
                    f"{name}: line {number}: marker [{_label(current)}] appears twice;"
                    " keep each marker once"
                )
            found[current] = []
            order.append(current)
            continue
        if not line or line.startswith("#"):
            continue
        if current is None:
            raise ReviewError(
                f"{name}: line {number}: text before the first '# [pN sM]' marker;"
                " move it under a marker, nothing stored"
            )
        found[current].append(line[1:] if line.startswith("\\") else line)
    expected = [s.key for s in stored.segments]
    if order != expected:
        missing = [k for k in expected if k not in found]
        extra = [k for k in order if k not in expected]
        detail = (
            f"missing markers {', '.join(_label(k) for k in missing[:5])}"
            if missing
            else f"unknown markers {', '.join(_label(k) for k in extra[:5])}"
            if extra
            else "markers out of order"
        )
        raise ReviewError(
            f"{name}: {detail}; keep every '# [pN sM]' line as it was, nothing stored"
        )
    for key in expected:
        lines = found[key]
        if len(lines) != 1:
            raise ReviewError(
                f"{name}: [{_label(key)}] has {len(lines)} sentence lines, expected exactly 1;"
                " put the whole sentence on one line under its marker, nothing stored"
            )
    return {key: found[key][0] for key in expected}


def apply_edit(store: Store, ref: str, lang: str, text: str) -> int:
    """Store the changed sentences of an edited text; returns how many changed.

    In a translation, each becomes an edited version. In the article's own language, a changed
    sentence written in that language is a correction of the source: one new revision holds
    them all, and carries every version over (`Store.save_article`): the original stays
    published as corrected, and translations of the corrected sentences go stale."""
    stored, _ = complete_version(store, ref, lang, "edit")
    return apply_edits(store, ref, lang, parse_edit(text, stored))


def apply_edits(store: Store, ref: str, lang: str, edited: Mapping[str, str]) -> int:
    """Store new text for the sentences named by key ("p2-s1", counted from 1: `Segment.key`);
    sentences not named keep theirs. Returns how many changed; the rules are apply_edit's.

    Raises ArticleNotFound for an unknown article and ReviewError for an unknown language, a
    language version with missing sentences, a key the article does not have or an empty
    sentence."""
    stored, version = complete_version(store, ref, lang, "edit")
    keys = {item.key for item in version.present}
    unknown = sorted(set(edited) - keys)
    if unknown:
        raise ReviewError(
            f"{stored.slug}: no sentence {', '.join(unknown)} in revision {stored.revision}",
            hint="keys are p<paragraph>-s<sentence>, counted from 1, as `pipeline edit` shows",
        )
    edited = {item.key: edited.get(item.key, item.text) for item in version.present}
    if lang != stored.lang:
        return store_edits(store, version, edited)
    corrections = {
        item.segment.id: " ".join(edited[item.key].split())
        for item in version.present
        if item.segment.id is not None
        and item.segment.lang == lang
        and item.origin == "source"
        and " ".join(edited[item.key].split()) != " ".join(item.text.split())
    }
    if any(not text for text in corrections.values()):
        raise ReviewError(f"{stored.slug}: an empty sentence; every segment needs text")
    others = {
        k: v
        for k, v in edited.items()
        if k not in {i.key for i in version.present if i.segment.id in corrections}
    }
    if corrections:
        store.articles.save_correction(stored, corrections)
        stored = store.article(stored.id)
        version = language_version(store, stored, lang)
    return len(corrections) + store_edits(store, version, others)


PROBLEM_MARK = "# ERROR: "


@dataclass(frozen=True, kw_only=True)
class EditOutcome:
    """How an edit session ended: changed sentences stored (None: nothing stored), and where
    the user's text was kept when the session ended on a problem."""

    changed: int | None
    kept_at: Path | None = None
    problem: str | None = None


def edit_session(
    store: Store,
    ref: str,
    lang: str,
    editor: Callable[[str], str | None],
    *,
    keep_dir: Path | None = None,
    rounds: int = 20,
) -> EditOutcome:
    """Edit a language version with ``editor`` (text in, saved text out, None if not saved)
    until the text parses, like `git commit`: a structural mistake (a marker deleted, a line
    added) reopens the editor on the user's own text with the problem marked at the top, so no
    work is lost. Ends when the text parses (stored), when the editor is left without saving,
    when the same mistaken text comes back unchanged, or after ``rounds`` mistaken texts (an
    editor command that never fixes it); then the last text is kept in a file under
    ``keep_dir`` (default: the system temp folder) and its path is returned."""
    stored, _ = complete_version(store, ref, lang, "edit")
    text = edit_text(store, ref, lang)
    previous: str | None = None
    problem: str | None = None
    for _ in range(rounds + 1):
        edited = editor(text)
        if edited is None or (problem is not None and _body(edited) == previous):
            if problem is None or previous is None:
                return EditOutcome(changed=None)
            kept = _keep(previous, stored, lang, keep_dir)
            return EditOutcome(changed=None, kept_at=kept, problem=problem)
        try:
            return EditOutcome(changed=apply_edit(store, ref, lang, _body(edited)))
        except ReviewError as exc:
            problem = str(exc)
            previous = _body(edited)
            text = with_problem(previous, problem)
    assert previous is not None and problem is not None
    return EditOutcome(
        changed=None, kept_at=_keep(previous, stored, lang, keep_dir), problem=problem
    )


def with_problem(text: str, problem: str) -> str:
    """The user's text with the problem marked at the top (earlier marks dropped)."""
    head = [
        f"{PROBLEM_MARK}{problem}",
        f"{PROBLEM_MARK}nothing was stored yet: fix this and save again, or quit without saving"
        " to stop (your text is then kept in a file)",
    ]
    return "\n".join(head) + "\n" + _body(text)


def _body(text: str) -> str:
    return "".join(
        line for line in text.splitlines(keepends=True) if not line.startswith(PROBLEM_MARK)
    )


def _keep(text: str, stored: StoredArticle, lang: str, keep_dir: Path | None) -> Path:
    import tempfile

    folder = keep_dir or Path(tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"pipeline-edit-{stored.slug}-{lang}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def store_edits(store: Store, version: LangVersion, edited: Mapping[str, str]) -> int:
    """New human versions for the segments whose text changed, in one transaction."""
    new = []
    for item in version.present:
        text = " ".join(edited.get(item.key, item.text).split())
        if not text:
            raise ReviewError(f"[{_label(item.key)}]: empty sentence; every segment needs text")
        if text != " ".join(item.text.split()) and item.segment.id is not None:
            new.append(
                Version(
                    segment_id=item.segment.id,
                    lang=version.lang,
                    text=text,
                    origin="human",
                    state="edited",
                )
            )
    store.add_versions(new)
    return len(new)


# -- importing XLIFF ----------------------------------------------------------------------------


class ImportResult(int):
    """How many segments an XLIFF import stored (the int), and the unit ids of the exported
    revision it left out because their source changed since (`skipped`)."""

    skipped: tuple[str, ...]
    revision: int | None  # the revision the file was exported from, when not the newest

    def __new__(
        cls, stored: int, skipped: tuple[str, ...] = (), revision: int | None = None
    ) -> ImportResult:
        result = super().__new__(cls, stored)
        result.skipped = skipped
        result.revision = revision
        return result

    @property
    def stored(self) -> int:
        return int(self)


def import_xliff(store: Store, path: Path) -> ImportResult:
    """Store the changed targets of an edited XLIFF file as edited versions.

    Checks everything before storing: the article and revision it was exported from, its
    language, and that its units are exactly that revision's segments. A file exported from an
    earlier revision imports every unit whose source sentence is unchanged (or only moved) in
    the newest revision; the others are reported in `skipped`. Raises ReviewError otherwise."""
    from pipeline.publish.xliff import read_xliff

    document = read_xliff(path)
    name = str(path)
    try:
        stored = store.article(document.article_id)
    except PipelineError as exc:
        raise ReviewError(
            f"{name}: article {document.article_id} is not in the store ({exc})"
        ) from exc
    if document.source_lang != stored.lang:
        raise ReviewError(
            f"{name}: srcLang {document.source_lang!r} but the article is in {stored.lang!r};"
            " import the file exported for this article, nothing stored"
        )
    exported = stored
    if document.revision is not None and document.revision != stored.revision:
        try:
            exported = store.article(stored.id, revision=document.revision)
        except PipelineError as exc:
            raise ReviewError(
                f"{name}: exported from revision {document.revision}, which the store does not"
                f" hold; export it again, nothing stored"
            ) from exc
    expected = [s.key for s in exported.segments]
    if sorted(document.targets) != sorted(expected) or len(document.order) != len(expected):
        missing = [k for k in expected if k not in document.targets]
        extra = [k for k in document.order if k not in expected]
        raise ReviewError(
            f"{name}: units don't match the article's segments"
            f" (missing: {', '.join(missing[:5]) or 'none'};"
            f" unknown: {', '.join(extra[:5]) or 'none'});"
            " keep every unit and its id, nothing stored"
        )
    targets = {k: v for k, v in document.targets.items() if v is not None and v.strip()}
    skipped: tuple[str, ...] = ()
    if exported is not stored:
        targets, skipped = _carry_targets(exported, stored, targets)
    version = language_version(store, stored, document.target_lang)
    untranslated = [
        segment.key
        for segment, item in zip(stored.segments, version.segments, strict=True)
        if item is None
    ]
    if untranslated and any(k not in targets for k in untranslated) and exported is stored:
        raise ReviewError(
            f"{name}: segments without a {document.target_lang} version need a"
            " target; translate them first or fill every target, nothing stored"
        )
    changed = _store_import(store, version, targets, stored)
    return ImportResult(changed, skipped, document.revision if exported is not stored else None)


def _carry_targets(
    exported: StoredArticle, stored: StoredArticle, targets: dict[str, str]
) -> tuple[dict[str, str], tuple[str, ...]]:
    """Targets keyed by the newest revision's units: those whose source sentence is the same
    in both revisions; the rest (changed, removed) are returned as skipped unit ids."""
    from pipeline.align import match_revisions

    old_keys = [s.key for s in exported.segments]
    new_keys = [s.key for s in stored.segments]
    carried: dict[str, str] = {}
    skipped = []
    matches = match_revisions(
        [s.text for s in exported.segments], [s.text for s in stored.segments]
    )
    for match in matches:
        if match.old is None:
            continue
        key = old_keys[match.old]
        if match.kind in ("unchanged", "moved") and match.new is not None:
            if key in targets:
                carried[new_keys[match.new]] = targets[key]
        elif key in targets:
            skipped.append(key)
    return carried, tuple(sorted(skipped, key=old_keys.index))


def _store_import(
    store: Store, version: LangVersion, targets: dict[str, str], stored: StoredArticle
) -> int:
    new = []
    for index, segment in enumerate(stored.segments):
        key = segment.key
        item = version.segments[index]
        text = " ".join(targets.get(key, item.text if item else "").split())
        if not text or segment.id is None:
            continue
        if item is None or text != " ".join(item.text.split()):
            new.append(
                Version(
                    segment_id=segment.id,
                    lang=version.lang,
                    text=text,
                    origin="human",
                    state="edited",
                )
            )
    store.add_versions(new)
    return len(new)


# -- helpers ------------------------------------------------------------------------------------


def _label(key: str) -> str:
    return key.replace("-", " ")
