"""Hostile inputs cost what they hold, in one command:

    python -m bench.bounds            # ~1 min: writes the inputs to a temp dir
    python -m bench.bounds --quick    # smaller inputs (no 1.5 GB WARC)

Each input is read by `read_path` in its own process (so its peak memory is
its own), and timed beside a baseline measured in the same run: reading a
normal JSON-lines file of 2,000 articles. The targets (issue 18): a .warc.gz
of 1.5 GB of zeros in under 10 s within 300 MB; uncompressed zeros linear
(40 MB / 10 MB near 4x or less); a 100,000-name list and 50 MB of gzipped
blank lines in time proportional to what is kept.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

from bench.common import format_table

MB = 1 << 20

CHILD = """
import resource, sys, time
from datetime import datetime, timezone
from pathlib import Path
from dateline.corpus.readers import read_path
start = time.perf_counter()
items = list(read_path(Path(sys.argv[1]), now=datetime.now(timezone.utc)))
seconds = time.perf_counter() - start
reasons = sorted({getattr(i, "reason", type(i).__name__)[:60] for i in items})
print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, len(items), reasons[:2], sep="\\t")
"""


def write_zeros(path: Path, megabytes: int, *, packed: bool) -> Path:
    with open(path, "wb") as out:
        packer = zlib.compressobj(9, zlib.DEFLATED, 31) if packed else None
        for _ in range(megabytes):
            out.write(packer.compress(bytes(MB)) if packer else bytes(MB))
        if packer:
            out.write(packer.flush())
    return path


def write_inputs(folder: Path, quick: bool) -> list[tuple[str, Path]]:
    articles = "".join(json.dumps({"title": f"Grain report {n}", "body": f"Farmers in region {n % 40} "
                                   "brought in the wheat harvest early, officials said. " * 8}) + "\n"
                       for n in range(2000))
    (folder / "baseline.jsonl").write_text(articles)
    blank = zlib.compressobj(9, zlib.DEFLATED, 31)
    (folder / "blank.jsonl.gz").write_bytes(blank.compress(b"\n" * (50 * MB)) + blank.flush())
    names = [f"P{n}" for n in range(100_000)]
    (folder / "people.jsonl").write_text(json.dumps({"title": "Crowd", "body": "Many.", "people": names}) + "\n")
    inputs = [("baseline: 2,000 articles (jsonl)", folder / "baseline.jsonl"),
              ("zeros 10 MB (.warc)", write_zeros(folder / "z10.warc", 10, packed=False)),
              ("zeros 40 MB (.warc)", write_zeros(folder / "z40.warc", 40, packed=False)),
              ("50 MB of blank lines (.jsonl.gz)", folder / "blank.jsonl.gz"),
              ("100,000 names in one record", folder / "people.jsonl")]
    size = 150 if quick else 1536
    inputs.append((f"zeros {size} MB (.warc.gz, {size // 1000 or 1}.{size % 1000 // 100} GB)"
                   if size >= 1000 else f"zeros {size} MB (.warc.gz)",
                   write_zeros(folder / "zeros.warc.gz", size, packed=True)))
    return inputs


def measure(path: Path) -> tuple[float, float, int, list]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True,
                         check=True, timeout=600).stdout.strip().split("\t")
    return float(out[0]), float(out[1]), int(out[2]), out[3]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="150 MB of gzipped zeros, not 1.5 GB")
    args = parser.parse_args(argv)
    rows, figures = [], {}
    with tempfile.TemporaryDirectory(prefix="dateline-bounds-") as tmp:
        for name, path in write_inputs(Path(tmp), args.quick):
            seconds, peak, items, reasons = measure(path)
            figures[name] = seconds
            rows.append([name, f"{path.stat().st_size / MB:.2f}", f"{seconds:.2f}", f"{peak:.0f}",
                         str(items), reasons])
    baseline = next(iter(figures.values()))
    for row, seconds in zip(rows, figures.values()):
        row.insert(3, f"{seconds / baseline:.2f}x")
    print(format_table(["input", "file MB", "seconds", "vs baseline", "peak MB", "items", "reasons"], rows))
    linear = figures["zeros 40 MB (.warc)"] / max(figures["zeros 10 MB (.warc)"], 1e-3)
    print(f"\nzeros 40 MB / 10 MB: {linear:.2f}x (linear is 4x or less: both are refused at the first line)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
