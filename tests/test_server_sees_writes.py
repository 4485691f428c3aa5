"""A running server and any long-lived Archive answer after every committed
change exactly as a fresh `dateline search` does: no article counted that is
gone, none listed twice, none missing (update, remove, a replaced article,
optimize, rebuild)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from dateline.corpus import Home
from dateline.search.web.app import create_app
from tests.helpers import REPO, write_articles
from tests.helpers import dateline as invoke

QUERIES = ["*", "harbour", "report", "wire"]


def changes(tmp_path: Path):
    """(what, CLI arguments) of each kind of committed change, in order."""
    return [
        ("remove by id", ["remove", "--id", "art-3", "--id", "art-17"]),
        ("remove by query", ["remove", "--query", "harbour"]),
        ("optimize", ["index", "--optimize"]),
        ("replaced articles", ["update", str(write_articles(tmp_path / "v2.jsonl", 20, 10, version="v2",
                                                           seed=1))]),
        ("new articles", ["update", str(write_articles(tmp_path / "c.jsonl", 60, 15, seed=2))]),
        ("optimize again", ["index", "--optimize"]),
        ("rebuild", ["index", "--rebuild"]),
        ("remove after rebuild", ["remove", "--query", "copper"]),
    ]


def two_segment_home(tmp_path: Path, engine: str = "whoosh") -> Path:
    home = tmp_path / "home"
    assert invoke(home, "ingest", str(write_articles(tmp_path / "a.jsonl", 0, 40))).exit_code == 0
    assert invoke(home, "index", "--engine", engine).exit_code == 0
    assert invoke(home, "update", str(write_articles(tmp_path / "b.jsonl", 40, 20))).exit_code == 0
    return home


def fresh_cli(home: Path, query: str) -> dict:
    result = invoke(home, "search", query, "--json", "--all-copies", "--limit", "1000")
    assert result.exit_code == 0, result.output
    return summary(json.loads(result.stdout))


def summary(data: dict) -> dict:
    ids = [hit["id"] for hit in data["hits"]]
    return {"total": data["total"], "total_articles": data["total_articles"], "ids": sorted(ids),
            "facets": data.get("facets")}


def api_path(query: str) -> str:
    return "/api/search?" + urllib.parse.urlencode({"q": query, "limit": 1000, "all_copies": 1})


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_a_long_lived_app_answers_each_change_like_a_fresh_cli(tmp_path, engine):
    home = two_segment_home(tmp_path, engine)
    client = create_app(Home(home)).test_client()
    for query in QUERIES:  # warm every cache the server keeps
        assert client.get(api_path(query)).status_code == 200
    for what, args in changes(tmp_path):
        result = invoke(home, *args)
        assert result.exit_code == 0, (what, result.output)
        assert json.loads(invoke(home, "stats", "--json").stdout)["engine"] == engine
        for query in QUERIES:
            served = summary(client.get(api_path(query)).get_json())
            expected = fresh_cli(home, query)
            assert len(set(served["ids"])) == len(served["ids"]), (what, query)  # none twice
            assert served == expected, (what, query)


@pytest.mark.slow
@pytest.mark.parametrize("processes", [1, 2])
def test_a_running_serve_answers_each_change_like_a_fresh_cli(tmp_path, processes):
    """With `--processes 2`, each request on a new connection, whichever
    worker process takes it: every one answers like a fresh CLI."""
    home = two_segment_home(tmp_path)
    server = subprocess.Popen(
        [sys.executable, "-m", "dateline.search.cli", "--home", str(home), "serve", "--port", "0",
         "--processes", str(processes)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    try:
        url = re.search(r"on (http://127\.0\.0\.1:\d+)/ ", server.stdout.readline()).group(1)

        def served(query: str) -> dict:
            with urllib.request.urlopen(url + api_path(query), timeout=60) as response:
                return summary(json.load(response))

        for query in QUERIES * 2 * processes:  # warm every process's caches
            served(query)
        for what, args in changes(tmp_path):
            result = invoke(home, *args)
            assert result.exit_code == 0, (what, result.output)
            for query in QUERIES:
                expected = fresh_cli(home, query)
                for _ in range(2 * processes):
                    assert served(query) == expected, (what, query)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_file_replaced_whole_is_noticed_every_time(tmp_path):
    """What the server's checks rest on: a file written aside and renamed over
    its name (the generation pointer; tantivy's meta.json) is another file,
    even with the same text, and one left alone is not."""
    from dateline.index.generations import ReplacedFile, atomic_write

    path = tmp_path / "CURRENT"
    atomic_write(path, "gen-000001")
    for _ in range(200):  # the inode kept open is never given to the new file
        watched = ReplacedFile(path)
        assert watched.data == b"gen-000001" and not watched.replaced()
        atomic_write(path, "gen-000001")
        assert watched.replaced()
        watched.close()
    watched = ReplacedFile(path)
    path.unlink()
    assert watched.replaced()
