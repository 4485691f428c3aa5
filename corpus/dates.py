"""Every date string Dateline reads goes through here (python-dateutil).

Articles' dates and the query language's date expressions both use
`parse_when`, so "24 Sep 2014" means the same thing on both sides.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo

from dateutil import parser as dateutil_parser
from dateutil.relativedelta import relativedelta

EARLIEST_PLAUSIBLE = datetime(1800, 1, 1, tzinfo=timezone.utc)

PRECISIONS = ("year", "month", "day", "time")


class DateParseError(ValueError):
    """A date string that python-dateutil cannot read, or an implausible date."""


@dataclass(frozen=True)
class When:
    """A date as written: its start and how precise it was ("2014-09" is a month)."""

    start: datetime  # timezone-aware
    precision: str  # one of PRECISIONS

    def end(self) -> datetime:
        """Exclusive end of the calendar unit the expression names."""
        step = {
            "year": relativedelta(years=1),
            "month": relativedelta(months=1),
            "day": relativedelta(days=1),
            "time": timedelta(microseconds=1),  # an instant: inclusive of itself
        }[self.precision]
        return self.start + step


# Zone abbreviations news pages and feeds write, as offsets from UTC in hours.
# dateutil knows only UTC/GMT/Z itself; ambiguous ones are read as the
# American or European zone (CST is Central, not China, Standard Time; BST
# British Summer Time; IST is left out: India, Ireland and Israel all use it).
TZ_ABBREVIATIONS = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 1, "BST": 1,
    "CET": 1, "CEST": 2, "MET": 1, "MEST": 2, "EET": 2, "EEST": 3, "MSK": 3,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "AST": -4, "ADT": -3, "NST": -3.5, "NDT": -2.5,
    "JST": 9, "KST": 9, "HKT": 8, "SGT": 8, "AEST": 10, "AEDT": 11, "ACST": 9.5,
    "AWST": 8, "NZST": 12, "NZDT": 13,
}
_TZINFOS = {name: int(hours * 3600) for name, hours in TZ_ABBREVIATIONS.items()}
_UNKNOWN_ZONE = re.compile(r"tzname (\S+) identified")

# Two defaults that differ in every component: a component that comes back
# different between the two parses was not written in the text.
_DEFAULT_A = datetime(2000, 1, 1, 0, 0, 0)
_DEFAULT_B = datetime(2001, 2, 2, 1, 1, 1)


def parse_when(text: str, *, tz: tzinfo = timezone.utc) -> When:
    """Parse one date as written, keeping how precise it was.

    Raises DateParseError when dateutil cannot read it or no year is given.
    A date without zone is taken in `tz` (UTC unless configured).
    """
    text = text.strip()
    if not text:
        raise DateParseError("empty date")
    if text.isdigit() and len(text) == 4:  # dateutil reads "2014" as a time of day
        if text == "0000":
            raise DateParseError(f"date {text!r} is out of range (dates must fall within the years 1 to 9998)")
        return When(datetime(int(text), 1, 1, tzinfo=tz), "year")
    try:
        with warnings.catch_warnings():
            # "15:01 RM" would otherwise be read as a time in an unknown zone "RM".
            warnings.simplefilter("error", dateutil_parser.UnknownTimezoneWarning)
            a = dateutil_parser.parse(text, default=_DEFAULT_A, tzinfos=_TZINFOS)
            b = dateutil_parser.parse(text, default=_DEFAULT_B, tzinfos=_TZINFOS)
    except dateutil_parser.UnknownTimezoneWarning as exc:
        zone = m.group(1) if (m := _UNKNOWN_ZONE.search(str(exc))) else "?"
        raise DateParseError(f"unknown time zone {zone!r} in date {text!r} (use an offset "
                             "such as +01:00, or a common abbreviation such as EST or CET)") from exc
    except (ValueError, OverflowError) as exc:
        raise DateParseError(f"cannot read date {text!r}") from exc
    if a.year != b.year:
        raise DateParseError(f"date {text!r} has no year")
    if a.month != b.month:
        precision = "year"
    elif a.day != b.day:
        precision = "month"
    elif (a.hour, a.minute) != (b.hour, b.minute):
        precision = "day"
    else:
        precision = "time"
    start = a if precision == "time" else datetime(a.year, a.month if precision != "year" else 1,
                                                   a.day if precision == "day" else 1)
    if precision == "time" and a.tzinfo is not None:
        return When(a, precision)
    return When(start.replace(tzinfo=tz), precision)


def parse_article_date(text: str, *, now: datetime) -> datetime:
    """A publication date: parsed, made timezone-aware, checked for plausibility."""
    when = parse_when(text)
    date = when.start
    if date < EARLIEST_PLAUSIBLE:
        raise DateParseError(f"implausible date {text!r} (before 1800)")
    if date > now + timedelta(days=1):
        raise DateParseError(f"implausible date {text!r} (in the future)")
    return date


def to_utc(date: datetime) -> datetime:
    if date.tzinfo is None:
        date = date.replace(tzinfo=timezone.utc)
    return date.astimezone(timezone.utc)
