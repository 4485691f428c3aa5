"""Writing Whoosh generations: a whole build (in parallel worker processes),
the store's changes applied to the live one, a merge into one segment.

Crash safety comes from the order of writes in `index/build.py`; here, a
Whoosh commit is atomic (a reader switches to a new TOC only once it is
completely written) and nothing a reader may need is deleted at once
(`storage.GracefulStorage`).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from whoosh.filedb.filestore import FileStorage

from dateline.index.engine import IndexUnavailable
from dateline.index.faults import crash_point
from dateline.index.schema import document_for
from dateline.index.whoosh_engine.codec import codec
from dateline.index.whoosh_engine.fields import build_schema
from dateline.index.whoosh_engine.merge import log_merge_policy
from dateline.index.whoosh_engine.storage import GracefulStorage

# Below this many articles, starting worker processes costs more than it saves.
PARALLEL_MIN_ARTICLES = 2000
WRITER_MEMORY_MB = 128  # per writer process: memory stays bounded at any size
SYNC_CHUNK = 500


def build_procs(total: int, procs: int | None) -> int:
    if procs is None:
        procs = os.cpu_count() or 1
    return max(1, procs) if total >= PARALLEL_MIN_ARTICLES else 1


def write_generation(store, gen_dir, progress, procs) -> int:
    # A plain FileStorage: no reader can see this generation until the switch,
    # so files Whoosh drops while building may go at once.
    ix = FileStorage(str(gen_dir)).create_index(build_schema())
    total = len(store)
    procs = build_procs(total, procs)
    if procs > 1:
        # Whoosh's multiprocessing writer: this process reads the store and
        # hands batches to `procs` workers, each writing its own segment
        # (multisegment: no final single-threaded merge).
        _workers_die_with_us.active = True
        options = {"procs": procs, "multisegment": True, "batchsize": 256,
                   "limitmb": WRITER_MEMORY_MB,
                   "subargs": {"limitmb": WRITER_MEMORY_MB, "codec": codec(), "compound": False}}
    else:
        options = {"limitmb": WRITER_MEMORY_MB * 2}
    count = 0
    try:
        with _index_writer(ix, **options) as writer:
            for article in store:
                writer.add_document(**document_for(article))
                count += 1
                if count == total // 2:
                    crash_point("rebuild-midway")
                if progress and count % 250 == 0:
                    progress(count, total)
            writer.commit()
    finally:
        _workers_die_with_us.active = False
        ix.close()
    _check_complete(gen_dir, count)
    if progress:
        progress(count, total)
    return count


def _check_complete(gen_dir, expected: int) -> None:
    """Whoosh's parallel writer drops a worker's segment without a word when the
    worker fails; a generation missing articles must never go live."""
    ix = FileStorage(str(gen_dir)).open_index()
    try:
        # Counted from the table of contents: opening readers to count would
        # load every segment (about 900 MB at Reuters x10) for one number.
        found = sum(segment.doc_count() for segment in ix._segments())
    finally:
        ix.close()
    if found != expected:
        raise IndexUnavailable(f"the rebuild wrote {found} of {expected} articles (an index "
                               "worker failed); the previous index is still in use")


def _workers_die_with_us() -> None:
    """In a forked index worker: die when the parent dies (Linux), so a killed
    rebuild leaves no workers waiting forever for batches that never come."""
    if not _workers_die_with_us.active or not sys.platform.startswith("linux"):
        return
    parent = _workers_die_with_us.parent
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


_workers_die_with_us.active = False
_workers_die_with_us.parent = os.getpid()
os.register_at_fork(
    before=lambda: setattr(_workers_die_with_us, "parent", os.getpid()),
    after_in_child=_workers_die_with_us,
)


def apply_changes(gen_dir, store, latest: dict[str, str]) -> dict:
    ix = GracefulStorage(str(gen_dir)).open_index()
    try:
        with _index_writer(ix, limitmb=WRITER_MEMORY_MB) as writer:
            counts = _apply_changes(writer, store, latest)
            crash_point("before-index-commit")
            writer.commit(mergetype=log_merge_policy)
    finally:
        ix.close()
    return counts


def _apply_changes(writer, store, latest: dict[str, str]) -> dict:
    updated = deleted = 0
    items = list(latest.items())
    for start in range(0, len(items), SYNC_CHUNK):  # bounded memory for a long backlog
        chunk = items[start : start + SYNC_CHUNK]
        articles = store.get_many([i for i, op in chunk if op == "put"])
        for article_id, op in chunk:
            article = articles.get(article_id)
            if op == "put" and article is not None:
                writer.update_document(**document_for(article))
                updated += 1
            else:  # deleted, or put then deleted by a later change
                writer.delete_by_term("id", article_id)
                deleted += 1
    return {"added_or_updated": updated, "deleted": deleted}


def optimize(gen_dir) -> dict:
    """Merge the generation into one segment (readers keep the old until commit)."""
    ix = GracefulStorage(str(gen_dir)).open_index()
    try:
        before = segment_count(ix)
        if before <= 1 and ix.doc_count() == ix.doc_count_all():  # no deletions
            return {"segments_before": before, "segments_after": before}  # nothing to merge
        with _index_writer(ix, limitmb=WRITER_MEMORY_MB * 2) as writer:
            writer.commit(optimize=True)
    finally:
        ix.close()
    ix = GracefulStorage(str(gen_dir)).open_index()
    try:
        return {"segments_before": before, "segments_after": segment_count(ix)}
    finally:
        ix.close()


@contextmanager
def _index_writer(ix, **options) -> Iterator:
    """`ix.writer(...)` for a block that commits it; cancelled if the block fails.

    We hold Whoosh's index lock ourselves: when creating a writer fails
    halfway (a full disk), Whoosh never releases the lock it took, and every
    later writer in this process would fail.
    """
    lock = ix.lock("WRITELOCK")
    if not lock.acquire():
        raise IndexUnavailable(f"the index in {ix.storage.folder} is locked by another writer")
    try:
        # Segments as separate files, not one compound file: Whoosh reads a
        # compound segment by copying each of its files into memory (about
        # 900 MB for every searcher at Reuters x10); separate files are read
        # where they lie.
        writer = ix.writer(_lk=False, codec=codec(), compound=False, **options)
        try:
            yield writer
        except BaseException:
            _cancel_quietly(writer)
            raise
    finally:
        lock.release()


def _cancel_quietly(writer) -> None:
    """Drop an unfinished Whoosh write; the error that got us here is the one to report."""
    try:
        writer.cancel()
    except Exception:  # noqa: BLE001 - e.g. the same full disk again
        pass


def segment_count(ix) -> int:
    return len(ix._segments())  # Whoosh has no public accessor for this
