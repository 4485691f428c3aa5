"""Place names in a query, read through the gazetteer that tags articles.

Extraction stores a place under its canonical value ("United Kingdom",
`corpus/gazetteer`), and a record's own places get the same values beside the
spelling it gave (`extract_places.with_countries`). A query names a place as
people type it: `place:uk`, `place:u.k.`, `place:britain`, `place:usa`,
`place:ussr`, `place:french`. Each is resolved here, once, when the query is
read, into the canonical values it stands for; the tree then holds those
values (`PlaceName`), so every engine searches the same thing and `explain`
shows it.

Resolved: a country's name, its aliases and ISO codes, abbreviations with or
without dots, a former state's names (USSR -> Soviet Union), and a country's
adjective (French -> France) when the table gives it one country. A city, a
region or a name the table does not know is left as typed (any word of a
place value, or the whole value when quoted).

The table is read on the first place query only (`tables()` is cached): the
command line does not load it at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from dateline.index.analysis import edit_distance, fold
from dateline.search.query import Node, Or, Phrase, Term

# What a name may resolve to: kinds that name a state. A city is its own value.
_NATIONAL = ("country", "historical", "alias", "demonym")


@dataclass(frozen=True)
class PlaceName(Or):
    """A place as typed, and the canonical values it resolved to (one Phrase
    each, ORed: `place:"soviet union"` does not also find plain Russia)."""

    text: str = ""

    def explain(self, indent: int = 0) -> str:
        values = ", ".join(repr(item.text) for item in self.items)
        return " " * indent + f"Place({self.text!r} -> {values})"


def _key(name: str) -> str:
    """'U.K.' / 'uk' / 'Uk' -> 'uk'; 'Cote d’Ivoire' -> "cote d'ivoire"."""
    return fold(name).replace(".", "").replace("-", " ")


@cache
def _names() -> dict[str, tuple[str, ...]]:
    """Every national name's key -> the canonical values it names (more than
    one: ambiguous, not resolved)."""
    from dateline.corpus.extract_places import tables  # the table, read on first use

    gaz = tables()
    found: dict[str, set[str]] = {}
    for table in (gaz.in_text, gaz.upper):
        for name, entry in table.items():
            if entry.kind in _NATIONAL:
                found.setdefault(_key(name), set()).add(entry.value)
    for country in gaz.countries:
        found.setdefault(_key(country), set()).add(country)
    return {key: tuple(sorted(values)) for key, values in found.items()}


def resolve_place(text: str) -> str | None:
    """The canonical place value a typed name stands for, or None."""
    values = _names().get(_key(text), ())
    return values[0] if len(values) == 1 else None


def place_node(node: Term | Phrase) -> Node:
    """A `place:` term or phrase, resolved when the gazetteer knows the name."""
    value = resolve_place(node.text)
    if value is None:
        return node
    return PlaceName((Phrase(value, "place"),), text=node.text)


def near_place_names(text: str) -> list[tuple[int, str, str]]:
    """(edit distance, name, its value) of the known place names near a
    misspelt one ('brittain' -> 'britain'), for did-you-mean; empty when the
    name is known or too short to guess from."""
    key = _key(text)
    if len(key) < 4 or key in _names():
        return []
    limit = 1 if len(key) < 6 else 2
    near = []
    for name, values in _names().items():
        if len(values) == 1 and abs(len(name) - len(key)) <= limit:
            distance = edit_distance(key, name, limit)
            if distance <= limit:
                near.append((distance, name, values[0]))
    return sorted(near)
