"""Date filters from cached per-segment sets answer exactly what the plain
filter answers, and never a document removed or replaced since."""

from __future__ import annotations

from pathlib import Path

from corpus import Home
from search import filter_cache
from search.archive import Archive
from search.engine import search
from tests.conftest import NOW
from tests.test_update import invoke, write_articles


def ids(archive, query) -> set[str]:
    return {h.article.id for h in search(archive, query, limit=500, all_copies=True, now=NOW).hits}


def test_a_long_lived_archive_never_finds_a_removed_article_by_date(tmp_path):
    home = tmp_path / "home"
    assert invoke(home, "update", str(write_articles(tmp_path / "a.jsonl", 0, 40))).exit_code == 0
    with Archive(Home(Path(home))) as archive:
        everything = ids(archive, "date:2000..2100")
        assert len(everything) == 40
        assert ids(archive, "date:2000..2100") == everything  # now from the cache
        assert any(filter_cache._PARTS.get(s.reader()) for s, _ in archive.searcher().leaf_searchers())
        assert invoke(home, "remove", "--id", "art-3", "--id", "art-17").exit_code == 0
        assert ids(archive, "date:2000..2100") == everything - {"art-3", "art-17"}
        assert invoke(home, "update", str(write_articles(tmp_path / "b.jsonl", 40, 5))).exit_code == 0
        assert len(ids(archive, "date:2000..2100")) == 43


def test_cached_filter_matches_what_the_uncached_union_matches(archive):
    from whoosh import query as wq

    from search.compile import to_whoosh
    from search.parser import parse_query

    searcher = archive.searcher()
    for query in ("date:2014", "date:2014-09-01..2014-10-15", "date:<2015", "date:2014-09.."):
        cached = to_whoosh(parse_query(query, now=NOW))
        plain = wq.ConstantScoreQuery(wq.Or(list(cached.parts)), score=0.0)
        assert sorted(searcher.docs_for_query(cached)) == sorted(searcher.docs_for_query(plain))
        assert sorted(searcher.docs_for_query(cached))  # the fixture has dated articles
