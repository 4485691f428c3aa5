"""The chart's arithmetic: buckets aligned with coverage, gaps kept, bar links' date bounds."""

from datetime import date

import pytest

from dateline.search.facets import bucket_end
from dateline.search.web.histogram import build_histogram, span


def facet(bucket, *pairs):
    return {"bucket": bucket, "buckets": [{"start": s, "count": c} for s, c in pairs]}


def test_bucket_ends_are_inclusive_last_days():
    assert bucket_end(date(2014, 9, 24), "day") == date(2014, 9, 24)
    assert bucket_end(date(2014, 9, 22), "week") == date(2014, 9, 28)
    assert bucket_end(date(2016, 2, 1), "month") == date(2016, 2, 29)
    assert bucket_end(date(2014, 1, 1), "year") == date(2014, 12, 31)


def test_span_runs_from_the_first_bucket_to_the_end_of_the_last():
    assert span(facet("month", ("2014-09-01", 1), ("2014-11-01", 2))) == (date(2014, 9, 1), date(2014, 11, 30))
    assert span({"bucket": None, "buckets": []}) is None


def test_an_empty_bucket_between_matches_stays_a_visible_gap():
    chart = build_histogram(facet("month", ("2014-09-01", 3), ("2014-11-01", 1)))
    assert [(b.start.month, b.matches) for b in chart.bars] == [(9, 3), (10, 0), (11, 1)]
    assert chart.bars[1].height == 0 and chart.bars[0].height == chart.height


def test_matches_fold_onto_a_coarser_coverage_bucket():
    matches = facet("week", ("2014-09-01", 2), ("2014-09-15", 1), ("2014-10-06", 4))
    coverage = facet("month", ("2014-09-01", 30), ("2014-10-01", 40))
    chart = build_histogram(matches, coverage, {"AP": facet("month", ("2014-10-01", 15))})
    assert chart.bucket == "month"
    assert [(b.matches, b.coverage) for b in chart.bars] == [(3, 30), (4, 40)]
    assert chart.bars[1].sources == [("AP", 15)] and chart.bars[0].sources == []


def test_share_mode_scales_bars_by_share_of_coverage():
    matches = facet("month", ("2014-09-01", 10), ("2014-10-01", 10))
    coverage = facet("month", ("2014-09-01", 100), ("2014-10-01", 20))
    counts = build_histogram(matches, coverage)
    shares = build_histogram(matches, coverage, share=True)
    assert counts.bars[0].height == counts.bars[1].height
    assert shares.bars[1].height == pytest.approx(5 * shares.bars[0].height, abs=0.01)
    assert shares.bars[1].share == 0.5
    # The y-axis ends on a round tick above the highest bar: 0.5 reads against 0..60%.
    assert [label for _, label in shares.y_ticks] == ["0%", "20%", "40%", "60%"]
    assert shares.bars[1].height == pytest.approx(shares.height * 0.5 / 0.6, abs=0.01)


def test_the_axis_labels_dates_along_it_not_only_its_ends():
    matches = facet("month", *((f"2014-{m:02d}-01", m) for m in range(1, 13)))
    chart = build_histogram(matches)
    assert [label for _, label in chart.x_labels] == ["Jan 2014", "Mar 2014", "May 2014",
                                                      "Jul 2014", "Sep 2014", "Nov 2014"]
    assert [label for _, label in chart.y_ticks] == ["0", "5", "10", "15"]


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_coverage_counts_as_a_search_of_everything_with_facets(tmp_path, engine):
    """`Archive.coverage` (what the page's coverage is drawn from) is the
    number, date histogram and top sources a `*` search with facets finds."""
    from dateline import Archive, Filters, SearchOptions
    from tests.helpers import new_home, write_articles

    home = new_home(tmp_path / "home", write_articles(tmp_path / "a.jsonl", 0, 80), engine)
    archive = Archive(home)
    for filters in (Filters(), Filters(since="2014-03-01", until="2014-05-31"),
                    Filters(since="2014-06-10", until="2014-06-10"), Filters(source="wire 1"),
                    Filters(since="2014-02", until="2014-11", source="Wire 2")):
        searched = archive.results("*", SearchOptions(filters=filters, facets=True, top_words=False))
        covered = archive.coverage(filters)
        assert covered == {"articles": searched.total_articles, "dates": searched.facets["dates"],
                           "sources": searched.facets["sources"]}, filters
    assert archive.coverage(Filters(since="1990", until="1990"))["articles"] == 0
