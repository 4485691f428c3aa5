"""What a search request asks for, read from URL parameters, and links that
change one thing about it (add or remove a filter, go to a page).

Parameter names are the CLI's option names (`q` is the query), so a page URL
and `dateline search` read the same way. Only shape is checked here (numbers
are numbers, sizes are bounded); what values mean is the engine's business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import cached_property
from datetime import date
from typing import Mapping

from dateline.search.options import Filters, SearchOptions
from dateline.search.parser import MAX_QUERY_LENGTH
from dateline.search.query import FIELD_ALIASES

FILTERS = Filters.names()
NAME_FILTERS = {"people": "person", "places": "place", "sources": "source", "tags": "tag"}


# A field typed in the query, `person:volcker` or `place:"new york"`, not
# negated (`-person:x`) and not a group (`place:(a OR b)`, shown as typed).
_TYPED_FIELD = re.compile(r'(?<![\w:-])(?P<field>\w+):(?P<value>"[^"]+"|[^\s()"]+)')


class BadRequest(ValueError):
    """A request the page cannot run; str() is shown next to the search box."""


@dataclass(frozen=True)
class SearchRequest(Filters):
    """The filters (inherited from `Filters`: URL parameters are flat, as the
    CLI's options are) plus the query, the other search options and view ones."""

    q: str = ""
    sort: str = "relevance"
    limit: int = 10
    page: int = 1
    all_copies: bool = False
    facets: int = 10  # values shown of each facet ("more" asks for up to 100)
    share: bool = False  # a view option (histogram as share of coverage), not a search one

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> "SearchRequest":
        values: dict = {}
        for name in ("q", *FILTERS, "sort"):
            value = args.get(name)
            if value is None or not value.strip():
                continue
            if len(value) > MAX_QUERY_LENGTH:
                raise BadRequest(f"{name} too long ({len(value)} characters, limit {MAX_QUERY_LENGTH})")
            values[name] = value if name == "q" else value.strip()
        for name in ("limit", "page", "facets"):
            if args.get(name, "").strip():
                values[name] = _integer(name, args[name])
        for name in ("all_copies", "share"):
            values[name] = args.get(name, "") in ("1", "true", "on")
        return cls(**values)

    @property
    def has_filters(self) -> bool:
        return any(getattr(self, name) for name in FILTERS)

    @property
    def active_filters(self) -> list[tuple[str, str]]:
        return [(name, getattr(self, name)) for name in FILTERS if getattr(self, name)]

    @cached_property
    def query_filters(self) -> list[tuple[str, str, str]]:
        """(filter, value, the text typed) of each name filter typed in the query
        (`person:volcker`): shown and removed as the same filter from a click is."""
        found = []
        for match in _TYPED_FIELD.finditer(self.q):
            name = FIELD_ALIASES.get(match["field"].lower())
            before = self.q[:match.start()].rstrip()
            if name in FILTERS and not before.upper().endswith("NOT"):
                found.append((name, match["value"].strip('"'), match.group(0)))
        return found

    def without_typed(self, typed: str) -> str:
        """The query with one typed field taken out."""
        return " ".join(self.q.replace(typed, " ", 1).split())

    def _typed_match(self, name: str, value: str) -> str | None:
        """The typed field that selects `value` of filter `name`: the same value,
        or (unquoted) one word of it, as `person:volcker` matches Paul Volcker."""
        for field, typed_value, typed in self.query_filters:
            wanted = typed_value.casefold()
            if field == name and (wanted == value.casefold()
                                  or (" " not in wanted and wanted in value.casefold().split())):
                return typed
        return None

    @property
    def is_empty(self) -> bool:
        return not self.q.strip() and not self.has_filters

    def __bool__(self) -> bool:  # a request is a request, filters or not
        return True

    @property
    def filters(self) -> Filters:
        return Filters(**{name: getattr(self, name) for name in FILTERS})

    def search_options(self) -> SearchOptions:
        """The search this request asks for, as the CLI's options would give it."""
        return SearchOptions(self.filters, sort=self.sort, limit=self.limit, page=self.page,
                             all_copies=self.all_copies, facet_size=self.facets)

    @cached_property
    def _own_args(self) -> dict:
        """This request's URL parameters, defaults left out, in URL order (the query first)."""
        args = {}
        for name, default in _DEFAULTS.items():
            value = getattr(self, name)
            if value != default and value not in (None, ""):
                args[name] = int(value) if isinstance(value, bool) else value
        return args

    def url_args(self, **changes) -> dict:
        """URL parameters for this request with `changes`; defaults left out.
        (A page asks for a hundred of these links: no copy of the request is
        made, and only the changes are looked at: the request's own
        parameters are worked out once.)"""
        if unknown := changes.keys() - _DEFAULTS.keys():
            raise TypeError(f"not a search request parameter: {', '.join(sorted(unknown))}")
        args = dict(self._own_args)
        added = False
        for name, value in changes.items():
            if value != _DEFAULTS[name] and value not in (None, ""):
                added = added or name not in args
                args[name] = int(value) if isinstance(value, bool) else value
            else:
                args.pop(name, None)
        # A parameter the request did not have goes where the URL order puts it.
        return {name: args[name] for name in _DEFAULTS if name in args} if added else args

    def toggle(self, name: str, value: str) -> dict:
        """URL parameters with filter `name` set to `value`, or removed if it already is."""
        if typed := self._typed_match(name, value):
            return self.url_args(q=self.without_typed(typed) or "*", page=1)
        current = getattr(self, name)
        same = current is not None and current.casefold() == value.casefold()
        return self.url_args(**{name: None if same else value, "page": 1})

    def is_active(self, name: str, value: str) -> bool:
        current = getattr(self, name)
        if current is not None and current.casefold() == value.casefold():
            return True
        return self._typed_match(name, value) is not None


_DEFAULTS = {name: getattr(SearchRequest(), name)  # every parameter and its default, q first
             for name in ["q", *(f.name for f in fields(SearchRequest) if f.name != "q")]}


def is_iso_date(value) -> bool:
    """True for 'YYYY-MM-DD': what an <input type=date> can show without losing it."""
    try:
        return isinstance(value, str) and len(value) == 10 and bool(date.fromisoformat(value))
    except ValueError:
        return False


def _integer(name: str, text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, not {text.strip()[:40]!r}") from None
