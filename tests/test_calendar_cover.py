"""A date range as calendar terms matches exactly the instants of the range."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from search.calendar_cover import cover, whole_units


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def matches(c, t: datetime) -> bool:
    """Whether an article dated `t` is found by the cover (as the index would)."""
    year, month, day = f"{t.year:04d}", f"{t:%Y-%m}", f"{t:%Y-%m-%d}"
    if c.everything:
        return True
    if ("year", year) in c.terms or ("month", month) in c.terms or ("day", day) in c.terms:
        return True
    if c.years_before is not None and year < c.years_before:
        return True
    if c.years_from is not None and year >= c.years_from:
        return True
    return any(lo <= t < hi for lo, hi in c.exact)


def test_a_month_is_one_term_and_a_quarter_three():
    assert cover(utc(1987, 3, 1), utc(1987, 4, 1)).terms == [("month", "1987-03")]
    assert cover(utc(1987, 4, 1), utc(1987, 7, 1)).terms == [
        ("month", "1987-04"), ("month", "1987-05"), ("month", "1987-06")]


def test_a_long_range_uses_days_then_months_then_years():
    terms = whole_units(utc(2013, 12, 30).date(), utc(2015, 2, 2).date())
    assert terms == [("day", "2013-12-30"), ("day", "2013-12-31"), ("year", "2014"),
                     ("month", "2015-01"), ("day", "2015-02-01")]


def test_open_ends_become_year_ranges():
    since = cover(utc(2014, 9, 1), None)
    assert since.years_from == "2015" and since.terms[0] == ("month", "2014-09")
    until = cover(None, utc(2014, 3, 1))
    assert until.years_before == "2014" and until.terms == [("month", "2014-01"), ("month", "2014-02")]


def test_a_range_in_another_time_zone_keeps_its_partial_days_exact():
    paris_september = cover(utc(2014, 8, 31, 22), utc(2014, 9, 30, 22))
    assert paris_september.exact == [(utc(2014, 8, 31, 22), utc(2014, 9, 1)),
                                     (utc(2014, 9, 30), utc(2014, 9, 30, 22))]
    assert len(paris_september.terms) == 29  # September 1 to 29, whole days


instants = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2030, 1, 1),
                        timezones=st.just(timezone.utc))
hours = st.integers(min_value=0, max_value=24 * 800).map(lambda h: timedelta(hours=h))
bounds = st.one_of(st.none(), instants.map(lambda t: t.replace(minute=0, second=0, microsecond=0)))


@given(start=bounds, length=hours, open_end=st.booleans(), probe=instants)
def test_cover_matches_exactly_the_instants_in_the_range(start, length, open_end, probe):
    end = None if open_end or start is None else start + length
    if start is None and not open_end:
        end = utc(2010, 1, 1) + length
    inside = (start is None or start <= probe) and (end is None or probe < end)
    assert matches(cover(start, end), probe) == inside
