"""Load test of `dateline serve` on loopback, bounded, in one command, for
each engine on the same store:

    python -m bench.load                       # Reuters home built in a temp dir (~1 min an engine)
    python -m bench.load --home DIR            # an existing home (its engine as is; others built from a copy of its store)
    python -m bench.load --engines tantivy --requests 2000 --clients 50 --low-clients 8 --threads 8
    python -m bench.load --engines tantivy --processes 2   # serve --processes 2: both cores
    python -m bench.load --home H --engines tantivy --processes 2 --threads 1 --distinct-only

The server runs as `dateline serve` in its own process (its own GIL); the
clients are threads here, each with a keep-alive connection. Per engine, all
from the same run so ratios mean something on a noisy machine:

- `static`: the stylesheet, the server's floor (waitress + Flask, no search);
- `first`: search pages the server has not seen, one client at a time;
- `repeat`: the same pages again, one client at a time (the result cache);
- `mixed`: the bounded load, a seeded random mix of those same requests
  (pages, API, article pages), so repeats come from the result cache;
- `distinct`: on a second server started with `serve --no-cache`,
  `--requests` searches (pages and API) that are all different (two words
  from a list, AND or OR, with or without a filter), `--clients` at a time:
  every request runs its search, and everything a page draws (the coverage
  under its histogram too) is searched again;
- `distinct-low`: the same with `--low-clients` at a time (other queries).

Besides wall-clock latencies (inflated on a shared machine: the load
average is printed with them), the server's own CPU time per request is
reported for each phase, and the clients' own CPU time per request (they
run here, on the same cores). Any status other than 200 is an error, and the run
fails if there is one. The target (issue 18): the tantivy engine, distinct
queries, 50 clients, p95 <= 250 ms on 2 cores, 0 errors.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import select
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlencode

from bench.common import cpu_description, format_table, load_average, percentile, shared_path

REPO = Path(__file__).resolve().parents[1]
REUTERS = shared_path("corpora", "reuters21578")
SAMPLE = REPO / "corpus" / "sample" / "crawl"
QUERIES = ["oil", "coffee", "bank", "dollar", '"interest rates"', '"trade deficit"', "opec",
           "place:japan", "tag:crude", "date:1987-03", "oil date:1987-04", "wheat OR corn",
           "grain -wheat", "stock*", "shares place:usa", "gold", "profit", "merger", "yen",
           "tokyo", "*", "naira", '"central bank"', "place:kenya"]


def dateline(*args: str, home: Path, allowed: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "dateline.search.cli", "--home", str(home), *args]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if done.returncode not in allowed:
        raise SystemExit(f"Error: dateline {args[0]} exited {done.returncode}: {done.stderr.strip()[-300:]}")
    return done


ENGINES = ("whoosh", "tantivy")
TARGET_P95_MS = 250  # issue 18: tantivy, distinct queries, 50 clients


def build_home(home: Path, corpus: Path) -> str:
    started = time.perf_counter()
    # Exit 3: some input was rejected (Reuters holds two files that are not
    # articles); each is in the home's rejects.jsonl and the rest is stored.
    done = dateline("ingest", "--json", str(corpus), home=home, allowed=(0, 3))
    rejected = json.loads(done.stdout).get("rejected", 0) if done.stdout.strip() else 0
    return f"{corpus.name}, ingested in {time.perf_counter() - started:.0f} s ({rejected} inputs rejected)"


def engine_of(home: Path) -> str | None:
    """The engine of a home's index (None: no index yet)."""
    return json.loads(dateline("stats", "--json", home=home).stdout).get("engine")


def home_for(engine: str, source: Path, work: Path) -> Path:
    """A home searched with `engine` on `source`'s articles: `source` itself
    when its index is that engine's, else a copy of its store indexed here."""
    current = engine_of(source)
    if current == engine or current is None:
        if current is None:
            dateline("index", "--json", "--engine", engine, home=source)
        return source
    home = work / engine
    home.mkdir(parents=True)
    with sqlite3.connect(f"file:{source / 'articles.sqlite'}?mode=ro", uri=True) as src, \
            sqlite3.connect(home / "articles.sqlite") as dst:
        src.backup(dst)
    dateline("index", "--json", "--engine", engine, home=home)
    return home


