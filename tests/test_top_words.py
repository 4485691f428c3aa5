"""Top words (JLH over every match), "more" of each facet, and former states
folded into their successor as the gazetteer maps them."""

from __future__ import annotations

import json
import re

import pytest

from dateline.corpus.home import Home
from dateline.search.engine import SearchError, search
from dateline.search.facets import _former_states
from dateline.search.web import create_app
from tests.helpers import NOW, dateline, indexed_cli_home


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory):
    return indexed_cli_home(tmp_path_factory, "words")


@pytest.fixture(scope="module")
def client(cli_home):
    app = create_app(Home(cli_home), clock=lambda: NOW)
    yield app.test_client()
    app.extensions["dateline"].close()


def jlh(in_results: int, results: int, in_archive: int, archive: int) -> float:
    fg, bg = in_results / results, in_archive / archive
    return (fg - bg) * (fg / bg)


def test_top_words_are_scored_by_jlh_over_every_match(archive):
    results = search(archive, "person:lavrov", facets=True, now=NOW)
    words = {w["value"]: w for w in results.facets["words"]}
    everything = search(archive, "*", limit=100, all_copies=True, now=NOW)
    archive_size = everything.total_articles
    for word in ("syria", "minister"):
        holding = search(archive, f"person:lavrov {word}", all_copies=True, now=NOW).total_articles
        anywhere = sum(word in re.findall(r"\w+", h.article.body.lower()) for h in everything.hits)
        assert words[word]["count"] == holding
        assert words[word]["score"] == round(jlh(holding, results.total_articles, anywhere, archive_size), 4)
    scores = [w["score"] for w in results.facets["words"]]
    assert scores == sorted(scores, reverse=True)


def test_the_querys_own_words_are_not_top_words(archive):
    words = [w["value"] for w in search(archive, "price", facets=True, now=NOW).facets["words"]]
    assert words and "price" not in words and "prices" not in words
    assert "oil" in words  # two of the four results are about oil, one in twelve elsewhere


def test_a_query_matching_everything_has_no_distinguishing_words(archive):
    assert search(archive, "*", facets=True, now=NOW).facets["words"] == []


class _CountingReader:
    """An engine reader that records whether words were counted."""

    def __init__(self, reader):
        self._reader, self.counted = reader, 0

    def __getattr__(self, name):
        return getattr(self._reader, name)

    def word_document_counts(self, matches, least=1):
        self.counted += 1
        return self._reader.word_document_counts(matches, least)


def test_matches_that_are_the_whole_archive_are_answered_without_counting_words(archive):
    from dateline.search.engine import build_tree, find_matches
    from dateline.search.options import Filters
    from dateline.search.top_words import top_words

    reader = _CountingReader(archive.reader())
    everything = find_matches(reader, build_tree("*", Filters(), now=NOW))
    assert len(everything) == reader.doc_count()
    assert top_words(reader, everything) == [] and reader.counted == 0
    # Most of the archive, but not all: the words of the rest still set it apart.
    most = find_matches(reader, build_tree("* -syria", Filters(), now=NOW))
    assert len(most) > reader.doc_count() / 2
    assert top_words(reader, most) and reader.counted == 1


def test_top_words_are_counted_only_for_searches_that_show_them(archive, cli_home, monkeypatch):
    import dateline.search.facets as facets

    plain = search(archive, "person:lavrov", facets=True, now=NOW).facets
    without = search(archive, "person:lavrov", facets=True, top_words=False, now=NOW).facets
    assert plain["words"] and without["words"] == []
    assert {k: v for k, v in plain.items() if k != "words"} == {k: v for k, v in without.items() if k != "words"}
    counted = []
    monkeypatch.setattr(facets, "top_words", lambda *a, **k: counted.append(a) or [])
    app = create_app(Home(cli_home), clock=lambda: NOW, cache_size=0)
    assert app.test_client().get("/?q=person:lavrov").status_code == 200
    assert len(counted) == 1  # the results' own; not the histogram's coverage nor the summary
    app.extensions["dateline"].close()


def test_facet_size_asks_for_more_values_and_is_bounded(archive):
    few = search(archive, "*", facets=True, facet_size=2, now=NOW).facets
    many = search(archive, "*", facets=True, facet_size=100, now=NOW).facets
    assert len(few["places"]) == 2 and len(many["places"]) > 2
    assert many["places"][:2] == few["places"]
    with pytest.raises(SearchError, match="facets must be between 1 and 100, not 101"):
        search(archive, "*", facets=True, facet_size=101, now=NOW)


def test_cli_facets_takes_a_number_and_alone_means_ten(cli_home):
    assert "places: " in dateline(cli_home, "search", "*", "--facets").stdout
    two = dateline(cli_home, "search", "*", "--facets", "2").stdout
    [places] = [line for line in two.splitlines() if line.strip().startswith("places:")]
    assert places.count("(") == 2


def test_api_facets_are_the_cli_json_facets(client, cli_home):
    api = client.get("/api/search?q=person:lavrov&facets=3").get_json()
    cli = json.loads(dateline(cli_home, "search", "person:lavrov", "--json", "--facets", "3").stdout)
    assert api["facets"] == cli["facets"]
    assert len(api["facets"]["words"]) == 3
    assert set(api["facets"]["words"][0]) == {"value", "count", "score"}


def test_the_page_shows_top_words_and_a_more_link_per_facet(client):
    html = client.get("/?q=*&facets=2").get_data(as_text=True)
    assert 'href="/?q=*&amp;facets=100#facet-places"' in html
    html = client.get("/?q=person:lavrov").get_data(as_text=True)
    assert "Top words" in html and re.search(r'href="/\?q=person:lavrov\+syria"', html)
    more = client.get("/?q=*&facets=100").get_data(as_text=True)
    assert "Fewer places" in more


def test_a_former_state_is_folded_into_its_successor():
    places = {"Germany": 40, "West Germany": 38, "East Germany": 2, "France": 7, "Soviet Union": 5}
    former = _former_states(places)
    assert places == {"Germany": 40, "France": 7, "Soviet Union": 5}  # no Russia: kept
    assert former == {"Germany": [{"value": "West Germany", "count": 38},
                                  {"value": "East Germany", "count": 2}]}


def test_the_top_words_bench_runs_and_reports_against_the_name_facets(archive, capsys):
    from bench.top_words import QUERIES, run

    worst = run(archive.reader(), repeat=1)
    out = capsys.readouterr().out
    assert "table build" in out and f"worst p95 {worst:.1f} ms" in out
    assert len([line for line in out.splitlines() if line.endswith("x")]) == len(QUERIES)
