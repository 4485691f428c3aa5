"""How good and how fast Dateline's answers are on Reuters-21578, in one command.

    python -m bench.quality                    # quality at x1, latency at x1 and x10
    python -m bench.quality --quick            # every 8th Reuters file, latency at x1 and x2
    python -m bench.quality --work DIR         # keep the built homes in DIR and reuse them

Quality, against a plain BM25 baseline (tantivy over title + body, any word
may match, its default tokenizer) on the same documents:

- known item: the words of a title that no other article shares, as a query;
  the article with that title is the one relevant answer (MRR over the top
  100, and the share found at rank 1);
- topic: a Reuters topic's description ("Crude Oil", "Money/Foreign Exchange")
  as words; the articles tagged with that topic are relevant (nDCG@10, binary).

Dateline is asked two ways, on each of its engines (Whoosh, the default,
and tantivy, built from the same store): as a user types the words (every
word required, the query language's rule) and with the words joined by OR
(ranking alone). Issue 19's target: the tantivy engine's MRR and nDCG@10 at
most 0.01 below the Whoosh engine's. Near-duplicate collapsing is off
(`all_copies`) so every engine ranks the same set of articles. Latency
(the Whoosh engine's): median and p95 per query type (word, phrase,
field, date range, combination, facets on), pooled over its queries, at each
scale (copies of the corpus with new ids and dates a year later per copy,
`bench/corpus_copies.py`). The machine is shared and noisy: compare ratios.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import shutil
import tempfile
import time
from pathlib import Path

from bench import dateline_side
from bench.common import cpu_description, format_table, percentile, shared_path
from bench.corpus_copies import NOW, read_originals, read_records, reuters_files, write_copies

DEFAULT_CORPUS = shared_path("corpora", "reuters21578")
TOP = 100  # ranks looked at for MRR
TANTIVY_MARGIN = 0.01  # issue 19: tantivy's MRR and nDCG@10 at most this below Whoosh's
KNOWN_ITEMS = 300
MIN_TOPIC_ARTICLES = 20
_WORD = re.compile(r"[a-z]{2,}")
_TITLE_WORD = re.compile(r"\w+(?:'\w+)?")

LATENCY_QUERIES = {
    "word": [("oil", False), ("coffee", False), ("dollar", False), ("profit", False),
             ("sorghum", False)],
    "phrase": [('"interest rates"', False), ('"trade deficit"', False),
               ('"central bank"', False), ('"crude oil"', False)],
    "field": [("place:japan", False), ("person:volcker", False), ("tag:crude", False),
              ('place:"united states"', False)],
    "date range": [("* date:1987-03", False), ("* date:1987-04-01..1987-06-30", False),
                   ("oil date:1987-10..", False)],
    "combination": [('"interest rates" place:"united states" date:1987-03', False),
                    ("(wheat OR corn) place:usa -soviet date:1987-04..1987-06", False),
                    ('tag:crude "oil prices" date:>=1987-06', False)],
    "facets on": [("oil", True), ("* date:1987-03", True), ('"interest rates"', True)],
}


# --- the corpus and its homes ---------------------------------------------

def build_home(originals, work: Path, scale: int) -> Path:
    """A Dateline home holding `scale` copies of the corpus (reused if built)."""
    home = work / f"home-x{scale}"
    done = home / "bench-built.json"
    if done.exists():
        return home
    paths = write_copies(originals, work / "records", copies=range(scale))
    started = time.perf_counter()
    ingested = dateline_side.ingest_inputs(home, paths)
    dateline_side.build_index(home)
    ingested["seconds"] = round(time.perf_counter() - started, 1)
    done.write_text(json.dumps(ingested))
    return home


def engine_home(home: Path, engine: str) -> Path:
    """The same home (its store copied) indexed by another engine (reused if built)."""
    if engine == "whoosh":
        return home
    other = home.with_name(f"{home.name}-{engine}")
    done = other / "bench-built.json"
    if done.exists():
        return other
    from dateline.corpus import ArticleStore, Home
    from dateline.index import IndexLocation, rebuild_index

    shutil.rmtree(other, ignore_errors=True)
    shutil.copytree(home, other, ignore=shutil.ignore_patterns("index", "bench-built.json"))
    with ArticleStore(Home(other).store_path) as store:
        rebuild_index(store, IndexLocation.in_home(other), engine=engine)
    done.write_text(json.dumps({"engine": engine}))
    return other


class Bm25Baseline:
    """Plain BM25: tantivy over one text field, any word may match."""

    name = "BM25 (tantivy)"

    def __init__(self, records_path: Path, out_dir: Path):
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("text")
        schema = builder.build()
        fresh = not out_dir.exists()
        out_dir.mkdir(parents=True, exist_ok=True)
        self.index = tantivy.Index(schema, path=str(out_dir))
        if fresh:
            writer = self.index.writer(heap_size=128_000_000)
            for r in read_records([records_path]):
                writer.add_document(tantivy.Document(id=r["id"], text=f"{r['title']}\n{r['body']}"))
            writer.commit()
            writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def ranked(self, words: list[str], k: int) -> list[str]:
        # Its query parser reads ' and other marks as syntax; its tokenizer
        # splits words there anyway ("japan's" is "japan" "s").
        query = self.index.parse_query(re.sub(r"[^\w\s]", " ", " ".join(words)), ["text"])
        hits = self.searcher.search(query, k).hits
        return [self.searcher.doc(address)["id"][0] for _, address in hits]


class DatelineRanker:
    def __init__(self, archive, *, any_word: bool, engine: str = "whoosh"):
        self.archive = archive
        self.any_word = any_word
        words = "any word (OR)" if any_word else "all words (default)"
        self.name = f"Dateline {engine}, {words}"

    def ranked(self, words: list[str], k: int) -> list[str]:
        from dateline.search.engine import search

        query = (" OR " if self.any_word else " ").join(words)
        results = search(self.archive, query, limit=k, all_copies=True, suggest=False, now=NOW)
        return [hit.article.id for hit in results.hits]


# --- quality ----------------------------------------------------------------

def title_words(title: str) -> list[str]:
    """The title's words as a user would type them: lower case (so no AND/OR/NOT
    operators), "don't" and "1st" whole, single letters and bare numbers left out."""
    words = _TITLE_WORD.findall(title.lower())
    return [w for w in words if len(w) >= 2 and not w.isdigit()][:8]


def known_items(originals, n: int, seed: int = 7) -> list[tuple[str, list[str]]]:
    """(article id, query words) for articles whose title words no other title has."""
    by_words: dict[tuple, list[str]] = {}
    for a in originals:
        by_words.setdefault(tuple(title_words(a.title)), []).append(a.id)
    unique = [(ids[0], list(words)) for words, ids in by_words.items()
              if len(ids) == 1 and len(words) >= 3]
    unique.sort()
    return random.Random(seed).sample(unique, min(n, len(unique)))


def topic_queries(corpus: Path, originals) -> list[tuple[str, list[str], set[str]]]:
    """(topic, description words, ids tagged with it) for topics with enough articles."""
    descriptions = _topic_descriptions(corpus / "cat-descriptions_120396.txt")
    tagged: dict[str, set[str]] = {}
    for a in originals:
        for tag in a.tags:
            tagged.setdefault(tag.lower(), set()).add(a.id)
    return [(code, _WORD.findall(text.lower()), tagged[code])
            for code, text in sorted(descriptions.items())
            if len(tagged.get(code, ())) >= MIN_TOPIC_ARTICLES]


def _topic_descriptions(path: Path) -> dict[str, str]:
    """'Crude Oil (CRUDE)' lines of the subject-code section -> {'crude': 'Crude Oil'}."""
    found, inside = {}, False
    for line in path.read_text(encoding="latin-1").splitlines():
        if line.startswith("****"):
            inside = line.startswith("****Subject Codes")
            continue
        if inside and (m := re.match(r"^(.+?)\s+\(([A-Z0-9-]+)\)\s*$", line.strip())):
            found[m.group(2).lower()] = m.group(1)
    return found


def mean_reciprocal_rank(ranker, items) -> tuple[float, float]:
    reciprocal, first = [], 0
    for target, words in items:
        ranked = ranker.ranked(words, TOP)
        rank = ranked.index(target) + 1 if target in ranked else None
        reciprocal.append(1 / rank if rank else 0.0)
        first += rank == 1
    return sum(reciprocal) / len(items), first / len(items)


def ndcg_at_10(ranker, topics) -> float:
    scores = []
    for _code, words, relevant in topics:
        ranked = ranker.ranked(words, 10)
        dcg = sum(1 / math.log2(i + 2) for i, doc in enumerate(ranked) if doc in relevant)
        ideal = sum(1 / math.log2(i + 2) for i in range(min(10, len(relevant))))
        scores.append(dcg / ideal)
    return sum(scores) / len(scores)


# --- latency ------------------------------------------------------------------

def latency_by_type(archive, *, repeat: int) -> dict[str, dict]:
    """Median and p95 (ms) per query type, samples pooled over its queries."""
    from dateline.search.engine import search

    table = {}
    for kind, queries in LATENCY_QUERIES.items():
        samples, hits = [], []
        for query, facets in queries:
            def run():
                return search(archive, query, limit=10, facets=facets, now=NOW)
            hits.append(run().total)  # warm-up, and the answer size for the table
            run()
            for _ in range(repeat):
                started = time.perf_counter()
                run()
                samples.append((time.perf_counter() - started) * 1000)
        table[kind] = {"median": percentile(samples, 50), "p95": percentile(samples, 95),
                       "hits": hits}
    return table


# --- the command ----------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from dateline.search.archive import Archive
    from dateline.corpus import Home

    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="dateline-quality-"))
    originals = read_originals(reuters_files(Path(args.corpus), every=8 if args.quick else 1))
    print(f"Reuters: {len(originals)} articles; work dir {work}; {cpu_description()}", flush=True)
    report: dict = {"articles": len(originals), "machine": cpu_description()}

    home = build_home(originals, work, 1)
    archives = {engine: Archive(Home(engine_home(home, engine))) for engine in ENGINES}
    try:
        report["quality"] = quality(args, originals, archives, work)
    finally:
        for archive in archives.values():
            archive.close()
    report["latency"] = {}
    for scale in args.scales:
        home = build_home(originals, work, scale)
        with Archive(Home(home)) as archive:
            report["latency"][f"x{scale}"] = latency_by_type(archive, repeat=args.repeat)
            report["latency"][f"x{scale}"]["articles"] = archive.reader().doc_count()
    print_latency(report["latency"])
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0


ENGINES = ("whoosh", "tantivy")


def quality(args, originals, archives: dict, work: Path) -> dict:
    records = write_copies(originals, work / "records", copies=range(1))[0]
    rankers = [DatelineRanker(archives[engine], any_word=any_word, engine=engine)
               for any_word in (False, True) for engine in ENGINES]
    rankers.append(Bm25Baseline(records, work / "bm25-x1"))
    items = known_items(originals, args.known)
    topics = topic_queries(Path(args.corpus), originals)
    rows, result = [], {}
    for ranker in rankers:
        mrr, at_1 = mean_reciprocal_rank(ranker, items)
        ndcg = ndcg_at_10(ranker, topics)
        result[ranker.name] = {"mrr": mrr, "at_1": at_1, "ndcg@10": ndcg}
        rows.append([ranker.name, f"{mrr:.3f}", f"{at_1:.1%}", f"{ndcg:.3f}"])
    base = result[rankers[-1].name]
    for row, ranker in zip(rows, rankers):
        mine = result[ranker.name]
        row += [f"{mine['mrr'] / base['mrr']:.2f}", f"{mine['ndcg@10'] / base['ndcg@10']:.2f}"]
    print(f"\nQuality at x1: {len(items)} known items, {len(topics)} topics "
          f"(with >= {MIN_TOPIC_ARTICLES} articles)")
    print(format_table(["engine", "MRR", "at rank 1", "nDCG@10", "MRR / BM25", "nDCG / BM25"],
                       rows))
    for whoosh, tantivy in zip(rankers[0:4:2], rankers[1:4:2]):  # each way of asking
        mrr = result[tantivy.name]["mrr"] - result[whoosh.name]["mrr"]
        ndcg = result[tantivy.name]["ndcg@10"] - result[whoosh.name]["ndcg@10"]
        within = "within" if min(mrr, ndcg) >= -TANTIVY_MARGIN else "NOT within"
        print(f"{tantivy.name} minus Whoosh: MRR {mrr:+.3f}, nDCG@10 {ndcg:+.3f} "
              f"({within} the target of -{TANTIVY_MARGIN})")
    return result


def print_latency(latency: dict) -> None:
    scales = list(latency)
    header = ["query type"] + [f"{s} {m}" for s in scales for m in ("median", "p95")]
    rows = [[kind] + [f"{latency[s][kind][m]:.1f} ms" for s in scales for m in ("median", "p95")]
            for kind in LATENCY_QUERIES]
    sizes = ", ".join(f"{s}: {latency[s]['articles']} articles" for s in scales)
    print(f"\nLatency per query type ({sizes}; limit 10, search() in-process)")
    print(format_table(header, rows))
    if len(scales) > 1:
        first, last = scales[0], scales[-1]
        growth = [f"{kind} {latency[last][kind]['p95'] / latency[first][kind]['p95']:.1f}x"
                  for kind in LATENCY_QUERIES]
        print(f"p95 growth {first} -> {last}: " + ", ".join(growth))


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="Reuters-21578 directory")
    parser.add_argument("--work", help="directory for built homes (reused when present)")
    parser.add_argument("--quick", action="store_true", help="every 8th file, scales 1 and 2")
    parser.add_argument("--scales", type=lambda s: [int(x) for x in s.split(",")], default=None,
                        help="latency scales, comma separated (default 1,10)")
    parser.add_argument("--known", type=int, default=KNOWN_ITEMS, help="known-item queries")
    parser.add_argument("--repeat", type=int, default=10, help="timed runs per query")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.scales is None:
        args.scales = [1, 2] if args.quick else [1, 10]
    if not Path(args.corpus).exists():
        parser.error(f"no Reuters corpus at {args.corpus}")
    return args


if __name__ == "__main__":
    raise SystemExit(main())
