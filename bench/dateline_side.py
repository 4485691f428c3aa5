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


def build_index(home_dir: Path) -> int:
    home = Home(home_dir)
    with ArticleStore(home.store_path) as store:
        return rebuild_index(store, IndexLocation.in_home(home.root))


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

    def close(self) -> None:
        self.archive.close()
