"""A home whose every article was rejected has an index with nothing in it:
every query, with every option, answers 0 results (CLI and web), never an
unexpected failure."""

from __future__ import annotations

import json

import pytest

from dateline.corpus import Home
from dateline.search.web.app import create_app
from tests.helpers import dateline

QUERIES = ["*", "oil", '"oil prices"', "oil date:2014", "date:last-7d", "NOT oil", "oil~1", "oi*",
           "person:lavrov", "place:paris OR source:reuters", "title:oil AND NOT gas"]
OPTIONS = [[], ["--sort", "newest"], ["--sort", "oldest"], ["--facets"], ["--all-copies"],
           ["--since", "2014-01-01"], ["--until", "2020"], ["--person", "x"]]


@pytest.fixture(scope="module")
def empty_home(tmp_path_factory):
    root = tmp_path_factory.mktemp("empty")
    crawl = root / "rejected.jsonl"
    crawl.write_text('{"title": "no body"}\n{"body": "no title"}\n')
    result = dateline(root / "home", "update", str(crawl))
    assert result.exit_code == 3 and "Indexed 0 articles" in result.output, result.output
    return root / "home"


@pytest.mark.parametrize("query", QUERIES)
def test_every_query_on_an_empty_index_finds_nothing(empty_home, query):
    for options in OPTIONS:
        result = dateline(empty_home, "search", query, "--json", *options)
        assert result.exit_code == 0, (options, result.output)
        data = json.loads(result.stdout)
        assert (data["total"], data["hits"]) == (0, []), options
    exported = dateline(empty_home, "search", query, "--format", "csv")
    assert exported.exit_code == 0 and len(exported.stdout.splitlines()) == 1  # the header only


def test_the_web_page_and_api_answer_an_empty_index(empty_home):
    client = create_app(Home(empty_home)).test_client()
    for query in QUERIES:
        for extra in ("", "&sort=newest", "&since=2014-01-01"):
            api = client.get(f"/api/search?q={query}{extra}")
            assert api.status_code == 200 and api.get_json()["total"] == 0, (query, extra)
            assert client.get(f"/?q={query}{extra}").status_code == 200, (query, extra)
