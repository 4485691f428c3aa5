"""WARC files (`.warc`, `.warc.gz`): what wget, Heritrix, Browsertrix and Common Crawl write.

Read as a stream with warcio, so a WARC of any size uses little memory. Every
HTML `response` record is a candidate article with the record's target URI
and crawl date; an HTML error response (HTTP 4xx, 5xx) is rejected as an
error page; requests, metadata, non-HTML responses, redirects and `revisit`
records are counted as skipped (they are not articles, and not errors). A truncated or corrupt WARC keeps what was read before the damage
and is reported with the record where it broke.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader
from warcio.exceptions import ArchiveLoadFailed

from dateline.corpus.article import Article, Dropped, Rejected, Skipped
from dateline.corpus.dates import DateParseError, parse_article_date
from dateline.corpus.readers.decode import charset_of, decode_html, path_text, with_replaced_bytes
from dateline.corpus.readers.html import read_html
from dateline.corpus.readers.limits import MAX_HTML_PAGE_BYTES, human_size

MAX_RECORD_BYTES = MAX_HTML_PAGE_BYTES  # one page; anything larger is not an article
# The longest line warcio may read at once: a WARC or HTTP header line is far
# shorter. Unbounded, a file of zeros (no newline) was read as one line, by
# concatenation: 40 MB took 39 s, 1.5 GB of gzipped zeros 20 GB of memory.
MAX_LINE_BYTES = 64 * 1024


class _LineBoundedReader(DecompressingBufferedReader):
    def readline(self, length=None):
        return super().readline(MAX_LINE_BYTES if length is None else min(length, MAX_LINE_BYTES))


class _Records(ArchiveIterator):
    """warcio's iterator with header lines bounded, and without its warning
    (several lines and raw bytes, on stderr) about stray bytes after a
    record: `err_count` counts those, and the reader logs them in rejects."""

    INC_RECORD = ""

    def __init__(self, stream):
        super().__init__(stream)
        # warcio makes its reader here and reads nothing before the first record.
        self.reader = _LineBoundedReader(self.fh, block_size=self.reader.block_size)


def looks_like_warc(head: bytes) -> bool:
    return head.startswith(b"WARC/")


def read_warc(path: Path, *, now: datetime, origin: str | None = None) -> Iterator[Article | Rejected | Skipped]:
    origin = path_text(path) if origin is None else origin
    number = 0
    try:
        with open(path, "rb") as stream:
            records = _Records(stream)
            for number, record in enumerate(records, start=1):
                if records.err_count:  # stray bytes before this record: one line, not warcio's warning
                    records.err_count = 0
                    yield Dropped(f"{origin}#{number}", "stray bytes before this WARC record "
                                  "(the previous record's Content-Length is wrong?); skipped")
                yield from checked_record(record, number, origin, now=now)
        if records.err_count:
            yield Dropped(origin, f"stray bytes after WARC record {number} (its Content-Length is wrong?); skipped")
        if number == 0:
            yield Rejected(origin, "empty WARC (no records)")
        elif not gzip_intact(path):
            yield Rejected(origin, f"broken WARC after record {number} (truncated gzip)")
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        where = f"after record {number}" if number else "at its start"
        yield Rejected(origin, f"broken WARC {where} ({_first_line(exc)})")
    except Exception as exc:  # noqa: BLE001 - zlib and parser errors of any kind: report, go on
        yield Rejected(origin, f"broken WARC after record {number} ({type(exc).__name__})")


def checked_record(record, number: int, origin: str, *,
                   now: datetime | None) -> list[Article | Rejected | Skipped]:
    """Record `number` of the WARC `origin` read (`now` None: only checked, as a
    cluster's plan of a large WARC does); ValueError when it is not a whole
    WARC record (the file is broken there)."""
    if not (record.rec_headers.protocol or "").startswith(("WARC/", "ARC/")) and record.format != "arc":
        raise ValueError(f"not a WARC record header ({record.rec_headers.protocol!r})")
    items = list(_read_record(record, f"{origin}#{number}", now=now)) if now is not None else []
    _drain(record)  # warcio only warns about a record cut short: check it here
    if record.raw_stream.limit > 0:
        raise ValueError(f"record {number} is cut short")
    return items


def _read_record(record, where: str, *, now: datetime) -> Iterator[Article | Rejected | Skipped]:
    if record.rec_type != "response":
        yield Skipped(where, f"{record.rec_type} record")
        return
    http = record.http_headers
    status = http.get_statuscode() if http else None
    content_type = (http.get_header("Content-Type") or "") if http else ""
    if status and status.startswith(("4", "5")) and "html" in content_type.lower():
        yield Rejected(where, f"not an article: an error page (HTTP {http.statusline.strip()})")
        return
    if status and not status.startswith("2"):
        yield Skipped(where, f"HTTP {status}")
        return
    if "html" not in content_type.lower():
        yield Skipped(where, f"not HTML ({content_type.split(';')[0].strip() or 'no content type'})")
        return
    data = record.content_stream().read(MAX_RECORD_BYTES + 1)
    if len(data) > MAX_RECORD_BYTES:
        yield Rejected(where, f"record too large (over {human_size(MAX_RECORD_BYTES)}, "
                              "the limit for an HTML page)")
        return
    decoded = decode_html(data, charset_of(content_type))
    if decoded is None:
        yield Rejected(where, "binary content in an HTML record")
        return
    url = record.rec_headers.get_header("WARC-Target-URI")
    crawl_date = _crawl_date(record.rec_headers.get_header("WARC-Date"), now)
    yield from with_replaced_bytes(read_html(decoded.text, where, now=now, url=url, crawl_date=crawl_date),
                                   where, decoded.replaced)


def gzip_intact(path: Path) -> bool:
    """A gzipped WARC whose last member is cut off loses records without any error
    from warcio; decompressing to the end tells."""
    with open(path, "rb") as handle:
        if handle.read(2) != b"\x1f\x8b":
            return True
    try:
        with gzip.open(path, "rb") as handle:
            while handle.read(1 << 20):
                pass
    except (OSError, EOFError, zlib.error):
        return False
    return True


def _drain(record) -> None:
    while record.raw_stream.read(1 << 16):
        pass


def _crawl_date(value: str | None, now: datetime) -> datetime | None:
    try:
        return parse_article_date(value, now=now) if value else None
    except DateParseError:
        return None


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:120]
