"""The reference the engine is tested against: the same articles in a plain
Whoosh index built the textbook way, and Dateline's query tree as plain Whoosh
queries on it, answered by Whoosh's own matchers and collectors.

The engine indexes titles and bodies once, exact, and matches a word's forms
by looking up every indexed word with its stem (`search/lower.py`,
`search/execute.py`, reading posting lists into numpy). The reference index
instead has a stemmed field beside each exact one, Whoosh's analyzers and a
`DATETIME` field with numeric range queries: independent of all of that.
`tests/test_execute.py` checks that for every kind of query the engine finds
exactly the articles the reference finds, with the same scores.
"""

from __future__ import annotations

from datetime import timezone
from pathlib import Path

from whoosh import fields, index
from whoosh import query as wq
from whoosh import sorting
from whoosh.analysis import StemFilter
from whoosh.matching import AndNotMatcher

from dateline.corpus.dates import to_utc
from dateline.index import engine as boundary
from dateline.index.schema import NAME_FIELDS, document_for, fold
from dateline.index.whoosh_engine.fields import build_schema, exact_analyzer
from dateline.search.lower import words


def reference_schema() -> fields.Schema:
    schema = build_schema()
    stemming = exact_analyzer() | StemFilter(lang="en")
    kept = {name: schema[name] for name in schema.names() if name not in ("title_exact",
                                                                          "body_exact", "date")}
    return fields.Schema(
        **kept,
        title=fields.TEXT(analyzer=stemming, phrase=False, field_boost=2.5),
        body=fields.TEXT(analyzer=stemming, phrase=False),
        title_exact=fields.TEXT(analyzer=exact_analyzer(), phrase=True, field_boost=2.5),
        body_exact=fields.TEXT(analyzer=exact_analyzer(), phrase=True),
        date=fields.DATETIME(sortable=True),
    )


def build_reference(articles, folder: Path):
    """A reference index of `articles` (in the order given) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(folder), reference_schema())
    with ix.writer() as writer:
        for article in articles:
            doc = document_for(article)
            doc.update(title=article.title, body=article.body)
            if article.date:
                doc["date"] = to_utc(article.date).replace(tzinfo=None)
            else:
                doc.pop("date", None)
            writer.add_document(**doc)
    return ix
from dateline.search.query import (And, DateRange, Fuzzy, MatchAll, Node, Not, Or, Phrase, Prefix,
                                   Term)


def to_whoosh(node: Node) -> wq.Query:
    if isinstance(node, MatchAll):
        return wq.Every()
    if isinstance(node, Term):
        return _term(node)
    if isinstance(node, Phrase):
        return _phrase(node)
    if isinstance(node, Prefix):
        return _prefix(node)
    if isinstance(node, Fuzzy):
        return _fuzzy(node)
    if isinstance(node, DateRange):
        return _date_range(node)
    if isinstance(node, Not):
        return AndNot(wq.Every(), to_whoosh(node.item))
    if isinstance(node, And):
        positives = [to_whoosh(i) for i in node.items if not isinstance(i, Not)]
        negatives = [to_whoosh(i.item) for i in node.items if isinstance(i, Not)]
        base = wq.And(positives) if positives else wq.Every()
        return AndNot(base, wq.Or(negatives)) if negatives else base
    if isinstance(node, Or):
        return wq.Or([to_whoosh(i) for i in node.items])
    raise TypeError(f"cannot compile {node!r}")  # pragma: no cover


class _AndNotMatcher(AndNotMatcher):
    """Whoosh's AndNotMatcher, except that it drops the first match too.

    Whoosh's own (whoosh3 3.54) skips the excluded list forward at the start
    only when both lists start on the same document: when the excluded list
    starts earlier, the first match is kept even if it is excluded
    (`bank -tie` over "tie", "bank tie", "bank" finds "bank tie"). Its
    `_find_next` handles that case, as it does after every later match."""

    def _find_first(self):
        if self.a.is_active() and self.b.is_active():
            self._find_next()


class AndNot(wq.AndNot):
    """`a ANDNOT b`, with the matcher above (scored by `a` alone, as Whoosh's)."""

    def matcher(self, searcher, context=None):
        return _AndNotMatcher(self.a.matcher(searcher, context),
                              self.b.matcher(searcher, searcher.boolean_context()))


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


def _fuzzy(node: Fuzzy) -> wq.Query:
    parts = words(node.text, stem=False)
    if len(parts) != 1:
        return wq.NullQuery
    if node.field is None:
        return _both(lambda f: NearWords(f"{f}_exact", parts[0], node.distance))
    field = "title_exact" if node.field == "title" else node.field
    return NearWords(field, parts[0], node.distance)


class NearWords(wq.MultiTerm):
    """`word~N` the textbook way: the field's words within N edits (by the
    dynamic programme below, not rapidfuzz), the nearest first, then in word
    order, at most MAX_FUZZY_WORDS, each scored as its own term. The
    vocabulary is the reader's: the reference index is one segment."""

    def __init__(self, fieldname: str, text: str, distance: int):
        self.fieldname, self.text, self.distance, self.boost = fieldname, text, distance, 1.0

    def __eq__(self, other) -> bool:
        return (type(other) is NearWords
                and (self.fieldname, self.text, self.distance) == (other.fieldname, other.text,
                                                                   other.distance))

    def __hash__(self) -> int:
        return hash((self.fieldname, self.text, self.distance))

    def __repr__(self) -> str:
        return f"NearWords({self.fieldname!r}, {self.text!r}, {self.distance})"

    def _btexts(self, ixreader):
        if self.fieldname not in ixreader.schema:
            return []
        near = sorted((d, w) for w in ixreader.lexicon(self.fieldname)
                      if (d := _edits(self.text, w.decode("utf-8"))) <= self.distance)
        return [w for _, w in near][:boundary.MAX_FUZZY_WORDS]


def _edits(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, changes and
    swaps of two neighbours, one edit each (the textbook table)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1,
                         rows[-1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def _exact_value(field: str, text: str) -> wq.Query:
    if field == "site":
        host = text.strip().lower()
        return wq.Term("site", host[4:] if host.startswith("www.") else host)
    return wq.Term(field, text.strip())  # url: the whole URL as written


def sort_facet(sort: str):
    """`newest` / `oldest` as a Whoosh sort key (None: relevance)."""
    if sort == "oldest":
        return sorting.FieldFacet("date")
    if sort == "newest":
        return sorting.FieldFacet("date", reverse=True)
    return None


def _date_range(node: DateRange) -> wq.Query:
    start = node.start.astimezone(timezone.utc).replace(tzinfo=None) if node.start else None
    end = node.end.astimezone(timezone.utc).replace(tzinfo=None) if node.end else None
    # A filter scores nothing. (Whoosh reads a constant score of 0.0 as "unset"
    # and gives 1.0, so the reference uses the smallest score it honours.)
    return wq.ConstantScoreQuery(wq.DateRange("date", start, end, endexcl=True), score=1e-300)
