"""What a distinct request costs the server, in-process: the CPU of each
results page and API call of `bench.load`'s `distinct` mix, run through
Flask's test client (no HTTP, no waitress, no other process), the result
cache off as `serve --no-cache` has it:

    python -m bench.serve_cost --home H                  # CPU ms a page, an API call
    python -m bench.serve_cost --home H --profile 30     # and where it goes (cProfile)
    python -m bench.serve_cost --home H --answers F      # each answer's digest, to compare code
    python -m bench.serve_cost --home H --baseline main  # paired: this tree against a commit's code

Over HTTP (`bench.load`) the server adds waitress (the static file's cost)
and the clients run on the same cores; this measures what the app itself
spends, so a change to it shows without the noise of 50 clients. The load
average is printed with the figures (CPU time is what a shared machine
distorts least, not nothing).

`--answers FILE` writes one line per request: its URL, status and the
SHA-256 of its body with the time the search took (`took_ms`, "· 4 ms")
taken out, so two versions of the code can be shown to give the same
answers (`diff` the files).

`--baseline REF` measures this tree and commit REF's code (`git archive`d
into a scratch folder, as `bench.ingest_cost` does) in two server
processes on the same home, the same requests alternated one by one (A B
for two requests, then B A: the first to ask reads the store's pages first): the figures are each side's mean CPU ms a page and an API call
and the median of the paired ratios, and the answers are compared as they
come (their digests, as `--answers` writes them): a difference is counted
and its first URLs printed.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.common import load_average, tree_script
from bench.ingest_cost import REPO, checkout
from bench.load import QUERIES, distinct_urls

# A server child: `dateline` from the tree given as argv[1] (the editable
# install's finder removed; this tree's when empty), `bench` from this tree.
_CHILD = tree_script("""
from bench.serve_cost import serve_child
serve_child(sys.argv[1])
""", bench_path=True)

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


def _client(home: Path):
    from dateline.corpus.home import Home
    from dateline.search.web.app import create_app

    client = create_app(Home.resolve(home), cache_size=0).test_client()
    # Warm-up, unmeasured, as bench.load's: the reader's tables are read on the first searches.
    measure(client, [f"/?{urlencode({'q': q})}" for q in QUERIES[:6]])
    return client


def serve_child(home: str) -> None:
    """Answer URLs read one a line from stdin with "CPU ms, status, digest" lines (`--baseline`)."""
    client = _client(Path(home))
    print("ready", flush=True)
    for line in sys.stdin:
        url = line.rstrip("\n")
        started = time.process_time()
        response = client.get(url)
        body = response.get_data()
        spent = (time.process_time() - started) * 1000
        print(f"{spent:.4f}\t{response.status_code}\t{answer_digest(body)}", flush=True)


def paired(home: Path, baseline: str, urls: list[str]) -> None:
    """This tree against `baseline`'s code, the same requests alternated (see the module's doc)."""
    with tempfile.TemporaryDirectory() as scratch:
        roots = {"this tree": "", baseline: str(checkout(baseline, Path(scratch)))}
        children = {name: subprocess.Popen([sys.executable, "-c", _CHILD, root, str(REPO), str(home)],
                                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                           cwd=REPO)
                    for name, root in roots.items()}
        try:
            for name, child in children.items():
                if child.stdout.readline().strip() != "ready":
                    raise SystemExit(f"Error: the {name} server did not start")
            spent = {name: {"page": [], "api": []} for name in roots}
            differ = []
            for n, url in enumerate(urls):
                kind = "api" if url.startswith("/api/") else "page"
                answers = {}
                # Pages and API calls alternate: the order flips every two
                # requests, so that each kind is asked first of each side as often.
                for name in (list(roots) if n // 2 % 2 == 0 else list(roots)[::-1]):
                    children[name].stdin.write(url + "\n")
                    children[name].stdin.flush()
                    ms, status, digest = children[name].stdout.readline().rstrip("\n").split("\t")
                    spent[name][kind].append(float(ms))
                    answers[name] = (status, digest)
                if len(set(answers.values())) > 1:
                    differ.append(url)
        finally:
            for child in children.values():
                child.stdin.close()
                child.wait()
    print(f"{len(urls)} requests, in-process, cache off, alternated; "
          f"home {home}; {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC")
    for kind in ("page", "api"):
        new, old = spent["this tree"][kind], spent[baseline][kind]
        ratios = [a / b for a, b in zip(new, old) if b > 0]
        print(f"  {kind}: this tree {statistics.mean(new):.2f} CPU ms mean, {baseline} "
              f"{statistics.mean(old):.2f}; ratio of means {statistics.mean(new) / statistics.mean(old):.3f}, "
              f"median of paired ratios {statistics.median(ratios):.3f} ({len(new)})")
    both = [spent[name]["page"] + spent[name]["api"] for name in roots]
    print(f"  all: this tree {statistics.mean(both[0]):.2f}, {baseline} {statistics.mean(both[1]):.2f} "
          f"CPU ms mean ({statistics.mean(both[0]) / statistics.mean(both[1]):.3f})")
    print(f"  answers that differ (status or body, took_ms aside): {len(differ)} of {len(urls)}"
          + "".join(f"\n    {url}" for url in differ[:5]))


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
    parser.add_argument("--urls", type=Path, metavar="FILE",
                        help="these requests (one path and query a line) instead of the distinct mix")
    parser.add_argument("--baseline", metavar="REF",
                        help="measure this tree against commit REF's code, requests alternated")
    args = parser.parse_args(argv)
    urls = args.urls.read_text().split() if args.urls else distinct_urls(args.requests)
    if args.baseline:
        print(load_average(), "before")
        for _ in range(args.rounds):
            paired(args.home, args.baseline, urls)
        print(load_average(), "after")
        return 0

    client = _client(args.home)
    print(f"{len(urls)} requests, in-process, cache off; "
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
