"""Ingest: files and folders in, articles in the store, rejects in the log.

Each input file is stored in a savepoint of its own together with its row in
the record of inputs, and the store commits every COMMIT_FILES files (or
COMMIT_SECONDS): a killed ingest leaves every file either wholly ingested and
recorded, or not at all (and the next run redoes it); an ingest that stops
with an error keeps every file stored before the one it stopped in.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import multiprocessing
import os
import sqlite3
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from dateline.corpus.article import Article, Dropped, IngestError, Rejected, Skipped, path_text
from dateline.corpus.clusters import Clusters
from dateline.corpus.remote import RemoteFile, input_of
from dateline.corpus.store import ArticleStore

# The readers, cleaners and extractors (and numpy, for signatures) are
# imported by the functions that read a file: an update where every input is
# unchanged, the common case, never loads them (a third of a second).


@dataclass
class IngestSummary:
    files: int = 0
    files_skipped: int = 0  # unchanged since they were last ingested
    read: int = 0
    stored: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rejected: int = 0
    rejected_by_reason: Counter = field(default_factory=Counter)
    skipped: int = 0  # parts of inputs that are not articles nor errors (WARC requests, images)
    skipped_by_reason: Counter = field(default_factory=Counter)
    # Parts of stored articles that were not kept (an implausible date), logged in rejects.jsonl.
    dropped: int = 0
    dropped_by_reason: Counter = field(default_factory=Counter)
    bytes: int = 0
    # Stories stored earlier whose headline names someone the archive came to know since.
    people_from_later_stories: int = 0
    # Stored articles whose near-duplicate cluster changed when a store clustered
    # by an older rule was clustered again (`corpus.clusters`).
    reclustered: int = 0

    def as_dict(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if not k.endswith("_by_reason")}
        data["rejected_by_reason"] = dict(self.rejected_by_reason.most_common())
        data["skipped_by_reason"] = dict(self.skipped_by_reason.most_common())
        data["dropped_by_reason"] = dict(self.dropped_by_reason.most_common())
        return data


ProgressCallback = Callable[[IngestSummary, Path], None]


def walk_inputs(paths: Iterable[Path | RemoteFile]) -> Iterator[Path | RemoteFile]:
    """Every file under the given paths, recursively, in a stable order (a URL is one file)."""
    for path in paths:
        if isinstance(path, RemoteFile):
            yield path
        elif path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root) / name
        elif path.exists():
            yield path
        else:
            raise IngestError(f"{path}: no such file or directory")


def ingest(
    paths: Iterable[Path],
    store: ArticleStore,
    rejects_path: Path,
    *,
    now: datetime | None = None,
    progress: ProgressCallback | None = None,
    skip_unchanged_inputs: bool = True,
    workers: int | None = None,
    cluster=None,
) -> IngestSummary:
    """Read every file under `paths` into the store, one transaction per file.

    Files are read, cleaned and extracted by `workers` processes (default: one
    per core), or on a Dask cluster (`cluster`, a `corpus.cluster.ClusterReading`);
    this process alone writes the store, in input order, so a killed ingest
    leaves each file wholly ingested and recorded, or not at all.
    """
    now = now or datetime.now(timezone.utc)
    paths = [input_of(p) for p in paths]  # fails before writing anything when a path or URL is wrong
    summary = IngestSummary()
    # One reader per core (this process, which writes the store, mostly waits); a few
    # files are read here (starting processes would cost more than it saves).
    if cluster is not None:
        workers = 0
    elif workers is None:
        few = len(list(itertools.islice(walk_inputs(paths), MIN_FILES_FOR_WORKERS))) < MIN_FILES_FOR_WORKERS
        workers = 0 if few else (os.cpu_count() or 1)
    rejects_path.parent.mkdir(parents=True, exist_ok=True)
    known = _KnownPeopleOf(store)
    clusters = Clusters(store)
    commits = _Commits(store, before=known.save)
    keys = _InputKeys()
    with open(rejects_path, "a", encoding="utf-8") as rejects, _pool(workers) as pool:
        try:
            for path, stat, items, case in _read_ahead(paths, store, summary, pool, workers, keys, now=now,
                                                       skip_unchanged=skip_unchanged_inputs, cluster=cluster):
                if not clusters.is_current():  # clustered by an older rule: once, before anything new
                    summary.reclustered = clusters.recluster()
                with commits.file():
                    _store_file(path, stat, items, case, store, rejects, summary, now=now, known=known, keys=keys,
                                clusters=clusters)
                if progress:
                    progress(summary, path)
        except BaseException:
            known.forget_file()  # what a file stopped in the middle taught (it was rolled back)
            with contextlib.suppress(sqlite3.Error):
                commits.commit()  # the files stored whole (one stopped in the middle was rolled back)
            raise
        commits.commit()
    known.read_headlines_again(summary)
    return summary


# Files are committed a group at a time: a commit (and its fsync) a file cost
# the one writer about a fifth of its CPU a page and, with a busy disk, most
# of its time; the known people's counts learned from a group's files are
# written once, before its commit (the casing counts of a word common to
# several of its files in one row: writing them a file at a time was a third
# of the writer's CPU on real pages). 64 files rather than 16: the writer's
# CPU a real page 2.82 -> 1.81 ms (the homes identical, `bench.writer`);
# what a group's files taught is read back from memory until it is written,
# so where groups end changes no answer, and a killed ingest redoes at most
# a group, or a second of work.
COMMIT_FILES = 64
COMMIT_SECONDS = 1.0


class _Commits:
    """The store's transaction over a group of files, each in a savepoint:
    one that raises is rolled back alone; `commit` keeps the others, after
    `before` (which writes what the group's files taught, in the same
    transaction)."""

    def __init__(self, store: ArticleStore, before: Callable[[], None] = lambda: None) -> None:
        self.store, self.db, self.before = store, store.connection, before
        self.files = 0
        self.since = time.monotonic()

    @contextlib.contextmanager
    def file(self):
        if not self.db.in_transaction:
            self.db.execute("BEGIN")
        self.db.execute("SAVEPOINT ingest_file")
        try:
            yield
        except BaseException:
            with contextlib.suppress(sqlite3.Error):  # (gone already if SQLite rolled back itself)
                self.db.execute("ROLLBACK TO ingest_file")
                self.db.execute("RELEASE ingest_file")
            raise
        # (Gone if the file's storing committed: counting the known people of
        # a store older than their counts does, once.)
        with contextlib.suppress(sqlite3.OperationalError):
            self.db.execute("RELEASE ingest_file")
        self.files += 1
        if self.files >= COMMIT_FILES or time.monotonic() - self.since >= COMMIT_SECONDS:
            self.commit()

    def commit(self) -> None:
        try:
            self.before()
        except BaseException:
            # Not the group's files without what they taught: neither (none is
            # recorded as ingested, so the next run reads them again).
            self.db.rollback()
            raise
        self.store.commit()
        self.files, self.since = 0, time.monotonic()


def _pool(workers: int):
    if workers < 1:
        return contextlib.nullcontext(None)
    # spawn, not fork: the parent holds an open SQLite connection.
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def _read_ahead(paths, store, summary, pool, workers, keys, *, now, skip_unchanged, cluster=None):
    """(path, stat, items, case) in input order; up to 2 files per worker read
    ahead. `case` counts how the file's articles case their words (see
    `corpus.known_people`), complete once `items` has been consumed."""
    pending: deque = deque()
    for folder, files in itertools.groupby(walk_inputs(paths), key=lambda p: p.parent):
        files = list(files)
        repeated = None  # the folder's repeated lines, once one of its files is read
        for path in files:
            summary.files += 1
            stat = _stat(path)
            if stat is not None and skip_unchanged and _unchanged(store, keys(path), path, stat):
                summary.files_skipped += 1
                continue
            if repeated is None:
                # Over all the folder's files, unchanged ones too: boilerplate
                # is what recurs across the site's pages, old and new.
                from dateline.corpus.boilerplate import repeated_lines
                from dateline.corpus.readers.stream import content_size

                repeated = frozenset() if isinstance(path, RemoteFile) else repeated_lines(files)
            large = stat is not None and content_size(path, stat.st_size) > MAX_WORKER_BYTES
            if cluster is not None:  # cuts large WARC and JSON lines into parts
                reading = cluster.read(path, stat, now, repeated)
            else:
                reading = None if pool is None or large else pool.submit(_read_file, path, stat, now, repeated)
            if reading is None:
                # Large inputs (WARC, JSON lines, their .gz) stream in this process
                # instead of crossing processes whole.
                if cluster is not None:
                    cluster.flush()
                while pending:
                    yield pending.popleft().result()
                case = (Counter(), Counter(), Counter())
                yield path, stat, _read_with_signatures(path, now, repeated, case), case
                continue
            pending.append(reading)
            # Two files per pool process; a cluster's IN_FLIGHT_PER_THREAD tasks (of several small files) per thread.
            while pending and (cluster.full() if cluster is not None else len(pending) >= 2 * workers):
                yield pending.popleft().result()
    if cluster is not None:
        cluster.flush()
    while pending:
        yield pending.popleft().result()


MAX_WORKER_BYTES = 64 * 1024 * 1024
MIN_FILES_FOR_WORKERS = 8


def _read_file(path, stat, now, repeated):
    """In a worker: one file's items, with near-duplicate signatures and the
    casing of words counted here (this process only writes the store)."""
    case = (Counter(), Counter(), Counter())
    return path, stat, list(_read_with_signatures(path, now, repeated, case)), case


def _read_with_signatures(path, now, repeated, case):
    from dateline.corpus.readers import read_path

    if isinstance(path, RemoteFile):
        return signed_items(path.read(now=now, repeated=repeated), case)
    return signed_items(read_path(path, now=now, repeated=repeated), case)


@dataclass(frozen=True, slots=True)
class Prepared:
    """What storing an article needs that depends on the article alone,
    computed where it is read (a pool process, a Dask worker), so that the
    one writer does not: its near-duplicate signature (little-endian bytes,
    `dedupe.to_blob`), its band keys, its body hash (`same_story.body_hash`),
    its text hash (`Article.text_hash`) and, when its people were read from
    its text, the words of its headline that may stand alone as a surname
    (`known_people.headline_candidates`). Whether they are people the
    archive knows, and the article's cluster, depend on what the store holds:
    the writer decides them."""

    signature: bytes
    keys: list[int]
    body_hash: str
    text_hash: str
    headline: tuple | None = None

    @classmethod
    def of(cls, article: Article) -> Prepared:
        from dateline.corpus import dedupe
        from dateline.corpus.known_people import headline_candidates
        from dateline.corpus.same_story import body_hash

        signature = dedupe.article_signature(article)
        return cls(dedupe.to_blob(signature), dedupe.band_ints(signature), body_hash(article.body),
                   article.text_hash, headline_candidates(article.title) if article.people_from_text else None)


def signed_items(items, case):
    """(item, `Prepared`) for each article read, (item, None) for the rest,
    counting how the articles case their words into `case` (where the file
    is read)."""
    from dateline.corpus.known_people import count_case

    for item in items:
        if isinstance(item, Article):
            count_case(item.body, *case)
            yield item, Prepared.of(item)
        else:
            yield item, None


def _stat(path: Path | RemoteFile):
    """None for a URL: it is read again by every ingest (`corpus.remote`)."""
    if isinstance(path, RemoteFile):
        return None
    try:
        return path.stat()
    except OSError:
        return None


def _unchanged(store: ArticleStore, key: str, path: Path, stat) -> bool:
    known = store.input_record(key)
    if not known or known[0] != stat.st_size:
        return False
    return known[1] == stat.st_mtime_ns or known[2] == file_hash(path)


class _KnownPeopleOf:
    """The store's known people (`corpus.known_people`), read when a file
    brings an article: an update with nothing new never reads them."""

    def __init__(self, store: ArticleStore) -> None:
        self.store = store
        self.counts = None  # corpus.people_counts, beside the store
        self._known = None
        # What the file being stored taught so far (people per article, casing
        # counts): taken back if it is rolled back, as its counts are saved
        # with its commit group's (`_Commits`), not with the file.
        self._file_people: list[tuple[str, ...]] = []
        self._file_case: list[tuple[Counter, Counter, Counter]] = []

    def get(self):
        if self._known is None:
            from dateline.corpus.known_people import load_known_people
            from dateline.corpus.people_counts import PeopleCounts

            self._known = load_known_people(self.store)
            self.counts = PeopleCounts(self.store)
        return self._known

    def learn(self, article: Article) -> None:
        self.get().learn(article)
        self._file_people.append((*article.people, *article.mentioned))

    def learn_case(self, case: tuple[Counter, Counter, Counter]) -> None:
        self.get().learn_case(*case)
        self._file_case.append(case)

    def file_stored(self) -> None:
        """What the file taught stays, to be saved with its commit group."""
        self._file_people.clear()
        self._file_case.clear()

    def forget_file(self) -> None:
        """What the file being stored taught, taken back (it was rolled back)."""
        if self._known is not None:
            for names in self._file_people:
                self._known.unlearn_people(names)
            for case in self._file_case:
                self._known.unlearn_case(*case)
        self.file_stored()

    def save(self) -> None:
        """What was learned, into the store's current transaction."""
        if self._known is not None:
            self.counts.add(*self._known.take_pending())

    def read_headlines_again(self, summary: IngestSummary) -> None:
        """Stories stored with a headline word nobody the archive knew, read
        again now that it knows more: the order files come in (in this
        ingest or an earlier one) does not decide who a story is about."""
        if self._known is None:
            return  # nothing was stored: nothing new is known
        from dateline.corpus.known_people import MIN_ARTICLES

        known = self._known  # its counts were saved with each file's articles
        surnames = self.counts.unknown_headline_surnames(named_in=MIN_ARTICLES)
        if not surnames:
            return
        for article_id in self.counts.ids_with_unknown_headline_names(surnames):
            article = self.store.get(article_id)
            changed = known.with_headline_people(article) if article else article
            if changed is not article and self.store.put(changed).status == "updated":
                summary.people_from_later_stories += 1
        self.counts.forget_unknown_headline_names(surnames)
        self.store.commit()


