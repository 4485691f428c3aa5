"""The place table (`places.tsv`, derived from GeoNames by `build.py`) and lookups.

Canonical place values are GeoNames' short English country names ("Russia",
"United States"); a city or demonym resolves to its country, and a former
state ("Soviet Union") is kept as a value of its own with its successor.
The Reuters reader resolves the editors' codes through the same table, so
`place:russia` means the same thing for every input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple

TABLE = Path(__file__).with_name("places.tsv")

# Kinds found anywhere in running text; towns and state abbreviations are
# trusted only in a dateline, where a place is certain to be named.
TEXT_KINDS = ("country", "alias", "historical", "demonym", "city", "region")
DATELINE_KINDS = TEXT_KINDS + ("town",)


class Entry(NamedTuple):
    value: str  # the canonical place value
    kind: str  # country, alias, historical, demonym, city, region, town
    country: str  # its country (a former state's successor)


@dataclass
class Gazetteer:
    countries: set[str] = field(default_factory=set)
    successor: dict[str, str] = field(default_factory=dict)  # historical state -> country
    # name -> (value, kind, country): "Moscow" -> ("Moscow", "city", "Russia")
    in_text: dict[str, Entry] = field(default_factory=dict)
    in_dateline: dict[str, Entry] = field(default_factory=dict)
    upper: dict[str, Entry] = field(default_factory=dict)  # NAME -> same, for all-caps titles
    longest: int = 1  # words in the longest name

    def add(self, kind: str, name: str, value: str, country: str) -> None:
        entry = Entry(value, kind, country)
        if kind in TEXT_KINDS:
            # The first (more important) kind of a name wins: country before city.
            self.in_text.setdefault(name, entry)
        if kind in ("country", "alias", "historical", "demonym"):
            # In an all-caps headline a city name is too often a word ("SALE").
            self.upper.setdefault(name.upper(), entry)
        self.in_dateline.setdefault(name, entry)
        self.in_dateline.setdefault(name.upper(), entry)
        self.longest = max(self.longest, len(name.split()))

    def place_values(self, place: str) -> tuple[str, ...]:
        """A place's values: itself, and a former state's successor country."""
        if place in self.successor:
            return (place, self.successor[place])
        return (place,)

    def country_of(self, place: str) -> str | None:
        """Country level: the country itself, or a former state's successor."""
        if place in self.countries:
            return place
        return self.successor.get(place)

    def resolve(self, name: str) -> str | None:
        """A place name or code in any spelling ('usa', 'West Germany') -> canonical value."""
        for key in (name, name.replace("-", " ").title(), name.upper(), name.replace("-", " ").upper()):
            found = self.in_text.get(key) or self.upper.get(key) or self.in_dateline.get(key)
            if found and found.kind in ("country", "alias", "historical"):
                return found.value
        return None


KIND_ORDER = {"country": 0, "historical": 1, "alias": 2, "demonym": 3, "region": 4, "city": 5, "town": 6}


@cache
def gazetteer() -> Gazetteer:
    rows = []
    with open(TABLE, encoding="utf-8") as table:
        for line in table:
            if line.startswith("#") or not line.strip():
                continue
            kind, name, place = line.rstrip("\n").split("\t")
            rows.append((KIND_ORDER[kind], kind, name, place))
    gaz = Gazetteer()
    for _, kind, name, place in sorted(rows, key=lambda r: r[0]):
        if kind == "country":
            gaz.countries.add(place)
        if kind == "historical":
            gaz.successor[name] = place
    for _, kind, name, place in sorted(rows, key=lambda r: r[0]):
        if kind == "historical":
            gaz.add(kind, name, name, place)  # a former state is a value of its own
        elif kind in ("city", "town") or (kind == "region" and "." not in name):
            gaz.add(kind, name, name, place)  # "Moscow" is a value, and tags Russia
        else:  # countries, aliases, demonyms, state abbreviations: the country
            gaz.add(kind, name, place, gaz.successor.get(place, place))
    return gaz
