"""The engine finds exactly what plain Whoosh finds on a textbook index of the
same articles (tests/whoosh_reference.py), with the same BM25F scores, and
orders by date as Whoosh's sorting does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from whoosh import query as wq

from dateline.corpus import ArticleStore, Home
from dateline.search.archive import Archive
from dateline.index.matches import rank
from dateline.search.lower import lower
from dateline.search.parser import parse_query
from tests.helpers import NOW
from tests.helpers import dateline, write_articles
from tests.whoosh_reference import build_reference, sort_facet, to_whoosh

QUERIES = [
    "*", "oil", "price", "bank OR drought", "NOT oil", "oil -supply", "bank -(england OR kenya)",
    '"bank of england"', '"central bank"', '"bank england"~1', '"bank england"~3',
    '"central bank" OR oil', "title:bank", 'title:"bank of england"', "oil*", "ban*", "title:ban*",
    "person:lavrov", 'person:"sergey lavrov"', "place:syria", 'place:"united kingdom"',
    "place:(syria OR kenya)", "source:reuters", "tag:energy", "U.S.", "site:example.com",
    "date:2014", "date:2014-09", "date:2014-09-01..2014-10-15", "date:<2015", "date:2014-09..",
    "bank date:2014", '"central bank" place:"united kingdom" date:2014-01..2015-12',
    "(oil OR bank) AND NOT date:2014", "zzzunknownword", '"unknown phrase words"',
]


@pytest.fixture(scope="module")
def reference_searcher(fixture_home, tmp_path_factory):
    with ArticleStore(fixture_home.store_path, readonly=True) as store:
        ix = build_reference(list(store), tmp_path_factory.mktemp("reference"))
    with ix.searcher() as searcher:
        yield searcher


def reference(searcher, query: str) -> dict[str, float]:
    wquery = to_whoosh(parse_query(query, now=NOW))
    return {hit["id"]: hit.score for hit in searcher.search(wquery, limit=None)}


def found(reader, query: str) -> dict[str, float]:
    matches = reader.match(lower(parse_query(query, now=NOW)))
    assert list(matches.ids) == sorted(set(matches.ids.tolist()))  # ascending, unique
    ids = reader.article_ids(matches.ids.tolist())
    return dict(zip(ids, matches.scores.tolist()))


def assert_same(reader, reference_searcher, query: str, *, scores: bool = True) -> None:
    expected, got = reference(reference_searcher, query), found(reader, query)
    assert set(got) == set(expected), query
    if scores:
        for article, score in expected.items():
            assert got[article] == pytest.approx(score, rel=1e-6), (query, article)


@pytest.mark.parametrize("query", QUERIES)
def test_matches_equal_plain_whoosh_and_whoosh_scores_too(archive, reference_searcher, query,
                                                          engine):
    # tantivy scores by its own BM25: the same articles, its own ranking.
    assert_same(archive.reader(), reference_searcher, query, scores=engine == "whoosh")


def test_the_fixture_queries_find_something(archive):
    # Guard against a fixture that makes the comparison above vacuous.
    searcher = archive.reader()
    for query in ('"bank of england"', "oil*", "person:lavrov", "date:2014-09..", "NOT oil",
                  "price"):
        assert found(searcher, query), query


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_date_order_equals_whoosh_sorting_with_undated_last(archive, reference_searcher, sort):
    searcher = archive.reader()
    tree = parse_query("*", now=NOW)
    matches = searcher.match(lower(tree))
    order = searcher.article_ids(matches.ids[rank(matches, sort, searcher.date_values)].tolist())
    dated = {h["id"] for h in reference_searcher.search(wq.Every("date"), limit=None)}
    assert 0 < len(dated) < len(order)  # the fixture has undated articles
    assert set(order[: len(dated)]) == dated  # undated articles come last
    whoosh_order = [h["id"] for h in reference_searcher.search(to_whoosh(tree), limit=None,
                                                               sortedby=sort_facet(sort))]
    assert [a for a in order if a in dated] == [a for a in whoosh_order if a in dated]


def test_segments_and_deletions_give_the_same_answers_as_whoosh(tmp_path):
    home = tmp_path / "home"
    assert dateline(home, "update", str(write_articles(tmp_path / "a.jsonl", 0, 40))).exit_code == 0
    assert dateline(home, "update", str(write_articles(tmp_path / "b.jsonl", 40, 10))).exit_code == 0
    assert dateline(home, "remove", "--id", "art-3", "--id", "art-44").exit_code == 0
    with Archive(Home(Path(home))) as archive, ArticleStore(Home(Path(home)).store_path) as store:
        searcher = archive.reader()
        assert searcher.segment_count() > 1  # the case this test is for
        ix = build_reference(list(store), tmp_path / "reference")
        with ix.searcher() as reference_searcher:
            for query in ("*", "dispatch", "report OR number", '"dispatch number"',
                          "date:2014-03", "NOT date:2014-03", "dis*"):
                # Deleted articles still count in the index's statistics (as in
                # Whoosh), not in a fresh reference: the same matches, other scores.
                assert_same(searcher, reference_searcher, query, scores=False)
        everything = searcher.match(lower(parse_query("*", now=NOW)))
        stored = set(searcher.article_ids(everything.ids.tolist()))
        assert len(stored) == 48 and not {"art-3", "art-44"} & stored


def test_ties_are_ordered_by_document_number(archive):
    searcher = archive.reader()
    matches = searcher.match(lower(parse_query("date:2014", now=NOW)))  # all score 0
    assert len(matches) > 1 and np.all(matches.scores == 0)
    assert matches.ids[rank(matches, "relevance", searcher.date_values)].tolist() == matches.ids.tolist()
