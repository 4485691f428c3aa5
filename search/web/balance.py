"""Open connections kept level between the worker processes of `serve
--processes N`.

The workers accept from one listening socket, and a browser or a client
keeps its connection open for its next requests. Whichever worker wakes
first takes the connections that are waiting, so 50 clients connecting at
once were split 16/34 or 8/12/30 between the workers: each worker gets a
core, and the clients of the busier one waited twice as long. Here each
worker publishes how many connections it holds in a small file they all
map, and listens for new ones only while it holds no more than the others
(`Balance.may_accept`); the others take them meanwhile.

A worker that stops listening is waiting for its own connections only: a
thread wakes its loop (`waitress`'s trigger) every `RECHECK_S` while it is
not listening, so it takes new connections again as soon as it is the least
busy, even when its own connections are idle.
"""

from __future__ import annotations

import mmap
import os
import struct
import tempfile
import threading
import time

RECHECK_S = 0.05
_SLOT = struct.Struct("q")


def counts_file(workers: int) -> int:
    """A file descriptor of a new, unnamed file holding a count per worker (all 0)."""
    handle = tempfile.TemporaryFile()
    handle.write(b"\0" * (_SLOT.size * workers))
    handle.flush()
    fd = os.dup(handle.fileno())
    handle.close()
    return fd


class Balance:
    """One worker's view of every worker's open connections (the file of `counts_file`)."""

    def __init__(self, fd: int, slot: int):
        workers = os.fstat(fd).st_size // _SLOT.size
        if not 0 <= slot < workers:
            raise ValueError(f"worker slot {slot} is not one of {workers} workers")
        self._counts = mmap.mmap(fd, _SLOT.size * workers)
        self._slot, self._workers = slot, workers
        self.listening = True

    def counts(self) -> tuple[int, ...]:
        return struct.unpack_from(f"{self._workers}q", self._counts)

    def may_accept(self, held: int) -> bool:
        """Publish that this worker holds `held` connections; whether it may
        take another: it holds no more than any other worker."""
        _SLOT.pack_into(self._counts, _SLOT.size * self._slot, held)
        self.listening = held <= min(self.counts())
        return self.listening


def balance_server(server, balance: Balance) -> None:
    """Make a waitress server listen for new connections only while
    `balance` allows it, and recheck at least every RECHECK_S while not."""
    readable = server.readable

    def balanced() -> bool:
        # waitress's own check first (its connection limit, its maintenance).
        return readable() and balance.may_accept(len(server.active_channels))

    server.readable = balanced

    def recheck():
        while True:
            time.sleep(RECHECK_S)
            if not balance.listening:
                server.trigger.pull_trigger()

    threading.Thread(target=recheck, name="dateline-balance", daemon=True).start()
