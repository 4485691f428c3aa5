"""Build and update the index from the article store, with the home's engine.

Order of writes, which is what makes a crash (SIGKILL) at any moment harmless
(the layout on disk is described in `index/generations.py`):

1. Ingest commits each input file's articles, their change-log rows and the
   file's row in the record of inputs in one SQLite transaction. A file cut
   off halfway is not recorded, so the next run reads it again.
2. `sync_index` applies the store's changes after the generation's
   `applied_seq` with update/delete by id (idempotent), commits (an engine's
   commit is atomic: a reader sees all of it or none), then records the new
   `applied_seq`. A crash between the two re-applies the
   same changes next time, to the same result.
3. `rebuild_index` writes a new generation directory from the whole store,
   records its `applied_seq`, then replaces `CURRENT` in one rename, then
   marks the old generation retired. Readers use the old generation until
   `CURRENT` names the new one; an unfinished generation is never named and is
   removed by the next writer.
4. Nothing a reader might still have open is deleted at once (see
   `index/generations.py`).

Which engine a home uses is recorded in each generation's metadata, with the
engine's version: `dateline index --rebuild --engine tantivy` writes the next
generation with another engine, and an index whose engine version is not the
installed one asks for a rebuild instead of being read wrongly.

Only one process writes at a time (`corpus.home.WriterLock`, taken by the
commands), so the change log cannot move while a rebuild reads the store.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager

from dateline.corpus.home import HomeVersionError, check_manifest
from dateline.corpus.store import STORE_FORMAT, ArticleStore
from dateline.index.engine import (DEFAULT_ENGINE, Engine, EngineUnavailable, IndexIncompatible,
                                   IndexMissing, IndexUnavailable, ProgressCallback, Reader, engine_named)
from dateline.index.faults import crash_point
from dateline.index.generations import (IndexLocation, new_generation_dir, read_meta, remove_old_generations,
                                        switch_to, write_meta)
from dateline.index.schema import SCHEMA_VERSION

# The formats this Dateline writes, recorded in the home's manifest.
HOME_FORMATS = {"store_format": STORE_FORMAT, "index_schema": SCHEMA_VERSION}


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


def engine_of(location: IndexLocation, meta: dict) -> Engine:
    """The engine that wrote a generation, checked to be the installed version."""
    name = meta.get("engine")
    home = location.home_root
    if name is None:
        raise IndexIncompatible(f"the index in {home} does not say which engine wrote it "
                                "(it predates engines): run 'dateline index --rebuild'")
    try:
        engine = engine_named(name)
        installed = engine.version()
    except EngineUnavailable as exc:
        raise IndexIncompatible(f"the index in {home} needs the {name} engine: {exc}") from None
    if meta.get("engine_version") != installed:
        raise IndexIncompatible(
            f"the index in {home} was written by {name} {meta.get('engine_version')}, "
            f"{installed} is installed: run 'dateline index --rebuild'")
    if meta.get("engine_layout", 1) != engine.layout:
        raise IndexIncompatible(
            f"the index in {home} was written in layout {meta.get('engine_layout', 1)} of the "
            f"{name} engine, this Dateline writes layout {engine.layout}: "
            "run 'dateline index --rebuild'")
    return engine


def _generation_meta(engine: Engine, seq: int) -> dict:
    return {"schema": SCHEMA_VERSION, "applied_seq": seq, "engine": engine.name,
            "engine_version": engine.version(), "engine_layout": engine.layout}


def live_engine_name(location: IndexLocation) -> str | None:
    """The engine of the live generation, as recorded (None: no index yet)."""
    gen_dir = location.current_dir()
    return read_meta(gen_dir).get("engine", DEFAULT_ENGINE) if gen_dir else None


def open_live_index(location: IndexLocation) -> tuple[Reader, dict]:
    """A reader on the live generation and its metadata, checked for versions
    and an engine we understand."""
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
        engine = engine_of(location, meta)
        try:
            return engine.open_reader(gen_dir), meta
        except FileNotFoundError:
            if location.current_dir() == gen_dir:
                raise IndexUnavailable(f"the index in {gen_dir} is damaged: "
                                       "run 'dateline index --rebuild'") from None
            # A rebuild switched generations between our two reads: try the new one.
    raise IndexMissing(f"no index in {location.home_root}: run 'dateline index' to build it")


@contextmanager
def _live_generation(location: IndexLocation) -> Iterator[tuple]:
    """(engine, generation folder, metadata) of the live generation, checked."""
    reader, meta = open_live_index(location)
    reader.close()
    gen_dir = location.current_dir()
    yield engine_of(location, meta), gen_dir, meta


def _remove_garbage(location: IndexLocation, engine: Engine | None = None) -> None:
    remove_old_generations(location)
    live = location.current_dir()
    if live is not None and live.exists():
        meta = read_meta(live)
        if engine is None and meta.get("engine"):
            try:
                engine = engine_named(meta["engine"])
            except EngineUnavailable:
                return
        if engine is not None and meta.get("engine") == engine.name:
            engine.remove_garbage(live, time.time())


def rebuild_index(
    store: ArticleStore,
    location: IndexLocation,
    *,
    progress: ProgressCallback | None = None,
    procs: int | None = None,
    engine: str | None = None,
) -> int:
    """Index the whole store into a fresh generation and switch to it; with
    the live generation's engine unless `engine` names another."""
    live = location.current_dir()
    if live is not None:
        meta = read_meta(live)
        if isinstance(meta.get("schema"), int) and meta["schema"] > SCHEMA_VERSION:
            _check_schema(location, meta)  # refuses a newer index, changing nothing
    try:
        chosen = engine_named(engine or live_engine_name(location) or DEFAULT_ENGINE)
        chosen.version()
    except EngineUnavailable as exc:
        raise IndexUnavailable(str(exc)) from None
    _remove_garbage(location)
    gen_dir = new_generation_dir(location)
    try:
        seq = store.last_seq()  # every change up to here is in what we read below
        count = chosen.write_generation(store, gen_dir, progress, procs)
        crash_point("after-rebuild-commit")
        write_meta(gen_dir, _generation_meta(chosen, seq))
    except BaseException:
        shutil.rmtree(gen_dir, ignore_errors=True)
        raise
    switch_to(location, gen_dir)
    crash_point("after-switch")
    _remove_garbage(location)
    return count


