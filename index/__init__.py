"""index: here is an Article, make it searchable (from the store, by an engine:
Whoosh or tantivy, behind one interface in `index/engine.py`)."""

from dateline.index.build import (
    HOME_FORMATS,
    IndexIncompatible,
    IndexMissing,
    IndexUnavailable,
    live_engine_name,
    open_live_index,
    optimize_index,
    rebuild_index,
    segment_count,
    sync_index,
)
from dateline.index.engine import DEFAULT_ENGINE, ENGINE_NAMES
from dateline.index.generations import IndexLocation, index_size_bytes
from dateline.index.update import (bring_index_up_to_date, rebuild_archive, remove_articles, update_archive,
                                   writing_home)

__all__ = ["DEFAULT_ENGINE", "ENGINE_NAMES", "HOME_FORMATS", "live_engine_name", "IndexIncompatible", "IndexLocation", "IndexMissing",
           "IndexUnavailable", "bring_index_up_to_date", "index_size_bytes", "open_live_index",
           "optimize_index", "rebuild_archive", "rebuild_index", "remove_articles", "segment_count", "sync_index",
           "update_archive", "writing_home"]
