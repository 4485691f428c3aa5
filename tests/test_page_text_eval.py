"""Main text of real web pages against trafilatura alone (the development set in ../shared).

Dateline's stored body must score an F1 at least trafilatura's + 0.02 and a
recall at least trafilatura's, both measured in the same run over all the
set's pages (`bench/page_text.py`). Skipped when ../shared is absent.
"""

import os

import pytest

from bench.page_text import F1_MARGIN, load_pages, meets_targets, score_pages
from tests.conftest import SHARED

PAGES = SHARED / "corpora" / "trafilatura-eval"


@pytest.mark.slow
@pytest.mark.corpus
@pytest.mark.skipif(not (PAGES / "expectations.json").exists(), reason="no ../shared pages")
def test_dateline_keeps_more_of_the_story_and_less_furniture_than_trafilatura_alone():
    pages = load_pages(PAGES)
    scores = score_pages(pages, workers=min(4, os.cpu_count() or 1))
    ours, theirs = scores["dateline"], scores["trafilatura"]
    summary = (f"Dateline P {ours.precision:.3f} R {ours.recall:.3f} F1 {ours.f1:.3f}; "
               f"trafilatura P {theirs.precision:.3f} R {theirs.recall:.3f} F1 {theirs.f1:.3f}")
    f1_ok, recall_ok = meets_targets(scores)
    assert f1_ok, f"F1 under trafilatura's + {F1_MARGIN}: {summary}"
    assert recall_ok, f"recall under trafilatura's: {summary}"
