"""Property tests: the cleaner and the readers never raise, whatever they are given."""

from datetime import datetime, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.corpus.article import Article, Dropped, Rejected, Skipped
from dateline.corpus.boilerplate import repeated_lines
from dateline.corpus.clean import line_key, parse_caption, tidy_text
from dateline.corpus.extract import date_line, wire_dateline
from dateline.corpus.extract_people import extract_people
from dateline.corpus.extract_places import extract_places, with_countries
from dateline.corpus.not_article import error_page, is_paywall_line, link_page
from dateline.corpus.readers import read_path
from dateline.corpus.readers.decode import decode_bytes, line_decoder
from dateline.corpus.readers.html import read_html
from dateline.corpus.readers.rawtext import is_masthead, read_rawtext

LATER = datetime(2026, 1, 1, tzinfo=timezone.utc)


@given(st.text())
def test_tidy_text_is_idempotent_and_never_raises(text):
    once = tidy_text(text)
    assert tidy_text(once) == once
    assert "\n\n\n" not in once


@given(st.text())
def test_extractors_and_caption_parser_never_raise(text):
    parse_caption(text)
    line_key(text)
    extract_places(text[:40], text)
    extract_people(text[:40], text)


@given(st.text(), st.lists(st.text(max_size=80), max_size=5))
def test_page_signals_never_raise(text, lines):
    error_page(text[:80], lines)
    is_paywall_line(text)
    link_page(lines, {line_key(line) for line in lines[:2]})
    date_line(text)
    wire_dateline(text)
    is_masthead(text, [*lines, text], lines[0] if lines else None)
    assert with_countries([text, *lines])[0] == text  # given places are kept as written


@given(st.binary(max_size=2000))
def test_decoding_any_bytes_never_raises(data):
    decoded = decode_bytes(data)
    assert decoded is None or isinstance(decoded.text, str)
    assert isinstance(line_decoder(data)(data).text, str)


@settings(max_examples=60, deadline=None)
@given(st.text())
def test_raw_and_html_readers_turn_any_text_into_articles_or_rejects(text):
    for item in [*read_rawtext(text, "x.txt", now=LATER), *read_html(text, "x.html", now=LATER)]:
        assert isinstance(item, (Article, Rejected))


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=3000),
       st.sampled_from(["a.txt", "a.html", "a.jsonl", "a.sgm", "a.warc", "a.warc.gz", "a.gz", "a"]))
def test_any_bytes_under_any_name_become_articles_or_rejects(tmp_path_factory, data, name):
    path = tmp_path_factory.mktemp("p") / name
    path.write_bytes(data)
    items = list(read_path(path, now=LATER))
    assert items and all(isinstance(i, (Article, Rejected, Skipped, Dropped)) for i in items)
    repeated_lines([path])
