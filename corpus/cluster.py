"""Reading crawls on a Dask cluster: `dateline ingest --cluster ADDR` / `--workers N`.

The workers read, clean and extract; this process, the home's one writer,
stores what they return in input order, exactly as a local ingest does (the
same ids, near-duplicate clusters, known people and rejects). A file is one
task; a large WARC or JSON-lines file is planned here into parts of whole
records (`plan_parts`), one task each, so one huge file spreads too.

What a task gets is a `Part` and, when the workers do not share this
machine's filesystem, the part's bytes (`send_bytes`); `read_part` is pure:
a path or bytes in, records out. Tasks are kept in flight a few per worker
thread and their results taken in order, so memory here does not grow with
the crawl. A task whose worker dies is run again by Dask; one that kills its
worker every time comes back as KilledWorker after the scheduler's
`allowed-failures` and is rejected with that reason.
"""

from __future__ import annotations

import io
import os
import signal
import tempfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dateline.corpus.article import IngestError, Rejected

SPLIT_BYTES = 16 * 1024 * 1024  # a WARC or JSON-lines file larger than this is read in parts
JSONL_SUFFIXES = (".jsonl", ".ndjson")
INPUTS = ("auto", "paths", "bytes")
RESUBMITS = 1  # a part whose workers all died is tried again once, alone (see FileReading._result)
# Test hook, as index/faults.py's: a worker reading a file of this name kills itself.
CRASH_ENV = "DATELINE_CRASH_AT"


@dataclass(frozen=True)
class Part:
    """What one task reads: a whole file, or records start..end (byte
    offsets) of a WARC or JSON-lines file, numbered from `first`."""

    path: str  # the input as this process names it: the records' origins say it
    location: str  # its absolute path, where a worker sharing the filesystem reads it
    kind: str = "file"  # "file", "warc" or "jsonl"
    start: int = 0
    end: int = 0
    first: int = 1
    encoding: str | None = None  # jsonl: what its lines that are not UTF-8 are read in

    def where(self) -> str:
        return self.path if self.kind == "file" else f"{self.path} (bytes {self.start}-{self.end})"


class NotSharedError(FileNotFoundError):
    """A worker does not see an input where the command does."""


def read_part(part: Part, data: bytes | None, now: datetime, repeated: frozenset[str]):
    """On a worker: (items with signatures, word casing counts, records held).
    `data`: the part's bytes sent by the client, None to read `part.path`."""
    if os.environ.get(CRASH_ENV) == f"worker-reads:{Path(part.path).name}":
        os.kill(os.getpid(), signal.SIGKILL)
    from dateline.corpus.ingestion import signed_items
    from dateline.corpus.readers import read_path

    case = (Counter(), Counter(), Counter())
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

    yield from read_jsonl_lines(lines(), part.path, now=now, whole_file=False)


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


class ClusterReading:
    """Reading on a Dask cluster for one ingest; `ingest(..., cluster=...)`."""

    def __init__(self, client, *, address: str, send_bytes: bool, split_bytes: int = SPLIT_BYTES) -> None:
        self.client = client
        self.address = address
        self.send_bytes = send_bytes
        self.split_bytes = split_bytes
        self._workers = (-1e9, 0)
        self._threads = (-1e9, 1)

    def threads(self) -> int:
        """Worker threads (at least 1, asked at most once a second): how many
        tasks to keep in flight."""
        import time

        asked, count = self._threads
        if time.monotonic() - asked > 1:
            try:
                count = max(1, sum(self.client.nthreads().values()))
            except Exception as exc:  # noqa: BLE001
                raise self.lost(exc) from None
            self._threads = (time.monotonic(), count)
        return count

    def workers(self) -> int:
        """Workers connected (asked of the scheduler at most once a second)."""
        import time

        asked, count = self._workers
        if time.monotonic() - asked > 1:
            try:
                count = len(self.client.scheduler_info(n_workers=-1).get("workers", {}))
            except Exception:  # noqa: BLE001 - progress only; a lost scheduler shows in the results
                pass
            self._workers = (time.monotonic(), count)
        return count

    def dashboard(self) -> str | None:
        try:
            if "dashboard" not in self.client.scheduler_info().get("services", {}):
                return None  # the dashboard needs bokeh, which dateline does not require
            return self.client.dashboard_link
        except Exception:  # noqa: BLE001
            return None

    def read(self, path: Path, stat, now: datetime, repeated: frozenset[str]) -> FileReading | None:
        """Start reading one input; its `result()` is what `ingest` stores.
        None for a large file that cannot be cut into parts when its bytes would
        have to be sent whole: this process streams it, as a local ingest does."""
        from dateline.corpus.ingestion import MAX_WORKER_BYTES
        from dateline.corpus.readers.stream import content_size

        size = stat.st_size if stat is not None else 0
        parts = plan_parts(path, size, self.split_bytes) if stat is not None else [Part(str(path), str(path))]
        if self.send_bytes and len(parts) == 1 and content_size(path, size) > MAX_WORKER_BYTES:
            return None
        return FileReading(self, path, stat, parts, now, repeated)

    def submit(self, part: Part, now: datetime, repeated: frozenset[str]):
        data = None
        if self.send_bytes:
            try:
                with open(part.location, "rb") as handle:
                    handle.seek(part.start)
                    data = handle.read(part.end - part.start if part.kind != "file" else -1)
            except OSError:
                data = None  # the worker says why it cannot be read, as a local ingest does
        try:
            return self.client.submit(read_part, part, data, now, repeated, pure=False)
        except Exception as exc:  # noqa: BLE001
            raise self.lost(exc) from None

    def lost(self, exc: BaseException) -> IngestError:
        what = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        return IngestError(f"lost the Dask scheduler at {self.address} ({what}); the files stored "
                           "so far are kept: run the command again to ingest the rest")


