"""What a query finds, on articles built to tell right from wrong."""

import json

import pytest

from dateline.search.engine import SearchError, search
from tests.helpers import NOW


def test_phrase_matches_words_adjacent_and_in_order(ids):
    assert ids('"bank of england"') == {"boe-holds", "undated-essay"}


def test_phrase_does_not_match_reordered_words(ids):
    assert ids('"england of bank"') == set()
    assert "england-bank-central" not in ids('"central bank"')


def test_phrase_keeps_stop_words(ids):
    assert ids('"bank in england"') == {"bank-in-england"}


def test_phrase_is_not_stemmed_but_words_are(ids):
    assert ids('"central banks"') == {"undated-essay"}
    assert ids("price") == {"boe-holds", "oil-prices", "undated-essay", "new-year"}


def test_phrase_is_case_and_accent_insensitive(ids):
    assert ids('"sao paulo"') == ids('"SÃO PAULO"') == {"sao-paulo"}


def test_phrase_with_slop_allows_words_between(ids):
    assert ids('"bank england"~1') >= {"boe-holds", "bank-in-england"}
    assert ids('"bank england"') == set()


def test_a_phrase_placing_its_words_too_many_ways_is_refused_with_a_reason(archive):
    with pytest.raises(SearchError) as caught:
        search(archive, '"one two three four five"~6', now=NOW)
    assert str(caught.value) == ("'\"one two three four five\"~6' places its 5 words in more "
                                 "than 1,024 ways: use fewer words or a smaller ~N")
    assert search(archive, '"one two three four five"~4', now=NOW).total == 0  # 5**4 = 625 ways


def test_all_words_are_required(ids):
    assert ids("oil supply") == {"oil-prices"}


def test_person_field_matches_any_word_of_the_name(ids):
    assert ids("person:lavrov") == {"lavrov-un", "lavrov-kerry"}
    assert ids("people:Lavrov") == {"lavrov-un", "lavrov-kerry"}


def test_quoted_person_matches_the_whole_name(ids):
    assert ids('person:"sergey lavrov"') == {"lavrov-un", "lavrov-kerry"}
    assert ids('person:"lavrov sergey"') == set()


def test_author_field_searches_the_byline_not_the_people_named(ids):
    marsh_named = ids("person:marsh")
    assert ids("author:marsh") == ids("by:Marsh") == ids('author:"helen marsh"') == {"boe-holds"}
    assert marsh_named and "boe-holds" not in marsh_named
    assert ids('author:"marsh helen"') == set() and ids("author:mar*") == {"boe-holds"}


def test_place_field_finds_only_tagged_articles(ids):
    # "Syria" is in the text of lavrov-kerry but only tagged on two articles.
    assert ids("place:syria") == {"lavrov-un", "oilfield-fire"}
    assert ids('place:"united kingdom"') == {"boe-holds", "bank-in-england", "england-bank-central"}


def test_accented_name_matches_without_accents(ids):
    assert ids("person:ramirez") == {"sao-paulo"}


def test_source_and_tag_fields(ids):
    assert ids('source:"east africa ledger"') == {"kenya-flood", "kenya-drought"}
    assert ids("tag:energy") == {"oil-prices", "oilfield-fire"}


def test_title_field_searches_only_titles(ids):
    assert ids("title:lavrov") == {"lavrov-un", "lavrov-kerry"}
    assert ids("title:syria") == set()  # "Syrian" is not a form of "syria" once stemmed


def test_field_applies_to_a_parenthesized_group(ids):
    assert ids("place:(kenya OR brazil)") == {"kenya-flood", "kenya-drought", "sao-paulo"}


def test_month_covers_the_whole_month_in_utc(ids):
    # lavrov-un is at 00:00 on Oct 1; oilfield-fire is Oct 31 22:00 at UTC-5,
    # which is November 1 in UTC.
    assert ids("date:2014-10") == {"lavrov-un", "oil-prices", "lavrov-kerry"}
    assert "oilfield-fire" in ids("date:2014-11")


def test_date_range_includes_both_end_days(ids):
    assert ids("date:2014-09-30..2014-10-14") == {"bank-in-england", "lavrov-un", "lavrov-kerry"}


def test_year_and_day(ids):
    assert ids("date:2015") == {"new-year"}
    assert ids("date:2014-12-31") == {"kenya-drought"}


def test_undated_articles_never_match_a_date_filter(ids):
    assert "undated-essay" not in ids("* date:<2100")
    assert "undated-essay" in ids("*")


def test_open_ended_ranges(ids):
    assert ids("date:>=2014-12-31") == {"kenya-drought", "new-year"}
    assert ids("date:<2014-09-30") == {"boe-holds"}
    assert ids("date:2014-12..") == {"kenya-flood", "kenya-drought", "new-year"}


def test_boolean_combination(ids):
    assert ids("(drought OR flood) AND place:kenya -herders") == {"kenya-flood"}
    assert ids("lavrov NOT paris") == {"lavrov-un"}


def test_since_and_until_options_are_inclusive_days(ids):
    assert ids("*", since="2014-12-31", until="2015-01-01") == {"kenya-drought", "new-year"}


def test_filter_options_add_to_the_query(ids):
    assert ids("*", person="Sergey Lavrov", place="france") == {"lavrov-kerry"}


def test_prefix_matches_word_starts(ids):
    assert ids("oil*") == {"oil-prices", "oilfield-fire", "new-year"}


