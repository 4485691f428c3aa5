"""The templates' `url_for` builds a results page's links itself (search/web/links.py):
the same strings as Flask's `url_for`, for any text, under any prefix."""

from __future__ import annotations

import flask
import pytest
from hypothesis import given, settings, strategies as st

from dateline.search.web.links import link_to, template_url_for
from tests.helpers import build_home, write_articles

NAMES = ["q", "since", "until", "person", "place", "source", "tag", "sort", "limit", "page",
         "all_copies", "facets", "share"]
VALUES = st.one_of(st.text(max_size=30), st.integers(-5, 10**6), st.none(),
                   st.sampled_from(["central bank", 'person:"paul volcker"', "a&b=c", "100%", "é ü ✓",
                                    "/?#[]@!$&'()*+,;=", "x\u2028y", " "]))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from dateline.search.web.app import create_app

    tmp = tmp_path_factory.mktemp("links")
    return create_app(build_home(tmp / "home", write_articles(tmp / "a.jsonl", 0, 5)))


@pytest.mark.parametrize("prefix", ["", "/dateline", "/a b"])
@settings(max_examples=150, deadline=None)
@given(values=st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=6),
       article_id=st.text(min_size=1, max_size=20))
def test_links_are_what_url_for_builds(app, prefix, values, article_id):
    with app.test_request_context("/", environ_base={"SCRIPT_NAME": prefix}):
        assert template_url_for("search_page", **values) == flask.url_for("search_page", **values)
        assert (template_url_for("article_page", article_id=article_id, **values)
                == flask.url_for("article_page", article_id=article_id, **values))
        for endpoint in ("search_feed", "export_download", "api_search", "compare_page"):
            assert template_url_for(endpoint, **values) == flask.url_for(endpoint, **values)
        for _ in range(2):  # asked of url_for, then kept
            assert (template_url_for("static", filename=article_id)
                    == flask.url_for("static", filename=article_id))
        # Bound to an endpoint once for a page's many links: the same strings.
        assert link_to("search_page")(**values) == flask.url_for("search_page", **values)
        assert (link_to("article_page")(article_id=article_id, **values)
                == flask.url_for("article_page", article_id=article_id, **values))


def test_other_endpoints_and_options_are_flasks(app):
    with app.test_request_context("/"):
        assert template_url_for("compare_page", q=["oil", "gas"]) == "/compare?q=oil&q=gas"
        assert template_url_for("search_page", q="oil", _anchor="facets") == "/?q=oil#facets"
        assert template_url_for("static", filename="style.css") == flask.url_for("static", filename="style.css")
        assert link_to("search_page")(q="oil", _anchor="facets") == "/?q=oil#facets"
        assert link_to("static")(filename="style.css") == flask.url_for("static", filename="style.css")


def _url_args_reference(req, **changes) -> dict:
    """`SearchRequest.url_args` as it was written first: every parameter looked at."""
    from dateline.search.web.params import _DEFAULTS

    args = {}
    for name, default in _DEFAULTS.items():
        value = changes[name] if name in changes else getattr(req, name)
        if value != default and value not in (None, ""):
            args[name] = int(value) if isinstance(value, bool) else value
    return args


PARAMS = {"q": st.sampled_from(["", "oil", "person:volcker bank", "*"]),
          "person": st.sampled_from([None, "", "Paul Volcker"]), "place": st.sampled_from([None, "Japan"]),
          "since": st.sampled_from([None, "1987-03"]), "sort": st.sampled_from(["relevance", "newest"]),
          "limit": st.sampled_from([10, 20]), "page": st.sampled_from([1, 2, 7]),
          "all_copies": st.booleans(), "facets": st.sampled_from([10, 100]), "share": st.booleans()}
CHANGES = {"q": st.sampled_from(["", "oil gas", None]), "person": st.sampled_from([None, "", "James Baker"]),
           "place": st.sampled_from([None, "Japan", "USA"]), "until": st.sampled_from([None, "1987-04"]),
           "tag": st.sampled_from([None, "earn"]), "page": st.sampled_from([1, 3, None]),
           "limit": st.sampled_from([10, 50]), "sort": st.sampled_from(["relevance", "oldest"]),
           "all_copies": st.booleans(), "share": st.booleans(), "facets": st.sampled_from([10, 100])}


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({}, optional=PARAMS), st.fixed_dictionaries({}, optional=CHANGES))
def test_url_args_are_every_parameter_with_the_changes_in_url_order(params, changes):
    from dateline.search.web.params import SearchRequest

    req = SearchRequest(**params)
    for _ in range(2):  # the request's own parameters are worked out once, then kept
        found = req.url_args(**changes)
        expected = _url_args_reference(req, **changes)
        assert found == expected and list(found) == list(expected)
