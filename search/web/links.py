"""`url_for` for the templates, with the results page's own links built
directly: a results page holds a hundred or more links to itself (facets,
chips, histogram bars, pages) and to its articles, and Flask's `url_for`
costs tens of microseconds each (a third of rendering a page).

The strings are the ones `flask.url_for` builds (werkzeug's routing: the
query in the order given, values encoded by `urlencode` with the same safe
characters, None left out; an article id quoted as a path): the app's root
and the article route's prefix are asked of `url_for` once per request, so
an app served under a prefix keeps it. `tests/test_web_links.py` checks
them against `url_for` itself. Any other endpoint, or an option of
`url_for` (`_anchor`, `_external`, ...), goes to `flask.url_for`.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote, quote_plus

from flask import g, url_for

# werkzeug.urls._urlencode (a query) and BaseConverter.to_url (a path segment).
_QUERY_SAFE = "!$'()*,/:;?@"
_PATH_SAFE = "!$&'()*+,/:;=@"


def _roots() -> tuple[str, str]:
    """(the search page's URL, the article route's URL before its id) of this request."""
    roots = g.get("_dateline_roots")
    if roots is None:
        roots = g._dateline_roots = (url_for("search_page"), url_for("article_page", article_id="x")[:-1])
    return roots


@lru_cache(maxsize=8192)
def _quoted(text: str) -> str:
    """`text` as `urlencode` writes a key or value (a page repeats its query in every link)."""
    return quote_plus(text, safe=_QUERY_SAFE)


def _query(values: dict) -> str:
    """`urlencode(values, safe=_QUERY_SAFE)` of the values that are not None, after '?'."""
    parts = [f"{_quoted(k)}={_quoted(v if isinstance(v, str) else str(v))}"
             for k, v in values.items() if v is not None]
    return "?" + "&".join(parts) if parts else ""


def _plain(values: dict) -> bool:
    """No option of url_for's (`_anchor`, ...) and no value repeated (a list)."""
    return not any(k.startswith("_") or isinstance(v, (list, tuple, set)) for k, v in values.items())


def template_url_for(endpoint: str, **values) -> str:
    """`flask.url_for`, faster for the links of a results page."""
    if endpoint == "search_page" and _plain(values):
        return _roots()[0] + _query(values)
    if endpoint == "article_page" and _plain(values) and isinstance(values.get("article_id"), str) \
            and values["article_id"]:
        article_id = values.pop("article_id")
        return _roots()[1] + quote(article_id, safe=_PATH_SAFE) + _query(values)
    return url_for(endpoint, **values)
