"""Versions recorded in the home: an older index asks for a rebuild, a newer
home is refused without a byte of it changing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from dateline.corpus.home import MANIFEST_NAME, dateline_version
from dateline.index import IndexLocation
from dateline.index.generations import read_meta, write_meta
from dateline.index.schema import SCHEMA_VERSION
from tests.helpers import index_ids, dateline, store_ids, write_articles


def _snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _home_with_articles(tmp_path) -> Path:
    home = tmp_path / "home"
    assert dateline(home, "update", str(write_articles(tmp_path / "a.jsonl", 0, 8))).exit_code == 0
    return home


def _set_live_schema(home: Path, schema: int) -> None:
    gen_dir = IndexLocation.in_home(home).current_dir()
    write_meta(gen_dir, {**read_meta(gen_dir), "schema": schema})


def test_a_write_records_the_formats_and_the_dateline_version(tmp_path):
    home = _home_with_articles(tmp_path)
    manifest = json.loads((home / MANIFEST_NAME).read_text())
    assert manifest == {"home_format": 1, "store_format": 1, "index_schema": SCHEMA_VERSION,
                        "dateline": dateline_version()}


def test_a_home_from_a_newer_dateline_is_refused_and_left_untouched(tmp_path):
    home = _home_with_articles(tmp_path)
    manifest = json.loads((home / MANIFEST_NAME).read_text())
    (home / MANIFEST_NAME).write_text(json.dumps({**manifest, "store_format": 9, "dateline": "9.0"}))
    (home / "lock").unlink()  # the lock file's text is rewritten by every writer: leave it out
    before = _snapshot(home)
    newer = write_articles(tmp_path / "b.jsonl", 100, 3)
    for args in (["update", str(newer)], ["ingest", str(newer)], ["index", "--rebuild"],
                 ["remove", "--id", "art-1"], ["index", "--optimize"], ["search", "report"]):
        result = dateline(home, *args)
        assert result.exit_code == 2, args
        assert "written by a newer Dateline (9.0, store_format 9" in result.output
        assert "upgrade Dateline" in result.output
    after = _snapshot(home)
    after.pop("lock", None)
    assert after == before


def test_an_index_with_a_newer_schema_is_refused_even_by_rebuild(tmp_path):
    home = _home_with_articles(tmp_path)
    _set_live_schema(home, SCHEMA_VERSION + 1)
    gens = sorted(p.name for p in (home / "index").iterdir())
    for args in (["search", "report"], ["index", "--rebuild"], ["update", str(tmp_path / "a.jsonl")]):
        result = dateline(home, *args)
        assert result.exit_code == 2
        assert f"written by a newer Dateline (schema {SCHEMA_VERSION + 1}" in result.output
    assert sorted(p.name for p in (home / "index").iterdir()) == gens


def test_an_older_index_asks_for_a_rebuild_which_fixes_it(tmp_path):
    home = _home_with_articles(tmp_path)
    _set_live_schema(home, 0)
    result = dateline(home, "search", "report")
    assert result.exit_code == 2
    assert result.output.startswith(
        f"Error: the index in {home} has schema 0, this Dateline needs {SCHEMA_VERSION}: "
        "run 'dateline index --rebuild'")
    update = dateline(home, "update", str(write_articles(tmp_path / "b.jsonl", 100, 2)))
    assert update.exit_code == 2 and "run 'dateline index --rebuild'" in update.output
    assert "art-100" not in store_ids(home)  # refused before ingesting anything
    assert dateline(home, "index", "--rebuild").exit_code == 0
    assert dateline(home, "search", "report").exit_code == 0
    assert index_ids(home) == store_ids(home)


def test_an_index_ahead_of_its_store_asks_for_a_rebuild(tmp_path):
    home = _home_with_articles(tmp_path)
    gen_dir = IndexLocation.in_home(home).current_dir()
    write_meta(gen_dir, {**read_meta(gen_dir), "applied_seq": 10_000})
    result = dateline(home, "index")
    assert result.exit_code == 2
    assert "reflects changes the store does not have" in result.output
    assert "run 'dateline index --rebuild'" in result.output
