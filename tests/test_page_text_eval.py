"""Main text of real web pages against trafilatura alone (the development set in ../shared).

Dateline's stored body must score an F1 at least trafilatura's + 0.02 and a
recall at least trafilatura's, both measured in the same run over all the
set's pages (`bench/page_text.py`). Skipped when ../shared is absent.
"""

import gzip
import json
import os

import pytest

from bench.page_text import F1_MARGIN, load_pages, meets_targets, score_pages
from tests.helpers import SHARED, corpus_marks

PAGES = SHARED / "corpora" / "trafilatura-eval"


def reads_the_pages(test):
    """Decorator: the test reads the development set under ../shared."""
    for mark in corpus_marks(PAGES / "expectations.json"):
        test = mark(test)
    return test


@pytest.mark.slow
@reads_the_pages
def test_dateline_keeps_more_of_the_story_and_less_furniture_than_trafilatura_alone():
    pages = load_pages(PAGES)
    scores = score_pages(pages, workers=min(4, os.cpu_count() or 1))
    ours, theirs = scores["dateline"], scores["trafilatura"]
    summary = (f"Dateline P {ours.precision:.3f} R {ours.recall:.3f} F1 {ours.f1:.3f}; "
               f"trafilatura P {theirs.precision:.3f} R {theirs.recall:.3f} F1 {theirs.f1:.3f}")
    f1_ok, recall_ok = meets_targets(scores)
    assert f1_ok, f"F1 under trafilatura's + {F1_MARGIN}: {summary}"
    assert recall_ok, f"recall under trafilatura's: {summary}"


def test_the_harness_scores_strings_found_and_missed_on_both_sides(tmp_path):
    story = ("<p>The harbour board said on Monday that port fees for container ships would "
             "double next year, to pay for a second deep-water berth on the north quay.</p>"
             "<p>Shipping lines said the cost would be passed on to importers in the region.</p>")
    page = (f"<!DOCTYPE html><html><head><title>Port fees</title></head><body>"
            f"<nav><a href='/'>Home</a></nav><article><h1>Port fees</h1>{story}</article>"
            f"<footer>Harbour Times, 1 Quay Street</footer></body></html>")
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "port.html.gz").write_bytes(gzip.compress(page.encode()))
    expectations = {"https://harbour.example/port": {
        "file": "port.html",
        "with": ["port fees for container ships", "passed on  to importers", "a third berth"],
        "without": ["1 Quay Street", "second deep-water berth"]}}
    (tmp_path / "expectations.json").write_text(json.dumps(expectations))
    for workers in (1, 2):
        scores = score_pages(load_pages(tmp_path), workers=workers)
        for name in ("dateline", "trafilatura"):
            # Two found (spacing folded), one missing; one unwanted string found.
            assert (scores[name].tp, scores[name].fn, scores[name].fp, scores[name].tn) == (2, 1, 1, 1)
        assert scores["dateline"].precision == pytest.approx(2 / 3)
        assert scores["dateline"].f1 == pytest.approx(2 / 3)
