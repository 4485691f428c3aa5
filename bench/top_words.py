"""Top words (`facets.words`, JLH over every match) on a built home: what they
cost a query, against the name facets counted over the same matches.

    python -m bench.top_words --home PATH [--repeat 15] [--table-articles N]

PATH is a home already ingested and indexed (for the issue's target, Reuters
x10: the 1987 SGML files plus `bench.corpus_copies` copies 1..9). Prints, per
query, its matches, how many of them the top words read (every match up to
`search.top_words.SAMPLE`, the best that many beyond), the p50/p95 (wall)
and median CPU milliseconds of the top words alone (the matches found again
each time), and the ratio to
the name facets (people, places, sources, tags) on the same matches, measured
in the same run. The first query also pays for what the engine reads once
per reader: each segment's word table, or on the tantivy engine beyond
`TABLE_ARTICLES` live articles (`--table-articles` sets it) the archive's
word counts and no table; that first query is timed and reported apart
(`first query`: wall and CPU seconds, the resident memory kept afterwards,
and the process's peak resident memory, which a table's build sets).
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.common import latency_ms, load_average, peak_rss_mb, resident_mb
from dateline.corpus.home import Home
from dateline.search.archive import Archive as Reader
from dateline.search.engine import build_tree, find_matches
from dateline.search.facets import name_facets
from dateline.search.options import Filters
from dateline.search.top_words import top_words

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
QUERIES = ("oil", "coffee", "bank rates", "place:japan", "person:volcker", "tag:grain",
           '"trade deficit"', "*")
TARGET_P95_MS = 250


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--table-articles", type=int, default=None,
                        help="tantivy: the most live articles a word table is built for "
                             "(index/tantivy_word_table.TABLE_ARTICLES)")
    args = parser.parse_args()
    if args.table_articles is not None:
        from dateline.index import tantivy_word_table

        tantivy_word_table.TABLE_ARTICLES = args.table_articles
    with Reader(Home(args.home)) as reader:
        run(reader.reader(), args.repeat)


def _kept(searcher) -> str:
    """What the engine reads once per reader for top words."""
    from dateline.index.tantivy_engine import TantivyReader
    from dateline.index.tantivy_word_table import tabled

    if isinstance(searcher, TantivyReader) and not tabled(searcher.doc_count()):
        return "no table: the archive's word counts"
    return "word table build"


def run(searcher, repeat: int) -> float:  # the engine's Reader (index/engine.py)
    """Prints the table; returns the worst p95 of the top words (ms)."""
    first = find_matches(searcher, build_tree("oil", Filters(), now=NOW))
    before = resident_mb()
    started, started_cpu = time.perf_counter(), time.process_time()
    top_words(searcher, first)
    print(f"{searcher.doc_count()} articles; first query ({_kept(searcher)}) "
          f"{(time.perf_counter() - started) * 1000:.0f} ms, "
          f"{time.process_time() - started_cpu:.1f} CPU s; kept "
          f"{resident_mb() - before:+.0f} MB resident (process peak {peak_rss_mb():.0f} MB, "
          f"{before:.0f} MB before); {load_average()}")
    print(f"{'query':<18}{'matches':>9}{'read':>7}{'words p50':>11}{'words p95':>11}"
          f"{'words CPU':>11}{'facets p95':>12}{'ratio':>7}")
    worst = 0.0
    for query in QUERIES:
        tree = build_tree(query, Filters(), now=NOW)

        def matches():  # found again for each run: an engine may keep what one run read
            return find_matches(searcher, tree)

        docs = matches()
        read = top_words(searcher, docs).read
        words = latency_ms(lambda: top_words(searcher, matches()), repeat=repeat)
        # The name facets as the page asks them (their top values): asking every
        # value of every field overflows tantivy's bucket limit on `*` at 1M.
        names = latency_ms(lambda: name_facets(searcher, matches()), repeat=repeat)
        worst = max(worst, words["p95"])
        print(f"{query:<18}{len(docs):>9}{read:>7}{words['median']:>10.1f} {words['p95']:>10.1f} "
              f"{words['cpu']:>10.1f} {names['p95']:>11.1f} "
              f"{words['p95'] / max(names['p95'], 0.01):>6.1f}x")
    print(f"worst p95 {worst:.1f} ms (target {TARGET_P95_MS} ms): "
          f"{'met' if worst <= TARGET_P95_MS else 'NOT met'}")
    return worst


if __name__ == "__main__":
    main()
