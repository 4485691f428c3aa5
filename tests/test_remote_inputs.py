"""Inputs named by URL: fsspec's HTTP filesystem against a real HTTP server
on 127.0.0.1 started by the tests (no mocks), read locally and on Dask."""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytest.importorskip("fsspec")
pytest.importorskip("aiohttp")

from dateline.corpus import ArticleStore, Home, ingest  # noqa: E402
from tests.helpers import FIXTURES, NOW, dateline  # noqa: E402

FILES = ("articles.jsonl", "wire.jsonl.gz", "ferry-strike.html", "index.html")


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """The command's clock is the tests' NOW, as the ingests compared with it."""
    monkeypatch.setattr("dateline.search.cli_support.now", lambda: NOW)


class _Handler(SimpleHTTPRequestHandler):
    """Serves a folder; a GET of a name in `drop` is answered by closing the
    connection (a server that fails in the middle of a run)."""

    drop: set = set()

    def do_GET(self):  # noqa: N802 - http.server's name
        if self.path.lstrip("/") in self.drop:
            self.close_connection = True
            self.connection.shutdown(2)
            return
        super().do_GET()

    def log_message(self, *args):  # not on the tests' output
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(folder, base URL) of an HTTP server serving FILES from the folder."""
    folder = tmp_path_factory.mktemp("served")
    shutil.copy(FIXTURES / "articles.jsonl", folder)
    for page in ("ferry-strike.html", "index.html"):
        shutil.copy(FIXTURES / "crawl" / "harbourtimes" / page, folder)
    lines = [json.dumps({"title": f"Dockers out, day {n}", "body": f"Day {n} of the strike. " * 8,
                         "date": "2024-05-02"}) for n in range(12)]
    lines[4] = "{broken"
    (folder / "wire.jsonl.gz").write_bytes(gzip.compress("\n".join(lines).encode(), mtime=0))
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def home_contents(root: Path, *, renamed: tuple[str, str] = ("", "")) -> dict:
    """Every row of every table but the record of inputs (a URL is not
    recorded), and the rejects without their times; `renamed`: (old, new)
    prefix of input names, so a URL's home compares with its file's."""
    home = Home(root)
    old, new = renamed
    with sqlite3.connect(home.store_path) as db:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'") if t != "inputs"]
        contents = {t: sorted(repr(row).replace(old, new) if old else repr(row)
                              for row in db.execute(f"SELECT * FROM {t}")) for t in tables}
    lines = home.rejects_path.read_text(encoding="utf-8").splitlines() if home.rejects_path.exists() else []
    rejects = [{k: v for k, v in json.loads(line).items() if k != "time"} for line in lines]
    contents["rejects"] = [{**r, "input": r["input"].replace(old, new) if old else r["input"]} for r in rejects]
    return contents


def ingest_home(root: Path, inputs: list, cluster=None):
    home = Home(root)
    with ArticleStore(home.store_path) as store:
        return ingest(inputs, store, home.rejects_path, now=NOW, cluster=cluster)


@pytest.fixture(scope="module")
def from_files(served, tmp_path_factory) -> dict:
    """The home a local ingest of the served files by path gives, named as the URLs."""
    folder, base = served
    root = tmp_path_factory.mktemp("files")
    ingest_home(root, [folder / name for name in FILES])
    return home_contents(root, renamed=(str(folder), base))


def test_urls_ingest_as_their_files_do_with_the_url_naming_each_record(tmp_path, served, from_files):
    folder, base = served
    result = dateline(tmp_path / "home", "ingest", *(f"{base}/{name}" for name in FILES))
    assert result.exit_code == 3, result.output  # the section page and a line rejected, as by path
    assert home_contents(tmp_path / "home") == from_files
    rejects = {r["input"]: r["reason"] for r in from_files["rejects"]}
    assert rejects[f"{base}/wire.jsonl.gz:5"].startswith("malformed JSON")
    assert rejects[f"{base}/index.html"].startswith("not an article")


def test_a_file_url_is_the_path_it_names(tmp_path, served):
    folder, _ = served
    by_path = dateline(tmp_path / "path", "ingest", str(folder / "articles.jsonl"))
    by_url = dateline(tmp_path / "url", "ingest", (folder / "articles.jsonl").as_uri())
    assert by_url.exit_code == by_path.exit_code == 0, by_url.output
    assert by_url.stdout == by_path.stdout
    again = dateline(tmp_path / "url", "ingest", "--json", (folder / "articles.jsonl").as_uri())
    assert json.loads(again.stdout)["files_skipped"] == 1  # recorded as the file it is


def test_a_missing_or_unreachable_url_is_one_line_before_anything_is_written(tmp_path, served):
    _, base = served
    missing = dateline(tmp_path / "home", "ingest", f"{base}/articles.jsonl", f"{base}/no-such.jsonl")
    assert missing.exit_code == 2
    assert missing.stderr == f"Error: {base}/no-such.jsonl: not found\n"
    refused = dateline(tmp_path / "home", "ingest", "http://127.0.0.1:9/wire.jsonl")
    assert refused.exit_code == 2
    assert refused.stderr.startswith("Error: http://127.0.0.1:9/wire.jsonl: cannot read URL (")
    assert refused.stderr.count("\n") == 1
    assert not (tmp_path / "home").exists()


def test_a_url_that_fails_mid_run_is_rejected_with_its_reason_and_read_by_the_next_run(tmp_path, served, from_files):
    _, base = served
    urls = [f"{base}/{name}" for name in FILES]
    _Handler.drop = {"wire.jsonl.gz"}  # answers HEAD, drops the GET
    try:
        first = dateline(tmp_path / "home", "ingest", "--json", *urls)
    finally:
        _Handler.drop = set()
    assert first.exit_code == 3
    rejects = {r["input"]: r["reason"] for r in home_contents(tmp_path / "home")["rejects"]}
    assert rejects[f"{base}/wire.jsonl.gz"].startswith("cannot read URL (")
    assert json.loads(first.stdout)["stored"] == len(from_files["articles"]) - 11  # the others are stored
    again = dateline(tmp_path / "home", "ingest", "--json", *urls)
    assert json.loads(again.stdout)["stored"] == 11  # every record of the wire: nothing lost
    articles = home_contents(tmp_path / "home")["articles"]
    assert articles == from_files["articles"]


@pytest.mark.slow
def test_urls_on_a_dask_cluster_fetched_by_workers_or_sent_give_the_local_home(tmp_path, served, from_files):
    pytest.importorskip("distributed")
    from dateline.corpus.cluster import ClusterReading, cluster_reading

    _, base = served
    urls = [f"{base}/{name}" for name in FILES]
    with cluster_reading(workers=2, paths=urls) as fetched_by_workers:
        assert not fetched_by_workers.send_bytes
        ingest_home(tmp_path / "workers", urls, fetched_by_workers)
        sent = ClusterReading(fetched_by_workers.client, address=fetched_by_workers.address, send_bytes=True)
        ingest_home(tmp_path / "sent", urls, sent)
    assert home_contents(tmp_path / "workers") == from_files
    assert home_contents(tmp_path / "sent") == from_files
