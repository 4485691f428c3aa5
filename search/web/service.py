"""The server's one Archive, searched under a lock, with repeated searches
answered from a small cache keyed by the index generation.

A committed update or rebuild changes `Archive.generation`, so the next
request misses the cache and sees the new index: no restart, no stale hits.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime
from typing import Callable

from dateline.corpus.article import Article
from dateline.search.archive import Archive
from dateline.search.compare import Comparison, compare
from dateline.search.engine import SearchResults, all_hits, search
from dateline.search.export import export_lines
from dateline.search.options import Filters, SearchOptions

# Results hold their articles' full text: pages larger than this are not kept,
# so the cache stays a few megabytes however it is queried.
CACHED_LIMIT = 100
# Rows of a download written between two takings of the lock: other
# requests are served between chunks, not after the whole export.
EXPORT_CHUNK_ROWS = 200


class LRUCache:
    """At most `size` entries; the least recently used goes first."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self.hits = self.misses = 0

    def get(self, key):
        if key in self._items:
            self._items.move_to_end(key)
            self.hits += 1
            return self._items[key]
        self.misses += 1
        return None

    def put(self, key, value) -> None:
        if self.size <= 0:
            return
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)


class SearchService:
    """What the web layer may ask of an archive: searches and stored articles."""

    def __init__(self, archive: Archive, clock: Callable[[], datetime], cache_size: int = 256):
        self.archive = archive
        self.clock = clock
        # One lock around the archive: a Whoosh searcher and its refresh are not
        # meant to be shared by threads mid-search, and with the GIL a search
        # gains little from running beside another.
        self._lock = threading.Lock()
        self.cache = LRUCache(cache_size)

    def search(self, query: str, options: SearchOptions | None = None, **keywords) -> SearchResults:
        """`search.engine.search` with facets, as the CLI's --json runs it; cached."""
        options = SearchOptions.of(options, facets=True, **keywords)
        now = self.clock()
        with self._lock:
            # Relative dates (date:last-7d) depend on today, so today is in the key.
            key = (self.archive.generation, now.astimezone(self.archive.tz).date(), query, options)
            results = self.cache.get(key)
            if results is None:
                results = search(self.archive, query, options, now=now)
                if options.limit <= CACHED_LIMIT:
                    self.cache.put(key, results)
            return results

    def compare(self, queries: list[str], filters: Filters) -> Comparison:
        """`search.compare.compare`, as `dateline compare --json` runs it."""
        with self._lock:
            return compare(self.archive, queries, filters, now=self.clock())

    def export(self, query: str, fmt: str, options: SearchOptions):
        """The rows of `search --format fmt` for `query`, in chunks of text, as
        an iterator; raises QuerySyntaxError or SearchError at once. The
        archive is read under the lock one chunk at a time, so a long download
        holds document numbers and one batch of articles, and never the lock."""
        with self._lock:
            hits = all_hits(self.archive, query, options, now=self.clock())
            rows = export_lines(hits, fmt)
            first = next(rows, "")  # the header, or the first row: reads the store now

        def chunks():
            chunk = [first]
            while chunk:
                yield "".join(chunk)
                with self._lock:
                    chunk = [row for _, row in zip(range(EXPORT_CHUNK_ROWS), rows)]

        return hits.total, chunks()

    def pending_changes(self) -> int:
        """Store changes the index has not applied yet (not cached: an ingest
        without an index run changes this and not the generation)."""
        with self._lock:
            return self.archive.pending_changes()

    def article(self, article_id: str) -> Article | None:
        with self._lock:
            return self.archive.store.get(article_id)

    def copies(self, article: Article) -> list[Article]:
        """The article's near-duplicates (same cluster), itself excluded.

        A stored-field lookup, not a search; it belongs in the engine
        (`search.engine`) once that offers one.
        """
        if not article.cluster:
            return []
        with self._lock:
            searcher = self.archive.searcher()
            ids = [doc["id"] for doc in searcher.documents(cluster=article.cluster)
                   if doc["id"] != article.id]
            found = self.archive.store.get_many(ids)
        return sorted(found.values(), key=lambda a: (a.date is None, a.date, a.id))

    def close(self) -> None:
        with self._lock:
            self.archive.close()
