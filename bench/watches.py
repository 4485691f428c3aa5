"""What 1,000 watches add to an update, on the Reuters archive, in one command.

    python -m bench.watches              # Reuters x1 (a few minutes)
    python -m bench.watches --quick      # every 4th Reuters file
    python -m bench.watches --watches 5000

The archive minus 1% is ingested and indexed, then copied. The 1% update
(ingest + index sync, as `update_archive` runs it) is timed on a copy with no
watches, and on a copy with N watches made from the archive's own people,
places, title phrases and words, where finding the watches' news is timed
apart. Copies alternate (A B A B ...) so that load elsewhere on the shared
machine falls on both alike; the ratio is the result, not the seconds.
Target (issue 17): 1,000 watches add at most 10% to the update's time.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.common import cpu_description, format_table
from bench.corpus_copies import NOW, read_originals, reuters_files
from bench.update import DEFAULT_CORPUS, note, write_jsonl
from dateline.corpus import ArticleStore, Home
from dateline.index import IndexLocation, rebuild_index, update_archive
from dateline.index.schema import index_words
from dateline.search.watches import WatchBook


def watch_queries(articles, count: int) -> list[str]:
    """Queries an analyst might keep, from the archive itself (most common
    first): people, places and two-word phrases of titles, in turn; when the
    people or places run out, more phrases."""
    people = [p for p, _ in Counter(p for a in articles for p in a.people).most_common(count)]
    places = [p for p, _ in Counter(p for a in articles for p in a.places).most_common(count)]
    phrases = Counter()
    for a in articles:
        words = [w for w in index_words(a.title) if len(w) > 3 and not w.isdigit()]
        phrases.update(" ".join(words[i:i + 2]) for i in range(len(words) - 1))
    phrase_list = [p for p, _ in phrases.most_common(count)]
    queries = []
    while len(queries) < count and (people or places or phrase_list):
        kind = len(queries) % 3
        if kind == 0 and people:
            queries.append(f'person:"{people.pop(0).lower()}"')
        elif kind == 1 and places:
            queries.append(f'place:"{places.pop(0).lower()}"')
        elif phrase_list:
            queries.append(f'"{phrase_list.pop(0)}"')
    return queries


def cpu_now() -> float:
    """CPU seconds of this process and its finished children (ingest's readers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_cpu(run):
    wall, cpu = time.perf_counter(), cpu_now()
    result = run()
    return time.perf_counter() - wall, cpu_now() - cpu, result


def run(corpus: Path, work: Path, *, every: int, watches: int, rounds: int) -> dict:
    note("reading Reuters")
    originals = read_originals(reuters_files(corpus, every))
    one_percent = max(1, len(originals) // 100)
    base = write_jsonl(work / "base.jsonl", originals[:-one_percent])
    new = write_jsonl(work / "new.jsonl", originals[-one_percent:])
    template = Home(work / "template")
    with ArticleStore(template.store_path) as store:
        note(f"archiving {len(originals) - one_percent} articles")
        update_archive(store, template, [base], now=NOW)
        rebuild_index(store, IndexLocation.in_home(template.root))
    queries = watch_queries(originals[:-one_percent], watches)
    plain, plain_cpu, news_s, news_cpu, found = [], [], [], [], []
    for n in range(rounds):
        for with_watches in (False, True):
            home = Home(work / f"copy-{n}-{int(with_watches)}")
            shutil.copytree(template.root, home.root)
            with ArticleStore(home.store_path) as store:
                if with_watches:
                    with WatchBook(home.root) as book:
                        for k, query in enumerate(queries):
                            book.add(f"w{k}", query, checked_seq=store.last_seq())
                        book.prepare(now=NOW)  # as `watch add` does
                note(f"round {n + 1}: update {'with' if with_watches else 'without'} watches")
                update_s, update_cpu, _ = timed_cpu(lambda: update_archive(store, home, [new], now=NOW))
                if with_watches:
                    with WatchBook(home.root) as book:
                        seconds, cpu, news = timed_cpu(lambda: book.find_news(store, now=NOW))
                    news_s.append(seconds)
                    news_cpu.append(cpu)
                    found.append(sum(len(item.article_ids) for item in news))
                else:
                    plain.append(update_s)
                    plain_cpu.append(update_cpu)
            shutil.rmtree(home.root)
    return {"articles": len(originals) - one_percent, "new": one_percent, "watches": len(queries),
            "update_s": statistics.median(plain), "update_cpu": statistics.median(plain_cpu),
            "news_s": statistics.median(news_s), "news_cpu": statistics.median(news_cpu),
            "news_found": found[0],
            "machine": cpu_description()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--quick", action="store_true", help="every 4th Reuters file")
    parser.add_argument("--watches", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="dateline-bench-watches-"))
    started = time.perf_counter()
    try:
        f = run(args.corpus, work, every=4 if args.quick else 1, watches=args.watches,
                rounds=args.rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"Dateline watches benchmark: {f['articles']} archived articles, +{f['new']} (1%), "
          f"{f['watches']} watches ({f['news_found']} news found); {f['machine']}, "
          f"Python {sys.version.split()[0]}; medians of {args.rounds} rounds, "
          f"{time.perf_counter() - started:.0f} s in all")
    rows = [["finding the watches' news, wall", f"{f['news_s']:.3f} s",
             f"the 1% update without watches {f['update_s']:.2f} s",
             f"{100 * f['news_s'] / f['update_s']:.1f}%", "<= 10%"],
            ["the same, CPU", f"{f['news_cpu']:.3f} s",
             f"the 1% update without watches {f['update_cpu']:.2f} s",
             f"{100 * f['news_cpu'] / f['update_cpu']:.1f}%", "<= 10%"]]
    print(format_table(["measure", "value", "baseline (same run)", "ratio", "target"], rows))


if __name__ == "__main__":
    main()
