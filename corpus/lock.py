"""One writer at a time on a home: an exclusive `flock` on `HOME/lock`.

A `flock` belongs to the open file, so the kernel drops it when the holding
process dies, however it dies: a lock left by a killed process is never in
the way, and its stale text is overwritten by the next holder. The file holds
the holder's pid and command line, only so a second writer can say who is
writing. Readers (search) never take the lock.
"""

from __future__ import annotations

import fcntl
import json
import os
import shlex
import sys
from pathlib import Path

LOCK_NAME = "lock"


class HomeBusy(Exception):
    """Another process is writing to the home (message is user-facing)."""

    def __init__(self, home: Path, pid: int | None, command: str | None):
        self.pid, self.command = pid, command
        who = f"pid {pid}, {command!r}" if pid else "starting up"
        super().__init__(
            f"another Dateline process ({who}) is writing to {home}; "
            "wait for it to finish and try again"
        )


def _command_line() -> str:
    argv = list(sys.argv)
    if argv and argv[0].endswith(("/dateline", "cli.py")):
        argv[0] = "dateline"
    return shlex.join(argv)


class WriterLock:
    """`with WriterLock(home_root):` holds the home for writing, or raises HomeBusy."""

    def __init__(self, root: Path, *, command: str | None = None):
        self.root = Path(root)
        self.path = self.root / LOCK_NAME
        self.command = command or _command_line()
        self._fd: int | None = None

    def acquire(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        # O_CLOEXEC: a program we exec must not inherit the lock.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise HomeBusy(self.root, holder.get("pid"), holder.get("command")) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "command": self.command}).encode(), 0)
        self._fd = fd
        _HELD.add(self)

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
        except OSError:
            pass  # a full disk must not keep the lock held
        os.close(self._fd)  # closing the last descriptor releases the flock
        self._fd = None
        _HELD.discard(self)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


_HELD: set[WriterLock] = set()


def _close_in_forked_child() -> None:
    """A forked child (the index builder's workers) must not keep the lock
    alive after the process that took it is gone."""
    for lock in list(_HELD):
        if lock._fd is not None:
            try:
                os.close(lock._fd)
            except OSError:
                pass
            lock._fd = None
    _HELD.clear()


os.register_at_fork(after_in_child=_close_in_forked_child)


def _read_holder(fd: int) -> dict:
    try:
        data = json.loads(os.pread(fd, 4096, 0) or b"{}")
    except (OSError, ValueError):
        return {}  # the holder has not written its name yet
    return data if isinstance(data, dict) else {}
