"""The result page (`Reader.page`) and the date histogram (`Reader.date_span`,
`Reader.count_dates`) asked of the engine: on both engines the same answer
as the generic one from every match (`index/pages.py`, `day_counts`), on an
index of several segments with replaced and deleted articles, copies in
near-duplicate clusters, equal scores, equal dates and undated articles."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from dateline.corpus import ArticleStore, Home
from dateline.corpus.article import Article
from dateline.index import IndexLocation, rebuild_index, segment_count
from dateline.index.build import sync_index
from dateline.index.pages import page_of
from dateline.search.archive import Archive
from dateline.search.engine import search
from dateline.search.facets import date_histogram, day_counts, histogram
from dateline.search.lower import lower
from dateline.search.options import SORTS
from dateline.search.parser import parse_query
from tests.helpers import NOW

WORDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]


def _article(n: int, *, cluster: str | None = None, text: str | None = None, day: int | None = None,
             undated: bool = False) -> Article:
    # Bodies of one length and one count of 'harbour': many equal scores.
    body = text or f"The harbour {WORDS[n % 10]} {WORDS[(n // 10) % 10]} report {n}."
    date = None if undated else datetime(2014, 3, 1, 12, tzinfo=timezone.utc) + timedelta(
        hours=7 * (day if day is not None else n % 9))
    return Article(id=f"a{n:03d}", title=f"Dispatch {n}", body=body, source="Wire", date=date,
                   cluster=cluster)


def _first(n: int) -> Article:
    cluster = f"story-{n % 7}" if n % 3 == 0 else None  # a third of them in seven clusters
    if n % 11 == 0:
        return _article(n, cluster=cluster, text=f"Harbour storm harbour {WORDS[n % 10]} {n}.")
    return _article(n, cluster=cluster, undated=n % 13 == 0)


@pytest.fixture(scope="module", params=["whoosh", "tantivy"])
def pages_home(request, tmp_path_factory):
    """60 articles indexed, then 25 added, 6 replaced (3 into another
    cluster, 3 out of theirs) and 5 deleted through the change log."""
    home = Home(tmp_path_factory.mktemp(f"pages-{request.param}"))
    location = IndexLocation.in_home(home.root)
    with ArticleStore(home.store_path) as store:
        for n in range(60):
            store.put(_first(n))
        store.commit()
        rebuild_index(store, location, engine=request.param)
        for n in range(60, 85):
            store.put(_article(n, cluster="story-1" if n % 4 == 0 else None, day=n % 3))
        store.commit()
        sync_index(store, location)
        for n in (1, 2, 4):  # into a cluster
            store.put(_article(n, cluster="story-2", text=f"The harbour wall {n} replaced now."))
        for n in (3, 6, 9):  # out of theirs
            store.put(_article(n, text=f"The harbour quay {n} replaced later."))
        store.delete(["a000", "a012", "a021", "a064", "a070"])
        store.commit()
        sync_index(store, location)
    with Archive(home) as archive:
        yield archive


QUERIES = ["harbour", "harbour -storm", "*", "date:2014-03-02", '"the harbour"', "storm OR quay",
           "nothing-matches-this"]
SLICES = [(0, 10), (10, 10), (3, 7), (0, 1000), (20, 5), (200, 10)]


def _matches(archive, query):
    reader = archive.reader()
    return reader, reader.match(lower(parse_query(query, now=NOW)))


def _assert_generic_pages(reader, matches, sort):
    for collapse in (True, False):
        for start, count in SLICES:
            native = reader.page(matches, sort=sort, start=start, count=count, collapse=collapse)
            generic = page_of(reader, matches, sort=sort, start=start, count=count,
                              collapse=collapse)
            assert native == generic, (collapse, start, count)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("sort", SORTS)
def test_a_page_is_the_generic_page_from_every_match(pages_home, query, sort):
    _assert_generic_pages(*_matches(pages_home, query), sort)


def test_the_archive_holds_what_the_pages_are_about(pages_home):
    reader, matches = _matches(pages_home, "harbour")
    every = page_of(reader, matches, sort="relevance", start=0, count=1000, collapse=False)
    assert every.total == every.matched == 80  # 85 articles, 5 deleted
    collapsed = reader.page(matches, sort="relevance", start=0, count=1000, collapse=True)
    assert collapsed.matched == 80 and collapsed.total < 70
    scores = [score for _, score, _ in every.hits]
    assert len(set(scores)) < len(scores) / 2  # many ties, broken by document number
    assert sum(1 for _, _, similar in every.hits if similar) > 10
    assert segment_count(IndexLocation.in_home(pages_home.home.root)) > 1


@pytest.mark.parametrize("sort", SORTS)
def test_paging_goes_past_collapsed_copies_without_losing_or_repeating_a_result(pages_home, sort):
    reader, matches = _matches(pages_home, "harbour")
    whole = reader.page(matches, sort=sort, start=0, count=1000, collapse=True)
    paged = []
    for start in range(0, whole.total + 7, 7):
        paged += reader.page(matches, sort=sort, start=start, count=7, collapse=True).hits
    assert paged == whole.hits
    assert len({docnum for docnum, _, _ in paged}) == whole.total
    # Each cluster shows once, standing for the copies it hides.
    assert whole.total + sum(similar for _, _, similar in whole.hits) == whole.matched


def _listed(results):
    return [(h.article.id, h.similar) for h in results.hits]


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_a_cluster_is_shown_by_its_newest_or_oldest_member(pages_home, sort):
    # a001, a002 and a004 were replaced into story-2, dated 7, 14 and 28
    # hours into March 2014 (story-2's other articles do not say 'wall').
    results = search(pages_home, "harbour wall", sort=sort, limit=100, now=NOW)
    expected = "a004" if sort == "newest" else "a001"
    assert [(i, s) for i, s in _listed(results) if i in {"a001", "a002", "a004"}] == [(expected, 2)]
    assert results.total == results.total_articles - 2


def test_totals_count_listed_results_and_every_article(pages_home):
    collapsed = search(pages_home, "harbour", now=NOW)
    everything = search(pages_home, "harbour", all_copies=True, now=NOW)
    assert collapsed.total_articles == everything.total == everything.total_articles
    hidden = sum(h.similar for h in search(pages_home, "harbour", limit=1000, now=NOW).hits)
    assert collapsed.total == collapsed.total_articles - hidden
    # With every copy listed, each still says how many others match.
    assert any(h.similar for h in search(pages_home, "harbour", limit=1000, all_copies=True,
                                         now=NOW).hits)


def test_replaced_and_deleted_articles_are_counted_as_they_are_now(pages_home):
    ids = lambda results: {h.article.id for h in results.hits}  # noqa: E731
    found = search(pages_home, "harbour", limit=1000, all_copies=True, now=NOW)
    assert not ids(found) & {"a000", "a012", "a021", "a064", "a070"}
    quay = search(pages_home, "quay", limit=100, now=NOW)
    # a003, a006 and a009 left their clusters: none hides another
    assert _listed(quay) and all(similar == 0 for _, similar in _listed(quay))
    assert quay.total == quay.total_articles == 3


ZONES = [timezone.utc, ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata"),
         ZoneInfo("America/Sao_Paulo"), timezone(timedelta(hours=-3, minutes=-30))]


@pytest.mark.parametrize("tz", ZONES, ids=str)
@pytest.mark.parametrize("query", QUERIES)
def test_the_histogram_is_the_one_of_every_matchs_day(pages_home, query, tz):
    reader, matches = _matches(pages_home, query)
    expected = histogram(day_counts(reader, matches.ids, tz=tz)) if len(matches) else histogram({})
    assert date_histogram(reader, matches, tz=tz) == expected


# New York falls back at 06:00Z on 2 November 2014: 03:30Z is 23:30 EDT (the
# 1st), 04:30Z 00:30 EDT and 06:30Z 01:30 EST (the 2nd), 04:30Z on the 3rd
# 23:30 EST (the 2nd); Sao Paulo fell back at midnight on 16 February 2014
# (00:00 BRST -> 23:00 BRT on the 15th), so 02:30Z is 23:30 on the 15th.
MOMENTS = [datetime(2014, 11, 2, 3, 30), datetime(2014, 11, 2, 4, 30),
           datetime(2014, 11, 2, 6, 30), datetime(2014, 11, 3, 4, 30),
           datetime(2014, 11, 3, 5, 30), datetime(2014, 2, 16, 1, 30),
           datetime(2014, 2, 16, 2, 30), datetime(2014, 2, 16, 3, 30)]


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_histogram_days_follow_a_daylight_saving_change(tmp_path, engine):
    home = Home(tmp_path)
    with ArticleStore(home.store_path) as store:
        for n, moment in enumerate(MOMENTS):
            store.put(Article(id=f"d{n}", title=f"Ferry {n}", body=f"Ferry timetable {WORDS[n]}.",
                              source="Wire", date=moment.replace(tzinfo=timezone.utc)))
        store.commit()
        rebuild_index(store, IndexLocation.in_home(home.root), engine=engine)
    with Archive(home) as archive:
        reader, matches = _matches(archive, "ferry")
        november = reader.match(lower(parse_query("ferry date:2014-11", now=NOW)))
        assert date_histogram(reader, november, tz=ZoneInfo("America/New_York"))["buckets"] == [
            {"start": "2014-11-01", "count": 1}, {"start": "2014-11-02", "count": 3},
            {"start": "2014-11-03", "count": 1}]
        february = reader.match(lower(parse_query("ferry date:2014-02", now=NOW)))
        assert date_histogram(reader, february, tz=ZoneInfo("America/Sao_Paulo"))["buckets"] == [
            {"start": "2014-02-15", "count": 2}, {"start": "2014-02-16", "count": 1}]
        for tz in ZONES:
            assert date_histogram(reader, matches, tz=tz) == histogram(
                day_counts(reader, matches.ids, tz=tz))


@pytest.fixture(scope="module", params=["whoosh", "tantivy"])
def copies_home(request, tmp_path_factory):
    """An archive of copies: 40 of 43 articles in eight clusters of five (the
    tantivy engine then reads every match to collapse, not a filter of the
    shared clusters), one cluster's articles replaced, one deleted."""
    home = Home(tmp_path_factory.mktemp(f"copies-{request.param}"))
    location = IndexLocation.in_home(home.root)
    with ArticleStore(home.store_path) as store:
        for n in range(43):
            store.put(_article(n, cluster=None if n >= 40 else f"story-{n % 8}", day=n % 5))
        store.commit()
        rebuild_index(store, location, engine=request.param)
        for n in (8, 16):  # story-0 into story-1
            store.put(_article(n, cluster="story-1", text=f"The harbour pier {n} copied."))
        store.delete(["a009"])
        store.commit()
        sync_index(store, location)
    with Archive(home) as archive:
        yield archive


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("sort", SORTS)
def test_an_archive_of_copies_pages_as_the_generic_page(copies_home, query, sort):
    reader, matches = _matches(copies_home, query)
    _assert_generic_pages(reader, matches, sort)
    if query == "harbour" and sort == "relevance":
        whole = reader.page(matches, sort=sort, start=0, count=1000, collapse=True)
        assert whole.matched == 42 and whole.total == 3 + 8  # three alone, eight clusters


