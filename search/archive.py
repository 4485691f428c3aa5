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

from dateline.corpus.home import Home
from dateline.corpus.store import ArticleStore
from dateline.index.build import IndexLocation, open_live_index
from dateline.index.engine import Reader
from dateline.index.generations import read_meta


class Archive:
    def __init__(self, home: Home, *, tz: tzinfo = timezone.utc):
        self.home = home
        self.tz = tz
        self.location = IndexLocation.in_home(home.root)
        self._reader, meta = open_live_index(self.location)
        self.engine = meta.get("engine")
        self._gen_dir = self.location.current_dir()
        self.store = ArticleStore(home.store_path, readonly=True)
        self._lock = threading.Lock()
        # What the reader reads, not what is newest on disk: an update
        # committing in between must not label old results with a new key.
        self._generation = self._reader.generation()

    def reader(self) -> Reader:
        """The engine's reader of the current index, refreshed if it changed on disk."""
        with self._lock:
            gen_dir = self.location.current_dir()
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

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
