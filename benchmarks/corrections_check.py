"""Corrections keep editorial work: a check on real-size stories with the offline tiny models.

For each story (the project's single-article samples, every language): translate it to the
other two languages; edit one sentence of the first paragraph in one translation and approve
the other translation whole; publish; correct one word of the source file in a later
paragraph (a number where the sentence has one); translate again; publish again. Then count:

- edits and approvals lost on sentences the correction left unchanged (target 0);
- changed sentences whose reviewed translation is not marked stale (target 0);
- published pages of the approved language that changed before re-approval (target 0);
- after re-approval, stories whose approved language still serves the old revision (target 0).

Exit status 1 when any target is missed. Needs no network and no ../shared data.

    python benchmarks/corrections_check.py            # all single-article samples
    python benchmarks/corrections_check.py --limit 3
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.align import match_revisions  # noqa: E402
from pipeline.domain import LANGS  # noqa: E402
from pipeline.ingest import IngestOptions  # noqa: E402
from pipeline.jobs import TranslateOptions, translate_paths  # noqa: E402
from pipeline.publish import PublishOptions, approve, publish  # noqa: E402
from pipeline.publish.collect import article_versions, language_version  # noqa: E402
from pipeline.publish.review import apply_edit, edit_text  # noqa: E402
from pipeline.store import Store, StoredArticle  # noqa: E402
from pipeline.translate import EngineOptions  # noqa: E402

SAMPLES = ROOT / "samples"


@dataclass
class Outcome:
    name: str
    segments: int
    reviewed_kept: int = 0  # edits and approvals on unchanged sentences, after the correction
    reviewed_lost: int = 0
    changed: int = 0  # changed sentences with reviewed text before
    changed_stale: int = 0
    pages_changed_before_approval: int = 0
    pages_stale_after_approval: int = 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="Only the first N stories.")
    args = parser.parse_args()
    stories = sorted(
        p
        for p in SAMPLES.iterdir()
        if p.suffix in (".txt", ".html", ".md") and p.name != "README.md"
    )
    stories = stories[: args.limit] if args.limit else stories
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        from pipeline.testmodels import build_demo_models

        models = build_demo_models(work / "models")
        options = TranslateOptions(
            engine=_engine_options(), models_file=models, ingest=IngestOptions()
        )
        outcomes = []
        started = time.monotonic()
        for story in stories:
            outcomes.append(_check(story, work / story.stem, options))
        elapsed = time.monotonic() - started
    return _report(outcomes, elapsed)


def _engine_options() -> EngineOptions:
    return EngineOptions(threads=1)


def _check(story: Path, work: Path, options: TranslateOptions) -> Outcome:
    work.mkdir(parents=True)
    source = work / story.name
    shutil.copy(story, source)
    with Store(work / "pipeline.db") as store:
        translate_paths([source], store, options)
        (article_id,) = store.article_ids()
        stored = store.article(article_id)
        edit_lang, approve_lang = [lang for lang in LANGS if lang != stored.lang]
        _edit_first_paragraph(store, stored, edit_lang)
        approve(store, article_id, approve_lang)
        before = store.article(article_id)
        reviewed = {lang: _reviewed(store, before, lang) for lang in (edit_lang, approve_lang)}
        publish(store, PublishOptions(out_dir=work / "pub", formats=("site",)))
        pages = _pages(work / "pub" / "site" / approve_lang)
        _correct_later_paragraph(source, before)
        translate_paths([source], store, options)
        after = store.article(article_id)
        outcome = Outcome(story.name, len(after.segments))
        if after.revision != before.revision + 1:
            raise SystemExit(f"{story.name}: the correction made no new revision")
        matches = match_revisions(
            [s.text for s in before.segments], [s.text for s in after.segments]
        )
        for lang, old in reviewed.items():
            now = _reviewed(store, after, lang)
            stale = {
                s.segment.id
                for s in language_version(store, after, lang).present
                if s.state == "stale"
            }
            for m in matches:
                if m.old is None or m.new is None:
                    continue
                old_id, new_id = before.segments[m.old].id, after.segments[m.new].id
                if old_id not in old:
                    continue
                if m.kind in ("unchanged", "moved"):
                    if now.get(new_id) == old[old_id]:
                        outcome.reviewed_kept += 1
                    else:
                        outcome.reviewed_lost += 1
                else:
                    outcome.changed += 1
                    outcome.changed_stale += new_id in stale
        publish(store, PublishOptions(out_dir=work / "pub", formats=("site",)))
        held = _pages(work / "pub" / "site" / approve_lang)
        outcome.pages_changed_before_approval = sum(
            1 for name, data in pages.items() if held.get(name) != data
        )
        approve(store, article_id, approve_lang)
        publish(store, PublishOptions(out_dir=work / "pub", formats=("site",)))
        served = article_versions(store, store.article(article_id)).langs[approve_lang]
        outcome.pages_stale_after_approval = int(served.revision is not None)
    return outcome


def _reviewed(store: Store, stored: StoredArticle, lang: str) -> dict[int | None, tuple[str, str]]:
    """segment id → (text, state) of sentences a person edited or approved in lang."""
    version = language_version(store, stored, lang)
    return {
        s.segment.id: (s.text, s.state)
        for s in version.present
        if s.state in ("edited", "approved")
    }


def _edit_first_paragraph(store: Store, stored: StoredArticle, lang: str) -> None:
    lines = edit_text(store, stored.id, lang).splitlines()
    first_body = min(s.para_index for s in stored.segments if s.kind != "title")
    marker = next(i for i, line in enumerate(lines) if line.startswith(f"# [p{first_body} s0]"))
    lines[marker + 1] = lines[marker + 1] + " (відредаговано)"
    apply_edit(store, stored.id, lang, "\n".join(lines) + "\n")


def _correct_later_paragraph(path: Path, stored: StoredArticle) -> None:
    """Change one word of a sentence in the last body paragraph that the file holds verbatim:
    its first number (plus one), else its longest word (one letter doubled)."""
    text = path.read_text(encoding="utf-8")
    last = max(s.para_index for s in stored.segments)
    for para in range(last, 1, -1):
        for segment in (s for s in stored.segments if s.para_index == para):
            if segment.lang == stored.lang and text.count(segment.text) == 1:
                number = re.search(r"\d+", segment.text)
                if number:
                    fixed = (
                        segment.text[: number.start()]
                        + str(int(number.group()) + 1)
                        + segment.text[number.end() :]
                    )
                else:
                    word = max(segment.text.split(), key=len)
                    fixed = segment.text.replace(word, word[0] + word, 1)
                path.write_text(text.replace(segment.text, fixed), encoding="utf-8")
                return
    raise SystemExit(f"{path.name}: no sentence found to correct")


def _pages(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.glob("*.html")} if folder.exists() else {}


def _report(outcomes: list[Outcome], elapsed: float) -> int:
    print(
        f"{'story':32} {'segs':>5} {'kept':>5} {'lost':>5} {'changed':>8} {'stale':>6}"
        f" {'pages moved':>12} {'pages old':>10}"
    )
    for o in outcomes:
        print(
            f"{o.name:32} {o.segments:5} {o.reviewed_kept:5} {o.reviewed_lost:5}"
            f" {o.changed:8} {o.changed_stale:6} {o.pages_changed_before_approval:12}"
            f" {o.pages_stale_after_approval:10}"
        )
    lost = sum(o.reviewed_lost for o in outcomes)
    not_stale = sum(o.changed - o.changed_stale for o in outcomes)
    moved = sum(o.pages_changed_before_approval for o in outcomes)
    old = sum(o.pages_stale_after_approval for o in outcomes)
    kept = sum(o.reviewed_kept for o in outcomes)
    print(
        f"\n{len(outcomes)} stories, {elapsed:.0f} s: edits and approvals kept {kept}, lost {lost}"
        f" (target 0); changed sentences not stale {not_stale} (target 0); approved pages"
        f" changed before re-approval {moved} (target 0); old pages after re-approval {old}"
        " (target 0)"
    )
    return 1 if lost or not_stale or moved or old else 0


if __name__ == "__main__":
    sys.exit(main())
