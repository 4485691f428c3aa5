"""Snippets: the best fragments of the body, every matched word and phrase marked."""

from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.search.engine import search
from dateline.search.parser import parse_query
from dateline.search.query import Term, positive_terms
from dateline.search.snippets import MAX_FRAGMENTS, SEPARATOR, find_occurrences, make_snippet
from tests.helpers import NOW


def marked(archive, query, article_id):
    hit = next(h for h in search(archive, query, limit=100, now=NOW).hits if h.article.id == article_id)
    return [hit.snippet.text[a:b] for a, b in hit.snippet.marks]


def terms(query):
    return list(positive_terms(parse_query(query, now=NOW)))


def test_a_phrase_with_slop_is_marked_from_first_to_last_word(archive):
    assert marked(archive, '"bank england"~1', "boe-holds") == ["Bank of England"]
    assert marked(archive, '"bank england"~1', "bank-in-england") == ["bank in England"]


def test_prefix_marks_every_word_it_starts(archive):
    assert marked(archive, "oil*", "oilfield-fire") == ["oilfield"]
    assert marked(archive, "oil*", "oil-prices") == ["Oil"]
    assert marked(archive, "oil*", "new-year") == ["oil"]


def test_words_are_marked_in_all_their_forms(archive):
    assert marked(archive, "price", "oil-prices") == ["prices"]
    assert marked(archive, "drought", "sao-paulo") == ["drought"]


def test_a_phrase_marks_only_its_exact_words(archive):
    # "Central banks" is not the phrase "central bank"; "Bank of England" is the phrase
    assert marked(archive, '"bank of england"', "undated-essay") == ["Bank of England"]


def test_accents_do_not_stop_a_mark(archive):
    assert marked(archive, '"sao paulo"', "sao-paulo") == ["São Paulo"]


def test_excluded_words_are_not_marked(archive):
    assert marked(archive, "lavrov -paris", "lavrov-un") == ["Lavrov"]
    assert "Paris" not in marked(archive, "lavrov OR kerry", "lavrov-kerry")


def test_phrase_words_out_of_order_or_too_far_are_not_marked():
    text = "England has a bank. The bank said that in England rates rose."
    assert find_occurrences(text, terms('"bank england"~1')) == []
    assert find_occurrences(text, terms('"bank england"~3')) == [(text.index("bank said"), len(text) - len(" rates rose."))]


def test_a_word_searched_as_its_parts_is_marked_as_a_phrase():
    text = "The U.S. economy grew; it's a plan, says S. Smith."
    found = [text[a:b] for a, b in find_occurrences(text, terms("U.S."))]
    assert found == ["U.S"]


def test_long_bodies_give_up_to_three_fragments_with_offsets():
    filler = "Nothing happened in the harbour that day. " * 12
    body = f"The strike began. {filler}Then the strike spread to rail. {filler}" \
           f"Rail unions joined the strike. {filler}A strike fund was set up. {filler}"
    snippet = make_snippet(body, terms("strike"))
    assert 1 < snippet.text.count(SEPARATOR) + 1 <= MAX_FRAGMENTS
    assert len(snippet.text) < len(body) / 2
    assert snippet.marks and all(snippet.text[a:b].lower() == "strike" for a, b in snippet.marks)
    assert snippet.marked().count("<mark>strike</mark>") == len(snippet.marks)


def test_a_body_without_matches_gives_its_opening():
    body = "Harbour news. " * 40
    snippet = make_snippet(body, terms("title:lavrov"))
    assert body.startswith(snippet.text.rstrip("…")) and not snippet.marks


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcXYZ éÉüß'.-_ 12\n\tİıﬁ")), max_size=80))
def test_snippet_tokens_are_the_index_analyzers_tokens(text):
    from dateline.index.schema import stem
    from dateline.index.whoosh_engine.fields import exact_analyzer
    from dateline.search.snippets import _tokens

    exact = [(t.text, t.startchar, t.endchar) for t in exact_analyzer()(text, chars=True)]
    assert _tokens(text) == [(w, stem(w), a, b) for w, a, b in exact]


# Words that touch apostrophes in every way the tokenizer reads them.
_APOSTROPHE_WORDS = ["o'neill", "neill", "company's", "company", "companies'", "'bank'", "bank",
                     "banks", "a'b'c", "c", "rock'n'roll", "roll", "Neill's", "dying", "die", "’oil’",
                     "oil", "oiled", "U.S.", "it's", "s", "'s"]


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(_APOSTROPHE_WORDS), min_size=1, max_size=25).map(" ".join),
       query=st.lists(st.sampled_from(["neill", "company", "bank", "c", "roll", "die", "oil", "s"]),
                      min_size=1, max_size=3))
def test_matched_words_are_placed_as_the_tokenizer_reads_the_text(text, query):
    """Every word of the text whose stem a query word has, and nothing else:
    as analyzing each token finds them (apostrophes included)."""
    from dateline.search.snippets import _tokens, find_occurrences
    from dateline.search.lower import words

    terms = [Term(word) for word in query]
    stems = {words(word, stem=True)[0] for word in query}
    expected = sorted((start, end) for _, stem, start, end in _tokens(text) if stem in stems)
    assert find_occurrences(text, terms) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab_1 '-.\n"), max_size=60),
       st.lists(st.text(alphabet=st.sampled_from("ab_1'-"), max_size=4), min_size=1, max_size=4))
def test_word_starts_are_where_the_pattern_finds_them(text, starts):
    """`_word_starts` finds with str.find what the pattern of the starts finds."""
    from dateline.search.snippets import _starting, _word_starts

    starts = tuple(starts)
    assert _word_starts(text, starts) == [m.start() for m in _starting(starts).finditer(text)]
