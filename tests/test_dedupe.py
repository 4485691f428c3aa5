"""Near-duplicate clusters, kept beside the store (`corpus.clusters`):
republished copies share a cluster, other stories do not, the cost per article
is bounded, and existing homes are clustered again without their crawl."""

import json
from datetime import datetime, timedelta, timezone

from dateline.corpus import ArticleStore, Home, ingest
from dateline.corpus.article import Article
from dateline.corpus.clusters import CANDIDATES, Clusters
from dateline.corpus.sample import sample_path
from tests.helpers import dateline

LATER = datetime(2026, 1, 1, tzinfo=timezone.utc)
DAY = datetime(2025, 6, 2, 8, 0, tzinfo=timezone.utc)

FORECAST = ("The Bank of England said it forecast a shortage of around {n} mln stg in the money "
            "market today. Among the main factors, bills maturing in official hands and the treasury "
            "bill take-up will drain some {d} mln stg, while a rise in the note circulation will take "
            "out around {c} mln stg. Exchequer transactions will add some {e} mln stg, the bank said.")


def record(id_, title, body, date):
    return {"id": id_, "title": title, "body": body, "date": date.isoformat(), "source": "Wire"}


def forecasts():
    """Three days' forecasts of one template, and a re-headlined copy of the first."""
    rows = [record(f"mm-{k}", f"U.K. MONEY MARKET DEFICIT FORECAST AT {n} MLN STG",
                   FORECAST.format(n=n, d=d, c=c, e=e), DAY + timedelta(days=k))
            for k, (n, d, c, e) in enumerate([(800, 1180, 355, 55), (350, 505, 194, 110),
                                              (450, 690, 230, 75)])]
    copy = dict(rows[0], id="mm-0-copy", title="BANK OF ENGLAND SEES 800 MLN STG SHORTAGE",
                date=(DAY + timedelta(hours=2)).isoformat())
    return rows + [copy]


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def clusters_of(store):
    return {a.id: a.cluster for a in store}


def test_a_wire_story_republished_by_another_site_joins_its_cluster(tmp_path):
    store = ArticleStore(tmp_path / "a.sqlite")
    ingest([sample_path()], store, tmp_path / "rejects.jsonl", now=LATER)
    clusters = clusters_of(store)
    assert clusters["wire-008"] == clusters["wire-007"] == "wire-007"
    grouped = [i for i, c in clusters.items() if c != i]
    assert grouped == ["wire-008"]  # every other article is alone in its cluster


def test_template_stories_get_a_cluster_each_and_a_copy_joins_its_story(tmp_path):
    store = ArticleStore(tmp_path / "a.sqlite")
    ingest([write_jsonl(tmp_path / "mm.jsonl", forecasts())], store, tmp_path / "r.jsonl", now=LATER)
    assert clusters_of(store) == {"mm-0": "mm-0", "mm-1": "mm-1", "mm-2": "mm-2", "mm-0-copy": "mm-0"}


def test_a_deleted_article_leaves_its_cluster(tmp_path):
    store = ArticleStore(tmp_path / "a.sqlite")
    ingest([sample_path()], store, tmp_path / "r.jsonl", now=LATER)
    clusters = Clusters(store)
    clusters.forget(["wire-007"])
    store.delete(["wire-007"])
    copy = store.get("wire-008")
    assert clusters.assign(copy) == "wire-008"
    store.commit()
    assert store.get("wire-008").cluster == "wire-008"


def test_many_near_identical_records_cost_a_bounded_number_of_comparisons_each(tmp_path):
    """A listing page crawled 400 times with one word changed: each new copy is
    compared with at most CANDIDATES stored ones, not with every member."""
    store = ArticleStore(tmp_path / "a.sqlite")
    clusters = Clusters(store)
    body = FORECAST.format(n=800, d=1180, c=355, e=55)
    read_before = []
    for k in range(400):
        word = "".join(chr(ord("a") + int(d)) for d in str(k))  # a word, not a figure
        article = Article.from_dict(record(f"page-{k}", "Money market listing",
                                           body.replace("today", f"w{word}"), DAY))
        assert store.put(article).status == "stored"
        before = clusters.comparisons
        clusters.assign(article)
        read_before.append(clusters.comparisons - before)
    store.commit()
    assert max(read_before) <= CANDIDATES
    assert clusters.comparisons <= CANDIDATES * 400  # linear, where comparing with all is 79,800
    assert set(clusters_of(store).values()) == {"page-0"}  # and they are still one story


