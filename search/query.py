"""Dateline's own query tree: what a query means, independent of any engine.

`parse_query` produces it, `lower.lower` alone maps it onto index fields,
`--explain` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# Fields a user can name, with their aliases -> canonical field.
FIELD_ALIASES = {
    "person": "person",
    "people": "person",
    "place": "place",
    "places": "place",
    "source": "source",
    "tag": "tag",
    "tags": "tag",
    "author": "author",
    "by": "author",
    "title": "title",
    "url": "url",
    "site": "site",
    "date": "date",
}
KNOWN_FIELDS = sorted(set(FIELD_ALIASES.values()))


class Node:
    def explain(self, indent: int = 0) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Term(Node):
    """A word; in text fields it matches every form of the word."""

    text: str
    field: str | None = None  # None: title and body

    def explain(self, indent: int = 0) -> str:
        return " " * indent + f"Term({_where(self.field)} {self.text!r})"


@dataclass(frozen=True)
class Prefix(Node):
    """`oil*`: any word starting with the prefix."""

    text: str
    field: str | None = None

    def explain(self, indent: int = 0) -> str:
        return " " * indent + f"Prefix({_where(self.field)} {self.text!r}*)"


@dataclass(frozen=True)
class Fuzzy(Node):
    """`dollar~2`: any word within `distance` edits of the word (an insertion,
    a deletion, a changed letter or two neighbours swapped), unstemmed, as
    Lucene's fuzzy query matches."""

    text: str
    field: str | None = None
    distance: int = 2

    def explain(self, indent: int = 0) -> str:
        return " " * indent + f"Fuzzy({_where(self.field)} {self.text!r} ~{self.distance})"


@dataclass(frozen=True)
class Phrase(Node):
    """Exact words in order (slop: how many other words may come between)."""

    text: str
    field: str | None = None
    slop: int = 0

    def explain(self, indent: int = 0) -> str:
        slop = f" ~{self.slop}" if self.slop else ""
        return " " * indent + f"Phrase({_where(self.field)} {self.text!r}{slop})"


@dataclass(frozen=True)
class DateRange(Node):
    """Articles dated in [start, end): both timezone-aware, either may be open."""

    start: datetime | None
    end: datetime | None
    text: str = ""

    def explain(self, indent: int = 0) -> str:
        start = self.start.isoformat() if self.start else "-inf"
        end = self.end.isoformat() if self.end else "+inf"
        return " " * indent + f"DateRange({self.text!r} -> [{start}, {end}) UTC)"


@dataclass(frozen=True)
class MatchAll(Node):
    def explain(self, indent: int = 0) -> str:
        return " " * indent + "MatchAll(*)"


@dataclass(frozen=True)
class And(Node):
    items: tuple[Node, ...]

    def explain(self, indent: int = 0) -> str:
        return _explain_group("And", self.items, indent)


@dataclass(frozen=True)
class Or(Node):
    items: tuple[Node, ...]

    def explain(self, indent: int = 0) -> str:
        return _explain_group("Or", self.items, indent)


@dataclass(frozen=True)
class Not(Node):
    item: Node

    def explain(self, indent: int = 0) -> str:
        return " " * indent + "Not\n" + self.item.explain(indent + 2)


def _where(field: str | None) -> str:
    return f"{field}:" if field else "title|body:"


def _explain_group(name: str, items: tuple[Node, ...], indent: int) -> str:
    lines = [" " * indent + name]
    lines += [item.explain(indent + 2) for item in items]
    return "\n".join(lines)


def walk(node: Node):
    """Every node of the tree, depth first."""
    yield node
    if isinstance(node, (And, Or)):
        for item in node.items:
            yield from walk(item)
    elif isinstance(node, Not):
        yield from walk(node.item)


def positive_terms(node: Node, *, negated: bool = False):
    """Words, prefixes and phrases a hit may contain (for snippets and KWIC)."""
    if isinstance(node, Not):
        return
    if isinstance(node, (And, Or)):
        for item in node.items:
            yield from positive_terms(item)
    elif isinstance(node, (Term, Prefix, Phrase, Fuzzy)) and node.field in (None, "title"):
        yield node
