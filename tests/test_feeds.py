"""Atom feeds of searches and watches: valid Atom 1.0 (read back with
feedparser), newest first, and cheap to poll (ETag, Last-Modified, 304)."""

from __future__ import annotations

import re

import pytest

from dateline.corpus.home import Home
from dateline.search.web import create_app
from tests.helpers import NOW, dateline, indexed_cli_home

feedparser = pytest.importorskip("feedparser")


@pytest.fixture(scope="module")
def feed_home(tmp_path_factory):
    root = indexed_cli_home(tmp_path_factory, "feeds")
    assert dateline(root, "watch", "add", "uk-banks", "bank", "--place", "united kingdom").exit_code == 0
    return root


@pytest.fixture(scope="module")
def client(feed_home):
    app = create_app(Home(feed_home), clock=lambda: NOW)
    yield app.test_client()
    app.extensions["dateline"].close()


def fetch(client, url: str, **headers):
    response = client.get(url, headers=headers)
    return response, response.get_data()


def test_a_search_feed_is_valid_atom_with_every_entry_complete(client, feed_home):
    response, body = fetch(client, "/feed.atom?q=bank")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(body)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.title == "Dateline: bank"
    searched = dateline(feed_home, "search", "bank", "--sort", "newest", "--json")
    import json

    hits = json.loads(searched.stdout)["hits"]
    assert [e.title for e in feed.entries] == [h["title"] for h in hits]
    for entry, hit in zip(feed.entries, hits):
        [page] = [link.href for link in entry.links if link.rel == "alternate"]
        assert page.endswith(f"/article/{hit['id']}")
        if hit["url"]:
            assert hit["url"] in [link.href for link in entry.links if link.rel == "related"]
        if hit["date"]:
            assert entry.published.startswith(hit["date"][:10])
        else:  # undated: no published date, and listed last
            assert "published" not in entry and entry is feed.entries[-1]
        assert entry.tags[0].term == hit["source"]
        assert entry.summary == hit["snippet_text"] and "<" not in entry.summary


def test_entries_are_newest_first_and_at_most_fifty(client):
    feed = feedparser.parse(fetch(client, "/feed.atom?q=*")[1])
    dates = [e.published_parsed for e in feed.entries if "published_parsed" in e]
    assert dates == sorted(dates, reverse=True) and 0 < len(feed.entries) <= 50


def test_a_watch_has_its_own_feed(client):
    response, body = fetch(client, "/feeds/uk-banks.atom")
    feed = feedparser.parse(body)
    assert response.status_code == 200 and not feed.bozo
    assert feed.feed.title == "Dateline watch uk-banks: bank"
    assert feed.entries and all("bank" in (e.title + e.summary).lower() for e in feed.entries)
    missing, _ = fetch(client, "/feeds/nothing.atom")
    assert missing.status_code == 404


def test_a_conditional_request_for_an_unchanged_feed_gets_304(client):
    first, _ = fetch(client, "/feed.atom?q=oil")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again, body = fetch(client, "/feed.atom?q=oil", **{"If-None-Match": etag})
    assert again.status_code == 304 and body == b""
    since, _ = fetch(client, "/feed.atom?q=oil", **{"If-Modified-Since": modified})
    assert since.status_code == 304
    other, _ = fetch(client, "/feed.atom?q=bank", **{"If-None-Match": etag})
    assert other.status_code == 200


def test_the_feed_changes_when_the_index_does(feed_home, tmp_path):
    import json

    app = create_app(Home(feed_home), clock=lambda: NOW)
    client = app.test_client()
    first, body = fetch(client, "/feed.atom?q=cocoa")
    assert feedparser.parse(body).entries == []
    crawl = tmp_path / "new.jsonl"
    crawl.write_text(json.dumps({"title": "Cocoa price raised", "body": "Ghana raised the cocoa price.",
                                 "date": "2014-11-02T10:00:00Z", "url": "https://x.test/cocoa"}) + "\n")
    assert dateline(feed_home, "update", str(crawl)).exit_code == 0
    after, body = fetch(client, "/feed.atom?q=cocoa", **{"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200 and len(feedparser.parse(body).entries) == 1
    app.extensions["dateline"].close()


def test_a_bad_query_is_a_400_not_a_feed(client):
    response, _ = fetch(client, '/feed.atom?q=%22unclosed')
    assert response.status_code == 400


def test_results_pages_advertise_their_feed_and_the_home_page_lists_watches(client):
    html = client.get("/?q=bank&place=united+kingdom").get_data(as_text=True)
    [alternate] = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]*)"', html)
    assert alternate.replace("&amp;", "&") == "/feed.atom?q=bank&place=united+kingdom"
    assert "Atom feed of this search" in html
    home = client.get("/").get_data(as_text=True)
    assert "uk-banks" in home and "/feeds/uk-banks.atom" in home


def test_the_home_page_reads_the_watches_again_only_when_they_change(client, feed_home, monkeypatch):
    from dateline.search import watches

    opened = []
    real = watches.WatchBook.__init__
    monkeypatch.setattr(watches.WatchBook, "__init__", lambda self, root: opened.append(root) or real(self, root))
    client.get("/")
    opened.clear()
    assert "uk-banks" in client.get("/").get_data(as_text=True) and opened == []
    assert dateline(feed_home, "watch", "add", "gold-watch", "gold").exit_code == 0
    try:
        assert "gold-watch" in client.get("/").get_data(as_text=True)
    finally:
        assert dateline(feed_home, "watch", "remove", "gold-watch").exit_code == 0
    assert "gold-watch" not in client.get("/").get_data(as_text=True)
