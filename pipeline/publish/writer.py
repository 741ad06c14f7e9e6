"""Writing an export tree: only changed bytes hit the disk, and stale files we wrote go away.

A manifest (``.pipeline-manifest.json`` in the output folder) records every file a publish run
wrote and which format produced it. The next run removes the manifest's files of the same formats
that it no longer produces, and never touches a file the manifest does not list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pipeline.domain import PipelineError
from pipeline.output import safe_child, write_if_changed

MANIFEST = ".pipeline-manifest.json"


@dataclass
class WriteCounts:
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    paths: list[str] = field(default_factory=list)  # relative paths written this run


class OutputTree:
    """Files under one root folder, written when their bytes differ from what is there."""

    def __init__(self, root: Path, formats: tuple[str, ...]) -> None:
        self.root = root.resolve()
        self.formats = formats
        self.counts = WriteCounts()
        self._produced: dict[str, str] = {}
        self._previous = self._read_manifest()

    def write(self, fmt: str, relative: str, data: bytes | str) -> None:
        path = self.inside(relative)
        if relative in self._produced:
            raise PipelineError(f"{relative}: two outputs share one path; rename a slug")
        self._produced[relative] = fmt
        if not write_if_changed(path, data):
            self.counts.unchanged += 1
            return
        self.counts.written += 1
        self.counts.paths.append(relative)

    def inside(self, relative: str) -> Path:
        """root/relative, refusing absolute paths, '..' and anything resolving outside root."""
        parts = PurePosixPath(relative).parts
        if not parts or PurePosixPath(relative).is_absolute() or ".." in parts:
            raise PipelineError(f"{relative!r}: refusing an output path outside {self.root}")
        return safe_child(self.root, *parts)

    def finish(self) -> WriteCounts:
        """Remove files of this run's formats that an earlier run wrote and this one did not;
        keep other formats' files; then record the manifest."""
        kept: dict[str, str] = {}
        for relative, fmt in self._previous.items():
            if relative in self._produced:
                continue
            if fmt not in self.formats:
                kept[relative] = fmt
                continue
            try:
                path = self.inside(relative)
            except PipelineError:
                continue  # a tampered manifest entry: never act on it
            if path.is_file():
                path.unlink()
                self.counts.removed += 1
                self._prune_empty(path.parent)
        manifest = {"version": 1, "files": dict(sorted({**kept, **self._produced}.items()))}
        self.root.mkdir(parents=True, exist_ok=True)
        text = json.dumps(manifest, indent=1, ensure_ascii=False) + "\n"
        target = self.root / MANIFEST
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
        return self.counts

    def _prune_empty(self, folder: Path) -> None:
        while folder != self.root and self.root in folder.parents:
            try:
                folder.rmdir()  # only succeeds when empty
            except OSError:
                return
            folder = folder.parent

    def _read_manifest(self) -> dict[str, str]:
        path = self.root / MANIFEST
        if not path.is_file():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            files = data["files"]
        except (ValueError, KeyError, TypeError) as exc:
            raise PipelineError(
                f"{path}: unreadable publish manifest ({exc}); delete it to start afresh"
            ) from exc
        if not isinstance(files, dict):
            raise PipelineError(f"{path}: unreadable publish manifest; delete it to start afresh")
        return {str(k): str(v) for k, v in files.items()}
