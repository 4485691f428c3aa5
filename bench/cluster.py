"""Ingest on Dask against today's local ingest, on real HTML pages, in one command.

    python -m bench.cluster --pages ../shared/corpora/trafilatura-eval/pages --quick
    python -m bench.cluster --pages DIR --limit 300 --json results.json

Each against a baseline measured in the same run (the machine is shared and
noisy: the ratios are the result, not the seconds):

1. `--workers 2` (a LocalCluster of 2 one-thread worker processes) / `--workers 1`
   (target: at least 1.8x);
2. `--workers 2` / today's local ingest on every core (a process pool;
   target: within 10%);
3. the per-page overhead of going through the cluster: N pages as N tasks
   on a one-worker cluster against the same N pages read in one task on
   that worker, as a share of a page's extraction time (target: at most 5%),
   in wall time and in CPU time (workers + this process, which runs the
   scheduler): CPU time is what a loaded machine distorts least, and gives
   the per-core rate (pages per CPU second of extraction).

Cluster start-up (a few seconds, once per run) is timed apart and not in the
ingest times. Every ingest writes a fresh home.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

from bench.common import cpu_description, format_table
from dateline.corpus import ArticleStore, Home, ingest
from dateline.corpus.cluster import cluster_reading
from dateline.corpus.cluster_parts import Part, read_part

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PAGES = REPO.parent / "shared" / "corpora" / "trafilatura-eval" / "pages"


def page_folder(pages: Path, limit: int | None, work: Path) -> Path:
    """The first `limit` pages, linked into one folder (boilerplate is judged per folder)."""
    folder = work / "pages"
    folder.mkdir()
    for page in sorted(p for p in pages.iterdir() if p.is_file())[:limit]:
        (folder / page.name).symlink_to(page.resolve())
    return folder


def timed_ingest(folder: Path, home: Path, **options) -> tuple[float, int]:
    from datetime import datetime, timezone

    store_home = Home(home)
    with ArticleStore(store_home.store_path) as store:
        started = time.perf_counter()
        summary = ingest([folder], store, store_home.rejects_path, now=datetime.now(timezone.utc),
                         skip_unchanged_inputs=False, **options)
        return time.perf_counter() - started, summary.files


def cluster_ingest(folder: Path, home: Path, workers: int) -> tuple[float, float, int]:
    started = time.perf_counter()
    with cluster_reading(workers=workers, inputs="paths") as cluster:
        cluster.client.wait_for_workers(workers)
        warm_up(cluster, folder)
        startup = time.perf_counter() - started
        seconds, files = timed_ingest(folder, home, cluster=cluster)
    return startup, seconds, files


def warm_up(cluster, folder: Path) -> None:
    """Every worker imports the readers and extractors (once per worker, not per page)."""
    from datetime import datetime, timezone

    page = next(iter(sorted(folder.iterdir())))
    part = Part(str(page), str(page.resolve()))
    cluster.client.run(read_part, part, None, datetime.now(timezone.utc), frozenset())


def read_all(parts: list[Part], now) -> int:
    """On a worker: every part read in one task (what the pages cost without the cluster)."""
    return sum(len(read_part(part, None, now, frozenset())[0]) for part in parts)


def overhead(folder: Path) -> dict:
    """Seconds for the pages as one task each / as one task for all, on one worker."""
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc)
    parts = [Part(str(p), str(p.resolve())) for p in sorted(folder.iterdir())]
    with cluster_reading(workers=1, inputs="paths") as cluster:
        client = cluster.client
        client.wait_for_workers(1)
        warm_up(cluster, folder)
        started, cpu = time.perf_counter(), cpu_seconds(client)
        client.submit(read_all, parts, now, pure=False).result()
        together, together_cpu = time.perf_counter() - started, cpu_seconds(client) - cpu
        started, cpu = time.perf_counter(), cpu_seconds(client)
        pending: deque = deque()
        for part in parts:  # as ingest does: a bounded window, results taken in order
            pending.append(client.submit(read_part, part, None, now, frozenset(), pure=False))
            while len(pending) >= 2:
                pending.popleft().result()
        while pending:
            pending.popleft().result()
        apart, apart_cpu = time.perf_counter() - started, cpu_seconds(client) - cpu
    return {"pages": len(parts), "one_task_s": together, "task_per_page_s": apart,
            "one_task_cpu_s": together_cpu, "task_per_page_cpu_s": apart_cpu,
            "overhead_per_page_ms": 1000 * (apart - together) / len(parts),
            "extraction_per_page_ms": 1000 * together / len(parts),
            "overhead_share": (apart - together) / together,
            "overhead_share_cpu": (apart_cpu - together_cpu) / together_cpu,
            "pages_per_cpu_second": len(parts) / together_cpu}


def cpu_seconds(client) -> float:
    """CPU seconds used so far by the workers and by this process (client and
    scheduler): unlike wall time, hardly changed by other work on the machine."""
    return sum(client.run(time.process_time).values()) + time.process_time()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="A folder of real HTML pages.")
    parser.add_argument("--limit", type=int, default=None, help="Only the first N pages.")
    parser.add_argument("--quick", action="store_true", help="The first 120 pages.")
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    args = parser.parse_args(argv)
    if not args.pages.is_dir():
        print(f"error: no pages at {args.pages} (give --pages DIR)", file=sys.stderr)
        return 2
    limit = args.limit or (120 if args.quick else None)
    with tempfile.TemporaryDirectory(prefix="dateline-bench-cluster-") as tmp:
        work = Path(tmp)
        folder = page_folder(args.pages, limit, work)
        cores = os.cpu_count() or 1
        local_s, files = timed_ingest(folder, work / "local", workers=cores)
        start1, w1_s, _ = cluster_ingest(folder, work / "w1", 1)
        start2, w2_s, _ = cluster_ingest(folder, work / "w2", 2)
        cost = overhead(folder)
    load = os.getloadavg()[0]
    results = {
        "pages": files, "cores": cores, "cpu": cpu_description(), "load_average_1min": load,
        "local_all_cores_s": local_s, "workers_1_s": w1_s, "workers_2_s": w2_s,
        "startup_1_s": start1, "startup_2_s": start2,
        "speedup_2_over_1": w1_s / w2_s, "workers_2_over_local": w2_s / local_s,
        "pages_per_s_per_core": files / w1_s, **cost,
    }
    rows = [
        ["--workers 2 / --workers 1 (speed-up)", f"{results['speedup_2_over_1']:.2f}x", ">= 1.8x"],
        ["--workers 2 / local on all cores (time)", f"{results['workers_2_over_local']:.2f}", "<= 1.10"],
        ["cluster overhead per page / extraction (wall)", f"{100 * cost['overhead_share']:.1f}%", "<= 5%"],
        ["cluster overhead per page / extraction (CPU)", f"{100 * cost['overhead_share_cpu']:.1f}%", "<= 5%"],
        ["pages per second per core (--workers 1, wall)", f"{results['pages_per_s_per_core']:.1f}", ""],
        ["pages per CPU second (one worker, extraction)", f"{cost['pages_per_cpu_second']:.1f}", ""],
        ["cluster start-up, 1 / 2 workers (s)", f"{start1:.1f} / {start2:.1f}", "not in the times"],
    ]
    print(f"{files} real HTML pages, {cores} cores ({results['cpu']}), load average {load:.1f} "
          "(a shared machine: ratios from one run)")
    print(format_table(["measure", "value", "target"], rows))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
