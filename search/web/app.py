"""The web page and its JSON twin: a thin Flask layer over `dateline.Archive`.

Every route reads parameters, calls the library through `SearchService`, and
renders the result; there is no search logic here. Bad input becomes a
message next to the search box (HTML, status 400) or `{"error", "status"}`
(API), never a traceback.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timezone
from typing import Callable
from urllib.parse import urlencode, urlsplit

from flask import Flask, Response, abort, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from dateline.archive import Archive, DatelineError
from dateline.corpus.home import Home
from dateline.search.options import MAX_LIMIT, MAX_PAGE, Filters
from dateline.search.export import FORMATS as EXPORT_FORMATS, MEDIA_TYPES
from dateline.search.output import stale_index_note
from dateline.search.parser import MAX_QUERY_LENGTH
from dateline.search.query import positive_terms
from dateline.search.snippets import Snippet, find_matches
from dateline.search.web import fragments
from dateline.search.web.feeds import add_feed_routes
from dateline.search.web.service import SearchService
from dateline.search.web.histogram import bucket_label, build_histogram, span
from dateline.search.web.linechart import build_line_chart
from dateline.search.web.links import link_to, template_url_for
from dateline.search.compare import MAX_QUERIES
from dateline.search.web.params import NAME_FILTERS, BadRequest, SearchRequest, is_iso_date

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def create_app(home: Home | None = None, *, archive: Archive | None = None,
               clock: Callable[[], datetime] = _utc_now, cache_size: int = 256) -> Flask:
    """The app for one home (or an Archive); raises DatelineError for a home
    that cannot be searched (no index, an unusable store or configured zone)."""
    app = Flask(__name__)
    app.json.ensure_ascii = False
    app.json.sort_keys = False  # keep the CLI's key order: the API is its --json document
    archive = archive or Archive(home, clock=clock)
    archive.generation  # opens the index now: a home that cannot be searched fails here
    service = SearchService(archive, cache_size)
    app.extensions["dateline"] = service
    app.jinja_env.filters["link_url"] = link_url
    app.jinja_env.globals["url_for"] = template_url_for  # the same links, built faster
    # Dates as the filters read them: in the home's zone, so a hit shown on
    # 1 Apr 2025 is one that date:2025-04-01 finds.
    app.jinja_env.filters["home_time"] = lambda date: date.astimezone(service.archive.tz)
    app.jinja_env.tests["iso_date"] = is_iso_date
    app.jinja_env.filters["bucket_label"] = bucket_label
    app.jinja_env.globals.update(NAME_FILTERS=NAME_FILTERS, MAX_QUERY_LENGTH=MAX_QUERY_LENGTH,
                                 MAX_LIMIT=MAX_LIMIT)

    @app.context_processor
    def archive_holdings():
        """What the archive holds (cached with the searches): the home page and
        the no-results box say it, and the search box's example comes from it."""
        try:
            summary = service.summary()
            first, last = (date.fromisoformat(d) if d else None
                           for d in (summary["first_date"], summary["last_date"]))
            return {"holdings": dict(summary, first=first, last=last)}
        except Exception:  # noqa: BLE001 - an error page must still render
            app.logger.exception("cannot summarize the archive")
            return {"holdings": None}

    @app.after_request
    def add_security_headers(response):
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if request.path.startswith("/api/"):
            return api_error(exc.description or exc.name, exc.code or 500)
        return render_template("error.html", status=exc.code, message=exc.description,
                               req=SearchRequest()), exc.code

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):  # the last line of defence: no traceback out
        app.logger.exception("unexpected failure on %s", request.path)
        message = "unexpected failure; the server log has the details"
        if request.path.startswith("/api/"):
            return api_error(message, 500)
        return render_template("error.html", status=500, message=message, req=SearchRequest()), 500

    _add_routes(app, service)
    add_feed_routes(app, service)
    return app


def api_error(message: str, status: int):
    return jsonify({"error": message, "status": status}), status


def link_url(url: str | None) -> str | None:
    """The URL if it is safe to link (http or https); else None: show as text."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def _run(service: SearchService, req: SearchRequest):
    """(results, error message): the search the request asks for."""
    query = req.q if req.q.strip() else "*"  # filters alone: every article that passes them
    try:
        return service.search(query, req.search_options()), None
    except DatelineError as exc:
        return None, str(exc)


def _coverage(service: SearchService, results, share: bool):
    """The results' histogram with the archive's coverage over the same days."""
    dates = (results.facets or {}).get("dates") or {}
    bounds = span(dates)
    if bounds is None:
        return None
    since, until = (d.isoformat() for d in bounds)
    everything, by_source = service.coverage(since, until)
    return build_histogram(dates, everything, by_source, share=share)


def _queries() -> list[str]:
    """The compare page's queries: every non-empty q, in order (compare bounds how many)."""
    return [q for q in request.args.getlist("q") if q.strip()]


