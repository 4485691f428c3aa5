"""Cached facet tables count exactly what Whoosh's generic facets count, and
the day histogram counts each article's UTC day as the store has it."""

from __future__ import annotations

from collections import Counter

import pytest
from whoosh import query as wq
from whoosh import sorting

from dateline.corpus import ArticleStore
from dateline.corpus.dates import to_utc
from dateline.index.whoosh_engine.execute import find_matches
from dateline.index.whoosh_engine.facet_counts import count_values
from dateline.search.facets import day_counts
from dateline.search.lower import lower
from dateline.search.parser import parse_query
from tests.helpers import NOW

FIELDS = ["person_facet", "place_facet", "source_facet", "tag_facet"]
QUERIES = ["*", "oil", "bank OR drought", "NOT oil", "date:2014"]


def matching(searcher, query: str):
    return find_matches(searcher, lower(parse_query(query, now=NOW))).ids


def whoosh_counts(searcher, docs, field: str) -> dict:
    facet = sorting.FieldFacet(field, allow_overlap=True, maptype=sorting.Count)
    chosen = wq.Or([wq.Term("id", searcher.stored_fields(d)["id"]) for d in docs.tolist()])
    results = searcher.search(chosen, limit=None, groupedby={"f": facet}, scored=False)
    return {k: v for k, v in results.groups("f").items() if k}


@pytest.mark.parametrize("query", QUERIES)
def test_counts_equal_whoosh_field_facets(whoosh_archive, query):
    searcher = whoosh_archive.reader()._searcher
    docs = matching(searcher, query)
    counts = count_values(searcher, docs, FIELDS)
    if query == "*":
        assert counts["place_facet"]  # the fixture has places
    for field in FIELDS:
        assert dict(counts[field]) == whoosh_counts(searcher, docs, field), field


@pytest.mark.parametrize("query", QUERIES)
def test_day_counts_are_the_stored_articles_utc_days(whoosh_archive, whoosh_home, query):
    searcher = whoosh_archive.reader()._searcher
    docs = matching(searcher, query)
    ids = {searcher.stored_fields(d)["id"] for d in docs.tolist()}
    with ArticleStore(whoosh_home.store_path, readonly=True) as store:
        expected = Counter(to_utc(a.date).date().isoformat() for a in store if a.id in ids and a.date)
    if query == "*":
        assert len(expected) > 3  # the fixture has dates
    assert day_counts(whoosh_archive.reader(), docs) == dict(expected)


def test_a_second_count_reuses_the_segment_tables(whoosh_archive):
    from dateline.index.whoosh_engine import facet_counts

    searcher = whoosh_archive.reader()._searcher
    count_values(searcher, matching(searcher, "*"), ["place_facet"])
    table = facet_counts._segment_table(searcher.reader(), "place_facet")
    count_values(searcher, matching(searcher, "oil"), ["place_facet"])
    assert facet_counts._segment_table(searcher.reader(), "place_facet") is table
