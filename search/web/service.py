"""The server's one `dateline.Archive`, searched under a lock, with repeated
searches answered from a small cache keyed by the index generation.

A committed update or rebuild changes `Archive.generation`, so the next
request misses the cache and sees the new index: no restart, no stale hits.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import replace
from datetime import datetime, timezone

from dateline.archive import Archive
from dateline.corpus.article import Article
from dateline.search.compare import Comparison
from dateline.search.engine import SearchResults
from dateline.search.export import export_lines
from dateline.search.options import Filters, SearchOptions

# Results hold their articles' full text: pages larger than this are not kept,
# so the cache stays a few megabytes however it is queried.
CACHED_LIMIT = 100
# Rows of a download written between two takings of the lock: other
# requests are served between chunks, not after the whole export.
EXPORT_CHUNK_ROWS = 200
# Spans of days whose coverage is kept (a span is a histogram's first and
# last bucket: a few dozen cover most pages).
COVERAGE_SPANS = 64


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

    def __init__(self, archive: Archive, cache_size: int = 256):
        self.archive = archive
        # One lock around the archive: an engine's reader and its refresh are not
        # meant to be shared by threads mid-search, and with the GIL a search
        # gains little from running beside another.
        self._lock = threading.Lock()
        self.cache = LRUCache(cache_size)
        self._summary: tuple | None = None  # (index generation, Archive.summary())
        # The archive's coverage of a span of days (under a page's histogram),
        # per index generation: what the archive holds, not a query's result,
        # so it is kept whether the result cache is on or not.
        self._coverage = LRUCache(COVERAGE_SPANS)

    def search(self, query: str, options: SearchOptions | None = None, **keywords) -> SearchResults:
        """`Archive.results` with facets, as the CLI's --json runs it; cached.
        Raises DatelineError for a query or option that cannot run."""
        options = SearchOptions.of(options, facets=True, **keywords)
        now = self.archive.clock()
        with self._lock:
            # Relative dates (date:last-7d) depend on today, so today is in the key.
            key = (self.archive.generation, now.astimezone(self.archive.tz).date(), query, options)
            results = self.cache.get(key)
            if results is None:
                results = self.archive.results(query, options)
                if options.limit <= CACHED_LIMIT:
                    self.cache.put(key, results)
            return results

    def compare(self, queries: list[str], filters: Filters) -> Comparison:
        """`Archive.comparison`, as `dateline compare --json` runs it."""
        with self._lock:
            return self.archive.comparison(queries, filters)

    def export(self, query: str, fmt: str, options: SearchOptions):
        """The rows of `search --format fmt` for `query`, in chunks of text, as
        an iterator; raises DatelineError at once. The
        archive is read under the lock one chunk at a time, so a long download
        holds document numbers and one batch of articles, and never the lock."""
        with self._lock:
            hits = self.archive.export(query, options)
            rows = export_lines(hits, fmt)
            first = next(rows, "")  # the header, or the first row: reads the store now

        def chunks():
            chunk = [first]
            while chunk:
                yield "".join(chunk)
                with self._lock:
                    chunk = [row for _, row in zip(range(EXPORT_CHUNK_ROWS), rows)]

        return hits.total, chunks()

    def summary(self) -> dict:
        """`Archive.summary` (what the archive holds: the home page's sentence
        and `/api/summary`), kept until the index changes. Every page's search
        box shows its example, so it has its own slot, not the result cache
        (which may be off)."""
        with self._lock:
            generation = self.archive.generation
            if self._summary is None or self._summary[0] != generation:
                self._summary = (generation, self.archive.summary())
            return self._summary[1]

    def warm_queries(self) -> list[str]:
        """Searches that make the reader read its tables (top words, facets,
        dates, near-duplicate clusters: seconds on a large archive), so that
        a server that runs them first (`serve`) makes no visitor's first
        search wait for them: the archive's example query (most articles: a
        sample of them) and its last day (a few: every match read)."""
        summary = self.summary()
        if not summary["articles"]:
            return []
        return [summary["example"], f"date:{summary['last_date']}" if summary["last_date"] else "*"]

    def coverage(self, since: str, until: str) -> tuple[dict, dict[str, dict]]:
        """The archive's articles per day from `since` to `until` (ISO days,
        inclusive) as a histogram (`facets["dates"]` of `*` over those days),
        and the same per source for its top sources: the coverage under a
        results page's histogram. Kept per index generation and span."""
        with self._lock:
            key = (self.archive.generation, since, until)
            found = self._coverage.get(key)
            if found is None:
                found = self._coverage_of(since, until)
                self._coverage.put(key, found)
            return found

    def _coverage_of(self, since: str, until: str) -> tuple[dict, dict[str, dict]]:
        # Days and sources only (`Archive.coverage`): no result page, no other facet.
        span = Filters(since=since, until=until)
        everything = self.archive.coverage(span)
        by_source = {}
        for item in everything["sources"]:
            if item["count"] == everything["articles"]:  # one source holds it all: no second query
                by_source[item["value"]] = everything["dates"]
            else:
                one = self.archive.coverage(replace(span, source=item["value"]))
                by_source[item["value"]] = one["dates"]
        return everything["dates"], by_source

    def explain(self, query: str):
        """The query's tree (raises DatelineError for one that does not parse)."""
        with self._lock:
            return self.archive.explain(query)

    def pending_changes(self) -> int:
        """Store changes the index has not applied yet (not cached: an ingest
        without an index run changes this and not the generation)."""
        with self._lock:
            return self.archive.pending_changes()

    def last_changed(self) -> datetime:
        """When the live index last changed (its newest file): what a search
        sees cannot have changed since. For feeds' Last-Modified."""
        from dateline.index import IndexLocation

        location = IndexLocation.in_home(self.archive.home.root)
        where = location.current_dir()
        files = [location.pointer] + ([f for f in where.iterdir() if f.is_file()] if where else [])
        newest = max((f.stat().st_mtime for f in files if f.exists()), default=0)
        return datetime.fromtimestamp(int(newest), timezone.utc)

    def watches(self) -> list[dict]:
        """The home's watches (none when no watch was ever added)."""
        return self.archive.watches()["watches"]

    def watch(self, name: str) -> dict:
        """One watch; DatelineError when there is none of that name."""
        return self.archive.watch(name)

    def article(self, article_id: str) -> Article | None:
        with self._lock:
            return self.archive.article(article_id)

    def copies(self, article: Article) -> list[Article]:
        """The article's near-duplicates (same cluster), itself excluded."""
        with self._lock:
            return self.archive.copies(article)

    def close(self) -> None:
        with self._lock:
            self.archive.close()
