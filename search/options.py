"""What a search asks for besides its query: filters and options, as one object.

`SearchOptions` is what `Archive.search`, `search.engine.search`, the CLI's
`search` command and the web page's URL parameters all mean by "the options";
its filters (`Filters`) are the CLI's `--since … --tag` and the page's
`since=… tag=…`. Adding a filter or option is one field here.

Values are checked where they are cheap to check (`SearchOptions.check`);
what a filter's value means (a date, a person) is the engine's business.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

SORTS = ("relevance", "newest", "oldest")
MAX_LIMIT = 1000
MAX_PAGE = 10000
TOP_VALUES = 10  # values of each facet shown unless more are asked for
MAX_TOP_VALUES = 100


class SearchError(ValueError):
    """A bad search request (bad option value); str() is user-facing."""


@dataclass(frozen=True)
class Filters:
    """Narrow a query to a date range and to field values (all ANDed).

    `since` and `until` are single dates, inclusive, in any form the query
    language's `date:` reads (2014, 2014-09, 2014-09-24, "24 Sep 2014").
    `person`, `place`, `source` and `tag` match as their query fields do.
    """

    since: str | None = None
    until: str | None = None
    person: str | None = None
    place: str | None = None
    source: str | None = None
    tag: str | None = None

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def active(self) -> list[tuple[str, str]]:
        """(name, value) of each filter that is set, in declaration order."""
        return [(name, value) for name in self.names() if (value := getattr(self, name))]

    def __bool__(self) -> bool:
        return bool(self.active())


@dataclass(frozen=True)
class SearchOptions:
    """Everything about a search except its query (frozen and hashable: a
    cache key as it is)."""

    filters: Filters = field(default_factory=Filters)
    sort: str = "relevance"  # one of SORTS
    limit: int = 10  # hits per page, 1..MAX_LIMIT
    page: int = 1  # from 1
    facets: bool = False  # count people, places, sources, tags, top words and dates over all matches
    facet_size: int = TOP_VALUES  # values of each facet, 1..MAX_TOP_VALUES
    top_words: bool = True  # with facets: the top words too (off where nothing shows them)
    all_copies: bool = False  # list near-duplicate copies instead of folding them
    suggest: bool = True  # offer "did you mean" when a query finds little

    @classmethod
    def of(cls, options: "SearchOptions | None" = None, **keywords: Any) -> "SearchOptions":
        """`options` (or the defaults) with `keywords` changed; a filter may be
        given by its own name (`person="lavrov"`) or as `filters=Filters(...)`.
        An unknown keyword is a TypeError, as for any call."""
        options = options or cls()
        filters = {name: keywords.pop(name) for name in Filters.names() if name in keywords}
        known = {f.name for f in fields(cls)}
        if unknown := sorted(set(keywords) - known):
            raise TypeError(f"unknown search option(s): {', '.join(unknown)}")
        if filters:
            keywords["filters"] = replace(keywords.get("filters", options.filters), **filters)
        return replace(options, **keywords) if keywords else options

    def check(self) -> "SearchOptions":
        """Raise SearchError for a value no search can use; returns self."""
        if self.sort not in SORTS:
            raise SearchError(f"unknown sort {self.sort!r}: use one of {', '.join(SORTS)}")
        if not 1 <= self.limit <= MAX_LIMIT:
            raise SearchError(f"limit must be between 1 and {MAX_LIMIT}, not {self.limit}")
        if not 1 <= self.page <= MAX_PAGE:
            raise SearchError(f"page must be between 1 and {MAX_PAGE}, not {self.page}")
        if not 1 <= self.facet_size <= MAX_TOP_VALUES:
            raise SearchError(f"facets must be between 1 and {MAX_TOP_VALUES}, not {self.facet_size}")
        return self


__all__ = ["Filters", "MAX_LIMIT", "MAX_PAGE", "MAX_TOP_VALUES", "SORTS", "TOP_VALUES", "SearchError", "SearchOptions"]
