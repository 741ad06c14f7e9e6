import io

from pipeline.jobs import Failure, Progress, RunReport
from pipeline.progress import LogProgress, TerminalProgress, make_progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def drive(progress: Progress) -> None:
    progress.start(2, 10)
    progress.article_started("Перша стаття", 4)
    progress.advanced(4)
    progress.article_done("Перша стаття", 8)
    progress.failed(Failure("bad.json", "bad.json: not valid JSON"))
    progress.article_started("Друга стаття", 6)
    progress.advanced(6)
    progress.article_done("Друга стаття", 12)


def test_plain_log_lines_when_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = make_progress(stream)
    assert isinstance(progress, LogProgress)
    drive(progress)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "translating 10 segments of 2 articles"
    assert lines[1].startswith("[1/2] Перша стаття: 8 versions (")
    assert "segments/s, ETA" in lines[1]
    assert lines[2] == "error: bad.json: not valid JSON"
    assert lines[3].startswith("[2/2] Друга стаття: 12 versions")
    assert "\x1b" not in stream.getvalue()


def test_two_live_bars_on_a_terminal() -> None:
    stream = FakeTerminal()
    progress = make_progress(stream)
    assert isinstance(progress, TerminalProgress)
    drive(progress)
    screen = stream.getvalue()
    assert "\x1b[2F" in screen  # redrawn in place
    final_run, final_article = screen.rstrip("\n").split("\n")[-2:]
    assert "10/10 segments" in final_run and "ETA" in final_run
    assert "2/2 Друга стаття" in final_article
    assert "error: bad.json: not valid JSON" in screen


def test_quiet_prints_only_the_errors() -> None:
    stream = FakeTerminal()
    drive(make_progress(stream, quiet=True))
    assert stream.getvalue() == "error: bad.json: not valid JSON\n"


def test_summary_names_every_count() -> None:
    report = RunReport(articles=3, segments=40, translated=70, reused=10, split=1, flagged=2)
    report.failures.append(Failure("x.txt", "x.txt: empty file"))
    summary = report.summary()
    for part in (
        "articles 3",
        "segments 40",
        "translated 70",
        "reused from memory 10",
        "split 1",
        "flagged 2",
        "failed 1",
    ):
        assert part in summary