def _compare_page(**context) -> str:
    context.setdefault("comparison", None)
    context.setdefault("chart", None)
    context.setdefault("compare_error", context.pop("error", None))
    return render_template("compare.html", MAX_QUERIES=MAX_QUERIES, **context)


def _file_slug(query: str) -> str:
    """A download's name from its query: 'central bank' -> central-bank."""
    return re.sub(r"[^a-z0-9]+", "-", query.casefold()).strip("-")[:60] or "all"


DATE_FIELDS = {"since": "From date", "until": "To date"}


def _date_field_errors(service: SearchService, req: SearchRequest) -> dict[str, str]:
    """{field: message} for a date filter that cannot be read, said in the
    page's own words and shown on its own field (the library's message names
    the CLI's --since/--until)."""
    def unreadable(filters: Filters) -> bool:
        try:
            service.search("*", filters=filters, limit=1, suggest=False)
        except DatelineError:
            return True
        return False

    errors = {}
    for name, label in DATE_FIELDS.items():
        value = getattr(req, name)
        if value and unreadable(Filters(**{name: value})):
            errors[name] = (f"{label}: cannot read {value!r} as a date; "
                            "use a day (1987-03-31), a month (1987-03) or a year (1987)")
    if not errors and req.since and req.until and unreadable(Filters(since=req.since, until=req.until)):
        errors["until"] = f"To date ({req.until}) is before From date ({req.since})"
    return errors


def _query_terms(service: SearchService, query: str) -> list:
    """The words and phrases of a query that mark matches in a text (none if it does not parse)."""
    if not query.strip():
        return []
    try:
        return list(positive_terms(service.explain(query)))
    except DatelineError:
        return []


def _crowded_days(results, tz) -> set:
    """Days that more than one listed hit falls on: their times are shown."""
    days = Counter(h.article.date.astimezone(tz).date() for h in results.hits if h.article.date)
    return {day for day, n in days.items() if n > 1}


def _facet_links(req: SearchRequest, facets: dict | None) -> dict[str, list[tuple]]:
    """{facet: [(item, its link, whether its filter is on)]} and, for top
    words, [(item, its link)]: worked out here, once a value, rather than by
    three template calls each (a page has about fifty; each call from a
    template costs several times the Python it runs)."""
    facets = facets or {}
    search_link = link_to("search_page")
    links: dict[str, list[tuple]] = {}
    for name, param in NAME_FILTERS.items():
        links[name] = [(item, search_link(**req.toggle(param, item["value"])),
                        req.is_active(param, item["value"])) for item in facets.get(name) or ()]
    links["words"] = [(item, search_link(**req.url_args(q=(req.q + " " + item["value"]).strip(), page=1)))
                      for item in facets.get("words") or ()]
    return links


def _hit_links(req: SearchRequest, results) -> list[tuple[str, list[tuple]]]:
    """For each hit: (its article's link, [(filter, value, link, on)] of
    its people and places), as `_facet_links` for the facets."""
    args = req.url_args()
    search_link, article_link = link_to("search_page"), link_to("article_page")
    found = []
    for hit in results.hits:
        article = hit.article
        chips = [(param, value, search_link(**req.toggle(param, value)), req.is_active(param, value))
                 for param, values in (("person", article.people), ("place", article.places))
                 for value in values]
        found.append((article_link(article_id=article.id, **args), chips))
    return found


def _page(req: SearchRequest, service: SearchService | None = None, **context) -> str:
    context.setdefault("results", None)
    context.setdefault("error", None)
    context.setdefault("field_errors", {})
    results = context["results"]
    if results is not None:
        # The parts that repeat per item, as HTML written once each (`fragments`).
        tz = service.archive.tz if service else timezone.utc
        crowded_days = _crowded_days(results, tz) if service else set()
        links = _facet_links(req, results.facets)
        search_link = link_to("search_page")
        # "More" and "Fewer" under each facet (`_more.html`): the same two links.
        context["more_href"] = search_link(**req.url_args(facets=100))
        context["fewer_href"] = search_link(**req.url_args(facets=10))
        context["facet_html"] = {name: fragments.facet_values(links[name], param, req)
                                 for name, param in NAME_FILTERS.items()}
        context["words_html"] = fragments.top_words(links["words"])
        context["hits_html"] = fragments.hits(results, _hit_links(req, results), crowded_days, tz, link_url)
        if histogram := context.get("histogram"):
            for bar in histogram.bars:
                if bar.matches:
                    bar.href = search_link(**req.url_args(since=bar.since, until=bar.until, page=1))
            context["histogram_html"] = {"matches": fragments.match_bars(histogram),
                                         "coverage": fragments.coverage_bars(histogram),
                                         "table": fragments.table_rows(histogram)}
    return render_template("search.html", req=req, **context)


