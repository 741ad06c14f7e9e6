"""Load on the review desk: 20 editors reading and writing while `pipeline translate` runs.

Builds the offline demo models, writes --ready articles (translated before the load, for the
editors to work on) and --articles more (translated during it), all Markdown made of words from
samples/ (seeded). Starts `pipeline serve` on loopback in a subprocess over that store, then
--clients threads, each with its own keep-alive connection, loop until the translate run ends
(or --seconds pass), each pausing --think seconds between requests (default 0: as fast as the
server answers, which measures saturation, not an editor's wait): a read is
GET /api/articles/{id} (one in ten: the queue, GET /api/articles); a write (--writes of the
requests) reads an article's units and PATCHes one sentence's current English version with the
revision it read. A 409 is a conflict the editor
would see, not an error.

Reported: p50/p95/max latency of article reads, queue reads and writes (ms, client side, on
loopback); server errors (5xx or a broken connection); lost writes: a PATCH answered 200 whose
version is not in the store with its text, or a sentence whose current text is not the last
write answered 200 for it.
Targets: article reads p95 <= 50 ms, writes p95 <= 150 ms, 0 lost writes, 0 server errors.

Usage:
    nice -n 10 python benchmarks/serve_load.py [--articles 50] [--ready 10] [--clients 20]
        [--writes 0.3] [--seconds 120] [--think 0] [--work DIR] [--seed 1]

Needs only the repository (samples/ and the demo models it builds); prints a Markdown table.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "serve-load-token"


def ukrainian_words() -> list[str]:
    words: set[str] = set()
    for path in sorted(ROOT.glob("samples/uk-*.txt")):
        for word in re.findall(r"[А-ЩЬЮЯЄІЇҐа-щьюяєіїґ'’]{3,}", path.read_text("utf-8")):
            words.add(word.lower())
    return sorted(words)


def write_articles(folder: Path, count: int, rng: random.Random, words: list[str]) -> None:
    """count Markdown stories: a title and 4 paragraphs of 3 sentences (13 segments each)."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        title = " ".join(rng.choice(words) for _ in range(5)).capitalize()
        lines = [f"# {title} {folder.name} {number}", ""]
        for _ in range(4):
            sentences = [
                " ".join(rng.choice(words) for _ in range(rng.randint(6, 12))).capitalize() + "."
                for _ in range(3)
            ]
            lines += [" ".join(sentences), ""]
        (folder / f"story-{number:03}.md").write_text("\n".join(lines), encoding="utf-8")


def pipeline(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", *args]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Tally:
    article_ms: list[float] = field(default_factory=list)
    queue_ms: list[float] = field(default_factory=list)
    write_ms: list[float] = field(default_factory=list)
    conflicts: int = 0
    server_errors: int = 0
    other_errors: list[str] = field(default_factory=list)
    # (segment id, version id, text) of every write answered 200, in answer order per client
    written: list[tuple[int, int, str]] = field(default_factory=list)


class Client:
    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: object = None) -> tuple[int, object, float]:
        data = None if body is None else json.dumps(body).encode()
        start = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=self.headers)
            answer = self.conn.getresponse()
            raw = answer.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return 599, None, (time.perf_counter() - start) * 1000
        elapsed = (time.perf_counter() - start) * 1000
        return answer.status, json.loads(raw) if raw else None, elapsed


def editor(
    number: int,
    port: int,
    articles: list[str],
    writes: float,
    stop: threading.Event,
    tally: Tally,
    lock: threading.Lock,
    think: float = 0.0,
) -> None:
    rng = random.Random(number)
    client = Client(port)
    while not stop.is_set():
        if think:  # a person reads before the next click: 0.5 to 1.5 times --think
            stop.wait(think * rng.uniform(0.5, 1.5))
        article = rng.choice(articles)
        if rng.random() < writes:
            status, rows, _ = client.call("GET", f"/api/articles/{article}/units")
            if status != 200 or not isinstance(rows, list):
                with lock:
                    tally.server_errors += status >= 500
                    tally.other_errors += [] if status >= 500 else [f"units {status}"]
                continue
            cells = [r["current"]["en"] for r in rows if r["current"]["en"]]
            cells = [c for c in cells if c["id"] is not None and c["origin"] != "source"]
            if not cells:
                continue
            cell = rng.choice(cells)
            text = f"editor {number} at {time.monotonic():.6f}"
            status, body, ms = client.call(
                "PATCH", f"/api/versions/{cell['id']}", {"text": text, "revision": cell["id"]}
            )
            with lock:
                tally.write_ms.append(ms)
                if status == 200 and isinstance(body, dict):
                    version = body["version"]
                    tally.written.append((version["segment_id"], version["id"], text))
                elif status == 409:
                    tally.conflicts += 1
                elif status >= 500:
                    tally.server_errors += 1
                else:
                    tally.other_errors.append(f"patch {status} {body}")
        else:
            queue = rng.random() < 0.1
            path = "/api/articles" if queue else f"/api/articles/{article}"
            status, _, ms = client.call("GET", path)
            with lock:
                (tally.queue_ms if queue else tally.article_ms).append(ms)
                if status >= 500:
                    tally.server_errors += 1
                elif status != 200:
                    tally.other_errors.append(f"read {status}")


