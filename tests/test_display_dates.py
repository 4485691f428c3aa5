"""Dates shown to a user are in the home's zone, the zone the date filters use."""

import json

import pytest

from dateline.corpus.home import Home
from dateline.search.web import create_app
from tests.helpers import dateline


RECORD = {"id": "late-ferry", "title": "Late ferry reaches the island after the storm",
          "body": "The last ferry of the evening docked two hours late after the storm "
                  "closed the harbour mouth for most of the afternoon.",
          "date": "2025-03-31T23:30:00-05:00", "source": "Island Post"}


@pytest.fixture(scope="module")
def late_home(tmp_path_factory):
    root = tmp_path_factory.mktemp("dates")
    crawl = root / "crawl.jsonl"
    crawl.write_text(json.dumps(RECORD) + "\n")
    home = root / "home"
    assert dateline(str(home), "ingest", str(crawl)).exit_code == 0
    assert dateline(str(home), "index").exit_code == 0
    return home


def search_lines(home, *args, env=None):
    result = dateline(str(home), "search", *args, env=env or {})
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def test_a_hit_is_listed_on_the_day_the_date_filter_finds_it(late_home):
    lines = search_lines(late_home, "date:2025-04-01")
    assert lines[0].startswith("1 result for date:2025-04-01")
    assert "1. Late ferry reaches the island after the storm  [2025-04-01 · Island Post]" in lines


def test_a_hit_is_listed_on_its_day_in_the_configured_zone(late_home):
    lines = search_lines(late_home, "date:2025-03-31", env={"DATELINE_TZ": "America/Chicago"})
    assert "1. Late ferry reaches the island after the storm  [2025-03-31 · Island Post]" in lines


def test_the_web_page_shows_the_day_the_date_filter_finds(late_home):
    app_ = create_app(Home(late_home))
    try:
        client = app_.test_client()
        listing = client.get("/?q=date:2025-04-01").get_data(as_text=True)
        assert ">1 Apr 2025</time>" in listing
        article = client.get("/article/late-ferry").get_data(as_text=True)
        assert ">1 April 2025, 04:30 UTC</time>" in article
        assert "(published as 2025-03-31 23:30-05:00)" in article
    finally:
        app_.extensions["dateline"].close()


def test_the_web_page_reads_dates_in_the_configured_zone(late_home, monkeypatch):
    monkeypatch.setenv("DATELINE_TZ", "America/Chicago")
    app_ = create_app(Home(late_home))
    try:
        listing = app_.test_client().get("/?q=date:2025-03-31").get_data(as_text=True)
        assert ">31 Mar 2025</time>" in listing
    finally:
        app_.extensions["dateline"].close()