def _store_file(path, stat, items, case, store, rejects, summary, *, now, known, clusters, keys) -> None:
    summary.bytes += stat.st_size if stat else 0
    articles = 0
    reject_lines = []
    for item, prepared in items:
        if isinstance(item, Skipped):
            summary.skipped += 1
            summary.skipped_by_reason[_reason_kind(item.reason)] += 1
            continue
        if isinstance(item, Dropped):
            summary.dropped += 1
            summary.dropped_by_reason[item.kind or _reason_kind(item.reason)] += 1
            reject_lines.append(_reject_line(item, now))
            continue
        if isinstance(item, Rejected):
            summary.rejected += 1
            summary.rejected_by_reason[_reason_kind(item.reason)] += 1
            reject_lines.append(_reject_line(item, now))
            continue
        summary.read += 1
        unknown = []  # headline words that may name a person the archive comes to know
        if item.people_from_text:
            # What the story alone cannot tell, what the archive stored before can.
            item, unknown = known.get().read_headline_of(item, prepared.headline)
        result = store.put(item, text_hash=prepared.text_hash)
        if result.status in ("stored", "updated"):
            from dateline.corpus.dedupe import from_blob

            clusters.assign(replace(item, id=result.id), from_blob(prepared.signature), keys=prepared.keys,
                            own_hash=prepared.body_hash)
        if unknown and result.status in ("stored", "updated"):
            known.counts.add_unknown_headline_names(result.id, unknown)
        if result.status == "duplicate":
            summary.duplicates += 1
            reject_lines.append(
                _reject_line(Rejected(item.origin, f"duplicate of {result.duplicate_of}"), now)
            )
        else:
            setattr(summary, result.status, getattr(summary, result.status) + 1)
            articles += 1
            if result.status != "unchanged":
                known.learn(item)
    if articles:
        known.learn_case(case)
    if stat is not None:
        store.record_input(keys(path), stat.st_size, stat.st_mtime_ns, file_hash(path), articles)
    # Rejects are logged before the commit (`_Commits`): a crash in between
    # re-reads the file next time (it is not recorded yet), so a reject may be
    # logged twice but is never lost.
    rejects.writelines(reject_lines)
    rejects.flush()
    known.file_stored()


