"""Atom feeds: `/feed.atom?q=...` for any search (the page's parameters) and
`/feeds/NAME.atom` for each watch; newest first, at most 50 entries.

The feed (Atom 1.0, RFC 4287) is written from the same search the page runs. Feed readers poll, so every answer carries an `ETag` (a hash of
the feed) and `Last-Modified` (when the index last changed: the feed cannot
change before it does), and a conditional request that matches gets
`304 Not Modified` with no body.
"""

from __future__ import annotations

import hashlib
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

from flask import Flask, Response, abort, request, url_for
from werkzeug.exceptions import BadRequest as HTTPBadRequest

from dateline.archive import DatelineError
from dateline.search.engine import SearchResults
from dateline.search.options import Filters, SearchOptions
from dateline.search.web.params import BadRequest, SearchRequest
from dateline.search.web.service import SearchService

FEED_ENTRIES = 50
ATOM = "application/atom+xml; charset=utf-8"
ATOM_NS = "http://www.w3.org/2005/Atom"
_NAMESPACE = uuid.UUID("5b0f4a52-8d1e-4e0c-9a57-2f6f1d1c0a11")  # Dateline's ids are uuid5 in it
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def add_feed_routes(app: Flask, service: SearchService) -> None:
    @app.get("/feed.atom")
    def search_feed():
        try:
            req = SearchRequest.from_args(request.args)
        except BadRequest as exc:
            raise HTTPBadRequest(description=str(exc)) from None
        query = req.q if req.q.strip() else "*"
        results = _newest(service, query, req.search_options())
        alternate = url_for("search_page", _external=True, **req.url_args(page=1))
        return _answer(service, results, title=f"Dateline: {query}", alternate=alternate)

    @app.get("/feeds/<name>.atom")
    def watch_feed(name: str):
        watch = _watch(service, name)
        filters = dict(watch["filters"])
        results = _newest(service, watch["query"], SearchOptions(Filters(**filters)))
        alternate = url_for("search_page", _external=True, q=watch["query"], **filters)
        return _answer(service, results, title=f"Dateline watch {watch['name']}: {watch['query']}",
                       alternate=alternate)


def _watch(service: SearchService, name: str) -> dict:
    try:
        return service.watch(name)
    except DatelineError as exc:
        abort(404, description=str(exc))


def _newest(service: SearchService, query: str, options: SearchOptions) -> SearchResults:
    try:
        return service.search(query, options, sort="newest", limit=FEED_ENTRIES, page=1)
    except DatelineError as exc:
        raise HTTPBadRequest(description=str(exc)) from None


def _answer(service: SearchService, results: SearchResults, *, title: str, alternate: str):
    body = atom_feed(results, title=title, self_url=request.url, feed_key=request.full_path,
                     alternate=alternate,
                     article_url=lambda i: url_for("article_page", article_id=i, _external=True))
    response = Response(body, mimetype="application/atom+xml")
    response.headers["Content-Type"] = ATOM
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.last_modified = service.last_changed()
    response.cache_control.no_cache = True  # revalidate each time: cheap with the ETag
    return response.make_conditional(request)


def atom_feed(results: SearchResults, *, title: str, self_url: str, feed_key: str,
              alternate: str, article_url) -> bytes:
    """The results as an Atom 1.0 document (RFC 4287), newest first as searched.

    Written with the standard library's ElementTree: feedgen 1.0 drops every
    entry link's `rel` (its issue #135, open), which would turn an entry's
    original URL into a second `alternate` link."""
    feed = ET.Element("feed", xmlns=ATOM_NS)
    _text(feed, "id", _urn(feed_key))  # the path and query: the same feed on any host name
    _text(feed, "title", title)
    dated = [h.article.date for h in results.hits if h.article.date]
    # The newest entry's date, not the clock: the same results give the same
    # bytes, so the ETag holds until the results change.
    newest = max(dated, default=_EPOCH)
    _text(feed, "updated", _when(newest))
    ET.SubElement(feed, "link", href=self_url, rel="self", type="application/atom+xml")
    ET.SubElement(feed, "link", href=alternate, rel="alternate", type="text/html")
    _text(ET.SubElement(feed, "author"), "name", "Dateline")
    _text(feed, "generator", "Dateline")
    for hit in results.hits:
        article = hit.article
        entry = ET.SubElement(feed, "entry")
        _text(entry, "id", _urn(f"article:{article.id}"))
        _text(entry, "title", article.title or "(no title)")
        ET.SubElement(entry, "link", href=article_url(article.id), rel="alternate", type="text/html")
        if article.url and article.url.lower().startswith(("http://", "https://")):
            ET.SubElement(entry, "link", href=article.url, rel="related", title="original")
        _text(entry, "updated", _when(article.date or newest))
        if article.date:
            _text(entry, "published", _when(article.date))
        if article.author or article.source:
            _text(ET.SubElement(entry, "author"), "name", article.author or article.source)
        if article.source:
            ET.SubElement(entry, "category", term=article.source, label=f"source: {article.source}")
        _text(entry, "summary", hit.snippet.text, type="text")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _text(parent, tag: str, text: str, **attributes) -> None:
    ET.SubElement(parent, tag, **attributes).text = _xml_safe(text)


def _xml_safe(text: str) -> str:
    """XML 1.0 cannot hold control characters or lone surrogates: drop them."""
    return "".join(ch for ch in text if ch in "\t\n\r" or (" " <= ch and not "\ud800" <= ch <= "\udfff"
                                                          and ch not in "\ufffe\uffff"))


def _when(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _urn(text: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, text)}"