def test_clusters_do_not_depend_on_how_the_input_is_split_into_files(tmp_path):
    rows = forecasts()
    whole = ArticleStore(tmp_path / "whole.sqlite")
    ingest([write_jsonl(tmp_path / "all.jsonl", rows)], whole, tmp_path / "r1.jsonl", now=LATER)
    folder = tmp_path / "parts"
    folder.mkdir()
    for k, row in enumerate(rows):
        write_jsonl(folder / f"part-{k}.jsonl", [row])
    split = ArticleStore(tmp_path / "split.sqlite")
    ingest([folder], split, tmp_path / "r2.jsonl", now=LATER)
    assert clusters_of(whole) == clusters_of(split)


def _cluster_as_the_old_rule_did(store, ids, cluster):
    """A store as an older Dateline left it: template stories in one cluster."""
    for article_id in ids:
        store.set_cluster(article_id, cluster)
    store.connection.execute("UPDATE meta SET value='template-folding' WHERE key='clusters'")
    store.commit()


def test_index_rebuild_clusters_an_existing_home_by_the_current_rule(tmp_path):
    home = Home(tmp_path / "home")
    data = write_jsonl(tmp_path / "mm.jsonl", forecasts())
    assert dateline(home, "ingest", str(data)).exit_code == 0
    with ArticleStore(home.store_path) as store:
        _cluster_as_the_old_rule_did(store, ["mm-0", "mm-1", "mm-2", "mm-0-copy"], "mm-0")
    assert dateline(home, "index").exit_code == 0
    folded = json.loads(dateline(home, "search", "forecast", "--json").stdout)
    assert folded["total"] == 1
    rebuilt = dateline(home, "index", "--rebuild")
    assert rebuilt.exit_code == 0
    assert "2 articles moved to another cluster" in rebuilt.stdout
    found = json.loads(dateline(home, "search", "forecast", "--json").stdout)
    assert sorted(h["similar"] for h in found["hits"]) == [0, 0, 1]


def test_index_rebuild_folds_copies_the_story_2_rule_kept_apart(tmp_path):
    """A home clustered by `story-2` gets story-3's clusters on `index --rebuild`: an earnings table sent again with
    its shares line dropped and a note added is one story now. (Reuters SGML:
    its reader keeps the lines; a JSONL body is one line.)"""
    table = "Shr 41 cts vs 36 cts\n\nNet 4,120,000 vs 3,610,000\n\nRevs 88.4 mln vs 79.1 mln\n\n"
    story = ('<REUTERS NEWID="{n}"><DATE>2-MAR-1987 10:0{n}:00.00</DATE><TEXT>'
             "<TITLE>KESTREL HOMES INC &lt;KES> 1ST QTR NET</TITLE><BODY>{body}\n Reuter\n</BODY></TEXT></REUTERS>\n")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "reut2-000.sgm").write_text(
        story.format(n=1, body=table + "Avg shrs 10,050,000 vs 9,980,000")
        + story.format(n=4, body=table + "NOTE: Housing backlog 135 mln dlrs, up 33 pct from a year earlier."),
        encoding="latin-1")
    home = Home(tmp_path / "home")
    assert dateline(home, "ingest", str(corpus)).exit_code == 0
    with ArticleStore(home.store_path) as store:
        assert store.get("reuters-4").cluster == "reuters-1"
        # as story-2 left it: two clusters
        store.set_cluster("reuters-4", "reuters-4")
        store.connection.execute("UPDATE story_members SET cluster=id")
        store.connection.execute("UPDATE meta SET value='story-2' WHERE key='clusters'")
        store.commit()
    rebuilt = dateline(home, "index", "--rebuild")
    assert rebuilt.exit_code == 0
    assert "1 article moved to another cluster" in rebuilt.stdout
    found = json.loads(dateline(home, "search", "kestrel", "--json").stdout)
    assert [h["similar"] for h in found["hits"]] == [1]


def test_an_update_clusters_a_stale_home_again_before_adding_to_it(tmp_path):
    store = ArticleStore(tmp_path / "a.sqlite")
    rows = forecasts()
    ingest([write_jsonl(tmp_path / "a.jsonl", rows[:3])], store, tmp_path / "r.jsonl", now=LATER)
    _cluster_as_the_old_rule_did(store, ["mm-0", "mm-1", "mm-2"], "mm-0")
    summary = ingest([write_jsonl(tmp_path / "b.jsonl", rows[3:])], store, tmp_path / "r.jsonl", now=LATER)
    assert summary.reclustered == 2
    assert clusters_of(store) == {"mm-0": "mm-0", "mm-1": "mm-1", "mm-2": "mm-2", "mm-0-copy": "mm-0"}
