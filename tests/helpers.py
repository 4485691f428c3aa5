"""What the tests share: paths, the fixed clock, the one CLI runner, and
builders and probes of homes. Fixtures that use these are in conftest.py."""

from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dateline.corpus import ArticleStore, Home, ingest
from dateline.index import IndexLocation, open_live_index, rebuild_index
from dateline.search.cli import app as cli_app

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
SHARED = REPO.parent / "shared"
REUTERS = SHARED / "corpora" / "reuters21578"
NOW = datetime(2015, 6, 15, 12, 0, tzinfo=timezone.utc)
# Debian's Chromium, as browser tests launch it (.ci/run installs it).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync"]



def corpus_marks(path: Path) -> list:
    """A test that reads `path` under ../shared: marked `corpus` (so `-m corpus`
    selects exactly these), and skipped with the reason when it is absent."""
    return [pytest.mark.corpus, pytest.mark.skipif(not path.exists(), reason=f"{path} not found")]


def requires_reuters(test):
    """Decorator: the test reads the Reuters-21578 corpus."""
    for mark in corpus_marks(REUTERS):
        test = mark(test)
    return test


# -- the command line ------------------------------------------------------------

CLI = CliRunner()


def cli(*args, **kwargs):
    """`dateline ARGS…`, run in this process (stdout and stderr apart)."""
    return CLI.invoke(cli_app, [str(a) for a in args], **kwargs)


def dateline(home: Path | Home | str, *args, **kwargs):
    """`dateline --home HOME ARGS…`, run in this process."""
    root = home.root if isinstance(home, Home) else home
    return cli("--home", root, *args, **kwargs)


def run_cli(home: Path, *args: str, env: dict | None = None, timeout: float = 120):
    """The real `dateline` in its own process (what a crash test can kill)."""
    return subprocess.run(
        [sys.executable, "-m", "dateline.search.cli", "--home", str(home), *args],
        cwd=REPO, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **(env or {})},
    )


# -- building homes ----------------------------------------------------------------

WORDS = ("harbour tariff grain rally budget drought ferry senate copper strike vaccine "
         "election pipeline flood currency mining shipping wheat court bond refinery "
         "minister talks protest census railway airline bank export quota").split()


def write_articles(path: Path, start: int, count: int, *, version: str = "", seed: int = 0) -> Path:
    """`count` distinct JSON-lines articles with ids art-START.. (stable for a seed)."""
    rng = random.Random(seed * 1_000_003 + start)
    lines = []
    for n in range(start, start + count):
        words = " ".join(rng.choice(WORDS) for _ in range(60))
        lines.append(json.dumps({
            "id": f"art-{n}", "title": f"Report {n} {version}".strip(),
            "body": f"Dispatch number {n} {version}. {words}.",
            "date": f"2014-{1 + n % 12:02d}-{1 + n % 28:02d}", "source": f"Wire {n % 3}",
        }))
    path.write_text("\n".join(lines) + "\n")
    return path


def build_home(root: Path, *inputs: Path, engine: str = "whoosh") -> Home:
    """Inputs ingested and indexed through the library (no CLI, no lock)."""
    home = Home(root)
    with ArticleStore(home.store_path) as store:
        ingest(list(inputs), store, home.rejects_path, now=NOW)
        rebuild_index(store, IndexLocation.in_home(root), engine=engine)
    return home


def new_home(home: Path, articles: Path, engine: str = "whoosh") -> Path:
    """A home holding `articles` (through the CLI), indexed by `engine` from the start."""
    if engine == "whoosh":
        assert dateline(home, "update", str(articles)).exit_code == 0
    else:
        assert dateline(home, "ingest", str(articles)).exit_code == 0
        assert dateline(home, "index", "--engine", engine).exit_code == 0
    return home


def indexed_cli_home(tmp_path_factory, name: str) -> Path:
    """The fixture articles ingested and indexed through the command line."""
    root = tmp_path_factory.mktemp(name) / "home"
    assert dateline(root, "ingest", str(FIXTURES / "articles.jsonl")).exit_code == 0
    assert dateline(root, "index").exit_code == 0
    return root


def write_warc(path, *, gz=True):
    """A WARC of a request, an HTML page, an image and a redirect."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    page = (FIXTURES / "crawl" / "harbourtimes" / "grain-deal.htm").read_bytes()
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gz)

        def response(uri, status, ctype, body, date="2024-03-05T10:00:00Z"):
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                            http_headers=headers,
                                            warc_headers_dict={"WARC-Date": date})
            writer.write_record(rec)

        writer.write_record(writer.create_warc_record("https://h.example/grain", "request",
                                                      payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
        response("https://h.example/grain", "200 OK", "text/html; charset=utf-8", page)
        response("https://h.example/logo.png", "200 OK", "image/png", b"\x89PNG....")
        response("https://h.example/old", "301 Moved Permanently", "text/html", b"")
    return path


def html_page(title: str, *, meta: str = "") -> str:
    """A small HTML article page with accented text."""
    body = "".join(f"<p>{line}</p>" for line in (
        "The new café on the quay serves crème brûlée to the harbour pilots every morning.",
        "Its owner, a former ferry engineer, says the pilots' orders decide the menu each week.",
        "The council approved the terrace after a long debate about the quay's fishing nets.",
    ))
    return (f"<!DOCTYPE html><html><head>{meta}<title>{title}</title></head>"
            f"<body><article><h1>{title}</h1>{body}</article></body></html>")


# -- looking inside a home -----------------------------------------------------------

def store_ids(home: Path) -> set[str]:
    with ArticleStore(Home(home).store_path, readonly=True) as store:
        return store.ids()


def index_ids(home: Path) -> set[str]:
    from dateline.index.ops import AllOp

    reader, _ = open_live_index(IndexLocation.in_home(home))
    try:
        return set(reader.article_ids(reader.match(AllOp()).ids.tolist()))
    finally:
        reader.close()


def applied_seq(home: Path) -> int:
    _, meta = open_live_index(IndexLocation.in_home(home))
    return meta["applied_seq"]


# -- queries for property tests (CLI and web) ---------------------------------

def _any_query():
    """Any string at all: query pieces, lone surrogates (what a byte that is not
    UTF-8 becomes in argv), control characters, and operators repeated past any
    nesting limit."""
    from hypothesis import strategies as st

    pieces = list('ab:"()*-~ .12éß&') + ["OR", "AND", "NOT", "person:", "place:", "date:", "title:",
                                         "site:", "2014-09", "..", ">=", "bank", "nope:", "\t", "-x"]
    any_character = st.characters(codec=None, exclude_categories=())
    deep = st.builds(lambda op, n, word: op * n + word,
                     st.sampled_from(["NOT ", "-", "(", "NOT (", "title:(", "(NOT -"]),
                     st.integers(0, 600), st.sampled_from(["oil", "bank", "*", ""]))
    return st.one_of(deep, st.text(any_character, min_size=1, max_size=40),
                     st.lists(st.one_of(st.sampled_from(pieces), st.text(any_character, max_size=3)),
                              min_size=1, max_size=12).map("".join))


ANY_QUERY = _any_query()
