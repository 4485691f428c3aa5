"""Where the tantivy engine's build spends its CPU, part by part, on one store.

    python -m bench.build_parts --store PATH/articles.sqlite [--repeat 3]

Each part runs over every article of the store, `--repeat` times, and its
best CPU time is printed (the machine is shared: the least disturbed run is
the closest to the part's own cost): reading the store (SQLite rows,
`json.loads`, `Article`), the words (`spaced_text`), their stems once every
word's stem is known (`stems_text`: a split and a lookup a word) and the
first time (each distinct word stemmed, the stems cache emptied before each
run), the rest of `tantivy_document` (names, cluster key, date, the
`tantivy.Document`), and tantivy's indexing of the finished documents: the
main thread handing them over (`add_document`) and tantivy's own threads
(indexing, commit). The parts add up to about what `rebuild_index` costs
(`bench.engines`); what they cannot show is how they overlap in time. A
last row sums what the stemmed fields (`title_stem`, `body_stem`: layout 3,
for the ranking) cost: their stems and tantivy's indexing of them (its
threads' CPU with the documents as they are, less without those fields).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from pathlib import Path

from bench.common import load_average
from dateline.corpus import ArticleStore
from dateline.corpus.article import Article
from dateline.index import analysis
from dateline.index import tantivy_engine as te


def _best(run, repeat: int) -> float:
    """The least main-thread CPU seconds of `repeat` calls of run()."""
    times = []
    for _ in range(repeat):
        started = time.thread_time()
        run()
        times.append(time.thread_time() - started)
    return min(times)


def _process_cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def _forget_stems() -> None:
    analysis._STEMS.clear()
    analysis.stem.cache_clear()


def _index(docs: list, repeat: int) -> tuple[float, float]:
    """(main thread, tantivy's threads) CPU seconds of indexing `docs`, the best run."""
    best = None
    for _ in range(repeat):
        folder = tempfile.mkdtemp(prefix="dateline-parts-")
        try:
            index = te.tantivy.Index(te.build_schema(), path=folder, reuse=False)
            writer = index.writer(heap_size=te.WRITER_HEAP_BYTES, num_threads=1)
            process, main = _process_cpu(), time.thread_time()
            for doc in docs:
                writer.add_document(doc)
            writer.commit()
            writer.wait_merging_threads()
            main, process = time.thread_time() - main, _process_cpu() - process
            if best is None or process < sum(best):
                best = (main, process - main)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return best


def measure(store_path: Path, repeat: int) -> list[tuple[str, float]]:
    with ArticleStore(store_path, readonly=True) as store:
        query = "SELECT record FROM articles ORDER BY rowid"
        rows = [row for (row,) in store._db.execute(query)]
        parts = [("store: SQLite rows", _best(lambda: list(store._db.execute(query)), repeat))]
    records = [json.loads(row) for row in rows]
    parts.append(("store: json.loads", _best(lambda: [json.loads(row) for row in rows], repeat)))
    articles = [Article.from_dict(record) for record in records]
    parts.append(("store: Article", _best(lambda: [Article.from_dict(r) for r in records], repeat)))
    texts = [text for a in articles for text in (a.title, a.body)]
    spaced = [analysis.spaced_text(text) for text in texts]
    parts.append(("documents: words (spaced_text)",
                  _best(lambda: [analysis.spaced_text(t) for t in texts], repeat)))

    def stems_first():
        _forget_stems()
        return [analysis.stems_text(s) for s in spaced]

    first = _best(stems_first, repeat)
    warm = _best(lambda: [analysis.stems_text(s) for s in spaced], repeat)
    parts.append(("documents: stems, each word (split, lookup)", warm))
    parts.append((f"documents: stems, each distinct word the first time "
                  f"({len(analysis._STEMS):,} words)", first - warm))
    whole = _best(lambda: [te.tantivy_document(a) for a in articles], repeat)
    words = parts[-3][1] + warm
    parts.append(("documents: the rest (names, cluster, date, tantivy.Document)", whole - words))
    docs = [te.tantivy_document(a) for a in articles]
    main, threads = _index(docs, repeat)
    parts.append(("tantivy: add_document (main thread)", main))
    parts.append(("tantivy: its threads (indexing, commit)", threads))
    unstemmed = _index([_without_stems(doc) for doc in docs], repeat)[1]
    return parts, max(0.0, threads - unstemmed)


def _without_stems(doc):
    """The same document without its stemmed fields (`title_stem`, `body_stem`)."""
    fields = doc.to_dict()
    numbers = {name: fields.pop(name)[0] for name in ("cluster_key", "date")}
    fields = {name: values for name, values in fields.items() if not name.endswith("_stem")}
    bare = te.tantivy.Document(**fields)
    for name, value in numbers.items():
        bare.add_unsigned(name, value)
    return bare


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if not args.store.exists():
        parser.exit(2, f"Error: no store at {args.store}\n")
    print(f"{load_average()} before")
    parts, stem_fields = measure(args.store, args.repeat)
    total = sum(seconds for _, seconds in parts)
    print("| part | CPU s | share |\n| --- | --- | --- |")
    for name, seconds in parts:
        print(f"| {name} | {seconds:.2f} | {100 * seconds / total:.0f}% |")
    print(f"| all parts | {total:.2f} | |")
    stems = stem_fields + sum(seconds for name, seconds in parts if name.startswith("documents: stems"))
    print(f"| the stemmed fields: their stems and tantivy's indexing of them "
          f"({stem_fields:.2f} of its threads' CPU) | {stems:.2f} | {100 * stems / total:.0f}% |")
    print(f"{load_average()} after")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
