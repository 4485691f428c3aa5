"""The arrays read below Whoosh's public API are what its public API gives."""

from __future__ import annotations

from hypothesis import given, strategies as st
from whoosh.formats import Positions

from dateline.index.schema import stem
from dateline.index.whoosh_engine.execute import _positions
from dateline.index.whoosh_engine.postings import segment_arrays


def leaves(whoosh_archive):
    return [reader for reader, _ in whoosh_archive.reader()._searcher.reader().leaf_readers()]


def test_postings_equal_whoosh_matchers(whoosh_archive):
    checked = 0
    for reader in leaves(whoosh_archive):
        seg = segment_arrays(reader)
        for field in ("body_exact", "title_exact", "person", "place_exact"):
            for term in list(reader.lexicon(field))[:60]:
                text = term.decode("utf-8")
                ids, weights, values = seg.postings(field, text, values=True)
                matcher = reader.postings(field, term)
                expected = []
                while matcher.is_active():
                    expected.append((matcher.id(), matcher.weight(), matcher.value()))
                    matcher.next()
                assert list(zip(ids.tolist(), weights.tolist(), values)) == expected
                checked += 1
    assert checked > 100


def test_an_unknown_term_or_field_has_no_postings(whoosh_archive):
    seg = segment_arrays(leaves(whoosh_archive)[0])
    assert len(seg.postings("body_exact", "zzzznotaword")[0]) == 0
    assert len(seg.postings("nosuchfield", "oil")[0]) == 0


def test_lengths_and_dates_equal_whoosh_columns(whoosh_archive):
    for reader in leaves(whoosh_archive):
        seg = segment_arrays(reader)
        for field in ("body_exact", "title_exact", "person"):
            lengths = seg.lengths(field)
            assert [lengths[d] for d in range(seg.size)] == [
                reader.doc_field_length(d, field) or 0 for d in range(seg.size)]
        column = reader.column_reader("date", translate=False)
        assert seg.column("date").tolist() == [column[d] for d in range(seg.size)]


def test_forms_are_every_indexed_word_with_the_stem(whoosh_archive):
    for reader in leaves(whoosh_archive):
        seg = segment_arrays(reader)
        lexicon = [t.decode("utf-8") for t in reader.lexicon("body_exact")]
        for word in ("price", "bank", "rate", "talk", "say"):
            expected = sorted(w for w in lexicon if stem(w) == stem(word))
            assert sorted(seg.forms("body_exact", stem(word))) == expected
    found = set().union(*(segment_arrays(r).forms("body_exact", stem("banks")) for r in leaves(whoosh_archive)))
    assert found == {"bank", "banks"}


@given(st.lists(st.integers(min_value=0, max_value=70000), min_size=1, max_size=6, unique=True))
def test_positions_are_decoded_as_whoosh_decodes_them(positions):
    encoded = Positions().encode(sorted(positions))
    assert _positions(encoded) == Positions().decode_positions(encoded)
