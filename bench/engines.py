"""Dateline's two engines side by side on one store: index build time and
search time per query type (`bench/queries.py`), as ratios Whoosh/tantivy
measured in the same run, interleaved (each query asked of one engine, then
the other), so machine load falls on both alike.

    python -m bench.engines --store PATH/articles.sqlite [--repeat 7] [--procs 2] [--limit N]

The store is copied (SQLite backup) into a temporary home per engine; the
input is never written. A build is measured in CPU seconds (every thread of
this process and the worker processes it waited for) and articles per CPU
second beside wall seconds, and its CPU is split three ways: this process's
main thread (reading the store, making documents; Whoosh's parent, which
hands batches to its workers), its other threads (tantivy's indexing,
store-compressing and merging threads) and worker processes (Whoosh's, one
per --procs). A query is measured in CPU milliseconds of this process
(median), since on a shared machine wall time mostly measures the other
processes. Compare ratios.
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import load_average
from bench.queries import QUERIES
from dateline.corpus import ArticleStore, Home
from dateline.index import IndexLocation, index_size_bytes, rebuild_index
from dateline.search.archive import Archive
from dateline.search.engine import search

ENGINES = ("whoosh", "tantivy")
NOW_YEAR = 2030


def _copy_store(source: Path, home: Home, limit: int | None) -> None:
    home.root.mkdir(parents=True, exist_ok=True)
    if limit is None:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, \
                sqlite3.connect(home.store_path) as dst:
            src.backup(dst)
        return
    with ArticleStore(source, readonly=True) as src, ArticleStore(home.store_path) as dst:
        for n, article in enumerate(src):
            if n == limit:
                break
            dst.put(article)
        dst.commit()


def _cpu_parts() -> tuple[float, float, float]:
    """CPU seconds so far of (this process's main thread, the process's other
    threads, the worker processes it waited for); called from the main thread."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    main = time.thread_time()
    return main, own.ru_utime + own.ru_stime - main, children.ru_utime + children.ru_stime


def _cpu() -> float:
    return sum(_cpu_parts())


def build(store_path: Path, work: Path, engine: str, procs: int, limit: int | None) -> dict:
    home = Home(work / engine)
    _copy_store(store_path, home, limit)
    with ArticleStore(home.store_path) as store:
        wall, before = time.perf_counter(), _cpu_parts()
        count = rebuild_index(store, IndexLocation.in_home(home.root), engine=engine, procs=procs)
        wall, parts = time.perf_counter() - wall, [b - a for a, b in zip(before, _cpu_parts())]
    return {"home": home, "articles": count, "seconds": wall, "cpu": sum(parts), "cpu_parts": parts,
            "mb": index_size_bytes(IndexLocation.in_home(home.root)) / 1e6}


def query_times(archives: dict[str, Archive], repeat: int) -> dict[str, dict[str, float]]:
    """Median CPU ms per query type and engine, with what a result page needs
    (hits, snippets, collapsing; facets where the query asks for them)."""
    from datetime import datetime, timezone

    now = datetime(NOW_YEAR, 1, 1, tzinfo=timezone.utc)
    samples: dict[str, dict[str, list[float]]] = {e: {q.name: [] for q in QUERIES} for e in archives}
    totals: dict[str, dict[str, int]] = {e: {} for e in archives}
    for _ in range(repeat):
        for q in QUERIES:
            for engine, archive in archives.items():
                started = _cpu()
                found = search(archive, q.dateline(), facets=q.facets, suggest=False, now=now)
                samples[engine][q.name].append((_cpu() - started) * 1000)
                totals[engine][q.name] = found.total_articles
    for q in QUERIES:  # the same answers, or the comparison means nothing
        assert len({totals[e][q.name] for e in archives}) == 1, (q.name, totals)
    return {e: {n: statistics.median(v[1:] or v) for n, v in per.items()}
            for e, per in samples.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--limit", type=int, help="only the store's first N articles (a quick run)")
    args = parser.parse_args(argv)
    print(f"{load_average()} before the builds")
    with tempfile.TemporaryDirectory(prefix="dateline-engines-") as tmp:
        built = {e: build(args.store, Path(tmp), e, args.procs, args.limit) for e in ENGINES}
        w, t = built["whoosh"], built["tantivy"]
        print(f"articles: {w['articles']}; {load_average()} after the builds")
        print("| | whoosh | tantivy | whoosh/tantivy |\n| --- | --- | --- | --- |")
        for key, label in (("seconds", "build, wall s"), ("cpu", "build, CPU s"), ("mb", "index MB")):
            print(f"| {label} | {w[key]:.1f} | {t[key]:.1f} | {w[key] / t[key]:.1f}x |")
        for n, label in enumerate(("main thread", "other threads", "worker processes")):
            print(f"| build, CPU s: {label} | {w['cpu_parts'][n]:.1f} | {t['cpu_parts'][n]:.1f} | |")
        for key, label in (("seconds", "build, articles per wall s"),
                           ("cpu", "build, articles per CPU s")):
            a, b = w["articles"] / w[key], t["articles"] / t[key]
            print(f"| {label} | {a:,.0f} | {b:,.0f} | tantivy {b / a:.1f}x |")
        archives = {e: Archive(built[e]["home"]) for e in ENGINES}
        try:
            medians = query_times(archives, args.repeat)
        finally:
            for archive in archives.values():
                archive.close()
        for q in QUERIES:
            a, b = medians["whoosh"][q.name], medians["tantivy"][q.name]
            print(f"| {q.name}, median CPU ms | {a:.1f} | {b:.1f} | {a / b:.1f}x |")
        print(f"{load_average()} after the queries")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
