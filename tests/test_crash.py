"""Crash safety: a writer killed (SIGKILL) at any point leaves the previous
index searchable, and the next run makes store and index agree again.

Each test runs the real command in a subprocess and kills it at a named
point between two writes (`DATELINE_CRASH_AT`, see `index/faults.py`); one
bounded soak also kills at random moments, once the writer holds the home,
and checks that each kill really interrupted a running writer.
"""

from __future__ import annotations

import errno
import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dateline.corpus import ArticleStore, Home
from dateline.index import IndexLocation, rebuild_index, sync_index
from dateline.index.faults import CRASH_ENV, CRASH_POINTS
from tests.helpers import (REPO, applied_seq, dateline, index_ids, new_home, run_cli, store_ids,
                           write_articles)

UPDATE_POINTS = ("after-ingest", "before-index-commit", "after-index-commit")
REBUILD_POINTS = ("rebuild-midway", "after-rebuild-commit", "after-switch")


def _base_home(tmp_path, count: int = 40, engine: str = "whoosh") -> Path:
    return new_home(tmp_path / "home", write_articles(tmp_path / "base.jsonl", 0, count), engine)


def _assert_searchable(home: Path) -> int:
    """The live index opens and answers every kind of query; returns the total for `*`."""
    for query in ("*", "dispatch", '"dispatch number"', "source:wire", "date:2014-03",
                  "harbour OR flood", "title:report -grain"):
        result = dateline(home, "search", query, "--json")
        assert result.exit_code == 0, (query, result.output)
    return json.loads(dateline(home, "search", "*", "--json").stdout)["total"]


def _assert_agree(home: Path) -> None:
    assert index_ids(home) == store_ids(home)


def test_every_crash_point_is_exercised_by_a_test():
    watch_points = {"watch-news-before-commit", "after-watch-news"}  # tests/test_watches.py
    assert set(UPDATE_POINTS) | set(REBUILD_POINTS) | {"after-store-delete"} | watch_points == set(CRASH_POINTS)


@pytest.mark.parametrize("point", UPDATE_POINTS)
def test_update_killed_between_writes_then_rerun(tmp_path, point, engine):
    home = _base_home(tmp_path, engine=engine)
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    write_articles(crawl / "new.jsonl", 40, 20)
    write_articles(crawl / "changed.jsonl", 0, 5, version="revised")
    killed = run_cli(home, "update", str(crawl), env={CRASH_ENV: point})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert _assert_searchable(home) in (40, 60)  # the old index, or the whole new one
    rerun = run_cli(home, "update", str(crawl), "--json")
    assert rerun.returncode == 0, rerun.stderr
    _assert_searchable(home)
    _assert_agree(home)
    assert len(store_ids(home)) == 60
    assert json.loads(dateline(home, "search", "revised", "--json").stdout)["total"] == 5


def test_remove_killed_after_the_store_commit_then_rerun(tmp_path, engine):
    home = _base_home(tmp_path, engine=engine)
    killed = run_cli(home, "remove", "--source", "Wire 1", env={CRASH_ENV: "after-store-delete"})
    assert killed.returncode == -signal.SIGKILL
    assert _assert_searchable(home) == 40  # the index still has them, the store not
    rerun = run_cli(home, "index")  # any later write brings the index up to date
    assert rerun.returncode == 0, rerun.stderr
    _assert_agree(home)
    assert len(store_ids(home)) == 40 - 13


@pytest.mark.parametrize("point", REBUILD_POINTS)
def test_rebuild_killed_between_writes_keeps_a_searchable_index(tmp_path, point, engine):
    home = _base_home(tmp_path, engine=engine)
    killed = run_cli(home, "index", "--rebuild", env={CRASH_ENV: point})
    assert killed.returncode == -signal.SIGKILL
    assert _assert_searchable(home) == 40
    location = IndexLocation.in_home(home)
    live = location.current_dir()
    assert (live.name == "gen-000002") == (point == "after-switch")
    add = run_cli(home, "update", str(write_articles(tmp_path / "more.jsonl", 40, 3)))
    assert add.returncode == 0, add.stderr
    _assert_agree(home)
    leftovers = [g.name for g in location.generations() if g != location.current_dir()]
    assert leftovers == ([] if point != "after-switch" else ["gen-000001"])  # retired, kept a while


def _writer_started(home: Path, pid: int) -> bool:
    """The child holds the home's writer lock (its pid is in HOME/lock)."""
    try:
        return json.loads((home / "lock").read_text() or "{}").get("pid") == pid
    except (OSError, ValueError):
        return False


