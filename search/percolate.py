"""Which saved queries match one new article: a percolator.

A search asks "which articles match this query?"; a watch asks the reverse,
"which queries match this article?", for the few articles an update brings.
Running every watch over the whole archive would cost as much as the archive
is large; instead each new article is read into the same fields the index
holds (`index.schema.document_for`, with the words the index writer has just
split: `analysis.text_words`) and checked against every watch's lowered
query (`search.lower`, the same operations the engines run). Watches are
first narrowed by their *requirements*: sets of keys (words, stems, pairs of
adjacent words) an article must hold one of each to match, looked up from
the article's keys; a query its requirements decide (names, words, two-word
phrases) is never evaluated at all."""

from __future__ import annotations

from collections.abc import Iterable, Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import islice

from dateline.corpus.article import Article
from dateline.index.analysis import edit_distance, index_words, stem, stem_exception, text_words
from dateline.index.ops import words_in_order
from dateline.index.schema import date_key, document_for
from dateline.search.lower import (AllOp, AndOp, DateOp, FuzzyOp, NoneOp, Op, OrOp, PhraseOp, PrefixOp,
                                   StemOp, TermOp)

# How each indexed field is split, as the index splits it (index/schema.py).
_POSITIONAL = ("title_exact", "body_exact")
_NAME_WORDS = ("person", "place", "source", "tag", "author")
_WHOLE = ("url", "id", "cluster")  # ID fields: the value as written is one term


class ArticleFields:
    """One article's indexed words per field, with positions where the index
    keeps them, and the stems a word query is matched through. A title's and a
    body's words are those the index writer has just split (`text_words`)."""

    def __init__(self, article: Article):
        self._doc = document_for(article)
        self.date = self._doc.get("date")
        # Each field is split when first asked for: most watches never look
        # at most fields, and splitting a body is most of an article's cost.
        self._words: dict[str, list[str]] = {}
        self._sets: dict[str, AbstractSet[str]] = {}
        self._stems: dict[str, dict[str, set[str]]] = {}
        self._positions: dict[str, dict[str, list[int]]] = {}
        self._pairs: dict[str, set[tuple[str, str]]] = {}

    def words(self, field: str) -> list[str]:
        """The field's words in order, split as the index splits them."""
        found = self._words.get(field)
        if found is None:
            value = self._doc.get(field)
            if value is None or field == "date":
                found = []
            elif field in _POSITIONAL:
                found = text_words(value).words
            elif field in _NAME_WORDS:
                found = index_words(value)
            elif field in _WHOLE:
                found = [value]
            else:  # comma-separated values (names, facets, sites)
                found = [v.strip() for v in value.split(",") if v.strip()]
            self._words[field] = found
        return found

    def set(self, field: str) -> AbstractSet[str]:
        found = self._sets.get(field)
        if found is None:
            if field in _POSITIONAL:
                value = self._doc.get(field)
                found = text_words(value).distinct if value is not None else set()
            else:
                found = set(self.words(field))
            self._sets[field] = found
        return found

    def positions(self, field: str) -> dict[str, list[int]]:
        """Each word of a field with its positions (ascending)."""
        found = self._positions.get(field)
        if found is None:
            value = self._doc.get(field) if field in _POSITIONAL else None
            if value is not None:
                found = text_words(value).positions
            else:
                found = {}
                for n, word in enumerate(self.words(field)):
                    found.setdefault(word, []).append(n)
            self._positions[field] = found
        return found

    def pairs(self, field: str) -> set[tuple[str, str]]:
        """Each two words that follow one another in the field."""
        found = self._pairs.get(field)
        if found is None:
            words = self.words(field)
            found = self._pairs[field] = set(zip(words, islice(words, 1, None)))
        return found

    def held(self, field: str, kind: str) -> AbstractSet:
        """What the article holds of a kind of key (see `requirements`) in a field."""
        if kind == "word":
            return self.set(field)
        if kind == "pair":
            return self.pairs(field)
        return self._prefixes(field).keys()  # "stem"

    def has_stem(self, field: str, wanted: str) -> bool:
        """Whether a word of the field has the stem. Only the words that begin
        as a word with that stem must are stemmed: stemming every word of every
        new article would cost more than all the rest of percolating."""
        prefixes = self._prefixes(field)
        return any(stem(w) == wanted for w in prefixes.get(stem_prefix(wanted), ()))

    def _prefixes(self, field: str) -> dict[str, set[str]]:
        found = self._stems.get(field)
        if found is None:
            found = self._stems[field] = {}
            for word in self.set(field):
                for key in word_prefixes(word):
                    found.setdefault(key, set()).add(word)
        return found


# A word begins with its stem less the stem's last letter ("happy" ->
# "happi", "hoping" -> "hope"), except the few `analysis.stem_exception`
# names ("dying" -> "die"). So a word can have the stem `s` only if it starts
# with `stem_prefix(s)` or is such an exception; tests/test_watches.py checks
# the percolator against the engine.
_PREFIX = 3


def stem_prefix(stemmed: str) -> str:
    return stemmed[:-1][:_PREFIX]


def word_prefixes(word: str) -> list[str]:
    """Every `stem_prefix` a stem of this word may have."""
    found = [word[:k] for k in range(min(len(word), _PREFIX) + 1)]
    if stem_exception(word):  # cached: the index computed it for this word already
        found.append(stem_prefix(stem(word)))
    return found


