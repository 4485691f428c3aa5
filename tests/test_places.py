"""`place:` by any name the gazetteer knows: read once when the query is read,
so the CLI, the filters, the web page and every engine search the same values."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dateline.search.engine import search
from dateline.search.parser import parse_query
from dateline.search.places import PlaceName, resolve_place
from dateline.search.query import Phrase, Term
from tests.conftest import NOW, dateline, indexed_cli_home

UK = {"boe-holds", "bank-in-england", "england-bank-central"}


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory):
    return indexed_cli_home(tmp_path_factory, "places")


@pytest.mark.parametrize("typed,value", [
    ("uk", "United Kingdom"), ("U.K.", "United Kingdom"), ("britain", "United Kingdom"),
    ("United Kingdom", "United Kingdom"), ("british", "United Kingdom"),  # an adjective
    ("usa", "United States"), ("u.s.", "United States"), ("U.S.A.", "United States"),
    ("ussr", "Soviet Union"), ("U.S.S.R.", "Soviet Union"),  # a former state, its own value
    ("west-germany", "West Germany"), ("french", "France"), ("holland", "Netherlands"),
])
def test_a_place_resolves_to_its_canonical_value(typed, value):
    assert resolve_place(typed) == value


def test_cities_and_unknown_names_are_left_as_typed():
    assert resolve_place("moscow") is None and resolve_place("atlantis") is None
    assert parse_query("place:moscow") == Term("moscow", "place")
    assert parse_query("place:kingdom") == Term("kingdom", "place")  # a word of a place's name


def test_the_tree_holds_what_the_place_resolved_to():
    assert parse_query("place:uk") == PlaceName((Phrase("United Kingdom", "place"),), text="uk")
    assert parse_query('place:"u.s."') == PlaceName((Phrase("United States", "place"),),
                                                    text="u.s.")


def test_a_place_by_any_of_its_names_finds_the_same_articles(ids):
    assert ids("place:uk") == ids("place:britain") == ids('place:"united kingdom"') == UK
    assert ids("place:u.k.") == ids("places:British") == ids("place:(uk OR atlantis)") == UK


def test_the_place_option_resolves_the_same_way(ids, archive):
    assert ids("*", place="uk") == ids("*", place="Britain") == ids("*", place="United Kingdom") == UK
    assert "Place('uk' -> 'United Kingdom')" in search(archive, "*", place="uk", now=NOW).tree.explain()


def test_explain_shows_what_a_place_resolved_to(cli_home):
    result = dateline(cli_home, "explain", "wheat place:ussr")
    assert result.exit_code == 0
    assert "Place('ussr' -> 'Soviet Union')" in result.stdout


def test_did_you_mean_offers_a_place_name_not_a_letter_of_one(archive):
    assert search(archive, "place:brittain", now=NOW).suggestion == "place:britain"
    assert search(archive, "place:usa", now=NOW).suggestion is None  # resolved: no 'place:u'
    assert search(archive, "place:(kenia OR brazil)", now=NOW).suggestion == "place:(kenya OR brazil)"


def test_web_place_filter_resolves_names(cli_home):
    from dateline.corpus.home import Home
    from dateline.search.web import create_app

    app = create_app(Home(cli_home), clock=lambda: NOW)
    try:
        client = app.test_client()
        found = [json.loads(client.get(f"/api/search?q=*&place={name}&limit=50").get_data())
                 for name in ("uk", "britain", "United%20Kingdom")]
    finally:
        app.extensions["dateline"].close()
    assert [{h["id"] for h in f["hits"]} for f in found] == [UK, UK, UK]


def test_the_command_line_reads_the_place_table_only_for_a_place_query():
    code = ("import sys; from dateline.search.parser import parse_query; parse_query('oil'); "
            "print('dateline.corpus.extract_places' in sys.modules); parse_query('place:uk'); "
            "print('dateline.corpus.extract_places' in sys.modules)")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.split() == ["False", "True"]
