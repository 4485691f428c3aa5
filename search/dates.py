"""Date expressions of the query language, resolved to absolute UTC bounds.

Reading a single date is `corpus.dates.parse_when` (python-dateutil); this
module adds ranges, open ends and relative forms. `now` is always a parameter.
Every range is of whole calendar units, inclusive at both ends as written,
read in the home's time zone (UTC unless configured, `corpus.home.configured_timezone`)
and returned as [start, end) in UTC.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo

from dateutil.relativedelta import relativedelta

from dateline.corpus.dates import DateParseError, parse_when
from dateline.search.query import DateRange


_RELATIVE = re.compile(r"^last-(\d{1,4})([dwmy])$", re.IGNORECASE)
_COMPARISON = re.compile(r"^(>=|<=|>|<)(.+)$")


def resolve_date(text: str, *, now: datetime, tz: tzinfo = timezone.utc) -> DateRange:
    """`2014-09`, `2014-09-01..2014-10-15`, `>=2014-09-01`, `last-7d`, ... -> DateRange."""
    raw = text.strip()
    if not raw:
        raise DateParseError("empty date")
    try:
        start, end = _bounds(raw, now=now, tz=tz)
        return DateRange(_utc(start), _utc(end), raw)
    except DateParseError:
        raise
    except (ValueError, OverflowError):  # past datetime's years 1 to 9999, here or in UTC
        raise DateParseError(f"date {raw!r} is out of range (dates must fall within the years 1 to 9998)") from None


def _bounds(raw: str, *, now: datetime, tz: tzinfo) -> tuple[datetime | None, datetime | None]:
    if m := _RELATIVE.match(raw):
        start, end = _relative(int(m.group(1)), m.group(2).lower(), now.astimezone(tz))
    elif m := _COMPARISON.match(raw):
        op, value = m.groups()
        when = parse_when(value, tz=tz)
        if op == ">=":
            start, end = when.start, None
        elif op == ">":
            start, end = when.end(), None
        elif op == "<=":
            start, end = None, when.end()
        else:
            start, end = None, when.start
    elif ".." in raw:
        left, _, right = raw.partition("..")
        if not left.strip() and not right.strip():
            raise DateParseError("a date range needs at least one end")
        start = parse_when(left, tz=tz).start if left.strip() else None
        end = parse_when(right, tz=tz).end() if right.strip() else None
        if start is not None and end is not None and end <= start:
            raise DateParseError(f"date range {raw!r} ends before it starts")
    else:
        when = parse_when(raw, tz=tz)
        start, end = when.start, when.end()
    return start, end


def _relative(count: int, unit: str, now: datetime) -> tuple[datetime, datetime]:
    """`last-7d`: the 7 calendar days ending today; `last-12m`: 12 months ending this one."""
    if count < 1:
        raise DateParseError("a relative date needs a count of at least 1")
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "d":
        return today - timedelta(days=count - 1), today + timedelta(days=1)
    if unit == "w":
        return today - timedelta(days=7 * count - 1), today + timedelta(days=1)
    month = today.replace(day=1)
    if unit == "m":
        return month - relativedelta(months=count - 1), month + relativedelta(months=1)
    year = month.replace(month=1)
    return year - relativedelta(years=count - 1), year + relativedelta(years=1)


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(timezone.utc) if value is not None else None
