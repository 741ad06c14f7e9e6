"""How a translation run shows its progress: two live bars on a terminal, log lines otherwise."""

from __future__ import annotations

import sys
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
    def start(self, articles: int, segments: int) -> None:
        super().start(articles, segments)
        self.stream.write(f"translating {segments} segments of {articles} articles\n")

    def advanced(self, segments: int) -> None:
        self.done_segments += segments

    def article_done(self, title: str, written: int) -> None:
        self.done_articles += 1
        self.stream.write(
            f"[{self.done_articles}/{self.total_articles}] {shorten(title, 60)}: {written} versions"
            f" ({self.rate():.1f} segments/s, ETA {self.eta()})\n"
        )
        self.stream.flush()

    def failed(self, failure: Failure) -> None:
        self.stream.write(f"error: {failure}\n")


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
