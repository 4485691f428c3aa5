"""`word~N`: words within N edits, as Lucene and Elasticsearch read it."""

from __future__ import annotations

import pytest

from dateline.index.analysis import edit_distance
from dateline.index import engine as boundary
from dateline.search.engine import search
from dateline.search.parser import QuerySyntaxError, parse_query
from dateline.search.query import Fuzzy, Term
from dateline.search.snippets import find_matches
from tests.conftest import NOW

LAVROV = {"lavrov-un", "lavrov-kerry"}


@pytest.mark.parametrize("text,expected", [
    ("dollar~2", Fuzzy("dollar", None, 2)),
    ("dollar~", Fuzzy("dollar", None, 2)),  # a bare ~ is two edits, Lucene's default
    ("dollar~1", Fuzzy("dollar", None, 1)),
    ("dollar~0", Fuzzy("dollar", None, 0)),
    ("title:dollar~1", Fuzzy("dollar", "title", 1)),
    ("person:lavorv~1", Fuzzy("lavorv", "person", 1)),
    ("url:http://host/~user/page", Term("http://host/~user/page", "url")),  # '~' in a URL
    ("~1", Term("~1", None)),  # nothing before the ~: a word of punctuation, as before
])
def test_a_tilde_after_a_word_is_a_fuzzy_word(text, expected):
    assert parse_query(text) == expected


@pytest.mark.parametrize("text,message", [
    ("dollar~3", "fuzzy distance '~3' is not 0, 1 or 2 at column 1 of query: dollar~3 "
                 "(dollar~1 finds words one edit away, dollar~ two)"),
    ("oil dollar~0.5", "fuzzy distance '~0.5' is not 0, 1 or 2 at column 5 of query: "
                       "oil dollar~0.5 (dollar~1 finds words one edit away, dollar~ two)"),
    ("dollar~²", "fuzzy distance '~²' is not 0, 1 or 2 at column 1 of query: dollar~² "
                 "(dollar~1 finds words one edit away, dollar~ two)"),
    ("u.s.~1", "fuzzy search takes one word, not 'u.s.' at column 1 of query: u.s.~1 "
               "(letters and digits only, without * or punctuation)"),
    ("dol*~1", "fuzzy search takes one word, not 'dol*' at column 1 of query: dol*~1 "
               "(letters and digits only, without * or punctuation)"),
])
def test_a_bad_fuzzy_word_is_a_one_line_error(text, message):
    with pytest.raises(QuerySyntaxError) as error:
        parse_query(text)
    assert str(error.value) == message


def test_explain_shows_the_fuzzy_word():
    assert parse_query("title:dollar~1").explain() == "Fuzzy(title: 'dollar' ~1)"


def test_a_misspelt_word_is_found_within_its_distance(ids):
    assert ids("lavorv") == set()
    assert ids("lavorv~1") == ids("lavorv~") == ids("person:lavorv~1") == LAVROV
    assert ids("lavrvo~1") == LAVROV  # two neighbours swapped: one edit, as in Lucene
    assert ids("lavorvv~1") == set() and ids("lavorvv~2") == LAVROV


def test_no_edits_is_the_exact_word_unstemmed(ids):
    assert ids("kenya~0") == ids('"kenya"')
    assert ids("price~0") < ids("price")  # "prices" is a form of price, not zero edits away


def test_a_fuzzy_word_searches_at_most_so_many_words_nearest_first(ids, monkeypatch):
    nearest = ids('"rise"') | ids('"fire"')  # 0 and 1 edits; "rate", "is", "jose" are 2
    assert ids("rise~2") > nearest
    monkeypatch.setattr(boundary, "MAX_FUZZY_WORDS", 2)
    assert ids("rise~2") == nearest


def test_snippets_mark_the_words_a_fuzzy_word_found(archive):
    hit = search(archive, "lavorv~1", now=NOW).hits[0]
    assert "<mark>Lavrov</mark>" in hit.snippet.marked()
    text = "Oil prices fell; the prise of a pirce."
    assert [text[a:b] for a, b in find_matches(text, [Fuzzy("prices", None, 1)])] == ["prices"]


@pytest.mark.parametrize("a,b,distance", [
    ("dollar", "dollar", 0), ("dollar", "dolar", 1), ("dollar", "dollars", 1),
    ("dollar", "dollra", 1), ("dollar", "odllra", 2), ("dollar", "pound", 3), ("ab", "ba", 1),
])
def test_edit_distance_counts_a_swap_of_neighbours_as_one(a, b, distance):
    assert edit_distance(a, b) == distance  # above the limit of 2: 3


def test_both_ways_of_finding_near_words_agree(whoosh_archive):
    from dateline.index.whoosh_engine.postings import SegmentArrays

    for reader, _ in whoosh_archive.reader()._searcher.reader().leaf_readers():
        seg = SegmentArrays(reader)  # fresh: no vocabulary read yet, Whoosh's automaton
        by_automaton = [seg.words_within("body_exact", w, 1) for w in ("lavrvo", "prise", "oil")]
        seg.vocabulary("body_exact")  # read: rapidfuzz over it
        assert [seg.words_within("body_exact", w, 1) for w in ("lavrvo", "prise", "oil")] \
            == by_automaton
        assert "lavrov" in by_automaton[0]


def test_the_words_a_fuzzy_word_searches_are_the_nearest_then_in_word_order(monkeypatch):
    near = ["dollars", "dolar", "dollar", "collar", "dolls", "pollar"]
    assert boundary.fuzzy_words("dollar", 2, near, live=lambda w: True) == \
        ["dollar", "collar", "dolar", "dollars", "pollar", "dolls"]
    monkeypatch.setattr(boundary, "MAX_FUZZY_WORDS", 3)
    # past the cap, a word only deleted articles held takes no place
    assert boundary.fuzzy_words("dollar", 2, near, live=lambda w: w != "collar") == \
        ["dollar", "dolar", "dollars"]
    assert boundary.fuzzy_words("dollar", 1, ["dollar", "dolls"], live=lambda w: False) == ["dollar"]
