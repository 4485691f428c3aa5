"""What one Dask task reads (`Part`), how an input is cut into parts, and
how a worker reads one (`read_part`): `corpus.cluster` submits them.

A file is one part; a WARC or JSON-lines file over SPLIT_BYTES is planned
into byte ranges of whole records (the workers read them from the shared
filesystem or are sent their bytes); a gzipped JSON-lines file, which cannot
be seeked, is decompressed here and its whole lines sent in chunks
(`gzip_jsonl_pieces`). Each part's records keep the numbers a local ingest
gives them.
"""

from __future__ import annotations

import io
import os
import signal
import tempfile
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dateline.corpus.article import Rejected

SPLIT_BYTES = 16 * 1024 * 1024  # a WARC or JSON-lines file larger than this is read in parts
JSONL_SUFFIXES = (".jsonl", ".ndjson")
# Test hook, as index/faults.py's: a worker reading a file of this name kills itself.
CRASH_ENV = "DATELINE_CRASH_AT"


@dataclass(frozen=True)
class Part:
    """What one task reads: a whole file, or records start..end (byte
    offsets) of a WARC or JSON-lines file, numbered from `first`; or, kind
    "jsonl.gz", lines start..end of a gzipped JSON-lines file, whose bytes
    (decompressed here) always come with the task."""

    path: str  # the input as this process names it: the records' origins say it
    location: str  # its absolute path, where a worker sharing the filesystem reads it
    kind: str = "file"  # "file", "url", "warc", "jsonl" or "jsonl.gz"
    start: int = 0
    end: int = 0
    first: int = 1
    encoding: str | None = None  # jsonl: what its lines that are not UTF-8 are read in
    blanks: int = 0  # jsonl.gz: blank lines just before its first (the file's limit counts them)

    def where(self) -> str:
        if self.kind == "jsonl.gz":
            return f"{self.path} (lines {self.start}-{self.end})"
        return self.path if self.kind == "file" else f"{self.path} (bytes {self.start}-{self.end})"


class NotSharedError(FileNotFoundError):
    """A worker does not see an input where the command does."""


def read_part(part: Part, data: bytes | None, now: datetime, repeated: frozenset[str]):
    """On a worker: (items with signatures, word casing counts, records held).
    `data`: the part's bytes sent by the client, None to read `part.path`."""
    if os.environ.get(CRASH_ENV) == f"worker-reads:{Path(part.path).name}":
        # As a page that crashes its reader does, a while into reading it: a
        # worker that dies soon after its nanny started it again can meet a
        # race in Dask's nanny, which then never starts it again (docs/cluster.md).
        time.sleep(1)
        os.kill(os.getpid(), signal.SIGKILL)
    from dateline.corpus.ingestion import signed_items
    from dateline.corpus.readers import read_path

    case = (Counter(), Counter(), Counter())
    if part.kind == "url":
        from dateline.corpus.remote import RemoteFile

        items = RemoteFile(part.path).read(now=now, repeated=repeated, data=data)
        return list(signed_items(items, case)), case, 0
    if data is None and not os.path.lexists(part.location):
        raise NotSharedError(part.location)  # not a file gone: a filesystem this worker does not share
    if part.kind == "file" and data is None:
        items = read_path(Path(part.location), now=now, repeated=repeated, origin=part.path)
        return list(signed_items(items, case)), case, 0
    if part.kind == "file":
        with tempfile.TemporaryDirectory(prefix="dateline-") as folder:
            copy = Path(folder) / Path(part.path).name
            copy.write_bytes(data)
            items = read_path(copy, now=now, repeated=repeated, origin=part.path)
            return list(signed_items(items, case)), case, 0
    if data is None:
        with open(part.location, "rb") as handle:
            handle.seek(part.start)
            data = handle.read(part.end - part.start)
    reader = _read_warc_part if part.kind == "warc" else _read_jsonl_part
    records = [0]
    return list(signed_items(reader(part, data, now, records), case)), case, records[0]


@dataclass(frozen=True)
class Failed:
    """What a part's reading raised on a worker, kept apart from the other
    parts of its task: the exception's name and message, and whether it was a
    `NotSharedError`."""

    kind: str
    message: str
    not_shared: bool = False


