"""Feeds in a real browser: a results page advertises its Atom feed, the
browser fetches it as Atom, and a reload is answered 304 from its cache."""

from __future__ import annotations

import threading

import pytest

feedparser = pytest.importorskip("feedparser")

from dateline.corpus.home import Home
from dateline.corpus.sample import sample_path
from tests.helpers import CHROMIUM, CHROMIUM_ARGS as ARGS, dateline

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

pytestmark = [
    pytest.mark.browser, pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
]


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    from dateline.search.web.serve import make_server

    root = tmp_path_factory.mktemp("browser-feeds") / "home"
    assert dateline(root, "ingest", str(sample_path())).exit_code == 0
    assert dateline(root, "index").exit_code == 0
    assert dateline(root, "watch", "add", "kenya", "place:kenya").exit_code == 0
    server = make_server(Home(root), host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


def test_the_browser_finds_and_reads_a_results_pages_feed(server_url):
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        page.goto(f"{server_url}/?q=central+bank")
        href = page.locator('link[rel="alternate"][type="application/atom+xml"]').get_attribute("href")
        assert page.get_by_role("link", name="Atom feed of this search").get_attribute("href") == href
        response = page.goto(server_url + href)
        assert response.status == 200
        assert response.headers["content-type"].startswith("application/atom+xml")
        feed = feedparser.parse(response.body())  # what the browser received
        assert not feed.bozo and feed.version == "atom10" and feed.entries
        reloaded = page.reload()  # the browser revalidates with its ETag
        assert reloaded.status in (200, 304)
        assert reloaded.request.header_value("if-none-match") == response.headers["etag"]
        browser.close()


def test_the_home_page_links_each_watch_and_its_feed(server_url):
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        page.goto(server_url + "/")
        page.get_by_role("link", name="kenya", exact=True).click()
        assert "place:kenya" in page.input_value("#q")
        page.goto(server_url + "/")
        response = page.goto(server_url + page.get_by_role("link", name="Atom feed").get_attribute("href"))
        assert response.status == 200 and feedparser.parse(response.body()).feed.title.startswith(
            "Dateline watch kenya")
        browser.close()
