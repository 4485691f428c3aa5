"""What a distinct request costs the server, in-process: the CPU of each
results page and API call of `bench.load`'s `distinct` mix, run through
Flask's test client (no HTTP, no waitress, no other process), the result
cache off as `serve --no-cache` has it:

    python -m bench.serve_cost --home H                  # CPU ms a page, an API call
    python -m bench.serve_cost --home H --profile 30     # and where it goes (cProfile)
    python -m bench.serve_cost --home H --answers F      # each answer's digest, to compare code

Over HTTP (`bench.load`) the server adds waitress (the static file's cost)
and the clients run on the same cores; this measures what the app itself
spends, so a change to it shows without the noise of 50 clients. The load
average is printed with the figures (CPU time is what a shared machine
distorts least, not nothing).

`--answers FILE` writes one line per request: its URL, status and the
SHA-256 of its body with the time the search took (`took_ms`, "· 4 ms")
taken out, so two versions of the code can be shown to give the same
answers (`diff` the files).
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import pstats
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.common import load_average
from bench.load import QUERIES, distinct_urls

_TOOK = (re.compile(rb'"took_ms": ?[0-9.]+'), re.compile(rb"\xc2\xb7 [0-9]+ ms"))


def answer_digest(body: bytes) -> str:
    for pattern in _TOOK:
        body = pattern.sub(b"", body)
    return hashlib.sha256(body).hexdigest()


def measure(client, urls: list[str], answers=None) -> dict[str, list[float]]:
    """CPU ms of each request, by kind ("page", "api"); a status other than 200 stops the run."""
    spent: dict[str, list[float]] = {"page": [], "api": []}
    for url in urls:
        started = time.process_time()
        response = client.get(url)
        body = response.get_data()
        spent["api" if url.startswith("/api/") else "page"].append((time.process_time() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"Error: {url} answered {response.status_code}")
        if answers is not None:
            answers.write(f"{url}\t{response.status_code}\t{answer_digest(body)}\n")
    return spent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, required=True, help="a home with an index")
    parser.add_argument("--requests", type=int, default=400,
                        help="distinct requests, pages and API calls alternating (default 400)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure the same requests this many times (the first warms nothing: "
                             "the server's result cache is off)")
    parser.add_argument("--profile", type=int, metavar="N", default=0,
                        help="also print the N functions that took most CPU (own and cumulative)")
    parser.add_argument("--answers", type=Path, help="write each answer's digest to this file")
    args = parser.parse_args(argv)

    from dateline.corpus.home import Home
    from dateline.search.web.app import create_app

    app = create_app(Home.resolve(args.home), cache_size=0)
    client = app.test_client()
    # Warm-up, unmeasured, as bench.load's: the reader's tables are read on the first searches.
    measure(client, [f"/?{urlencode({'q': q})}" for q in QUERIES[:6]])
    urls = distinct_urls(args.requests)
    print(f"{args.requests} distinct requests of bench.load's mix, in-process, cache off; "
          f"home {args.home}; {load_average()} before")
    answers = args.answers.open("w") if args.answers else None
    profiler = cProfile.Profile() if args.profile else None
    try:
        for round_ in range(1, args.rounds + 1):
            if profiler:
                profiler.enable()
            spent = measure(client, urls, answers if round_ == 1 else None)
            if profiler:
                profiler.disable()
            print(f"round {round_}: " + "; ".join(
                f"{kind} {statistics.mean(ms):.2f} CPU ms mean, {statistics.median(ms):.2f} median "
                f"({len(ms)})" for kind, ms in spent.items()) +
                f"; all {statistics.mean(spent['page'] + spent['api']):.2f} mean")
    finally:
        if answers:
            answers.close()
    print(load_average(), "after")
    if profiler:
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.profile)
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
