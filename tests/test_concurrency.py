"""Searches from other processes during updates, rebuilds and merges never
fail and never see a partial state."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from tests.helpers import REPO, index_ids, new_home, run_cli, store_ids, write_articles

BASE, BATCH, UPDATES = 400, 50, 4

# A reader in its own process: searches until told to stop, and reports every
# total it saw and every error. "fresh" opens the home for each search, as the
# CLI does; "long" keeps one Archive that follows commits, as the web server does.
READER = textwrap.dedent("""
    import json, sys, pathlib
    from dateline.corpus import Home
    from dateline.search.archive import Archive
    from dateline.search.engine import search
    home, mode, stop = Home(pathlib.Path(sys.argv[1])), sys.argv[2], pathlib.Path(sys.argv[3])
    seen, errors, gaps = [], [], []
    archive = Archive(home) if mode == "long" else None
    while True:
        last = stop.exists()  # one more search after the stop: the final state is seen
        try:
            current = archive or Archive(home)
            every = search(current, "*", limit=1000, sort="newest", facets=True)
            ids = {int(hit.article.id[4:]) for hit in every.hits}
            if ids != set(range(every.total)):  # batches are added whole, in id order
                gaps.append(every.total)
            # Every article has the phrase; a later search may see more, never fewer.
            phrase = search(current, '"dispatch number"', limit=5)
            if phrase.total < every.total or phrase.total % 50:
                gaps.append(("phrase", phrase.total, every.total))
            seen.append(every.total)
            if current is not archive:
                current.close()
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        if last:
            break
    print(json.dumps({"seen": seen, "errors": errors[:5], "gaps": gaps[:5]}))
""")


@pytest.mark.slow
def test_searches_during_updates_rebuilds_and_merges_never_fail_or_see_half(tmp_path, engine):
    home = new_home(tmp_path / "home", write_articles(tmp_path / "base.jsonl", 0, BASE), engine)
    stop = tmp_path / "stop"
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(home), mode, str(stop)],
                                cwd=REPO, stdout=subprocess.PIPE, text=True)
               for mode in ("fresh", "long")]
    try:
        for n in range(UPDATES):
            batch = write_articles(tmp_path / f"u{n}.jsonl", BASE + n * BATCH, BATCH)
            assert run_cli(home, "update", str(batch)).returncode == 0
            if n == 1:
                assert run_cli(home, "index", "--rebuild").returncode == 0
            if n == 2:
                assert run_cli(home, "index", "--optimize").returncode == 0
    finally:
        stop.touch()
        reports = [json.loads(reader.communicate(timeout=60)[0]) for reader in readers]
    final = BASE + UPDATES * BATCH
    for report in reports:
        assert report["errors"] == [] and report["gaps"] == []
        assert len(report["seen"]) > 10
        assert set(report["seen"]) <= {BASE + n * BATCH for n in range(UPDATES + 1)}
        assert report["seen"] == sorted(report["seen"])  # never back to an older state
    assert reports[1]["seen"][-1] == final  # the long-lived reader followed every commit
    assert index_ids(home) == store_ids(home) and len(store_ids(home)) == final
