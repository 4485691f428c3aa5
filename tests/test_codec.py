"""Posting blocks are written uncompressed with the current pickle protocol."""

from __future__ import annotations

import pickle


def test_posting_blocks_use_the_current_pickle_protocol_uncompressed(whoosh_archive):
    reader = whoosh_archive.reader()._searcher.reader().leaf_readers()[0][0]
    checked = 0
    for field in ("body_exact", "title_exact"):
        for term in list(reader.lexicon(field))[:40]:
            matcher = reader._terms.matcher(field, term, reader.schema[field].format)
            if not hasattr(matcher, "_dataoffset"):
                continue  # a posting inlined in the term info
            assert matcher._compression == 0
            raw = matcher._postfile.get(matcher._dataoffset, 2)
            assert raw == bytes([0x80, pickle.HIGHEST_PROTOCOL]), (field, term)
            checked += 1
    assert checked > 10


def test_spilled_posting_runs_round_trip_with_the_current_protocol(tmp_path):
    import dateline.index.whoosh_engine.codec  # noqa: F401 - rebinds Whoosh's pickling
    from whoosh.externalsort import SortingPool

    pool = SortingPool(maxsize=3, tempdir=str(tmp_path))
    items = [("body", f"w{n}".encode(), n, 1.0, bytes([n % 256]) * 3) for n in range(10, 0, -1)]
    for item in items:
        pool.add(item)
    assert pool.runs  # it spilled
    first = open(pool.runs[0], "rb").read(2)
    assert first == bytes([0x80, pickle.HIGHEST_PROTOCOL])
    assert list(pool.items()) == sorted(items)
