"""Dateline in the benchmark, through its public functions only: `corpus.ingest`
into an `ArticleStore`, `index.rebuild_index`, `index.sync_index`, and
`search.engine.search` on an `Archive` (what the CLI and the web page call)."""

from __future__ import annotations

from pathlib import Path

from bench.corpus_copies import NOW
from bench.queries import BenchQuery
from dateline.corpus import ArticleStore, Home, ingest
from dateline.index import IndexLocation, rebuild_index, sync_index


def ingest_inputs(home_dir: Path, inputs: list[Path]) -> dict:
    home = Home(home_dir)
    with ArticleStore(home.store_path) as store:
        summary = ingest(inputs, store, home.rejects_path, now=NOW)
    return {"articles": summary.stored + summary.updated, "rejected": summary.rejected,
            "duplicates": summary.duplicates}


def store_records(home_dir: Path, inputs: list[Path]) -> dict:
    """JSON-lines records put straight into the store: the JSON-lines reader's
    articles without ingest's cleaning, near-duplicate signatures and story
    clusters (each article its own cluster). For the generated archive at a
    size where ingest would not finish on a loaded machine; the index builds
    read the store the same way either way."""
    import json
    from dataclasses import replace
    from datetime import datetime

    from dateline.corpus.article import Article
    from dateline.corpus.readers.jsonl import article_from_record

    home = Home(home_dir)
    home.root.mkdir(parents=True, exist_ok=True)
    counts = {"articles": 0, "rejected": 0, "duplicates": 0}
    with ArticleStore(home.store_path) as store:
        for path in inputs:
            with open(path, encoding="utf-8") as handle:
                for number, line in enumerate(handle, start=1):
                    record = json.loads(line)
                    # the generator writes ISO dates: read without dateutil (half the time)
                    date = record.pop("date", None)
                    for item in article_from_record(record, f"{path}:{number}", now=NOW):
                        if isinstance(item, Article) and date:
                            item = replace(item, date=datetime.fromisoformat(date),
                                           date_source="record")
                        if not isinstance(item, Article):
                            counts["rejected"] += 1
                        elif store.put(item).status == "duplicate":
                            counts["duplicates"] += 1
                        else:
                            counts["articles"] += 1
            store.commit()
    return counts


def build_index(home_dir: Path, engine: str | None = None) -> int:
    home = Home(home_dir)
    with ArticleStore(home.store_path) as store:
        return rebuild_index(store, IndexLocation.in_home(home.root), engine=engine)


def update_index(home_dir: Path) -> dict:
    home = Home(home_dir)
    with ArticleStore(home.store_path) as store:
        return sync_index(store, IndexLocation.in_home(home.root))


def index_dir(home_dir: Path) -> Path:
    return IndexLocation.in_home(Path(home_dir)).root


class DatelineEngine:
    name = "Dateline"

    def __init__(self, home_dir: Path):
        from dateline.search.archive import Archive

        self.archive = Archive(Home(home_dir))

    def run(self, q: BenchQuery) -> tuple[int, list[str]]:
        from dateline.search.engine import search

        results = search(self.archive, q.dateline(), limit=10, facets=q.facets, now=NOW)
        return results.total, [hit.article.id for hit in results.hits]

    def facet_parts(self, q: BenchQuery) -> dict:
        """{part: a call doing that part of q's facets alone}, each on the
        query's matches found again (an engine may keep what a count read
        on its matches): the top words, the four name facets (one count)
        and the date histogram, as `search.facets.compute_facets` does them."""
        from dateline.search.engine import build_tree, find_matches, query_stems
        from dateline.search.facets import date_histogram, name_facets
        from dateline.search.top_words import top_words

        reader, tree = self.archive.reader(), build_tree(q.dateline(), now=NOW)
        stems = query_stems(tree)

        def matches():
            return find_matches(reader, tree)

        return {"top words": lambda: top_words(reader, matches(), exclude=stems),
                "names": lambda: name_facets(reader, matches()),
                "histogram": lambda: date_histogram(reader, matches(), tz=self.archive.tz)}

    def close(self) -> None:
        self.archive.close()
