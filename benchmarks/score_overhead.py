"""What the model's own score costs: the demo sentences translated with and without scores.

For each decoding path (transformers beam search through ``generate``, the project's greedy
decoder, CTranslate2 beam search where installed) the same sentences are translated with
``EngineOptions(scores=False)`` and ``scores=True``, best of ``--repeat`` interleaved runs each (no
translation memory), and the outputs compared (they must be equal). Prints seconds, the
overhead in percent and the spread of the scores.

    PYTHONPATH=. HF_HUB_OFFLINE=1 python benchmarks/score_overhead.py [--models FILE] [--n 120]

Without ``--models`` the tiny demo models are built in a temporary folder (random weights:
the timings say what scoring adds to decoding, not what a real model's scores are).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def _run(models: Path, engine: str, scores: bool, texts: list[str]) -> tuple[float, list]:
    from pipeline.routing import load_table
    from pipeline.translate import EngineOptions, build_engine

    options = EngineOptions(engine=engine, scores=scores, use_memory=False, threads=1)
    with build_engine(load_table(models), options) as built:
        built.translate(texts[:2], "uk", "en")  # load the model outside the timing
        began = time.perf_counter()
        made = built.translate(texts, "uk", "en")
        return time.perf_counter() - began, made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", type=Path, help="models.yaml (default: build demo models)")
    parser.add_argument("--n", type=int, default=120, help="sentences (demo corpus, uk)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from pipeline.testmodels import build_demo_models, demo_corpus

    texts = (demo_corpus()["uk"] * 10)[: args.n]
    with tempfile.TemporaryDirectory() as scratch:
        models = args.models or build_demo_models(Path(scratch) / "demo")
        greedy = models.parent / "models-greedy.yaml"
        greedy.write_text(models.read_text("utf-8") + "generation:\n  num_beams: 1\n", "utf-8")
        paths = [("transformers beam 4", models, "transformers")]
        paths.append(("transformers greedy", greedy, "transformers"))
        try:
            import ctranslate2  # noqa: F401

            paths.append(("ctranslate2 beam 4", models, "ctranslate2"))
        except ImportError:
            pass
        print(f"{len(texts)} sentences uk>en, best of {args.repeat}, 1 thread")
        for name, table, engine in paths:
            timings: dict[bool, float] = {False: float("inf"), True: float("inf")}
            outputs: dict[bool, list] = {}
            # interleaved, so a busy spell of the machine hits both alike
            for _ in range(args.repeat):
                for scores in (False, True):
                    seconds, outputs[scores] = _run(table, engine, scores, texts)
                    timings[scores] = min(timings[scores], seconds)
            same = [t.text for t in outputs[False]] == [t.text for t in outputs[True]]
            values = [t.score for t in outputs[True] if t.score is not None]
            overhead = 100 * (timings[True] / timings[False] - 1)
            spread = (
                f"scores min {min(values):.2f} median {statistics.median(values):.2f}"
                f" max {max(values):.2f}"
                if values
                else "no scores"
            )
            print(
                f"{name}: {timings[False]:.2f} s without, {timings[True]:.2f} s with scores"
                f" ({overhead:+.1f}%), same text: {same}; {spread}"
            )


if __name__ == "__main__":
    main()
