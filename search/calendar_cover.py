"""A date range as a handful of calendar terms.

The index holds every dated article's UTC `year` ("2014"), `month`
("2014-09") and `day` ("2014-09-24") as plain terms. A range [start, end)
is covered by whole years, then whole months, then whole days, so
`date:2014-09` is one term lookup and a quarter three, instead of a numeric
range over every distinct timestamp (which is what made a month range take
seconds on a large archive). Only the uncovered part of a day (ranges in a
home time zone that is not UTC) is left to an exact timestamp range; an open
end becomes a range over the few year terms.

Pure: no Whoosh here. `search/compile.py` turns the cover into queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone


@dataclass
class CalendarCover:
    terms: list[tuple[str, str]] = field(default_factory=list)  # ("year"|"month"|"day", value)
    years_before: str | None = None  # every year < this one ("2014")
    years_from: str | None = None  # every year >= this one
    exact: list[tuple[datetime, datetime]] = field(default_factory=list)  # sub-day [lo, hi)
    everything: bool = False  # both ends open: every dated article


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone.utc)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def cover(start: datetime | None, end: datetime | None) -> CalendarCover:
    """Calendar terms whose union is exactly [start, end) (UTC, either end open)."""
    result = CalendarCover()
    if start is None and end is None:
        result.everything = True
        return result
    start = start.astimezone(timezone.utc) if start else None
    end = end.astimezone(timezone.utc) if end else None
    if start and end and end <= start:
        return result  # empty: nothing matches
    first = _first_whole_day(start, end, result)
    last = _end_of_whole_days(start, end, result)
    if first is not None and last is not None and first >= last:
        return result  # the range lies inside one day: the exact part is all of it
    if first is None:  # open start: whole years before the one `last` is in
        year_start = date(last.year, 1, 1)
        result.years_before = f"{last.year:04d}"
        first = year_start
    if last is None:  # open end: whole years from the first one not begun
        year_after = first if (first.month, first.day) == (1, 1) else date(first.year + 1, 1, 1)
        result.years_from = f"{year_after.year:04d}"
        last = year_after
    result.terms = whole_units(first, last)
    return result


def _first_whole_day(start, end, result: CalendarCover) -> date | None:
    """The first day wholly inside; a partial first day goes to `exact`."""
    if start is None:
        return None
    day = start.date()
    if start == _midnight(day):
        return day
    following = _midnight(day + timedelta(days=1))
    result.exact.append((start, min(following, end) if end else following))
    return day + timedelta(days=1)


def _end_of_whole_days(start, end, result: CalendarCover) -> date | None:
    """The day after the last whole day; a partial last day goes to `exact`."""
    if end is None:
        return None
    day = end.date()
    if end == _midnight(day):
        return day
    starts_inside = start is not None and start.date() == day and start != _midnight(day)
    if not starts_inside:  # else the first day's exact part already reaches `end`
        result.exact.append((max(_midnight(day), start) if start else _midnight(day), end))
    return day


def whole_units(first: date, last: date) -> list[tuple[str, str]]:
    """Fewest year, month and day terms covering the days [first, last)."""
    terms = []
    day = first
    while day < last:
        if (day.month, day.day) == (1, 1) and date(day.year + 1, 1, 1) <= last:
            terms.append(("year", f"{day.year:04d}"))
            day = date(day.year + 1, 1, 1)
        elif day.day == 1 and _next_month(day) <= last:
            terms.append(("month", f"{day:%Y-%m}"))
            day = _next_month(day)
        else:
            terms.append(("day", f"{day:%Y-%m-%d}"))
            day += timedelta(days=1)
    return terms
