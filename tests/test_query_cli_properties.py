"""At the command line too, any query either answers or gives one line: never a traceback."""

import json

from hypothesis import HealthCheck, given, settings, strategies as st
from tests.helpers import ANY_QUERY, dateline


PIECES = list('ab:"()*-~ .12éß&') + ["OR", "AND", "NOT", "person:", "place:", "date:", "title:",
                                        "url:", "site:", "2014-09", "..", ">=", "last-3d", "bank",
                                        "lavrov", "nope:", "\t", "-x"]
QUERIES = st.one_of(st.lists(st.sampled_from(PIECES), min_size=1, max_size=10).map("".join),
                    st.text(min_size=1, max_size=30),
                    st.text(max_size=20).map(lambda t: "-" + t))  # options look like this


def check_one_line_error(result):
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def search_answers_or_gives_one_line(fixture_home, query: str) -> None:
    result = dateline(str(fixture_home.root), "search", "--json", "--", query)
    if result.exit_code == 0:
        doc = json.loads(result.stdout)
        assert doc["total"] >= len(doc["hits"])
    else:
        check_one_line_error(result)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=QUERIES)
def test_search_answers_or_gives_one_line(fixture_home, query):
    search_answers_or_gives_one_line(fixture_home, query)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=QUERIES)
def test_explain_answers_or_gives_one_line(fixture_home, query):
    result = dateline(str(fixture_home.root), "explain", "--", query)
    if result.exit_code == 0:
        assert result.stdout.startswith("Query read as:")
    else:
        check_one_line_error(result)


def test_a_query_starting_with_a_minus_is_a_query(fixture_home):
    result = dateline(str(fixture_home.root), "search", "-paris lavrov", "--json")
    assert result.exit_code == 0, result.output
    assert [h["id"] for h in json.loads(result.stdout)["hits"]] == ["lavrov-un"]
    explained = dateline(str(fixture_home.root), "explain", "-x")
    assert explained.exit_code == 0 and "Not" in explained.stdout


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=ANY_QUERY)
def test_any_text_at_all_answers_or_gives_one_line(fixture_home, query):
    search_answers_or_gives_one_line(fixture_home, query)


def test_not_repeated_past_the_limit_is_refused_with_its_column(fixture_home):
    query = "NOT " * 488 + "oil"
    result = dateline(str(fixture_home.root), "search", query)
    check_one_line_error(result)
    assert result.stderr.startswith("Error: NOT and parentheses nested too deeply (limit 50) at column 201 ")


def test_a_byte_that_is_not_utf8_is_refused_with_its_column(fixture_home):
    query = b"site:a\xffb".decode("utf-8", "surrogateescape")  # as Python reads it from argv
    result = dateline(str(fixture_home.root), "search", query)
    check_one_line_error(result)
    assert result.stderr == ("Error: the query holds a byte that is not UTF-8 (\\xff) at column 7 "
                             "of query: site:a?b\n")
