"""Crash points: where tests kill a writer to prove a crash harms nothing.

`DATELINE_CRASH_AT=NAME` makes the process SIGKILL itself when it reaches
`crash_point(NAME)`: no cleanup, no `finally`, exactly like a power cut of
the process. Unset (always, outside tests) it costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

CRASH_ENV = "DATELINE_CRASH_AT"

# Every name used, in the order a writer passes them (tests iterate over these).
CRASH_POINTS = (
    "after-ingest",           # update: store committed, index not yet synced
    "after-store-delete",     # remove: store committed, index not yet synced
    "before-index-commit",    # sync: documents written, Whoosh not committed
    "after-index-commit",     # sync: Whoosh committed, applied_seq not recorded
    "rebuild-midway",         # rebuild: half the articles written to the new generation
    "after-rebuild-commit",   # rebuild: new generation complete, CURRENT not switched
    "after-switch",           # rebuild: CURRENT switched, old generation not retired
    "watch-news-before-commit",  # update/index: watches' news found, not committed
    "after-watch-news",       # update/index: watches' news committed, not yet printed
)


def crash_point(name: str) -> None:
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
