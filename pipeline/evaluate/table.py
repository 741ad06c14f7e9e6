"""The eval report as a plain-text table: one line per direction and system, then per article."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.evaluate.score import EvalReport, Line


def report_lines(report: EvalReport) -> list[str]:
    """The table (direction, system, units, chrF, BLEU, what was not scored), the per-article
    lines under it, and the sacrebleu signatures last."""
    if not report.lines:
        return [
            f"nothing to score in {len(report.stories)} stories: no machine versions into the"
            " editions' languages; translate the originals first, or add --profile NAME"
        ]
    width = max([len("system"), *(len(line.system) for line in report.lines)])
    out = [_header(width)]
    out += [_row(line, width) for line in report.lines]
    out.append("")
    out.append(f"per article ({len(report.stories)}):")
    width = max([len("system"), *(len(line.system) for line in report.articles)])
    out += ["  " + _row(line, width, article=True) for line in report.articles]
    out.append("")
    out += [f"{name} signature: {signature}" for name, signature in report.signatures.items()]
    out += _models(report)
    return out


def _header(width: int) -> str:
    return f"{'direction':9}  {'system':{width}}  {'units':>5}  {'chrF':>6}  {'BLEU':>6}  notes"


def _row(line: Line, width: int, *, article: bool = False) -> str:
    score = line.score
    units = score.units if score else 0
    chrf = f"{score.chrf:6.2f}" if score else f"{'—':>6}"
    bleu = f"{score.bleu:6.2f}" if score else f"{'—':>6}"
    lead = f"{line.article}  " if article and line.article else ""
    text = f"{lead}{line.direction:9}  {line.system:{width}}  {units:>5}  {chrf}  {bleu}"
    return f"{text}  {_notes(line)}".rstrip()


def _notes(line: Line) -> str:
    notes: list[str] = [f"{kind} {count}" for kind, count in line.unmatched.items()]
    if line.missing:
        notes.append(f"no machine text {line.missing}")
    if line.fallback:
        notes.append(f"other run {line.fallback}")
    return ", ".join(notes)


def _models(report: EvalReport) -> Sequence[str]:
    lines = []
    for system in report.systems:
        models = "; ".join(
            f"{m.model} ({m.route}, {m.engine}, {m.units} units)" for m in system.models
        )
        lines.append(f"{system.name}: {models or 'no model (nothing translated)'}")
    return lines
