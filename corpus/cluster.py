"""Reading crawls on a Dask cluster: `dateline ingest --cluster ADDR` / `--workers N`.

The workers read, clean and extract; this process, the home's one writer,
stores what they return in input order, exactly as a local ingest does (the
same ids, near-duplicate clusters, known people and rejects). A file is one
task; a large WARC or JSON-lines file is planned here into parts of whole
records (`corpus.cluster_parts`), one task each, so one huge file spreads too.

What a task gets is a list of `Part`s and, when the workers do not share
this machine's filesystem, their bytes (`send_bytes`); `read_parts` is pure:
paths or bytes in, records out. Small files of one folder are read several
to a task (a `Batch`, sized from what the files read so far cost, so that a
task takes about TASK_SECONDS of a worker's CPU): what Dask costs a task is
then paid once for several pages. Tasks are kept in flight three per worker
thread (IN_FLIGHT_PER_THREAD) and their results taken in order, so memory
here does not grow with the crawl. A task whose worker dies is run again
by Dask; one that kills its worker every time comes back as KilledWorker
after the scheduler's `allowed-failures`: a batch is then tried file by
file, and the file that kills its worker is rejected with that reason.
While a result is awaited a watchdog looks at the workers: a local cluster
left without any has them started again, and a cluster that stays without
one ends the command with one line naming the first file not stored
(`ClusterReading.watch`).
"""

from __future__ import annotations

import concurrent.futures
import os
from collections import Counter, deque
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from dateline.corpus.article import IngestError, Rejected
from dateline.corpus.remote import RemoteFile, input_of, reachable
from dateline.corpus.cluster_parts import (JSONL_SUFFIXES, SPLIT_BYTES, Failed, Part, Ready, gzip_jsonl_pieces,
                                           plan_parts, read_parts)

INPUTS = ("auto", "paths", "bytes")
RESUBMITS = 1  # a part whose workers all died is tried again once, alone (see ClusterReading.outcomes)
# Small files are read several to a task, as many as take about TASK_SECONDS
# of a worker's CPU (measured on the files read so far; one a task until the
# first results are back), at most BATCH_FILES files and BATCH_BYTES bytes.
TASK_SECONDS = 0.5
BATCH_FILES = 32
BATCH_BYTES = 4 * 1024 * 1024
# Results are taken in input order: while the command waits for a long task,
# a worker that has finished what was queued behind it sits idle. With two
# tasks per worker thread, Dask's task stream showed one of two workers idle
# 0.6-1.5 s of a 31-39 s ingest of the 884 real pages (gaps over 50 ms, each
# behind a long task); with three, no gap over 50 ms, both workers busy
# 98.4-98.9% of the run. The command holds at most this many tasks' results
# per thread (a task is at most BATCH_FILES files, BATCH_BYTES of them).
IN_FLIGHT_PER_THREAD = 3
_KILLED = "killed"  # the outcome of a part that killed every worker that read it
# What a local cluster (`--workers N`) does besides reading, made rarer: idle,
# its workers took 3.2-3.8% of a core each and this process (scheduler and
# nannies) 3.4-5.6%, against 0.8-0.9% and 1.5-2.3% so. The stack sampled for
# the dashboard's profile every 100 ms (Dask's default is 10 ms), the event
# loop's health checked every 500 ms (20 ms), the machine's load every 2 s
# (500 ms). The nannies' memory watch (100 ms), which stops a worker whose
# page exhausts memory, is left as it is. docs/cluster.md gives the same
# settings for `dask worker` and `dask scheduler`.
QUIET = {"distributed.worker.profile.interval": "100ms", "distributed.worker.profile.cycle": "10s",
         "distributed.admin.tick.interval": "500ms", "distributed.admin.system-monitor.interval": "2s"}
# A local cluster's nannies start their workers again when they die; Dask's
# cluster object (SpecCluster) also closes for good, `lost-worker-timeout`
# (15 s) after a worker left, the nanny of any worker of that name not
# connected at that moment: a worker that died again and is being started
# again then never comes back (with one worker, the run waits forever). Made
# long enough never to happen during a run; the watchdog below covers the rest.
LOST_WORKER_TIMEOUT = "30d"
# The watchdog: while a result is awaited and no worker has been connected
# for NO_WORKER_SECONDS, the workers of a local cluster are started again
# (once); still none REVIVAL_SECONDS later, or none on a cluster given by
# address for NO_WORKER_SECONDS_REMOTE (nobody here can start its workers),
# the command ends with one line naming the file it waited for.
NO_WORKER_SECONDS = 60.0
REVIVAL_SECONDS = 60.0  # a worker process takes seconds to start, more on a loaded machine
NO_WORKER_SECONDS_REMOTE = 600.0
WATCH_EVERY = 2.0  # seconds between looks at the workers while a result is awaited


