"""Lower Dateline's query tree to Whoosh queries.

The only module in `search/` that imports `whoosh.query`: everything the
engine needs to know about field names and analyzers is decided here.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh import sorting

from index.schema import NAME_FIELDS, exact_analyzer, fold, stemming_analyzer
from search.query import And, DateRange, MatchAll, Node, Not, Or, Phrase, Prefix, Term

_STEM = stemming_analyzer()
_EXACT = exact_analyzer()


def words(text: str, *, stem: bool) -> list[str]:
    analyzer = _STEM if stem else _EXACT
    return [token.text for token in analyzer(text)]


def to_whoosh(node: Node) -> wq.Query:
    if isinstance(node, MatchAll):
        return wq.Every()
    if isinstance(node, Term):
        return _term(node)
    if isinstance(node, Phrase):
        return _phrase(node)
    if isinstance(node, Prefix):
        return _prefix(node)
    if isinstance(node, DateRange):
        return _date_range(node)
    if isinstance(node, Not):
        return wq.AndNot(wq.Every(), to_whoosh(node.item))
    if isinstance(node, And):
        positives = [to_whoosh(i) for i in node.items if not isinstance(i, Not)]
        negatives = [to_whoosh(i.item) for i in node.items if isinstance(i, Not)]
        base = wq.And(positives) if positives else wq.Every()
        return wq.AndNot(base, wq.Or(negatives)) if negatives else base
    if isinstance(node, Or):
        return wq.Or([to_whoosh(i) for i in node.items])
    raise TypeError(f"cannot compile {node!r}")  # pragma: no cover


def _both(make) -> wq.Query:
    """The same query on the title and the body (BM25F weighs the title)."""
    return wq.Or([make("title"), make("body")])


def _term(node: Term) -> wq.Query:
    field = node.field
    if field in (None, "title"):
        stems = words(node.text, stem=True)
        if len(stems) > 1:  # "U.S." or "al-Assad": its parts, adjacent
            return _phrase(Phrase(node.text, field))
        if not stems:
            return wq.NullQuery
        if field == "title":
            return wq.Term("title", stems[0])
        return _both(lambda f: wq.Term(f, stems[0]))
    if field in NAME_FIELDS:
        parts = words(node.text, stem=False)
        return wq.And([wq.Term(field, p) for p in parts]) if parts else wq.NullQuery
    return _exact_value(field, node.text)


def _phrase(node: Phrase) -> wq.Query:
    field = node.field
    if field in NAME_FIELDS:
        return wq.Term(f"{field}_exact", fold(node.text))
    if field not in (None, "title"):
        return _exact_value(field, node.text)
    parts = words(node.text, stem=False)
    if not parts:
        return wq.NullQuery

    def make(f: str) -> wq.Query:
        if len(parts) == 1:
            return wq.Term(f"{f}_exact", parts[0])
        return wq.Phrase(f"{f}_exact", parts, slop=node.slop + 1)

    return make("title") if field == "title" else _both(make)


def _prefix(node: Prefix) -> wq.Query:
    parts = words(node.text, stem=False)
    if not parts:
        return wq.NullQuery
    stem = parts[-1]
    if node.field in NAME_FIELDS:
        return wq.Prefix(node.field, stem)
    if node.field == "title":
        return wq.Prefix("title_exact", stem)
    if node.field is None:
        return _both(lambda f: wq.Prefix(f"{f}_exact", stem))
    return wq.Prefix(node.field, node.text.lower() if node.field == "site" else node.text)


def _exact_value(field: str, text: str) -> wq.Query:
    if field == "site":
        host = text.strip().lower()
        return wq.Term("site", host[4:] if host.startswith("www.") else host)
    return wq.Term(field, text.strip())  # url: the whole URL as written


# The date column's value for an undated article (the largest unsigned 64-bit
# number): it sorts after every real date.
_UNDATED = 2**64 - 1


def _newest_first(value: int) -> float:
    return float("inf") if value == _UNDATED else -value


def sort_facet(sort: str):
    """`newest` / `oldest` as a Whoosh sort key; undated articles last in both."""
    if sort == "oldest":
        return sorting.FieldFacet("date")
    if sort == "newest":
        return sorting.TranslateFacet(_newest_first, sorting.FieldFacet("date"))
    return None  # relevance: BM25F score


def _date_range(node: DateRange) -> wq.Query:
    """A few calendar-term lookups, unscored: a filter must not change the ranking."""
    from search.calendar_cover import cover
    from search.filter_cache import CachedFilter

    span = cover(node.start, node.end)
    parts = [wq.Term(name, value) for name, value in span.terms]
    if span.everything:
        parts.append(wq.Every("year"))
    if span.years_before is not None:
        parts.append(wq.TermRange("year", None, span.years_before, endexcl=True))
    if span.years_from is not None:
        parts.append(wq.TermRange("year", span.years_from, None))
    for lo, hi in span.exact:  # parts of a day (a home time zone that is not UTC)
        parts.append(wq.DateRange("date", lo.replace(tzinfo=None), hi.replace(tzinfo=None),
                                  endexcl=True))  # cover() gives UTC; Whoosh wants naive
    if not parts:
        return wq.NullQuery
    return CachedFilter(parts)
