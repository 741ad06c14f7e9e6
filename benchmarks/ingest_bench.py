"""Ingestion on pages: story recall, chrome leak, title/author/date per site style; HTML on Zyte.

Run: .venv/bin/python benchmarks/ingest_bench.py [--data ../shared/data] [--work DIR] [--no-zyte]

1. The page corpus (benchmarks/pagecorpus.py) is built from FLORES in --data into --work (a temp
   folder by default): text dumps and HTML pages of seven made-up site styles, the truth beside
   each. Every page is read alone (`read_path`, no help from other files of a batch).
   - story recall: share of the truth's story paragraphs found among the kept paragraphs;
   - chrome leak: share of kept paragraphs that are not story paragraphs;
   - title / author / date: share of pages where they equal the truth (author only over pages
     with a byline that names one; a page without one must give no author to count as right).
   Styles are reported as TUNED (looked at while the rules were tuned) and UNSEEN (written
   before tuning, not looked at while tuning).
2. Zyte's article-extraction benchmark (--data/html-benchmark: 181 HTML pages, its 4-word
   shingle precision/recall/F1 as its evaluate.py computes them): the pipeline's HTML reader
   against trafilatura's default `extract` call.
A fresh clone has no ../shared/data: the script says so and exits 0 without measuring.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pagecorpus import build  # noqa: E402
from pagecorpus_styles import TUNED, UNSEEN  # noqa: E402

from pipeline.ingest import IngestError, IngestOptions, read_path  # noqa: E402


def norm(text: str) -> str:
    return " ".join(text.split())


def page_scores(page: Path, truth: dict) -> dict:
    try:
        article = read_path(page, IngestOptions())[0]
    except IngestError as err:
        return {"parsed": False, "error": str(err), "story": len(truth["story"])}
    kept = [norm(block.text) for block in article.blocks]
    story = [norm(s) for s in truth["story"]]
    story_set = set(story)
    found = sum(1 for s in story if s in kept)
    leaks = [k for k in kept if k not in story_set]
    return {
        "parsed": True,
        "story": len(story),
        "found": found,
        "kept": len(kept),
        "leaked": len(leaks),
        "leaks": leaks,
        "missed": [s for s in story if s not in kept],
        "title": norm(article.title) == norm(truth["title"]),
        "got_title": article.title,
        "has_author": truth["author"] is not None,
        "author": norm(article.author or "") == norm(truth["author"] or ""),
        "got_author": article.author,
        "date": (article.date or "")[:10] == truth["date"],
        "got_date": article.date,
    }


def style_row(name: str, results: list[dict]) -> dict:
    parsed = [r for r in results if r["parsed"]]
    story = sum(r["story"] for r in results)
    kept = sum(r["kept"] for r in parsed)
    bylined = [r for r in parsed if r["has_author"]]
    return {
        "style": name,
        "pages": len(results),
        "parsed": len(parsed),
        "recall": sum(r["found"] for r in parsed) / story if story else 0.0,
        "leak": sum(r["leaked"] for r in parsed) / kept if kept else 0.0,
        "title": sum(r["title"] for r in parsed) / len(results),
        "author": sum(r["author"] for r in bylined) / len(bylined) if bylined else None,
        "no_author": sum(r["author"] for r in parsed if not r["has_author"]),
        "no_byline": sum(1 for r in parsed if not r["has_author"]),
        "date": sum(r["date"] for r in parsed) / len(results),
    }


def print_rows(label: str, rows: list[dict]) -> None:
    print(f"\n{label}")
    print(
        f"{'style':<22}{'pages':>6}{'parsed':>7}{'recall':>8}{'leak':>7}{'title':>7}"
        f"{'author':>8}{'date':>7}"
    )
    for row in rows:
        author = "-" if row["author"] is None else f"{row['author']:.2f}"
        print(
            f"{row['style']:<22}{row['pages']:>6}{row['parsed']:>7}{row['recall']:>8.3f}"
            f"{row['leak']:>7.3f}{row['title']:>7.2f}{author:>8}{row['date']:>7.2f}"
        )


def run_corpus(corpus: Path, kind: str, show: str | None) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for style in TUNED + UNSEEN:
        results = []
        for truth_path in sorted((corpus / style.name).glob("*.truth.json")):
            truth = json.loads(truth_path.read_text(encoding="utf-8"))
            page = truth_path.with_name(truth["file"])
            if kind != "all" and page.suffix.lstrip(".") != kind:
                continue
            result = page_scores(page, truth)
            result["file"] = truth["file"]
            results.append(result)
            if show == style.name and (
                not result["parsed"]
                or result["leaks"]
                or result["missed"]
                or not result["title"]
                or not result["author"]
                or not result["date"]
            ):
                print(json.dumps({k: v for k, v in result.items()}, ensure_ascii=False))
        out[style.name] = style_row(style.name, results)
    return out


# -- Zyte article-extraction benchmark: its metric, as in its evaluate.py ----------------------

_TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN_RE.findall(text or "")
    return Counter(
        tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n]
    )


def tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    t, p = shingles(true), shingles(pred)
    tp = fp = fn = 0.0
    for key in set(t) | set(p):
        tp += min(t[key], p[key])
        fp += max(0, p[key] - t[key])
        fn += max(0, t[key] - p[key])
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (tp, fp, fn)


def prf(rows: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    def precision(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)

    def recall(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)

    p = statistics.mean(precision(*r) for r in rows if r[0] + r[1] > 0)
    r = statistics.mean(recall(*r) for r in rows if r[0] + r[2] > 0)
    return p, r, 2 * p * r / (p + r)


def run_zyte(folder: Path, limit: int | None = None) -> None:
    import trafilatura

    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    if limit:
        truth = dict(sorted(truth.items())[:limit])
    ours, theirs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for key, item in sorted(truth.items()):
            raw = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes())
            page = Path(tmp) / f"{key}.html"
            page.write_bytes(raw)
            try:
                blocks = read_path(page, IngestOptions())[0].blocks
                text = "\n".join(block.text for block in blocks)
            except IngestError:
                text = ""
            ours.append(tp_fp_fn(item.get("articleBody", ""), text))
            extracted = trafilatura.extract(raw.decode("utf-8", errors="replace")) or ""
            theirs.append(tp_fp_fn(item.get("articleBody", ""), extracted))
    print(f"\nZyte article-extraction benchmark ({len(truth)} pages), 4-word shingles")
    print(f"{'extractor':<26}{'precision':>10}{'recall':>8}{'F1':>7}")
    for name, rows in (("pipeline HTML reader", ours), ("trafilatura extract()", theirs)):
        p, r, f = prf(rows)
        print(f"{name:<26}{p:>10.3f}{r:>8.3f}{f:>7.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--work", type=Path, help="where the corpus is built (default: temp)")
    parser.add_argument("--kind", choices=("all", "txt", "html"), default="all")
    parser.add_argument("--show", metavar="STYLE", help="print the failures of one style")
    parser.add_argument("--seed", type=int, default=7, help="another seed, other pages")
    parser.add_argument("--no-zyte", action="store_true")
    parser.add_argument("--zyte-only", action="store_true")
    parser.add_argument("--zyte-limit", type=int, help="only the first N Zyte pages (by id)")
    args = parser.parse_args()
    if not (args.data / "flores200_devtest.metadata.tsv").exists():
        print(f"no FLORES data in {args.data} (a fresh clone has none): pass --data DIR; skipped")
        return
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        if args.zyte_only:
            args.kind = "none"
        corpus = args.work or Path(tmp)
        kinds = {"all": ("txt", "html"), "none": ()}.get(args.kind, (args.kind,))
        if kinds:
            pages = build(args.data, corpus, seed=args.seed)
            print(f"{pages} pages built in {corpus}")
        for kind in kinds:
            rows = run_corpus(corpus, kind, args.show)
            print_rows(f"[{kind}] TUNED styles", [rows[s.name] for s in TUNED])
            print_rows(f"[{kind}] UNSEEN styles", [rows[s.name] for s in UNSEEN])
    zyte = args.data / "html-benchmark"
    if not args.no_zyte and (zyte / "ground-truth.json").exists():
        run_zyte(zyte, args.zyte_limit)
    print(f"\n{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