class ClusterReading:
    """Reading on a Dask cluster for one ingest; `ingest(..., cluster=...)`."""

    def __init__(self, client, *, address: str, send_bytes: bool, split_bytes: int = SPLIT_BYTES,
                 local=None, local_workers: int = 0) -> None:
        self.client = client
        self.address = address
        self.local = local  # the LocalCluster started for the run (`--workers`), else None
        self.local_workers = local_workers
        self._no_worker_since: float | None = None  # when the watchdog saw no worker connected
        self._revived_at: float | None = None  # when it last started the local cluster's workers again
        self.revivals = 0
        self.send_bytes = send_bytes
        self.split_bytes = split_bytes
        self._workers = (-1e9, 0)
        self._threads = (-1e9, 1)
        self.in_flight = 0  # tasks submitted (or files being read in parts) whose results are not taken yet
        self._batch: Batch | None = None  # the small files gathered for the next task
        self._read = [0.0, 0]  # worker CPU seconds and files of the tasks taken so far
        self.tasks = 0  # submitted, for the benchmark

    def full(self) -> bool:
        """Whether enough is in flight: IN_FLIGHT_PER_THREAD tasks per worker thread."""
        return self.in_flight >= IN_FLIGHT_PER_THREAD * self.threads()

    def flush(self) -> None:
        """Submit the small files gathered so far (the inputs ended, or the
        next one is read here)."""
        if self._batch is not None:
            self._batch.submit()
            self._batch = None

    def batch_files(self) -> int:
        """How many small files to a task: about TASK_SECONDS of a worker's CPU."""
        seconds, files = self._read
        if not files:
            return 1
        return max(1, min(BATCH_FILES, round(TASK_SECONDS * files / max(seconds, 1e-6))))

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
        """The scheduler's dashboard address, when it serves one. Without
        bokeh (which Dateline does not install) the scheduler still answers
        there, with a page saying to install it: no address then."""
        try:
            if "dashboard" not in self.client.scheduler_info().get("services", {}):
                return None
            # A lambda is sent by value: the scheduler need not have Dateline installed.
            if not self.client.run_on_scheduler(lambda: __import__("importlib.util").util.find_spec("bokeh") is not None):
                return None
            return self.client.dashboard_link
        except Exception:  # noqa: BLE001
            return None

    def read(self, path: Path, stat, now: datetime, repeated: frozenset[str]) -> FileReading | None:
        """Start reading one input; its `result()` is what `ingest` stores.
        None for a large file that cannot be cut into parts when its bytes would
        have to be sent whole: this process streams it, as a local ingest does."""
        from dateline.corpus.ingestion import MAX_WORKER_BYTES
        from dateline.corpus.readers.stream import content_size

        if isinstance(path, RemoteFile):
            return self._read_url(path, now, repeated)
        size = stat.st_size if stat is not None else 0
        name = path.name.lower()
        if (stat is not None and name.endswith(tuple(s + ".gz" for s in JSONL_SUFFIXES))
                and content_size(path, size) > self.split_bytes):
            if (pieces := gzip_jsonl_pieces(path, self.split_bytes)) is not None:
                return FileReading(self, path, stat, pieces, now, repeated, many=True)
        parts = plan_parts(path, size, self.split_bytes) if stat is not None else [Part(str(path), str(path))]
        if self.send_bytes and len(parts) == 1 and content_size(path, size) > MAX_WORKER_BYTES:
            return None
        if len(parts) == 1:
            return self._batched(path, stat, parts[0], size, now, repeated)
        return FileReading(self, path, stat, ((p, None) for p in parts), now, repeated, many=True,
                           count_records=parts[0].kind == "jsonl")

    def _batched(self, path: Path, stat, part: Part, size: int, now: datetime, repeated: frozenset[str]):
        """One file read whole, in the task of the small files before it when it fits."""
        batch = self._batch
        if batch is None or not batch.fits(size, now, repeated):
            self.flush()
            batch = self._batch = Batch(self, now, repeated)
        index = batch.add(part, size)
        if len(batch.parts) >= self.batch_files() or batch.size >= BATCH_BYTES:
            self.flush()
        return BatchedFile(batch, index, path, stat)

    def _read_url(self, remote: RemoteFile, now: datetime, repeated: frozenset[str]) -> FileReading | None:
        """A URL is one task: its worker fetches it, or (inputs as bytes) this
        process does and sends it, unless it is too large to send."""
        from dateline.corpus.ingestion import MAX_WORKER_BYTES

        part = Part(remote.url, remote.url, "url")
        if not self.send_bytes:
            return FileReading(self, remote, None, iter([(part, None)]), now, repeated, many=False)
        try:
            data = remote.fetch(MAX_WORKER_BYTES)
        except (OSError, IngestError) as exc:
            return FileReading(self, remote, None, iter([Ready([remote.unreadable(exc)])]), now, repeated, many=False)
        if data is None:
            return None  # read here, as a large local file is
        return FileReading(self, remote, None, iter([(part, data)]), now, repeated, many=False)

    def data_of(self, part: Part, data: bytes | None = None) -> bytes | None:
        """What is sent with a part: `data` when this process made it (a
        gzipped file's lines, a fetched URL); else its bytes read here when
        the inputs are sent as bytes; else None (the worker reads the path)."""
        if data is None and self.send_bytes and part.kind != "url":
            try:
                with open(part.location, "rb") as handle:
                    handle.seek(part.start)
                    data = handle.read(part.end - part.start if part.kind != "file" else -1)
            except OSError:
                data = None  # the worker says why it cannot be read, as a local ingest does
        return data

    def submit(self, parts: list[Part], data: list, now: datetime, repeated: frozenset[str]):
        """One task reading `parts` (`data`: what `data_of` gave for each)."""
        self.tasks += 1
        try:
            return self.client.submit(read_parts, parts, data, now, repeated, pure=False)
        except Exception as exc:  # noqa: BLE001
            raise self.lost(exc) from None

    def outcomes(self, future, parts: list[Part], data: list, now: datetime, repeated: frozenset[str]) -> list:
        """What each part of the task gave: its (items, case, records), a
        `Failed`, or _KILLED when it killed every worker that read it."""
        from distributed import KilledWorker

        for resubmitted in range(RESUBMITS + 1):
            try:
                found, seconds = self._result(future)
                self._read[0] += seconds
                self._read[1] += len(parts)
                return found
            except KilledWorker:
                if len(parts) > 1:
                    # One of them kills its worker: each is tried alone, so that only that one is rejected.
                    alone = [self.submit([p], [d], now, repeated) for p, d in zip(parts, data)]
                    return [self.outcomes(f, [p], [d], now, repeated)[0] for f, p, d in zip(alone, parts, data)]
                # The scheduler blames every task its dead worker held: one
                # that only sat beside the culprit passes when run again.
                if resubmitted < RESUBMITS:
                    future = self.submit(parts, data, now, repeated)
            except (OSError, TimeoutError) as exc:
                raise self.lost(exc) from None
            except IngestError:  # the watchdog's, or the scheduler lost while it looked
                raise
            except Exception as exc:  # noqa: BLE001 - CancelledError when the scheduler is gone
                if self.client.status not in ("running", "connecting"):
                    raise self.lost(exc) from None
                # The command never cancels its own tasks: a cancelled one
                # (distributed's FutureCancelledError, FuturesCancelledError from
                # `wait`) means the scheduler dropped it, so it is the scheduler
                # lost, not the file's fault: never a reject (the next run reads it).
                if isinstance(exc, concurrent.futures.CancelledError):
                    raise self.lost(exc) from None
                return [Failed(type(exc).__name__, str(exc))] * len(parts)
        return [_KILLED] * len(parts)

    def _result(self, future):
        """The task's result, the watchdog looking at the workers every
        WATCH_EVERY seconds until it is here (a finished task's result is
        computed again when its worker died before it was fetched)."""
        from distributed import wait

        while True:
            try:
                # (`wait`, not `result(timeout=...)`, whose timeouts leave asyncio
                # futures that print "exception was never retrieved".)
                wait(future, timeout=WATCH_EVERY)
                return future.result(timeout=WATCH_EVERY)  # at once, unless its worker just died
            except TimeoutError:
                if future.status == "error":  # the task's own TimeoutError
                    raise
                self.watch()

    def watch(self) -> None:
        """While a result is awaited: a local cluster that has had no worker
        connected for NO_WORKER_SECONDS has its workers started again (once a
        stall); still none REVIVAL_SECONDS later, or none on a cluster given
        by address for NO_WORKER_SECONDS_REMOTE, raises `NoWorkers`."""
        import time

        now = time.monotonic()
        try:
            connected = len(self.client.scheduler_info(n_workers=-1).get("workers", {}))
        except Exception as exc:  # noqa: BLE001
            raise self.lost(exc) from None
        if connected:
            self._no_worker_since = self._revived_at = None
            return
        if self._no_worker_since is None:
            self._no_worker_since = now
        if self._revived_at is not None:
            limit = REVIVAL_SECONDS
        else:
            limit = NO_WORKER_SECONDS if self.local is not None else NO_WORKER_SECONDS_REMOTE
        if now - (self._revived_at or self._no_worker_since) < limit:
            return
        if self.local is not None and self._revived_at is None:
            self._revive()
            self._revived_at = now
            return
        raise NoWorkers(now - self._no_worker_since, revived=self._revived_at is not None)

    def _revive(self) -> None:
        """The local cluster's workers started again: those not connected are
        forgotten (their nannies closed, if any is left) and new ones started,
        on the cluster's own event loop (nothing here waits for them)."""
        local = self.local
        self.revivals += 1

        def revive() -> None:
            connected = {info.get("name") for info in local.scheduler_info.get("workers", {}).values()}
            for name in list(local.worker_spec):
                if name not in connected:
                    del local.worker_spec[name]
            local.scale(self.local_workers)

        local.loop.add_callback(revive)

    def lost(self, exc: BaseException) -> IngestError:
        what = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        return IngestError(f"lost the Dask scheduler at {self.address} ({what}); the files stored "
                           "so far are kept: run the command again to ingest the rest")


