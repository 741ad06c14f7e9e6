"""Kill -9 a one-article translation run at random moments; check what each kill cost.

Builds the offline demo models and one Markdown article of --segments distinct Ukrainian
sentences (words drawn from samples/, seeded), then runs `pipeline translate` on it and kills
it with SIGKILL --kills times, each at a random moment after translation began, re-running
after each kill. After each kill the store is checked: no (segment, language) with two machine
versions, no machine version without text or model, `PRAGMA integrity_check` ok. The last run
goes to the end, and every segment must have exactly one version per target language.

What a kill cost is estimated from the outside: the store is polled every 20 ms, so the time
from the last stored slice to the kill, times the steady speed (segments stored per second
after the first slice, median over the runs), is the work translated but not yet stored.
Commit intervals (time between stored slices) are reported too.

Usage:
    python benchmarks/kill_check.py [--segments 20000] [--kills 5] [--most 20] [--to ru,en]
        [--work DIR] [--seed 1]

Needs only the repository (samples/ and the demo models it builds); prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    killed: bool
    after_s: float  # seconds after translation began (the kill, or the end)
    stored_before: int
    stored_after: int
    since_commit_s: float  # from the last stored slice (or from the start) to the kill
    committed: bool  # whether this run stored anything before the kill
    commit_gaps: list[float]  # seconds between stored slices, the first (model loading) left out
    steady_rate: float  # segments stored per second after the first stored slice

    def lost(self, rate: float) -> float:
        """Segments translated but not stored when killed, at the given speed."""
        return rate * self.since_commit_s


def ukrainian_words() -> list[str]:
    words: set[str] = set()
    for path in sorted(ROOT.glob("samples/uk-*.txt")):
        for word in re.findall(r"[А-ЩЬЮЯЄІЇҐа-щьюяєіїґ'’]{3,}", path.read_text("utf-8")):
            words.add(word.lower())
    return sorted(words)


def write_article(path: Path, segments: int, seed: int) -> None:
    rng = random.Random(seed)
    words = ukrainian_words()
    lines = ["# Велика стаття для перевірки зупинок", ""]
    paragraph: list[str] = []
    for number in range(segments - 1):
        sentence = " ".join(rng.choice(words) for _ in range(rng.randint(6, 14)))
        paragraph.append(f"{sentence.capitalize()} {number + 1}.")
        if len(paragraph) == 5:
            lines += [" ".join(paragraph), ""]
            paragraph = []
    if paragraph:
        lines += [" ".join(paragraph), ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(
                conn.execute("SELECT COUNT(*) FROM versions WHERE origin = 'machine'").fetchone()[0]
            )
    except sqlite3.Error:
        return -1


def check_store(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        duplicates = conn.execute(
            "SELECT COUNT(*) FROM (SELECT segment_id, lang FROM versions WHERE origin = 'machine'"
            " GROUP BY segment_id, lang HAVING COUNT(*) > 1)"
        ).fetchone()[0]
        half = conn.execute(
            "SELECT COUNT(*) FROM versions WHERE origin = 'machine'"
            " AND (text = '' OR model_id IS NULL OR signature_key IS NULL)"
        ).fetchone()[0]
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        segments = conn.execute("SELECT COUNT(*) FROM segments").fetchone()[0]
    return {
        "duplicates": int(duplicates),
        "half_written": int(half),
        "integrity_ok": int(integrity == "ok"),
        "segments": int(segments),
    }


def command(article: Path, models: Path, db: Path, targets: tuple[str, ...]) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pipeline",
        "translate",
        str(article),
        "--models",
        str(models),
        "--db",
        str(db),
        "--to",
        ",".join(targets),
        "--threads",
        "1",
    ]


def monitored_run(cmd: list[str], db: Path, kill_after: float | None) -> Run | None:
    """Run cmd, polling the store every 20 ms; SIGKILL it kill_after seconds after translation
    began (None: let it finish). None when it ended before it could be killed."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "HF_HUB_OFFLINE": "1"}
    process = subprocess.Popen(
        cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env
    )
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith("translating "):
            break
    else:
        process.wait()
        return None  # finished (or failed) before translating
    began = time.monotonic()
    before = last = stored(db)
    last_change = began
    first_commit: tuple[float, int] | None = None
    gaps: list[float] = []
    while process.poll() is None and (kill_after is None or time.monotonic() - began < kill_after):
        time.sleep(0.02)
        count = stored(db)
        if count > last:
            now = time.monotonic()
            if first_commit is None:
                first_commit = (now, count)
            else:
                gaps.append(now - last_change)
            last, last_change = count, now
    ended = time.monotonic()
    if kill_after is not None:
        if process.poll() is not None:
            return None
        process.send_signal(signal.SIGKILL)
    process.wait()
    after = stored(db)
    steady = 0.0
    if first_commit is not None and last_change > first_commit[0]:
        steady = (last - first_commit[1]) / (last_change - first_commit[0])
    return Run(
        killed=kill_after is not None,
        after_s=ended - began,
        stored_before=before,
        stored_after=after,
        since_commit_s=ended - last_change,
        committed=first_commit is not None,
        commit_gaps=gaps,
        steady_rate=steady,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--segments", type=int, default=20_000)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--most", type=float, default=20.0, help="latest kill, s into a run")
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "results" / "kill-check")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--to", default="ru,en", help="target languages")
    args = parser.parse_args()
    targets = tuple(args.to.split(","))
    args.work.mkdir(parents=True, exist_ok=True)
    models = args.work / "models" / "models.yaml"
    if not models.exists():
        subprocess.run(
            [sys.executable, "-m", "pipeline", "models", "demo", str(models.parent)], check=True
        )
    article = args.work / f"article-{args.segments}.md"
    if not article.exists():
        write_article(article, args.segments, args.seed)
    db = args.work / "kill.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    cmd = command(article, models, db, targets)
    rng = random.Random(args.seed)
    kills: list[tuple[Run, dict[str, int]]] = []
    for number in range(args.kills):
        run = monitored_run(cmd, db, rng.uniform(1.0, args.most))
        if run is None:
            print(f"run {number + 1} ended before it could be killed", file=sys.stderr)
            break
        state = check_store(db)
        kills.append((run, state))
        print(
            f"kill {number + 1}: {run.after_s:.1f} s in, {run.stored_after} stored,"
            f" {run.since_commit_s:.2f} s since the last commit; {state}",
            file=sys.stderr,
        )
    final = monitored_run(cmd, db, None)
    state = check_store(db)
    langs = " UNION ".join(f"SELECT '{t}' AS lang" for t in targets)
    with sqlite3.connect(db) as conn:
        per_pair = conn.execute(
            "SELECT COUNT(*) FROM (SELECT s.id, t.lang FROM segments s"
            f" CROSS JOIN ({langs}) t"
            " JOIN versions v ON v.segment_id = s.id AND v.lang = t.lang"
            " AND v.origin IN ('machine', 'source')"
            " GROUP BY s.id, t.lang HAVING COUNT(*) = 1)"
        ).fetchone()[0]
    expected = state["segments"] * len(targets)
    runs = [run for run, _ in kills] + ([final] if final else [])
    rates = [run.steady_rate for run in runs if run.steady_rate > 0]
    rate = statistics.median(rates) if rates else 0.0
    print(f"{args.segments} segments into {', '.join(targets)}; speed {rate:.1f} segments/s\n")
    print("| kill | s into run | stored at kill | s since last commit | ~segments lost |")
    print("|---|---|---|---|---|")
    for number, (run, _) in enumerate(kills, start=1):
        note = "" if run.committed else " (nothing stored yet: includes model loading)"
        print(
            f"| {number} | {run.after_s:.1f} | {run.stored_after} |"
            f" {run.since_commit_s:.2f}{note} | {run.lost(rate):.0f} |"
        )
    gaps = [gap for run in runs for gap in run.commit_gaps]
    if gaps:
        print(
            f"\ncommit interval: median {statistics.median(gaps):.2f} s, max {max(gaps):.2f} s"
            f" ({len(gaps)} intervals)"
        )
    if kills:
        lost = [run.lost(rate) for run, _ in kills]
        print(f"segments lost per kill: mean {statistics.mean(lost):.0f}, max {max(lost):.0f}")
    print(
        f"final run: {'finished' if final else 'did not translate'}; segments"
        f" {state['segments']}; (segment, language) with exactly one version: {per_pair} of"
        f" {expected}; duplicates {state['duplicates']}; half-written {state['half_written']};"
        f" integrity ok {bool(state['integrity_ok'])}"
    )
    bad = (
        per_pair != expected
        or any(s["duplicates"] or s["half_written"] or not s["integrity_ok"] for _, s in kills)
        or state["duplicates"]
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
