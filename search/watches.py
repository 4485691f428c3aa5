"""Saved searches that report what is new: watches.

A watch is a query (with the filters `search` takes) kept in the home, in
`watches.sqlite`, apart from the article store: `index --rebuild` never
touches it. Each watch remembers the position in the store's change log up
to which it has looked (`checked_seq`). After an update or an index run has
applied new articles, `find_news` percolates every article changed since that
position (`search/percolate.py`) and records what matched as *news*, and
moves the position, in one SQLite transaction: an update killed at any point
either recorded the news and the new position together or neither, so the
next run finds the same news once, never twice and never none.

`watch run` shows a watch's unreported news and marks it reported, again in
one transaction. A new copy of a story already recorded for a watch (same
near-duplicate cluster, or the same article changed) is not news again.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

from dateline.corpus.article import Article
from dateline.corpus.store import ArticleStore
from dateline.index.faults import crash_point

WATCHES_FILE = "watches.sqlite"
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
FILTERS = ("person", "place", "source", "tag")
BATCH = 500  # articles read from the store at a time while percolating

_SCHEMA = """
CREATE TABLE IF NOT EXISTS watches (
    name TEXT PRIMARY KEY,
    query TEXT NOT NULL,
    filters TEXT NOT NULL,          -- JSON object: person, place, source, tag
    exec TEXT,                      -- a command to run with new hits on stdin, or NULL
    created TEXT NOT NULL,
    checked_seq INTEGER NOT NULL,   -- the change-log position looked at so far
    compiled BLOB,                  -- the lowered query, pickled, when it does not depend on the day
    compiled_by TEXT                -- the code that lowered it (see `_code_fingerprint`)
);
CREATE TABLE IF NOT EXISTS news (
    watch TEXT NOT NULL REFERENCES watches(name) ON DELETE CASCADE,
    article TEXT NOT NULL,
    cluster TEXT NOT NULL,
    seq INTEGER NOT NULL,           -- the change that brought it
    reported INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (watch, article)
);
CREATE INDEX IF NOT EXISTS news_cluster ON news(watch, cluster);
CREATE TABLE IF NOT EXISTS percolator (
    watches TEXT NOT NULL,          -- a digest of every watch's name, query and filters, and of the code
    blob BLOB NOT NULL              -- those watches' percolator, pickled (`WatchBook._percolator`)
);
"""


class WatchError(ValueError):
    """A bad watch request (unknown or duplicate name, bad name); str() is user-facing."""


@dataclass(frozen=True)
class Watch:
    name: str
    query: str
    filters: dict = field(default_factory=dict)
    exec: str | None = None
    created: str = ""
    checked_seq: int = 0

    def to_json(self) -> dict:
        return {"name": self.name, "query": self.query, "filters": dict(self.filters),
                "exec": self.exec, "created": self.created, "checked_seq": self.checked_seq}


@dataclass(frozen=True)
class News:
    """What one percolation found for one watch."""

    watch: Watch
    article_ids: list[str]


class WatchBook:
    """The home's watches and their news (`HOME/watches.sqlite`)."""

    def __init__(self, root: Path):
        root.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(root / WATCHES_FILE, timeout=30, isolation_level=None)
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> WatchBook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def add(self, name: str, query: str, *, filters: dict | None = None, exec: str | None = None,
            checked_seq: int) -> Watch:
        """A new watch; it reports what arrives after `checked_seq` (now)."""
        if not NAME.fullmatch(name):
            raise WatchError(f"watch name {name!r}: use up to 64 letters, digits, '.', '_' or '-', "
                             "starting with a letter or digit")
        kept = {k: v.strip() for k, v in (filters or {}).items() if k in FILTERS and v and v.strip()}
        created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        try:
            self._db.execute("INSERT INTO watches VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)",
                             (name, query, json.dumps(kept, sort_keys=True), exec, created, checked_seq))
        except sqlite3.IntegrityError:
            raise WatchError(f"a watch named {name!r} exists already") from None
        return self.get(name)

    def remove(self, name: str) -> None:
        self.get(name)
        self._db.execute("DELETE FROM watches WHERE name = ?", (name,))

    def get(self, name: str) -> Watch:
        row = self._db.execute("SELECT * FROM watches WHERE name = ?", (name,)).fetchone()
        if row is None:
            known = [w.name for w in self.all()]
            hint = f" (watches: {', '.join(known)})" if known else " (there are no watches yet)"
            raise WatchError(f"no watch named {name!r}{hint}")
        return _watch(row)

    def all(self) -> list[Watch]:
        return [_watch(r) for r in self._db.execute("SELECT * FROM watches ORDER BY name")]

    def unreported(self, name: str) -> list[tuple[str, int]]:
        """(article id, seq) of a watch's news not yet reported, newest change first."""
        return self._db.execute(
            "SELECT article, seq FROM news WHERE watch = ? AND reported = 0 ORDER BY seq DESC",
            (name,)).fetchall()

    def unreported_counts(self) -> dict[str, int]:
        """Each watch's count of news not yet reported (watches with none left out)."""
        return dict(self._db.execute(
            "SELECT watch, COUNT(*) FROM news WHERE reported = 0 GROUP BY watch"))

    def unreported_count(self, name: str) -> int:
        return self._db.execute("SELECT COUNT(*) FROM news WHERE watch = ? AND reported = 0",
                                (name,)).fetchone()[0]

    def mark_reported(self, name: str, article_ids: Iterable[str]) -> None:
        with self._transaction():
            self._db.executemany("UPDATE news SET reported = 1 WHERE watch = ? AND article = ?",
                                 [(name, a) for a in article_ids])

    def find_news(self, store: ArticleStore, *, upto: int | None = None, tz=timezone.utc,
                  now: datetime | None = None) -> list[News]:
        """Percolate the articles changed since each watch last looked, record
        what matched, and move every watch to `upto` (default: the store's
        last change), all in one transaction. Returns the news found now."""
        upto = store.last_seq() if upto is None else upto
        checked = {name: seq for name, seq in self._db.execute("SELECT name, checked_seq FROM watches")
                   if seq < upto}  # the watches behind, and how far each has looked
        if not checked:
            return []
        now = now or datetime.now(timezone.utc)
        changed = _latest_puts(store, min(checked.values()), upto)
        percolator = self._percolator(now, tz)  # every watch: those not behind are left out below
        found: dict[str, list[tuple[Article, int]]] = {}
        # Newest first: the index writer has just split the newest articles'
        # titles and bodies, and `analysis.text_words` keeps the last of them.
        for batch in _batches(list(changed.items())[::-1], BATCH):
            articles = store.get_many([article_id for article_id, _ in batch])
            for article_id, seq in batch:
                article = articles.get(article_id)
                if article is None:  # removed again since
                    continue
                for name in percolator.match(article):
                    if seq > checked.get(name, upto):
                        found.setdefault(name, []).append((article, seq))
        return self._record(list(checked), found, upto)

    def prepare(self, *, now: datetime, tz=timezone.utc) -> None:
        """Lower every watch's query now and keep the percolator they make (as
        `watch add` does), so that the next update only loads it."""
        self._percolator(now, tz)

    def _percolator(self, now: datetime, tz):
        """Every watch's query, ready to percolate. Parsing and lowering a
        thousand queries costs more than percolating an update's articles, and
        loading them one by one a good part of it: the percolator of the
        queries that read the same whatever the day is kept whole, until a
        watch or the code that lowers queries changes (`date:last-7d` is
        lowered afresh each time, and added)."""
        from dateline.search.percolate import Percolator, Standing

        rows = self._db.execute("SELECT name, query, filters FROM watches ORDER BY name").fetchall()
        digest = hashlib.sha256(json.dumps([_code_fingerprint(), rows]).encode()).hexdigest()
        kept = self._db.execute("SELECT blob FROM percolator WHERE watches = ?", (digest,)).fetchone()
        if kept is not None:
            percolator, daily = pickle.loads(kept[0])
            daily = set(daily)
            watches = [_watch_of(row) for row in rows if row[0] in daily]
        else:
            compiled = self._compiled([_watch_of(row) for row in rows], now, tz)
            percolator = Percolator(Standing(w.name, op, needed)
                                    for w, (op, needed), lasting in compiled if lasting)
            watches = [w for w, _, lasting in compiled if not lasting]
            blob = pickle.dumps((percolator, [w.name for w in watches]))
            with self._transaction():
                self._db.execute("DELETE FROM percolator")
                self._db.execute("INSERT INTO percolator VALUES (?, ?)", (digest, blob))
        percolator.add(Standing(w.name, op, needed) for w, (op, needed), _ in
                       self._compiled(watches, now, tz))
        return percolator

    def _compiled(self, watches: list[Watch], now: datetime, tz) -> list[tuple[Watch, tuple, bool]]:
        """Each watch's lowered query with its requirements, and whether it
        lasts (reads the same whatever the day is). One that lasts is kept
        lowered, until the code that lowers queries changes."""
        fingerprint = _code_fingerprint()
        cached = {name: (blob, by) for name, blob, by in
                  self._db.execute("SELECT name, compiled, compiled_by FROM watches")}
        ops, keep = [], []
        for watch in watches:
            blob, by = cached.get(watch.name, (None, None))
            if blob is not None and by == fingerprint:
                ops.append((watch, pickle.loads(blob), True))
                continue
            op = _lowered(watch, now, tz)
            compiled = (op, requirements(op))
            lasting = op == _lowered(watch, now + timedelta(days=400), tz)  # not relative to today
            if lasting:
                keep.append((pickle.dumps(compiled), fingerprint, watch.name))
            ops.append((watch, compiled, lasting))
        if keep:
            with self._transaction():
                self._db.executemany("UPDATE watches SET compiled = ?, compiled_by = ? WHERE name = ?",
                                     keep)
        return ops

    def _record(self, behind: list[str], found: dict, upto: int) -> list[News]:
        news = []
        with self._transaction():
            for name, arrived in found.items():
                ids = [article.id for article, _ in arrived]
                clusters = [article.cluster or article.id for article, _ in arrived]
                seen_ids, seen_clusters = set(), set()
                for chunk in _batches(list(zip(ids, clusters)), BATCH):
                    marks = ",".join("?" * len(chunk))
                    for article, cluster in self._db.execute(
                            f"SELECT article, cluster FROM news WHERE watch = ? AND "
                            f"(article IN ({marks}) OR cluster IN ({marks}))",
                            (name, *(i for i, _ in chunk), *(c for _, c in chunk))):
                        seen_ids.add(article)
                        seen_clusters.add(cluster)
                rows = []
                for article, seq in sorted(arrived, key=lambda p: p[1]):
                    cluster = article.cluster or article.id
                    if article.id in seen_ids or cluster in seen_clusters:
                        continue  # a copy or a new version of what this watch already has
                    seen_ids.add(article.id)
                    seen_clusters.add(cluster)
                    rows.append((name, article.id, cluster, seq))
                self._db.executemany("INSERT INTO news VALUES (?, ?, ?, ?, 0)", rows)
                if rows:
                    news.append((name, [article_id for _, article_id, _, _ in rows]))
            for chunk in _batches(behind, BATCH):
                self._db.execute(f"UPDATE watches SET checked_seq = ? WHERE name IN "
                                 f"({','.join('?' * len(chunk))})", (upto, *chunk))
            crash_point("watch-news-before-commit")
        watches = self._named([name for name, _ in news])
        return [News(watches[name], ids) for name, ids in sorted(news)]

    def _named(self, names: list[str]) -> dict[str, Watch]:
        found = {}
        for chunk in _batches(names, BATCH):
            marks = ",".join("?" * len(chunk))
            found.update((row[0], _watch(row)) for row in
                         self._db.execute(f"SELECT * FROM watches WHERE name IN ({marks})", chunk))
        return found

    def _transaction(self):
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection):
        self._db = db

    def __enter__(self):
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind, *exc):
        self._db.execute("ROLLBACK" if kind else "COMMIT")


