"""Build and update the Whoosh index from the article store.

Layout under `HOME/index/`:

    CURRENT          name of the live generation directory (replaced atomically)
    gen-000001/      a Whoosh index, plus `dateline.json`:
                     {"schema": N, "applied_seq": S} where S is the last
                     store change this index reflects

Order of writes, which is what makes a crash at any moment harmless:

1. The store commits articles and their change-log rows in one transaction.
2. `sync_index` applies the store's changes after `applied_seq` to the live
   generation with update/delete by id (idempotent), commits Whoosh (readers
   switch to a new Whoosh generation only when its TOC file is complete),
   then writes `applied_seq` atomically. A crash between the two re-applies
   the same changes next time, to the same result.
3. `rebuild_index` writes a new generation directory from the whole store,
   then atomically replaces `CURRENT`, then removes the old directory.
   Readers keep the old generation until `CURRENT` names the new one.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index

from corpus.store import ArticleStore
from index.schema import SCHEMA_VERSION, build_schema, document_for

ProgressCallback = Callable[[int, int], None]  # (done, total)


class IndexUnavailable(Exception):
    """The index cannot be used as it is (message is user-facing)."""


class IndexMissing(IndexUnavailable):
    pass


class IndexIncompatible(IndexUnavailable):
    pass


@dataclass(frozen=True)
class IndexLocation:
    root: Path  # HOME/index

    @classmethod
    def in_home(cls, home_root: Path) -> IndexLocation:
        return cls(Path(home_root) / "index")

    @property
    def pointer(self) -> Path:
        return self.root / "CURRENT"

    def current_dir(self) -> Path | None:
        try:
            name = self.pointer.read_text().strip()
        except FileNotFoundError:
            return None
        return self.root / name if name else None


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def read_meta(gen_dir: Path) -> dict:
    try:
        return json.loads((gen_dir / "dateline.json").read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def open_live_index(location: IndexLocation):
    """The live Whoosh index, checked for a schema this version understands."""
    gen_dir = location.current_dir()
    if gen_dir is None or not gen_dir.exists():
        raise IndexMissing(
            f"no index in {location.root.parent}: run 'dateline index' to build it"
        )
    meta = read_meta(gen_dir)
    version = meta.get("schema")
    if version != SCHEMA_VERSION:
        if isinstance(version, int) and version > SCHEMA_VERSION:
            raise IndexIncompatible(
                f"the index in {location.root.parent} was written by a newer Dateline "
                f"(schema {version}, this one knows {SCHEMA_VERSION}); upgrade Dateline"
            )
        raise IndexIncompatible(
            f"the index in {location.root.parent} has schema {version}, this Dateline "
            f"needs {SCHEMA_VERSION}: run 'dateline index --rebuild'"
        )
    return whoosh_index.open_dir(str(gen_dir)), meta


def rebuild_index(
    store: ArticleStore, location: IndexLocation, *, progress: ProgressCallback | None = None
) -> int:
    """Index the whole store into a fresh generation and switch to it."""
    location.root.mkdir(parents=True, exist_ok=True)
    old = location.current_dir()
    gen_dir = _new_generation_dir(location)
    ix = whoosh_index.create_in(str(gen_dir), build_schema())
    seq = store.last_seq()  # every change up to here is in what we read below
    total = len(store)
    writer = ix.writer(limitmb=256)
    count = 0
    try:
        for article in store:
            writer.add_document(**document_for(article))
            count += 1
            if progress and count % 500 == 0:
                progress(count, total)
        writer.commit()
    except BaseException:
        writer.cancel()
        shutil.rmtree(gen_dir, ignore_errors=True)
        raise
    _atomic_write(gen_dir / "dateline.json", json.dumps({"schema": SCHEMA_VERSION, "applied_seq": seq}))
    _atomic_write(location.pointer, gen_dir.name)
    if progress:
        progress(count, total)
    if old is not None and old != gen_dir:
        shutil.rmtree(old, ignore_errors=True)
    _remove_stale_generations(location, keep=gen_dir)
    return count


def sync_index(store: ArticleStore, location: IndexLocation) -> dict:
    """Apply the store's changes since the index last saw it. Idempotent."""
    ix, meta = open_live_index(location)
    applied = meta.get("applied_seq", 0)
    latest: dict[str, str] = {}  # id -> last op, so a put then delete is one delete
    last = applied
    for seq, article_id, op in store.changes_since(applied):
        latest[article_id] = op
        last = seq
    if not latest:
        return {"added_or_updated": 0, "deleted": 0}
    put_ids = [i for i, op in latest.items() if op == "put"]
    articles = store.get_many(put_ids)
    writer = ix.writer(limitmb=128)
    deleted = updated = 0
    try:
        for article_id, op in latest.items():
            article = articles.get(article_id)
            if op == "put" and article is not None:
                writer.update_document(**document_for(article))
                updated += 1
            else:  # deleted, or put then deleted by a later change
                writer.delete_by_term("id", article_id)
                deleted += 1
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    gen_dir = location.current_dir()
    _atomic_write(gen_dir / "dateline.json", json.dumps({"schema": SCHEMA_VERSION, "applied_seq": last}))
    return {"added_or_updated": updated, "deleted": deleted}


def _new_generation_dir(location: IndexLocation) -> Path:
    numbers = [int(p.name[4:]) for p in location.root.glob("gen-*") if p.name[4:].isdigit()]
    gen_dir = location.root / f"gen-{max(numbers, default=0) + 1:06d}"
    gen_dir.mkdir()
    return gen_dir


def _remove_stale_generations(location: IndexLocation, *, keep: Path) -> None:
    """Leftovers of rebuilds killed before their switch."""
    for path in location.root.glob("gen-*"):
        if path != keep:
            shutil.rmtree(path, ignore_errors=True)


def index_size_bytes(location: IndexLocation) -> int:
    gen_dir = location.current_dir()
    if gen_dir is None or not gen_dir.exists():
        return 0
    return sum(p.stat().st_size for p in gen_dir.iterdir() if p.is_file())