class NoWorkers(IngestError):
    """No Dask worker to read what the command waits for (`ClusterReading.watch`);
    `at(path)` names the first input not done."""

    def __init__(self, seconds: float, *, revived: bool) -> None:
        super().__init__(f"no Dask worker connected for {seconds:.0f} s")
        self.seconds, self.revived = seconds, revived

    def at(self, path) -> IngestError:
        again = " (the local cluster's workers were started again and did not connect)" if self.revived else ""
        return IngestError(f"no Dask worker connected for {self.seconds:.0f} s{again}; the files before "
                           f"{path} are stored: run the command again to ingest it and the rest")


class FileReading:
    """One input's parts in flight; `result()` gives (path, stat, items, case)
    as `ingest` stores them, items taken part by part as they are consumed.
    `pieces`: (Part, bytes or None) to submit and `Ready` items, in order."""

    def __init__(self, cluster: ClusterReading, path: Path, stat, pieces, now, repeated, *,
                 many: bool, count_records: bool = False) -> None:
        self.cluster, self.path, self.stat, self.pieces = cluster, path, stat, pieces
        self.now, self.repeated = now, repeated
        self.count_records = count_records  # say "no JSON lines" when no part held one
        # A large file's later parts are submitted as its first ones are stored.
        self.ahead = max(2, cluster.threads()) if many else 1
        self.flight: deque = deque()  # (piece, its future)
        for _ in range(self.ahead):
            self._submit_next()
        cluster.in_flight += 1  # until its results are taken; its parts are then kept `ahead`

    def _submit_next(self) -> None:
        piece = next(self.pieces, None)
        if isinstance(piece, Ready):
            self.flight.append((piece, None))
        elif piece is not None:
            part, data = piece
            data = self.cluster.data_of(part, data)
            self.flight.append(((part, data), self.cluster.submit([part], [data], self.now, self.repeated)))

    def result(self):
        self.cluster.in_flight -= 1
        case = (Counter(), Counter(), Counter())
        return self.path, self.stat, self._items(case), case

    def _items(self, case):
        records = 0
        while self.flight:
            piece, future = self.flight.popleft()
            self._submit_next()
            if isinstance(piece, Ready):
                yield from piece.items
                continue
            items, part_case, held = self._result(future, *piece)
            records += held
            for total, counts in zip(case, part_case):
                total.update(counts)
            yield from items
        if self.count_records and not records:
            yield Rejected(str(self.path), "no JSON lines (only blank lines)"), None

    def _result(self, future, part: Part, data: bytes | None):
        try:
            outcome, = self.cluster.outcomes(future, [part], [data], self.now, self.repeated)
        except NoWorkers as stalled:
            raise stalled.at(self.path) from None
        return items_of(outcome, part)


