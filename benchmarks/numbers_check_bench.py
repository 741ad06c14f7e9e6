"""The numbers check on human translations: false alarms, and changed years it catches.

FLORES-200 devtest (uk, ru, en; one sentence in three languages per line) is human-translated,
so every "numbers" flag on a pair of its sentences is a false alarm or a real slip of the
translator. The second measure changes the first year (1800-2099) in a target that passes and
counts how often the check then flags it. Both are given for the first half of the lines (looked
at while the date and time rules were written) and the second half (not looked at).

    .venv/bin/python benchmarks/numbers_check_bench.py [--data ../shared/data]

The data folder is kept outside the repository; without it the benchmark says so and exits 0.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.checks import missing_numbers  # noqa: E402

FILES = {"uk": "ukr", "ru": "rus", "en": "eng"}
YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    paths = {lang: args.data / f"flores200_devtest.{code}.txt" for lang, code in FILES.items()}
    if not all(p.exists() for p in paths.values()):
        print(f"no FLORES-200 devtest under {args.data}: skipped (pass --data DIR)")
        return 0
    lines = {lang: p.read_text(encoding="utf-8").splitlines() for lang, p in paths.items()}
    count = len(lines["en"])
    halves = {
        "first half (seen)": range(count // 2),
        "second half (unseen)": range(count // 2, count),
    }
    print("| lines | pairs | flagged (false alarms or slips) | year changed: flagged |")
    print("|---|---|---|---|")
    for name, rows in halves.items():
        pairs = flagged = changed = caught = 0
        for src, tgt in itertools.permutations(FILES, 2):
            for i in rows:
                source, target = lines[src][i], lines[tgt][i]
                pairs += 1
                if missing_numbers(source, target, src, tgt):
                    flagged += 1
                    continue
                if YEAR.search(target):
                    bumped = YEAR.sub(lambda m: str(int(m.group(1)) + 1), target, count=1)
                    changed += 1
                    caught += bool(missing_numbers(source, bumped, src, tgt))
        print(
            f"| {name} | {pairs} | {flagged} ({flagged / pairs:.2%}) |"
            f" {caught} of {changed} ({caught / max(changed, 1):.1%}) |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
