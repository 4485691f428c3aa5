"""Ingest: files and folders in, articles in the store, rejects in the log.

Each input file is one store transaction together with its row in the record
of inputs, so a killed ingest leaves every file either wholly ingested and
recorded, or not at all (and the next run redoes it).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from corpus.article import Article, Rejected, Skipped
from corpus.readers import read_path
from corpus.store import ArticleStore


@dataclass
class IngestSummary:
    files: int = 0
    files_skipped: int = 0  # unchanged since they were last ingested
    read: int = 0
    stored: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: int = 0
    rejected_by_reason: Counter = field(default_factory=Counter)
    skipped: int = 0  # parts of inputs that are not articles nor errors (WARC requests, images)
    skipped_by_reason: Counter = field(default_factory=Counter)
    bytes: int = 0

    def as_dict(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if not k.endswith("_by_reason")}
        data["rejected_by_reason"] = dict(self.rejected_by_reason.most_common())
        data["skipped_by_reason"] = dict(self.skipped_by_reason.most_common())
        return data


ProgressCallback = Callable[[IngestSummary, Path], None]


class IngestError(Exception):
    """A path given to ingest that cannot be used at all (user-facing)."""


def walk_inputs(paths: Iterable[Path]) -> Iterator[Path]:
    """Every file under the given paths, recursively, in a stable order."""
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root) / name
        elif path.exists():
            yield path
        else:
            raise IngestError(f"{path}: no such file or directory")


def ingest(
    paths: Iterable[Path],
    store: ArticleStore,
    rejects_path: Path,
    *,
    now: datetime | None = None,
    progress: ProgressCallback | None = None,
    skip_unchanged_inputs: bool = True,
) -> IngestSummary:
    now = now or datetime.now(timezone.utc)
    paths = [Path(p) for p in paths]
    for path in paths:  # fail before writing anything when a path is wrong
        if not path.exists():
            raise IngestError(f"{path}: no such file or directory")
    summary = IngestSummary()
    rejects_path.parent.mkdir(parents=True, exist_ok=True)
    with open(rejects_path, "a", encoding="utf-8") as rejects:
        for path in walk_inputs(paths):
            summary.files += 1
            _ingest_file(path, store, rejects, summary, now=now, skip_unchanged=skip_unchanged_inputs)
            if progress:
                progress(summary, path)
    return summary


def _ingest_file(path, store, rejects, summary, *, now, skip_unchanged) -> None:
    key = str(path.resolve())
    try:
        stat = path.stat()
    except OSError:
        stat = None
    if stat is not None and skip_unchanged:
        known = store.input_record(key)
        if known and known[0] == stat.st_size and known[1] == stat.st_mtime_ns:
            summary.files_skipped += 1
            return
        if known and known[0] == stat.st_size and known[2] == file_hash(path):
            summary.files_skipped += 1
            return
    summary.bytes += stat.st_size if stat else 0
    articles = 0
    reject_lines = []
    for item in read_path(path, now=now):
        if isinstance(item, Skipped):
            summary.skipped += 1
            summary.skipped_by_reason[_reason_kind(item.reason)] += 1
            continue
        if isinstance(item, Rejected):
            summary.rejected += 1
            summary.rejected_by_reason[_reason_kind(item.reason)] += 1
            reject_lines.append(_reject_line(item, now))
            continue
        summary.read += 1
        result = store.put(item)
        if result.status == "duplicate":
            summary.duplicates += 1
            reject_lines.append(
                _reject_line(Rejected(item.origin, f"duplicate of {result.duplicate_of}"), now)
            )
        else:
            setattr(summary, result.status, getattr(summary, result.status) + 1)
            articles += 1
    if stat is not None:
        store.record_input(key, stat.st_size, stat.st_mtime_ns, file_hash(path), articles)
    # Rejects are logged before the commit: a crash in between re-reads the
    # file next time (it is not recorded yet), so a reject may be logged twice
    # but is never lost.
    rejects.writelines(reject_lines)
    rejects.flush()
    store.commit()


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()[:32]


def _reason_kind(reason: str) -> str:
    """'unreadable date: ...' -> 'unreadable date', for the per-reason counts."""
    return reason.split(":")[0].split(" (")[0]


def _reject_line(rejected: Rejected, now: datetime) -> str:
    record = {"time": now.isoformat(), "input": rejected.origin, "reason": rejected.reason}
    return json.dumps(record, ensure_ascii=False) + "\n"


def load_articles(paths: Iterable[Path], *, now: datetime) -> Iterator[Article | Rejected]:
    """Read inputs without a store (for tools and benchmarks)."""
    for path in walk_inputs([Path(p) for p in paths]):
        for item in read_path(path, now=now):
            if not isinstance(item, Skipped):
                yield item
