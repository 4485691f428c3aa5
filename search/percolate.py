"""Which saved queries match one new article: a percolator.

A search asks "which articles match this query?"; a watch asks the reverse,
"which queries match this article?", for the few articles an update brings.
Running every watch over the whole archive would cost as much as the archive
is large; instead each new article is analyzed once into the same fields the
index holds (`index.schema.document_for`) and every watch's lowered query
(`search.lower`, the same operations the engines run) is evaluated on that
one document. Watches are first narrowed by their *anchors*: terms at least
one of which an article must contain to match, so most watches are never
evaluated against an article that cannot match them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from dateline.corpus.article import Article
from dateline.index.schema import date_key, document_for, index_words, stem
from dateline.search.lower import (AllOp, AndOp, DateOp, NoneOp, Op, OrOp, PhraseOp, PrefixOp, StemOp,
                                   TermOp)

# How each indexed field is split, as the index splits it (index/schema.py).
_POSITIONAL = ("title_exact", "body_exact")
_NAME_WORDS = ("person", "place", "source", "tag", "author")
_WHOLE = ("url", "id", "cluster")  # ID fields: the value as written is one term


class ArticleFields:
    """One article's indexed words per field, with positions where the index
    keeps them, and the stems a word query is matched through."""

    def __init__(self, article: Article):
        doc = document_for(article)
        self.date = doc.get("date")
        self.words: dict[str, list[str]] = {}
        for name, value in doc.items():
            if name in _POSITIONAL or name in _NAME_WORDS:
                self.words[name] = index_words(value)
            elif name in _WHOLE:
                self.words[name] = [value]
            elif name != "date":  # comma-separated values (names, facets, sites)
                self.words[name] = [v.strip() for v in value.split(",") if v.strip()]
        self.sets = {name: set(words) for name, words in self.words.items()}
        self._stems: dict[str, set[str]] = {}

    def stems(self, field: str) -> set[str]:
        found = self._stems.get(field)
        if found is None:
            found = self._stems[field] = {stem(w) for w in self.sets.get(field, ())}
        return found

    def keys(self) -> set[tuple[str, str]]:
        """Everything an anchor may name: (field, word) and (field, 'stem', s)."""
        keys: set[tuple] = set()
        for name, words in self.sets.items():
            keys.update((name, w) for w in words)
        for name in _POSITIONAL:
            keys.update((name, "stem", s) for s in self.stems(name))
        return keys


def matches(op: Op, doc: ArticleFields) -> bool:
    """Whether the one article matches `op`, by the rules `search.execute` uses."""
    if isinstance(op, TermOp):
        return op.text in doc.sets.get(op.field, ())
    if isinstance(op, StemOp):
        return op.stem in doc.stems(op.field)
    if isinstance(op, PhraseOp):
        return _phrase(op, doc.words.get(op.field, ()))
    if isinstance(op, PrefixOp):
        return any(w.startswith(op.prefix) for w in doc.sets.get(op.field, ()))
    if isinstance(op, DateOp):
        return _dated_within(doc.date, op.start, op.end)
    if isinstance(op, AllOp):
        return True
    if isinstance(op, NoneOp):
        return False
    if isinstance(op, AndOp):
        return (all(matches(i, doc) for i in op.required)
                and not any(matches(i, doc) for i in op.excluded))
    if isinstance(op, OrOp):
        return any(matches(i, doc) for i in op.items)
    raise TypeError(f"the percolator cannot evaluate {op!r}")


def _phrase(op: PhraseOp, words: list[str]) -> bool:
    """Each word at most `reach` positions after the one before (execute.py)."""
    positions: dict[str, list[int]] = {}
    wanted = set(op.words)
    for n, word in enumerate(words):
        if word in wanted:
            positions.setdefault(word, []).append(n)
    if len(positions) < len(wanted):
        return False
    ends = positions[op.words[0]]
    for word in op.words[1:]:
        nexts = positions[word]
        ends = [p for p in nexts if any(0 < p - e <= op.reach for e in ends)]
        if not ends:
            return False
    return True


def _dated_within(key: int | None, start: datetime | None, end: datetime | None) -> bool:
    if key is None:
        return False  # undated articles match no date range
    if start is not None and key < date_key(start.astimezone(timezone.utc)):
        return False
    return end is None or key < date_key(end.astimezone(timezone.utc))


def anchors(op: Op) -> frozenset | None:
    """Keys at least one of which an article must hold to match `op`; None
    when no such set is known (a prefix, a date, NOT alone: always evaluate)."""
    if isinstance(op, TermOp):
        return frozenset({(op.field, op.text)})
    if isinstance(op, StemOp):
        return frozenset({(op.field, "stem", op.stem)})
    if isinstance(op, PhraseOp):
        return frozenset({(op.field, op.words[0])})
    if isinstance(op, NoneOp):
        return frozenset()
    if isinstance(op, AndOp):
        known = [a for a in (anchors(i) for i in op.required) if a is not None]
        return min(known, key=len) if known else None
    if isinstance(op, OrOp):
        found: set = set()
        for item in op.items:
            a = anchors(item)
            if a is None:
                return None
            found |= a
        return frozenset(found)
    return None


@dataclass(frozen=True)
class Standing:
    """A saved query ready to percolate: its key (the watch's name) and operation."""

    key: str
    op: Op


class Percolator:
    """Many standing queries, indexed by their anchors."""

    def __init__(self, standing: Iterable[Standing]):
        self._always: list[Standing] = []
        self._by_key: dict[tuple, list[Standing]] = {}
        for query in standing:
            found = anchors(query.op)
            if found is None:
                self._always.append(query)
            for key in found or ():
                self._by_key.setdefault(key, []).append(query)

    def match(self, article: Article) -> list[str]:
        """The keys of the standing queries this article matches, in no order."""
        doc = ArticleFields(article)
        candidates = {q.key: q for q in self._always}
        if self._by_key:
            for key in doc.keys():
                for query in self._by_key.get(key, ()):
                    candidates[query.key] = query
        return [key for key, query in candidates.items() if matches(query.op, doc)]
