"""Ingest on a Dask cluster gives the home a local ingest gives, and survives its faults.

Real clusters, not mocks: a `dask scheduler` and two `dask worker` processes
on 127.0.0.1 (random ports), or a LocalCluster started by `--workers`.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("distributed")
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from dateline.corpus import ArticleStore, Home, IngestError, ingest  # noqa: E402
from dateline.corpus.cluster import cluster_reading  # noqa: E402
from dateline.corpus.cluster_parts import CRASH_ENV, Ready, gzip_jsonl_pieces, plan_parts  # noqa: E402
from dateline.corpus.readers.limits import MAX_JSONL_RECORD_BYTES  # noqa: E402
from dateline.corpus.sample import sample_path  # noqa: E402
from tests.helpers import FIXTURES, NOW, REUTERS, SHARED, dateline, html_page, requires_reuters  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """The command's clock is the tests' NOW, as the local ingest compared with it."""
    monkeypatch.setattr("dateline.search.cli_support.now", lambda: NOW)
HTML_PAGES = SHARED / "corpora" / "trafilatura-eval" / "pages"


def home_contents(root: Path) -> dict:
    """Every row of every table of the store, and the rejects log without its times."""
    home = Home(root)
    with sqlite3.connect(home.store_path) as db:
        tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        contents = {t: sorted(map(repr, db.execute(f"SELECT * FROM {t}"))) for t in tables}
    lines = home.rejects_path.read_text(encoding="utf-8").splitlines() if home.rejects_path.exists() else []
    contents["rejects"] = [{k: v for k, v in json.loads(line).items() if k != "time"} for line in lines]
    return contents


def ingest_home(root: Path, inputs: list[Path], cluster=None, progress=None):
    home = Home(root)
    with ArticleStore(home.store_path) as store:
        return ingest(inputs, store, home.rejects_path, now=NOW, cluster=cluster, progress=progress)


def local_contents(tmp_path: Path, inputs: list[Path]) -> dict:
    ingest_home(tmp_path / "local", inputs)
    return home_contents(tmp_path / "local")


INPUTS = [sample_path(), FIXTURES / "crawl", FIXTURES / "articles.jsonl"]


@pytest.fixture(scope="module")
def local_home(tmp_path_factory) -> dict:
    """What a local ingest of INPUTS gives."""
    return local_contents(tmp_path_factory.mktemp("local"), INPUTS)


def write_warc(path: Path, pages: int) -> Path:
    """A gzipped WARC of `pages` HTML responses (the fixture pages, retitled), each with its request."""
    page = (FIXTURES / "crawl" / "harbourtimes" / "grain-deal.htm").read_text(encoding="utf-8")
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for n in range(pages):
            uri = f"https://h.example/story-{n}"
            writer.write_record(writer.create_warc_record(uri, "request", payload=io.BytesIO(b"GET /\r\n\r\n")))
            body = page.replace("Grain", f"Grain {n} ").encode()
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), http_headers=headers,
                warc_headers_dict={"WARC-Date": f"2024-03-{1 + n % 28:02d}T10:00:00Z"}))
    return path


def write_jsonl(path: Path, records: int) -> Path:
    """JSON lines with a blank line, a malformed one and a Latin-1 one among them."""
    lines = []
    for n in range(records):
        lines.append(json.dumps({"title": f"Port strike day {n}", "date": f"2024-05-{1 + n % 28:02d}",
                                 "body": f"Dockers in Harbour City stayed out on day {n}. " * 5}))
    lines[3] = ""
    lines[7] = "{not json"
    text = "\n".join(lines).encode()
    path.write_bytes(text + b"\n" + '{"title": "Caf\xe9 owners", "body": "They met."}'.encode("latin-1") + b"\n")
    return path


@contextmanager
def started_dask(folder: Path, *, dashboard: bool = False):
    """A `dask scheduler` and two `dask worker` processes (no nanny: a killed
    worker stays dead); `dashboard`: the scheduler serves one if bokeh is installed."""
    scheduler_file = folder / "scheduler.json"
    python = [sys.executable, "-m"]
    board = ["--dashboard-address", "127.0.0.1:0"] if dashboard else ["--no-dashboard"]
    started = [subprocess.Popen([*python, "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
                                 *board, "--scheduler-file", str(scheduler_file)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        for _ in range(300):
            if scheduler_file.exists() and scheduler_file.stat().st_size:
                break
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        for _ in range(2):
            started.append(subprocess.Popen([*python, "distributed.cli.dask_worker", address, "--nthreads", "1",
                                             "--no-nanny", "--no-dashboard"],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from distributed import Client

        with Client(address, timeout="20s") as client:
            client.wait_for_workers(2, timeout=60)
        yield address, started
    finally:
        for process in started:
            process.kill()
            process.wait()


@pytest.fixture()
def dask_processes(tmp_path):
    """A scheduler and two workers of this test's own, for the tests that kill them."""
    with started_dask(tmp_path) as started:
        yield started


