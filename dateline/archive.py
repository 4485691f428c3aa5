"""`dateline.Archive(home)`: everything the `dateline` command does, as one object.

The CLI and the web page are written against this class and go no deeper.
Each method returns the document its command prints with `--json` (a dict
of plain JSON values): `search` is exactly `dateline search --json`, `show`
is `dateline show --json`, and so on. A problem a user can fix (a bad query,
a busy or newer home, a full disk) raises `DatelineError`, whose message is
one line for the user; the original exception is its `__cause__`.

Writing methods hold the home's writer lock for their whole run (see
`dateline.corpus.home`); a second writer gets `DatelineError` at once.
Reading never takes the lock, and a long-lived Archive (the web server's)
sees what other processes commit without being reopened.

The readers and the search engine load only when a method needs them, so
`import dateline` and the CLI's start-up stay fast.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from dateline.corpus import ArticleStore, Home, IngestError, StoreError
from dateline.corpus.home import HomeBusy, HomeVersionError, TimezoneConfigError
from dateline.index import IndexLocation, IndexUnavailable, index_size_bytes, open_live_index, writing_home
from dateline.archive_watches import WatchMethods

if TYPE_CHECKING:
    from dateline.corpus.article import Article
    from dateline.search.compare import Comparison
    from dateline.search.engine import AllHits, SearchResults
    from dateline.search.options import Filters, SearchOptions
    from dateline.search.query import Node


class DatelineError(Exception):
    """A problem the user can fix; str() is one line for them."""


class NotFound(DatelineError):
    """No article with the id asked for."""


class Archive(WatchMethods):
    """One Dateline home. `home` is a directory (created on first write); None
    means `$DATELINE_HOME`, else `$XDG_DATA_HOME/dateline`."""

    def __init__(self, home: str | os.PathLike | Home | None = None, *,
                 clock: Callable[[], datetime] | None = None):
        self.home = home if isinstance(home, Home) else Home.resolve(home)
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self._reader = None  # the search side, opened on the first read
        self._reader_lock = threading.Lock()
        self._tz: tzinfo | None = None

    def __repr__(self) -> str:
        return f"Archive({str(self.home.root)!r})"

    # -- reading -------------------------------------------------------------

    @property
    def tz(self) -> tzinfo:
        """The zone dates in queries are read in ($DATELINE_TZ, HOME/config.toml,
        else UTC), read once for the life of this Archive."""
        if self._tz is None:
            try:
                self._tz = self.home.timezone()
            except TimezoneConfigError as exc:
                raise DatelineError(str(exc)) from exc
        return self._tz

    def search(self, query: str, options: SearchOptions | None = None, **keywords) -> dict:
        """Exactly the document `dateline search --json` prints (facets included).

        `options` is a `dateline.SearchOptions`; keywords change single options
        or filters: `archive.search("oil", sort="newest", person="lavrov")`.
        """
        from dateline.search.options import SearchOptions

        return self.results(query, SearchOptions.of(options, facets=True, **keywords)).to_json()

    def results(self, query: str, options: SearchOptions | None = None, **keywords) -> SearchResults:
        """The same search as an object (hits hold whole `Article`s), for
        callers that render it themselves: the CLI's text and the web page."""
        from dateline.search.engine import search

        with self._reading() as reader:
            return search(reader, query, options, now=self.clock(), **keywords)

    def coverage(self, filters: Filters) -> dict:
        """Every article passing `filters`, counted as a search's facets count
        them but without a result page or the name facets other than sources:
        {"articles": N, "dates": the date histogram, "sources": the top ten};
        what the web page draws the archive's coverage under its histogram from."""
        from dateline.search.engine import coverage

        with self._reading() as reader:
            return coverage(reader, filters, now=self.clock())

    def export(self, query: str, options: SearchOptions | None = None, **keywords) -> AllHits:
        """Every hit (not a page) in result order, read from the store as it is
        iterated; what `search --format` writes."""
        from dateline.search.engine import all_hits

        with self._reading() as reader:
            return all_hits(reader, query, options, now=self.clock(), **keywords)

    def compare(self, queries: list[str], filters: Filters | None = None) -> dict:
        """Matches of one to six queries over time beside the archive's coverage:
        exactly the document `dateline compare --json` prints."""
        return self.comparison(queries, filters).to_json()

    def comparison(self, queries: list[str], filters: Filters | None = None) -> Comparison:
        """The same comparison as an object (the CLI's table, the web page's chart)."""
        from dateline.search.compare import compare
        from dateline.search.options import Filters

        with self._reading() as reader:
            return compare(reader, list(queries), filters or Filters(), now=self.clock())

    def explain(self, query: str) -> Node:
        """The query tree `dateline explain` prints (dates as absolute UTC bounds)."""
        from dateline.search.parser import parse_query

        with _user_errors():
            return parse_query(query, now=self.clock(), tz=self.tz)

    def show(self, article_id: str) -> dict:
        """The whole stored record, as `dateline show ID --json` prints it."""
        article = self.article(article_id)
        if article is None:
            raise NotFound(f"no article with id {article_id!r}")
        return article.to_dict()

    def article(self, article_id: str) -> Article | None:
        with self._store(readonly=True) as store:
            return store.get(article_id)

    def copies(self, article: Article) -> list[Article]:
        """The article's near-duplicates (same cluster), itself excluded, oldest first."""
        if not article.cluster:
            return []
        with self._reading() as reader:
            ids = [i for i in reader.reader().cluster_members(article.cluster) if i != article.id]
            found = reader.store.get_many(ids)
        return sorted(found.values(), key=lambda a: (a.date is None, a.date, a.id))

    def stats(self) -> dict:
        """Where the home is and what it holds, as `dateline stats --json` prints it."""
        info: dict = {"home": str(self.home.root), "store": None, "index": None, "engine": None,
                      "summary": None}
        store = self._open_store(readonly=True) if self.home.store_path.exists() else None
        try:
            if store is not None:
                info["store"] = store.summary()
            location = IndexLocation.in_home(self.home.root)
            try:
                index_reader, meta = open_live_index(location)
            except IndexUnavailable as exc:
                info["index_problem"] = str(exc)
                return info
            applied = meta.get("applied_seq")
            info["engine"] = meta.get("engine")
            info["index"] = {"articles": index_reader.doc_count(),
                             "bytes": index_size_bytes(location),
                             "engine": meta.get("engine"),
                             "engine_version": meta.get("engine_version"),
                             "schema": meta.get("schema"), "applied_seq": applied,
                             # articles added, changed or removed since: searches miss them
                             "pending_changes": store.changed_since(applied or 0) if store else 0}
            index_reader.close()
        finally:
            if store is not None:
                store.close()
        info["summary"] = self.summary()  # what searches see, as the home page says it
        return info

    def summary(self) -> dict:
        """What the searchable archive (its index) holds: the home page's
        sentence, `/api/summary`, and `summary` in `dateline stats --json`.

        {"articles": N, "first_date": day or None, "last_date": day or None,
         "bucket": the unit the span reads in (day, week, month or year),
         "sources": [{"value", "count"}] (up to 100, most articles first),
         "example": a query that finds something (the most common place)};
        days are ISO dates in the home's zone, as date filters read them."""
        from dateline.search.options import MAX_TOP_VALUES, SearchOptions

        every = SearchOptions(limit=1, suggest=False)
        everything = self.results("*", every, facets=True, facet_size=MAX_TOP_VALUES, top_words=False)
        first, last = (self.results("*", every, sort=sort).hits for sort in ("oldest", "newest"))

        def day(hits) -> str | None:
            dated = hits[0].article.date if hits else None
            return dated.astimezone(self.tz).date().isoformat() if dated else None

        places = everything.facets["places"]
        return {"articles": everything.total_articles, "first_date": day(first), "last_date": day(last),
                "bucket": everything.facets["dates"]["bucket"], "sources": everything.facets["sources"],
                "example": f'place:"{places[0]["value"]}"' if places else "*"}

    def pending_changes(self) -> int:
        """Articles added, changed or removed since the index last applied the store."""
        with self._reading() as reader:
            return reader.pending_changes()

    @property
    def generation(self) -> tuple[str, int]:
        """Changes whenever what a search can see changes (a cache key)."""
        with self._reading() as reader:
            return reader.generation

    # -- writing -------------------------------------------------------------

    def ingest(self, paths: Iterable[str | os.PathLike], *, progress=None, cluster: str | None = None,
               workers: int | None = None, inputs: str = "auto", on_cluster=None) -> dict:
        """Read crawls into the store (not the index); `dateline ingest --json`.
        `progress(summary, path)` is called as files are read. `cluster` (a Dask
        scheduler's address) or `workers` (a local Dask cluster of that many
        processes) read on Dask, `inputs` says how files reach its workers
        (docs/cluster.md); `on_cluster(reading)` is called once connected."""
        paths = _existing(paths)
        with self._writing(during="cannot write to {root}: {reason}") as store, \
                self._cluster(paths, cluster, workers, inputs, on_cluster) as reading:
            return self._ingest(store, paths, progress, reading).as_dict()

    def index(self, *, rebuild: bool = False, optimize: bool = False, progress=None,
              engine: str | None = None) -> dict:
        """Bring the index up to date with the store (build it if there is none),
        or `rebuild` it; `dateline index --json`. `progress(done, total)`.
        `engine` ('whoosh' or 'tantivy'), with `rebuild` or for a first index:
        the engine the home indexes with from now on."""
        from dateline.index import (ENGINE_NAMES, bring_index_up_to_date, live_engine_name,
                                    optimize_index, rebuild_archive)

        started = time.perf_counter()
        location = IndexLocation.in_home(self.home.root)
        if engine is not None and engine not in ENGINE_NAMES:
            raise DatelineError(f"unknown engine {engine!r}: use one of {', '.join(ENGINE_NAMES)}")
        live = live_engine_name(location)
        if engine is not None and not rebuild and live not in (None, engine):
            raise DatelineError(f"the index uses the {live} engine: switching to {engine} needs "
                                f"'dateline index --rebuild --engine {engine}'")
        with self._writing() as store:
            if rebuild or (engine is not None and location.current_dir() is None):
                # (near-duplicates clustered again first when their rule changed)
                result = rebuild_archive(store, location, progress=progress, engine=engine)
            else:
                result = bring_index_up_to_date(store, location, progress=progress)
            if optimize:
                result["optimized"] = optimize_index(location, store)
            found, news = self._find_watch_news(store)
            result.update(found)
        result["seconds"] = round(time.perf_counter() - started, 3)
        self._run_watch_commands(news, result)
        return result

    def rebuild(self, *, progress=None, engine: str | None = None) -> dict:
        """A fresh index from the store, switched in atomically: `index --rebuild`
        (with another engine when `engine` names one)."""
        return self.index(rebuild=True, progress=progress, engine=engine)

    def update(self, paths: Iterable[str | os.PathLike], *, progress=None, cluster: str | None = None,
               workers: int | None = None, inputs: str = "auto", on_cluster=None) -> dict:
        """Ingest new crawls and apply exactly what changed to the index, in one
        step: `dateline update --json` ({"ingest": …, "index": …}). The Dask
        options are `ingest`'s."""
        from dateline.index import update_archive

        paths = _existing(paths)
        started = time.perf_counter()
        with self._writing() as store, self._cluster(paths, cluster, workers, inputs, on_cluster) as reading:
            summary, index = update_archive(store, self.home, paths, now=self.clock(),
                                            ingest_progress=progress, cluster=reading)
            found, news = self._find_watch_news(store)
        index["seconds"] = round(time.perf_counter() - started, 3)
        result = {"ingest": summary.as_dict(), "index": index, **found}
        self._run_watch_commands(news, result)
        return result

    def remove(self, *, ids: Iterable[str] = (), source: str | None = None, query: str | None = None,
               dry_run: bool = False) -> dict:
        """Take articles out of the store and the index, chosen by exactly one of
        `ids`, `source` or `query` (every match, near-duplicates included);
        `dateline remove --json`."""
        ids = list(dict.fromkeys(ids))
        if sum(bool(x) for x in (ids, source, query)) != 1:
            raise DatelineError("give exactly one of ids, source or query")
        if query:
            self.explain(query)  # a bad query fails before the home is locked
        from dateline.index import remove_articles

        with self._writing() as store:
            chosen = ids or (store.ids_by_source(source) if source else self._matching_ids(store, query))
            if dry_run:
                return {"dry_run": True, "matched": len(chosen), "ids": chosen}
            return {"dry_run": False, "matched": len(chosen), **remove_articles(store, self.home, chosen)}

    # -- plumbing ------------------------------------------------------------

    def _ingest(self, store: ArticleStore, paths: list[Path], progress, cluster=None):
        from dateline.corpus.ingestion import ingest  # the readers load only when a file is read

        return ingest(paths, store, self.home.rejects_path, now=self.clock(), progress=progress, cluster=cluster)

    @contextmanager
    def _cluster(self, paths: list[Path], address: str | None, workers: int | None, inputs: str, on_cluster):
        """The Dask cluster a run reads on (`dateline.corpus.cluster`), or None."""
        if address is None and workers is None:
            yield None
            return
        if address is not None and workers is not None:
            raise DatelineError("--cluster and --workers cannot be combined: --workers starts a local cluster")
        if workers is not None and workers < 1:
            raise DatelineError(f"--workers must be at least 1, not {workers}")
        from dateline.corpus.cluster import cluster_reading

        with _user_errors(), cluster_reading(address, workers=workers, inputs=inputs, paths=paths) as reading:
            if on_cluster is not None:
                on_cluster(reading)
            yield reading

    def _matching_ids(self, store: ArticleStore, query: str) -> list[str]:
        from dateline.index import bring_index_up_to_date
        from dateline.search.engine import matching_ids

        # A query is answered by the index, so bring it up to date with the store first.
        bring_index_up_to_date(store, IndexLocation.in_home(self.home.root))
        with self._reading() as reader:
            return matching_ids(reader, query, now=self.clock())

    @contextmanager
    def _reading(self):
        """The search side (store + live index), opened once and kept; errors as DatelineError."""
        with _user_errors():
            with self._reader_lock:
                if self._reader is None:
                    from dateline.search.archive import Archive as Reader

                    self._reader = Reader(self.home, tz=self.tz)
            yield self._reader

    @contextmanager
    def _store(self, *, readonly: bool) -> Iterator[ArticleStore]:
        store = self._open_store(readonly=readonly)
        try:
            yield store
        finally:
            store.close()

    def _open_store(self, *, readonly: bool) -> ArticleStore:
        try:
            return ArticleStore(self.home.store_path, readonly=readonly)
        except StoreError as exc:
            raise DatelineError(str(exc)) from exc
        except OSError as exc:
            raise DatelineError(f"cannot open the store in {self.home.root}: {exc.strerror or exc}") from exc

    @contextmanager
    def _writing(self, *, during: str = "cannot write to {root}: {reason}; nothing was lost, "
                 "run the command again when there is room") -> Iterator[ArticleStore]:
        """The writer lock, the version check, then the store; a full disk or an
        unwritable home becomes one line, and nothing is left half-done."""
        root = self.home.root
        lock = writing_home(self.home)  # the lock, then the version check
        try:
            lock.__enter__()
        except (HomeBusy, HomeVersionError) as exc:
            raise DatelineError(str(exc)) from exc
        except OSError as exc:
            raise DatelineError(f"cannot write to {root}: {exc.strerror or exc}") from exc
        try:
            with _user_errors(), self._store(readonly=False) as store:
                try:
                    yield store
                except OSError as exc:
                    raise DatelineError(during.format(root=root, reason=exc.strerror or exc)) from exc
                except sqlite3.Error as exc:
                    raise DatelineError(f"cannot write the store in {root}: {exc}; nothing was lost, "
                                        "run the command again when there is room") from exc
        finally:
            lock.__exit__(None, None, None)
            # What this Archive wrote, its next read sees: reopen rather than
            # rely on the open searcher noticing a commit from its own process.
            self.close()

    def close(self) -> None:
        with self._reader_lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@contextmanager
