"""How the index's postings are written: Whoosh's, with two settings changed.

1. Blocks are not compressed. zlib was a quarter of a build's CPU and a share
   of every query's, for an index about 1.7 times smaller.
2. Blocks are pickled with the current pickle protocol instead of protocol 2.
   Under protocol 2 every `bytes` value (a posting's encoded positions) is
   pickled as a call to `codecs.encode`, so reading one block of 128 postings
   took 0.2 ms instead of 0.017 ms, and a query for a common word spent most
   of its time unpickling positions it never used; blocks are also half the
   size. The same holds for the temporary runs a large build spills its
   postings to (`whoosh.externalsort`): pickling and unpickling them was a
   third of a worker's CPU at Reuters x10. Whoosh calls `dumps(obj, 2)` and
   `dump(obj, file, 2)` by name in those two modules, so the names are rebound
   there to functions that use the current protocol (`tests/test_codec.py`
   checks that written blocks carry it). Readers load any protocol, so
   indexes written before this read as they always did.
"""

from __future__ import annotations

import pickle

from whoosh import externalsort
from whoosh.codec import whoosh3
from whoosh.codec.whoosh3 import W3Codec

PROTOCOL = pickle.HIGHEST_PROTOCOL


def _dumps(obj, protocol=None, **kwargs) -> bytes:  # noqa: ARG001 - Whoosh passes 2
    return pickle.dumps(obj, PROTOCOL)


def _dump(obj, file, protocol=None, **kwargs) -> None:  # noqa: ARG001 - Whoosh passes 2
    pickle.dump(obj, file, PROTOCOL)


whoosh3.dumps = _dumps
externalsort.dump = _dump


def codec() -> W3Codec:
    return W3Codec(compression=0)