def _input_key(path: Path) -> str:
    """The file's absolute name as the store records it (bytes of the name
    that are not UTF-8 written as \\xff: SQLite stores UTF-8 only)."""
    return path_text(path.resolve())


class _InputKeys:
    """`_input_key` of the files of one ingest, which come a folder at a
    time: the folder is resolved once, not once a file (resolving a path
    looks at each of its folders: about 5% of the writer's CPU a page of
    real HTML pages). A file that is a symbolic link is resolved whole."""

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.resolved: Path | None = None

    def __call__(self, path: Path) -> str:
        if path.name in ("", ".", "..") or path.is_symlink():
            return _input_key(path)
        if path.parent != self.folder:
            self.folder, self.resolved = path.parent, path.parent.resolve()
        return path_text(self.resolved / path.name)


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    if not path.is_file():  # a named pipe or device: nothing to hash, and opening it may block
        return ""
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()[:32]


def _reason_kind(reason: str) -> str:
    """'unreadable date: ...' -> 'unreadable date', for the per-reason counts."""
    return reason.split(":")[0].split(" (")[0]


def _reject_line(rejected: Rejected | Dropped, now: datetime) -> str:
    record = {"time": now.isoformat(), "input": rejected.origin, "reason": rejected.reason}
    line = json.dumps(record, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:  # text that is not Unicode, escaped: the log stays UTF-8
        line = json.dumps(record)
    return line + "\n"


def load_articles(paths: Iterable[Path], *, now: datetime) -> Iterator[Article | Rejected]:
    """Read inputs without a store (for tools and benchmarks)."""
    from dateline.corpus.readers import read_path

    for path in walk_inputs([input_of(p) for p in paths]):
        for item in (path.read(now=now) if isinstance(path, RemoteFile) else read_path(path, now=now)):
            if not isinstance(item, (Skipped, Dropped)):
                yield item
