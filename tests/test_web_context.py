"""The page keeps its context: the query on the article page, fields typed in
the query as active filters, what the archive holds, times where a day is
crowded, no server paths, and each date filter's error on its own field."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from dateline.corpus.home import Home
from dateline.search.web import create_app
from tests.helpers import NOW, dateline, indexed_cli_home


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory):
    return indexed_cli_home(tmp_path_factory, "context")


@pytest.fixture(scope="module")
def client(cli_home):
    app = create_app(Home(cli_home), clock=lambda: NOW)
    yield app.test_client()
    app.extensions["dateline"].close()


def get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def test_an_article_opened_from_results_marks_the_query_and_leads_back(client):
    results = get(client, "/?q=kerry&sort=newest")
    (link,) = {h.replace("&amp;", "&") for h in re.findall(r'<h2><a href="(/article/[^"]+)"', results)}
    assert "q=kerry" in link and "sort=newest" in link
    article = get(client, link)
    assert re.search(r"<mark>kerry</mark>", article, re.I)
    assert 'href="/?q=kerry&amp;sort=newest">← Back to results for <q>kerry</q>' in article


def test_an_article_opened_directly_has_no_marks_and_no_way_back(client):
    (link,) = set(re.findall(r'<h2><a href="/article/([^"?]+)', get(client, "/?q=kerry")))
    article = get(client, f"/article/{link}")
    assert "<mark>" not in article and "Back to results" not in article


def test_the_article_page_does_not_show_server_paths(client):
    (link,) = set(re.findall(r'<h2><a href="/article/([^"?]+)', get(client, "/?q=kerry")))
    article = get(client, f"/article/{link}")
    assert "From</dt>" not in article and "/tmp/" not in article and "fixtures" not in article


def test_a_field_typed_in_the_query_is_an_active_filter_and_its_facet_is_on(client):
    html = get(client, "/?q=person:lavrov")
    assert re.search(r'class="chip on" href="/\?q=\*"[^>]*>person: lavrov', html)
    facet = re.search(r'<a class="facet on" href="([^"]+)"[^>]*>\s*<span class="name">Sergey Lavrov', html)
    assert facet and facet.group(1) == "/?q=*"  # selecting it removes person:lavrov from the query


def test_the_home_page_says_what_the_archive_holds_and_its_example_finds_something(client):
    html = get(client, "/")
    holds = re.search(r'The archive holds <strong>(\d+)</strong> articles', html)
    assert holds and int(holds.group(1)) == 12
    assert "sources" in html and "Reuters" in html
    example = re.search(r'placeholder="([^"]+)"', html).group(1).replace("&#34;", '"').replace("&quot;", '"')
    found = get(client, f"/?q={example}")
    assert int(re.search(r"<strong>([\d,]+)</strong> result", found).group(1)) > 0


def test_the_no_results_box_says_what_the_archive_holds(client):
    assert "The archive holds <strong>12</strong>" in get(client, "/?q=zzyzx")


def test_the_archive_summary_api_is_the_cli_stats_summary_and_what_the_home_page_says(client, cli_home):
    summary = client.get("/api/summary").get_json()
    assert summary == json.loads(dateline(cli_home, "stats", "--json").stdout)["summary"]
    assert summary["articles"] == 12 and summary["first_date"] <= summary["last_date"]
    html = get(client, "/")
    assert f'The archive holds <strong>{summary["articles"]}</strong> articles' in html
    for source in summary["sources"][:5]:
        assert f'>{source["value"]}</a> ({source["count"]})' in html
    assert sum(s["count"] for s in summary["sources"]) == summary["articles"]
    assert unescape(re.search(r'placeholder="([^"]+)"', html).group(1)) == summary["example"]


def test_times_show_where_a_listed_day_holds_several_stories(client):
    html = get(client, "/?q=*&limit=100")
    times = re.findall(r'<time datetime="[^"]+">([^<]+)</time>', html)
    days = [t.split(",")[0] for t in times]
    crowded = {d for d in days if days.count(d) > 1}
    assert crowded  # the fixtures hold a day with two stories
    for text in times:
        assert (", " in text) == (text.split(",")[0] in crowded), text


def test_a_bad_date_is_marked_on_its_own_field_in_the_pages_words(client):
    html = get(client, "/?q=oil&since=notadate", 400)
    assert 'name="since" type="text" value="notadate"' in html
    assert 'aria-invalid="true" aria-describedby="since-error"' in html
    assert re.search(r'id="since-error"[^>]*>From date: cannot read &#39;notadate&#39; as a date', html)
    assert "--since" not in html and 'id="query-error"' not in html


def test_a_reversed_range_is_marked_on_the_to_date(client):
    html = get(client, "/?q=oil&since=2014-10-01&until=2014-09-01", 400)
    assert "To date (2014-09-01) is before From date (2014-10-01)" in html
    assert 'aria-describedby="until-error"' in html


def test_empty_form_fields_are_redirected_out_of_the_address(client):
    response = client.get("/?q=oil&since=&until=&person=&place=&source=&tag=&sort=relevance")
    assert response.status_code == 303
    assert response.headers["Location"] == "/?q=oil&sort=relevance"


def test_the_results_page_has_an_h1_and_lists_results_before_the_sidebar(client):
    html = get(client, "/?q=oil")
    assert re.search(r"<h1[^>]*>Results for <q>oil</q></h1>", html)
    assert html.index('class="hits"') < html.index('id="facets"')
    assert '<a class="skip" href="#facets">Skip to filters</a>' in html
