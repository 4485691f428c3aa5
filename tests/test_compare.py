"""Compare: several queries' matches over time beside the archive's coverage,
one library call behind `dateline compare`, /compare and /api/compare."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from dateline.corpus.home import Home
from dateline.search.compare import compare
from dateline.search.engine import SearchError, search
from dateline.search.facets import bucket_end
from dateline.search.options import Filters
from dateline.search.web import create_app
from tests.helpers import NOW, dateline, indexed_cli_home


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory):
    return indexed_cli_home(tmp_path_factory, "compare")


@pytest.fixture(scope="module")
def client(cli_home):
    app = create_app(Home(cli_home), clock=lambda: NOW)
    yield app.test_client()
    app.extensions["dateline"].close()


def test_each_series_counts_the_articles_its_query_matches_per_bucket(archive):
    got = compare(archive, ["price", "person:lavrov"], now=NOW)
    for series in got.series:
        found = search(archive, series.query, limit=100, all_copies=True, now=NOW).hits
        dated = [h.article.date for h in found if h.article.date]
        assert series.total == len(found) and sum(series.counts) == len(dated)
    assert len(got.starts) == len(got.coverage) == len(got.series[0].counts)


def test_buckets_are_contiguous_and_coverage_counts_every_article_in_them(archive):
    got = compare(archive, ["price", "tag:climate"], now=NOW)
    assert got.bucket == "week"
    assert all((b - a).days == 7 for a, b in zip(got.starts, got.starts[1:]))  # gaps are zeros
    everything = search(archive, "*", limit=100, all_copies=True, now=NOW).hits
    last = bucket_end(got.starts[-1], got.bucket)
    in_span = [h for h in everything if h.article.date and got.starts[0] <= h.article.date.date() <= last]
    assert sum(got.coverage) == len(in_span)
    for series in got.series:
        assert all(c <= cover for c, cover in zip(series.counts, got.coverage))


def test_filters_apply_to_every_query_and_source_to_coverage(archive):
    unfiltered = compare(archive, ["price", "*"], now=NOW)
    filtered = compare(archive, ["price", "*"], Filters(source="Reuters"), now=NOW)
    assert filtered.series[1].total == search(archive, "*", source="Reuters", all_copies=True,
                                              now=NOW).total
    assert filtered.series[1].total < unfiltered.series[1].total
    assert filtered.series[1].counts == filtered.coverage  # '*' within the source is the coverage


@pytest.mark.parametrize("queries, message", [
    ([], "nothing to compare: give one to six queries"),
    (["a", "b", "c", "d", "e", "f", "g"], "at most 6 queries can be compared, not 7"),
])
def test_compare_bounds_the_number_of_queries(archive, queries, message):
    with pytest.raises(SearchError, match=re.escape(message)):
        compare(archive, queries, now=NOW)


def test_api_compare_is_the_cli_json_document(client, cli_home):
    api = client.get("/api/compare?q=price&q=person:lavrov&since=2014-09-01").get_json()
    cli = dateline(cli_home, "compare", "price", "person:lavrov", "--since", "2014-09-01", "--json")
    assert cli.exit_code == 0, cli.output
    assert api == json.loads(cli.stdout)
    assert set(api) == {"series", "coverage", "bucket"}
    assert set(api["series"][0]) == {"query", "total", "buckets"}
    assert set(api["series"][0]["buckets"][0]) == {"start", "count"}


def test_cli_csv_is_one_row_per_bucket_with_a_column_per_query(cli_home):
    result = dateline(cli_home, "compare", "price", "person:lavrov", "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    doc = json.loads(dateline(cli_home, "compare", "price", "person:lavrov", "--json").stdout)
    assert rows[0] == ["start", "price", "person:lavrov", "coverage"]
    assert [r[0] for r in rows[1:]] == [b["start"] for b in doc["coverage"]["buckets"]]
    assert [int(r[1]) for r in rows[1:]] == [b["count"] for b in doc["series"][0]["buckets"]]


def test_cli_compare_reports_a_bad_query_in_one_line(cli_home):
    result = dateline(cli_home, "compare", "price", "(oil")
    assert result.exit_code == 2
    assert result.stderr == "Error: unclosed parenthesis at column 1 of query: (oil\n"


def test_compare_page_draws_a_line_a_legend_and_axes_per_query(client):
    html = client.get("/compare?q=price&q=person:lavrov").get_data(as_text=True)
    assert html.count('<g class="series series-') == 2
    assert re.findall(r'<li><span class="swatch series-\d"', html) and 'href="/?q=price"' in html
    assert len(re.findall(r'class="point" href="/\?q=price&amp;since=', html)) == 15  # weeks
    assert 'class="y-axis"' in html and len(re.findall(r'text-anchor="middle">\d{4}-', html)) >= 3
    assert "<table>" in html  # every value, reachable without hovering


def test_compare_page_share_view_says_percent_of_coverage(client):
    html = client.get("/compare?q=price&q=person:lavrov&share=1").get_data(as_text=True)
    assert "as a share of all the archive" in html and "% of coverage" in html
    assert 'href="/compare?q=price&amp;q=person:lavrov">Show counts' in html


def test_compare_page_shows_a_bad_query_beside_the_form(client):
    response = client.get("/compare?q=price&q=(oil")
    assert response.status_code == 400
    assert "unclosed parenthesis" in response.get_data(as_text=True)
    assert client.get("/api/compare?q=(oil").get_json()["status"] == 400
