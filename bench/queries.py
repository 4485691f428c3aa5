"""The query set, described once by its parts so every engine is asked the
same thing in its own language (Dateline's, Whoosh's QueryParser, FTS5 MATCH,
tantivy's parser). Dates cover the original 1987 articles; at x10 the copies
are in later years, so a 1987 range finds the same articles at every scale."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone


def utc(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, tzinfo=timezone.utc)


@dataclass(frozen=True)
class BenchQuery:
    name: str
    words: tuple[str, ...] = ()
    phrase: str | None = None
    field: tuple[str, str] | None = None  # ("place" | "person", value)
    dates: tuple[datetime, datetime] | None = None  # [start, end)
    facets: bool = False  # Dateline only: facet counts over all hits

    def dateline(self) -> str:
        parts = list(self.words)
        if self.phrase:
            parts.append(f'"{self.phrase}"')
        if self.field:
            parts.append(f"{self.field[0]}:{quoted(self.field[1])}")
        if self.dates:
            start, end = self.dates
            last = end - timedelta(days=1)  # Dateline ranges are inclusive
            parts.append(f"date:{start:%Y-%m-%d}..{last:%Y-%m-%d}")
        return " ".join(parts)

    def text(self, field_names: dict[str, str], field_syntax: str = "{f}:{v}") -> str:
        """Words, phrase and field in the Lucene-like syntax the peers share."""
        parts = list(self.words)
        if self.phrase:
            parts.append(f'"{self.phrase}"')
        if self.field:
            value = quoted(self.field[1])
            parts.append(field_syntax.format(f=field_names[self.field[0]], v=value))
        return " ".join(parts)


def quoted(value: str) -> str:
    return f'"{value}"' if " " in value else value


QUERIES = [
    BenchQuery("common word", words=("oil",)),
    BenchQuery("rare word", words=("sorghum",)),
    BenchQuery("phrase", phrase="interest rates"),
    BenchQuery("field: place", field=("place", "japan")),
    BenchQuery("field: person", field=("person", "volcker")),
    BenchQuery("date: month", dates=(utc(1987, 3, 1), utc(1987, 4, 1))),
    BenchQuery("date: quarter", dates=(utc(1987, 4, 1), utc(1987, 7, 1))),
    BenchQuery("phrase+field+date", phrase="interest rates", field=("place", "united states"),
               dates=(utc(1987, 3, 1), utc(1987, 6, 1))),
    BenchQuery("facets: common word", words=("oil",), facets=True),
    BenchQuery("facets: month", dates=(utc(1987, 3, 1), utc(1987, 4, 1)), facets=True),
]