def items_of(outcome, part: Part):
    """A part's (items, case, records) as `ingest` stores them, from what its task gave."""
    if isinstance(outcome, Failed):
        if outcome.not_shared:
            if not os.path.lexists(part.location):
                return [(Rejected(part.path, "cannot read file (No such file or directory)"), None)], \
                    ({}, {}, {}), 1  # gone from here too: what a local ingest reports
            raise IngestError(f"a Dask worker cannot read {part.location} (it does not share this "
                              "filesystem): run again with --inputs bytes") from None
        return [(Rejected(part.where(), f"failed on a Dask worker ({outcome.kind}: {outcome.message})"[:300]),
                 None)], ({}, {}, {}), 1
    if outcome == _KILLED:
        return [(Rejected(part.where(), "killed the Dask worker reading it every time it was tried "
                                        "(a crash or out of memory); given up"), None)], ({}, {}, {}), 1
    return outcome


class Batch:
    """Small files of one folder read in one task (`read_parts`), submitted
    when full, when the next file belongs elsewhere, or when one of its files
    is wanted; its results are taken once, when the first of them is."""

    def __init__(self, cluster: ClusterReading, now: datetime, repeated: frozenset[str]) -> None:
        self.cluster, self.now, self.repeated = cluster, now, repeated
        self.parts: list[Part] = []
        self.size = 0
        self.future = None
        self.data: list = []
        self.outcomes: list | None = None

    def fits(self, size: int, now: datetime, repeated: frozenset[str]) -> bool:
        return (self.future is None and self.now == now and self.repeated is repeated
                and len(self.parts) < BATCH_FILES and self.size + size <= BATCH_BYTES)

    def add(self, part: Part, size: int) -> int:
        self.parts.append(part)
        self.size += size
        return len(self.parts) - 1

    def submit(self) -> None:
        if self.future is None:
            self.data = [self.cluster.data_of(part) for part in self.parts]
            self.future = self.cluster.submit(self.parts, self.data, self.now, self.repeated)
            self.cluster.in_flight += 1

    def take(self, index: int):
        """The part's (items, case, records); the batch's other results stay
        here until their files are stored."""
        if self.outcomes is None:
            if self.cluster._batch is self:
                self.cluster.flush()
            try:
                self.outcomes = self.cluster.outcomes(self.future, self.parts, self.data, self.now, self.repeated)
            finally:
                self.cluster.in_flight -= 1
                self.future = self.data = None
        outcome, self.outcomes[index] = self.outcomes[index], None
        return items_of(outcome, self.parts[index])


