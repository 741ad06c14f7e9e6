"""HTML story extraction on the Zyte article-extraction benchmark: this project's reader against
plain trafilatura.

The set (``html-benchmark/`` under the data folder: 181 news and blog pages as
``html/<id>.html.gz`` and ``ground-truth.json`` with each page's ``articleBody``) comes from
scrapinghub/article-extraction-benchmark (MIT). Its metric, reimplemented here: per page, the
4-word shingles (``\\w+`` tokens) of the extracted text against those of ``articleBody`` give
true/false positives and negatives, normalised to sum 1 so long pages weigh no more than short
ones; precision and recall are the means over pages, F1 their harmonic mean.

Pages are split in two halves by the first hex digit of their id (0-7: "tuning", 8-f:
"held-out"): rules were tuned looking at the first half only, so the second half shows how they
generalise.

    .venv/bin/python benchmarks/html_bench.py [--data ../shared/data] [--json-out FILE]
    .venv/bin/python benchmarks/html_bench.py --worst 10   # the pages this reader does worst on

Exits 0 with a line saying so when the data folder is absent (a fresh clone has none).
``score_html_benchmark(reader)`` is the function other benchmarks call.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DEFAULT_DATA = REPO.parent / "shared" / "data"
BENCHMARK = "html-benchmark"
SHINGLE = 4
_TOKEN = re.compile(r"\w+")

Reader = Callable[[str], str]


def benchmark_folder(data: Path = DEFAULT_DATA) -> Path | None:
    """The benchmark's folder under data, or None when it is not there."""
    folder = data / BENCHMARK
    return folder if (folder / "ground-truth.json").is_file() else None


def load_pages(folder: Path) -> list[tuple[str, str, str]]:
    """(id, page HTML, expected article body) for every page, by id."""
    truth: dict[str, dict[str, Any]] = json.loads(
        (folder / "ground-truth.json").read_text(encoding="utf-8")
    )
    pages = []
    for page_id in sorted(truth):
        raw = gzip.decompress((folder / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append((page_id, _decode(raw), truth[page_id].get("articleBody") or ""))
    return pages


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace")


def shingle_counts(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    # Text shorter than a shingle counts as one short shingle, as in the benchmark's own code.
    starts = range(max(1, len(tokens) - SHINGLE + 1)) if tokens else range(0)
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in starts)


def page_counts(expected: str, found: str) -> tuple[float, float, float]:
    """(tp, fp, fn) of one page's shingles, normalised to sum 1 (all 0 when both are empty)."""
    truth, pred = shingle_counts(expected), shingle_counts(found)
    tp = float(sum((truth & pred).values()))
    fp = float(sum((pred - truth).values()))
    fn = float(sum((truth - pred).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def summary(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    """Mean precision and recall over pages (pages with nothing to score left out), and F1."""
    precision = statistics.mean(
        [_ratio(tp, fp, fn) for tp, fp, fn in counts if tp + fp > 0] or [0.0]
    )
    recall = statistics.mean([_ratio(tp, fn, fp) for tp, fp, fn in counts if tp + fn > 0] or [0.0])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "pages": float(len(counts))}


def _ratio(tp: float, wrong: float, other: float) -> float:
    if wrong == other == 0:
        return 1.0
    return tp / (tp + wrong) if tp + wrong else 0.0


def score_html_benchmark(reader: Reader, data: Path = DEFAULT_DATA) -> dict[str, Any] | None:
    """Scores of ``reader`` (page HTML -> story text) on the benchmark, or None without its data.

    Returns {"all": {...}, "tuning": {...}, "held-out": {...}, "pages": {id: f1 of the page}},
    each summary with precision, recall, f1 and pages. A reader that raises scores an empty
    text for that page.
    """
    folder = benchmark_folder(data)
    if folder is None:
        return None
    per_page: dict[str, tuple[float, float, float]] = {}
    for page_id, html, expected in load_pages(folder):
        try:
            found = reader(html)
        except Exception:  # noqa: BLE001 - a crash on a page is scored as nothing found
            found = ""
        per_page[page_id] = page_counts(expected, found)
    halves = {
        "all": list(per_page),
        "tuning": [p for p in per_page if p[0] in "01234567"],
        "held-out": [p for p in per_page if p[0] not in "01234567"],
    }
    result: dict[str, Any] = {
        name: summary([per_page[p] for p in ids]) for name, ids in halves.items()
    }
    result["pages"] = {
        p: summary([counts])["f1"] for p, counts in per_page.items() if sum(counts) > 0
    }
    return result


def pipeline_reader(html: str) -> str:
    """The story text this project's HTML reader keeps: its blocks, one a line (table rows as
    their cells)."""
    from pipeline.ingest.html import parse_html

    parts = parse_html(html)
    if parts is None:
        return ""
    return "\n".join(block_text(block) for block in parts.blocks)


def block_text(block: Any) -> str:
    cells = getattr(block, "cells", ())
    if cells:
        return " ".join(cells)
    return block[1] if isinstance(block, tuple) else str(block.text)


def trafilatura_reader(html: str) -> str:
    """trafilatura's default call."""
    import trafilatura

    return trafilatura.extract(html) or ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--json-out", type=Path, help="write the scores as JSON here")
    parser.add_argument("--worst", type=int, default=0, help="list the N pages scored worst")
    parser.add_argument(
        "--only", choices=("pipeline", "trafilatura"), help="score one reader alone"
    )
    args = parser.parse_args(argv)
    if benchmark_folder(args.data) is None:
        print(f"skipped: no {BENCHMARK}/ under {args.data} (the benchmark's data is not here)")
        return 0
    readers: dict[str, Reader] = {"pipeline": pipeline_reader, "trafilatura": trafilatura_reader}
    if args.only:
        readers = {args.only: readers[args.only]}
    scores: dict[str, Any] = {}
    for name, reader in readers.items():
        found = score_html_benchmark(reader, args.data)
        assert found is not None
        scores[name] = found
    print(f"{'reader':<12} {'part':<9} {'pages':>5} {'precision':>9} {'recall':>7} {'F1':>6}")
    for name, found in scores.items():
        for part in ("all", "tuning", "held-out"):
            s = found[part]
            print(
                f"{name:<12} {part:<9} {int(s['pages']):>5} {s['precision']:>9.3f}"
                f" {s['recall']:>7.3f} {s['f1']:>6.3f}"
            )
    if args.worst:
        for name, found in scores.items():
            worst = sorted(found["pages"].items(), key=lambda item: item[1])[: args.worst]
            print(f"\nworst pages, {name}:")
            for page_id, f1 in worst:
                print(f"  {f1:.3f} {page_id}")
    if args.json_out:
        args.json_out.write_text(json.dumps(scores, indent=1, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
