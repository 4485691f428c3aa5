"""Facets are counted over every hit (not the page); the histogram bucket follows the span."""

import json
from collections import Counter
from datetime import date

import pytest

from dateline.search.engine import search
from dateline.search.facets import histogram
from tests.helpers import dateline, NOW


def expected_counts(archive, query):
    """What the facets must say, counted by hand from every hit's own fields."""
    hits = search(archive, query, limit=1000, all_copies=True, now=NOW).hits
    people = Counter(p for h in hits for p in h.article.people)
    places = Counter(p for h in hits for p in h.article.places)
    sources = Counter(h.article.source for h in hits if h.article.source)
    tags = Counter(t for h in hits for t in h.article.tags)
    return {"people": people, "places": places, "sources": sources, "tags": tags}, hits


@pytest.mark.parametrize("query", ["*", "place:kenya OR place:brazil", "bank", "date:2014-10"])
def test_facets_match_a_count_over_all_hits(archive, query):
    expected, hits = expected_counts(archive, query)
    facets = search(archive, query, limit=1, facets=True, now=NOW).facets
    for name, counts in expected.items():
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
        assert [(f["value"], f["count"]) for f in facets[name]] == top
    dated = [h for h in hits if h.article.date]
    assert sum(b["count"] for b in facets["dates"]["buckets"]) == len(dated)


def test_facet_values_are_ordered_by_count_then_name(archive):
    places = search(archive, "*", facets=True, now=NOW).facets["places"]
    keys = [(-p["count"], p["value"]) for p in places]
    assert keys == sorted(keys) and places[0] == {"value": "United Kingdom", "count": 3}


def days(*pairs):
    return {d: n for d, n in pairs}


@pytest.mark.parametrize("counts,bucket,starts", [
    (days(("2014-10-01", 1), ("2014-10-20", 2)), "day", ["2014-10-01", "2014-10-20"]),
    # 99 days: weeks starting on Monday
    (days(("2014-09-24", 1), ("2014-09-28", 1), ("2015-01-01", 1)), "week",
     ["2014-09-22", "2014-12-29"]),
    (days(("2014-01-31", 1), ("2014-02-01", 1), ("2015-06-01", 1)), "month",
     ["2014-01-01", "2014-02-01", "2015-06-01"]),
    (days(("1987-03-01", 1), ("1996-07-04", 1)), "year", ["1987-01-01", "1996-01-01"]),
])
def test_histogram_bucket_follows_the_span(counts, bucket, starts):
    result = histogram(counts)
    assert result["bucket"] == bucket
    assert [b["start"] for b in result["buckets"]] == starts
    assert sum(b["count"] for b in result["buckets"]) == sum(counts.values())


def test_histogram_of_nothing_is_empty():
    assert histogram({}) == {"bucket": None, "buckets": []}


def test_histogram_over_the_fixture_uses_weeks(archive):
    dates = search(archive, "*", facets=True, now=NOW).facets["dates"]
    assert dates["bucket"] == "week"
    assert all(date.fromisoformat(b["start"]).weekday() == 0 for b in dates["buckets"])


def test_facets_are_always_in_json_and_shown_with_the_flag(fixture_home):
    doc = dateline(str(fixture_home.root), "search", "tag:climate", "--json")
    assert "facets" in json.loads(doc.stdout)
    text = dateline(str(fixture_home.root), "search", "tag:climate", "--facets")
    assert "places: Kenya (2), Brazil (1)" in text.stdout
    assert "dates by day:" not in text.stdout and "dates by" in text.stdout


