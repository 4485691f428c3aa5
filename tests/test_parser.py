"""parse_query: (text, expected tree) pairs; no index needed."""

from datetime import datetime, timezone

import pytest
from hypothesis import given, settings, strategies as st

from dateline.search.parser import QuerySyntaxError, UnknownField, parse_query
from dateline.search.places import PlaceName
from dateline.search.query import And, DateRange, MatchAll, Not, Or, Phrase, Prefix, Term

NOW = datetime(2015, 6, 15, 12, 0, tzinfo=timezone.utc)
UTC = timezone.utc


def d(*args):
    return datetime(*args, tzinfo=UTC)


CASES = [
    ("oil", Term("oil")),
    ("oil prices", And((Term("oil"), Term("prices")))),
    ("oil AND prices", And((Term("oil"), Term("prices")))),
    ("oil OR gas", Or((Term("oil"), Term("gas")))),
    # AND binds tighter than OR
    ("a b OR c", Or((And((Term("a"), Term("b"))), Term("c")))),
    ("-oil", Not(Term("oil"))),
    ("NOT oil gas", And((Not(Term("oil")), Term("gas")))),
    ("(a OR b) c", And((Or((Term("a"), Term("b"))), Term("c")))),
    ('"bank of england"', Phrase("bank of england")),
    ('"bank  of\tengland"~2', Phrase("bank of england", slop=2)),
    # curly quotes, as phones and word processors type them, are phrase quotes
    ("\u201cbank of england\u201d", Phrase("bank of england")),
    ("\u201ebank england\u201c~2 oil", And((Phrase("bank england", slop=2), Term("oil")))),
    ("person:lavrov", Term("lavrov", "person")),
    ("people:lavrov", Term("lavrov", "person")),
    ('person:"sergey lavrov"', Phrase("sergey lavrov", "person")),
    ("person:(syria OR iraq)", Or((Term("syria", "person"), Term("iraq", "person")))),
    # A place is read through the gazetteer, inside a group too (tests/test_places.py).
    ("place:(uk OR atlantis)", Or((PlaceName((Phrase("United Kingdom", "place"),), text="uk"),
                                   Term("atlantis", "place")))),
    ("tags:energy", Term("energy", "tag")),
    ("Title:lavrov", Term("lavrov", "title")),
    ('url:"https://x.test/a?b=1"', Phrase("https://x.test/a?b=1", "url")),
    ("site:x.test", Term("x.test", "site")),
    ("*", MatchAll()),
    ("oil*", Prefix("oil")),
    # lower-case operators are words
    ("war and peace", And((Term("war"), Term("and"), Term("peace")))),
    # stray punctuation is not a term
    ("oil & gas", And((Term("oil"), Term("gas")))),
    ("date:2014", DateRange(d(2014, 1, 1), d(2015, 1, 1), "2014")),
    ("date:2014-09", DateRange(d(2014, 9, 1), d(2014, 10, 1), "2014-09")),
    ("date:2014-02-28..2014-03-01", DateRange(d(2014, 2, 28), d(2014, 3, 2), "2014-02-28..2014-03-01")),
    ('date:"24 Sep 2014"', DateRange(d(2014, 9, 24), d(2014, 9, 25), "24 Sep 2014")),
    ("date:>=2014-09-01", DateRange(d(2014, 9, 1), None, ">=2014-09-01")),
    ("date:>2014-09", DateRange(d(2014, 10, 1), None, ">2014-09")),
    ("date:<2015", DateRange(None, d(2015, 1, 1), "<2015")),
    ('date:>="24 Sep 2014"', DateRange(d(2014, 9, 24), None, ">=24 Sep 2014")),
    ('date:<"1 Oct 2014"', DateRange(None, d(2014, 10, 1), "<1 Oct 2014")),
    ("date:<=2014-12", DateRange(None, d(2015, 1, 1), "<=2014-12")),
    ("date:2014-09..", DateRange(d(2014, 9, 1), None, "2014-09..")),
    ("date:..2014-09", DateRange(None, d(2014, 10, 1), "..2014-09")),
    # relative dates: whole calendar units ending today (NOW is 2015-06-15)
    ("date:last-7d", DateRange(d(2015, 6, 9), d(2015, 6, 16), "last-7d")),
    ("date:last-12m", DateRange(d(2014, 7, 1), d(2015, 7, 1), "last-12m")),
    ("date:last-1y", DateRange(d(2015, 1, 1), d(2016, 1, 1), "last-1y")),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0] for c in CASES])
def test_parse(text, expected):
    assert parse_query(text, now=NOW) == expected