class FileReading:
    """One input's parts in flight; `result()` gives (path, stat, items, case)
    as `ingest` stores them, items taken part by part as they are consumed."""

    def __init__(self, cluster: ClusterReading, path: Path, stat, parts: list[Part], now, repeated) -> None:
        self.cluster, self.path, self.stat, self.parts = cluster, path, stat, parts
        self.now, self.repeated = now, repeated
        # A large file's later parts are submitted as its first ones are stored.
        self.ahead = max(2, cluster.threads()) if len(parts) > 1 else 1
        self.futures = [cluster.submit(p, now, repeated) for p in parts[:self.ahead]]

    def result(self):
        case = (Counter(), Counter(), Counter())
        return self.path, self.stat, self._items(case), case

    def _items(self, case):
        records = 0
        for index, part in enumerate(self.parts):
            if index + self.ahead < len(self.parts):
                self.futures.append(self.cluster.submit(self.parts[index + self.ahead], self.now, self.repeated))
            items, part_case, held = self._result(self.futures[index], part)
            self.futures[index] = None  # its results leave the cluster's memory
            records += held
            for total, counts in zip(case, part_case):
                total.update(counts)
            yield from items
        if self.parts[0].kind == "jsonl" and not records:
            yield Rejected(str(self.path), "no JSON lines (only blank lines)"), None

    def _result(self, future, part: Part):
        from distributed import KilledWorker

        for resubmitted in range(RESUBMITS + 1):
            try:
                return future.result()
            except KilledWorker:
                # The scheduler blames every task its dead worker held: one
                # that only sat beside the culprit passes when run again.
                if resubmitted < RESUBMITS:
                    future = self.cluster.submit(part, self.now, self.repeated)
            except NotSharedError:
                if not os.path.lexists(part.location):
                    return [(Rejected(part.path, "cannot read file (No such file or directory)"), None)], \
                        ({}, {}, {}), 1  # gone from here too: what a local ingest reports
                raise IngestError(f"a Dask worker cannot read {part.location} (it does not share this "
                                  "filesystem): run again with --inputs bytes") from None
            except (OSError, TimeoutError) as exc:
                raise self.cluster.lost(exc) from None
            except Exception as exc:  # noqa: BLE001 - CancelledError when the scheduler is gone
                if self.cluster.client.status not in ("running", "connecting"):
                    raise self.cluster.lost(exc) from None
                if type(exc).__name__ in ("CancelledError", "FutureCancelledError"):
                    raise self.cluster.lost(exc) from None
                return [(Rejected(part.where(), f"failed on a Dask worker ({type(exc).__name__}: {exc})"[:300]),
                         None)], ({}, {}, {}), 1
        return [(Rejected(part.where(), "killed the Dask worker reading it every time it was tried "
                                        "(a crash or out of memory); given up"), None)], ({}, {}, {}), 1


@contextmanager
def cluster_reading(address: str | None = None, *, workers: int | None = None, inputs: str = "auto",
                    split_bytes: int = SPLIT_BYTES, paths=()):
    """A `ClusterReading` on the scheduler at `address`, or on a local cluster
    of `workers` processes started for the run (and stopped after it).
    `inputs`: "paths" (the workers share this filesystem), "bytes" (sent from
    here), or "auto": paths when every worker can read the first input."""
    if inputs not in INPUTS:
        raise IngestError(f"--inputs must be one of {', '.join(INPUTS)}, not {inputs!r}")
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise IngestError("ingesting on a Dask cluster needs Dask: pip install 'dateline[cluster]'") from None
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")  # workers' chatter is not ours to print
    import logging

    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    local = None
    try:
        if address is None:
            local = LocalCluster(n_workers=workers or 1, threads_per_worker=1, processes=True,
                                 dashboard_address=":0", host="127.0.0.1")
            address = local.scheduler_address
        client = Client(address, timeout="5s")
    except (OSError, TimeoutError) as exc:
        if local is not None:
            local.close()
        what = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        raise IngestError(f"cannot reach the Dask scheduler at {address} ({what})") from None
    try:
        send = inputs == "bytes" or (inputs == "auto" and local is None and not _workers_see(client, paths))
        yield ClusterReading(client, address=address, send_bytes=send, split_bytes=split_bytes)
    finally:
        try:
            client.close(timeout=5)
        except Exception:  # noqa: BLE001 - closing a client whose scheduler is gone
            pass
        if local is not None:
            local.close()


def _workers_see(client, paths) -> bool:
    """Whether every worker finds the first input file where this process does, with its size."""
    from dateline.corpus.ingestion import walk_inputs

    first = next(iter(walk_inputs([Path(p) for p in paths])), None)
    if first is None:
        return True
    path, size = str(first.resolve()), first.stat().st_size
    try:
        seen = client.run(_size_of, path)
    except Exception:  # noqa: BLE001
        return False
    return bool(seen) and all(s == size for s in seen.values())


def _size_of(path: str) -> int | None:
    try:
        return os.stat(path).st_size
    except OSError:
        return None
