"""Whoosh's file storage, made safe for readers in other processes."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from whoosh.filedb.filestore import FileStorage

from dateline.index.generations import GRACE_SECONDS

PENDING_NAME = ".pending-deletes.json"  # a dot: Whoosh's own cleaning skips it


class GracefulStorage(FileStorage):
    """A Whoosh FileStorage whose deletions wait until no reader can need the file.

    Whoosh deletes the files of merged-away segments and old TOCs right after
    each commit; a search in another process that opened the previous TOC a
    moment earlier may still want them. Here a deletion is only recorded, and
    carried out by a later writer after the grace period.
    """

    def delete_file(self, name: str) -> None:
        if self.readonly:
            super().delete_file(name)  # raises ReadOnlyError
        if not hasattr(self, "_pending"):
            self._pending = _read_pending(self.folder)
        if name not in self._pending:  # Whoosh asks again after every commit
            self._pending[name] = time.time()
            _write_pending(self.folder, self._pending)

    def purge_expired(self, *, now: float | None = None) -> int:
        """Delete files whose grace period is over; returns how many."""
        now = time.time() if now is None else now
        pending = _read_pending(self.folder)
        due = [name for name, since in pending.items() if now - since >= GRACE_SECONDS]
        for name in due:
            try:
                os.remove(os.path.join(self.folder, name))
            except FileNotFoundError:
                pass
            del pending[name]
        if due:
            _write_pending(self.folder, pending)
        # Temporary folders of a writer that was killed (Whoosh names them *.tmp).
        for path in Path(self.folder).glob("*.tmp"):
            if path.is_dir() and now - path.stat().st_mtime >= GRACE_SECONDS:
                shutil.rmtree(path, ignore_errors=True)
        return len(due)


def _read_pending(folder: str) -> dict[str, float]:
    try:
        data = json.loads(Path(folder, PENDING_NAME).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    return {k: float(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write_pending(folder: str, pending: dict[str, float]) -> None:
    # No fsync: losing this list after a power cut only leaves garbage files.
    tmp = Path(folder, f"{PENDING_NAME}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(pending))
    os.replace(tmp, Path(folder, PENDING_NAME))
