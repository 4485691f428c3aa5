"""The web page and JSON API through Flask's test client: routes, the API as
the CLI's --json twin, filters as links, limits, and errors shown, not thrown."""

from __future__ import annotations

import json
import re

import pytest

from dateline.corpus.home import Home
from dateline.search.engine import MAX_LIMIT, MAX_PAGE
from dateline.search.parser import MAX_QUERY_LENGTH
from dateline.search.web import create_app
from tests.helpers import FIXTURES, NOW, dateline, indexed_cli_home


@pytest.fixture(scope="module")
def web_home(tmp_path_factory):
    return indexed_cli_home(tmp_path_factory, "web")


@pytest.fixture(scope="module")
def client(web_home):
    app = create_app(Home(web_home), clock=lambda: NOW)
    yield app.test_client()
    app.extensions["dateline"].close()


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def hrefs(html: str, pattern: str = "") -> list[str]:
    links = [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]*)"', html)]
    return [h for h in links if pattern in h]


def facet_links(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'class="facet[^"]*" href="([^"]*)"', html)]


# -- the routes --------------------------------------------------------------

def test_front_page_is_a_labelled_search_form(client):
    html = page(client, "/")
    assert '<label for="q"' in html and 'id="q" name="q"' in html
    for name in ("since", "until", "person", "place", "source", "tag", "sort"):
        assert f'name="{name}"' in html


def test_results_show_title_date_source_and_marked_snippet(client):
    html = page(client, "/?q=%22bank+of+england%22")
    assert "<strong>2</strong> results" in html
    assert "Bank of England holds interest rates" in html
    assert "24 Sep 2014" in html and "Reuters" in html
    assert "<mark>Bank of England</mark>" in html
    assert "/article/boe-holds" in html
    assert 'href="https://www.example-wire.test/2014/09/boe-holds"' in html


def test_article_page_shows_full_text_and_every_field(client):
    html = page(client, "/article/lavrov-un")
    assert "<h1>Lavrov addresses the Security Council</h1>" in html
    assert "Moscow backed the fight against militants in Syria" in html
    for value in ("Sergey Lavrov", "Russia", "Syria", "United States", "politics", "Reuters"):
        assert value in html
    assert "Near-duplicate copies" in html


def test_article_page_links_the_byline_to_the_authors_articles(client):
    html = page(client, "/article/boe-holds")
    link = [h for h in hrefs(html, "author") if "q=" in h]
    assert len(link) == 1 and "Helen Marsh" in html
    found = client.get("/api/search?" + link[0].split("?", 1)[1]).get_json()
    assert [hit["id"] for hit in found["hits"]] == ["boe-holds"]


def test_a_result_with_a_byline_names_its_author(client):
    assert "· by Helen Marsh" in page(client, "/?q=author%3Amarsh")


def test_each_of_several_authors_links_to_their_articles(tmp_path):
    from tests.helpers import build_home

    record = {"id": "fees", "title": "Port fees to rise", "author": "Ann Lee; Tom Ray",
              "body": "The harbour board voted on Tuesday to raise fees for cargo ships."}
    (tmp_path / "a.jsonl").write_text(json.dumps(record) + "\n")
    app = create_app(build_home(tmp_path / "home", tmp_path / "a.jsonl"), clock=lambda: NOW)
    try:
        html = page(app.test_client(), "/article/fees")
        links = [h for h in hrefs(html, "author") if "q=" in h]
        assert len(links) == 2
        for link in links:
            found = app.test_client().get("/api/search?" + link.split("?", 1)[1]).get_json()
            assert [hit["id"] for hit in found["hits"]] == ["fees"], link
    finally:
        app.extensions["dateline"].close()


def test_api_article_returns_the_stored_record(client, web_home):
    shown = dateline(web_home, "show", "lavrov-un", "--json")
    assert client.get("/api/article/lavrov-un").get_json() == json.loads(shown.stdout)


def test_static_assets_are_served_locally(client):
    html = page(client, "/")
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert len(assets) >= 3  # stylesheet, script, icon
    for asset in assets:
        assert client.get(asset).status_code == 200
    assert "http://" not in html.split("<body>")[0] and "https://" not in html.split("<body>")[0]


