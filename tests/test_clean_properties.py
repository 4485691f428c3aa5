"""Property tests: the cleaner and the readers never raise, whatever they are given."""

from datetime import datetime, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.article import Article, Dropped, Rejected, Skipped
from corpus.boilerplate import repeated_lines
from corpus.clean import line_key, parse_caption, tidy_text
from corpus.extract_people import extract_people
from corpus.extract_places import extract_places
from corpus.readers import read_path
from corpus.readers.html import read_html
from corpus.readers.rawtext import read_rawtext

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
