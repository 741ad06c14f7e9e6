"""The Ray executor against the local one, and two one-CPU Ray nodes against one.

Run: .venv/bin/python benchmarks/ray_bench.py [--model demo|base] [--sentences 600]
     [--threads 2] [--work DIR] [--no-cluster]

Every configuration is one `pipeline translate CORPUS --to uk -q` run in its own process on a
fresh database (so the translation memory cannot answer), and its speed is the summary line's
"translated" count over its seconds (ingest, routing, model loads and every store write
included). The same threads in all: the local executor with --threads T (T decoding streams of
one thread), Ray with T one-thread actors (pipeline.executors.ray: a Ray Data map_batches
pipeline over an actor pool, fed the whole run's sentences at once and streaming results back).

- local: --executor local --threads T
- ray (own start): --executor ray, no address: Ray starts on this machine inside the run
- ray (1 node, T CPUs): joins a node started before the run with `ray start --head --num-cpus T`
  (the cluster's start-up left out, as on a standing cluster)
- ray 2 nodes x 1 CPU: `ray start --head --num-cpus 1` plus `ray start --address ... --num-cpus 1`
  in its own temporary folder, both on this machine; against one such node alone

Models: ``demo`` (the tiny offline demo models: decoding costs almost nothing, so this shows
the executor's own overhead), or ``base``: a full-size random-weight opus-mt base model
(benchdata.build_model, built once into --work, ~1 min), greedy, forced output lengths through
the routing table (min_new_tokens_ratio = max_new_tokens_ratio). Targets (issue 18): Ray on one
machine >= 0.9x local; two one-CPU nodes >= 1.8x one. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from benchdata import ROOT, build_model, models_yaml, write_corpus

BIN = Path(sys.executable).parent
# Nodes on this machine only: no token (Ray 2.5x's `ray start` asks for one by default).
ENV = {
    **os.environ,
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "RAY_ADDRESS": "",
    "RAY_AUTH_MODE": "disabled",
}
SUMMARY = re.compile(r"translated (\d+),.*\(([\d.]+) s\)")


def translate(corpus: Path, models: Path, db: Path, *args: str) -> tuple[int, float]:
    """(sentences translated, seconds) of one run, from its summary line."""
    if db.exists():
        db.unlink()
    command = [
        sys.executable,
        "-m",
        "pipeline",
        "translate",
        str(corpus),
        "--to",
        "uk",
        "--models",
        str(models),
        "--db",
        str(db),
        "-q",
        *args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, env=ENV, timeout=3600)
    found = SUMMARY.search(done.stdout)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    return int(found.group(1)), float(found.group(2))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cluster_cpus(address: str) -> float:
    probe = (
        f"import ray; ray.init(address={address!r}, log_to_driver=False);"
        " print(ray.cluster_resources().get('CPU', 0))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=ENV)
    return float(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else 0.0


def descendants(pid: int) -> list[int]:
    """Every process below pid (from /proc: Linux only)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        below = children.get(todo.pop(), [])
        found += below
        todo += below
    return found


@contextmanager
def ray_nodes(cpus: list[int], work: Path) -> Iterator[str]:
    """Ray nodes on this machine, one per entry of cpus (the first is the head), each with its
    own temporary folder; yields the head's address. Stops exactly the processes it started."""
    from ray.util import get_node_ip_address

    port = free_port()
    address = f"{get_node_ip_address()}:{port}"  # where ray start binds (not 127.0.0.1)
    started: list[subprocess.Popen[bytes]] = []
    temps: list[Path] = []
    try:
        for i, count in enumerate(cpus):
            temp = Path(tempfile.mkdtemp(prefix=f"rb{i}-", dir="/tmp"))
            temps.append(temp)
            where = ["--head", "--port", str(port)] if i == 0 else ["--address", address]
            command = [
                str(BIN / "ray"),
                "start",
                *where,
                "--num-cpus",
                str(count),
                "--num-gpus",
                "0",
                "--temp-dir",
                str(temp),
                "--block",
                "--disable-usage-stats",
                *(["--include-dashboard", "false"] if i == 0 else []),  # a head-only flag
            ]
            started.append(
                subprocess.Popen(
                    command,
                    env=ENV,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )
            time.sleep(3)
        deadline = time.monotonic() + 120
        while cluster_cpus(address) < sum(cpus):
            if time.monotonic() > deadline:
                raise SystemExit(f"the Ray nodes at {address} did not come up")
            time.sleep(2)
        yield address
    finally:
        family = []
        for process in reversed(started):
            family += [process.pid, *descendants(process.pid)]
            process.send_signal(signal.SIGTERM)
        for process in started:
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
        for pid in family:  # what outlived its `ray start --block`
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for temp in temps:
            shutil.rmtree(temp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["demo", "base"], default="demo")
    parser.add_argument("--sentences", type=int, default=600)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path.home() / ".cache/pipeline/bench-ray")
    parser.add_argument("--no-cluster", action="store_true", help="skip the two-node part")
    parser.add_argument("--only-cluster", action="store_true", help="only the two-node part")
    args = parser.parse_args()

    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    corpus = write_corpus(work / f"corpus-{args.sentences}", args.sentences)
    if args.model == "demo":
        from pipeline.testmodels import build_demo_models

        demo = work / "demo"
        table = demo / "models.yaml"
        models = table if table.exists() else build_demo_models(demo)
        route = ["--profile", "fast"]
    else:
        models = models_yaml(work / "base.yaml", build_model("base", work / "base"), "base", 1)
        route = []
    db = work / "bench.db"
    threads = str(args.threads)
    rows: list[tuple[str, int, float]] = []

    def measure(label: str, *extra: str) -> float:
        count, seconds = translate(corpus, models, db, *route, *extra)
        rows.append((label, count, seconds))
        print(
            f"{label}: {count} sentences in {seconds:.1f} s = {count / seconds:.2f}/s", flush=True
        )
        return count / seconds

    def on_nodes(label: str, cpus: list[int]) -> float:
        """Throughput with 1-thread actors on standing local nodes of ``cpus`` CPUs each."""
        with ray_nodes(cpus, work) as address:
            return measure(label, "--executor", "ray", "--ray-address", address, "--threads", "1")

    ratios: list[str] = []
    if not args.only_cluster:
        local = measure(f"local, {threads} threads", "--threads", threads)
        own = measure(
            f"ray (own start), {threads} x 1-thread actors",
            "--executor",
            "ray",
            "--threads",
            "1",
            "--workers",
            threads,
        )
        node = on_nodes(f"ray (1 node, {threads} CPUs), {threads} actors", [args.threads])
        ratios += [
            f"ray (own start) / local: {own / local:.2f}",
            f"ray (standing node) / local: {node / local:.2f} (target >= 0.9)",
        ]
    if not args.no_cluster:
        one = on_nodes("ray 1 node x 1 CPU", [1])
        two = on_nodes("ray 2 nodes x 1 CPU", [1, 1])
        ratios.append(f"2 nodes / 1 node: {two / one:.2f} (target >= 1.8)")
    print(f"\nmodel {args.model}, {args.sentences} sentences, {os.cpu_count()} CPUs on this host\n")
    print("| configuration | sentences | seconds | sentences/s |\n|---|---|---|---|")
    for label, count, seconds in rows:
        print(f"| {label} | {count} | {seconds:.1f} | {count / seconds:.2f} |")
    print("\n" + "\n".join(ratios))
    db.unlink(missing_ok=True)


if __name__ == "__main__":
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    main()