def _add_routes(app: Flask, service: SearchService) -> None:
    @app.get("/")
    def search_page():
        if any(not value.strip() for value in request.args.values()):
            # A plain form sends every field; the address keeps only those filled in.
            kept = [(k, v) for k, v in request.args.items(multi=True) if v.strip()]
            return redirect(url_for("search_page") + ("?" + urlencode(kept) if kept else ""), 303)
        try:
            req = SearchRequest.from_args(request.args)
        except BadRequest as exc:  # keep what was typed, show why it cannot run
            typed = SearchRequest(q=request.args.get("q", "")[:MAX_QUERY_LENGTH])
            return _page(typed, service, error=str(exc)), 400
        if req.is_empty:
            return _page(req, service, watches=service.watches())
        if field_errors := _date_field_errors(service, req):
            return _page(req, service, field_errors=field_errors), 400
        results, error = _run(service, req)
        if error:
            return _page(req, service, error=error), 400
        return _page(req, service, results=results, histogram=_coverage(service, results, req.share),
                     max_page=min(results.pages, MAX_PAGE),
                     stale_note=stale_index_note(service.pending_changes()))

    @app.get("/export")
    def export_download():
        """Every hit of the page's search as a file: the CLI's `--format` rows, streamed."""
        try:
            req = SearchRequest.from_args(request.args)
        except BadRequest as exc:
            abort(400, description=str(exc))
        fmt = request.args.get("format", "")
        if fmt not in EXPORT_FORMATS:
            abort(400, description=f"format must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}")
        query = req.q if req.q.strip() else "*"
        try:
            _, chunks = service.export(query, fmt, req.search_options())  # all_hits ignores paging
        except DatelineError as exc:
            abort(400, description=str(exc))
        media_type, extension = MEDIA_TYPES[fmt]
        name = f"dateline-{_file_slug(query)}.{extension}"
        return Response(chunks, content_type=media_type,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.get("/compare")
    def compare_page():
        """Several queries' matches over time on one chart (the filters apply to all)."""
        try:
            req = SearchRequest.from_args(request.args)
        except BadRequest as exc:
            return _compare_page(req=SearchRequest(), queries=_queries(), error=str(exc)), 400
        queries = _queries()
        if not queries:
            return _compare_page(req=req, queries=queries)
        try:
            comparison = service.compare(queries, req.filters)
        except DatelineError as exc:
            return _compare_page(req=req, queries=queries, error=str(exc)), 400
        return _compare_page(req=req, queries=queries, comparison=comparison,
                             chart=build_line_chart(comparison, share=req.share))

    @app.get("/api/compare")
    def api_compare():
        try:
            req = SearchRequest.from_args(request.args)
        except BadRequest as exc:
            return api_error(str(exc), 400)
        try:
            comparison = service.compare(_queries(), req.filters)
        except DatelineError as exc:
            return api_error(str(exc), 400)
        return jsonify(comparison.to_json())

    @app.get("/article/<path:article_id>")
    def article_page(article_id: str):
        article = service.article(article_id)
        if article is None:
            abort(404, description=f"no article with id {article_id!r}")
        try:  # the search it was opened from: kept for highlighting and the way back
            req = SearchRequest.from_args(request.args)
        except BadRequest:
            req = SearchRequest()
        terms = _query_terms(service, req.q)
        return render_template(
            "article.html", article=article, copies=service.copies(article), req=req,
            title_segments=Snippet(article.title, tuple(find_matches(article.title, terms))).segments(),
            paragraphs=[Snippet(p, tuple(find_matches(p, terms))).segments()
                        for p in (part.strip() for part in article.body.split("\n\n")) if p])

    @app.get("/api/search")
    def api_search():
        try:
            req = SearchRequest.from_args(request.args)
        except BadRequest as exc:
            return api_error(str(exc), 400)
        if "q" not in request.args:
            return api_error("missing parameter q (the query; * matches every article)", 400)
        try:
            results = service.search(request.args["q"], req.search_options())
        except DatelineError as exc:
            return api_error(str(exc), 400)
        return jsonify(results.to_json())

    @app.get("/api/summary")
    def api_summary():
        """What the archive holds: the home page's sentence as data, exactly
        `summary` in `dateline stats --json`."""
        return jsonify(service.summary())

    @app.get("/api/article/<path:article_id>")
    def api_article(article_id: str):
        article = service.article(article_id)
        if article is None:
            return api_error(f"no article with id {article_id!r}", 404)
        return jsonify(article.to_dict())
