"""Dateline against the engines users would pick instead, in one command.

    python -m bench.run                      # Reuters x1 and x10 (many minutes)
    python -m bench.run --quick              # every 8th Reuters file, x1 and x2 (under a minute)
    python -m bench.run --scale 10 --corpus PATH --json results.json

Every engine indexes the same records (`bench/corpus_copies.py`) in its own
process (peak RSS is that process's own) and answers the same queries
(`bench/queries.py`). The result is the ratio column: how many times better
Dateline is than each peer in the same run (peer/Dateline for times and
sizes, Dateline/peer for rates; below 1 means Dateline is worse). The machine
is shared and noisy: compare ratios, not seconds; the CPU rows (build CPU s,
query cpu ms) count the work done without the wait for a busy core.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import dateline_side
from bench.common import cpu_description, dir_size_bytes, format_table, latency_ms
from bench.corpus_copies import (read_originals, record, reuters_files, text_bytes,
                                 write_copies)
from bench.peers import PEERS
from bench.queries import QUERIES

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "reuters21578"
ENGINES = ["dateline", *PEERS]  # column order
TITLES = {"dateline": "Dateline", "whoosh": "naive Whoosh", "fts5": "SQLite FTS5",
          "tantivy": "tantivy"}


def note(message: str) -> None:
    """Progress on a terminal only; piped output stays the table alone."""
    if sys.stderr.isatty():
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_child(step: str, out_dir: Path, inputs: list[Path]) -> dict:
    cmd = [sys.executable, "-m", "bench.child", step, str(out_dir), *map(str, inputs)]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"Error: benchmark step {step} failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def write_update(originals, path: Path, *, scale: int) -> Path:
    """1% new articles: further copies (new ids, later years) of the first originals."""
    count = max(1, len(originals) * scale // 100)
    with open(path, "w", encoding="utf-8") as handle:
        for n in range(count):
            article = originals[n % len(originals)]
            handle.write(json.dumps(record(article, scale + n // len(originals))) + "\n")
    return path


def build_all(work: Path, corpus_files, copies, update_file) -> dict:
    """Ingest, index and update with Dateline; build each peer. Returns per-engine figures."""
    builds = {}
    home = work / "dateline"
    note("Dateline: ingest (Reuters SGML + JSON-lines copies)")
    ingest = run_child("dateline-ingest", home, [*corpus_files, *copies[1:]])
    note(f"Dateline: ingested {ingest['articles']} in {ingest['seconds']:.1f}s; indexing")
    builds["dateline"] = run_child("dateline-index", home, [])
    builds["dateline"]["ingest"] = ingest
    builds["dateline"]["size"] = dir_size_bytes(dateline_side.index_dir(home))
    for name in PEERS:
        note(f"{TITLES[name]}: building")
        builds[name] = run_child(name, work / name, copies)
        builds[name]["size"] = dir_size_bytes(work / name)
        note(f"{TITLES[name]}: {builds[name]['seconds']:.1f}s")
    return builds


def open_engines(work: Path) -> dict:
    from bench.peers import PEERS as peers

    engines = {"dateline": dateline_side.DatelineEngine(work / "dateline")}
    for name, (_, opener) in peers.items():
        engines[name] = opener(work / name)
    return engines


def time_queries(engines: dict, *, repeat: int) -> dict:
    """{query name: {engine: {"median", "p95", "hits"}}}; facet queries are Dateline's alone."""
    table = {}
    for q in QUERIES:
        table[q.name] = {}
        for name, engine in engines.items():
            if q.facets and name != "dateline":
                continue
            total, _ = engine.run(q)
            stats = latency_ms(lambda: engine.run(q), warmup=2, repeat=repeat)
            table[q.name][name] = {**stats, "hits": total}
        note(f"query {q.name}: " + ", ".join(
            f"{TITLES[n]} {s['p95']:.1f}ms/{s['hits']}" for n, s in table[q.name].items()))
    return table


def run_scale(args, scale: int, work: Path) -> dict:
    files = reuters_files(args.corpus, every=8 if args.quick else 1)
    originals = read_originals(files)
    copies = write_copies(originals, work.parent / "copies", copies=range(scale))
    update = write_update(originals, work / "update.jsonl", scale=scale)
    note(f"x{scale}: {len(originals) * scale} articles")
    builds = build_all(work, files, copies, update)
    engines = open_engines(work)
    try:
        queries = time_queries(engines, repeat=args.repeat)
    finally:
        for engine in engines.values():
            engine.close()
    note("Dateline: incremental update of 1% new articles")
    builds["dateline"]["update"] = run_child("dateline-update", work / "dateline", [update])
    return {"scale": scale, "articles": len(originals) * scale, "text_bytes": text_bytes(copies),
            "builds": builds, "queries": queries}