def matches(op: Op, doc: ArticleFields) -> bool:
    """Whether the one article matches `op`, by the rules `search.execute` uses."""
    if isinstance(op, TermOp):
        return op.text in doc.set(op.field)
    if isinstance(op, StemOp):
        return doc.has_stem(op.field, op.stem)
    if isinstance(op, PhraseOp):
        positions = doc.positions(op.field)
        return (all(word in positions for word in op.words)
                and words_in_order([positions[word] for word in op.words], op.reach))
    if isinstance(op, PrefixOp):
        return any(w.startswith(op.prefix) for w in doc.set(op.field))
    if isinstance(op, FuzzyOp):
        # Any word within the distance. The engines expand a fuzzy word to the
        # 50 nearest words of the whole index; an article whose only near word
        # is not among them is found here and not by a search (docs/watches.md).
        return any(edit_distance(w, op.word, op.distance) <= op.distance for w in doc.set(op.field))
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


def _dated_within(key: int | None, start: datetime | None, end: datetime | None) -> bool:
    if key is None:
        return False  # undated articles match no date range
    if start is not None and key < date_key(start.astimezone(timezone.utc)):
        return False
    return end is None or key < date_key(end.astimezone(timezone.utc))


def requirements(op: Op) -> list[frozenset] | None:
    """Sets of keys an article must hold one of *each* to match `op`: an
    empty list when nothing is known; NoneOp gives one empty set, which no
    article meets. A key is (field, kind, value): a word, the `stem_prefix`
    of a stem, or a pair of words that follow one another."""
    if isinstance(op, TermOp):
        return [frozenset({(op.field, "word", op.text)})]
    if isinstance(op, StemOp):
        return [frozenset({(op.field, "stem", stem_prefix(op.stem))})]
    if isinstance(op, PhraseOp):
        if op.reach == 1 and len(op.words) > 1:  # adjacent words: each pair of them
            pairs = zip(op.words, op.words[1:])
            return [frozenset({(op.field, "pair", pair)}) for pair in dict.fromkeys(pairs)]
        return [frozenset({(op.field, "word", w)}) for w in dict.fromkeys(op.words)]
    if isinstance(op, NoneOp):
        return [frozenset()]
    if isinstance(op, AndOp):
        return [r for item in op.required for r in requirements(item)]
    if isinstance(op, OrOp):
        # If any item matches, each of its requirements holds: so the i-th
        # requirements of all items, joined, must hold ("title or body" of a
        # phrase still requires each of its words in one field or the other).
        each = [requirements(item) for item in op.items]
        if not all(each):
            return []
        return [frozenset().union(*(r[i] for r in each)) for i in range(min(map(len, each)))]
    return []  # a prefix, a date, every article: no key is required


def decided_by_requirements(op: Op) -> bool:
    """Whether an article that meets every requirement of `op` matches it: a
    word, a name, two adjacent words, all of such, or any of such (each with
    one requirement).
    Those queries are never evaluated, only their requirements checked."""
    if isinstance(op, (TermOp, NoneOp)):
        return True
    if isinstance(op, PhraseOp):  # two adjacent words: the article holds the pair
        return op.reach == 1 and len(op.words) == 2
    if isinstance(op, AndOp):
        return not op.excluded and all(decided_by_requirements(i) for i in op.required)
    if isinstance(op, OrOp):
        return all(decided_by_requirements(i) and len(requirements(i)) == 1 for i in op.items)
    return False


@dataclass(frozen=True)
class Standing:
    """A saved query ready to percolate: its key (the watch's name) and operation."""

    key: str
    op: Op
    needed: list | None = None  # requirements(op), when already known


class Percolator:
    """Many standing queries, each filed under its narrowest requirement. An
    article's keys give the requirements it meets (each distinct requirement
    is numbered once, however many queries share it); a query filed under
    one of those is a candidate when the article meets all its requirements,
    and is evaluated on the article only when they do not decide it."""

    def __init__(self, standing: Iterable[Standing] = ()):
        self._always: list[tuple[str, Op]] = []
        # requirement number -> (key, the numbers of all its requirements, op or None if decided)
        self._filed: dict[int, list[tuple[str, frozenset[int], Op | None]]] = {}
        self._numbers: dict[frozenset, int] = {}
        self._met_by: dict[tuple, list[int]] = {}  # key -> the requirements it meets
        # Every value any requirement names, per field and kind: an article's
        # own keys are cut down to these with set intersections.
        self._wanted: dict[tuple[str, str], set] = {}
        self.add(standing)

    def add(self, standing: Iterable[Standing]) -> None:
        for query in standing:
            needed = requirements(query.op) if query.needed is None else query.needed
            if not needed:
                self._always.append((query.key, query.op))
                continue
            numbers = [self._number(r) for r in needed]
            narrowest = numbers[min(range(len(needed)), key=lambda i: len(needed[i]))]
            op = None if decided_by_requirements(query.op) else query.op
            self._filed.setdefault(narrowest, []).append((query.key, frozenset(numbers), op))

    def _number(self, requirement: frozenset) -> int:
        number = self._numbers.get(requirement)
        if number is None:
            number = self._numbers[requirement] = len(self._numbers)
            for key in requirement:
                self._met_by.setdefault(key, []).append(number)
                self._wanted.setdefault(key[:2], set()).add(key[2])
        return number

    def match(self, article: Article) -> list[str]:
        """The keys of the standing queries this article matches, in no order."""
        doc = ArticleFields(article)
        met: set[int] = set()
        for key in self._keys(doc):
            met.update(self._met_by[key])
        found = [key for key, op in self._always if matches(op, doc)]
        for number in met:
            for key, needed, op in self._filed.get(number, ()):
                if needed <= met and (op is None or matches(op, doc)):
                    found.append(key)
        return found

    def _keys(self, doc: ArticleFields) -> set[tuple]:
        """The article's keys that some requirement names."""
        keys: set[tuple] = set()
        for (field, kind), wanted in self._wanted.items():
            keys.update((field, kind, value) for value in doc.held(field, kind) & wanted)
        return keys
