"""One timed build step, run in its own process so that its peak memory is
its own: `python -m bench.child STEP OUT_DIR INPUT...` prints one JSON line
with seconds (wall and CPU), articles, the load average and peak RSS (this process or any child it waited for,
e.g. index worker processes)."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from bench.common import cpu_seconds, peak_rss_mb


def run_step(step: str, out_dir: Path, inputs: list[Path]) -> dict:
    from bench import dateline_side
    from bench.peers import PEERS

    if step == "dateline-ingest":
        return dateline_side.ingest_inputs(out_dir, inputs)
    if step == "dateline-store":
        return dateline_side.store_records(out_dir, inputs)
    if step.startswith("dateline-index"):  # dateline-index[:ENGINE]
        engine = step.partition(":")[2] or None
        return {"articles": dateline_side.build_index(out_dir, engine)}
    if step == "dateline-update":
        started = time.perf_counter()
        ingested = dateline_side.ingest_inputs(out_dir, inputs)
        ingest_s = time.perf_counter() - started
        synced = dateline_side.update_index(out_dir)
        return {"articles": ingested["articles"], "ingest_seconds": ingest_s,
                "index_seconds": time.perf_counter() - started - ingest_s, **synced}
    build, _ = PEERS[step]
    return {"articles": build(inputs, out_dir)}


def main(argv: list[str]) -> None:
    step, out_dir, *inputs = argv
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    result = run_step(step, Path(out_dir), [Path(p) for p in inputs])
    result["seconds"] = time.perf_counter() - started
    result["cpu_seconds"] = cpu_seconds()
    result["peak_rss_mb"] = peak_rss_mb()
    result["load"] = [load_before, os.getloadavg()[0]]  # 1-minute load average before, after
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
