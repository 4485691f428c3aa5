"""Dateline's two engines against the engines users would pick instead, in one command.

    python -m bench.run                      # Reuters x1 and x10 (many minutes)
    python -m bench.run --quick              # every 8th Reuters file, x1 and x2 (under a minute)
    python -m bench.run --scale 10 --corpus PATH --json results.json
    python -m bench.run --articles 1000000 --work DIR --no-update   # the generated archive

Dateline is measured with each of its engines (the Whoosh engine and the
tantivy engine), both built from one store: the ingest (reading, cleaning,
storing) runs once and is timed apart from each engine's index build. Every
engine indexes the same records (`bench/corpus_copies.py` for Reuters xN,
`bench/archive_generator.py` for `--articles N`) in its own process (peak RSS
is that process's own) and answers the same queries (`bench/queries.py`);
Dateline's answers include what it returns besides ids (the exact total,
near-duplicate collapsing, snippets, the stored articles). The result is the
ratio columns: how many times better the first engine is than the second in
the same run (second/first for times and sizes, first/second for rates;
below 1 means worse). The machine is shared and noisy: compare ratios, not
seconds; the CPU rows (build CPU s, query cpu ms) count the work done
without the wait for a busy core, and each build records the load average.

With `--work DIR` each step's figures are kept beside what it built
(`bench-*.json`) and a later run on the same DIR reuses the step instead of
doing it again: a large store is ingested once for both engines, and the
engines can be built in separate runs (`--engines`) and then queried
together. Delete DIR to measure again.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import dateline_side
from bench.archive_generator import (DEFAULT_SEED, Source, archive_paths, generate,
                                     write_archive)
from bench.common import cpu_description, dir_size_bytes, format_table, latency_ms, shared_path
from bench.corpus_copies import (read_originals, record, reuters_files, text_bytes,
                                 write_copies)
from bench.peers import PEERS
from bench.queries import QUERIES

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = shared_path("corpora", "reuters21578")
DATELINE = {"dateline": "whoosh", "dateline-tantivy": "tantivy"}  # column -> Dateline engine
ENGINES = [*DATELINE, *PEERS]  # column order
TITLES = {"dateline": "Whoosh engine", "dateline-tantivy": "tantivy engine",
          "whoosh": "naive Whoosh", "fts5": "SQLite FTS5", "tantivy": "tantivy"}
# Ratio columns (engine, against): the tantivy engine against its raw self and
# the others; the Whoosh engine against naive Whoosh.
RATIOS = [("dateline-tantivy", "tantivy"), ("dateline-tantivy", "fts5"),
          ("dateline-tantivy", "dateline"), ("dateline", "whoosh")]
NAIVE_WHOOSH_MAX = 500_000  # beyond, naive Whoosh is skipped unless --engines names it


def note(message: str) -> None:
    """Progress on a terminal only; piped output stays the table alone."""
    if sys.stderr.isatty():
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_child(step: str, out_dir: Path, inputs: list[Path], *, keep: bool = False) -> dict:
    """One step in its own process; with `keep`, its figures are saved in
    out_dir and a saved result is returned instead of running it again."""
    saved = out_dir / f"bench-{step.replace(':', '-')}.json"
    if keep and saved.exists():
        note(f"{step}: reusing the figures in {saved}")
        return {**json.loads(saved.read_text()), "reused": True}
    cmd = [sys.executable, "-m", "bench.child", step, str(out_dir), *map(str, inputs)]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"Error: benchmark step {step} failed:\n{done.stderr.strip()}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if keep:
        out_dir.mkdir(parents=True, exist_ok=True)
        saved.write_text(json.dumps(result))
    return result


def write_update(originals, path: Path, *, scale: int) -> Path:
    """1% new articles: further copies (new ids, later years) of the first originals."""
    count = max(1, len(originals) * scale // 100)
    with open(path, "w", encoding="utf-8") as handle:
        for n in range(count):
            article = originals[n % len(originals)]
            handle.write(json.dumps(record(article, scale + n // len(originals))) + "\n")
    return path


def write_generated_update(source: Source, path: Path, *, articles: int, seed: int) -> Path:
    """1% new articles: the generated archive's next ones (dated at its end)."""
    with open(path, "w", encoding="utf-8") as handle:
        for rec in generate(source, articles + max(1, articles // 100), seed=seed, start=articles):
            handle.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def dateline_home(work: Path, column: str) -> Path:
    """Each Dateline engine has its own home; all share the first one's store
    (a symbolic link: the store is engine-independent, ingested once)."""
    home = work / column
    if column != "dateline":
        home.mkdir(parents=True, exist_ok=True)
        link = home / "articles.sqlite"
        if not link.exists():
            link.symlink_to((work / "dateline" / "articles.sqlite").resolve())
    return home


def build_all(work: Path, ingest_inputs, peer_inputs, engines: list[str], *, keep: bool,
              directly: bool) -> dict:
    """Ingest once, index with each Dateline engine; build each peer. Per-engine figures."""
    builds = {}
    note("Dateline: ingest into the store (once for both engines)")
    if directly:  # the records as read, without cleaning, signatures and clusters
        ingest = run_child("dateline-store", work / "dateline", peer_inputs, keep=keep)
    else:
        ingest = run_child("dateline-ingest", work / "dateline", ingest_inputs, keep=keep)
    ingest["directly"] = directly
    note(f"Dateline: ingested {ingest['articles']} in {ingest['seconds']:.1f}s")
    for name in engines:
        note(f"{TITLES[name]}: building")
        if name in DATELINE:
            home = dateline_home(work, name)
            builds[name] = run_child(f"dateline-index:{DATELINE[name]}", home, [], keep=keep)
            builds[name]["size"] = dir_size_bytes(dateline_side.index_dir(home))
        else:
            if not (keep and (work / name / f"bench-{name}.json").exists()):
                shutil.rmtree(work / name, ignore_errors=True)  # a build cut short before
            builds[name] = run_child(name, work / name, peer_inputs, keep=keep)
            builds[name]["size"] = dir_size_bytes(work / name) - sum(
                p.stat().st_size for p in (work / name).glob("bench-*.json"))
        note(f"{TITLES[name]}: {builds[name]['seconds']:.1f}s")
    builds["ingest"] = ingest
    return builds


def open_engines(work: Path, engines: list[str]) -> dict:
    return {name: dateline_side.DatelineEngine(work / name) if name in DATELINE
            else PEERS[name][1](work / name) for name in engines}


def time_queries(engines: dict, *, repeat: int) -> dict:
    """{query name: {engine: {"median", "p95", "cpu", "hits"}}}; facet queries
    are Dateline's alone, and each is also timed part by part ("QUERY /
    top words", "/ names", "/ histogram": `DatelineEngine.facet_parts`).
    Each query is timed on every engine in turn."""
    table = {}
    for q in QUERIES:
        table[q.name] = {}
        for name, engine in engines.items():
            if q.facets and name not in DATELINE:
                continue
            total, _ = engine.run(q)
            stats = latency_ms(lambda: engine.run(q), warmup=2, repeat=repeat)
            table[q.name][name] = {**stats, "hits": total}
            if q.facets:
                for part, run in engine.facet_parts(q).items():
                    stats = latency_ms(run, warmup=2, repeat=repeat)
                    table.setdefault(f"{q.name} / {part}", {})[name] = {**stats, "hits": total}
        note(f"query {q.name}: " + ", ".join(
            f"{TITLES[n]} {s['p95']:.1f}ms/{s['hits']}" for n, s in table[q.name].items()))
    return table


def prepare_inputs(args, run: tuple[str, int], work: Path):
    """(label, ingest inputs, peer inputs, update file, article count) of one run:
    Reuters xN (the SGML files then JSON-lines copies) or N generated articles."""
    kind, size = run
    if kind == "x":
        files = reuters_files(args.corpus, every=8 if args.quick else 1)
        originals = read_originals(files)
        copies = write_copies(originals, work.parent / "copies", copies=range(size))
        update = write_update(originals, work / "update.jsonl", scale=size)
        return (f"Reuters-21578 x{size}", [*files, *copies[1:]], copies, update,
                len(originals) * size)
    generated = archive_paths(work.parent / "generated", size, seed=args.seed)
    update = work / "update.jsonl"
    if not all(p.exists() for p in generated) or not args.no_update:  # else the originals unread
        source = Source(read_originals(reuters_files(args.corpus, every=8 if args.quick else 1)))
        note(f"generating {size} articles (seed {args.seed})")
        generated = write_archive(source, work.parent / "generated", size, seed=args.seed)
        write_generated_update(source, update, articles=size, seed=args.seed)
    return (f"generated archive of {size:,} articles (seed {args.seed})", generated, generated,
            update, size)


def kept_text_bytes(work: Path, paths: list[Path]) -> int:
    """text_bytes of the inputs, counted once per work directory (reading a
    million records again costs a minute)."""
    saved = work / "bench-text-bytes.json"
    if saved.exists() and json.loads(saved.read_text())["paths"] == list(map(str, paths)):
        return json.loads(saved.read_text())["bytes"]
    count = text_bytes(paths)
    saved.write_text(json.dumps({"paths": list(map(str, paths)), "bytes": count}))
    return count


def chosen_engines(args, articles: int) -> tuple[list[str], list[str]]:
    """(engines to measure, notes on those skipped)."""
    if args.engines:
        return args.engines, []
    if articles > NAIVE_WHOOSH_MAX:
        return [e for e in ENGINES if e != "whoosh"], [
            f"naive Whoosh skipped at {articles:,} articles (its build takes hours here; "
            "--engines names it to measure it)"]
    return list(ENGINES), []


def run_scale(args, run: tuple[str, int], work: Path) -> dict:
    began, began_cpu = time.perf_counter(), time.process_time()
    label, ingest_inputs, peer_inputs, update, articles = prepare_inputs(args, run, work)
    engines, skipped = chosen_engines(args, articles)
    note(f"{label}: {', '.join(TITLES[e] for e in engines)}")
    builds = build_all(work, ingest_inputs, peer_inputs, engines, keep=args.work is not None,
                       directly=args.store_directly)
    opened = open_engines(work, engines)
    try:
        queries = time_queries(opened, repeat=args.repeat)
    finally:
        for engine in opened.values():
            engine.close()
    if not args.no_update:
        for name in (e for e in engines if e in DATELINE):
            note(f"{TITLES[name]}: incremental update of 1% new articles")
            builds[name]["update"] = run_child("dateline-update", work / name, [update])
    return {"label": label, "articles": articles, "text_bytes": kept_text_bytes(work, peer_inputs),
            "engines": engines, "skipped": skipped, "builds": builds, "queries": queries,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "minutes": (time.perf_counter() - began) / 60,
            "bench_cpu_seconds": time.process_time() - began_cpu, "load": os.getloadavg()}


def ratio(engine: float, against: float, *, higher_is_better: bool) -> str:
    if not engine or not against:
        return "-"
    value = engine / against if higher_is_better else against / engine
    return f"{value:.2f}" if value < 10 else f"{value:.0f}"


def table_rows(result: dict) -> list[list[str]]:
    builds, mb = result["builds"], result["text_bytes"] / 1e6
    built = {e: b for e, b in builds.items() if e != "ingest"}
    metrics = {  # name -> (value per engine, format, higher is better)
        "build s": ({e: b["seconds"] for e, b in built.items()}, "{:.1f}", False),
        "build CPU s": ({e: b["cpu_seconds"] for e, b in built.items()}, "{:.1f}", False),
        "articles/s": ({e: b["articles"] / b["seconds"] for e, b in built.items()}, "{:.0f}", True),
        "articles/CPU s": ({e: b["articles"] / b["cpu_seconds"] for e, b in built.items()},
                           "{:.0f}", True),
        "MB/s": ({e: mb / b["seconds"] for e, b in built.items()}, "{:.2f}", True),
        "index MB": ({e: b["size"] / 1e6 for e, b in built.items()}, "{:.0f}", False),
        "peak RSS MB": ({e: b["peak_rss_mb"] for e, b in built.items()}, "{:.0f}", False),
    }
    for qname, per_engine in result["queries"].items():
        for stat in ("median", "p95", "cpu"):
            label = "cpu median" if stat == "cpu" else stat
            metrics[f"{qname} {label} ms"] = (
                {e: s[stat] for e, s in per_engine.items()}, "{:.1f}", False)
    columns = [e for e in ENGINES if e in result["engines"]]
    pairs = [(a, b) for a, b in RATIOS if a in columns and b in columns]
    rows = []
    for name, (values, fmt, higher) in metrics.items():
        cells = [fmt.format(values[e]) if e in values else "-" for e in columns]
        ratios = [ratio(values.get(a), values.get(b), higher_is_better=higher)
                  if a in values and b in values else "-" for a, b in pairs]
        rows.append([name, *cells, *ratios])
    return rows


def side_figures(result: dict) -> list[str]:
    builds = result["builds"]
    ingest = builds["ingest"]
    hits = "; ".join(f"{q}: " + "/".join(str(s["hits"]) for s in per.values())
                     for q, per in result["queries"].items())
    what = ("records put straight into the store, without ingest's cleaning, "
            "near-duplicate signatures and clusters (--store-directly)" if ingest.get("directly")
            else "read, clean, extract, store")
    lines = [
        f"Dateline ingest ({what}; once for both engines): "
        f"{ingest['seconds']:.1f}s, {ingest['cpu_seconds']:.1f} CPU s, "
        f"{ingest['articles'] / ingest['seconds']:.0f} articles/s, "
        f"peak RSS {ingest['peak_rss_mb']:.0f} MB",
    ]
    for name in result["engines"]:
        update = builds[name].get("update")
        if update:
            lines.append(
                f"{TITLES[name]}: update with 1% new articles ({update['articles']}): ingest "
                f"{update['ingest_seconds']:.1f}s + index {update['index_seconds']:.1f}s; the index "
                f"part is {100 * update['index_seconds'] / builds[name]['seconds']:.1f}% of a full build")
    for name in result["engines"]:
        load = builds[name].get("load")
        reused = " (figures kept from an earlier run on this --work)" if builds[name].get("reused") else ""
        if load:
            lines.append(f"{TITLES[name]} build: load average {load[0]:.1f} before, "
                         f"{load[1]:.1f} after{reused}")
    lines.append(f"hits per query (engines in column order): {hits}")
    lines += result["skipped"]
    lines.append(f"this run took {result['minutes']:.1f} min; load average at its end "
                 + " / ".join(f"{x:.1f}" for x in result["load"]) + " (1, 5, 15 min)")
    return lines


def print_result(result: dict) -> None:
    columns = [e for e in ENGINES if e in result["engines"]]
    pairs = [(a, b) for a, b in RATIOS if a in columns and b in columns]
    header = ["metric", *(TITLES[e] for e in columns),
              *(f"{TITLES[a]} vs {TITLES[b]}" for a, b in pairs)]
    print(f"\n{result['label']}: {result['articles']} articles, "
          f"{result['text_bytes'] / 1e6:.1f} MB of text, {result['date']}")
    print(format_table(header, table_rows(result)))
    print("A vs B: times better A is than B (B/A for times and sizes, A/B for rates); "
          "under 1 = worse. Whoosh/tantivy engine = Dateline with that engine; "
          "its query times include snippets, collapsing and the stored articles")
    for line in side_figures(result):
        print(line)


def parse_args(argv) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--scale", default=None, help="comma-separated copies, e.g. 1,10")
    parser.add_argument("--articles", type=int, default=None,
                        help="a generated archive of N articles (bench/archive_generator.py)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="of the generated archive")
    parser.add_argument("--engines", default=None,
                        help="comma-separated, of " + ",".join(ENGINES) + " (default: all; "
                        f"naive Whoosh only up to {NAIVE_WHOOSH_MAX:,} articles)")
    parser.add_argument("--quick", action="store_true", help="every 8th corpus file, x1 and x2")
    parser.add_argument("--repeat", type=int, default=None, help="timed runs per query")
    parser.add_argument("--store-directly", action="store_true",
                        help="fill Dateline's store with the records as read, without ingest's "
                        "cleaning, near-duplicate signatures and clusters (ingest costs ~2 ms CPU "
                        "an article: for 1M articles on a busy machine)")
    parser.add_argument("--no-update", action="store_true", help="skip the 1%% update step")
    parser.add_argument("--work", type=Path, default=None,
                        help="keep homes, indexes and figures here, and reuse them")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    if args.articles is not None and args.articles < 1:
        parser.exit(2, "Error: --articles must be at least 1\n")
    scales = args.scale or ("" if args.articles else "1,2" if args.quick else "1,10")
    args.runs = [("x", int(s)) for s in scales.split(",") if s]
    if args.articles:
        args.runs.append(("a", args.articles))
    if args.engines:
        args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
        unknown = sorted(set(args.engines) - set(ENGINES))
        if unknown:
            parser.exit(2, f"Error: unknown engine {', '.join(unknown)} (known: {', '.join(ENGINES)})\n")
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
        for run in args.runs:
            work = root / (f"x{run[1]}" if run[0] == "x" else f"a{run[1]}")
            if args.work is None:
                shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True, exist_ok=True)
            results.append(run_scale(args, run, work))
            print_result(results[-1])
            sys.stdout.flush()
    finally:
        if args.work is None:
            shutil.rmtree(root, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps({"machine": cpu_description(), "results": results}, indent=1))


if __name__ == "__main__":
    main()