class BatchedFile:
    """One file of a `Batch`, as `ingest` reads it ahead: `result()` gives
    (path, stat, items, case)."""

    def __init__(self, batch: Batch, index: int, path: Path, stat) -> None:
        self.batch, self.index, self.path, self.stat = batch, index, path, stat

    def result(self):
        try:
            items, case, _ = self.batch.take(self.index)
        except NoWorkers as stalled:
            raise stalled.at(self.path) from None
        return self.path, self.stat, iter(items), case


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
    import dask

    local = None
    try:
        if address is None:
            with dask.config.set(QUIET):  # the workers (and a restarted one) are given it by their nanny
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
        # Read when a worker leaves, for the whole run: set around it.
        with dask.config.set({"distributed.deploy.lost-worker-timeout": LOST_WORKER_TIMEOUT}):
            yield ClusterReading(client, address=address, send_bytes=send, split_bytes=split_bytes,
                                 local=local, local_workers=workers or 1)
    finally:
        try:
            client.close(timeout=5)
        except Exception:  # noqa: BLE001 - closing a client whose scheduler is gone
            pass
        if local is not None:
            local.close()


def _workers_see(client, paths) -> bool:
    """Whether every worker finds the first input file where this process does, with its size
    (or, for a URL, can read it)."""
    from dateline.corpus.ingestion import walk_inputs

    first = next(iter(walk_inputs([input_of(p) for p in paths])), None)
    if first is None:
        return True
    if isinstance(first, RemoteFile):
        try:
            return all(client.run(reachable, first.url).values())
        except Exception:  # noqa: BLE001
            return False
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