def requirements(op):
    from dateline.search.percolate import requirements as needed

    return needed(op)


def _lowered(watch: Watch, now: datetime, tz):
    from dateline.search.engine import build_tree  # numpy and the parser: only when compiling
    from dateline.search.lower import lower
    from dateline.search.options import Filters

    return lower(build_tree(watch.query, Filters(**watch.filters), now=now, tz=tz))


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """What reading and lowering a query depends on: the search and index
    code and the gazetteer's table. Any change makes watches lower again."""
    import dateline.corpus.gazetteer
    import dateline.index
    import dateline.search

    digest = hashlib.sha256()
    for package in (dateline.search, dateline.index, dateline.corpus.gazetteer):
        for path in sorted(Path(package.__file__).parent.glob("*.*")):
            if path.suffix in (".py", ".tsv"):
                digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def book_state(root: Path) -> tuple | None:
    """What changes whenever `HOME/watches.sqlite` does (its and its write-ahead
    log's size and modification time); None when there is no such file."""
    try:
        main = (root / WATCHES_FILE).stat()
    except FileNotFoundError:
        return None
    try:
        log = (root / (WATCHES_FILE + "-wal")).stat()
        log_state = (log.st_mtime_ns, log.st_size, log.st_ino)
    except FileNotFoundError:
        log_state = None
    return main.st_mtime_ns, main.st_size, main.st_ino, log_state


def _watch(row) -> Watch:
    name, query, filters, exec_, created, checked, _, _ = row
    return Watch(name, query, json.loads(filters), exec_, created, checked)


def _watch_of(row) -> Watch:
    """A watch from (name, query, filters): as much as lowering its query needs."""
    name, query, filters = row
    return Watch(name, query, json.loads(filters))


def _latest_puts(store: ArticleStore, after: int, upto: int) -> dict[str, int]:
    """Each article put after `after` (up to `upto`) and not deleted since: its last seq."""
    latest: dict[str, int] = {}
    for seq, article_id, op in store.changes_since(after):
        if seq > upto:
            break
        if op == "put":
            latest[article_id] = seq
        else:
            latest.pop(article_id, None)
    return latest


def _batches(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]
