"""Archive: a read-only view of one home (store + live index) for searching.

A long-lived Archive (the web server's) notices when an update, removal,
optimize or rebuild has committed and moves to the new index without a restart.

It opens a new searcher rather than calling Whoosh's `Searcher.refresh()`:
the installed Whoosh (whoosh-reloaded) reuses a reader for every segment whose
id is unchanged, so deletions committed since (a removal, a replaced article)
stayed invisible, and it adds the old segments back to the new list, so after a
merge (`index --optimize`) every article was counted twice. The per-segment
arrays (`index/whoosh_engine/postings.py`) are shared by segment id, so a new searcher
rebuilds only those of new segments.
"""

from __future__ import annotations

import threading
from datetime import timezone, tzinfo
from pathlib import Path

from dateline.corpus.home import Home
from dateline.corpus.store import ArticleStore
from dateline.index.build import IndexLocation, open_live_index
from dateline.index.engine import Reader
from dateline.index.generations import ReplacedFile, read_meta


class Archive:
    def __init__(self, home: Home, *, tz: tzinfo = timezone.utc):
        self.home = home
        self.tz = tz
        self.location = IndexLocation.in_home(home.root)
        # The generation pointer before the index: the reader opened is that
        # generation or a newer one, which the next check then sees.
        self._pointer: ReplacedFile | None = None
        self._gen_dir = self._read_pointer()
        self._reader, meta = open_live_index(self.location)
        self.engine = meta.get("engine")
        self.store = ArticleStore(home.store_path, readonly=True)
        self._lock = threading.Lock()
        # What the reader reads, not what is newest on disk: an update
        # committing in between must not label old results with a new key.
        self._generation = self._reader.generation()

    def _read_pointer(self) -> Path | None:
        """The live generation's folder, as its pointer names it now (kept
        open: `ReplacedFile`)."""
        if self._pointer is not None:
            self._pointer.close()
        try:
            self._pointer = ReplacedFile(self.location.pointer)
        except FileNotFoundError:
            self._pointer = None
            return None
        name = self._pointer.data.decode("utf-8").strip()
        return self.location.root / name if name else None

    def reader(self) -> Reader:
        """The engine's reader of the current index, refreshed if it changed on
        disk (checked on every call: one stat of the generation pointer and
        one of the engine's own files when nothing changed)."""
        with self._lock:
            replaced = self._pointer is None or self._pointer.replaced()
            gen_dir = self._read_pointer() if replaced else self._gen_dir
            if gen_dir != self._gen_dir:  # a rebuild switched generations
                self._reader.close()
                self._reader, meta = open_live_index(self.location)
                self.engine = meta.get("engine")
                self._gen_dir = gen_dir
                self._generation = self._reader.generation()
            elif not self._reader.is_current():  # an update, removal or merge committed
                old, self._reader = self._reader, self._reader.refreshed()
                if self._reader is not old:
                    old.close()
                self._generation = self._reader.generation()
            return self._reader

    def pending_changes(self) -> int:
        """Articles added, changed or removed in the store that the index has not
        applied yet (after an `ingest` without `index`): searches miss them."""
        with self._lock:
            applied = read_meta(self._gen_dir).get("applied_seq", 0) if self._gen_dir else 0
            return self.store.changed_since(applied)

    @property
    def generation(self) -> object:
        """Changes whenever what a search can see changes (cache key)."""
        self.reader()
        with self._lock:
            return self._generation

    def close(self) -> None:
        self._reader.close()
        self.store.close()
        if self._pointer is not None:
            self._pointer.close()

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
