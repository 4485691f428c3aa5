"""The index's own word reader agrees with Whoosh's analyzer, and the fields
write what Whoosh would (how a stem finds its forms: tests/test_word_forms.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from dateline.index.schema import index_words, stem
from dateline.index.whoosh_engine.fields import exact_analyzer

TEXT = st.text(alphabet=st.sampled_from(list("abcXYZ éÉüß'’.-_ 12\n\tİıﬁñÑçå")), max_size=120)


@settings(max_examples=400)
@given(TEXT)
def test_index_words_are_what_whoosh_s_exact_analyzer_gives(text):
    assert index_words(text) == [t.text for t in exact_analyzer()(text)]


def test_inflected_forms_share_a_stem():
    assert stem("prices") == stem("price") and stem("happiness") == stem("happy")


@settings(max_examples=300)
@given(st.lists(st.sampled_from(["oil", "bank", "rates", "the", "of"]), min_size=1, max_size=300))
def test_indexed_positions_are_what_whoosh_writes(words):
    from whoosh.formats import Positions

    from dateline.index.whoosh_engine.fields import WordsField

    field = WordsField()
    expected = {}
    for n, word in enumerate(words):
        expected.setdefault(word, []).append(n)
    got = {w.decode(): (freq, weight, value) for w, freq, weight, value in field.index(" ".join(words))}
    assert got == {w: (len(p), float(len(p)), Positions().encode(p)) for w, p in expected.items()}


@settings(max_examples=200)
@given(st.lists(st.sampled_from(["Sergey", "Lavrov", "São", "Paulo", "O’Neill", "\n"]), max_size=12))
def test_name_words_are_indexed_as_whoosh_indexes_a_text_field(words):
    from whoosh import fields

    from dateline.index.whoosh_engine.fields import NameWordsField

    text = " ".join(words)
    plain = fields.TEXT(analyzer=exact_analyzer(), phrase=False)
    assert sorted(NameWordsField().index(text)) == sorted(plain.index(text))


@settings(max_examples=200)
@given(st.lists(st.sampled_from(["sergey lavrov", " kenya ", "", "são paulo", "a,b", "  "]), max_size=8))
def test_values_are_indexed_as_whoosh_indexes_a_comma_keyword_field(values):
    from whoosh import fields

    from dateline.index.whoosh_engine.fields import ValuesField

    text = ",".join(values)
    plain = fields.KEYWORD(commas=True, scorable=False)
    assert sorted(ValuesField().index(text)) == sorted(plain.index(text))


_NAMES = st.lists(st.sampled_from(["Sergey Lavrov", " Kenya ", "", "São Paulo", "a,b", ",", "  ",
                                   "José Núñez", "e\u0301", "\u0301", "Lee,  Kuan Yew", "kenya", "KENYA"]),
                  max_size=4).map(tuple)


@settings(max_examples=300)
@given(people=_NAMES, mentioned=_NAMES, places=_NAMES, tags=_NAMES,
       source=st.sampled_from([None, "", "Reuters", "a, b", ","]),
       author=st.sampled_from([None, "", "Ann Lee; Tom Ray", " ; ", "Lee, Ann", "Ann Lee;Ann Lee"]),
       url=st.sampled_from([None, "https://www.news.example.co.uk/a", "https://example.com/"]))
def test_the_tantivy_document_holds_the_values_whoosh_reads_from_document_for(
        people, mentioned, places, tags, source, author, url):
    # The tantivy engine takes the name fields' values one by one
    # (schema.indexed_names), not joined by commas as document_for gives them
    # to Whoosh: both must index the same values and words.
    pytest.importorskip("tantivy")
    from dateline.corpus.article import Article
    from dateline.index.analysis import index_text
    from dateline.index.schema import NAME_FIELDS, document_for
    from dateline.index.tantivy_engine import _VALUE_FIELDS, _values, tantivy_document

    article = Article(id="a1", title="Title", body="Body", url=url, people=people, mentioned=mentioned,
                      places=places, tags=tags, source=source, author=author)
    fields = document_for(article)
    got = tantivy_document(article).to_dict()
    for name in NAME_FIELDS:
        words = index_text(fields[name]) if fields.get(name) else ""
        assert got.get(name, [""]) == [words], name
    for name in _VALUE_FIELDS:
        assert got.get(name, []) == (_values(fields[name]) if name in fields else []), name
