"""`url_for` for the templates, with the results page's own links built
directly: a results page holds a hundred or more links to itself (facets,
chips, histogram bars, pages) and to its articles, and Flask's `url_for`
costs tens of microseconds each (a third of rendering a page).

The strings are the ones `flask.url_for` builds (werkzeug's routing: the
query in the order given, values encoded by `urlencode` with the same safe
characters, None left out; an article id quoted as a path): the path of
each route without variables (the page, its feed, downloads, API and
compare page) and the article route's prefix are asked of `url_for` once
per app and prefix the app is served under, so an app served under a prefix
keeps it. `tests/test_web_links.py` checks them against `url_for` itself.
A static file's path (the three every page links) is asked of `url_for`
once per app, prefix and file. Any other endpoint, or an option of
`url_for` (`_anchor`, `_external`, ...), goes to `flask.url_for`.
"""

from __future__ import annotations

import weakref
from functools import lru_cache, partial
from urllib.parse import quote, quote_plus

from flask import current_app, request, url_for

# werkzeug.urls._urlencode (a query) and BaseConverter.to_url (a path segment).
_QUERY_SAFE = "!$'()*,/:;?@"
_PATH_SAFE = "!$&'()*+,/:;=@"


# Endpoints whose rule has no variable: a link is the rule's path and the query.
_FIXED = ("search_page", "search_feed", "export_download", "api_search", "compare_page")
_STATIC_KEPT = 64  # static files' paths kept per app and prefix (the templates name three)
# app -> {script root: {endpoint (or ("static", file name)): its path}}; an app's paths change only with the prefix it is served under.
_ROOTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _paths() -> dict:
    """The paths kept for this app under this request's prefix."""
    return _ROOTS.setdefault(current_app._get_current_object(), {}).setdefault(request.script_root, {})


def _root(endpoint: str) -> str:
    """The path of `endpoint` (for the article route, its path before the id)
    under this request's prefix, asked of `url_for` once per app and prefix."""
    paths = _paths()
    path = paths.get(endpoint)
    if path is None:
        path = paths[endpoint] = (url_for(endpoint, article_id="x")[:-1] if endpoint == "article_page"
                                  else url_for(endpoint))
    return path


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


def _article_link(root: str, values: dict) -> str | None:
    """An article's link from its route's path before the id (`root`), or
    None where `url_for` must make it (no plain id, or options)."""
    article_id = values.get("article_id")
    if not (_plain(values) and isinstance(article_id, str) and article_id):
        return None
    return root + quote(article_id, safe=_PATH_SAFE) + _query({k: v for k, v in values.items() if k != "article_id"})


def link_to(endpoint: str):
    """`template_url_for` bound to `endpoint` under this request, its path
    looked up once: for the many links a page makes to one endpoint (its
    facet values, chips, bars and hits)."""
    if endpoint not in _FIXED and endpoint != "article_page":
        return partial(template_url_for, endpoint)
    root = _root(endpoint)
    if endpoint == "article_page":
        def article_link(**values) -> str:
            return _article_link(root, values) or url_for(endpoint, **values)
        return article_link

    def link(**values) -> str:
        return root + _query(values) if _plain(values) else url_for(endpoint, **values)
    return link


def template_url_for(endpoint: str, **values) -> str:
    """`flask.url_for`, faster for the links of a results page."""
    if endpoint in _FIXED and _plain(values):
        return _root(endpoint) + _query(values)
    if endpoint == "article_page" and (link := _article_link(_root(endpoint), values)):
        return link
    if endpoint == "static" and len(values) == 1 and isinstance(values.get("filename"), str):
        # Every page links the same three files: each path asked of url_for once.
        paths = _paths()
        key = ("static", values["filename"])
        path = paths.get(key)
        if path is None:
            path = url_for(endpoint, **values)
            if len(paths) < _STATIC_KEPT:
                paths[key] = path
        return path
    return url_for(endpoint, **values)
