"""Ingest time of near-identical records, against linear growth, in one command.

    python -m bench.near_identical             # 1k, 4k and 16k records
    python -m bench.near_identical --quick     # 500, 1k and 2k

Real crawls hold many near-identical pages (listings, tag pages, wire
templates). Two kinds, each a JSON-lines file ingested into a fresh store:

- copies: records that differ in one word (one story, one cluster);
- templates: records that differ in one figure (a story each, every one a
  candidate of every other).

Each size's CPU seconds per record is compared with the smallest size's,
measured in the same run: "growth" is (t_n / t_1) / (n / n_1), 1.0 for linear
time, n / n_1 for quadratic. Target (issue 18): at most 1.2.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.common import cpu_description, format_table
from dateline.corpus import ArticleStore, ingest

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
DAY = datetime(2025, 6, 2, 8, 0, tzinfo=timezone.utc)
BODY = ("The harbour authority said on {word} that the new container terminal on the north "
        "quay would open to ships in the spring, after two years of building work and a "
        "dispute over dredging. The terminal will handle about {figure} thousand containers "
        "a year at first, the authority said, and more once the second crane arrives from "
        "the manufacturer. Shipping lines have asked for berths on the weekly service to the "
        "islands, and the port expects traffic to grow as the road link is finished. Local "
        "businesses welcomed the decision, while residents near the quay asked for limits on "
        "night work and lorry traffic through the old town.")


def letters(k: int) -> str:
    """A word for k that is not a figure ("bcd" for 123)."""
    return "".join(chr(ord("a") + int(d)) for d in str(k))


def write_records(path: Path, n: int, kind: str) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        for k in range(n):
            word, figure = (f"x{letters(k)}", 450) if kind == "copies" else ("Monday", 1000 + k)
            handle.write(json.dumps({
                "id": f"{kind}-{k}", "title": "Container terminal to open in spring",
                "body": BODY.format(word=word, figure=figure), "source": "Bench",
                "date": (DAY + timedelta(minutes=k % 600)).isoformat()}) + "\n")
    return path


def time_ingest(work: Path, n: int, kind: str) -> dict:
    data = write_records(work / f"{kind}-{n}.jsonl", n, kind)
    with ArticleStore(work / f"{kind}-{n}.sqlite") as store:
        started, started_cpu = time.perf_counter(), time.process_time()
        summary = ingest([data], store, work / "rejects.jsonl", now=NOW, workers=0)
        cpu, wall = time.process_time() - started_cpu, time.perf_counter() - started
        clusters = len({a.cluster for a in store})
    assert summary.stored == n, summary.as_dict()
    return {"cpu": cpu, "wall": wall, "clusters": clusters}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="500, 1k and 2k records")
    args = parser.parse_args(argv)
    sizes = [500, 1000, 2000] if args.quick else [1000, 4000, 16000]
    print(f"{cpu_description()}; ingest of near-identical JSON records, CPU seconds")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("copies", "templates"):
            base = None
            for n in sizes:
                found = time_ingest(Path(tmp), n, kind)
                base = base or (n, found["cpu"])
                growth = (found["cpu"] / base[1]) / (n / base[0])
                rows.append([kind, f"{n:,}", f"{found['clusters']:,}", f"{found['cpu']:.2f}",
                             f"{found['wall']:.2f}", f"{1000 * found['cpu'] / n:.2f}", f"{growth:.2f}"])
    print(format_table(["records", "n", "clusters", "CPU s", "wall s", "ms/record",
                        f"growth vs {sizes[0]:,} (linear 1.00)"], rows))


if __name__ == "__main__":
    main()
