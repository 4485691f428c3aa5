"""Where the index lives on disk, and how files leave it without hurting readers.

Layout under `HOME/index/`:

    CURRENT          name of the live generation directory (replaced atomically)
    gen-000001/      a Whoosh index, plus `dateline.json`:
                     {"schema": N, "applied_seq": S} where S is the last
                     store change this index reflects
    gen-000001/RETIRED   written when a rebuild switched away from it

Readers in other processes may hold an index open at any moment, and Whoosh
opens some files only when a query first needs them. So nothing a reader
might still open is deleted at once: files Whoosh no longer references after
a merge, and whole generations a rebuild switched away from, are removed by a
later writer once `GRACE_SECONDS` have passed.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from whoosh.filedb.filestore import FileStorage

GRACE_SECONDS = 30.0  # far longer than any search takes
PENDING_NAME = ".pending-deletes.json"  # a dot: Whoosh's own cleaning skips it
RETIRED_NAME = "RETIRED"
META_NAME = "dateline.json"


@dataclass(frozen=True)
class IndexLocation:
    root: Path  # HOME/index

    @classmethod
    def in_home(cls, home_root: Path) -> IndexLocation:
        return cls(Path(home_root) / "index")

    @property
    def home_root(self) -> Path:
        return self.root.parent

    @property
    def pointer(self) -> Path:
        return self.root / "CURRENT"

    def current_dir(self) -> Path | None:
        try:
            name = self.pointer.read_text().strip()
        except FileNotFoundError:
            return None
        return self.root / name if name else None

    def generations(self) -> list[Path]:
        if not self.root.exists():
            return []
        return sorted(p for p in self.root.glob("gen-*") if p.is_dir() and p.name[4:].isdigit())


def atomic_write(path: Path, text: str) -> None:
    """Write a small file so that readers see the old or the new text, never half."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def read_meta(gen_dir: Path) -> dict:
    try:
        data = json.loads((gen_dir / META_NAME).read_text())
    except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def write_meta(gen_dir: Path, meta: dict) -> None:
    atomic_write(gen_dir / META_NAME, json.dumps(meta, sort_keys=True))


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


def new_generation_dir(location: IndexLocation) -> Path:
    location.root.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name[4:]) for p in location.generations()]
    gen_dir = location.root / f"gen-{max(numbers, default=0) + 1:06d}"
    gen_dir.mkdir()
    return gen_dir


def switch_to(location: IndexLocation, gen_dir: Path) -> None:
    """Make `gen_dir` the live generation (one atomic rename) and retire the old one."""
    old = location.current_dir()
    atomic_write(location.pointer, gen_dir.name)
    if old is not None and old != gen_dir and old.exists():
        _mark_retired(old)


def _mark_retired(gen_dir: Path) -> None:
    try:
        (gen_dir / RETIRED_NAME).write_text(f"{time.time()}\n")
    except OSError:
        pass  # it is removed later anyway, only sooner


def _retired_since(gen_dir: Path) -> float | None:
    try:
        return float((gen_dir / RETIRED_NAME).read_text())
    except (OSError, ValueError):
        return None


def remove_old_generations(location: IndexLocation, *, now: float | None = None) -> list[str]:
    """Remove what no reader can be using; called by writers holding the home lock.

    A generation newer than the live one was left by a rebuild killed before
    its switch: nobody ever read it. An older one is removed once it has been
    retired for the grace period (marked now if a crash skipped the marking).
    """
    now = time.time() if now is None else now
    live = location.current_dir()
    live_number = int(live.name[4:]) if live is not None else 0
    removed = []
    for gen_dir in location.generations():
        if gen_dir == live:
            continue
        if int(gen_dir.name[4:]) > live_number:
            shutil.rmtree(gen_dir, ignore_errors=True)
            removed.append(gen_dir.name)
            continue
        since = _retired_since(gen_dir)
        if since is None:
            _mark_retired(gen_dir)
        elif now - since >= GRACE_SECONDS:
            shutil.rmtree(gen_dir, ignore_errors=True)
            removed.append(gen_dir.name)
    if live is not None and live.exists():
        GracefulStorage(str(live)).purge_expired(now=now)
    return removed


def index_size_bytes(location: IndexLocation) -> int:
    gen_dir = location.current_dir()
    if gen_dir is None or not gen_dir.exists():
        return 0
    return sum(p.stat().st_size for p in gen_dir.iterdir() if p.is_file())
