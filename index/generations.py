"""Where the index lives on disk, and how files leave it without hurting readers.

Layout under `HOME/index/`:

    CURRENT          name of the live generation directory (replaced atomically)
    gen-000001/      one engine's index, plus `dateline.json`:
                     {"schema": N, "applied_seq": S, "engine": "whoosh",
                      "engine_version": "3.54.0"} where S is the last store
                     change this index reflects
    gen-000001/RETIRED   written when a rebuild switched away from it

Readers in other processes may hold an index open at any moment, and an
engine may open some files only when a query first needs them. So nothing a
reader might still open is deleted at once: whole generations a rebuild
switched away from are removed by a later writer once `GRACE_SECONDS` have
passed (and an engine's own files no longer referenced after a merge, by the
engine: `Engine.remove_garbage`).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

GRACE_SECONDS = 30.0  # far longer than any search takes
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


class ReplacedFile:
    """A small file that is only ever replaced whole, written aside and
    renamed over its name (`atomic_write`; tantivy writes its meta.json so):
    read once and kept open, so that its inode cannot be given to another
    file, it has changed exactly when its name points at another inode. A
    check is then one stat, not a read (and, for tantivy's meta.json, a JSON
    parse) on every search. Where an open file cannot be renamed over (not
    POSIX), every check reads: `replaced` is always True."""

    def __init__(self, path: Path):
        self.path = path
        self._handle = open(path, "rb")  # FileNotFoundError when there is none
        status = os.fstat(self._handle.fileno())
        self._key = (status.st_dev, status.st_ino)
        self.data = self._handle.read()
        if os.name != "posix":
            self.close()

    def replaced(self) -> bool:
        if self._handle is None:
            return True
        try:
            status = os.stat(self.path)
        except OSError:
            return True
        return (status.st_dev, status.st_ino) != self._key

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


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
    return removed


def index_size_bytes(location: IndexLocation) -> int:
    gen_dir = location.current_dir()
    if gen_dir is None or not gen_dir.exists():
        return 0
    return sum(p.stat().st_size for p in gen_dir.iterdir() if p.is_file())
