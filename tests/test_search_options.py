"""Filters and options are one object, the same for the library, the CLI and the page."""

import pytest

from dateline.search.engine import search
from dateline.search.options import Filters, SearchError, SearchOptions
from dateline.search.web.params import SearchRequest
from tests.helpers import NOW


def test_a_filter_given_by_name_lands_in_the_filters():
    options = SearchOptions.of(person="lavrov", sort="newest")
    assert options.filters == Filters(person="lavrov")
    assert options.sort == "newest"


def test_changing_one_filter_keeps_the_others():
    options = SearchOptions(Filters(place="kenya"), limit=5)
    changed = SearchOptions.of(options, since="2025-01")
    assert changed.filters == Filters(since="2025-01", place="kenya")
    assert changed.limit == 5


def test_an_unknown_option_is_a_type_error_naming_it():
    with pytest.raises(TypeError, match="unknown search option.*colour"):
        SearchOptions.of(colour="red")


@pytest.mark.parametrize("keywords, message", [
    ({"sort": "random"}, "unknown sort 'random': use one of relevance, newest, oldest"),
    ({"limit": 0}, "limit must be between 1 and 1000, not 0"),
    ({"page": 10001}, "page must be between 1 and 10000, not 10001"),
])
def test_bad_option_values_are_search_errors(keywords, message):
    with pytest.raises(SearchError) as raised:
        SearchOptions.of(**keywords).check()
    assert str(raised.value) == message


def test_equal_options_are_one_cache_key():
    assert hash(SearchOptions.of(tag="energy")) == hash(SearchOptions(Filters(tag="energy")))
    assert SearchOptions.of(tag="energy") != SearchOptions.of(tag="oil")


def test_active_filters_are_the_ones_set_in_declaration_order():
    assert Filters(tag="oil", since="2014").active() == [("since", "2014"), ("tag", "oil")]
    assert not Filters()


def test_the_page_parameters_become_the_same_options_as_the_library_keywords():
    request = SearchRequest.from_args({"q": "oil", "person": "lavrov", "sort": "newest", "page": "2"})
    assert request.search_options() == SearchOptions.of(person="lavrov", sort="newest", page=2)


def test_options_object_and_keywords_find_the_same(archive):
    by_object = search(archive, "*", SearchOptions(Filters(place="kenya"), limit=50), now=NOW)
    by_keywords = search(archive, "*", place="kenya", limit=50, now=NOW)
    assert by_object.total > 0
    assert [h.article.id for h in by_object.hits] == [h.article.id for h in by_keywords.hits]
