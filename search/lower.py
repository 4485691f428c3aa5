"""Lower Dateline's query tree to operations on the index's posting lists.

Everything the engine needs to know about index field names and analyzers is
decided here: which field a word is looked up in, stemmed or exact, how a
name, a URL or a site is matched. An engine (`index/engine.py`) runs the result.
"""

from __future__ import annotations

from datetime import datetime, timezone

from dateline.index.analysis import fold, index_words
from dateline.index.engine import MAX_PHRASE_PLACEMENTS, too_many_placements
from dateline.index.analysis import stem as stem_of
from dateline.index.ops import (AllOp, AndOp, DateOp, FuzzyOp, NoneOp, Op, OrOp, PhraseOp, PrefixOp,
                                StemOp, TermOp)
from dateline.index.schema import NAME_FIELDS
from dateline.search.query import (And, DateRange, Fuzzy, MatchAll, Node, Not, Or, Phrase, Prefix,
                                   Term)


def words(text: str, *, stem: bool) -> list[str]:
    """A query text's words as indexed, or their stems."""
    found = index_words(text)
    return [stem_of(w) for w in found] if stem else found


def lower(node: Node) -> Op:
    if isinstance(node, MatchAll):
        return AllOp()
    if isinstance(node, Term):
        return _term(node)
    if isinstance(node, Phrase):
        return _phrase(node)
    if isinstance(node, Prefix):
        return _prefix(node)
    if isinstance(node, Fuzzy):
        return _fuzzy(node)
    if isinstance(node, DateRange):
        return DateOp(_utc(node.start), _utc(node.end))
    if isinstance(node, Not):
        return AndOp((), (lower(node.item),))
    if isinstance(node, And):
        required = tuple(lower(i) for i in node.items if not isinstance(i, Not))
        excluded = tuple(lower(i.item) for i in node.items if isinstance(i, Not))
        return AndOp(required, excluded)
    if isinstance(node, Or):
        return OrOp(tuple(lower(i) for i in node.items))
    raise TypeError(f"cannot lower {node!r}")  # pragma: no cover


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(timezone.utc) if moment else None


def _both(make) -> Op:
    """The same operation on the title and the body (BM25F weighs the title)."""
    return OrOp((make("title"), make("body")))


def _term(node: Term) -> Op:
    field = node.field
    if field in (None, "title"):
        stems = words(node.text, stem=True)
        if len(stems) > 1:  # "U.S." or "al-Assad": its parts, adjacent
            return _phrase(Phrase(node.text, field))
        if not stems:
            return NoneOp()
        if field == "title":
            return StemOp("title_exact", stems[0])
        return _both(lambda f: StemOp(f"{f}_exact", stems[0]))
    if field in NAME_FIELDS:
        parts = words(node.text, stem=False)
        return AndOp(tuple(TermOp(field, p) for p in parts)) if parts else NoneOp()
    return _exact_value(field, node.text)


def _phrase(node: Phrase) -> Op:
    field = node.field
    if field in NAME_FIELDS:
        return TermOp(f"{field}_exact", fold(node.text))
    if field not in (None, "title"):
        return _exact_value(field, node.text)
    parts = tuple(words(node.text, stem=False))
    if not parts:
        return NoneOp()
    if (node.slop + 1) ** (len(parts) - 1) > MAX_PHRASE_PLACEMENTS:
        raise too_many_placements(node.text, node.slop, len(parts))

    def make(f: str) -> Op:
        if len(parts) == 1:
            return TermOp(f"{f}_exact", parts[0])
        return PhraseOp(f"{f}_exact", parts, reach=node.slop + 1)

    return make("title") if field == "title" else _both(make)


def _prefix(node: Prefix) -> Op:
    parts = words(node.text, stem=False)
    if not parts:
        return NoneOp()
    stem = parts[-1]
    if node.field in NAME_FIELDS:
        return PrefixOp(node.field, stem)
    if node.field == "title":
        return PrefixOp("title_exact", stem)
    if node.field is None:
        return _both(lambda f: PrefixOp(f"{f}_exact", stem))
    return PrefixOp(node.field, node.text.lower() if node.field == "site" else node.text)


def _fuzzy(node: Fuzzy) -> Op:
    parts = words(node.text, stem=False)
    if len(parts) != 1:  # the parser lets only one word through
        return NoneOp()
    word = parts[0]
    if node.field is None:
        return _both(lambda f: FuzzyOp(f"{f}_exact", word, node.distance))
    if node.field == "title":
        return FuzzyOp("title_exact", word, node.distance)
    return FuzzyOp(node.field, word, node.distance)  # the words of names


def _exact_value(field: str, text: str) -> Op:
    if field == "site":
        host = text.strip().lower()
        return TermOp("site", host[4:] if host.startswith("www.") else host)
    return TermOp(field, text.strip())  # url: the whole URL as written
