"""Ingest on Dask against today's local ingest, on real HTML pages, in one command.

    python -m bench.cluster --pages ../shared/corpora/trafilatura-eval/pages --quick
    python -m bench.cluster --pages DIR --limit 300 --json results.json
    python -m bench.cluster --overhead-only --overhead-rounds 5   # only the overhead phase

Each against a baseline measured in the same run (the machine is shared and
noisy: the ratios are the result, not the seconds):

1. `--workers 2` (a LocalCluster of 2 one-thread worker processes) / `--workers 1`
   (target: at least 1.8x), in rounds (`--speedup-rounds`, default 1), each
   a `--workers 1` run and a `--workers 2` run one after the other, the
   order swapped every round (1 2, 2 1, 1 2, ...) so a host that slows down
   or speeds up during the bench favours neither; the median and the spread
   of the rounds' speed-ups are reported, and the share of the machine's CPU
   time the host stole during each run (`steal` in /proc/stat: on a virtual
   machine, time our cores ran someone else's work, which the load average
   does not show and which a run on both cores loses the most to);
2. `--workers 2` / today's local ingest on every core (a process pool;
   target: within 10%);
3. the per-page overhead of going through the cluster: N pages read in the
   tasks ingest makes of them (small pages several to a task) on a
   one-worker cluster against the same N pages read in one task on that
   worker, as a share of a page's extraction time (target: at most 5%),
   in rounds (`--overhead-rounds`, default 3: one task, ingest's tasks,
   one task, ..., each round against the one-task runs either side of
   it; the median and the spread are reported), in wall time and in CPU time
   (workers + this process, which runs the scheduler): CPU time is what a
   loaded machine distorts least, and gives the per-core rate (pages per CPU
   second of extraction).

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
from statistics import median
from pathlib import Path

from bench.common import cpu_description, cpu_ticks, format_table, shared_path, steal_share
from dateline.corpus import ArticleStore, Home, ingest
from dateline.corpus.cluster import cluster_reading
from dateline.corpus.cluster_parts import Part, read_part

DEFAULT_PAGES = shared_path("corpora", "trafilatura-eval", "pages")


def page_folder(pages: Path, limit: int | None, work: Path) -> Path:
    """The first `limit` pages, linked into one folder (boilerplate is judged per folder)."""
    folder = work / "pages"
    folder.mkdir()
    for page in sorted(p for p in pages.iterdir() if p.is_file())[:limit]:
        (folder / page.name).symlink_to(page.resolve())
    return folder


def timed_ingest(folder: Path, home: Path, cluster=None, **options) -> dict:
    """Seconds, files, and CPU seconds of this process (the one writer; with
    a local cluster also its scheduler and nannies) and of the readers (the
    pool's processes, whose CPU counts once they end with the ingest, or the
    cluster's workers)."""
    import resource
    from datetime import datetime, timezone

    def readers() -> float:
        if cluster is not None:
            return sum(cluster.client.run(time.process_time).values())
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return children.ru_utime + children.ru_stime

    store_home = Home(home)
    with ArticleStore(store_home.store_path) as store:
        started, own, theirs, ticks = time.perf_counter(), time.process_time(), readers(), cpu_ticks()
        summary = ingest([folder], store, store_home.rejects_path, now=datetime.now(timezone.utc),
                         skip_unchanged_inputs=False, cluster=cluster, **options)
        return {"s": time.perf_counter() - started, "files": summary.files,
                "own_cpu_s": time.process_time() - own, "readers_cpu_s": readers() - theirs,
                "steal_share": steal_share(ticks, cpu_ticks())}


def cluster_ingest(folder: Path, home: Path, workers: int) -> tuple[float, dict]:
    started = time.perf_counter()
    with cluster_reading(workers=workers, inputs="paths") as cluster:
        cluster.client.wait_for_workers(workers)
        warm_up(cluster, folder)
        startup = time.perf_counter() - started
        return startup, timed_ingest(folder, home, cluster=cluster)


def warm_up(cluster, folder: Path) -> None:
    """Every worker imports the readers and extractors (once per worker, not per page)."""
    from datetime import datetime, timezone

    page = next(iter(sorted(folder.iterdir())))
    part = Part(str(page), str(page.resolve()))
    cluster.client.run(read_part, part, None, datetime.now(timezone.utc), frozenset())


def read_all(parts: list[Part], now, repeated: frozenset[str]) -> int:
    """On a worker: every part read in one task (what the pages cost without the cluster)."""
    return sum(len(read_part(part, None, now, repeated)[0]) for part in parts)


def read_as_ingest(cluster, pages: list[Path], now, repeated: frozenset[str]) -> int:
    """The pages read in the tasks `ingest` makes of them (small files several
    to a task, two tasks per worker thread in flight, results taken in
    order), nothing stored: the items read."""
    pending: deque = deque()
    items = 0
    for page in pages:
        pending.append(cluster.read(page, page.stat(), now, repeated))
        while pending and cluster.full():
            items += len(list(pending.popleft().result()[2]))
    cluster.flush()
    while pending:
        items += len(list(pending.popleft().result()[2]))
    return items


def overhead(folder: Path, rounds: int = 3) -> dict:
    """Seconds for the pages read in the tasks ingest makes of them against
    all of them in one task, on one worker; wall and CPU (the worker and
    this process). `rounds` times, alternated (one task, ingest's tasks,
    one task, ...), each round against the mean of the one-task runs on
    either side of it: the load drifts, and one round proved unstable
    (1.2% and 22.2% on two idle runs), so the median and the spread of
    the rounds are reported."""
    from datetime import datetime, timezone

    from dateline.corpus.boilerplate import repeated_lines

    now = datetime.now(timezone.utc)
    pages = sorted(folder.iterdir())
    parts = [Part(str(p), str(p.resolve())) for p in pages]
    repeated = repeated_lines(pages)
    with cluster_reading(workers=1, inputs="paths") as cluster:
        client = cluster.client
        client.wait_for_workers(1)
        warm_up(cluster, folder)

        def timed(run) -> tuple[float, float]:
            started, cpu = time.perf_counter(), cpu_seconds(client)
            run()
            return time.perf_counter() - started, cpu_seconds(client) - cpu

        def one_task():
            client.submit(read_all, parts, now, repeated, pure=False).result()

        together = [timed(one_task)]
        apart = []
        for _ in range(rounds):
            apart.append(timed(lambda: read_as_ingest(cluster, pages, now, repeated)))
            together.append(timed(one_task))
        tasks = cluster.tasks // rounds
    shares, cpu_shares, per_page, per_page_cpu = [], [], [], []
    for i, (wall, cpu) in enumerate(apart):
        base = (together[i][0] + together[i + 1][0]) / 2
        base_cpu = (together[i][1] + together[i + 1][1]) / 2
        shares.append((wall - base) / base)
        cpu_shares.append((cpu - base_cpu) / base_cpu)
        per_page.append(1000 * (wall - base) / len(parts))
        per_page_cpu.append(1000 * (cpu - base_cpu) / len(parts))
    one_task_s = median(w for w, _ in together)
    one_task_cpu_s = median(c for _, c in together)
    return {"pages": len(parts), "tasks": tasks, "rounds": rounds,
            "one_task_s": one_task_s, "one_task_cpu_s": one_task_cpu_s,
            "one_task_s_each": [w for w, _ in together], "one_task_cpu_s_each": [c for _, c in together],
            "ingest_tasks_s_each": [w for w, _ in apart], "ingest_tasks_cpu_s_each": [c for _, c in apart],
            "overhead_per_page_ms": median(per_page),
            "overhead_per_page_cpu_ms": median(per_page_cpu),
            "extraction_per_page_ms": 1000 * one_task_s / len(parts),
            "overhead_share": median(shares), "overhead_share_cpu": median(cpu_shares),
            "overhead_shares": shares, "overhead_shares_cpu": cpu_shares,
            "pages_per_cpu_second": len(parts) / one_task_cpu_s}


def spread(shares: list[float]) -> str:
    return f"{100 * min(shares):.1f}% .. {100 * max(shares):.1f}%"


def overhead_rows(cost: dict) -> list[list[str]]:
    rounds = cost["rounds"]
    return [
        [f"cluster overhead per page / extraction (wall, median of {rounds})",
         f"{100 * cost['overhead_share']:.1f}%", "<= 5%"],
        ["  its spread over the rounds (wall)", spread(cost["overhead_shares"]), ""],
        [f"cluster overhead per page / extraction (CPU, median of {rounds})",
         f"{100 * cost['overhead_share_cpu']:.1f}%", "<= 5%"],
        ["  its spread over the rounds (CPU)", spread(cost["overhead_shares_cpu"]), ""],
    ]


def print_overhead(cost: dict, load_before: float, load: float) -> None:
    print(f"{cost['pages']} real HTML pages, overhead phase only, {cost['rounds']} rounds, load average "
          f"{load_before:.1f} at the start, {load:.1f} at the end")
    rows = [*overhead_rows(cost),
            ["one task of every page, s (each run)", " / ".join(f"{s:.1f}" for s in cost["one_task_s_each"]), ""],
            ["ingest's tasks, s (each round)", " / ".join(f"{s:.1f}" for s in cost["ingest_tasks_s_each"]), ""],
            ["pages per CPU second (one worker, extraction)", f"{cost['pages_per_cpu_second']:.1f}", ""],
            ["tasks for the pages (a round)", f"{cost['tasks']} ({cost['pages'] / cost['tasks']:.1f} pages each)", ""]]
    print(format_table(["measure", "value", "target"], rows))


def speedup_rounds(folder: Path, work: Path, rounds: int) -> dict:
    """`rounds` pairs of a `--workers 1` and a `--workers 2` ingest, the
    order swapped every round (1 2, 2 1, ...): each round's speed-up is from
    two runs side by side, and a drift of the host's speed over the bench
    weighs on both counts alike. Per run: seconds, start-up, CPU, steal."""
    runs: dict[int, list[dict]] = {1: [], 2: []}
    for n in range(rounds):
        for workers in (1, 2) if n % 2 == 0 else (2, 1):
            startup, run = cluster_ingest(folder, work / f"w{workers}-{n}", workers)
            runs[workers].append({**run, "startup_s": startup})
    return {"rounds": rounds, "workers_1": runs[1], "workers_2": runs[2],
            "speedups": [one["s"] / two["s"] for one, two in zip(runs[1], runs[2])]}


def summed(runs: list[dict]) -> dict:
    """Several runs' seconds, files and CPU seconds added up (their per-page
    figures are then over every run)."""
    return {key: sum(run[key] for run in runs) for key in ("s", "files", "own_cpu_s", "readers_cpu_s")}


def steal_cell(runs: list[dict]) -> str:
    shares = [run["steal_share"] for run in runs if run.get("steal_share") is not None]
    return " ".join(f"{100 * share:.1f}%" for share in shares) if shares else "unknown"


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
    parser.add_argument("--overhead-rounds", type=int, default=3,
                        help="Rounds of the overhead phase (median and spread reported).")
    parser.add_argument("--speedup-rounds", type=int, default=1,
                        help="Pairs of --workers 1 and --workers 2 ingests, in swapped order "
                             "(median and spread of the speed-ups reported).")
    parser.add_argument("--overhead-only", action="store_true",
                        help="Only the overhead phase (no ingest runs).")
    args = parser.parse_args(argv)
    if not args.pages.is_dir():
        print(f"error: no pages at {args.pages} (give --pages DIR)", file=sys.stderr)
        return 2
    limit = args.limit or (120 if args.quick else None)
    rounds = max(1, args.overhead_rounds)
    with tempfile.TemporaryDirectory(prefix="dateline-bench-cluster-") as tmp:
        work = Path(tmp)
        folder = page_folder(args.pages, limit, work)
        cores = os.cpu_count() or 1
        load_before = os.getloadavg()[0]
        if args.overhead_only:
            cost = overhead(folder, rounds)
            print_overhead(cost, load_before, os.getloadavg()[0])
            if args.json:
                args.json.write_text(json.dumps(cost, indent=2))
            return 0
        local = timed_ingest(folder, work / "local", workers=cores)
        speed = speedup_rounds(folder, work, max(1, args.speedup_rounds))
        cost = overhead(folder, rounds)
    load = os.getloadavg()[0]
    files = local["files"]
    speedups, each1, each2 = speed["speedups"], speed["workers_1"], speed["workers_2"]
    w1, w2 = summed(each1), summed(each2)
    w2_s = median(run["s"] for run in each2)
    results = {
        "pages": files, "cores": cores, "cpu": cpu_description(), "load_average_1min": load,
        "load_average_1min_at_start": load_before,
        "local_all_cores_s": local["s"], "workers_1_s": median(run["s"] for run in each1), "workers_2_s": w2_s,
        "startup_1_s": median(run["startup_s"] for run in each1),
        "startup_2_s": median(run["startup_s"] for run in each2),
        "speedup_2_over_1": median(speedups), "speedup_rounds": speed["rounds"], "speedups": speedups,
        "workers_1_s_each": [run["s"] for run in each1], "workers_2_s_each": [run["s"] for run in each2],
        "steal_share_local": local["steal_share"],
        "steal_shares_workers_1": [run["steal_share"] for run in each1],
        "steal_shares_workers_2": [run["steal_share"] for run in each2],
        "workers_2_over_local": w2_s / local["s"],
        "pages_per_s_per_core": w1["files"] / w1["s"],
        **{f"{name}_{what}": run[what] for name, run in (("local", local), ("workers_1", w1), ("workers_2", w2))
           for what in ("own_cpu_s", "readers_cpu_s")},
        **cost,
    }

    def cpu(run: dict) -> str:
        pages = run["files"]
        return f"{1000 * run['own_cpu_s'] / pages:.1f} + {1000 * run['readers_cpu_s'] / pages:.1f}"

    each = " / ".join(f"{x:.2f}x" for x in speedups)
    rows = [
        [f"--workers 2 / --workers 1 (speed-up, median of {speed['rounds']})",
         f"{results['speedup_2_over_1']:.2f}x", ">= 1.8x"],
        *([["  each round (1 2, 2 1, ... in turn)", each, ""]] if len(speedups) > 1 else []),
        ["CPU time stolen by the host: local / --workers 1 / --workers 2",
         f"{steal_cell([local])} / {steal_cell(each1)} / {steal_cell(each2)}", ""],
        ["--workers 2 / local on all cores (time)", f"{results['workers_2_over_local']:.2f}", "<= 1.10"],
        *overhead_rows(cost),
        ["pages per second per core (--workers 1, wall)", f"{results['pages_per_s_per_core']:.1f}", ""],
        ["pages per CPU second (one worker, extraction)", f"{cost['pages_per_cpu_second']:.1f}", ""],
        ["tasks for the pages (overhead run)", f"{cost['tasks']} ({cost['pages'] / cost['tasks']:.1f} pages each)", ""],
        ["CPU ms a page, writer + readers: local (with its start)", cpu(local), ""],
        ["  --workers 1 (writer runs the scheduler)", cpu(w1), ""],
        ["  --workers 2", cpu(w2), ""],
        ["seconds: local / --workers 1 / --workers 2",
         f"{local['s']:.1f} / {' '.join(f'{r:.1f}' for r in results['workers_1_s_each'])} / "
         f"{' '.join(f'{r:.1f}' for r in results['workers_2_s_each'])}", ""],
        ["cluster start-up, 1 / 2 workers (s, median)",
         f"{results['startup_1_s']:.1f} / {results['startup_2_s']:.1f}", "not in the times"],
    ]
    print(f"{files} real HTML pages, {cores} cores ({results['cpu']}), load average {load_before:.1f} at the "
          f"start, {load:.1f} at the end "
          "(a shared machine: ratios from one run)")
    print(format_table(["measure", "value", "target"], rows))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
