"""How a translation run shows its progress: two live bars on a terminal, log lines otherwise."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from pipeline.domain import shorten
from pipeline.jobs import Failure, Progress, revision_line
from pipeline.store import SaveResult


def make_progress(stream: TextIO | None = None, *, quiet: bool = False) -> Progress:
    stream = stream or sys.stderr
    if quiet:
        return ErrorsOnly(stream)
    return TerminalProgress(stream) if stream.isatty() else LogProgress(stream)


class ErrorsOnly(Progress):
    """--quiet: no progress, but each failed file still gets its line, since the summary's
    "failed N" does not say which files failed or how to fix them."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def failed(self, failure: Failure) -> None:
        self.stream.write(f"error: {failure}\n")


class _Rates(Progress):
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.total_articles = 0
        self.total_segments = 0
        self.done_articles = 0
        self.done_segments = 0
        self.started = time.monotonic()
        self.current = ""
        self.current_total = 0

    def start(self, articles: int, segments: int) -> None:
        self.total_articles, self.total_segments = articles, segments
        self.started = time.monotonic()

    def revised(self, title: str, result: SaveResult) -> None:
        self.stream.write(f"{title[:60]}: {revision_line(result)}\n")

    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done_segments / elapsed if elapsed > 0 else 0.0

    def eta(self) -> str:
        rate = self.rate()
        if rate <= 0:
            return "--:--"
        seconds = int((self.total_segments - self.done_segments) / rate)
        return f"{seconds // 60:02d}:{seconds % 60:02d}"


class LogProgress(_Rates):
    """Plain lines for logs and cron: one per finished article, and a status line whenever
    ``interval`` seconds passed without one (reading a big batch, loading a model, a long
    article), from a background thread, so a log never goes quiet for longer."""

    interval = 10.0  # seconds; the most a log stays silent while a run is alive

    def __init__(self, stream: TextIO, *, interval: float | None = None) -> None:
        super().__init__(stream)
        if interval is not None:
            self.interval = interval
        self.lock = threading.Lock()
        self.last_line = time.monotonic()
        self.begun = time.monotonic()
        self.phase = "reading articles"
        self.read = 0
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def _line(self, text: str) -> None:
        with self.lock:
            self.stream.write(text + "\n")
            self.stream.flush()
            self.last_line = time.monotonic()

    def begin(self) -> None:
        self.begun = self.last_line = time.monotonic()
        if self.thread is None:
            self.thread = threading.Thread(target=self._beat, name="progress", daemon=True)
            self.thread.start()

    def _beat(self) -> None:
        while not self.stop.wait(min(1.0, self.interval / 4)):
            if time.monotonic() - self.last_line >= self.interval:
                self._line(self.status())

    def status(self) -> str:
        elapsed = int(time.monotonic() - self.begun)
        if self.phase == "reading articles":
            return f"... reading articles: {self.read} stored so far ({elapsed} s)"
        return (
            f"... {self.done_segments}/{self.total_segments} segments stored"
            f" ({self.rate():.1f} segments/s, ETA {self.eta()}, {elapsed} s)"
        )

    def ingested(self, title: str) -> None:
        self.read += 1

    def start(self, articles: int, segments: int) -> None:
        super().start(articles, segments)
        self.phase = "translating"
        self._line(f"translating {segments} segments of {articles} articles")

    def advanced(self, segments: int) -> None:
        self.done_segments += segments

    def article_done(self, title: str, written: int) -> None:
        self.done_articles += 1
        self._line(
            f"[{self.done_articles}/{self.total_articles}] {shorten(title, 60)}: {written} versions"
            f" ({self.rate():.1f} segments/s, ETA {self.eta()})"
        )

    def failed(self, failure: Failure) -> None:
        self._line(f"error: {failure}")

    def finish(self) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join()
            self.thread = None


class TerminalProgress(_Rates):
    width = 30

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self.drawn = False

    def _bar(self, done: int, total: int) -> str:
        filled = int(self.width * done / total) if total else self.width
        return "█" * filled + "░" * (self.width - filled)

    def _draw(self) -> None:
        if self.drawn:
            self.stream.write("\x1b[2F")
        run = (
            f"run     {self._bar(self.done_segments, self.total_segments)} "
            f"{self.done_segments}/{self.total_segments} segments, "
            f"{self.rate():.1f}/s, ETA {self.eta()}"
        )
        article = (
            f"article {self._bar(self.done_articles, self.total_articles)} "
            f"{self.done_articles}/{self.total_articles} {shorten(self.current, 40)}"
        )
        self.stream.write(f"\x1b[2K{run}\n\x1b[2K{article}\n")
        self.stream.flush()
        self.drawn = True

    def start(self, articles: int, segments: int) -> None:
        super().start(articles, segments)
        self._draw()

    def article_started(self, title: str, segments: int) -> None:
        self.current = title
        self._draw()

    def advanced(self, segments: int) -> None:
        self.done_segments += segments
        self._draw()

    def article_done(self, title: str, written: int) -> None:
        self.done_articles += 1
        self._draw()

    def failed(self, failure: Failure) -> None:
        if self.drawn:
            self.stream.write("\x1b[2F\x1b[J")
            self.drawn = False
        self.stream.write(f"error: {failure}\n")
