"""The one library call behind the CLI and the web page: `search(...)`.

It reads the store (for titles, bodies and fields of the hits shown) and the
index; it never writes either.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo

from dateline.corpus.article import Article
from dateline.corpus.dates import DateParseError
from dateline.index.schema import index_words, stem
from dateline.index.engine import Reader, TooManyWords
from dateline.index.matches import Matches
from dateline.index.pages import Ranked, ranked
from dateline.search.archive import Archive
from dateline.search.dates import resolve_date
from dateline.search.facets import compute_facets, date_histogram, name_facets
from dateline.search.lower import lower
from dateline.search.options import MAX_LIMIT, MAX_PAGE, SORTS, Filters, SearchError, SearchOptions
from dateline.search.parser import QuerySyntaxError, parse_query
from dateline.search.places import place_node
from dateline.search.query import And, DateRange, Node, Phrase, Term, positive_terms
from dateline.search.snippets import Snippet, make_snippet
from dateline.search.suggest import FEW_HITS, suggest_query

@dataclass(frozen=True)
class Hit:
    article: Article
    score: float
    snippet: Snippet
    similar: int = 0  # other matching articles in its near-duplicate cluster

    def to_json(self) -> dict:
        a = self.article
        return {
            "id": a.id,
            "title": a.title,
            "date": a.date.isoformat() if a.date else None,
            "date_source": a.date_source,
            "url": a.url,
            "source": a.source,
            "author": a.author,
            "people": list(a.people),
            "places": list(a.places),
            "tags": list(a.tags),
            "score": round(self.score, 4),
            "similar": self.similar,
            "snippet": self.snippet.marked(),
            "snippet_text": self.snippet.text,
            "snippet_marks": [list(m) for m in self.snippet.marks],
        }


@dataclass
class SearchResults:
    query: str
    tree: Node
    total: int
    page: int
    limit: int
    sort: str
    hits: list[Hit]
    took_ms: float
    facets: dict | None = None
    suggestion: str | None = None
    total_articles: int | None = None  # every matching article, near-duplicates included
    collapsed: bool = True  # near-duplicates folded into the first of their cluster
    # With facets: how many matches the top words were read from (every match
    # up to top_words.SAMPLE, a sample of about that many beyond; 0 when none was read).
    words_sample: int | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))

    def to_json(self) -> dict:
        data = {
            "query": self.query,
            "total": self.total,
            "total_articles": self.total if self.total_articles is None else self.total_articles,
            "collapsed": self.collapsed,
            "page": self.page,
            "limit": self.limit,
            "sort": self.sort,
            "took_ms": round(self.took_ms, 1),
            "hits": [h.to_json() for h in self.hits],
            "suggestion": self.suggestion,
        }
        if self.facets is not None:
            data["facets"] = self.facets
            data["facets_words_sample"] = self.words_sample
        return data


def build_tree(query: str, filters: Filters = Filters(), *, now: datetime,
               tz: tzinfo = timezone.utc) -> Node:
    """The query plus its filters, as one tree (filters are ANDed)."""
    tree = parse_query(query, now=now, tz=tz)
    since, until = filters.since, filters.until
    nodes: list[Node] = []
    for name in ("person", "place", "source", "tag"):
        if (value := getattr(filters, name)) and value.strip():
            value = value.strip()
            node = Phrase(value, name) if " " in value else Term(value, name)
            nodes.append(place_node(node) if name == "place" else node)
    for name, value in (("--since", since), ("--until", until)):
        if value and (".." in value or value.strip()[:1] in ("<", ">")):
            raise SearchError(f"{name} takes one date (like 2014-09-01 or 2014-09), not {value!r}")
    if since or until:
        try:
            start = resolve_date(since, now=now, tz=tz).start if since else None
            end = resolve_date(until, now=now, tz=tz).end if until else None
        except DateParseError as exc:
            raise SearchError(f"--since/--until: {exc}") from None
        if start and end and end <= start:
            raise SearchError(f"--until {until} is before --since {since}")
        nodes.append(DateRange(start, end, f"{since or ''}..{until or ''}"))
    if not nodes:
        return tree
    items = list(tree.items) if isinstance(tree, And) else [tree]
    return And(tuple(items + nodes))


def search(archive: Archive, query: str, options: SearchOptions | None = None, *,
           now: datetime | None = None, **keywords) -> SearchResults:
    """Run a query; raises QuerySyntaxError or SearchError for bad input.

    `options` is a SearchOptions; `keywords` change single options or filters
    (`search(archive, "oil", sort="newest", person="lavrov")`). Near-duplicate
    copies are collapsed into the first hit of their cluster (`Hit.similar`
    counts the others) unless `all_copies`; `total` counts the results as
    listed, `total_articles` every matching article.
    """
    started = time.perf_counter()
    options = SearchOptions.of(options, **keywords).check()
    sort, limit, page, all_copies = options.sort, options.limit, options.page, options.all_copies
    now = now or datetime.now(timezone.utc)
    tree = build_tree(query, options.filters, now=now, tz=archive.tz)
    reader = archive.reader()
    matches = find_matches(reader, tree)
    # Facets first: when their top words read every match (the tantivy engine
    # reads them only then), the page is ranked from those same matches.
    facets, words_read = compute_facets(
        reader, matches, top=options.facet_size, tz=archive.tz, query_stems=query_stems(tree),
        words=options.top_words) if options.facets else (None, None)
    found = reader.page(matches, sort=sort, start=(page - 1) * limit, count=limit,
                        collapse=not all_copies)
    hits = _hits(archive, reader, tree, found.hits)
    total_articles, total = found.matched, found.total
    suggestion = _suggestion(archive, query, total, reader, now) if options.suggest else None
    return SearchResults(
        query=query, tree=tree, total=total, page=page, limit=limit, sort=sort, hits=hits,
        took_ms=(time.perf_counter() - started) * 1000, facets=facets, words_sample=words_read,
        suggestion=suggestion, total_articles=total_articles, collapsed=not all_copies,
    )


def coverage(archive: Archive, filters: Filters, *, now: datetime) -> dict:
    """What a results page's histogram draws the archive's coverage from:
    every article passing `filters` (`*`), as `search` counts them with
    facets, but only their number (`total_articles`), the date histogram and
    the top sources: {"articles", "dates", "sources"}. No result page, and
    no other facet, is counted."""
    tree = build_tree("*", filters, now=now, tz=archive.tz)
    reader = archive.reader()
    matches = find_matches(reader, tree)
    return {"articles": len(matches), "dates": date_histogram(reader, matches, tz=archive.tz),
            "sources": name_facets(reader, matches, names=("sources",))["sources"]}


def query_stems(tree: Node) -> set[str]:
    """The stems of the query's own words (every result holds them: not top words)."""
    return {stem(word) for node in positive_terms(tree) if isinstance(node, (Term, Phrase))
            for word in index_words(node.text)}


