"""The watch methods of `dateline.Archive` (saved searches that report what
each update brings): kept apart so that `archive.py` reads in one sitting."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

from dateline.corpus import ArticleStore

if TYPE_CHECKING:
    from dateline.search.options import Filters


class WatchMethods:
    """Mixed into `dateline.Archive`, whose `home`, `clock`, `tz`, `_store`
    and errors they use."""

    def add_watch(self, name: str, query: str, filters: Filters | None = None, *,
                  exec: str | None = None) -> dict:
        """Save a search whose news later updates report (`dateline watch add`).
        Only articles that arrive after it is added are news."""
        from dateline.search.engine import build_tree
        from dateline.search.options import Filters
        from dateline.search.watches import WatchBook

        filters = filters or Filters()
        with _user_errors():
            build_tree(query, filters, now=self.clock(), tz=self.tz)  # a bad query is refused now
            seq = 0
            if self.home.store_path.exists():
                with self._store(readonly=True) as store:
                    seq = store.last_seq()
            with WatchBook(self.home.root) as book:
                watch = book.add(name, query, filters=dict(filters.active()), exec=exec,
                                 checked_seq=seq)
                book.prepare(now=self.clock(), tz=self.tz)
        return watch.to_json()

    def watches(self) -> dict:
        """Every watch with its unreported news count: `dateline watch list --json`.
        A long-lived Archive (the web page lists the watches on its home page)
        reads `watches.sqlite` again only when the file has changed."""
        from dateline.search.watches import WatchBook, book_state

        state = book_state(self.home.root)
        kept = getattr(self, "_kept_watches", None)
        if state is None:
            rows = []
        elif kept is not None and kept[0] == state:
            rows = kept[1]
        else:
            with WatchBook(self.home.root) as book:
                counts = book.unreported_counts()
                rows = [{**w.to_json(), "unreported": counts.get(w.name, 0)} for w in book.all()]
            self._kept_watches = (state, rows)
        return {"watches": [{**row, "filters": dict(row["filters"])} for row in rows]}

    def watch(self, name: str) -> dict:
        """One watch: `dateline watch show NAME --json`."""
        with self._watch_book(name) as book, _user_errors():
            return {**book.get(name).to_json(), "unreported": book.unreported_count(name)}

    def remove_watch(self, name: str) -> None:
        with self._watch_book(name) as book, _user_errors():
            book.remove(name)

    def watch_news(self, name: str | None = None, *, mark_reported: bool = True) -> dict:
        """What arrived since each watch (or the one named) last reported:
        `dateline watch run --json`, {"watches": [{"name", "query", "new": [hits]}]}.
        With `mark_reported=False` nothing is marked: call `mark_reported` with
        the document once it has been shown (what the CLI does)."""
        from dateline.search.watch_news import pending_news

        with self._watch_book(name) as book, _user_errors():
            if book is None:
                return {"watches": []}
            names = [name] if name else [w.name for w in book.all()]
            if not self.home.store_path.exists():
                return {"watches": [{**book.get(n).to_json(), "new": []} for n in names]}
            with self._store(readonly=True) as store:
                reports = [pending_news(book, store, n, tz=self.tz)[0] for n in names]
        document = {"watches": reports}
        if mark_reported:
            self.mark_reported(document)
        return document

    def mark_reported(self, document: dict) -> None:
        """Mark the news in a `watch_news` document as reported."""
        with self._watch_book() as book:
            for report in document["watches"] if book else ():
                book.mark_reported(report["name"], [hit["id"] for hit in report["new"]])

    @contextmanager
    def _watch_book(self, name: str | None = None):
        """The home's watches; None when none was ever added (or an error naming `name`)."""
        from dateline.search.watches import WATCHES_FILE, WatchBook

        if not (self.home.root / WATCHES_FILE).exists():
            if name is not None:
                raise _error()(f"no watch named {name!r} (there are no watches yet)")
            yield None
            return
        with WatchBook(self.home.root) as book:
            yield book

    def _find_watch_news(self, store: ArticleStore) -> tuple[dict, list]:
        """After the index has applied new articles: each watch's news among
        them, recorded with the watches' new position in one transaction.
        ({"watches": [...]}, the news), whose commands `_run_watch_commands`
        runs once the home is released."""
        from dateline.index.faults import crash_point
        from dateline.search.watches import WATCHES_FILE, WatchBook

        if not (self.home.root / WATCHES_FILE).exists():
            return {"watches": []}, []  # no watch was ever added: nothing to load or percolate
        with WatchBook(self.home.root) as book:
            news = book.find_news(store, tz=self.tz, now=self.clock())
        crash_point("after-watch-news")
        return {"watches": [{"name": n.watch.name, "new": len(n.article_ids), "ids": n.article_ids}
                            for n in news]}, news

    def _run_watch_commands(self, news: list, result: dict) -> None:
        """Each watch's command (`watch add --exec`) with its news, after the
        writer lock is released: the news is committed already, and a command
        may take up to 30 s that no other writer should wait for. Problems go
        to result["watch_warnings"]."""
        if not any(item.watch.exec for item in news):
            return
        from dateline.search.watch_news import run_exec_commands

        with self._store(readonly=True) as store:
            if warnings := run_exec_commands(news, store, self.home.root, tz=self.tz):
                result["watch_warnings"] = warnings


def _error():
    from dateline.archive import DatelineError

    return DatelineError


@contextmanager
def _user_errors():
    from dateline.archive import _user_errors as errors

    with errors():
        yield
