"""Small helpers shared by the benchmark scripts: timing statistics, sizes,
peak memory, and plain-text tables. Benchmarks only; nothing imports this
from the product."""

from __future__ import annotations

import os
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path


def latency_ms(run: Callable[[], object], *, warmup: int = 2, repeat: int = 15) -> dict:
    """Median and p95 wall time of `run()` in milliseconds, after a warm-up, and
    the median CPU time: on a shared machine wall time includes waiting for
    a core, CPU time is closer to what the query costs."""
    for _ in range(warmup):
        run()
    samples, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return {"median": statistics.median(samples), "p95": percentile(samples, 95),
            "cpu": statistics.median(cpu)}


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation: a p95 is a time that happened)."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def cpu_seconds() -> float:
    """CPU time of this process and of every child it waited for (build workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def dir_size_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def peak_rss_mb() -> float:
    """Peak resident memory of this process or its largest finished child (MB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # Linux reports KiB


def resident_mb() -> float:
    """Resident memory of this process now (MB; 0 where /proc is missing)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def load_average() -> str:
    """The machine's 1, 5 and 15 minute load averages: how shared the cores were."""
    try:
        return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "load average unknown"


def cpu_ticks(stat: str | None = None) -> tuple[int, int] | None:
    """(stolen, all) clock ticks of the machine's CPUs so far, from the first
    line of /proc/stat (or `stat`); None where it cannot be read. On a
    virtual machine "steal" is time the host gave our cores to someone
    else: the load average does not show it, and a run on every core loses
    the most to it."""
    try:
        line = (Path("/proc/stat").read_text() if stat is None else stat).split("\n", 1)[0].split()
        ticks = [int(t) for t in line[1:9]]
    except (OSError, ValueError):
        return None
    if not line or line[0] != "cpu" or len(ticks) < 8:
        return None
    # user nice system idle iowait irq softirq steal; guest time is inside user already.
    return ticks[7], sum(ticks)


def steal_share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    """The share of all CPU time between two `cpu_ticks` readings that the host stole."""
    if before is None or after is None or after[1] <= before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


def cpu_description() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}"


def format_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        return "  ".join(str(c).rjust(w) if i else str(c).ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths)))

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def shared_path(*parts: str, repo: Path = Path(__file__).resolve().parents[1]) -> Path:
    """A path under the project's shared/ folder (the corpora): beside the
    checkout (/work/main -> /work/shared) or beside the folder of its
    worktrees (/work/wt/NAME -> /work/shared), whichever parent of the
    checkout (`repo`) holds it first; where none does, the one beside the
    checkout (the bench then says it is missing)."""
    relative = Path("shared", *parts)
    return next((p / relative for p in repo.parents if (p / relative).exists()), repo.parent / relative)


# A `python -c` script run on another commit's code (`--baseline`): it
# imports `dateline` from the tree given as its first argument, the editable
# install's finder removed (an empty argument: this tree's, as installed).
_TREE_PRELUDE = """
import sys
root = sys.argv.pop(1)
if root:
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in type(f).__module__.lower()
                        and "editable" not in getattr(f, "__name__", "").lower()]
    sys.path.insert(0, root)
"""
_TREE_CHECK = """
import dateline.corpus.store
assert not root or dateline.corpus.store.__file__.startswith(root), dateline.corpus.store.__file__
"""


def tree_script(body: str, *, bench_path: bool = False) -> str:
    """The script: `dateline` from the tree of its first argument, then `body`.
    With `bench_path`, its next argument is put on the path (where `bench` is)."""
    return _TREE_PRELUDE + ("sys.path.append(sys.argv.pop(1))\n" if bench_path else "") + _TREE_CHECK + body