ERRORS = [
    ('foo "bar', 'unclosed quote at column 5 of query: foo "bar'),
    ("(a OR b", "unclosed parenthesis at column 1 of query: (a OR b"),
    ("(", "unclosed parenthesis at column 1 of query: ("),
    ("oil (", "unclosed parenthesis at column 5 of query: oil ("),
    ("a OR b)", "unmatched ')' at column 7 of query: a OR b)"),
    ("a OR", "OR needs a term on both sides at column 3 of query: a OR"),
    ("OR a", "OR needs a term on both sides at column 1 of query: OR a"),
    ("()", "empty parentheses at column 1 of query: ()"),
    ("a NOT", "NOT needs a term after it at column 3 of query: a NOT"),
    ("person:", "field 'person:' needs a value at column 1 of query: person:"),
    ("", "empty query at column 1 of query:  (use * to match every article)"),
    ('""', "empty phrase at column 1 of query: \"\""),
    ("date:yesterdayish", "cannot read date 'yesterdayish' at column 1 of query: date:yesterdayish"),
    ("date:2014-10..2014-09", "date range '2014-10..2014-09' ends before it starts at column 1 of query: date:2014-10..2014-09"),
    ("date:Sep", "date 'Sep' has no year at column 1 of query: date:Sep"),
    ("person:*", "'*' cannot be used with 'person:' at column 1 of query: person:*"),
    ("oil\n(gas", "unclosed parenthesis at column 5 of query: oil (gas"),
    ('\x1b[1m"x', 'unclosed quote at column 5 of query: ?[1m"x'),
]


@pytest.mark.parametrize("text,message", ERRORS, ids=[e[0] or "empty" for e in ERRORS])
def test_malformed_query_gives_one_line_with_position(text, message):
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(text, now=NOW)
    assert str(info.value) == message
    assert "\n" not in str(info.value)


def test_unknown_field_lists_known_fields():
    with pytest.raises(UnknownField) as info:
        parse_query("oil auther:smith", now=NOW)
    assert str(info.value) == (
        "unknown field 'auther:' at column 5 of query: oil auther:smith "
        "(known fields: author:, date:, person:, place:, site:, source:, tag:, title:, url:)"
    )


def test_overlong_query_is_refused():
    with pytest.raises(QuerySyntaxError, match="query too long"):
        parse_query("a " * 2000, now=NOW)


def test_explain_shows_dates_in_absolute_utc():
    text = parse_query("oil date:2014-09 person:lavrov", now=NOW).explain()
    assert "DateRange('2014-09' -> [2014-09-01T00:00:00+00:00, 2014-10-01T00:00:00+00:00) UTC)" in text
    assert "Term(person: 'lavrov')" in text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list('ab:"()*-~ .12') + ["OR", "AND", "NOT", "person:", "date:",
                                                       "2014-09", "..", ">=", "last-3d"]),
                max_size=12).map("".join))
def test_random_queries_parse_or_give_one_line_error(text):
    try:
        parse_query(text, now=NOW)
    except QuerySyntaxError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_parses_or_gives_one_line_error(text):
    try:
        parse_query(text, now=NOW)
    except QuerySyntaxError as exc:
        assert str(exc).isprintable()


OUT_OF_RANGE = ["9999", "last-9999y", "2025..9999-12-31", ">9999-12-31", "0000"]


@pytest.mark.parametrize("date", OUT_OF_RANGE)
def test_a_date_past_the_calendar_is_a_query_error(date):
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(f"date:{date}", now=NOW)
    assert str(info.value) == (f"date '{date}' is out of range (dates must fall within the years "
                               f"1 to 9998) at column 1 of query: date:{date}")


def test_a_date_on_the_last_day_of_the_calendar_can_still_open_a_range():
    assert parse_query("date:>=9999-12-31", now=NOW) == DateRange(d(9999, 12, 31), None, ">=9999-12-31")


def test_deeply_nested_parentheses_are_refused_at_the_one_too_deep():
    query = "(" * 60 + "oil" + ")" * 60
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(query, now=NOW)
    assert str(info.value) == f"parentheses nested too deeply (limit 50) at column 51 of query: {query}"


def test_fifty_nested_parentheses_or_negations_still_parse():
    assert parse_query("(" * 50 + "oil" + ")" * 50, now=NOW) == Term("oil")
    assert parse_query("NOT " * 50 + "oil", now=NOW) is not None
    assert parse_query("(NOT " * 25 + "oil" + ")" * 25, now=NOW) is not None


@pytest.mark.parametrize("query, column", [
    ("NOT " * 400 + "oil", 201),
    ("(NOT " * 26 + "oil" + ")" * 26, 126),
    ("title:(" + "NOT (" * 25 + "oil" + ")" * 26, 132),
])
def test_negations_count_as_nesting_and_are_refused_past_the_limit(query, column):
    with pytest.raises(QuerySyntaxError) as info:
        parse_query(query, now=NOW)
    assert info.value.position + 1 == column
    assert info.value.message in ("NOT and parentheses nested too deeply (limit 50)",
                                  "parentheses nested too deeply (limit 50)")


def test_phrase_slack_is_read_as_the_whole_number():
    assert parse_query('"bank england"~100', now=NOW) == Phrase("bank england", slop=100)
    assert parse_query('"bank england"~12 oil', now=NOW) == And((Phrase("bank england", slop=12),
                                                                 Term("oil")))


def test_an_unreasonable_phrase_slack_is_refused():
    with pytest.raises(QuerySyntaxError) as info:
        parse_query('"bank england"~1000', now=NOW)
    assert str(info.value) == ('phrase slack 1000 is too large at column 15 of query: '
                               '"bank england"~1000 (at most ~100 words between)')


def test_a_query_date_with_a_zone_abbreviation_is_read_in_that_zone():
    assert parse_query('date:>="24 Sep 2014 10:00 EST"', now=NOW) == DateRange(
        d(2014, 9, 24, 15), None, '>=24 Sep 2014 10:00 EST')