@pytest.mark.parametrize("params", [
    {"q": "bank"},
    {"q": '"bank of england"'},
    {"q": "*", "sort": "newest", "limit": "3", "page": "2"},
    {"q": "oil", "since": "2014-10-01", "until": "2014-10-31", "sort": "oldest"},
    {"q": "*", "person": "Sergey Lavrov"},
    {"q": "*", "place": "Syria", "source": "Reuters"},
    {"q": "*", "tag": "energy", "limit": "1"},
    {"q": "nothingmatchesthisword"},
])
def test_api_search_is_the_cli_json_document(client, web_home, params):
    args = ["search", params["q"], "--json"]
    for name, value in params.items():
        if name != "q":
            args += [f"--{name}", value]
    expected = json.loads(dateline(web_home, *args).stdout)
    got = client.get("/api/search", query_string=params).get_json()
    expected.pop("took_ms"), got.pop("took_ms")
    assert got == expected
    assert list(got) == list(expected)  # same key order too


# -- filters as links ----------------------------------------------------------

def test_facet_click_adds_a_filter_and_a_second_click_removes_it(client):
    everything = page(client, "/?q=*")
    (link,) = [h for h in facet_links(everything) if "place=Syria" in h]
    narrowed = page(client, link)
    assert "<strong>2</strong> results" in narrowed
    (active,) = re.findall(r'class="facet on" href="([^"]*)"', narrowed)
    widened = page(client, active.replace("&amp;", "&"))
    assert "place=Syria" not in active
    assert re.search(r"<strong>(\d+)</strong>", widened).group(1) == \
        re.search(r"<strong>(\d+)</strong>", everything).group(1)


def test_person_chip_on_a_result_adds_a_person_filter(client):
    html = page(client, "/?q=council")
    (link,) = set(hrefs(html, "person=Sergey+Lavrov"))
    narrowed = page(client, link)
    assert "person: Sergey Lavrov" in narrowed  # shown as an active, removable filter
    assert "Lavrov addresses the Security Council" in narrowed


def test_paging_links_move_through_the_results(client):
    html = page(client, "/?q=*&limit=5")
    assert 'aria-current="page">1<' in html
    (next_link,) = set(re.findall(r'rel="next" href="([^"]*)"', html))
    second = page(client, next_link.replace("&amp;", "&"))
    assert 'aria-current="page">2<' in second
    assert 'start="6"' in second


def test_histogram_bars_narrow_the_date_range_and_coverage_counts_all_articles(client):
    html = page(client, "/?q=oil")
    bars = hrefs(html.split('class="chart matches"')[1].split("</svg>")[0])
    assert bars and all("since=" in b and "until=" in b for b in bars)
    narrowed = page(client, bars[0])
    assert "since: " in narrowed and "until: " in narrowed
    coverage = html.split('class="chart coverage"')[1].split("</svg>")[0]
    assert re.search(r"<title>[^<]*\d+ articles? in the archive", coverage)
    assert "Reuters: " in coverage or "AP: " in coverage  # per source on hover


@pytest.mark.parametrize("query", ["oil", "*", "bank", "*&source=Reuters"])
def test_each_bars_coverage_is_the_count_of_all_articles_in_its_dates(client, query):
    html = page(client, f"/?q={query}")
    chart = html.split('class="chart matches"')[1].split("</svg>")[0]
    bars = re.findall(r'<a href="([^"]*)"\s+aria-label="[^"]*?([\d,]+) match(?:es)? of ([\d,]+) articles', chart)
    assert bars
    for href, matches, coverage in bars:
        bounds = dict(re.findall(r"(since|until)=([\d-]+)", href))
        everything = client.get("/api/search", query_string={"q": "*", "limit": 1, **bounds}).get_json()
        assert int(coverage.replace(",", "")) == everything["total_articles"]
        assert 0 < int(matches.replace(",", "")) <= everything["total_articles"]


def test_share_toggle_shows_matches_as_a_share_of_coverage(client):
    html = page(client, "/?q=oil")
    (toggle,) = hrefs(html, "share=1")
    shared = page(client, toggle)
    assert "as a share of the archive" in shared and "%)" in shared
    assert "share=1" in "".join(hrefs(shared, "place="))  # the view survives filtering


def test_empty_results_suggest_what_to_relax(client):
    html = page(client, "/?q=lavrov&place=Kenya")
    assert "No articles match" in html
    assert any("place" not in h for h in hrefs(html, "q=lavrov"))
    assert "search without place: Kenya" in html


def test_a_misspelt_query_offers_did_you_mean_as_a_link(client):
    html = page(client, "/?q=lavorv")
    assert html.count("Did you mean") == 1
    (link,) = set(hrefs(html, "q=lavrov"))
    assert "Lavrov addresses the Security Council" in page(client, link)


