"""'Did you mean': corrections from the index vocabulary, offered only when they help."""

import pytest

from dateline.search.engine import search
from tests.helpers import NOW


@pytest.mark.parametrize("query,suggestion", [
    ("lavorv", "lavrov"),
    ("Kenia", "kenya"),
    ("drougth kenya", "drought kenya"),
    ('"centrall banks"', '"central banks"'),
    ("person:lavorv", "person:lavrov"),
    ('person:"sergey lavorv"', 'person:"sergey lavrov"'),
    ("place:(kenia OR brazil)", "place:(kenya OR brazil)"),
    ("title:drougth", "title:drought"),
    ("oil pricez date:2014", "oil prices date:2014"),
])
def test_a_misspelt_query_gets_a_corrected_one_that_finds_more(archive, query, suggestion):
    results = search(archive, query, now=NOW)
    assert results.suggestion == suggestion
    assert search(archive, suggestion, now=NOW).total > results.total


def test_no_suggestion_when_the_query_finds_enough(archive):
    assert search(archive, "price", now=NOW).suggestion is None


def test_no_suggestion_for_words_nothing_is_near(archive):
    assert search(archive, "xqzvv", now=NOW).suggestion is None


def test_no_suggestion_when_the_correction_finds_no_more(archive):
    # "centrall" -> "central", but no article has the phrase "central bank"
    assert search(archive, '"centrall bank"', now=NOW).suggestion is None


def test_known_words_are_never_corrected(archive):
    # every word is indexed; the combination simply finds nothing
    assert search(archive, "lavrov drought", now=NOW).suggestion is None


def test_dates_and_prefixes_are_left_alone(archive):
    assert search(archive, "lavorv date:1999", now=NOW).suggestion is None  # lavrov + 1999: still 0
    assert search(archive, "lavorv*", now=NOW).suggestion is None


def test_suggestion_is_in_the_json_document(archive):
    assert search(archive, "lavorv", now=NOW).to_json()["suggestion"] == "lavrov"