def read_parts(parts: list[Part], data: list[bytes | None], now: datetime,
               repeated: frozenset[str]) -> tuple[list, float]:
    """On a worker: `read_part` of several parts (small files of one folder) in
    one task, each one's result or, when it raised, `Failed`; and the CPU
    seconds they took. One task for a few pages instead of one each: what a
    task costs Dask (messages between the command, the scheduler and the
    worker, milliseconds of CPU) is paid once for all of them."""
    started = time.thread_time()
    results = []
    for part, part_data in zip(parts, data):
        try:
            results.append(read_part(part, part_data, now, repeated))
        except Exception as exc:  # noqa: BLE001 - the command rejects that part alone
            results.append(Failed(type(exc).__name__, str(exc), isinstance(exc, NotSharedError)))
    return results, time.thread_time() - started


def _read_warc_part(part: Part, data: bytes, now: datetime, records: list[int]):
    from warcio.archiveiterator import ArchiveIterator

    from dateline.corpus.readers.warc import checked_record

    number = part.first - 1
    try:
        for number, record in enumerate(ArchiveIterator(io.BytesIO(data)), start=part.first):
            records[0] += 1
            yield from checked_record(record, number, part.path, now=now)
    except Exception as exc:  # noqa: BLE001 - changed since it was planned: report, go on
        yield Rejected(part.path, f"broken WARC after record {number} ({type(exc).__name__}: {exc})"[:200])


def _read_jsonl_part(part: Part, data: bytes, now: datetime, records: list[int]):
    from dataclasses import astuple

    from dateline.corpus.readers.decode import line_decoder
    from dateline.corpus.readers.jsonl import read_jsonl_lines
    from dateline.corpus.readers.limits import MAX_JSONL_RECORD_BYTES
    from dateline.corpus.readers.stream import bounded_lines

    decode = line_decoder(b"", part.encoding)

    def lines():
        for n, line in bounded_lines(io.BytesIO(data), MAX_JSONL_RECORD_BYTES):
            number = part.first + n - 1
            if line is None:
                records[0] += 1
                yield number, None, 0
                continue
            records[0] += bool(line.strip())
            yield (number, *astuple(decode(line)))

    yield from read_jsonl_lines(lines(), part.path, now=now, whole_file=False, blank_before=part.blanks)


def plan_parts(path: Path, size: int, split_bytes: int = SPLIT_BYTES) -> list[Part]:
    """The parts of one input: the whole file, unless it is a WARC or (plain)
    JSON-lines file over `split_bytes` that reads whole records in ranges. A
    WARC that is broken anywhere is one part, read as a local ingest reads it."""
    whole = [Part(str(path), str(path.resolve()))]
    if size <= split_bytes:
        return whole
    from dateline.corpus.readers import NOT_CRAWL_SUFFIXES, is_warc

    name = path.name.lower()
    if Path(name.removesuffix(".gz")).suffix in NOT_CRAWL_SUFFIXES:
        return whole
    if is_warc(path):
        return _warc_parts(path, size, split_bytes) or whole
    if name.endswith(JSONL_SUFFIXES):
        return _jsonl_parts(path, size, split_bytes)
    return whole


def _warc_parts(path: Path, size: int, split_bytes: int) -> list[Part] | None:
    from warcio.archiveiterator import ArchiveIterator

    from dateline.corpus.readers.warc import checked_record, gzip_intact

    starts = []  # (offset, record number) where a part begins
    last = -1
    try:
        with open(path, "rb") as stream:
            records = ArchiveIterator(stream)
            for number, record in enumerate(records, start=1):
                offset = records.get_record_offset()
                if offset <= last:
                    return None  # one gzip member for many records: no place to cut
                if not starts or offset - starts[-1][0] >= split_bytes:
                    starts.append((offset, number))
                last = offset
                checked_record(record, number, str(path), now=None)
    except Exception:  # noqa: BLE001 - broken: the local reader says where and why
        return None
    if not starts or not gzip_intact(path) or not _starts_records(path, [s for s, _ in starts]):
        return None
    ends = [s for s, _ in starts[1:]] + [size]
    return [Part(str(path), str(path.resolve()), "warc", start, end, number) for (start, number), end in zip(starts, ends)]


def _starts_records(path: Path, offsets: list[int]) -> bool:
    with open(path, "rb") as handle:
        for offset in offsets:
            handle.seek(offset)
            if not handle.read(5).startswith((b"\x1f\x8b", b"WARC/")):
                return False
    return True


