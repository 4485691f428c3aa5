"""The engines a user would pick instead, each used the way its documentation
shows a typical user: naive Whoosh, SQLite FTS5, tantivy.

Each peer has `build(paths, out_dir) -> articles` and `open(out_dir)` giving
an object whose `run(query)` returns (total hits, ids of the top 10), the same
work Dateline's search does before it fetches and snippets its hits.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from bench.corpus_copies import read_records
from bench.queries import BenchQuery

TOP = 10
PEER_FIELDS = {"place": "places", "person": "people"}


def _naive(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value).replace(tzinfo=None) if value else None


# --- naive Whoosh: default writer, StandardAnalyzer, DATETIME, QueryParser ---

def build_whoosh(paths: list[Path], out_dir: Path) -> int:
    from whoosh import fields, index

    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True), title=fields.TEXT(stored=True),
        body=fields.TEXT, places=fields.TEXT, people=fields.TEXT, date=fields.DATETIME,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    writer = index.create_in(str(out_dir), schema).writer()
    count = 0
    for r in read_records(paths):
        doc = {"id": r["id"], "title": r["title"], "body": r["body"],
               "places": " ; ".join(r["places"]), "people": " ; ".join(r["people"])}
        if r["date"]:
            doc["date"] = _naive(r["date"])
        writer.add_document(**doc)
        count += 1
    writer.commit()
    return count


class WhooshPeer:
    name = "naive Whoosh"

    def __init__(self, out_dir: Path):
        from whoosh import index
        from whoosh.qparser import MultifieldParser

        self.ix = index.open_dir(str(out_dir))
        self.searcher = self.ix.searcher()
        self.parser = MultifieldParser(["title", "body"], self.ix.schema)

    def run(self, q: BenchQuery) -> tuple[int, list[str]]:
        from whoosh import query as wq

        parts = []
        text = q.text(PEER_FIELDS)
        if text:
            parts.append(self.parser.parse(text))
        if q.dates:
            parts.append(wq.DateRange("date", _naive(q.dates[0].isoformat()),
                                      _naive(q.dates[1].isoformat()), endexcl=True))
        results = self.searcher.search(parts[0] if len(parts) == 1 else wq.And(parts), limit=TOP)
        return len(results), [hit["id"] for hit in results]

    def close(self) -> None:
        self.searcher.close()


# --- SQLite FTS5: an articles table with an indexed date, an FTS5 table beside it ---

def build_fts5(paths: list[Path], out_dir: Path) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(out_dir / "fts.sqlite")
    db.executescript("""
        CREATE TABLE articles(rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, date TEXT);
        CREATE VIRTUAL TABLE fts USING fts5(title, body, places, people);
    """)
    count = 0
    for r in read_records(paths):
        count += 1
        date = _naive(r["date"]).isoformat() if r["date"] else None
        db.execute("INSERT INTO articles VALUES (?, ?, ?)", (count, r["id"], date))
        db.execute("INSERT INTO fts(rowid, title, body, places, people) VALUES (?, ?, ?, ?, ?)",
                   (count, r["title"], r["body"], " ; ".join(r["places"]), " ; ".join(r["people"])))
    db.execute("CREATE INDEX articles_date ON articles(date)")
    db.commit()
    db.close()
    return count


class Fts5Peer:
    name = "SQLite FTS5"

    def __init__(self, out_dir: Path):
        self.db = sqlite3.connect(out_dir / "fts.sqlite", check_same_thread=False)

    def run(self, q: BenchQuery) -> tuple[int, list[str]]:
        where, args = [], []
        match = q.text(PEER_FIELDS, "{f} : {v}")
        if match:
            where.append("fts MATCH ?")
            args.append(match)
        if q.dates:
            where.append("a.date >= ? AND a.date < ?")
            args += [_naive(d.isoformat()).isoformat() for d in q.dates]
        base = "FROM articles a " + ("JOIN fts ON fts.rowid = a.rowid " if match else "")
        base += "WHERE " + " AND ".join(where)
        order = " ORDER BY fts.rank" if match else ""
        ids = [row[0] for row in self.db.execute(f"SELECT a.id {base}{order} LIMIT {TOP}", args)]
        total = self.db.execute(f"SELECT count(*) {base}", args).fetchone()[0]
        return total, ids

    def close(self) -> None:
        self.db.close()


# --- tantivy: default tokenizer, a date field, its own query parser ---

def _tantivy_schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True)
    for name in ("body", "places", "people"):
        builder.add_text_field(name)
    builder.add_date_field("date", indexed=True, fast=True)
    return builder.build()


def build_tantivy(paths: list[Path], out_dir: Path) -> int:
    import tantivy

    out_dir.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(_tantivy_schema(), path=str(out_dir))
    writer = index.writer(heap_size=256_000_000)
    count = 0
    for r in read_records(paths):
        doc = {"id": r["id"], "title": r["title"], "body": r["body"],
               "places": " ; ".join(r["places"]), "people": " ; ".join(r["people"])}
        if r["date"]:
            doc["date"] = datetime.fromisoformat(r["date"])
        writer.add_document(tantivy.Document(**doc))
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    return count


class TantivyPeer:
    name = "tantivy"

    def __init__(self, out_dir: Path):
        import tantivy

        self.index = tantivy.Index(_tantivy_schema(), path=str(out_dir))
        self.index.reload()
        self.searcher = self.index.searcher()

    def run(self, q: BenchQuery) -> tuple[int, list[str]]:
        parts = [q.text(PEER_FIELDS)] if q.text(PEER_FIELDS) else []
        if q.dates:
            start, end = (d.strftime("%Y-%m-%dT%H:%M:%SZ") for d in q.dates)
            parts.append(f"date:[{start} TO {end}}}")
        query = self.index.parse_query(" AND ".join(f"({p})" for p in parts), ["title", "body"],
                                       conjunction_by_default=True)
        result = self.searcher.search(query, TOP, count=True)
        ids = [self.searcher.doc(address)["id"][0] for _, address in result.hits]
        return result.count, ids

    def close(self) -> None:
        pass


PEERS = {
    "whoosh": (build_whoosh, WhooshPeer),
    "fts5": (build_fts5, Fts5Peer),
    "tantivy": (build_tantivy, TantivyPeer),
}
