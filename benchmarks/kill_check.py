"""Kill -9 a one-article translation run at random moments; check what each kill cost.

Builds the offline demo models and one Markdown article of --segments distinct Ukrainian
sentences (words drawn from samples/, seeded), then runs `pipeline translate` on it and kills
it with SIGKILL --kills times, each at a random moment after translation began, re-running
after each kill. After each kill the store is checked: no (segment, language) with two machine
versions, no machine version without text or model, `PRAGMA integrity_check` ok. The last run
goes to the end, and every segment must have exactly one version per target language.

What a kill cost is estimated from the outside: the store is polled every 20 ms, so the time
from the last stored slice to the kill, times the run's speed, is the work translated but not
yet stored. Commit intervals (time between stored slices) are reported too.

Usage:
    python benchmarks/kill_check.py [--segments 20000] [--kills 5] [--work DIR] [--seed 1]

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
TARGETS = ("ru", "en")


@dataclass
class Kill:
    after_s: float  # seconds after translation began
    stored_before: int
    stored_after_kill: int
    since_commit_s: float
    lost_estimate: float
    commit_gaps: list[float]


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


def command(article: Path, models: Path, db: Path) -> list[str]:
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
        ",".join(TARGETS),
        "--threads",
        "1",
    ]


def run_and_kill(cmd: list[str], db: Path, rng: random.Random, most_s: float) -> Kill | None:
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
    delay = rng.uniform(1.0, most_s)
    before = last = stored(db)
    last_change = began
    gaps: list[float] = []
    while time.monotonic() - began < delay and process.poll() is None:
        time.sleep(0.02)
        now_count = stored(db)
        if now_count > last:
            now = time.monotonic()
            gaps.append(now - last_change)
            last, last_change = now_count, now
    if process.poll() is not None:
        return None
    killed_at = time.monotonic()
    process.send_signal(signal.SIGKILL)
    process.wait()
    after = stored(db)
    elapsed = max(killed_at - began, 1e-6)
    rate = (after - before) / elapsed
    since = killed_at - last_change
    return Kill(
        after_s=elapsed,
        stored_before=before,
        stored_after_kill=after,
        since_commit_s=since,
        lost_estimate=rate * since,
        commit_gaps=gaps[1:],  # the first gap includes model loading
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--segments", type=int, default=20_000)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--most", type=float, default=20.0, help="latest kill, s into a run")
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "results" / "kill-check")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
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
    cmd = command(article, models, db)
    rng = random.Random(args.seed)
    kills: list[Kill] = []
    rows = []
    for number in range(args.kills):
        kill = run_and_kill(cmd, db, rng, args.most)
        if kill is None:
            print(f"run {number + 1} ended before it could be killed", file=sys.stderr)
            break
        state = check_store(db)
        kills.append(kill)
        rows.append((number + 1, kill, state))
        print(
            f"kill {number + 1}: {kill.after_s:.1f} s in, {kill.stored_after_kill} stored,"
            f" {kill.since_commit_s:.2f} s since the last commit, ~{kill.lost_estimate:.0f}"
            f" segments lost; {state}",
            file=sys.stderr,
        )
    started = time.monotonic()
    finished = subprocess.run(cmd, capture_output=True, text=True)
    final_s = time.monotonic() - started
    state = check_store(db)
    with sqlite3.connect(db) as conn:
        per_pair = conn.execute(
            "SELECT COUNT(*) FROM (SELECT s.id, t.lang FROM segments s"
            " CROSS JOIN (SELECT 'ru' AS lang UNION SELECT 'en') t"
            " JOIN versions v ON v.segment_id = s.id AND v.lang = t.lang"
            " AND v.origin IN ('machine', 'source')"
            " GROUP BY s.id, t.lang HAVING COUNT(*) = 1)"
        ).fetchone()[0]
    expected = state["segments"] * len(TARGETS)
    print("| kill | s into run | stored at kill | s since last commit | ~segments lost |")
    print("|---|---|---|---|---|")
    for number, kill, _ in rows:
        print(
            f"| {number} | {kill.after_s:.1f} | {kill.stored_after_kill} |"
            f" {kill.since_commit_s:.2f} | {kill.lost_estimate:.0f} |"
        )
    gaps = [gap for kill in kills for gap in kill.commit_gaps]
    if gaps:
        print(
            f"\ncommit interval: median {statistics.median(gaps):.2f} s, max {max(gaps):.2f} s"
            f" ({len(gaps)} intervals)"
        )
    if kills:
        lost = [k.lost_estimate for k in kills]
        print(f"segments lost per kill: mean {statistics.mean(lost):.0f}, max {max(lost):.0f}")
    print(
        f"final run: exit {finished.returncode} in {final_s:.1f} s; segments {state['segments']};"
        f" (segment, language) with exactly one version: {per_pair} of {expected};"
        f" duplicates {state['duplicates']}; half-written {state['half_written']};"
        f" integrity ok {bool(state['integrity_ok'])}"
    )
    bad = (
        finished.returncode != 0
        or per_pair != expected
        or any(s["duplicates"] or s["half_written"] or not s["integrity_ok"] for *_, s in rows)
        or state["duplicates"]
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
