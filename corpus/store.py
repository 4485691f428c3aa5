"""ArticleStore: the cleaned articles, the source of truth (one SQLite file).

Besides the articles it keeps a change log: every put or delete appends a row
with a growing sequence number in the same transaction. The index records the
last sequence number it has applied, so it can catch up after a crash by
replaying the log; the store never needs to know what an index is.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from dateline.corpus.article import Article
from dateline.corpus.dates import to_utc

STORE_FORMAT = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    url TEXT,
    text_hash TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    date TEXT,
    source TEXT,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_url ON articles(url);
CREATE INDEX IF NOT EXISTS articles_text_hash ON articles(text_hash);
CREATE INDEX IF NOT EXISTS articles_source ON articles(source);
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('put', 'delete'))
);
CREATE TABLE IF NOT EXISTS inputs (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    file_hash TEXT NOT NULL,
    articles INTEGER NOT NULL
);
"""


class StoreError(Exception):
    """The store cannot be opened or written (message is user-facing)."""


@dataclass(frozen=True)
class PutResult:
    status: str  # "stored", "updated", "unchanged", "duplicate"
    id: str
    duplicate_of: str | None = None


class ArticleStore:
    def __init__(self, path: Path, *, readonly: bool = False):
        self.path = Path(path)
        self.readonly = readonly
        if readonly:
            if not self.path.exists():
                raise StoreError(f"no article store at {self.path}: run 'dateline ingest' first")
            uri = f"file:{self.path}?mode=ro"
            self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
            self._check_format()
        self._db.execute("PRAGMA busy_timeout=10000")

    def _check_format(self) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key='format'").fetchone()
        if row is None:
            with self._db:
                self._db.execute("INSERT INTO meta VALUES ('format', ?)", (str(STORE_FORMAT),))
        elif int(row[0]) > STORE_FORMAT:
            raise StoreError(
                f"the store at {self.path} was written by a newer Dateline "
                f"(format {row[0]}, this one reads {STORE_FORMAT}); upgrade Dateline"
            )

    @property
    def connection(self) -> sqlite3.Connection:
        """For what is kept beside the articles in the same file and the same
        transactions (`corpus.people_counts`, `corpus.clusters`); the store itself
        knows only articles."""
        return self._db

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ArticleStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing ---------------------------------------------------------
    def transaction(self):
        """Group many puts into one commit (much faster, and atomic)."""
        return self._db

    def put(self, article: Article, *, text_hash: str | None = None) -> PutResult:
        """Store an article: new, a changed version of one we have, or nothing new.

        Identity is the id, then the URL; an article whose normalized text we
        already hold under another id is a duplicate and is not stored twice.
        Its near-duplicate cluster is assigned beside the store (`corpus.clusters`).
        `text_hash`: the article's `text_hash`, when it was computed where the
        article was read (normalizing the text is most of a put's cost).
        """
        row = self._db.execute(
            "SELECT id, content_hash FROM articles WHERE id=?", (article.id,)
        ).fetchone()
        if row is None and article.url:
            row = self._db.execute(
                "SELECT id, content_hash FROM articles WHERE url=?", (article.url,)
            ).fetchone()
            if row is not None:
                article = article.with_changes(id=row[0])
        if row is not None:
            if row[1] == article.content_hash:
                return PutResult("unchanged", article.id)
            self._write(article, text_hash)
            return PutResult("updated", article.id)
        text_hash = text_hash or article.text_hash  # (normalizing the text is most of a put's cost: once)
        dup = self._db.execute(
            "SELECT id FROM articles WHERE text_hash=?", (text_hash,)
        ).fetchone()
        if dup is not None:
            return PutResult("duplicate", article.id, duplicate_of=dup[0])
        self._write(article, text_hash)
        return PutResult("stored", article.id)

    def set_cluster(self, article_id: str, cluster: str) -> None:
        """Record an article's near-duplicate cluster in its stored record (not
        a change of what it says: its content hash stays)."""
        self._db.execute("UPDATE articles SET record=json_set(record, '$.cluster', ?) WHERE id=?",
                         (cluster, article_id))

    def log_put(self, article_id: str) -> None:
        """Log a change of a stored article's record, for the index to apply."""
        self._db.execute("INSERT INTO changes (id, op) VALUES (?, 'put')", (article_id,))

    def _write(self, article: Article, text_hash: str | None = None) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO articles VALUES (?,?,?,?,?,?,?)",
            (
                article.id,
                article.url,
                text_hash or article.text_hash,
                article.content_hash,
                to_utc(article.date).isoformat() if article.date else None,
                article.source,
                json.dumps(article.to_dict(), ensure_ascii=False),
            ),
        )
        self._db.execute("INSERT INTO changes (id, op) VALUES (?, 'put')", (article.id,))

    def delete(self, ids: Iterable[str]) -> int:
        removed = 0
        for article_id in ids:
            cur = self._db.execute("DELETE FROM articles WHERE id=?", (article_id,))
            if cur.rowcount:
                removed += 1
                self._db.execute("INSERT INTO changes (id, op) VALUES (?, 'delete')", (article_id,))
        return removed

    def commit(self) -> None:
        self._db.commit()

    def record_input(self, path: str, size: int, mtime_ns: int, file_hash: str, articles: int) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO inputs VALUES (?,?,?,?,?)",
            (path, size, mtime_ns, file_hash, articles),
        )

    # -- reading ---------------------------------------------------------
    def input_record(self, path: str) -> tuple[int, int, str] | None:
        row = self._db.execute(
            "SELECT size, mtime_ns, file_hash FROM inputs WHERE path=?", (path,)
        ).fetchone()
        return tuple(row) if row else None

    def get(self, article_id: str) -> Article | None:
        row = self._db.execute("SELECT record FROM articles WHERE id=?", (article_id,)).fetchone()
        return Article.from_dict(json.loads(row[0])) if row else None

    def get_many(self, ids: list[str]) -> dict[str, Article]:
        found: dict[str, Article] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for (record,) in self._db.execute(
                f"SELECT record FROM articles WHERE id IN ({marks})", chunk
            ):
                article = Article.from_dict(json.loads(record))
                found[article.id] = article
        return found

    def __iter__(self) -> Iterator[Article]:
        # A separate cursor streams rows: memory does not grow with the store.
        for (record,) in self._db.execute("SELECT record FROM articles ORDER BY rowid"):
            yield Article.from_dict(json.loads(record))

    def articles_in_stored_order(self) -> Iterator[Article]:
        """Every article, oldest stored first, read in chunks: the caller may
        write to the store meanwhile."""
        ids = [row[0] for row in self._db.execute("SELECT id FROM articles ORDER BY rowid")]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found = self.get_many(chunk)
            yield from (found[i] for i in chunk if i in found)

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def ids(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT id FROM articles")}

    def ids_by_source(self, source: str) -> list[str]:
        return [
            row[0]
            for row in self._db.execute(
                "SELECT id FROM articles WHERE lower(source)=lower(?)", (source,)
            )
        ]

    def last_seq(self) -> int:
        row = self._db.execute("SELECT MAX(seq) FROM changes").fetchone()
        return row[0] or 0

    def changes_since(self, seq: int) -> Iterator[tuple[int, str, str]]:
        """(seq, id, op) for every change after `seq`, oldest first."""
        yield from self._db.execute(
            "SELECT seq, id, op FROM changes WHERE seq > ? ORDER BY seq", (seq,)
        )

    def changed_since(self, seq: int) -> int:
        """How many articles were put or deleted after `seq` (each counted once)."""
        row = self._db.execute("SELECT COUNT(DISTINCT id) FROM changes WHERE seq > ?", (seq,)).fetchone()
        return row[0] or 0

    def summary(self) -> dict:
        count, first, last = self._db.execute(
            "SELECT COUNT(*), MIN(date), MAX(date) FROM articles"
        ).fetchone()
        sources = dict(
            self._db.execute(
                "SELECT COALESCE(source, '(none)'), COUNT(*) FROM articles "
                "GROUP BY source ORDER BY COUNT(*) DESC"
            ).fetchall()
        )
        undated = self._db.execute("SELECT COUNT(*) FROM articles WHERE date IS NULL").fetchone()[0]
        return {"articles": count, "first_date": first, "last_date": last,
                "undated": undated, "sources": sources}