WIRE = ("The central bank of Ruritania raised its key rate by half a point on Monday, citing "
        "inflation that has run above target for a year, officials said in the capital.")
COPIES = [
    {"id": "wire-reuters", "title": "Ruritania raises rates", "body": WIRE, "source": "Reuters",
     "date": "2014-09-01"},
    {"id": "wire-ap", "title": "Ruritania raises rates", "body": WIRE + " More follows.",
     "source": "AP", "date": "2014-09-01"},
    {"id": "wire-afp", "title": "Ruritania raises interest rates", "source": "AFP",
     "body": WIRE.replace("Monday", "Monday morning"), "date": "2014-09-01"},
]


def test_near_duplicate_copies_collapse_into_one_hit_linking_to_the_others(tmp_path):
    crawl = tmp_path / "copies.jsonl"
    crawl.write_text("".join(json.dumps(a) + "\n" for a in COPIES))
    assert dateline(tmp_path / "h", "ingest", str(crawl)).exit_code == 0
    assert dateline(tmp_path / "h", "index").exit_code == 0
    app = create_app(Home(tmp_path / "h"), clock=lambda: NOW)
    client = app.test_client()
    html = page(client, "/?q=ruritania")
    assert "<strong>1</strong> result" in html and "2 similar copies" in html
    assert "2 near-duplicate copies folded in" in html
    (first,) = set(re.findall(r'href="/article/([^"#?]+)[^"#]*#copies"', html))
    article = page(client, f"/article/{first}")
    copies = article.split('id="copies"')[1]
    assert {c["id"] for c in COPIES} - {first} == set(re.findall(r'href="/article/([^"?]+)"', copies))
    every = page(client, "/?q=ruritania&all_copies=1")
    assert "<strong>3</strong> results" in every
    app.extensions["dateline"].close()


# -- bad input -----------------------------------------------------------------

def test_malformed_query_shows_the_error_beside_the_box(client):
    html = page(client, "/?q=%28oil", status=400)
    assert 'role="alert"' in html and "column" in html
    assert 'value="(oil"' in html  # the query is kept for fixing
    assert "Traceback" not in html


@pytest.mark.parametrize("url", [
    "/api/search?q=(oil",
    "/api/search?q=nofield:x",
    "/api/search?q=oil&limit=0",
    f"/api/search?q=oil&limit={MAX_LIMIT + 1}",
    f"/api/search?q=oil&page={MAX_PAGE + 1}",
    "/api/search?q=oil&page=two",
    "/api/search?q=oil&sort=random",
    "/api/search?q=oil&since=notadate",
    "/api/search?q=" + "a" * (MAX_QUERY_LENGTH + 1),
    "/api/search",
])
def test_api_rejects_bad_requests_with_a_json_error(client, url):
    response = client.get(url)
    assert response.status_code == 400
    body = response.get_json()
    assert set(body) == {"error", "status"} and body["status"] == 400 and body["error"]


@pytest.mark.parametrize("query", [
    f"page={MAX_PAGE + 1}", f"limit={MAX_LIMIT + 1}", "page=-1", "limit=abc",
    "q=" + "x" * (MAX_QUERY_LENGTH + 1), "person=" + "x" * (MAX_QUERY_LENGTH + 1),
])
def test_page_limits_are_enforced_with_a_message(client, query):
    html = page(client, f"/?q=oil&{query}" if not query.startswith("q=") else f"/?{query}", status=400)
    assert 'class="error"' in html


@pytest.mark.parametrize("article_id", [
    "nope", "..%2F..%2Farticles.sqlite", "../../etc/passwd", "%2e%2e/index", "boe-holds%00",
])
def test_unknown_or_hostile_article_ids_are_404(client, article_id):
    assert client.get(f"/article/{article_id}").status_code == 404
    response = client.get(f"/api/article/{article_id}")
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


def test_unknown_route_is_a_404_page_not_a_traceback(client):
    html = page(client, "/no/such/page", status=404)
    assert "Not found" in html


def test_every_response_carries_security_headers(client):
    for url in ("/", "/?q=oil", "/?q=(", "/article/boe-holds", "/article/x", "/api/search?q=oil",
                "/api/search?q=(", "/static/style.css"):
        headers = client.get(url).headers
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Frame-Options"] == "DENY"


def test_the_server_is_read_only(client):
    for method in (client.post, client.put, client.delete):
        assert method("/api/search?q=oil").status_code == 405
        assert method("/").status_code == 405


