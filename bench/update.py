"""What keeping the index current costs, on the Reuters archive, in one command.

    python -m bench.update                   # the whole Reuters corpus (a few minutes)
    python -m bench.update --quick           # every 4th Reuters file (under a minute)
    python -m bench.update --corpus PATH --json results.json

The archive minus 1% and minus 100 small crawls is ingested and indexed;
then, each against a baseline measured in the same run (the machine is shared
and noisy: the ratios are the result, not the seconds):

1. `update` with 1% new articles (ingest + index sync) / a full rebuild;
2. `update` with nothing new, as the real command in its own process,
   against the same process doing nothing (`dateline --help`);
3. query latency after 100 consecutive small updates / after one rebuild
   of a copy of the same home, over the query set of `bench/queries.py`
   (samples interleaved);
4. the full rebuild on every core / on one core.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import cpu_description, format_table, shared_path
from bench.corpus_copies import NOW, read_originals, record, reuters_files
from bench.queries import QUERIES
from dateline.corpus import ArticleStore, Home, ingest
from dateline.index import (IndexLocation, bring_index_up_to_date, rebuild_index,
                   segment_count, update_archive)

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = shared_path("corpora", "reuters21578")
SMALL_UPDATES = 100


def note(message: str) -> None:
    if sys.stderr.isatty():
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def write_jsonl(path: Path, articles) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for article in articles:
            handle.write(json.dumps(record(article, 0), ensure_ascii=False) + "\n")
    return path


def split_corpus(originals, work: Path) -> dict:
    """base / one_percent / 100 small crawls, disjoint, from the archive's own articles."""
    count = len(originals)
    per_small = max(1, count // 2000)  # about 0.05% of the archive each
    one_percent = max(1, count // 100)
    base_end = count - one_percent - SMALL_UPDATES * per_small
    smalls = [originals[base_end + one_percent + n * per_small:][:per_small]
              for n in range(SMALL_UPDATES)]
    return {
        "base": write_jsonl(work / "crawl" / "base.jsonl", originals[:base_end]),
        "one_percent": write_jsonl(work / "crawl" / "one-percent.jsonl",
                                   originals[base_end:base_end + one_percent]),
        "smalls": [write_jsonl(work / "small" / f"small-{n:03d}.jsonl", chunk)
                   for n, chunk in enumerate(smalls)],
        "counts": {"base": base_end, "one_percent": one_percent, "per_small": per_small},
    }


def timed(run) -> tuple[float, object]:
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def paired_latency(updated: Home, rebuilt: Home, *, rounds: int = 9) -> dict:
    """Each query's median latency (ms) on both homes, their samples interleaved
    so that a burst of load elsewhere on the machine hits both alike."""
    from dateline.search.archive import Archive
    from dateline.search.engine import search

    medians: dict[str, dict[str, float]] = {"updated": {}, "rebuilt": {}}
    with Archive(updated) as first, Archive(rebuilt) as second:
        for q in QUERIES:
            samples: dict[str, list[float]] = {"updated": [], "rebuilt": []}
            for _ in range(rounds + 2):  # the first two are a warm-up
                for name, archive in (("updated", first), ("rebuilt", second)):
                    seconds, _ = timed(lambda a=archive: search(a, q.dateline(), limit=10,
                                                                 facets=q.facets, now=NOW))
                    samples[name].append(seconds * 1000)
            for name in samples:
                medians[name][q.name] = statistics.median(samples[name][2:])
    return {name: {"total_ms": sum(per_query.values()), "per_query": per_query}
            for name, per_query in medians.items()}


def segments(home: Home) -> int:
    return segment_count(IndexLocation.in_home(home.root))


def cli_seconds(home: Home, *args: str, repeat: int = 3) -> float:
    """Median wall time of the real command, in its own process."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "dateline.search.cli", "--home", str(home.root), *args],
                       cwd=REPO, check=True, capture_output=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def run(corpus: Path, work: Path, *, every: int) -> dict:
    note("reading Reuters")
    split = split_corpus(read_originals(reuters_files(corpus, every)), work)
    home = Home(work / "home")
    location = IndexLocation.in_home(home.root)
    figures: dict = {"counts": split["counts"], "machine": cpu_description()}
    with ArticleStore(home.store_path) as store:
        note(f"ingesting the base archive ({split['counts']['base']} articles)")
        update_archive(store, home, [split["base"]], now=NOW)
        note("full rebuilds: every core, then one")
        figures["rebuild_s"], _ = timed(lambda: rebuild_index(store, location))
        figures["rebuild_one_core_s"], _ = timed(lambda: rebuild_index(store, location, procs=1))
        rebuild_index(store, location)
        note("update with 1% new articles")
        # What update_archive does, timed in its two parts.
        ingest_s, summary = timed(
            lambda: ingest([split["one_percent"]], store, home.rejects_path, now=NOW))
        figures["update_1pct_index_s"], _ = timed(lambda: bring_index_up_to_date(store, location))
        figures["update_1pct_s"] = ingest_s + figures["update_1pct_index_s"]
        figures["update_1pct_articles"] = summary.stored
    note("update with nothing new, as the command")
    figures["noop_update_s"] = cli_seconds(home, "update", str(split["base"].parent))
    figures["noop_baseline_s"] = cli_seconds(home, "--help")
    with ArticleStore(home.store_path) as store:
        note(f"{SMALL_UPDATES} small updates")
        times = [timed(lambda p=path: update_archive(store, home, [p], now=NOW))[0]
                 for path in split["smalls"]]
        figures["small_update_mean_s"] = statistics.mean(times)
        figures["small_update_max_s"] = max(times)
        figures["segments_after_small_updates"] = segments(home)
    note("query latency after the small updates, against a rebuilt copy")
    rebuilt = Home(work / "rebuilt")
    shutil.copytree(home.root, rebuilt.root)
    with ArticleStore(rebuilt.store_path) as store:
        rebuild_index(store, IndexLocation.in_home(rebuilt.root))
    figures["segments_after_rebuild"] = segments(rebuilt)
    latency = paired_latency(home, rebuilt)
    figures["latency_after_updates"] = latency["updated"]
    figures["latency_after_rebuild"] = latency["rebuilt"]
    return figures


def table(f: dict) -> str:
    after, rebuilt = f["latency_after_updates"], f["latency_after_rebuild"]
    rows = [
        ["update, 1% new articles (ingest + index)", f"{f['update_1pct_s']:.2f} s",
         f"full rebuild {f['rebuild_s']:.2f} s", f"{100 * f['update_1pct_s'] / f['rebuild_s']:.1f}%",
         "<= 5%"],
        ["  of which the index sync", "", "", "", ""],
        ["update, nothing new (the command)", f"{f['noop_update_s']:.2f} s",
         f"'dateline --help' {f['noop_baseline_s']:.2f} s",
         f"{f['noop_update_s'] / f['noop_baseline_s']:.2f}x", "< 1 s"],
        [f"query latency after {SMALL_UPDATES} small updates "
         f"({f['segments_after_small_updates']} segments)", f"{after['total_ms']:.1f} ms",
         f"after a rebuild {rebuilt['total_ms']:.1f} ms "
         f"({f['segments_after_rebuild']} segments)",
         f"{after['total_ms'] / rebuilt['total_ms']:.2f}x", "<= 1.20x"],
        [f"each of the {SMALL_UPDATES} small updates: mean (max)",
         f"{f['small_update_mean_s']:.2f} s ({f['small_update_max_s']:.2f} s)",
         f"full rebuild {f['rebuild_s']:.2f} s",
         f"{100 * f['small_update_mean_s'] / f['rebuild_s']:.1f}% "
         f"({100 * f['small_update_max_s'] / f['rebuild_s']:.1f}%)", "-"],
        ["full rebuild on every core", f"{f['rebuild_s']:.2f} s",
         f"one core {f['rebuild_one_core_s']:.2f} s",
         f"{f['rebuild_one_core_s'] / f['rebuild_s']:.2f}x faster", "-"],
    ]
    rows[1][1] = f"{f['update_1pct_index_s']:.2f} s"
    return format_table(["measure", "value", "baseline (same run)", "ratio", "target"], rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--quick", action="store_true", help="every 4th Reuters file")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="dateline-bench-update-"))
    try:
        figures = run(args.corpus, work, every=4 if args.quick else 1)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    c = figures["counts"]
    print(f"Dateline update benchmark: {c['base']} archived articles, +{c['one_percent']} (1%), "
          f"then {SMALL_UPDATES} updates of {c['per_small']}; {figures['machine']}, "
          f"Python {sys.version.split()[0]}")
    print(table(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