def _start_writer(args: list[str], home: Path) -> subprocess.Popen:
    """The command in a subprocess, returned once it holds the home (or has ended)."""
    proc = subprocess.Popen([sys.executable, "-m", "dateline.search.cli", "--home", str(home), *args],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not _writer_started(home, proc.pid) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    return proc


def _seconds_of_work(args: list[str], home: Path) -> float:
    """How long the command runs, uninterrupted, once it holds the home."""
    proc = _start_writer(args, home)
    started = time.monotonic()
    assert proc.wait() == 0
    return time.monotonic() - started


def _kill_at_random_moment(args: list[str], home: Path, rng: random.Random, within: float) -> bool:
    """Start the writer, wait until it holds the home, then SIGKILL it after a
    random delay of at most `within` seconds; True when the kill interrupted
    it (it had not finished)."""
    proc = _start_writer(args, home)
    time.sleep(rng.uniform(0.0, within))
    proc.send_signal(signal.SIGKILL)
    return proc.wait() == -signal.SIGKILL


def _processes_mentioning(text: str) -> list[int]:
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text.encode() in cmdline.read_bytes():
                pids.append(int(cmdline.parent.name))
        except OSError:
            pass
    return pids


@pytest.mark.slow
def test_a_randomized_soak_of_killed_updates_and_parallel_rebuilds(tmp_path, engine):
    """Four rounds (seeded): an update or a parallel rebuild killed at a named
    point chosen at random, or a parallel rebuild killed at a random moment
    once it holds the home (within 0.3 s, or half of what a whole rebuild
    takes when that is less: tantivy rebuilds these articles in well under a
    second). Every kill must interrupt a running writer; afterwards the index
    is searchable, killed workers do not linger, and a rerun makes store and
    index agree."""
    rng = random.Random(20250603)
    # above PARALLEL_MIN_ARTICLES: the Whoosh engine's parallel writer
    home = _base_home(tmp_path, count=2100, engine=engine)
    within = min(0.3, _seconds_of_work(["index", "--rebuild"], home) / 2)
    interrupted = []
    for round_number in range(4):
        crawl = write_articles(tmp_path / f"crawl{round_number}.jsonl", 10_000 + 100 * round_number, 100)
        rebuild = rng.random() < 0.5 or not round_number % 2
        args = ["index", "--rebuild"] if rebuild else ["update", str(crawl)]
        if round_number % 2:
            point = rng.choice(REBUILD_POINTS if rebuild else UPDATE_POINTS)
            killed = run_cli(home, *args, env={CRASH_ENV: point})
            interrupted.append((point, killed.returncode == -signal.SIGKILL))
        else:
            interrupted.append(("random moment", _kill_at_random_moment(args, home, rng, within)))
        _assert_searchable(home)
        if Path("/proc").exists():
            time.sleep(0.5)
            assert _processes_mentioning(str(home)) == []
        rerun = run_cli(home, "update", str(crawl))
        assert rerun.returncode == 0, rerun.stderr
        _assert_agree(home)
    assert all(done for _, done in interrupted), f"a kill came after the writer finished: {interrupted}"
    assert len(store_ids(home)) == 2100 + 4 * 100


# -- a full disk or an unwritable home: fault injection ----------------------

def _disk_full(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_disk_full_during_an_index_update_is_a_clear_error_and_harms_nothing(tmp_path, monkeypatch):
    home = _base_home(tmp_path)
    seq = applied_seq(home)
    from whoosh.filedb.structfile import StructFile

    with monkeypatch.context() as patch:
        patch.setattr(StructFile, "write", _disk_full)
        result = dateline(home, "update", str(write_articles(tmp_path / "b.jsonl", 40, 10)))
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: cannot write to {home}: No space left on device")
    assert applied_seq(home) == seq and _assert_searchable(home) == 40
    assert dateline(home, "index").exit_code == 0  # room again: the next run catches up
    _assert_agree(home)
    assert len(index_ids(home)) == 50


def test_disk_full_during_a_rebuild_keeps_the_old_index(tmp_path, monkeypatch):
    home = _base_home(tmp_path)
    location = IndexLocation.in_home(home)
    live = location.current_dir()
    from whoosh.filedb.structfile import StructFile

    with monkeypatch.context() as patch:
        patch.setattr(StructFile, "write", _disk_full)
        result = dateline(home, "index", "--rebuild")
    assert result.exit_code == 2 and "No space left on device" in result.output
    assert location.current_dir() == live
    assert [g.name for g in location.generations()] == [live.name]  # the partial one is gone
    assert _assert_searchable(home) == 40


def test_disk_full_while_storing_a_crawl_loses_nothing(tmp_path, monkeypatch):
    home = _base_home(tmp_path)

    def full(self):
        raise sqlite3.OperationalError("database or disk is full")

    with monkeypatch.context() as patch:
        patch.setattr(ArticleStore, "commit", full)
        result = dateline(home, "update", str(write_articles(tmp_path / "b.jsonl", 40, 10)))
    assert result.exit_code == 2
    assert result.output.startswith(
        f"Error: cannot write the store in {home}: database or disk is full")
    assert len(store_ids(home)) == 40  # the file's transaction was rolled back
    retry = dateline(home, "update", str(tmp_path / "b.jsonl"))  # not recorded: read again
    assert retry.exit_code == 0
    _assert_agree(home)
    assert len(store_ids(home)) == 50


def test_sync_after_a_failed_commit_reapplies_the_same_changes(tmp_path, monkeypatch):
    """The library level of the above: the Whoosh commit fails, the next sync redoes it."""
    home = Home(_base_home(tmp_path))
    location = IndexLocation.in_home(home.root)
    with ArticleStore(home.store_path) as store:
        store.delete(["art-3"])
        store.commit()
        from whoosh.writing import SegmentWriter

        with monkeypatch.context() as patch:
            patch.setattr(SegmentWriter, "_commit_toc", _disk_full)
            with pytest.raises(OSError):
                sync_index(store, location)
        assert "art-3" in index_ids(home.root)
        assert sync_index(store, location) == {"added_or_updated": 0, "deleted": 1}
        rebuild_index(store, location)
    _assert_agree(home.root)