# -- a live archive ------------------------------------------------------------

NEW_ARTICLE = {"id": "late-news", "title": "Zeppelin returns to the skies",
               "body": "A zeppelin flew over the lake on Sunday for the first time in decades.",
               "date": "2015-05-01", "source": "Harbour Times"}


def test_a_committed_update_is_served_without_restart_and_a_lagging_index_is_said(tmp_path):
    root = tmp_path / "home"
    assert dateline(root, "ingest", str(FIXTURES / "articles.jsonl")).exit_code == 0
    assert dateline(root, "index").exit_code == 0
    app = create_app(Home(root), clock=lambda: NOW)
    client = app.test_client()
    assert client.get("/api/search?q=zeppelin").get_json()["total"] == 0
    crawl = tmp_path / "new.jsonl"
    crawl.write_text(json.dumps(NEW_ARTICLE) + "\n")
    assert dateline(root, "ingest", str(crawl)).exit_code == 0
    lagging = page(client, "/?q=zeppelin")
    assert "<strong>0</strong> results" in lagging
    assert "1 article added, changed or removed in the store is not in the index yet" in lagging
    assert dateline(root, "index").exit_code == 0
    assert "not in the index yet" not in page(client, "/?q=zeppelin")
    assert [h["id"] for h in client.get("/api/search?q=zeppelin").get_json()["hits"]] == ["late-news"]
    assert dateline(root, "index", "--rebuild").exit_code == 0  # a new generation too
    assert client.get("/api/search?q=zeppelin").get_json()["total"] == 1
    assert "Zeppelin returns" in page(client, "/article/late-news")
    app.extensions["dateline"].close()


def test_repeated_searches_come_from_the_cache(client):
    cache = client.application.extensions["dateline"].cache
    client.get("/api/search?q=cachedword")
    hits = cache.hits
    client.get("/api/search?q=cachedword")
    assert cache.hits == hits + 1


def test_serve_no_cache_runs_every_search_again(web_home, monkeypatch):
    from types import SimpleNamespace

    from dateline.search.web import serve as serving

    asked = []  # the options each `serve` made its server with (it is not started)
    monkeypatch.setattr(serving, "make_server", lambda home, **options: asked.append(options) or
                        SimpleNamespace(effective_port=1, run=lambda: None, close=lambda: None))
    assert "no result cache" in dateline(web_home, "serve", "--no-cache").stdout
    assert dateline(web_home, "serve").exit_code == 0
    for options, hits in zip(asked, (0, 1)):
        app = create_app(Home(web_home), clock=lambda: NOW, cache_size=options["cache_size"])
        for _ in range(2):
            assert app.test_client().get("/api/search?q=cachedword").status_code == 200
        assert app.extensions["dateline"].cache.hits == hits
        app.extensions["dateline"].close()


def test_serve_refuses_a_home_without_an_index_in_one_line(tmp_path):
    result = dateline(tmp_path / "empty", "serve")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") <= 2


def test_serve_reports_a_port_in_use_in_one_line(web_home):
    from dateline.search.web.serve import make_server

    taken = make_server(Home(web_home), port=0)
    try:
        result = dateline(web_home, "serve", "--port", str(taken.effective_port))
        assert result.exit_code == 2
        assert result.stderr.startswith(f"Error: cannot listen on 127.0.0.1:{taken.effective_port}")
    finally:
        taken.close()


def test_large_pages_are_not_cached(client):
    cache = client.application.extensions["dateline"].cache
    client.get("/api/search?q=*&limit=500")
    hits = cache.hits
    client.get("/api/search?q=*&limit=500")
    assert cache.hits == hits


def test_api_passes_all_copies_through_to_the_engine(client):
    assert client.get("/api/search?q=bank").get_json()["collapsed"] is True
    assert client.get("/api/search?q=bank&all_copies=1").get_json()["collapsed"] is False


def test_a_bug_is_a_plain_500_without_a_traceback(client, monkeypatch):
    service = client.application.extensions["dateline"]

    def broken(query, **options):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(service, "search", broken)
    client.application.logger.disabled = True  # the server log keeps the traceback; tests need not
    try:
        html = client.get("/?q=oil")
        api = client.get("/api/search?q=oil")
    finally:
        client.application.logger.disabled = False
    assert html.status_code == 500 and api.status_code == 500
    assert "Traceback" not in html.get_data(as_text=True)
    assert "secret internal detail" not in html.get_data(as_text=True)
    assert api.get_json() == {"error": "unexpected failure; the server log has the details",
                              "status": 500}


