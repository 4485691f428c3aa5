"""The known people's counts (`corpus.known_people`), kept beside the articles.

What the archive has learned from its stored articles, not articles
themselves: the forms each surname was named by as a person (in how many
articles), how often each word is written in lower case, capitalized or as a
company's name, and the headline words that waited for a person the archive
did not know yet. `ArticleStore` stores articles and knows none of this.

The tables live in the store's SQLite file and are written through its
connection, so a file's counts commit in the same transaction as its
articles: a crash never leaves counts for articles that were not stored.
"""

from __future__ import annotations

from collections.abc import Iterable

from dateline.corpus.store import ArticleStore

# Created one statement at a time (never `executescript`, which would commit
# the transaction a file's articles are being written in).
_TABLES = (
    # surname -> each form it was named by as a person, in how many articles
    """CREATE TABLE IF NOT EXISTS known_names (
        surname TEXT NOT NULL,
        form TEXT NOT NULL,
        articles INTEGER NOT NULL,
        PRIMARY KEY (surname, form))""",
    # Headline words of stories whose people were read from the text, that
    # stood as a surname would but were nobody the archive knew then: read
    # again once the archive knows them. A row of a removed article is
    # harmless (it is skipped when read) and goes when its word is known.
    """CREATE TABLE IF NOT EXISTS unknown_headline_names (
        surname TEXT NOT NULL,
        id TEXT NOT NULL,
        PRIMARY KEY (surname, id))""",
    "CREATE INDEX IF NOT EXISTS unknown_headline_names_id ON unknown_headline_names(id)",
    # Every distinct word of every stored article is counted here: WITHOUT
    # ROWID keeps one B-tree, not a table and its index, which made the ingest's
    # upserts a quarter cheaper (a store created earlier keeps its table: the
    # same rows, the same answers).
    """CREATE TABLE IF NOT EXISTS word_case (
        word TEXT PRIMARY KEY,
        lower INTEGER NOT NULL,
        capital INTEGER NOT NULL,
        company INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID""",  # "Ford" in "Ford Motor Co"
)
_KEPT = "known_people"  # a meta key: the counts cover every stored article


class PeopleCounts:
    """The counts beside one open store."""

    def __init__(self, store: ArticleStore):
        self._db = store.connection
        if not store.readonly:
            for statement in _TABLES:
                self._db.execute(statement)

    # -- writing (in the store's current transaction) ---------------------
    def add(self, forms: Iterable[tuple[str, str, int]], case: Iterable[tuple[str, int, int, int]]) -> None:
        """Add to the counts: (surname, form, articles) and (word, lower, capital, company) rows."""
        self._db.executemany(
            "INSERT INTO known_names VALUES (?,?,?) ON CONFLICT (surname, form) "
            "DO UPDATE SET articles = articles + excluded.articles", forms)
        self._db.executemany(
            "INSERT INTO word_case VALUES (?,?,?,?) ON CONFLICT (word) DO UPDATE SET "
            "lower = lower + excluded.lower, capital = capital + excluded.capital, "
            "company = company + excluded.company", case)
        self._db.execute("INSERT OR IGNORE INTO meta VALUES (?, '1')", (_KEPT,))

    def add_unknown_headline_names(self, article_id: str, surnames: Iterable[str]) -> None:
        self._db.executemany("INSERT OR IGNORE INTO unknown_headline_names VALUES (?,?)",
                             [(s, article_id) for s in surnames])

    def forget_unknown_headline_names(self, surnames: list[str]) -> None:
        for start in range(0, len(surnames), 500):
            chunk = surnames[start : start + 500]
            self._db.execute("DELETE FROM unknown_headline_names WHERE surname IN "
                             f"({','.join('?' * len(chunk))})", chunk)

    # -- reading -------------------------------------------------------------
    def kept(self) -> bool:
        """Whether the counts cover the stored articles (a store written
        before they were kept must have its articles counted once)."""
        return self._db.execute("SELECT 1 FROM meta WHERE key=?", (_KEPT,)).fetchone() is not None

    def known_forms(self, surname: str) -> dict[str, int]:
        return dict(self._db.execute(
            "SELECT form, articles FROM known_names WHERE surname=?", (surname,)))

    def word_case(self, word: str) -> tuple[int, int, int]:
        row = self._db.execute(
            "SELECT lower, capital, company FROM word_case WHERE word=?", (word,)).fetchone()
        return tuple(row) if row else (0, 0, 0)

    def unknown_headline_surnames(self, *, named_in: int = 0) -> list[str]:
        """The headline words waiting to be known; with `named_in`, only those
        now named as a person in at least that many articles."""
        if not named_in:
            return [r[0] for r in self._db.execute("SELECT DISTINCT surname FROM unknown_headline_names")]
        return [r[0] for r in self._db.execute(
            "SELECT k.surname FROM known_names k WHERE k.surname IN "
            "(SELECT DISTINCT surname FROM unknown_headline_names) "
            "GROUP BY k.surname HAVING SUM(k.articles) >= ?", (named_in,))]

    def ids_with_unknown_headline_names(self, surnames: list[str]) -> list[str]:
        ids: dict[str, None] = {}
        for start in range(0, len(surnames), 500):
            chunk = surnames[start : start + 500]
            for (article_id,) in self._db.execute(
                    "SELECT id FROM unknown_headline_names WHERE surname IN "
                    f"({','.join('?' * len(chunk))}) ORDER BY rowid", chunk):
                ids[article_id] = None
        return list(ids)
