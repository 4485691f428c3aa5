"""The operations an engine runs: Dateline's query tree lowered onto index
fields (`search/lower.py` makes them; every engine in `index/engine.py` runs
them and must find the same articles)."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime


class Op:
    """An operation over the index's fields."""


@dataclass(frozen=True)
class TermOp(Op):
    field: str
    text: str


@dataclass(frozen=True)
class StemOp(Op):
    """Every indexed word of `field` whose stem is `stem`, as one term."""

    field: str
    stem: str


@dataclass(frozen=True)
class PhraseOp(Op):
    """Words in order, each at most `reach` positions after the one before."""

    field: str
    words: tuple[str, ...]
    reach: int = 1


def words_in_order(positions: list[list[int]], reach: int) -> bool:
    """The rule of `PhraseOp` for one document, given each word's positions
    in it (ascending): whether some position of each word follows one of the
    previous word's by 1 to `reach` positions (1: adjacent). The Whoosh
    engine and the percolator (`search/percolate.py`) decide a phrase by it
    (tantivy runs its own phrase queries, held to the same answers by
    tests/test_engine_contract.py)."""
    if reach == 1 and len(positions) == 2:
        return not set(positions[1]).isdisjoint([p + 1 for p in positions[0]])
    current = positions[0]
    for following in positions[1:]:
        if reach == 1:
            current = sorted(set(following).intersection(p + 1 for p in current))
        else:
            current = [q for q in following
                       if (i := bisect_left(current, q - reach)) < len(current) and current[i] < q]
        if not current:
            return False
    return True


@dataclass(frozen=True)
class PrefixOp(Op):
    """Any indexed word starting with `prefix`."""

    field: str
    prefix: str


@dataclass(frozen=True)
class FuzzyOp(Op):
    """Indexed words of `field` within `distance` edits of `word` (Damerau-
    Levenshtein, as Lucene counts), each scored as if asked for."""

    field: str
    word: str
    distance: int


@dataclass(frozen=True)
class DateOp(Op):
    """Dated articles in [start, end) (UTC, either end open); unscored."""

    start: datetime | None
    end: datetime | None


@dataclass(frozen=True)
class AllOp(Op):
    pass


@dataclass(frozen=True)
class NoneOp(Op):
    pass


@dataclass(frozen=True)
class AndOp(Op):
    required: tuple[Op, ...]  # empty: every article
    excluded: tuple[Op, ...] = ()


@dataclass(frozen=True)
class OrOp(Op):
    items: tuple[Op, ...]