def _cpu_of(pid: int) -> float:
    """User + system CPU seconds of a process so far (0 when gone or without /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    try:
        found = []
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(p) for p in (task / "children").read_text().split()]
        return found
    except OSError:
        return []


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """User + system CPU time of the server so far: its process and, with
    `--processes`, its worker processes (0 without /proc)."""
    return _cpu_of(server.pid) + sum(_cpu_of(child) for child in _children(server.pid))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(home: Path, port: int, threads: int, *, cache: bool = True,
                 processes: int = 1) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "dateline.search.cli", "--home", str(home), "serve",
           "--host", "127.0.0.1", "--port", str(port), "--threads", str(threads),
           "--processes", str(processes), "--cache" if cache else "--no-cache"]
    server = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # `serve` says "Serving ..." once it answers: with --processes, once every
    # worker process has its index open (the port takes connections before).
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited: {server.stderr.read().decode()}")
        if select.select([server.stdout], [], [], 0.2)[0]:
            if server.stdout.readline().startswith(b"Serving"):
                return server
    server.kill()
    raise SystemExit("server did not start within 60 s")


def search_urls(port: int) -> list[str]:
    """Pages and API calls for every query, and the article pages of their first hits."""
    urls, conn = [], http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for query in QUERIES:
        urls += [f"/?{urlencode({'q': query})}", f"/api/search?{urlencode({'q': query})}",
                 f"/?{urlencode({'q': query, 'page': 2, 'sort': 'newest'})}"]
        # Another limit than the pages use: this look-up warms none of their cache entries.
        conn.request("GET", f"/api/search?{urlencode({'q': query, 'limit': 3})}")
        hits = json.loads(conn.getresponse().read())["hits"]
        urls += [f"/article/{quote(h['id'], safe='')}" for h in hits[:2]]
    conn.close()
    return urls


VOCABULARY = ("oil gas coffee cocoa sugar wheat corn grain bank dollar yen mark gold silver copper "
              "steel tin rubber trade deficit surplus profit loss merger shares stock bond rate "
              "interest inflation budget tax tariff export import opec crude price market exchange "
              "minister president government talks strike shipping port harbour tokyo london "
              "paris bonn ottawa brazil canada japan").split()
FILTERS = ("", " place:usa", " date:1987-03", " tag:earn", " -wheat")


def distinct_urls(count: int, seed: int = 7) -> list[str]:
    """`count` different searches (no repeat, so no cache hit), pages and API
    alternating, in the same order in every run (a set's order is not)."""
    rng = random.Random(seed)
    queries: set[str] = set()
    while len(queries) < count:
        first, second = rng.sample(VOCABULARY, 2)
        queries.add(f"{first}{rng.choice((' ', ' OR '))}{second}{rng.choice(FILTERS)}")
    return [f"/{'api/search' if n % 2 else ''}?{urlencode({'q': q})}"
            for n, q in enumerate(sorted(sorted(queries), key=lambda q: rng.random()))]


def run_load(port: int, urls: list[str], clients: int, server: subprocess.Popen) -> dict:
    """Fetch every URL once, `clients` at a time; latencies, errors and the
    server's CPU milliseconds per request."""
    local = threading.local()
    errors: list[str] = []

    def fetch(url: str) -> float:
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        started = time.perf_counter()
        try:
            local.conn.request("GET", url)
            response = local.conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"{response.status} {url}")
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"{type(exc).__name__} {url}")
            local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        return (time.perf_counter() - started) * 1000

    started, cpu = time.perf_counter(), server_cpu_seconds(server)
    own = time.process_time()  # the clients' CPU: they share the machine's cores with the server
    with ThreadPoolExecutor(max_workers=clients) as pool:
        samples = list(pool.map(fetch, urls))
    seconds = time.perf_counter() - started
    return {"requests": len(urls), "clients": clients, "errors": errors, "seconds": seconds,
            "per_s": len(urls) / seconds, "p50": percentile(samples, 50),
            "p95": percentile(samples, 95), "max": max(samples),
            "cpu_ms": (server_cpu_seconds(server) - cpu) * 1000 / len(urls),
            "client_cpu_ms": (time.process_time() - own) * 1000 / len(urls)}


