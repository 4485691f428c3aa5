"""Cached facet tables count exactly what Whoosh's generic facets count."""

from __future__ import annotations

import pytest
from whoosh import sorting

import numpy as np

from search.facet_counts import count_values
from search.parser import parse_query
from tests.conftest import NOW
from tests.whoosh_reference import to_whoosh

FIELDS = ["person_facet", "place_facet", "source_facet", "tag_facet", "day"]


def matching(searcher, wquery) -> np.ndarray:
    return np.array(sorted(searcher.docs_for_query(wquery)), dtype=np.int64)


def whoosh_counts(searcher, wquery, field: str) -> dict:
    facet = sorting.FieldFacet(field, allow_overlap=True, maptype=sorting.Count)
    results = searcher.search(wquery, limit=None, groupedby={"f": facet}, scored=False)
    return {k: v for k, v in results.groups("f").items() if k}


@pytest.mark.parametrize("query", ["*", "oil", "bank OR drought", "NOT oil", "date:2014"])
def test_counts_equal_whoosh_field_facets(archive, query):
    searcher = archive.searcher()
    wquery = to_whoosh(parse_query(query, now=NOW))
    counts = count_values(searcher, matching(searcher, wquery), FIELDS)
    if query == "*":
        assert counts["place_facet"] and counts["day"]  # the fixture has places and dates
    for field in FIELDS:
        assert dict(counts[field]) == whoosh_counts(searcher, wquery, field), field


def test_a_second_count_reuses_the_segment_tables(archive):
    from search import facet_counts

    searcher = archive.searcher()
    everything = to_whoosh(parse_query("*", now=NOW))
    count_values(searcher, matching(searcher, everything), ["place_facet"])
    table = facet_counts._TABLES[searcher.reader()]["place_facet"]
    oil = to_whoosh(parse_query("oil", now=NOW))
    count_values(searcher, matching(searcher, oil), ["place_facet"])
    assert facet_counts._TABLES[searcher.reader()]["place_facet"] is table