def test_a_value_spelled_in_different_cases_is_one_facet_counting_each_article_once(tmp_path):
    from dateline.index.schema import fold
    from dateline.search.archive import Archive
    from tests.helpers import build_home

    rows = [{"id": "a", "title": "Budget vote", "body": "Lawmakers voted.", "tags": ["Politics"]},
            {"id": "b", "title": "Budget row", "body": "Lawmakers argued.", "tags": ["politics"]},
            {"id": "c", "title": "Budget deal", "body": "Lawmakers agreed.",
             "tags": ["politics", "POLITICS", "Économie"]},
            {"id": "d", "title": "Budget plan", "body": "Lawmakers planned.", "tags": ["economie"]}]
    crawl = tmp_path / "tags.jsonl"
    crawl.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    with Archive(build_home(tmp_path / "home", crawl)) as archive:
        tags = search(archive, "budget", facets=True, now=NOW).facets["tags"]
        assert [(fold(t["value"]), t["count"]) for t in tags] == [("politics", 3),
                                                                  ("economie", 2)]
        assert tags[0]["value"] in ("politics", "Politics")  # a spelling the articles use
        # The facet is one filter too: it finds every spelling.
        assert search(archive, f'tag:"{tags[1]["value"]}"', now=NOW).total == 2


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_the_few_values_asked_for_first_give_the_same_facets_as_every_value(tmp_path, monkeypatch,
                                                                            engine):
    """The tantivy engine asks a facet for its most frequent values first
    (FACET_SOME beyond those shown; here 0 or 3) and for every value
    only when those cannot settle the top: the same facets, ties and
    spellings (one tag in two cases) included, as counting every value."""
    import dateline.index.tantivy_engine as tantivy_engine
    from dateline.search.archive import Archive
    from tests.helpers import build_home

    people = [f"Person {n:02d}" for n in range(12)]
    rows = [{"id": f"r{n}", "title": f"Report {n}", "body": f"Trade figures {'oil' * (n % 3 == 0)}",
             "people": people[: 1 + n % 12][-3:], "tags": ["Oil" if n % 5 else "oil", f"t{n % 4}"],
             "date": f"2014-{1 + n % 12:02d}-01"} for n in range(40)]
    crawl = tmp_path / "rows.jsonl"
    crawl.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    with Archive(build_home(tmp_path / "home", crawl, engine=engine)) as archive:
        for query in ("*", "oil", "trade -oil", "date:2014-03..2014-08"):
            every = {size: search(archive, query, facets=True, facet_size=size, now=NOW).facets
                     for size in (1, 2, 3, 5, 12)}
            # FACET_SOME 3: the people's top is often settled, the tags' never
            # (two spellings); FACET_SEGMENT 2: segments keep 2 values, so
            # counts may fall short and the top's are counted again.
            for some, kept in ((0, 65_000), (3, 65_000), (3, 2), (6, 4)):
                monkeypatch.setattr(tantivy_engine, "FACET_SOME", some)
                monkeypatch.setattr(tantivy_engine, "FACET_SEGMENT", kept)
                for size, facets in every.items():
                    few = search(archive, query, facets=True, facet_size=size, now=NOW).facets
                    assert few == facets, (query, size, some, kept)
            monkeypatch.undo()
            expected, _ = expected_counts(archive, query)
            top = sorted(expected["people"].items(), key=lambda kv: (-kv[1], kv[0]))[:5]
            assert [(f["value"], f["count"]) for f in every[5]["people"]] == top


def test_counts_a_segment_cut_short_are_counted_again_exactly(tmp_path, monkeypatch):
    """When segments keep only their most frequent values (at a million
    articles, more than 65,000 people among `said`'s matches in a segment),
    the counts returned may be short: the values that can reach the top are
    counted again over the matches holding them, so the facet is exact."""
    import dateline.index.tantivy_engine as tantivy_engine
    from dateline.search.archive import Archive
    from tests.helpers import build_home

    rows = [{"id": f"r{n}", "title": f"Report {n}", "body": f"Trade figures {'oil' * (n % 3 == 0)}",
             "people": ["Ann Able", *(["Bob Baker"] if n % 2 else []),
                        *(["Cy Cole"] if n % 5 == 0 else []), f"Walker {n:02d}"]}
            for n in range(60)]
    crawl = tmp_path / "rows.jsonl"
    crawl.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    recounted = []
    settled = tantivy_engine.TantivyReader._settled

    def spy(self, query, field, found, top):
        answer = settled(self, query, field, found, top)
        recounted.append(bool(found.get("doc_count_error_upper_bound")) and answer is not None)
        return answer

    with Archive(build_home(tmp_path / "home", crawl, engine="tantivy")) as archive:
        queries = [(q, n) for q in ("*", "oil", "trade -oil") for n in (1, 2, 3)]
        every = {k: search(archive, k[0], facets=True, facet_size=k[1], now=NOW).facets["people"]
                 for k in queries}
        monkeypatch.setattr(tantivy_engine, "FACET_SOME", 3)
        monkeypatch.setattr(tantivy_engine, "FACET_SEGMENT", 4)
        monkeypatch.setattr(tantivy_engine.TantivyReader, "_settled", spy)
        for (query, size), people in every.items():
            assert search(archive, query, facets=True, facet_size=size, now=NOW).facets["people"] == people
    assert any(recounted)
    assert every[("*", 2)] == [{"value": "Ann Able", "count": 60}, {"value": "Bob Baker", "count": 30}]