@pytest.fixture(scope="module")
def shared_scheduler(tmp_path_factory) -> str:
    """The address of a scheduler with two workers that the module's tests
    which kill nothing share (starting one costs seconds)."""
    with started_dask(tmp_path_factory.mktemp("dask"), dashboard=True) as (address, _):
        yield address


def test_ingest_through_a_scheduler_and_two_workers_gives_the_local_home(tmp_path, shared_scheduler, local_home):
    address = shared_scheduler
    inputs, expected = INPUTS, local_home
    result = dateline(tmp_path / "cluster", "ingest", "--cluster", address, *map(str, inputs))
    assert result.exit_code == 3, result.output  # the fixture crawl's section page is rejected, as locally
    assert result.stderr == ""  # not a terminal: no progress, no cluster chatter
    assert home_contents(tmp_path / "cluster") == expected
    again = dateline(tmp_path / "cluster", "update", "--cluster", address, "--json", *map(str, inputs))
    assert json.loads(again.stdout)["ingest"]["files_skipped"] == json.loads(again.stdout)["ingest"]["files"]


def test_large_warc_and_json_lines_are_read_in_parts_with_the_local_result(tmp_path, shared_scheduler):
    (tmp_path / "in").mkdir()
    inputs = [write_warc(tmp_path / "in" / "crawl.warc.gz", 30), write_jsonl(tmp_path / "in" / "wire.jsonl", 60)]
    assert len(plan_parts(inputs[0], inputs[0].stat().st_size, 4000)) > 3
    assert len(plan_parts(inputs[1], inputs[1].stat().st_size, 2000)) > 3
    expected = local_contents(tmp_path, inputs)
    with cluster_reading(shared_scheduler, split_bytes=2000) as cluster:
        ingest_home(tmp_path / "parts", inputs, cluster)
    assert home_contents(tmp_path / "parts") == expected
    assert any("malformed JSON" in r["reason"] for r in expected["rejects"])


