"""CPU a page of ingest's one writer, and of its readers, this tree against
another commit's code, alternated in one command.

    python -m bench.writer --baseline main                      # the HTML pages, 3 rounds
    python -m bench.writer --baseline main --pages DIR --limit 300 --rounds 5
    python -m bench.writer --baseline main --new HEAD     # a commit, not the tree being edited

With `--workers` (a process pool or a Dask cluster) the command's process
stores every page the workers read: its CPU a page bounds how many pages a
second any number of workers can ingest. This measures that CPU alone. Each
run is a child process importing one tree's code: it reads every page as a
pool worker would (`_read_file`, timed: the readers' CPU), keeps each result
pickled, as it crosses from a worker, then times `ingest` into a fresh home
with those results handed back in input order by a pool that reads nothing
(unpickling is the writer's, as it is in a real run). Rounds alternate the
trees. A digest of what each home holds (articles, clusters, known people,
casing counts, inputs) is compared between the trees: they must be equal.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import shared_path, tree_script
from bench.ingest_cost import checkout

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PAGES = shared_path("corpora", "trafilatura-eval", "pages")

_BOOT = tree_script("""
from bench.writer import child
child(sys.argv[1], sys.argv[2])
""", bench_path=True)


def child(folder: str, home: str) -> None:
    """In a child process: read the folder's pages, then time storing them; prints JSON."""
    import hashlib
    import pickle
    from concurrent.futures import Future
    from datetime import datetime, timezone

    from dateline.corpus import ArticleStore, Home, ingest, ingestion

    now = datetime(2026, 12, 3, tzinfo=timezone.utc)
    read: dict = {}
    spent = {"readers": 0.0}

    class Reading:
        """A pool whose every task was read before the clock started."""

        def submit(self, fn, *args):
            future = Future()
            path = args[0]
            if path not in read:
                started = time.process_time()
                read[path] = pickle.dumps(fn(*args), protocol=pickle.HIGHEST_PROTOCOL)
                spent["readers"] += time.process_time() - started
            future.set_result(None)
            future.result = lambda: pickle.loads(read[path])
            return future

    ingestion._pool = lambda workers: __import__("contextlib").nullcontext(Reading())

    def run(name: str) -> tuple[float, object]:
        store_home = Home(Path(home) / name)
        with ArticleStore(store_home.store_path) as store:
            started = time.process_time()
            summary = ingest([Path(folder)], store, store_home.rejects_path, now=now,
                             skip_unchanged_inputs=False, workers=2)
            return time.process_time() - started, (summary, store_home.store_path)

    run("read")  # reads every page (timed apart), stores them once: warms imports and caches
    best, (summary, store_path) = min((run(f"store-{n}") for n in range(3)), key=lambda r: r[0])
    import sqlite3

    digest = hashlib.sha256()
    db = sqlite3.connect(store_path)
    for table, order in (("articles", "id"), ("story_members", "id"), ("known_names", "surname, form"),
                         ("word_case", "word"), ("unknown_headline_names", "surname, id"),
                         ("inputs", "path")):
        for row in db.execute(f"SELECT * FROM {table} ORDER BY {order}"):
            digest.update(repr(row).encode())
    print(json.dumps({"pages": summary.files, "articles": summary.stored,
                      "writer_s": best, "readers_s": spent["readers"], "digest": digest.hexdigest()[:16],
                      "pickled_bytes": sum(len(b) for b in read.values())}))


def measure(root: str, folder: Path, home: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", _BOOT, root, str(REPO), str(folder), str(home)],
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"Error: the run failed: {done.stderr.strip()[-400:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", required=True, help="git commit (or ref) to compare with")
    parser.add_argument("--new", default=None,
                        help="git commit to measure instead of this tree (this tree may then change meanwhile)")
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="A folder of inputs.")
    parser.add_argument("--limit", type=int, default=None, help="Only the first N files.")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    if not args.pages.is_dir():
        raise SystemExit(f"Error: {args.pages}: not a folder")
    load = os.getloadavg()[0]
    started = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        folder = scratch / "pages"
        folder.mkdir()
        for page in sorted(p for p in args.pages.iterdir() if p.is_file())[: args.limit]:
            (folder / page.name).symlink_to(page.resolve())
        roots = {args.baseline: str(checkout(args.baseline, scratch / "baseline")),
                 "this tree": str(checkout(args.new, scratch / "new")) if args.new else ""}
        runs: dict[str, list[dict]] = {name: [] for name in roots}
        for round_ in range(args.rounds):
            for n, (name, root) in enumerate(roots.items()):
                result = measure(root, folder, scratch / f"home-{n}-{round_}")
                runs[name].append(result)
                pages = result["pages"]
                print(f"  round {round_ + 1}: {name:<10} writer {1000 * result['writer_s'] / pages:5.2f} "
                      f"readers {1000 * result['readers_s'] / pages:6.1f} CPU ms a page "
                      f"({pages} pages, {result['articles']} articles, digest {result['digest']}, "
                      f"load {os.getloadavg()[0]:.1f})", flush=True)
    print(f"{pages} pages of {args.pages}, {started} UTC, load average {load:.1f} -> "
          f"{os.getloadavg()[0]:.1f}; median of {args.rounds} round(s), CPU ms a page:")
    med = {name: {k: 1000 * statistics.median(r[k] for r in rs) / pages for k in ("writer_s", "readers_s")}
           for name, rs in runs.items()}
    for name, m in med.items():
        kb = statistics.median(r["pickled_bytes"] for r in runs[name]) / pages / 1024
        print(f"  {name:<10} writer {m['writer_s']:5.2f}  readers {m['readers_s']:6.1f}  "
              f"({kb:.1f} KB a page from the readers)")
    new, old = med["this tree"], med[args.baseline]
    print(f"  writer: this tree / {args.baseline} = {new['writer_s'] / old['writer_s']:.2f}; "
          f"readers: {new['readers_s'] / old['readers_s']:.2f}")
    digests = {r["digest"] for rs in runs.values() for r in rs}
    print("  the homes are identical" if len(digests) == 1 else f"  THE HOMES DIFFER: {sorted(digests)}")


if __name__ == "__main__":
    main()