def _user_errors():
    """The library's own errors, as one line for the user."""
    try:
        yield
    except DatelineError:
        raise
    except (IndexUnavailable, StoreError, IngestError, TimezoneConfigError, HomeBusy,
            HomeVersionError) as exc:
        raise DatelineError(str(exc)) from exc
    except Exception as exc:
        if _raised_by_search(exc):
            raise DatelineError(str(exc)) from exc
        raise


# The search side's errors, by module: a module never loaded raised none, so
# telling them apart loads nothing (an ingest needs neither the query parser
# nor the watches).
_SEARCH_ERRORS = (("dateline.search.options", "SearchError"),
                  ("dateline.search.parser", "QuerySyntaxError"),
                  ("dateline.search.watches", "WatchError"))


def _raised_by_search(exc: Exception) -> bool:
    return any(module is not None and isinstance(exc, getattr(module, name))
               for module, name in ((sys.modules.get(m), n) for m, n in _SEARCH_ERRORS))


def _existing(paths: Iterable[str | os.PathLike]) -> list:
    """Paths and URLs (`corpus.remote`) as ingest reads them: a mistyped
    path, or a URL that cannot be read, fails before the home is created or locked."""
    from dateline.corpus.remote import input_of

    try:
        return [input_of(p) for p in ([paths] if isinstance(paths, (str, os.PathLike)) else paths)]
    except IngestError as exc:
        raise DatelineError(str(exc)) from None
