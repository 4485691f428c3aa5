"""One writer at a time: a second writer stops at once and names the first;
a lock left by a dead process is no obstacle."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from dateline.corpus.home import HomeBusy, WriterLock
from tests.helpers import FIXTURES, build_home
from tests.helpers import REPO, run_cli, write_articles

HOLD_LOCK = textwrap.dedent("""
    import sys, time
    from dateline.corpus.home import WriterLock
    lock = WriterLock(sys.argv[1], command="dateline update crawl/")
    lock.acquire()
    print("held", flush=True)
    time.sleep(60)
""")


@pytest.fixture()
def holder(tmp_path):
    """Another process holding the home's lock (killed with SIGKILL afterwards)."""
    home = tmp_path / "home"
    proc = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(home)], cwd=REPO,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    yield home, proc
    proc.kill()
    proc.wait()


def test_a_second_writer_is_refused_at_once_naming_the_first(holder, tmp_path):
    home, proc = holder
    crawl = write_articles(tmp_path / "a.jsonl", 0, 3)
    for args in (["update", str(crawl)], ["ingest", str(crawl)], ["index", "--rebuild"],
                 ["remove", "--id", "x"]):
        result = run_cli(home, *args, timeout=30)
        assert result.returncode == 2, args
        assert result.stderr.startswith(
            f"Error: another Dateline process (pid {proc.pid}, 'dateline update crawl/') "
            f"is writing to {home}; wait for it to finish and try again"), result.stderr
    assert not (home / "articles.sqlite").exists()  # nothing was written by the refused ones


def test_searching_does_not_need_the_lock(holder, tmp_path):
    home, _ = holder
    build_home(home, FIXTURES / "articles.jsonl")  # the library does not lock; commands do
    result = run_cli(home, "search", "*", "--json")
    assert result.returncode == 0 and '"total": 12' in result.stdout


def test_a_lock_left_by_a_killed_process_is_cleared(holder):
    home, proc = holder
    with pytest.raises(HomeBusy):
        WriterLock(home).acquire()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with WriterLock(home, command="dateline index") as lock:
        assert lock.held
        assert f'"pid": {os.getpid()}' in (home / "lock").read_text()


def test_the_same_process_cannot_take_the_lock_twice(tmp_path):
    with WriterLock(tmp_path):
        with pytest.raises(HomeBusy):
            WriterLock(tmp_path).acquire()
    with WriterLock(tmp_path):  # released on exit
        pass


def test_a_forked_child_does_not_keep_the_lock_after_its_parent(tmp_path):
    lock = WriterLock(tmp_path)
    lock.acquire()
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child outlives the parent's hold on the lock
        os.write(ready_w, b"x")  # the fork handlers have run by now
        time.sleep(5)
        os._exit(0)
    try:
        assert os.read(ready_r, 1) == b"x"
        lock.release()
        with WriterLock(tmp_path):
            pass  # would raise HomeBusy if the child had inherited the lock
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
