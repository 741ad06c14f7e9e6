"""How fast a translation run with a wrong setting fails, on a big input.

Writes a Markdown article of about --megabytes MB (Ukrainian words from samples/, seeded) and
times `pipeline translate FILE --profile no-such-profile` (and a wrong --engine) end to end,
process start included. The settings are checked before any input is read, so the time should
not grow with the input. Needs only the repository.

Usage:
    python benchmarks/preflight_check.py [--megabytes 5] [--work DIR]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from kill_check import ukrainian_words  # noqa: E402


def write_big(path: Path, megabytes: float) -> None:
    rng = random.Random(1)
    words = ukrainian_words()
    parts = ["# Велика стаття\n"]
    size = 0
    while size < megabytes * 1_000_000:
        paragraph = " ".join(
            " ".join(rng.choice(words) for _ in range(rng.randint(6, 14))).capitalize() + "."
            for _ in range(5)
        )
        parts.append(paragraph + "\n")
        size += len(paragraph.encode("utf-8")) + 2
    path.write_text("\n".join(parts), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--megabytes", type=float, default=5.0)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "results" / "preflight")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    article = args.work / f"big-{args.megabytes:g}mb.md"
    if not article.exists():
        write_big(article, args.megabytes)
    size = article.stat().st_size / 1_000_000
    db = args.work / "preflight.db"
    failed = False
    for name, extra in (
        ("wrong --profile", ["--profile", "no-such-profile"]),
        ("wrong --engine", ["--engine", "no-such-engine"]),
    ):
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "pipeline", "translate", str(article), "--db", str(db), *extra],
            capture_output=True,
            text=True,
        )
        elapsed = time.monotonic() - started
        error = (done.stderr or done.stdout).strip().splitlines()[-1:]
        print(f"{name}: {size:.1f} MB input, exit {done.returncode} in {elapsed:.2f} s: {error}")
        failed |= done.returncode != 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
