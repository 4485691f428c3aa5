"""The operations an engine runs: Dateline's query tree lowered onto index
fields (`search/lower.py` makes them; every engine in `index/engine.py` runs
them and must find the same articles)."""

from __future__ import annotations

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