def report(runs: dict, *, home_note: str, args) -> str:
    lines = [f"dateline serve load test on loopback: {args.processes} server process(es) of "
             f"{args.threads} threads; "
             f"{cpu_description()}; home: {home_note}"]
    rows = []
    for engine, run in runs.items():
        floor = run["phases"].get("static")  # not with --distinct-only
        rows += [[engine, name, str(r["requests"]), str(r["clients"]), str(len(r["errors"])),
                  f"{r['per_s']:.0f}", f"{r['p50']:.1f}", f"{r['p95']:.1f}", f"{r['max']:.0f}",
                  f"{r['cpu_ms']:.1f}", f"{r['client_cpu_ms']:.1f}",
                  f"{r['per_s'] / floor['per_s']:.2f}" if floor else "-"]
                 for name, r in run["phases"].items()]
    lines.append(format_table(["engine", "phase", "requests", "clients", "errors", "req/s",
                               "p50 ms", "p95 ms", "max ms", "server CPU ms/req",
                               "client CPU ms/req", "req/s vs static"], rows))
    for engine, run in runs.items():
        phases = run["phases"]
        distinct = phases["distinct"]
        met = distinct["p95"] <= TARGET_P95_MS and not distinct["errors"]
        cache = (f"cache: a repeated page is {phases['first']['p50'] / phases['repeat']['p50']:.0f}x "
                 "faster at the median than its first request; " if "first" in phases else "")
        lines.append(
            f"{engine}: {run['load_before']} before, {run['load_after']} after; {cache}"
            f"distinct, {distinct['clients']} clients, no cache: p95 "
            f"{distinct['p95']:.0f} ms, {len(distinct['errors'])} errors (target p95 <= "
            f"{TARGET_P95_MS} ms, 0 errors: {'met' if met else 'NOT met'})")
    return "\n".join(lines)


def load_one_engine(home: Path, args) -> dict:
    """Every phase against `home`'s server(s); see the module's docstring."""
    run = {"load_before": load_average()}
    port = free_port()
    phases = {}
    if not args.distinct_only:
        server = start_server(home, port, args.threads, processes=args.processes)
        try:
            phases["static"] = run_load(port, ["/static/style.css"] * 500, args.clients, server)
            urls = search_urls(port)
            # One client: what a request costs, without queueing behind 49 others.
            pages = [u for u in urls if "/api/" not in u]
            phases["first"] = run_load(port, pages, 1, server)
            phases["repeat"] = run_load(port, pages, 1, server)
            rng = random.Random(5)
            phases["mixed"] = run_load(port, [rng.choice(urls) for _ in range(args.requests)],
                                       args.clients, server)
        finally:
            server.terminate()
            server.wait(timeout=30)
    server = start_server(home, port, args.threads, cache=False, processes=args.processes)
    try:
        # Warm-up, unmeasured: a new server reads its tables (facets, top words) on
        # its first searches; these queries are not among the distinct ones. With
        # several processes each reads its own: the warm-up runs once per process,
        # as many clients at a time.
        warm = [f"/?{urlencode({'q': q})}" for q in QUERIES[:6]] * args.processes
        run_load(port, warm, args.processes, server)
        distinct = distinct_urls(args.requests + args.requests // 4)
        phases["distinct"] = run_load(port, distinct[:args.requests], args.clients, server)
        if args.low_clients:
            phases["distinct-low"] = run_load(port, distinct[args.requests:], args.low_clients,
                                              server)
    finally:
        server.terminate()
        server.wait(timeout=30)
    run.update(phases=phases, load_after=load_average())
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, help="an existing home (default: build one)")
    parser.add_argument("--corpus", type=Path, default=REUTERS if REUTERS.exists() else SAMPLE,
                        help="what to ingest when no --home is given (default: Reuters-21578)")
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help="comma-separated: whoosh, tantivy (default: both)")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--low-clients", type=int, default=8,
                        help="clients of the distinct-low phase (0: skip it)")
    parser.add_argument("--threads", type=int, default=8, help="server worker threads")
    parser.add_argument("--processes", type=int, default=1,
                        help="server worker processes (serve --processes; default 1)")
    parser.add_argument("--distinct-only", action="store_true",
                        help="only the distinct phases (one server, started with --no-cache)")
    args = parser.parse_args(argv)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if unknown := set(engines) - set(ENGINES):
        parser.error(f"unknown engine(s): {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory(prefix="dateline-load-") as tmp:
        source = args.home or Path(tmp) / "home"
        home_note = str(source) if args.home else build_home(source, args.corpus)
        homes = {engine: home_for(engine, source, Path(tmp)) for engine in engines}
        runs = {engine: load_one_engine(home, args) for engine, home in homes.items()}
    print(report(runs, home_note=home_note, args=args))
    errors = [e for run in runs.values() for r in run["phases"].values() for e in r["errors"]]
    for error in errors[:10]:
        print("error:", error, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