def ratio(dateline: float, peer: float, *, higher_is_better: bool) -> str:
    if not dateline or not peer:
        return "-"
    value = dateline / peer if higher_is_better else peer / dateline
    return f"{value:.2f}" if value < 10 else f"{value:.0f}"


def table_rows(result: dict) -> list[list[str]]:
    builds, mb = result["builds"], result["text_bytes"] / 1e6
    metrics = {  # name -> (value per engine, format, higher is better)
        "build s": ({e: b["seconds"] for e, b in builds.items()}, "{:.1f}", False),
        "build CPU s": ({e: b["cpu_seconds"] for e, b in builds.items()}, "{:.1f}", False),
        "articles/s": ({e: b["articles"] / b["seconds"] for e, b in builds.items()}, "{:.0f}", True),
        "MB/s": ({e: mb / b["seconds"] for e, b in builds.items()}, "{:.2f}", True),
        "index MB": ({e: b["size"] / 1e6 for e, b in builds.items()}, "{:.0f}", False),
        "peak RSS MB": ({e: b["peak_rss_mb"] for e, b in builds.items()}, "{:.0f}", False),
    }
    for qname, per_engine in result["queries"].items():
        for stat in ("median", "p95", "cpu"):
            label = "cpu median" if stat == "cpu" else stat
            metrics[f"{qname} {label} ms"] = (
                {e: s[stat] for e, s in per_engine.items()}, "{:.1f}", False)
    rows = []
    for name, (values, fmt, higher) in metrics.items():
        cells = [fmt.format(values[e]) if e in values else "-" for e in ENGINES]
        ratios = [ratio(values.get("dateline"), values.get(p), higher_is_better=higher)
                  if p in values else "-" for p in PEERS]
        rows.append([name, *cells, *ratios])
    return rows


def side_figures(result: dict) -> list[str]:
    d = result["builds"]["dateline"]
    ingest, update = d["ingest"], d["update"]
    hits = "; ".join(f"{q}: " + "/".join(str(s["hits"]) for s in per.values())
                     for q, per in result["queries"].items())
    return [
        f"Dateline ingest (read, clean, extract, store): {ingest['seconds']:.1f}s, "
        f"{ingest['articles'] / ingest['seconds']:.0f} articles/s, peak RSS {ingest['peak_rss_mb']:.0f} MB",
        f"Dateline update with 1% new articles ({update['articles']}): ingest "
        f"{update['ingest_seconds']:.1f}s + index {update['index_seconds']:.1f}s; the index part is "
        f"{100 * update['index_seconds'] / d['seconds']:.1f}% of a full index build",
        f"hits per query (engines in column order): {hits}",
    ]


def print_result(result: dict) -> None:
    header = ["metric", *(TITLES[e] for e in ENGINES), *(f"x vs {TITLES[p]}" for p in PEERS)]
    print(f"\nReuters-21578 x{result['scale']}: {result['articles']} articles, "
          f"{result['text_bytes'] / 1e6:.1f} MB of text")
    print(format_table(header, table_rows(result)))
    print("x vs peer: times better Dateline is (peer/Dateline for times and sizes, "
          "Dateline/peer for rates); under 1 = worse")
    for line in side_figures(result):
        print(line)


def parse_args(argv) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--scale", default=None, help="comma-separated copies, e.g. 1,10")
    parser.add_argument("--quick", action="store_true", help="every 8th corpus file, x1 and x2")
    parser.add_argument("--repeat", type=int, default=None, help="timed runs per query")
    parser.add_argument("--work", type=Path, default=None, help="keep indexes here")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    args.scales = [int(s) for s in (args.scale or ("1,2" if args.quick else "1,10")).split(",")]
    args.repeat = args.repeat or (5 if args.quick else 20)
    if not args.corpus.exists():
        parser.exit(2, f"Error: Reuters corpus not found at {args.corpus} (use --corpus PATH)\n")
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    root = args.work or Path(tempfile.mkdtemp(prefix="dateline-bench-"))
    print(f"machine: {cpu_description()}; Python {platform.python_version()}")
    results = []
    try:
        for scale in args.scales:
            work = root / f"x{scale}"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            results.append(run_scale(args, scale, work))
            print_result(results[-1])
    finally:
        if args.work is None:
            shutil.rmtree(root, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps({"machine": cpu_description(), "results": results}, indent=1))


if __name__ == "__main__":
    main()