def sync_index(store: ArticleStore, location: IndexLocation) -> dict:
    """Apply the store's changes since the index last saw them. Idempotent."""
    with _live_generation(location) as (engine, gen_dir, meta):
        applied = meta.get("applied_seq", 0)
        if store.last_seq() < applied:
            raise IndexIncompatible(
                f"the index in {location.home_root} reflects changes the store does not "
                "have (was the store replaced?): run 'dateline index --rebuild'"
            )
        _remove_garbage(location, engine)
        latest: dict[str, str] = {}  # id -> last op, so a put then delete is one delete
        last = applied
        for seq, article_id, op in store.changes_since(applied):
            latest[article_id] = op
            last = seq
        if not latest:
            return {"added_or_updated": 0, "deleted": 0}
        counts = engine.apply_changes(gen_dir, store, latest)
    crash_point("after-index-commit")
    write_meta(gen_dir, {**meta, **_generation_meta(engine, last)})
    return counts


def optimize_index(location: IndexLocation, store: ArticleStore | None = None) -> dict:
    """Merge the live generation into one segment (readers keep the old until
    commit). An engine that cannot merge in place (tantivy's Python package
    has no merge) has its generation written anew from the store, by one
    writer thread, and switched to atomically as a rebuild is; the result
    then says `"rewritten": true`."""
    with _live_generation(location) as (engine, gen_dir, _meta):
        counts = engine.optimize(gen_dir)
        before = engine.segment_count(gen_dir) if counts is None else 0
    if counts is None:
        if store is None:
            raise ValueError("this engine optimizes by rewriting the index: pass the store")
        rebuild_index(store, location, procs=1)
        counts = {"segments_before": before, "segments_after": segment_count(location),
                  "rewritten": True}
    _remove_garbage(location)
    return counts


def segment_count(location: IndexLocation) -> int:
    with _live_generation(location) as (engine, gen_dir, _meta):
        return engine.segment_count(gen_dir)