def test_sort_newest_and_oldest(archive):
    newest = search(archive, "tag:climate", sort="newest", now=NOW)
    assert [h.article.id for h in newest.hits] == ["kenya-drought", "kenya-flood", "sao-paulo"]
    oldest = search(archive, "tag:climate", sort="oldest", now=NOW)
    assert [h.article.id for h in oldest.hits] == ["sao-paulo", "kenya-flood", "kenya-drought"]


def test_title_match_ranks_above_body_match(archive):
    results = search(archive, "lavrov", now=NOW)
    assert {h.article.id for h in results.hits[:2]} == {"lavrov-un", "lavrov-kerry"}
    assert all("Lavrov" in h.article.title for h in results.hits[:2])


def test_paging_has_no_overlap_or_gap(archive):
    every = search(archive, "*", limit=1000, now=NOW)
    pages = [search(archive, "*", limit=5, page=p, now=NOW) for p in (1, 2, 3)]
    seen = [h.article.id for page in pages for h in page.hits]
    assert sorted(seen) == sorted(h.article.id for h in every.hits)
    assert all(p.total == every.total == 12 for p in pages)


def test_snippet_marks_every_matched_word_and_phrase(archive):
    hit = search(archive, '"bank of england" rate', now=NOW).hits[0]
    assert hit.article.id == "boe-holds"
    marked = [hit.snippet.text[a:b] for a, b in hit.snippet.marks]
    assert marked == ["Bank of England", "rate"]
    assert "<mark>rate</mark>" in hit.snippet.marked()


def test_json_document_follows_the_contract(archive):
    doc = json.loads(json.dumps(search(archive, "person:lavrov", facets=True, now=NOW).to_json()))
    assert doc["total"] == 2
    assert set(doc["hits"][0]) >= {"id", "title", "date", "url", "source", "people", "places",
                                   "tags", "score", "snippet"}
    assert {"Sergey Lavrov"} <= set(doc["hits"][0]["people"])
    assert doc["facets"]["people"][0] == {"value": "Sergey Lavrov", "count": 2}


def test_facets_count_all_hits_not_just_the_page(archive):
    results = search(archive, "place:kenya OR place:brazil", limit=1, facets=True, now=NOW)
    assert len(results.hits) == 1
    assert {"value": "Kenya", "count": 2} in results.facets["places"]
    assert sum(b["count"] for b in results.facets["dates"]["buckets"]) == 3


@pytest.mark.parametrize("option", [{"limit": 0}, {"page": 0}, {"sort": "random"}])
def test_bad_options_are_refused(archive, option):
    with pytest.raises(SearchError):
        search(archive, "*", now=NOW, **option)


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_undated_articles_come_last_in_either_date_order(archive, sort):
    hits = search(archive, '"bank of england" OR price', sort=sort, limit=50, now=NOW).hits
    dated = [h.article.date for h in hits if h.article.date]
    assert hits[-1].article.id == "undated-essay"
    assert dated == sorted(dated, reverse=sort == "newest") and len(dated) == len(hits) - 1


def test_sorting_by_date_keeps_the_exact_total(archive):
    assert search(archive, "*", sort="newest", limit=3, now=NOW).total == 12


@pytest.fixture(scope="module")
def small(tmp_path_factory, engine):
    """ids(query) over a few articles written for one behaviour each."""
    from dateline.search.archive import Archive
    from tests.helpers import build_home

    root = tmp_path_factory.mktemp("small")
    records = [
        {"id": "sub", "url": "https://news.other.org/a", "title": "Port fees", "body": "Fees rose at the port."},
        {"id": "apex", "url": "https://www.other.org/b", "title": "Port fees two", "body": "Fees fell at the port."},
        {"id": "near", "url": "https://notother.org/c", "title": "Port fees three", "body": "Fees held at the port."},
        {"id": "curly", "title": "Kenya’s central bank", "body": "Kenya’s central bank held rates."},
        {"id": "straight", "title": "Kenya's central bank", "body": "Kenya's central bank cut rates."},
    ]
    feed = root / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    home = build_home(root / "home", feed, engine=engine)
    with Archive(home) as archive:
        # Every matching article, near-duplicates too (these short texts differ in a word).
        yield lambda q: {h.article.id for h in search(archive, q, limit=100, all_copies=True, now=NOW).hits}


def test_site_takes_the_domain_and_its_subdomains(small):
    assert small("site:other.org") == {"sub", "apex"}
    assert small("site:news.other.org") == {"sub"}
    assert small("site:www.other.org") == {"sub", "apex"}  # www. is the domain itself


def test_typographic_and_straight_apostrophes_are_one_word(small):
    assert small('"kenya\'s central bank"') == {"curly", "straight"}
    assert small('"kenya’s central bank"') == {"curly", "straight"}
    assert small("kenya") == {"curly", "straight"}


def test_a_prefix_of_too_many_words_is_refused_with_a_reason(tmp_path, monkeypatch):
    from dateline.index import engine

    monkeypatch.setattr(engine, "MAX_PREFIX_WORDS", 3)
    from dateline.search.archive import Archive
    from tests.helpers import FIXTURES, build_home

    with Archive(build_home(tmp_path / "home", FIXTURES / "articles.jsonl")) as archive:
        with pytest.raises(SearchError) as caught:
            search(archive, "b*", now=NOW)
        assert str(caught.value) == "'b*' matches more than 3 different words: make the prefix longer"
        assert search(archive, "banks*", now=NOW).total >= 1
