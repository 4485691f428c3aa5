"""CPU seconds of a whole `dateline ingest` of Reuters-21578, this tree against
another commit's code, run alternately in the same command.

    python -m bench.ingest_cost --baseline main          # one run each
    python -m bench.ingest_cost --baseline main --baseline 70cead2 --rounds 2

Each run ingests the corpus into a fresh home in a child process (its reading
workers included); the CPU time is the children's user + system time from the
operating system, so waiting for a core on a shared machine does not count.
The baseline is `git archive`d into a scratch folder and imported from there
instead of this tree.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

from bench.common import shared_path, tree_script

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = shared_path("corpora", "reuters21578")

# Runs the CLI from a tree given as argv[1] (its `dateline` package first on the
# path, the editable install's finder of this tree removed).
_BOOT = tree_script("""
from dateline.search.cli import run
sys.argv[0] = "dateline"
sys.exit(run())
""")


def checkout(ref: str, into: Path) -> Path:
    """The `dateline` package of commit `ref`, laid out as installed, under `into`."""
    blob = subprocess.run(["git", "-C", str(REPO), "archive", ref], check=True, capture_output=True).stdout
    tree = into / "tree"
    with tarfile.open(fileobj=BytesIO(blob)) as archive:
        archive.extractall(tree, filter="data")
    root = into / "root"
    (root / "dateline").mkdir(parents=True)
    for item in (tree / "dateline").iterdir():
        (root / "dateline" / item.name).symlink_to(item)
    for stage in ("corpus", "index", "search"):
        (root / "dateline" / stage).symlink_to(tree / stage)
    return root


def cpu_of_ingest(root: str, corpus: Path, home: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-c", _BOOT, root, "--home", str(home), "ingest", str(corpus), "--json"],
                          capture_output=True, text=True, cwd=home.parent)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 3):  # 3: some input was rejected (Reuters has two such files)
        raise SystemExit(f"Error: ingest failed ({done.returncode}): {done.stderr.strip()[-300:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", required=True, action="append",
                        help="git commit (or ref) to compare with (repeat for several)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        raise SystemExit(f"Error: {args.corpus} not found")
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        roots = {ref: str(checkout(ref, scratch / f"baseline-{n}")) for n, ref in enumerate(args.baseline)}
        roots["this tree"] = ""
        times: dict[str, list[float]] = {name: [] for name in roots}
        for round_ in range(args.rounds):
            for n, (name, root) in enumerate(roots.items()):
                home = scratch / f"home-{n}-{round_}"
                times[name].append(cpu_of_ingest(root, args.corpus, home))
                print(f"  round {round_ + 1}: {name:<12} {times[name][-1]:6.1f} CPU s", flush=True)
    print(f"ingest of {args.corpus.name}, {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, "
          f"load average {load:.1f} -> {os.getloadavg()[0]:.1f}; best of {args.rounds} run(s) each:")
    new = min(times["this tree"])
    for ref in args.baseline:
        print(f"  this tree {new:.1f} CPU s / {ref} {min(times[ref]):.1f} CPU s = {new / min(times[ref]):.2f}")


if __name__ == "__main__":
    main()
