"""Date filters answered from document sets kept per index segment.

A date range compiles to a few calendar terms (`1987-03`, `1987-04-01`, …)
applied as an unscored filter. Whoosh's constant-score wrapper walks the
union of those postings in Python for every query: on Reuters a month's
filter was half the time of a combined query. A segment never changes once
written, so the documents of each calendar term are read once per segment
and kept (keyed weakly by the segment reader, like the facet tables); a
query's filter is then a numpy union of a few cached arrays. (A reader's
deletions are fixed for its life, as Whoosh reads them, so a cached set
never holds a document deleted since.)
"""

from __future__ import annotations

import threading
import weakref
from array import array

import numpy as np
from whoosh import matching
from whoosh import query as wq

MAX_PARTS_PER_SEGMENT = 512  # a part is one calendar term: a bound of a few MB at x10

_PARTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # reader -> {query: ids}
_LOCK = threading.Lock()


def _part_ids(searcher, part: wq.Query) -> np.ndarray:
    reader = searcher.reader()
    with _LOCK:
        cached = _PARTS.setdefault(reader, {})
        ids = cached.get(part)
    if ids is None:
        ids = np.fromiter(part.docs(searcher), dtype=np.uint32)
        with _LOCK:
            if len(cached) >= MAX_PARTS_PER_SEGMENT:
                cached.pop(next(iter(cached)))  # the oldest
            cached[part] = ids
    return ids


class CachedFilter(wq.ConstantScoreQuery):
    """An unscored union of `parts` whose document sets are cached per segment."""

    def __init__(self, parts: list[wq.Query]):
        super().__init__(parts[0] if len(parts) == 1 else wq.Or(parts), score=0.0)
        self.parts = tuple(parts)

    def _rewrap(self, child):
        return self.__class__(list(child.subqueries) if isinstance(child, wq.Or) else [child])

    def matcher(self, searcher, context=None):
        if context is not None and context.needs_current:
            return super().matcher(searcher, context)
        arrays = [_part_ids(searcher, part) for part in self.parts]
        ids = arrays[0] if len(arrays) == 1 else np.unique(np.concatenate(arrays))
        if not len(ids):
            return matching.NullMatcher()
        listed = array("I")
        listed.frombytes(ids.astype(np.uint32).tobytes())
        return matching.ListMatcher(listed, all_weights=self.score)
