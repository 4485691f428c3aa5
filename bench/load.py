"""Load test of `dateline serve` on loopback, bounded, in one command:

    python -m bench.load                       # Reuters home built in a temp dir (~1 min)
    python -m bench.load --home DIR            # an existing home
    python -m bench.load --requests 2000 --clients 50 --threads 8

The server runs as `dateline serve` in its own process (its own GIL); the
clients are threads here, each with a keep-alive connection. Three phases,
all from the same run so ratios mean something on a noisy machine:

- `static`: the stylesheet, the server's floor (waitress + Flask, no search);
- `first`: search pages the server has not seen, one client at a time;
- `repeat`: the same pages again, one client at a time (the result cache);
- `mixed`: the bounded load, a seeded random mix of those same requests
  (pages, API, article pages), so repeats come from the result cache;
- `distinct`: `--requests` searches (pages and API) that are all different
  (two words from a list, AND or OR, with or without a filter), so the
  server's result cache never answers one: every request is a search.

Any status other than 200 is an error, and the run fails if there is one.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlencode

from bench.common import cpu_description, format_table, percentile

REPO = Path(__file__).resolve().parents[1]
REUTERS = REPO.parent / "shared" / "corpora" / "reuters21578"
SAMPLE = REPO / "corpus" / "sample" / "crawl"
QUERIES = ["oil", "coffee", "bank", "dollar", '"interest rates"', '"trade deficit"', "opec",
           "place:japan", "tag:crude", "date:1987-03", "oil date:1987-04", "wheat OR corn",
           "grain -wheat", "stock*", "shares place:usa", "gold", "profit", "merger", "yen",
           "tokyo", "*", "naira", '"central bank"', "place:kenya"]


def dateline(*args: str, home: Path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "dateline.search.cli", "--home", str(home), *args]
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=True)


def build_home(home: Path) -> str:
    corpus = REUTERS if REUTERS.exists() else SAMPLE
    started = time.perf_counter()
    dateline("ingest", "--json", str(corpus), home=home)
    dateline("index", "--json", home=home)
    return f"{corpus.name}, built in {time.perf_counter() - started:.0f} s"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(home: Path, port: int, threads: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "dateline.search.cli", "--home", str(home), "serve",
           "--host", "127.0.0.1", "--port", str(port), "--threads", str(threads)]
    server = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited: {server.stderr.read().decode()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
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
    """`count` different searches (no repeat, so no cache hit), pages and API alternating."""
    rng = random.Random(seed)
    queries: set[str] = set()
    while len(queries) < count:
        first, second = rng.sample(VOCABULARY, 2)
        queries.add(f"{first}{rng.choice((' ', ' OR '))}{second}{rng.choice(FILTERS)}")
    return [f"/{'api/search' if n % 2 else ''}?{urlencode({'q': q})}"
            for n, q in enumerate(sorted(queries, key=lambda q: rng.random()))]


def run_load(port: int, urls: list[str], clients: int) -> dict:
    """Fetch every URL once, `clients` at a time; latencies and errors."""
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

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        samples = list(pool.map(fetch, urls))
    seconds = time.perf_counter() - started
    return {"requests": len(urls), "clients": clients, "errors": errors, "seconds": seconds,
            "per_s": len(urls) / seconds, "p50": percentile(samples, 50),
            "p95": percentile(samples, 95), "max": max(samples)}


def report(phases: dict, *, home_note: str, args) -> str:
    floor = phases["static"]
    rows = [[name, str(r["requests"]), str(r["clients"]), str(len(r["errors"])),
             f"{r['per_s']:.0f}", f"{r['p50']:.1f}", f"{r['p95']:.1f}", f"{r['max']:.0f}",
             f"{r['per_s'] / floor['per_s']:.2f}"] for name, r in phases.items()]
    table = format_table(["phase", "requests", "clients", "errors", "req/s", "p50 ms", "p95 ms",
                          "max ms", "req/s vs static"], rows)
    first, repeat = phases["first"], phases["repeat"]
    return "\n".join([
        f"dateline serve load test on loopback: {args.threads} server threads; {cpu_description()}; "
        f"home: {home_note}",
        table,
        f"cache: a repeated page is {first['p50'] / repeat['p50']:.0f}x faster at the median and "
        f"{first['p95'] / repeat['p95']:.0f}x at p95 than its first request (same run, one client)",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, help="an existing, indexed home (default: build one)")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--threads", type=int, default=8, help="server worker threads")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dateline-load-") as tmp:
        home = args.home or Path(tmp) / "home"
        home_note = str(home) if args.home else build_home(home)
        port = free_port()
        server = start_server(home, port, args.threads)
        try:
            phases = {"static": run_load(port, ["/static/style.css"] * 500, args.clients)}
            urls = search_urls(port)
            # One client: what a request costs, without queueing behind 49 others.
            pages = [u for u in urls if "/api/" not in u]
            phases["first"] = run_load(port, pages, 1)
            phases["repeat"] = run_load(port, pages, 1)
            rng = random.Random(5)
            phases["mixed"] = run_load(port, [rng.choice(urls) for _ in range(args.requests)],
                                       args.clients)
            phases["distinct"] = run_load(port, distinct_urls(args.requests), args.clients)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(report(phases, home_note=home_note, args=args))
    errors = [e for r in phases.values() for e in r["errors"]]
    for error in errors[:10]:
        print("error:", error, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
