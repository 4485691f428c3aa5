"""Writing to a home as one step: ingest a new crawl, or remove articles, and
bring the index up to date, by the one writer that holds the home's lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from dateline.corpus.clusters import Clusters
from dateline.corpus.home import Home, check_manifest, record_manifest
from dateline.corpus.home import WriterLock
from dateline.corpus.store import ArticleStore
from dateline.index.build import HOME_FORMATS, open_live_index, rebuild_index, sync_index
from dateline.index.engine import ProgressCallback
from dateline.index.faults import crash_point
from dateline.index.generations import IndexLocation

if TYPE_CHECKING:
    from dateline.corpus.ingestion import IngestSummary


@contextmanager
def writing_home(home: Home, *, command: str | None = None) -> Iterator[WriterLock]:
    """Hold the home for writing: the lock first, then the version check.

    Raises `corpus.home.HomeBusy` when another process writes, and
    `corpus.home.HomeVersionError` (before changing anything) for a home
    written by a newer Dateline.
    """
    with WriterLock(home.root, command=command) as lock:
        check_manifest(home.root, HOME_FORMATS)
        record_manifest(home.root, HOME_FORMATS)
        yield lock


def bring_index_up_to_date(
    store: ArticleStore, location: IndexLocation, *, progress: ProgressCallback | None = None
) -> dict:
    """Sync the live index, or build it when there is none yet."""
    if location.current_dir() is None:
        return {"rebuilt": True, "articles": rebuild_index(store, location, progress=progress)}
    return {"rebuilt": False, **sync_index(store, location)}


def rebuild_archive(
    store: ArticleStore, location: IndexLocation, *, progress: ProgressCallback | None = None,
    engine: str | None = None,
) -> dict:
    """`dateline index --rebuild`: the near-duplicate clusters recomputed from the
    store when they follow an older rule, then a fresh index of every article
    (with another engine when `engine` names one)."""
    clusters = Clusters(store)
    reclustered = None if clusters.is_current() else clusters.recluster()
    result = {"rebuilt": True, "articles": rebuild_index(store, location, progress=progress,
                                                         engine=engine)}
    if reclustered is not None:
        result["reclustered"] = reclustered
    return result


def update_archive(
    store: ArticleStore,
    home: Home,
    paths: Iterable[Path],
    *,
    now: datetime,
    ingest_progress=None,
    index_progress: ProgressCallback | None = None,
    cluster=None,
) -> tuple[IngestSummary, dict]:
    """`dateline update`: ingest the paths, then apply exactly what changed to the index."""
    location = IndexLocation.in_home(home.root)
    if location.current_dir() is not None:
        open_live_index(location)[0].close()  # an unusable index fails before we ingest
    from dateline.corpus.ingestion import ingest  # loaded by the commands that read crawls only

    summary = ingest(list(paths), store, home.rejects_path, now=now, progress=ingest_progress, cluster=cluster)
    crash_point("after-ingest")
    return summary, bring_index_up_to_date(store, location, progress=index_progress)


def remove_articles(store: ArticleStore, home: Home, ids: Iterable[str]) -> dict:
    """Delete articles from the store, then from the index. Unknown ids are reported."""
    wanted = list(dict.fromkeys(ids))
    present = set(store.get_many(wanted))
    Clusters(store).forget(i for i in wanted if i in present)
    removed = store.delete([i for i in wanted if i in present])
    store.commit()
    crash_point("after-store-delete")
    location = IndexLocation.in_home(home.root)
    index = bring_index_up_to_date(store, location) if location.current_dir() else None
    return {"requested": len(wanted), "removed": removed,
            "not_found": [i for i in wanted if i not in present], "index": index}