def _tantivy_only(*archives):
    if any(archive.reader().__class__.__name__ != "TantivyReader" for archive in archives):
        pytest.skip("the tantivy engine's own ways to a page")


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("sort", SORTS)
def test_past_what_one_aggregation_counts_a_page_is_still_the_generic_page(pages_home, copies_home,
                                                                         query, sort, monkeypatch):
    # Beyond EXACT_CLUSTERS matches the tantivy engine reads the matches of
    # shared clusters (or, on an archive of copies, every match) instead.
    from dateline.index import tantivy_engine

    _tantivy_only(pages_home, copies_home)
    monkeypatch.setattr(tantivy_engine, "EXACT_CLUSTERS", 3)
    for archive in (pages_home, copies_home):
        _assert_generic_pages(*_matches(archive, query), sort)


@pytest.mark.parametrize("sort", SORTS)
def test_tantivy_counts_clusters_without_reading_the_copies(pages_home, copies_home, sort,
                                                            monkeypatch):
    from dateline.index.tantivy_engine import TantivyReader

    _tantivy_only(pages_home, copies_home)

    def refused(*args, **kwargs):
        raise AssertionError("the matches of shared clusters read into Python")

    monkeypatch.setattr(TantivyReader, "_copies", refused)
    for archive in (pages_home, copies_home):
        reader, matches = _matches(archive, "harbour")
        page = reader.page(matches, sort=sort, start=0, count=10, collapse=True)
        assert page.total < page.matched and len(page.hits) == 10


