"""Build and update the Whoosh index from the article store.

Order of writes, which is what makes a crash (SIGKILL) at any moment harmless
(the layout on disk is described in `index/generations.py`):

1. Ingest commits each input file's articles, their change-log rows and the
   file's row in the record of inputs in one SQLite transaction. A file cut
   off halfway is not recorded, so the next run reads it again.
2. `sync_index` applies the store's changes after the generation's
   `applied_seq` with update/delete by id (idempotent), commits Whoosh (a
   reader switches to the new Whoosh TOC only once it is completely written),
   then records the new `applied_seq`. A crash between the two re-applies the
   same changes next time, to the same result.
3. `rebuild_index` writes a new generation directory from the whole store,
   records its `applied_seq`, then replaces `CURRENT` in one rename, then
   marks the old generation retired. Readers use the old generation until
   `CURRENT` names the new one; an unfinished generation is never named and is
   removed by the next writer.
4. Nothing a reader might still have open is deleted at once (see
   `GracefulStorage`).

Only one process writes at a time (`corpus.home.WriterLock`, taken by the
commands), so the change log cannot move while a rebuild reads the store.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError

from dateline.corpus.home import HomeVersionError, check_manifest
from dateline.corpus.store import STORE_FORMAT, ArticleStore
from dateline.index.codec import codec
from dateline.index.faults import crash_point
from dateline.index.generations import (GracefulStorage, IndexLocation, new_generation_dir, read_meta,
                               remove_old_generations, switch_to, write_meta)
from dateline.index.merge import log_merge_policy
from dateline.index.schema import SCHEMA_VERSION, build_schema, document_for

ProgressCallback = Callable[[int, int], None]  # (done, total)

# The formats this Dateline writes, recorded in the home's manifest.
HOME_FORMATS = {"store_format": STORE_FORMAT, "index_schema": SCHEMA_VERSION}

# Below this many articles, starting worker processes costs more than it saves.
PARALLEL_MIN_ARTICLES = 2000
WRITER_MEMORY_MB = 128  # per writer process: memory stays bounded at any size
SYNC_CHUNK = 500


class IndexUnavailable(Exception):
    """The index cannot be used as it is (message is user-facing)."""


class IndexMissing(IndexUnavailable):
    pass


class IndexIncompatible(IndexUnavailable):
    pass


def _check_schema(location: IndexLocation, meta: dict) -> None:
    version = meta.get("schema")
    if version == SCHEMA_VERSION:
        return
    home = location.home_root
    if isinstance(version, int) and version > SCHEMA_VERSION:
        raise IndexIncompatible(
            f"the index in {home} was written by a newer Dateline (schema {version}, "
            f"this one knows {SCHEMA_VERSION}); upgrade Dateline. Nothing was changed."
        )
    raise IndexIncompatible(
        f"the index in {home} has schema {version}, this Dateline needs "
        f"{SCHEMA_VERSION}: run 'dateline index --rebuild'"
    )


def open_live_index(location: IndexLocation):
    """The live Whoosh index and its metadata, checked for versions we understand."""
    try:
        check_manifest(location.home_root, HOME_FORMATS)
    except HomeVersionError as exc:
        raise IndexIncompatible(str(exc)) from None
    for _attempt in range(5):
        gen_dir = location.current_dir()
        if gen_dir is None or not gen_dir.exists():
            break
        meta = read_meta(gen_dir)
        _check_schema(location, meta)
        try:
            return GracefulStorage(str(gen_dir)).open_index(), meta
        except (FileNotFoundError, EmptyIndexError):
            if location.current_dir() == gen_dir:
                raise IndexUnavailable(f"the index in {gen_dir} is damaged: "
                                       "run 'dateline index --rebuild'") from None
            # A rebuild switched generations between our two reads: try the new one.
    raise IndexMissing(f"no index in {location.home_root}: run 'dateline index' to build it")


@contextmanager
def _live_index(location: IndexLocation) -> Iterator[tuple]:
    ix, meta = open_live_index(location)
    try:
        yield ix, meta
    finally:
        ix.close()


def rebuild_index(
    store: ArticleStore,
    location: IndexLocation,
    *,
    progress: ProgressCallback | None = None,
    procs: int | None = None,
) -> int:
    """Index the whole store into a fresh generation and switch to it."""
    live = location.current_dir()
    if live is not None:
        meta = read_meta(live)
        if isinstance(meta.get("schema"), int) and meta["schema"] > SCHEMA_VERSION:
            _check_schema(location, meta)  # refuses a newer index, changing nothing
    remove_old_generations(location)
    gen_dir = new_generation_dir(location)
    try:
        seq = store.last_seq()  # every change up to here is in what we read below
        count = _write_generation(store, gen_dir, progress, procs)
        crash_point("after-rebuild-commit")
        write_meta(gen_dir, {"schema": SCHEMA_VERSION, "applied_seq": seq})
    except BaseException:
        shutil.rmtree(gen_dir, ignore_errors=True)
        raise
    switch_to(location, gen_dir)
    crash_point("after-switch")
    remove_old_generations(location)
    return count


def build_procs(total: int, procs: int | None) -> int:
    if procs is None:
        procs = os.cpu_count() or 1
    return max(1, procs) if total >= PARALLEL_MIN_ARTICLES else 1


def _write_generation(store, gen_dir, progress, procs) -> int:
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


def sync_index(store: ArticleStore, location: IndexLocation) -> dict:
    """Apply the store's changes since the index last saw them. Idempotent."""
    with _live_index(location) as (ix, meta):
        gen_dir = location.current_dir()
        applied = meta.get("applied_seq", 0)
        if store.last_seq() < applied:
            raise IndexIncompatible(
                f"the index in {location.home_root} reflects changes the store does not "
                "have (was the store replaced?): run 'dateline index --rebuild'"
            )
        remove_old_generations(location)
        latest: dict[str, str] = {}  # id -> last op, so a put then delete is one delete
        last = applied
        for seq, article_id, op in store.changes_since(applied):
            latest[article_id] = op
            last = seq
        if not latest:
            return {"added_or_updated": 0, "deleted": 0}
        with _index_writer(ix, limitmb=WRITER_MEMORY_MB) as writer:
            counts = _apply_changes(writer, store, latest)
            crash_point("before-index-commit")
            writer.commit(mergetype=log_merge_policy)
    crash_point("after-index-commit")
    write_meta(gen_dir, {**meta, "schema": SCHEMA_VERSION, "applied_seq": last})
    return counts


def _apply_changes(writer, store: ArticleStore, latest: dict[str, str]) -> dict:
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


def optimize_index(location: IndexLocation) -> dict:
    """Merge the live generation into one segment (readers keep the old until commit)."""
    with _live_index(location) as (ix, _meta):
        before = segment_count(ix)
        if before <= 1 and ix.doc_count() == ix.doc_count_all():  # no deletions
            return {"segments_before": before, "segments_after": before}  # nothing to merge
        with _index_writer(ix, limitmb=WRITER_MEMORY_MB * 2) as writer:
            writer.commit(optimize=True)
    remove_old_generations(location)
    with _live_index(location) as (ix, _meta):
        return {"segments_before": before, "segments_after": segment_count(ix)}


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