def write_jsonl_gz(path: Path, records: int, *, cut: float | None = None) -> Path:
    """write_jsonl's lines gzipped (one member, as gzip writes), with a line over
    the limit of one record after the first third; `cut`: only that share of
    the gzipped bytes (a download that stopped)."""
    plain = write_jsonl(path.with_suffix(""), records).read_bytes()
    lines = plain.split(b"\n")
    lines.insert(len(lines) // 3, b'{"title": "' + b"x" * MAX_JSONL_RECORD_BYTES + b'"}')
    packed = gzip.compress(b"\n".join(lines), mtime=0)
    path.write_bytes(packed[:int(len(packed) * cut)] if cut else packed)
    path.with_suffix("").unlink()
    return path


def test_gzipped_json_lines_are_sent_in_parts_of_whole_lines_with_the_local_result(tmp_path, shared_scheduler):
    (tmp_path / "in").mkdir()
    whole = write_jsonl_gz(tmp_path / "in" / "wire.jsonl.gz", 90)
    broken = write_jsonl_gz(tmp_path / "in" / "cut.jsonl.gz", 90, cut=0.6)
    pieces = list(gzip_jsonl_pieces(whole, 2000))
    parts = [p for p in pieces if not isinstance(p, Ready)]
    assert len(parts) > 3 and all(len(data) < 2000 + 500 for _, data in parts)
    (too_large, _), = [item for p in pieces if isinstance(p, Ready) for item in p.items]
    oversized = int(too_large.origin.rsplit(":", 1)[1])  # rejected here: never sent
    sent = [n for part, _ in parts for n in range(part.start, part.end + 1)]
    assert sent == [n for n in range(1, sent[-1] + 1) if n != oversized]
    expected = local_contents(tmp_path, [whole, broken])
    with cluster_reading(shared_scheduler, split_bytes=2000) as cluster:
        ingest_home(tmp_path / "parts", [whole, broken], cluster)
    assert home_contents(tmp_path / "parts") == expected
    reasons = {r["input"]: r["reason"] for r in expected["rejects"]}
    assert reasons[f"{whole}:8"].startswith("malformed JSON")
    assert reasons[f"{whole}:{oversized}"].startswith("record too large")
    assert reasons[str(broken)].startswith("broken gzip")
    assert any(r.startswith(f"{broken}:") for r in reasons)  # the lines before the damage are read


def test_inputs_sent_as_bytes_give_the_home_paths_give(tmp_path, shared_scheduler):
    (tmp_path / "in").mkdir()
    inputs = [sample_path(), FIXTURES / "crawl", write_warc(tmp_path / "in" / "crawl.warc.gz", 12),
              write_jsonl(tmp_path / "in" / "wire.jsonl", 30)]
    expected = local_contents(tmp_path, inputs)
    with cluster_reading(shared_scheduler, inputs="bytes", split_bytes=3000) as cluster:
        assert cluster.send_bytes
        ingest_home(tmp_path / "sent", inputs, cluster)
    assert home_contents(tmp_path / "sent") == expected


def test_the_command_holds_a_bounded_number_of_tasks_and_keeps_that_many_ahead(tmp_path, shared_scheduler):
    """Memory here does not grow with the crawl: never more than
    IN_FLIGHT_PER_THREAD tasks per worker thread submitted and not yet
    taken; and that many are, so that the workers read ahead of the file
    being stored. The home is the local one."""
    from dateline.corpus.cluster import IN_FLIGHT_PER_THREAD

    crawl = tmp_path / "crawl"
    crawl.mkdir()
    for n in range(60):
        (crawl / f"quay-{n:02d}.html").write_text(html_page(f"Harbour pilots, day {n}"), encoding="utf-8")
    expected = local_contents(tmp_path, [crawl])
    with cluster_reading(shared_scheduler, inputs="paths") as cluster:
        seen, submit = [], cluster.submit

        def counted_submit(*args):
            seen.append(cluster.in_flight)  # those already in flight, before this one
            return submit(*args)

        cluster.submit = counted_submit
        ingest_home(tmp_path / "cluster", [crawl], cluster)
        threads = cluster.threads()
    assert threads == 2
    assert max(seen) + 1 == IN_FLIGHT_PER_THREAD * threads
    assert home_contents(tmp_path / "cluster") == expected


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(tmp_path, dask_processes, local_home):
    address, processes = dask_processes
    inputs, expected = INPUTS, local_home
    victim = processes[1]

    def kill_a_worker(summary, path):
        if victim.poll() is None:
            os.kill(victim.pid, signal.SIGKILL)  # files are in flight on both workers

    with cluster_reading(address, inputs="paths") as cluster:
        ingest_home(tmp_path / "cluster", inputs, cluster, progress=kill_a_worker)
    assert victim.poll() is not None
    assert home_contents(tmp_path / "cluster") == expected


def test_losing_the_scheduler_ends_with_one_line_and_the_next_run_completes_the_home(tmp_path, dask_processes, local_home):
    address, processes = dask_processes
    inputs, expected = INPUTS, local_home

    def kill_the_scheduler(summary, path):
        os.kill(processes[0].pid, signal.SIGKILL)

    with pytest.raises(IngestError, match="lost the Dask scheduler") as lost:
        with cluster_reading(address, inputs="paths") as cluster:
            ingest_home(tmp_path / "cluster", inputs, cluster, progress=kill_the_scheduler)
    assert "\n" not in str(lost.value)
    again = dateline(tmp_path / "cluster", "ingest", "--workers", "1", *map(str, inputs))
    assert again.exit_code == 3, again.output  # the section page rejected, as locally
    assert home_contents(tmp_path / "cluster") == expected


def test_an_unreachable_scheduler_is_one_line(tmp_path):
    result = dateline(tmp_path / "home", "ingest", "--cluster", "tcp://127.0.0.1:9", str(sample_path()))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert result.stderr.count("\n") == 1


def write_pages(folder: Path, names: list[str]) -> Path:
    """Small HTML stories, one a name, each its own (the fixture page, renumbered)."""
    folder.mkdir()
    story = (FIXTURES / "crawl" / "harbourtimes" / "grain-deal.htm").read_text(encoding="utf-8")
    for n, name in enumerate(names):
        page = story.replace("grain deal", f"grain deal number {n + 1}").replace("one million", f"{n + 2} million")
        (folder / f"{name}.html").write_text(page, encoding="utf-8")
    return folder


def test_a_page_that_kills_its_worker_every_time_is_rejected_alone_after_bounded_tries(tmp_path, monkeypatch):
    """Small pages are read several to a task: the batch that holds the
    poison page dies, its pages are tried one by one, and only that page is
    rejected (after a bounded number of tries: the run ends). One worker, and
    Dask gives a task up at its second death: the worker the page kills was
    just started again by its nanny, which used to be closed for good by
    Dask's LocalCluster 15 s after the first death (the run then waited
    forever); the nanny starts it every time, the watchdog is not needed."""
    import dask

    import dateline.corpus.cluster as cluster_module

    pages = write_pages(tmp_path / "pages", [f"story-{n:02d}" for n in range(14)] + ["story-09-poison"])
    expected = local_contents(tmp_path, [pages])
    monkeypatch.setattr(cluster_module, "TASK_SECONDS", 60.0)  # every page after the first ones in one task
    monkeypatch.setenv(CRASH_ENV, "worker-reads:story-09-poison.html")  # the workers inherit it
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        with cluster_reading(workers=1) as cluster:
            summary = ingest_home(tmp_path / "home", [pages], cluster)
            assert cluster.batch_files() == cluster_module.BATCH_FILES
            assert cluster.revivals == 0
    assert summary.stored == 14  # the poison page's batch-mates, read again alone
    got = home_contents(tmp_path / "home")
    poison = str(pages / "story-09-poison.html")
    assert got["rejects"] == [{"input": poison, "reason": "killed the Dask worker reading it every time it was "
                                                            "tried (a crash or out of memory); given up"}]
    assert expected["rejects"] == []  # read locally, the page is a story like the others
    assert len(expected["articles"]) == 15
    assert got["articles"] == [row for row in expected["articles"] if "number 15" not in row]


def test_a_local_cluster_left_without_workers_has_them_started_again(tmp_path, monkeypatch):
    """The watchdog: Dask's LocalCluster closes the nanny of a worker that
    died and has not come back after `lost-worker-timeout` (here at once), so
    the killed worker is never started again; after NO_WORKER_SECONDS without
    a worker the command starts the cluster's workers again (which have
    REVIVAL_SECONDS, 60, to connect) and the run ends with the home a local
    ingest gives."""
    import dateline.corpus.cluster as cluster_module

    pages = write_pages(tmp_path / "pages", [f"story-{n:02d}" for n in range(12)])
    expected = local_contents(tmp_path, [pages])
    monkeypatch.setattr(cluster_module, "TASK_SECONDS", 0.0)  # a task per page: most are read after the kill
    monkeypatch.setattr(cluster_module, "LOST_WORKER_TIMEOUT", "0s")
    monkeypatch.setattr(cluster_module, "NO_WORKER_SECONDS", 3.0)
    killed = []
    with cluster_reading(workers=1) as cluster:
        def kill_the_worker(summary, path):
            if not killed:
                killed.extend(cluster.client.run(os.getpid).values())
                os.kill(killed[0], signal.SIGKILL)

        summary = ingest_home(tmp_path / "home", [pages], cluster, progress=kill_the_worker)
        assert cluster.revivals == 1
        assert killed[0] not in cluster.client.run(os.getpid).values()  # a new worker process
    assert summary.stored == 12
    assert home_contents(tmp_path / "home") == expected


def test_a_cluster_without_workers_ends_with_one_line_and_the_next_run_completes_the_home(
        tmp_path, dask_processes, local_home, monkeypatch):
    """Nobody here can start the workers of a cluster given by address: after
    NO_WORKER_SECONDS_REMOTE without one, the command ends with one line
    naming the first file not stored, and the next run ingests the rest."""
    import dateline.corpus.cluster as cluster_module

    address, processes = dask_processes
    monkeypatch.setattr(cluster_module, "NO_WORKER_SECONDS_REMOTE", 3.0)

    def kill_the_workers(summary, path):
        for worker in processes[1:]:
            if worker.poll() is None:
                os.kill(worker.pid, signal.SIGKILL)
                worker.wait()

    with pytest.raises(IngestError, match=r"^no Dask worker connected for \d+ s; the files before (.+) are "
                                          r"stored: run the command again to ingest it and the rest$") as stalled:
        with cluster_reading(address, inputs="paths") as cluster:
            ingest_home(tmp_path / "cluster", INPUTS, cluster, progress=kill_the_workers)
    assert "\n" not in str(stalled.value)
    named = Path(re.search(r"the files before (.+) are stored", str(stalled.value)).group(1))
    assert named.is_file() and any(named.is_relative_to(i) for i in INPUTS)
    again = dateline(tmp_path / "cluster", "ingest", "--workers", "1", *map(str, INPUTS))
    assert again.exit_code == 3, again.output  # the section page rejected, as locally
    assert home_contents(tmp_path / "cluster") == local_home


@requires_reuters
def test_reuters_files_on_a_local_cluster_give_the_local_home(tmp_path):
    inputs = [REUTERS / "reut2-000.sgm"]
    expected = local_contents(tmp_path, inputs)
    result = dateline(tmp_path / "cluster", "ingest", "--workers", "2", *map(str, inputs))
    assert result.exit_code == 0, result.output
    assert home_contents(tmp_path / "cluster") == expected


@pytest.mark.corpus
@pytest.mark.skipif(not HTML_PAGES.exists(), reason=f"{HTML_PAGES} not found")
def test_real_html_pages_on_a_local_cluster_give_the_local_home(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    for page in sorted(HTML_PAGES.iterdir())[:12]:
        (pages / page.name).symlink_to(page)
    expected = local_contents(tmp_path, [pages])
    result = dateline(tmp_path / "cluster", "ingest", "--workers", "2", str(pages))
    assert result.exit_code == 0, result.output
    assert home_contents(tmp_path / "cluster") == expected


def in_a_terminal(*args: str) -> tuple[int, str]:
    """`dateline ARGS…` in its own process on a pseudo-terminal (stdin, stdout
    and stderr, 200 columns): its exit status and all it wrote there."""
    import fcntl
    import pty
    import struct
    import termios

    parent, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    process = subprocess.Popen([sys.executable, "-m", "dateline.search.cli", *args], stdin=child, stdout=child,
                               stderr=child, env={**os.environ, "TERM": "xterm", "COLUMNS": "200"})
    os.close(child)
    written = []
    while True:
        try:
            chunk = os.read(parent, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        written.append(chunk)
    os.close(parent)
    shown = b"".join(written).decode("utf-8", "replace")
    return process.wait(timeout=120), re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown)  # without colours and moves


def test_a_terminal_shows_the_cluster_and_the_progress_of_files_articles_and_rate(tmp_path, shared_scheduler):
    import importlib.util

    status, shown = in_a_terminal("--home", str(tmp_path / "home"), "ingest", "--cluster", shared_scheduler,
                                  *map(str, INPUTS))
    assert status == 3, shown[-2000:]  # the section page rejected, as locally
    assert f"Dask cluster {shared_scheduler}: 2 workers, inputs as paths (a shared filesystem)" in shown
    assert re.search(r"\b11 files, 46 articles, \d+ articles/s 2 workers articles.jsonl", shown), shown[-2000:]
    # The scheduler's dashboard is a page saying to install bokeh when bokeh is not there.
    has_bokeh = importlib.util.find_spec("bokeh") is not None
    assert bool(re.search(r", dashboard http://127\.0\.0\.1:\d+/status", shown)) == has_bokeh, shown[-2000:]
    assert "Ingested 11 files: 46 articles read" in shown


def test_piped_or_with_json_the_cluster_ingest_prints_only_its_result(tmp_path, shared_scheduler):
    piped = subprocess.run([sys.executable, "-m", "dateline.search.cli", "--home", str(tmp_path / "piped"),
                            "ingest", "--cluster", shared_scheduler, *map(str, INPUTS)],
                           capture_output=True, text=True, timeout=120)
    assert piped.returncode == 3, piped.stderr
    assert piped.stderr == ""
    assert piped.stdout.startswith("Ingested 11 files: 46 articles read")
    status, shown = in_a_terminal("--home", str(tmp_path / "json"), "ingest", "--cluster", shared_scheduler,
                                  "--json", *map(str, INPUTS))
    assert status == 3, shown[-2000:]
    assert json.loads(shown)["files"] == 11  # nothing but the JSON on the terminal