def test_cluster_sizes_are_refused_where_the_aggregation_would_cut_them(copies_home):
    _tantivy_only(copies_home)
    reader, matches = _matches(copies_home, "harbour")
    sizes = reader._cluster_sizes(matches.query, len(matches))
    # story-0 lost two articles to story-1, which lost a009: 3 and 6, the others 5
    assert sorted(sizes.values()) == [3, 5, 5, 5, 5, 5, 5, 6]
    assert reader._cluster_sizes(matches.query, 2) is None  # a segment keeps only two keys


@pytest.mark.parametrize("sort", SORTS)
def test_a_query_of_dates_alone_pages_from_the_columns_once_they_are_read(pages_home, sort,
                                                                         monkeypatch):
    from dateline.index.tantivy_engine import TantivyReader

    _tantivy_only(pages_home)
    reader, matches = _matches(pages_home, "date:2014-03-01..2014-03-02")
    reader._all_columns()

    def refused(*args, **kwargs):
        raise AssertionError("tantivy asked for a top-k")

    monkeypatch.setattr(TantivyReader, "_window", refused)
    _assert_generic_pages(reader, matches, sort)


def test_the_aggregation_is_asked_where_it_should_cost_less_than_the_filter(pages_home, copies_home):
    # Few shared clusters: the filter of their terms is cheap, the
    # aggregation's cost grows with the keys among the matches. An archive
    # of copies would read every match otherwise: the aggregation always.
    _tantivy_only(pages_home, copies_home)
    few, copies = pages_home.reader(), copies_home.reader()
    few._shared_clusters(), copies._shared_clusters()
    assert few._counting_pays(100) and not few._counting_pays(10_000_000)
    assert copies._counting_pays(10_000_000)
