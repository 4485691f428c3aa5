"""The merge policy for incremental updates: keep few segments, at a bounded cost.

Every update commit writes one new Whoosh segment, and a query pays for every
segment it visits, so 100 small updates must not leave 100 segments. Whoosh's
default policy (MERGE_SMALL) merges by a Fibonacci rule on document counts
that, once the index holds a large segment, almost never fires for updates of
a few hundred articles. This is a log-structured policy instead (Lucene's
LogMergePolicy in spirit): segments fall in size tiers a factor `MERGE_FACTOR`
apart, and when a tier holds `MERGE_FACTOR` segments they are merged, together
with everything smaller, into one segment of the next tier. Each article is
therefore rewritten about log(N) times in its life, and an update stays cheap
on average.

That alone still leaves up to (MERGE_FACTOR - 1) segments per tier, and
every query pays a fixed cost per segment it visits (each term's postings are
looked up and each operation's arrays built once per segment): so, beyond the
large segments, at most `MAX_SMALL_SEGMENTS` small ones are kept; the price is
that a growing small segment is rewritten by the updates that follow it until
it joins a larger tier (measured in `bench/update.py`).

A segment where updates and removals have deleted more than
`EXPUNGE_DELETED_FRACTION` of the documents is merged too, so deleted
documents do not keep costing query time.
"""

from __future__ import annotations

import math

MERGE_FACTOR = 4
MAX_SMALL_SEGMENTS = 2
EXPUNGE_DELETED_FRACTION = 0.3


def size_tier(doc_count: int) -> int:
    return int(math.log(max(doc_count, 1), MERGE_FACTOR))


def segments_to_merge(segments: list) -> list:
    """Which of these Whoosh segments one commit should merge (maybe none)."""
    chosen = [s for s in segments if _deleted_fraction(s) > EXPUNGE_DELETED_FRACTION]
    rest = [s for s in segments if _absent(s, chosen)]
    tiers: dict[int, list] = {}
    for segment in rest:
        tiers.setdefault(size_tier(segment.doc_count_all()), []).append(segment)
    # The smallest full tier is merged along with every smaller segment.
    for tier in sorted(tiers):
        if len(tiers[tier]) >= MERGE_FACTOR:
            chosen += [s for s in rest if size_tier(s.doc_count_all()) <= tier]
            break
    # Whoosh pays a fixed cost per segment in every query, so besides the large
    # segments (a rebuild's, one per core) at most MAX_SMALL_SEGMENTS small ones
    # stay after this commit, the new one included: the smallest join the merge.
    largest = max((s.doc_count_all() for s in segments), default=0)
    small = sorted((s for s in rest if _absent(s, chosen)
                    and s.doc_count_all() * MERGE_FACTOR < largest),
                   key=lambda s: s.doc_count_all())
    excess = len(small) + 1 - MAX_SMALL_SEGMENTS
    if excess > 0:
        chosen += small[:excess]
    return chosen


def _absent(segment, chosen: list) -> bool:
    return all(segment is not c for c in chosen)  # Whoosh segments have no __eq__


def _deleted_fraction(segment) -> float:
    total = segment.doc_count_all()
    return segment.deleted_count() / total if total else 0.0


def log_merge_policy(writer, segments):
    """A Whoosh `mergetype`: merge the chosen segments into the writer's new one,
    return the segments kept as they are."""
    from whoosh.reading import SegmentReader

    chosen = segments_to_merge(list(segments))
    for segment in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if _absent(s, chosen)]
