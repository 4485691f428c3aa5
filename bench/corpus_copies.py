"""The benchmark corpus: Reuters-21578 read with Dateline's own reader, and
copies of it for the larger scales.

Copy k (k >= 1) of an article gets a new id, its date moved k years later (so
month and quarter ranges keep meaning something) and " #k" after its title:
without it the store would rightly refuse the copy as a duplicate text. Every
engine indexes exactly the same JSON-lines records.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from dateutil.relativedelta import relativedelta

from dateline.corpus.article import Article
from dateline.corpus.ingestion import load_articles

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)  # only used to reject future dates


def reuters_files(corpus: Path, every: int = 1) -> list[Path]:
    """The SGML files; every n-th for a quick run (spread over the corpus's months)."""
    files = sorted(Path(corpus).glob("reut2-*.sgm"))
    if not files:
        raise SystemExit(f"Error: no reut2-*.sgm files in {corpus}")
    return files[::every]


def read_originals(files: list[Path]) -> list[Article]:
    return [a for a in load_articles(files, now=NOW) if isinstance(a, Article)]


def record(article: Article, copy: int) -> dict:
    date = article.date + relativedelta(years=copy) if article.date else None
    return {
        "id": article.id if copy == 0 else f"{article.id}-c{copy}",
        "title": article.title if copy == 0 else f"{article.title} #{copy}",
        "body": article.body,
        "date": date.isoformat() if date else None,
        "people": list(article.people),
        "places": list(article.places),
        "tags": list(article.tags),
        "source": article.source,
    }


def write_copies(originals: list[Article], out_dir: Path, *, copies: range) -> list[Path]:
    """One JSON-lines file per copy; returns the paths in copy order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for copy in copies:
        path = out_dir / f"copy-{copy:03d}.jsonl"
        if not path.exists():
            tmp = path.with_suffix(".tmp")
            with open(tmp, "w", encoding="utf-8") as handle:
                for article in originals:
                    handle.write(json.dumps(record(article, copy), ensure_ascii=False) + "\n")
            tmp.replace(path)
        paths.append(path)
    return paths


def read_records(paths: list[Path]) -> Iterator[dict]:
    """The records back, streamed (a build never holds the whole corpus)."""
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                yield json.loads(line)


def text_bytes(paths: list[Path]) -> int:
    """Bytes of title and body text, the 'MB' in MB/s."""
    return sum(len(r["title"].encode()) + len(r["body"].encode()) for r in read_records(paths))
