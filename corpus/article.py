"""The one record every stage shares: a cleaned news article.

`corpus` produces `Article`s (or `Rejected` with a reason), `index` makes them
searchable, `search` returns them. Nothing else crosses stage boundaries.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from urllib.parse import urlsplit


class IngestError(Exception):
    """A path given to ingest that cannot be used at all (user-facing)."""


@dataclass(frozen=True)
class Rejected:
    """An input (file or record) that was not stored, and why."""

    origin: str  # "path" or "path:line"
    reason: str


@dataclass(frozen=True)
class Skipped:
    """A part of an input that is not an article and not an error (a WARC request record)."""

    origin: str
    reason: str


@dataclass(frozen=True)
class Dropped:
    """A part of an input that was not kept while its article was stored (a date
    that cannot be true, bytes that are not text), and why: logged like a reject."""

    origin: str
    reason: str
    kind: str | None = None  # what the ingest summary counts it as, when not the reason's start


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    body: str
    url: str | None = None
    date: datetime | None = None  # always timezone-aware when present
    date_source: str | None = None  # "record", "metadata", "url", "dateline", "text", "crawl"
    people: tuple[str, ...] = ()  # who the story is about (facets, the "people" of results)
    places: tuple[str, ...] = ()
    source: str | None = None
    tags: tuple[str, ...] = ()
    origin: str = ""  # the input it came from ("path:line" for JSON lines)
    cluster: str | None = None  # near-duplicate group, when known
    dateline: str | None = None  # "TOKYO, March 3", when the input has one
    # People the text names in passing (not in `people`): `person:` finds them
    # too, so a search for everything about someone misses no article.
    mentioned: tuple[str, ...] = ()
    author: str | None = None  # the byline, when the page names one (HTML: meta author, byline)
    content_hash: str = field(default="", compare=False)
    # Whether `people` was read from the text (not given by the input, as the
    # Reuters editors' tags are): only then may ingest add a headline's known
    # people (`corpus.known_people`). Not stored: it matters before storing only.
    people_from_text: bool = field(default=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.date is not None and self.date.tzinfo is None:
            # A date without zone is taken as UTC (documented contract).
            object.__setattr__(self, "date", self.date.replace(tzinfo=timezone.utc))
        if not self.content_hash:
            object.__setattr__(self, "content_hash", compute_content_hash(self))

    @property
    def site(self) -> str | None:
        return site_of(self.url)

    @property
    def text_hash(self) -> str:
        """Hash of the normalized title and body: equal texts are one article."""
        return text_hash(self.title, self.body)

    def with_changes(self, **changes) -> Article:
        changes.setdefault("content_hash", "")
        return replace(self, **changes)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "body": self.body,
            "date": self.date.isoformat() if self.date else None,
            "date_source": self.date_source,
            "people": list(self.people),
            "places": list(self.places),
            "source": self.source,
            "tags": list(self.tags),
            "origin": self.origin,
            "cluster": self.cluster,
            "dateline": self.dateline,
            "mentioned": list(self.mentioned),
            "author": self.author,
            "content_hash": self.content_hash,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Article:
        date = data.get("date")
        return cls(
            id=data["id"],
            url=data.get("url"),
            title=data["title"],
            body=data["body"],
            date=datetime.fromisoformat(date) if date else None,
            date_source=data.get("date_source"),
            people=tuple(data.get("people") or ()),
            places=tuple(data.get("places") or ()),
            source=data.get("source"),
            tags=tuple(data.get("tags") or ()),
            origin=data.get("origin") or "",
            cluster=data.get("cluster"),
            dateline=data.get("dateline"),
            mentioned=tuple(data.get("mentioned") or ()),
            author=data.get("author"),
            content_hash=data.get("content_hash") or "",
        )


def compute_content_hash(article: Article) -> str:
    """Hash of everything a search can see; a change here means 'updated'."""
    data = {
        "title": article.title,
        "body": article.body,
        "url": article.url,
        "date": article.date.isoformat() if article.date else None,
        "people": list(article.people),
        "places": list(article.places),
        "source": article.source,
        "tags": list(article.tags),
    }
    if article.mentioned:  # absent when empty, so older records keep their hash
        data["mentioned"] = list(article.mentioned)
    if article.author:  # the same
        data["author"] = article.author
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:32]


_SPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """NFC, with runs of whitespace folded to one space."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def text_hash(title: str, body: str) -> str:
    norm = normalize_text(f"{title}\n{body}").casefold()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:32]


def site_of(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    host = host.lower()
    return host[4:] if host.startswith("www.") else (host or None)


def make_id(url: str | None, title: str, body: str) -> str:
    """A stable id for records that bring none: from the URL, else the text."""
    if url:
        return "u" + hashlib.sha256(url.strip().encode("utf-8")).hexdigest()[:15]
    return "t" + text_hash(title, body)[:15]


def path_text(path) -> str:
    """A file name as text that any UTF-8 writer accepts: bytes of the name
    that are not UTF-8 (which Python keeps as lone surrogates) written as
    \\xff, so the name can be logged, stored and printed."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
