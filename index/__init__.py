"""index: here is an Article, make it searchable (Whoosh, from the store)."""

from dateline.index.build import (
    HOME_FORMATS,
    IndexIncompatible,
    IndexMissing,
    IndexUnavailable,
    open_live_index,
    optimize_index,
    rebuild_index,
    segment_count,
    sync_index,
)
from dateline.index.generations import IndexLocation, index_size_bytes
from dateline.index.update import (bring_index_up_to_date, rebuild_archive, remove_articles, update_archive,
                                   writing_home)

__all__ = ["HOME_FORMATS", "IndexIncompatible", "IndexLocation", "IndexMissing",
           "IndexUnavailable", "bring_index_up_to_date", "index_size_bytes", "open_live_index",
           "optimize_index", "rebuild_archive", "rebuild_index", "remove_articles", "segment_count", "sync_index",
           "update_archive", "writing_home"]
