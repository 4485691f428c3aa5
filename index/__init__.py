"""index: here is an Article, make it searchable (Whoosh, from the store)."""

from index.build import (
    IndexIncompatible,
    IndexLocation,
    IndexMissing,
    IndexUnavailable,
    index_size_bytes,
    open_live_index,
    rebuild_index,
    sync_index,
)

__all__ = ["IndexIncompatible", "IndexLocation", "IndexMissing", "IndexUnavailable",
           "index_size_bytes", "open_live_index", "rebuild_index", "sync_index"]
