"""Date filters come from each segment's date column, read once and kept
while the segment lives: a long-lived archive must never answer from a
column with a document removed or replaced since."""

from __future__ import annotations

from pathlib import Path

from dateline.corpus import Home
from dateline.index.whoosh_engine import postings
from dateline.search.archive import Archive
from dateline.search.engine import search
from tests.helpers import NOW
from tests.helpers import dateline, write_articles


def ids(archive, query) -> set[str]:
    return {h.article.id for h in search(archive, query, limit=500, all_copies=True, now=NOW).hits}


def test_a_long_lived_archive_never_finds_a_removed_article_by_date(tmp_path):
    home = tmp_path / "home"
    assert dateline(home, "update", str(write_articles(tmp_path / "a.jsonl", 0, 40))).exit_code == 0
    with Archive(Home(Path(home))) as archive:
        everything = ids(archive, "date:2000..2100")
        assert len(everything) == 40
        assert ids(archive, "date:2000..2100") == everything  # now from the cache
        assert any("date" in postings._SEGMENTS[r]._columns
                   for r, _ in archive.reader()._searcher.reader().leaf_readers())
        assert dateline(home, "remove", "--id", "art-3", "--id", "art-17").exit_code == 0
        assert ids(archive, "date:2000..2100") == everything - {"art-3", "art-17"}
        assert dateline(home, "update", str(write_articles(tmp_path / "b.jsonl", 40, 5))).exit_code == 0
        assert len(ids(archive, "date:2000..2100")) == 43
