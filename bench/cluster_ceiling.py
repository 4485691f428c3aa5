"""What bounds an ingest on many machines: the one writer's CPU a page.

    python -m bench.cluster_ceiling --pages ../shared/corpora/trafilatura-eval/pages
    python -m bench.cluster_ceiling --pages DIR --limit 300 --workers 2 --json ceiling.json

However many Dask workers read, the command that runs `dateline ingest
--cluster ADDR` stores every page: 1000 / (its CPU ms a page) is the most
pages a second the whole cluster can ingest. This starts a `dask scheduler`
and `--workers` `dask worker` processes on 127.0.0.1, as docs/cluster.md's
"three shells" do, ingests the pages through them into a fresh home, and
reports the CPU a page of the command (and of its main thread: the writer
and its calls to the client), of the scheduler (its own process, not the
command's) and of the workers. The baseline is the workers' CPU a page,
measured in the same run: their ratio is how many worker cores one writer
keeps up with.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from bench.cluster import DEFAULT_PAGES, page_folder, timed_ingest, warm_up
from bench.common import format_table
from dateline.corpus.cluster import cluster_reading


@contextmanager
def scheduler_and_workers(folder: Path, workers: int):
    """The address of a `dask scheduler` and `workers` one-thread `dask worker`
    processes (each with its nanny, as the documentation starts them)."""
    scheduler_file = folder / "scheduler.json"
    python = [sys.executable, "-m"]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    started = [subprocess.Popen([*python, "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
                                 "--no-dashboard", "--scheduler-file", str(scheduler_file)], **quiet)]
    try:
        deadline = time.monotonic() + 60
        while not (scheduler_file.exists() and scheduler_file.stat().st_size):
            if time.monotonic() > deadline or started[0].poll() is not None:
                raise RuntimeError("the dask scheduler did not start")
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        for _ in range(workers):
            started.append(subprocess.Popen([*python, "distributed.cli.dask_worker", address, "--nthreads", "1",
                                             "--no-dashboard"], **quiet))
        yield address
    finally:
        for process in started:
            process.kill()
            process.wait()


def measure(folder: Path, work: Path, workers: int) -> dict:
    with scheduler_and_workers(work, workers) as address, cluster_reading(address, inputs="paths") as cluster:
        cluster.client.wait_for_workers(workers, timeout=120)
        warm_up(cluster, folder)
        scheduler_before = cluster.client.run_on_scheduler(time.process_time)
        main_before = time.thread_time()
        run = timed_ingest(folder, work / "home", cluster=cluster)
        main_thread = time.thread_time() - main_before
        scheduler = cluster.client.run_on_scheduler(time.process_time) - scheduler_before
    pages = run["files"]
    return {"pages": pages, "workers": workers, "s": run["s"], "steal_share": run["steal_share"],
            "command_ms": 1000 * run["own_cpu_s"] / pages, "main_thread_ms": 1000 * main_thread / pages,
            "scheduler_ms": 1000 * scheduler / pages, "workers_ms": 1000 * run["readers_cpu_s"] / pages}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="A folder of real HTML pages.")
    parser.add_argument("--limit", type=int, default=None, help="Only the first N pages.")
    parser.add_argument("--workers", type=int, default=2, help="dask worker processes (one thread each).")
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    args = parser.parse_args(argv)
    if not args.pages.is_dir():
        print(f"error: no pages at {args.pages} (give --pages DIR)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="dateline-bench-ceiling-") as tmp:
        work = Path(tmp)
        cost = measure(page_folder(args.pages, args.limit, work), work, max(1, args.workers))
    cost["writer_pages_per_s"] = 1000 / cost["command_ms"]
    cost["worker_cores_per_writer"] = cost["workers_ms"] / cost["command_ms"]
    rows = [
        ["the command's CPU ms a page (the one writer and its Dask client)", f"{cost['command_ms']:.2f}"],
        ["  of it, its main thread (storing, and calls to the client)", f"{cost['main_thread_ms']:.2f}"],
        ["the scheduler's CPU ms a page (its own process)", f"{cost['scheduler_ms']:.2f}"],
        ["a worker's CPU ms a page (the baseline)", f"{cost['workers_ms']:.1f}"],
        ["pages a second one writer stores at most (1000 / the command's ms)", f"{cost['writer_pages_per_s']:.0f}"],
        ["worker cores one writer keeps up with (workers' ms / command's ms)",
         f"{cost['worker_cores_per_writer']:.1f}"],
    ]
    steal = "unknown" if cost["steal_share"] is None else f"{100 * cost['steal_share']:.1f}%"
    print(f"{cost['pages']} pages through a dask scheduler and {cost['workers']} dask worker(s) on 127.0.0.1, "
          f"{cost['s']:.1f} s, CPU time stolen by the host {steal}")
    print(format_table(["measure", "value"], rows))
    if args.json:
        args.json.write_text(json.dumps(cost, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