def lost_writes(db: Path, written: list[tuple[int, int, str]]) -> int:
    """Writes answered 200 that the store does not hold as the answer said, plus sentences whose
    current English text is not the newest write answered for them."""
    sys.path.insert(0, str(ROOT))
    from pipeline.store import Store

    lost = 0
    newest: dict[int, tuple[int, str]] = {}
    with Store(db) as store:
        for segment_id, version_id, text in written:
            try:
                version = store.versions.get(version_id)
            except Exception:  # noqa: BLE001 - a missing version is what we count
                lost += 1
                continue
            if version.text != text or version.segment_id != segment_id:
                lost += 1
            if version_id > newest.get(segment_id, (0, ""))[0]:
                newest[segment_id] = (version_id, text)
        for segment_id, (version_id, _) in newest.items():
            seen = store.versions.current_of(segment_id, "en")
            if seen is None or seen.id != version_id:
                lost += 1
    return lost


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--ready", type=int, default=10)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--writes", type=float, default=0.3)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument(
        "--think", type=float, default=0.0, help="seconds each editor pauses between requests"
    )
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--translate-threads",
        type=int,
        default=1,
        help="torch threads of the translate run (1 leaves the other core of a 2-core machine to"
        " the server, as a newsroom would set a batch job beside a desk)",
    )
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="serve-load-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "PYTHONPATH": str(ROOT),
    }
    rng = random.Random(args.seed)
    words = ukrainian_words()
    write_articles(work / "ready", args.ready, rng, words)
    write_articles(work / "incoming", args.articles, rng, words)
    models = work / "models"
    if not (models / "models.yaml").exists():
        subprocess.run(pipeline("models", "demo", str(models)), env=env, cwd=ROOT, check=True)
    db = work / "desk.db"
    translate = (
        *("--models", str(models / "models.yaml"), "--db", str(db), "--to", "ru,en", "-q"),
        *("--threads", str(args.translate_threads)),
    )
    subprocess.run(
        pipeline("translate", str(work / "ready"), *translate), env=env, cwd=ROOT, check=True
    )

    sys.path.insert(0, str(ROOT))
    from pipeline.store import Store

    with Store(db) as store:
        ready = store.article_ids()

    port = free_port()
    server = subprocess.Popen(
        pipeline("serve", "--db", str(db), "--port", str(port), "--token", TOKEN),
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        probe = Client(port)
        for _ in range(200):
            if probe.call("GET", "/api/docs")[0] == 200:
                break
            time.sleep(0.1)
        else:
            raise SystemExit("the server did not start")
        tally, lock, stop = Tally(), threading.Lock(), threading.Event()
        started = time.perf_counter()
        run = subprocess.Popen(
            pipeline("translate", str(work / "incoming"), *translate),
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        threads = [
            threading.Thread(
                target=editor,
                args=(n, port, ready, args.writes, stop, tally, lock, args.think),
                daemon=True,
            )
            for n in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        with contextlib.suppress(subprocess.TimeoutExpired):
            run.wait(timeout=args.seconds)
        translate_s = time.perf_counter() - started
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        translated = run.poll()
        if translated is None:
            run.kill()
            run.wait()
    finally:
        server.terminate()
        server.wait(timeout=30)

    with Store(db) as store:
        stored = len(store.article_ids())
    lost = lost_writes(db, tally.written)
    print(
        f"work: {work}; clients {args.clients}, think {args.think} s;"
        f" writes {args.writes:.0%} of requests;"
        f" translate of {args.articles} articles: "
        f"{'exit ' + str(translated) if translated is not None else 'cut at --seconds'}"
        f" after {translate_s:.1f} s; articles stored {stored}\n"
    )
    print("| requests | count | p50 ms | p95 ms | max ms | target p95 |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, values, target in (
        ("article reads", tally.article_ms, "<= 50"),
        ("queue reads", tally.queue_ms, "-"),
        ("writes (PATCH)", tally.write_ms, "<= 150"),
    ):
        print(
            f"| {name} | {len(values)} | {statistics.median(values) if values else 0:.1f} |"
            f" {percentile(values, 0.95):.1f} | {max(values, default=0):.1f} | {target} |"
        )
    print(
        f"\nwrites stored {len(tally.written)}, conflicts (409) {tally.conflicts},"
        f" lost writes {lost}, server errors {tally.server_errors},"
        f" other errors {len(tally.other_errors)} {tally.other_errors[:3]}"
    )


if __name__ == "__main__":
    main()