@pytest.mark.slow
def test_dateline_serve_answers_on_loopback_until_stopped(web_home):
    import subprocess
    import sys
    import urllib.request

    server = subprocess.Popen(
        [sys.executable, "-m", "dateline.search.cli", "--home", str(web_home), "serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        url = re.search(r"on (http://127\.0\.0\.1:\d+/) ", line).group(1)
        assert "Note:" not in line
        with urllib.request.urlopen(url + "api/search?q=lavrov", timeout=30) as response:
            assert json.load(response)["total"] == 2
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_only_loopback_addresses_count_as_private():
    from dateline.search.web.serve import _is_loopback

    assert _is_loopback("127.0.0.1") and _is_loopback("::1") and _is_loopback("localhost")
    assert not _is_loopback("0.0.0.0") and not _is_loopback("192.168.1.4")
    assert not _is_loopback("example.test")


def download(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "kwic"])
def test_every_results_page_links_downloads_that_are_the_cli_export(client, web_home, fmt):
    html = page(client, "/?q=price&sort=oldest&limit=2&page=2")
    [link] = [h for h in hrefs(html, "/export?") if f"format={fmt}" in h]
    assert "page=" not in link and "limit=" not in link and "sort=oldest" in link
    response = download(client, link)
    cli = dateline(web_home, "search", "price", "--sort", "oldest", "--format", fmt)
    # Click's runner reads the CLI's output with universal newlines; CSV rows end in CRLF.
    assert response.get_data(as_text=True).replace("\r\n", "\n") == cli.stdout
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="dateline-price.{"tsv" if fmt == "kwic" else fmt}"'


def test_download_keeps_the_pages_filters(client, web_home):
    got = download(client, "/export?q=*&tag=climate&format=jsonl").get_data(as_text=True)
    cli = dateline(web_home, "search", "*", "--tag", "climate", "--format", "jsonl").stdout
    assert got == cli and len(got.splitlines()) == 3


def test_download_is_read_a_batch_at_a_time(client, monkeypatch):
    from dateline.search import engine, web
    monkeypatch.setattr(engine, "EXPORT_BATCH", 2)
    monkeypatch.setattr(web.service, "EXPORT_CHUNK_ROWS", 3)
    response = client.get("/export?q=*&format=jsonl", buffered=False)
    chunks = list(response.response)  # as the server sends them
    assert len(chunks) >= 4 and sum(c.count(b"\n") for c in chunks) == 12


@pytest.mark.parametrize("url, message", [
    ("/export?q=*&format=xml", "format must be one of jsonl, csv, kwic, not &#39;xml&#39;"),
    ("/export?q=(oil&format=csv", "unclosed parenthesis"),
])
def test_a_bad_download_request_is_a_400_page(client, url, message):
    assert message in page(client, url, 400)


def test_serve_reads_the_archives_tables_before_it_says_it_serves(web_home, monkeypatch):
    """`serve` asks its app for the archive's example query and last day
    (a page and an API answer each) before it announces itself: the reader
    reads its tables then, not on a visitor's first search."""
    from dateline.search.web.serve import _warm

    app = create_app(Home(web_home), clock=lambda: NOW)
    service = app.extensions["dateline"]
    summary = service.summary()
    queries = service.warm_queries()
    assert queries == [summary["example"], f"date:{summary['last_date']}"]
    searched, search = [], service.search
    monkeypatch.setattr(service, "search", lambda query, *args, **kw: searched.append(query) or
                        search(query, *args, **kw))
    _warm(app)
    assert searched == [query for query in queries for _ in ("page", "api")]
    service.close()


def test_serve_processes_announces_once_every_worker_has_said_it_can_answer():
    import os
    import threading

    from dateline.search.web.serve import _wait_for_workers

    class Running:
        def poll(self):
            return None

    class Exited:
        def poll(self):
            return 1

    ready, write = os.pipe()
    try:
        os.write(write, b"1")  # one worker of two ready: still waiting
        waiting = threading.Thread(target=_wait_for_workers, args=(ready, [Running(), Running()]))
        waiting.start()
        waiting.join(0.6)
        assert waiting.is_alive()
        os.write(write, b"1")
        waiting.join(10)
        assert not waiting.is_alive()
        _wait_for_workers(ready, [Running(), Exited()])  # a worker that exits ends the wait
    finally:
        os.close(ready)
        os.close(write)
