"""Hostile articles and queries are shown as text: nothing a crawl or a user
types can run as script or become a javascript: link on the page."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings

from dateline.corpus.home import Home
from dateline.search.web import create_app
from tests.helpers import ANY_QUERY, NOW, dateline

SCRIPT = "<script>alert('owned')</script>"
ATTRIBUTE = '"onmouseover="alert(1)'
HOSTILE = [
    {"id": "hostile-1", "title": f"Zebra crossing {SCRIPT}",
     "body": f"Zebra crossings were repainted. {SCRIPT} <img src=x onerror=alert(2)> end.",
     "people": [f"Mallory {ATTRIBUTE}"], "places": ["<b>Nowhere</b>"],
     "source": "Evil <i>Wire</i>", "tags": ["x\"><svg onload=alert(3)>"],
     "url": "javascript:alert(document.cookie)", "date": "2014-11-02"},
    {"id": "hostile-2", "title": "Zebra herd counted",
     "body": "Zebra numbers rose, rangers said.",
     "url": "  JaVaScRiPt:alert(4)", "date": "2014-11-03", "source": "AP"},
    {"id": "hostile-3", "title": "Zebra data leak",
     "body": "Zebra files were found online.", "url": "data:text/html,<script>alert(5)</script>",
     "date": "2014-11-04", "source": "AP"},
]
# Strings that, if they appeared unescaped, would be live markup.
LIVE = ["<script>", "<img src=x", "<svg onload", '"onmouseover="', "<b>Nowhere", "<i>Wire"]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    crawl = tmp / "hostile.jsonl"
    crawl.write_text("".join(json.dumps(a) + "\n" for a in HOSTILE))
    assert dateline(str(tmp / "h"), "ingest", str(crawl)).exit_code == 0
    assert dateline(str(tmp / "h"), "index").exit_code == 0
    app = create_app(Home(tmp / "h"), clock=lambda: NOW)
    yield app.test_client()
    app.extensions["dateline"].close()


def assert_inert(html: str) -> None:
    for live in LIVE:
        assert live not in html, live
    assert not re.search(r'href\s*=\s*"\s*(javascript|data|vbscript):', html, re.I)


@pytest.mark.parametrize("url", ["/?q=zebra", "/?q=*&sort=newest", "/article/hostile-1",
                                 "/article/hostile-2", "/article/hostile-3",
                                 "/?q=zebra&person=Mallory+%22onmouseover%3D%22alert%281%29"])
def test_hostile_articles_are_shown_as_text(client, url):
    html = client.get(url).get_data(as_text=True)
    assert_inert(html)
    assert "Zebra" in html


def test_hostile_fields_appear_escaped(client):
    html = client.get("/article/hostile-1").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;" in html
    assert "Mallory &#34;onmouseover=&#34;alert(1)" in html
    assert "javascript:alert(document.cookie)" in html  # the URL shown, as text


@pytest.mark.parametrize("query", [
    SCRIPT, '"><script>alert(1)</script>', "zebra <img src=x onerror=alert(1)>",
    "title:\"<svg onload=alert(1)>\"", "'; DROP TABLE articles; --", "person:<b>Nowhere</b>",
])
def test_hostile_queries_are_echoed_as_text(client, query):
    response = client.get("/", query_string={"q": query, "place": "<b>Nowhere</b>"})
    assert response.status_code in (200, 400)
    assert_inert(response.get_data(as_text=True))
    api = client.get("/api/search", query_string={"q": query})
    assert api.status_code in (200, 400) and api.is_json


def test_snippet_marks_are_the_only_markup_in_a_snippet(client):
    html = client.get("/?q=zebra").get_data(as_text=True)
    snippets = re.findall(r'<p class="snippet">(.*?)</p>', html, re.S)
    assert snippets
    for snippet in snippets:
        assert set(re.findall(r"</?(\w+)", snippet)) <= {"mark"}


def _raw_query(query: str) -> str:
    """The query as a browser would send it, surrogates as the bytes they stand for."""
    from urllib.parse import quote

    return quote(query.encode("utf-8", "surrogatepass"), safe="")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=ANY_QUERY)
def test_any_query_string_is_answered_or_refused_with_400(client, query):
    for path in ("/api/search?q=", "/?q="):
        response = client.get(path + _raw_query(query))
        # 303: an empty field is redirected out of the address
        assert response.status_code in (200, 303, 400), (path, query, response.status_code)
    for raw in ("%ff", "%ed%a0%80", "NOT%20" * 300 + "oil"):  # not UTF-8; a surrogate; deep
        assert client.get("/api/search?q=" + raw).status_code in (200, 400)
