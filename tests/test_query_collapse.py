"""Near-duplicate wire copies collapse into the first hit of their cluster."""

import json
from datetime import datetime, timezone

import pytest

from dateline.corpus import ArticleStore, Home
from dateline.corpus.article import Article
from dateline.corpus.clusters import Clusters
from dateline.index import IndexLocation, rebuild_index
from dateline.search.archive import Archive
from dateline.search.engine import search
from tests.helpers import dateline, NOW


def article(id, day, text):
    return Article(id=id, title=text.split(".")[0], body=text, source="Wire",
                   date=datetime(2014, 3, day, 12, tzinfo=timezone.utc))


# Near-identical texts of one story share a cluster (corpus/clusters.py).
QUAKE = ("Earthquake shakes the coast. Buildings swayed for a minute in the port city and "
         "thousands of residents ran into the streets, where they waited for hours as "
         "engineers checked bridges, schools and the old harbour wall for cracks.")
BUDGET = ("Budget vote delayed. The finance committee adjourned without a vote after members "
          "asked for more time to read the amended spending plan, which adds new money for "
          "roads, hospitals and the coastal defence programme over three years.")

ARTICLES = [
    article("quake-1", 3, QUAKE),
    article("quake-2", 4, QUAKE + " Police said no one was hurt."),
    article("quake-3", 5, QUAKE.replace("thousands", "hundreds") + " Schools stay shut."),
    article("aftershock", 6, "Aftershock follows the earthquake. No damage was reported."),
    article("budget-1", 7, BUDGET + " The earthquake response costs more."),
    article("budget-2", 8, BUDGET + " Ministers will meet again."),
    article("harvest", 9, "Harvest is early this year. Farmers are pleased."),
]


@pytest.fixture(scope="module")
def wire(tmp_path_factory):
    home = Home(tmp_path_factory.mktemp("wire"))
    with ArticleStore(home.store_path) as store:
        clusters = Clusters(store)
        for a in ARTICLES:
            store.put(a)
            clusters.assign(a)
        store.commit()
        rebuild_index(store, IndexLocation.in_home(home.root))
        clusters = {a.id: a.cluster for a in store}
    assert clusters["quake-2"] == clusters["quake-3"] == clusters["quake-1"]
    assert clusters["budget-1"] == clusters["budget-2"] != clusters["quake-1"]
    assert len(set(clusters.values())) == 4  # quake, aftershock, budget, harvest
    with Archive(home) as archive:
        yield archive


def listed(results):
    return [(h.article.id, h.similar) for h in results.hits]


def test_copies_collapse_into_the_first_hit_with_a_count(wire):
    results = search(wire, "earthquake", sort="oldest", now=NOW)
    assert listed(results) == [("quake-1", 2), ("aftershock", 0), ("budget-1", 0)]


def test_total_counts_results_as_listed_and_articles_separately(wire):
    results = search(wire, "earthquake", now=NOW)
    assert (results.total, results.total_articles) == (3, 5)
    doc = results.to_json()
    assert (doc["total"], doc["total_articles"], doc["collapsed"]) == (3, 5, True)
    assert sorted(h["similar"] for h in doc["hits"]) == [0, 0, 2]


def test_the_cluster_is_shown_by_its_first_member_in_the_sort_order(wire):
    newest = search(wire, "earthquake", sort="newest", now=NOW)
    assert listed(newest) == [("budget-1", 0), ("aftershock", 0), ("quake-3", 2)]


def test_a_cluster_with_one_matching_member_hides_nothing(wire):
    results = search(wire, "budget earthquake", now=NOW)
    assert listed(results) == [("budget-1", 0)]
    assert listed(search(wire, "budget", sort="oldest", now=NOW)) == [("budget-1", 1)]


def test_all_copies_lists_every_article_with_its_count(wire):
    results = search(wire, "earthquake", sort="oldest", all_copies=True, now=NOW)
    assert listed(results) == [("quake-1", 2), ("quake-2", 2), ("quake-3", 2),
                               ("aftershock", 0), ("budget-1", 0)]
    assert (results.total, results.total_articles, results.collapsed) == (5, 5, False)


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_collapsed_pages_have_no_overlap_or_gap(wire, sort):
    every = search(wire, "*", sort=sort, limit=100, now=NOW)
    pages = [search(wire, "*", sort=sort, limit=2, page=p, now=NOW) for p in (1, 2, 3)]
    seen = [h.article.id for page in pages for h in page.hits]
    assert seen == [h.article.id for h in every.hits]
    assert len(seen) == every.total == 4  # quake, aftershock, budget, harvest
    assert all(p.total == 4 and p.total_articles == 7 and p.pages == 2 for p in pages)


def test_cli_says_how_many_copies_are_folded(wire):
    home = str(wire.home.root)
    collapsed = dateline(home, "search", "earthquake", "--sort", "oldest")
    assert collapsed.exit_code == 0, collapsed.output
    lines = collapsed.stdout.splitlines()
    assert lines[0].startswith("3 results for earthquake")
    assert lines[1] == ("2 near-duplicate copies folded into their first hit "
                        "(5 articles match; --all-copies lists them)")
    assert "   and 2 similar" in lines
    every = dateline(home, "search", "earthquake", "--all-copies", "--json")
    doc = json.loads(every.stdout)
    assert doc["total"] == 5 and doc["collapsed"] is False


def test_copies_indexed_by_a_later_update_still_collapse(tmp_path):
    from dateline.index import sync_index
    home = Home(tmp_path)
    with ArticleStore(home.store_path) as store:
        clusters = Clusters(store)
        store.put(ARTICLES[0])
        clusters.assign(ARTICLES[0])
        store.commit()
        rebuild_index(store, IndexLocation.in_home(home.root))
        store.put(ARTICLES[1])  # the copy arrives later, into a new segment
        clusters.assign(ARTICLES[1])
        store.commit()
        sync_index(store, IndexLocation.in_home(home.root))
    with Archive(home) as archive:
        assert listed(search(archive, "earthquake", sort="oldest", now=NOW)) == [("quake-1", 1)]


def test_remove_by_query_takes_every_copy_not_only_the_listed_ones(tmp_path):
    home = Home(tmp_path / "home")
    with ArticleStore(home.store_path) as store:
        clusters = Clusters(store)
        for a in ARTICLES:
            store.put(a)
            clusters.assign(a)
        store.commit()
        rebuild_index(store, IndexLocation.in_home(home.root))
    done = dateline(str(home.root), "remove", "--query", "earthquake", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["matched"] == 5  # the search lists 3 of them
    with ArticleStore(home.store_path, readonly=True) as store:
        assert sorted(a.id for a in store) == ["budget-2", "harvest"]