def find_matches(reader, tree: Node) -> Matches:
    """Every match of the tree; a query too broad to run is a SearchError."""
    try:
        return reader.match(lower(tree))
    except TooManyWords as exc:
        raise SearchError(str(exc)) from None


def _hits(archive: Archive, reader, tree: Node, shown: list[tuple[int, float, int]],
          *, snippets: bool = True) -> list[Hit]:
    """The hits of (document number, score, similar) triples."""
    ids = reader.article_ids([docnum for docnum, _, _ in shown])
    articles = archive.store.get_many(ids)
    terms = list(positive_terms(tree))

    def snippet(article: Article) -> Snippet:
        return make_snippet(article.body, terms) if snippets else Snippet("")

    return [
        Hit(articles[i], score or 0.0, snippet(articles[i]), similar)
        for i, (_, score, similar) in zip(ids, shown)
        if i in articles  # an index ahead of a store being rebuilt: skip, never crash
    ]


EXPORT_BATCH = 500


class AllHits:
    """Every hit of a query in result order, for export: articles are read from
    the store in batches as the caller consumes them, so memory holds document
    numbers and one batch, however many hits there are. No snippets."""

    def __init__(self, archive: Archive, reader, tree: Node, results: Ranked):
        self.archive, self.tree, self._ranked = archive, tree, results
        self._reader = reader  # the document numbers are this reader's
        self.total = len(results)
        self.total_articles = results.copies.matched

    def __iter__(self) -> Iterator[Hit]:
        for start in range(0, self.total, EXPORT_BATCH):
            batch = self._ranked.hits(start, start + EXPORT_BATCH)
            yield from _hits(self.archive, self._reader, self.tree, batch, snippets=False)


def all_hits(archive: Archive, query: str, options: SearchOptions | None = None, *,
             now: datetime | None = None, **keywords) -> AllHits:
    """All hits (not a page: `limit` and `page` are ignored) of `query` with
    the same filters, order and collapsing as `search`; raises
    QuerySyntaxError or SearchError at once."""
    options = SearchOptions.of(options, **keywords)
    SearchOptions.of(options, limit=1, page=1).check()
    now = now or datetime.now(timezone.utc)
    tree = build_tree(query, options.filters, now=now, tz=archive.tz)
    reader = archive.reader()
    results = ranked(reader, find_matches(reader, tree), options.sort,
                     collapse=not options.all_copies)
    return AllHits(archive, reader, tree, results)


def matching_ids(archive: Archive, query: str, *, now: datetime | None = None) -> list[str]:
    """The id of every article matching `query`, near-duplicate copies included."""
    tree = build_tree(query, now=now or datetime.now(timezone.utc), tz=archive.tz)
    reader = archive.reader()
    return reader.article_ids(find_matches(reader, tree).ids.tolist())


def _suggestion(archive: Archive, query: str, total: int, reader, now: datetime) -> str | None:
    """A corrected query, offered only when it finds more than the query did."""
    if total >= FEW_HITS:
        return None
    corrected = suggest_query(reader, query)
    if corrected is None or corrected == query:
        return None
    try:
        tree = parse_query(corrected, now=now, tz=archive.tz)
    except QuerySyntaxError:
        return None
    try:
        found = len(find_matches(reader, tree))
    except SearchError:
        return None
    return corrected if found > total else None


__all__ = ["AllHits", "Filters", "Hit", "MAX_LIMIT", "MAX_PAGE", "SORTS", "QuerySyntaxError", "SearchError",
           "SearchOptions", "SearchResults", "all_hits", "build_tree", "coverage", "matching_ids", "search"]