def _jsonl_parts(path: Path, size: int, split_bytes: int) -> list[Part]:
    """Ranges of whole lines; the lines not in UTF-8 are read in the encoding
    a local ingest would choose for the whole file (`fallback_encoding`)."""
    from dateline.corpus.readers import DECODE_SAMPLE_BYTES
    from dateline.corpus.readers.decode import fallback_encoding
    from dateline.corpus.readers.limits import MAX_JSONL_RECORD_BYTES
    from dateline.corpus.readers.stream import bounded_lines

    starts = [(0, 1)]
    with open(path, "rb") as stream:
        sample = stream.read(DECODE_SAMPLE_BYTES)
        stream.seek(0)

        def lines():
            for number, line in bounded_lines(stream, MAX_JSONL_RECORD_BYTES):
                if stream.tell() - starts[-1][0] >= split_bytes and stream.tell() < size:
                    starts.append((stream.tell(), number + 1))
                if line is not None:
                    yield line

        every_line = lines()
        encoding = fallback_encoding(sample, every_line)
        for _ in every_line:  # the rest of the file, after a line that decided the encoding
            pass
    ends = [s for s, _ in starts[1:]] + [size]
    return [Part(str(path), str(path.resolve()), "jsonl", start, end, number, encoding)
            for (start, number), end in zip(starts, ends)]


class Ready:
    """Items this process gives itself in a file's order, between its parts
    (what a local ingest would report at that place: a line too large to
    send, a gzip broken after the lines before it)."""

    def __init__(self, items: list) -> None:
        self.items = [(item, None) for item in items]


def gzip_jsonl_pieces(path: Path, split_bytes: int = SPLIT_BYTES):
    """The parts of a gzipped JSON-lines file as (Part, its decompressed
    lines) and `Ready` items, in order, read lazily (the caller keeps a few
    in flight); None when its start is broken or empty, so that it is read
    whole as a local ingest reads it. Lines are read the way the local
    reader reads them (the same `readline`s of the same stream), so a file
    damaged in the middle gives the same lines before its damage."""
    from dateline.corpus.readers import SNIFF_BYTES
    from dateline.corpus.readers.stream import open_input

    try:
        with open_input(path) as stream:
            head = stream.read(SNIFF_BYTES)
    except (OSError, EOFError, zlib.error):
        return None
    if not head.strip() and len(head) < SNIFF_BYTES:
        return None
    return _gzip_jsonl_pieces(path, split_bytes)


def _gzip_jsonl_pieces(path: Path, split_bytes: int):
    import codecs

    from dateline.corpus.readers import SNIFF_BYTES, stream_sample
    from dateline.corpus.readers.decode import decode_mostly_utf8, detected_encoding
    from dateline.corpus.readers.jsonl import read_jsonl_lines
    from dateline.corpus.readers.limits import MAX_BLANK_LINES, MAX_JSONL_RECORD_BYTES
    from dateline.corpus.readers.stream import bounded_lines, open_input

    origin, location = str(path), str(path.resolve())
    chunk: list[bytes] = []
    first, blanks = 1, 0  # the chunk's first line, the blank lines before it
    blank = records = size = 0
    encoding = None  # decided at the first line that is not UTF-8, as `line_decoder` decides

    def part(last: int):
        return Part(origin, location, "jsonl.gz", first, last, first, encoding, blanks), b"".join(chunk)

    number = 0
    try:
        with open_input(path) as stream:
            stream.read(SNIFF_BYTES)  # the local reader's reads, in its order
            stream.seek(0)
            sample = stream_sample(stream)
            others = b"\n".join(x for x in sample.split(b"\n") if decode_mostly_utf8(x) is None)
            stream.seek(0)
            for number, line in bounded_lines(stream, MAX_JSONL_RECORD_BYTES):
                if line is None:  # not sent: its reject is made here
                    if chunk:
                        yield part(number - 1)
                    chunk, size, first, blanks, blank = [], 0, number + 1, 0, 0
                    records += 1
                    yield Ready(list(read_jsonl_lines([(number, None, 0)], origin, now=None, whole_file=False)))
                    continue
                if not line.strip():
                    blank += 1
                else:
                    records += 1
                    blank = 0
                    if encoding is None and decode_mostly_utf8(line.removeprefix(codecs.BOM_UTF8)) is None:
                        encoding = detected_encoding(others or line) or "latin-1"
                chunk.append(line)
                size += len(line)
                if blank > MAX_BLANK_LINES:  # the part reports it; the local reader reads no further
                    yield part(number)
                    return
                if size >= split_bytes:
                    yield part(number)
                    chunk, size, first, blanks = [], 0, number + 1, blank
    except (OSError, EOFError, zlib.error) as exc:
        if chunk:
            yield part(number)
        yield Ready([Rejected(origin, f"broken gzip ({exc})")])
        return
    if chunk:
        yield part(number)
    if not records:
        yield Ready([Rejected(origin, "no JSON lines (only blank lines)")])
