"""The tantivy engine answers a result page, the name facets and the date
histogram from tantivy itself (top-k, aggregations), or, once every match
was read into Python (a search showing top words reads them), from those
matches in numpy (`pages.page_of`, the facet table, the date column): both
ways give the same answers, over segments with deleted articles and
replaced ones."""

from __future__ import annotations

import json
import random

import pytest

from dateline.corpus import Home
from tests.helpers import NOW, dateline, new_home

pytest.importorskip("tantivy")

PEOPLE = ["Paul Volcker", "James Baker", "Margaret Thatcher", "Helmut Kohl", "Yasuhiro Nakasone"]
PLACES = ["usa", "japan", "uk", "west-germany", "france", "kenya"]
TAGS = ["crude", "Crude", "grain", "money-fx", "interest", "Politics", "politics"]
WORDS = "oil price bank rate trade yen dollar wheat grain talks strike port market".split()


def _articles(path, start: int, count: int, *, version: str = "", seed: int = 5):
    """Articles with people, places, tags (two spellings of some), dates
    over a year (some undated) and pairs of near-identical copies."""
    rng = random.Random(seed + start)
    lines = []
    for n in range(start, start + count):
        body = " ".join(rng.choices(WORDS, k=40))
        if n % 7 == 1:  # a copy of the article before it: a near-duplicate cluster
            body = previous
        previous = body
        record = {"id": f"t-{n}", "title": f"Dispatch {n} {version}".strip(),
                  "body": f"{body} {version}".strip(), "url": f"https://example.org/t/{n}",
                  "source": rng.choice(["Wire", "wire", "Courier"]),
                  "people": rng.sample(PEOPLE, rng.randint(0, 2)),
                  "places": rng.sample(PLACES, rng.randint(0, 3)),
                  "tags": rng.sample(TAGS, rng.randint(0, 2))}
        if n % 11:
            record["date"] = f"2014-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00Z"
        lines.append(json.dumps(record))
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("read")
    root = new_home(tmp / "home", _articles(tmp / "a.jsonl", 0, 300), "tantivy")
    assert dateline(root, "remove", "--query", "strike AND port AND yen").exit_code == 0
    changed = _articles(tmp / "b.jsonl", 250, 80, version="v2", seed=9)
    assert dateline(root, "update", str(changed)).exit_code in (0, 3)
    return Home(root)


QUERIES = ["oil", "bank OR yen", "* -wheat", "place:japan", "tag:crude", "v2", "date:2014-03",
           '"oil price"', "talks person:volcker"]


def _both(reader, query: str):
    """The query's matches twice: as tantivy found them, and read into Python."""
    from dateline.search.engine import build_tree, find_matches
    from dateline.search.options import Filters

    tree = build_tree(query, Filters(), now=NOW)
    fresh, read = find_matches(reader, tree), find_matches(reader, tree)
    read.ids  # noqa: B018 - what top words do
    assert not fresh.read and read.read
    return fresh, read


@pytest.mark.parametrize("query", QUERIES)
def test_read_matches_give_the_same_facets_histogram_and_pages(home, query):
    from dateline.search.archive import Archive
    from dateline.search.facets import FACET_FIELDS

    with Archive(home) as archive:
        reader = archive.reader()
        assert archive.engine == "tantivy"
        fresh, read = _both(reader, query)
        assert len(read) == len(fresh) > 0, query
        fields = list(FACET_FIELDS.values())
        assert reader.facet_counts(read, fields) == reader.facet_counts(fresh, fields), query
        span = reader.date_span(fresh)
        assert reader.date_span(read) == span
        if span is not None:
            # Midnights, as the histogram asks (tantivy's range aggregation
            # computes in floats: exact for those, not for any microsecond).
            day = 86_400_000_000
            edges = list(range(span[0] // day * day, span[1] + 2 * day, 9 * day))
            assert reader.count_dates(read, edges) == reader.count_dates(fresh, edges), query
        for sort in ("relevance", "newest", "oldest"):
            for collapse in (True, False):
                for start in (0, 10):
                    # a new fresh match each time: a page may read nothing into Python
                    fresh, read = _both(reader, query)
                    want = reader.page(fresh, sort=sort, start=start, count=10, collapse=collapse)
                    # (A query of dates alone, once the reader holds the date
                    # column, is paged from that column in numpy: ids read there.)
                    assert not fresh.read or reader._dates_in_columns(fresh._op)
                    got = reader.page(read, sort=sort, start=start, count=10, collapse=collapse)
                    assert got == want, (query, sort, collapse, start)
                    # Scores read too (`pages.page_of` from every match):
                    read.scores  # noqa: B018
                    assert read.scored and not fresh.scored
                    got = reader.page(read, sort=sort, start=start, count=10, collapse=collapse)
                    assert got == want, (query, sort, collapse, start)


def test_top_words_read_the_matches_numbers_not_their_scores(home):
    """Top words and the facets after them read only document numbers (a
    search at a constant score): the same numbers as the scored read, and
    the sample every k-th of them as from any engine's matches."""
    from dateline.index.engine import Reader
    from dateline.index.matches import Matches
    from dateline.search.archive import Archive

    with Archive(home) as archive:
        reader = archive.reader()
        for query in QUERIES:
            numbers, scored = _both(reader, query)
            assert not numbers.scored
            scored.scores  # noqa: B018
            assert numbers.ids.tolist() == scored.ids.tolist(), query
            count = max(1, len(numbers) // 3)  # up to SAMPLED_FROM times: every k-th
            sample = reader.sample_matches(numbers, count)
            assert not numbers.scored
            expected = Reader.sample_matches(reader, Matches(scored.ids, scored.scores), count)
            assert sample.ids.tolist() == expected.ids.tolist(), query


def test_the_copies_are_there_to_fold(home):
    """The fixture holds near-duplicates among the matches (collapsing is tested)."""
    from dateline.search.archive import Archive

    with Archive(home) as archive:
        reader = archive.reader()
        fresh, read = _both(reader, "oil")
        page = reader.page(read, sort="relevance", start=0, count=1000, collapse=True)
        assert page.matched > page.total
        assert any(similar for _, _, similar in page.hits)


def test_without_a_facet_table_the_aggregations_count(home, monkeypatch):
    """Where the facet fields hold too many values for a table (a million
    articles' people), read matches are counted by tantivy's aggregations."""
    from dateline.index import tantivy_word_table
    from dateline.search.archive import Archive
    from dateline.search.facets import FACET_FIELDS

    fields = list(FACET_FIELDS.values())
    with Archive(home) as archive:
        reader = archive.reader()
        fresh, read = _both(reader, "oil")
        with_table = reader.facet_counts(read, fields)
    monkeypatch.setattr(tantivy_word_table, "FACET_TABLE_VALUES", 3)
    with Archive(home) as archive:
        reader = archive.reader()
        fresh, read = _both(reader, "oil")
        assert reader.facet_counts(read, fields) == with_table == reader.facet_counts(fresh, fields)
        assert reader._facet_table.get(None, None, None, None) is None  # built once: none
