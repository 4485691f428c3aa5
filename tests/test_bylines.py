"""Authors credited in the text: a byline run into the first line, a credit at the end."""

import json

from hypothesis import given
from hypothesis import strategies as st

from dateline.corpus.bylines import author_names, credited_author
from dateline.corpus.readers.rawtext import read_rawtext
from dateline.search.archive import Archive
from dateline.search.engine import search
from tests.helpers import NOW, build_home

STORY = ("The harbour board voted on Tuesday to raise fees for cargo ships by a fifth from "
         "January, to pay for dredging the channel.\n\nShipping lines said they would pass the "
         "cost on to their customers.")


def test_a_byline_before_the_dateline_is_the_author_and_leaves_the_text():
    author, body = credited_author(f"By Ann Lee and Tom Ray NAIROBI, March 3 (Reuters) - {STORY}")
    assert author == "Ann Lee; Tom Ray"
    assert body.startswith("NAIROBI, March 3 (Reuters) - The harbour board")


def test_a_reporting_credit_at_the_end_names_the_reporters_not_the_editors():
    author, body = credited_author(
        f"{STORY}\n\n(Reporting by Ann Lee in Paris and Tom Ray; Editing by Bo Li)")
    assert author == "Ann Lee; Tom Ray" and body.endswith("Editing by Bo Li)")
    assert credited_author(f"{STORY}\n\n(Editing by Bo Li)")[0] is None


def test_sentences_that_begin_with_by_are_not_bylines():
    for text in ("By Tuesday the talks had failed and the crews went home.",
                 "By Monday Morning NASA said it would fly again.",
                 f"{STORY}\n\n(The vote was close, by all accounts.)"):
        assert credited_author(text) == (None, text), text


def test_a_wire_credit_is_spelled_as_names_are():
    assert author_names("By STEPHEN JUKES AND PHILIP SHEHADI, REUTERS") == "Stephen Jukes; Philip Shehadi"
    assert author_names("by Peter Torday, Reuters") == "Peter Torday"
    assert author_names("By Solange De Santis") == "Solange De Santis"
    assert author_names("Staff") is None


def test_a_text_pages_run_in_byline_becomes_its_author():
    [article] = read_rawtext(f"Port fees to rise\n\nBy Ann Lee NAIROBI, March 3 (Reuters) - {STORY}\n",
                             "page.txt", now=NOW)
    assert article.author == "Ann Lee"
    assert article.body.startswith("NAIROBI, March 3") and article.dateline == "NAIROBI, March 3"


def test_each_of_several_authors_is_found_by_author(tmp_path):
    record = {"id": "fees", "title": "Port fees to rise", "body": STORY, "author": "Ann Lee; Tom Ray"}
    (tmp_path / "a.jsonl").write_text(json.dumps(record) + "\n")
    home = build_home(tmp_path / "home", tmp_path / "a.jsonl")
    with Archive(home) as archive:
        for query in ('author:"tom ray"', 'author:"ann lee"', "by:ray"):
            assert [h.article.id for h in search(archive, query, now=NOW).hits] == ["fees"], query


def test_a_reuters_storys_author_element_is_its_author():
    from dateline.corpus.readers.reuters import read_reuters

    story = ('<REUTERS NEWID="8"><DATE>26-FEB-1987 15:01:01.79</DATE><TEXT><TITLE>FERRY FARES RISE'
             "</TITLE><AUTHOR>    By Ann Lee, Reuters</AUTHOR><DATELINE>    NAIROBI, Feb 26 - "
             "</DATELINE><BODY>Ferry fares across the harbour rose 10 pct, the port authority said."
             "\n Reuter\n</BODY></TEXT></REUTERS>\n")
    [article] = read_reuters(story, "r.sgm", now=NOW)
    assert article.author == "Ann Lee" and "Ann Lee" not in article.body


def test_json_lines_give_several_authors_as_a_list_or_separated():
    from dateline.corpus.readers.jsonl import read_jsonl

    lines = [{"id": "a", "title": "T", "body": STORY, "author": ["Ann Lee", "Tom Ray"]},
             {"id": "b", "title": "T", "body": STORY, "author": "Ann  Lee ; Tom Ray"},
             {"id": "c", "title": "T", "body": STORY, "author": 7}]
    a, b, c = read_jsonl("\n".join(json.dumps(x) for x in lines), "r.jsonl", now=NOW)
    assert a.author == b.author == "Ann Lee; Tom Ray"
    assert c.reason == "field 'author' must be a list or a ';'-separated string"


@given(st.text(), st.sampled_from(["", "By Ann Lee ", "By Ann Lee and Tom Ray LONDON - ",
                                   "\n\n(Reporting by Ann Lee; Editing by Bo Li)"]))
def test_any_text_keeps_everything_but_a_leading_byline(text, credit):
    body = credit + text if credit.startswith("By") else text + credit
    author, rest = credited_author(body)
    assert body.endswith(rest)  # only a byline at the start is taken off
    assert author is None or all(name and name.casefold() in body.casefold() for name in author.split("; "))
