"""The `dateline` command line: checks input, calls the library, formats.

No search or ingest logic lives here. Every user-facing error passes through
`fail`, which prints one line (and a hint) to stderr and exits.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import NoReturn, Optional

import typer

from corpus import ArticleStore, Home, IngestError, StoreError, ingest
from corpus.home import HomeVersionError
from corpus.lock import HomeBusy
from corpus.sample import sample_path
from index import (IndexLocation, IndexUnavailable, bring_index_up_to_date, index_size_bytes,
                   open_live_index, optimize_index, rebuild_index, remove_articles,
                   update_archive, writing_home)
from search import output
from search.archive import Archive
from search.engine import MAX_LIMIT, SORTS, SearchError, all_hits, search as run_search
from search.export import FORMATS as EXPORT_FORMATS, write_export
from search.parser import QuerySyntaxError, parse_query
from search.dates import TimezoneConfigError, configured_timezone

app = typer.Typer(
    help="Dateline: search engine for news archives (ingest crawls, index, search).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

QUERY_HELP = """\
Query syntax:\n
  words          all required; every form matches (price finds prices)\n
  "exact phrase" adjacent, in order, not stemmed; "phrase"~N allows N words between\n
  a OR b, NOT a, -a, ( )   boolean; AND is implied\n
  person: place: source: tag: title: url: site:   fields (aliases people: places: tags:)\n
  person:lavrov  any word of the name;  person:"sergey lavrov"  the whole name\n
  place:(syria OR iraq)  a field applied to a group;  url:"https://…"  site:example.com\n
  date:2014  date:2014-09  date:2014-09-24  date:2014-09-01..2014-10-15\n
  date:>=2014-09-01  date:<2015  date:2014-09..  date:"24 Sep 2014"  date:last-7d  date:last-12m\n
  dates are whole days in UTC, or in the zone set by $DATELINE_TZ or timezone= in HOME/config.toml\n
  *  every article;  oil*  words starting with oil\n
Results: near-duplicate copies are folded into their first hit ("and N similar"; \
--all-copies lists them); total counts results as listed. Undated articles sort \
last. A query that finds little gets "Did you mean". --format jsonl|csv|kwic \
exports every hit (kwic: one tab-separated line per match with its context).
"""


def fail(message: str, *, hint: str | None = None, code: int = 2) -> NoReturn:
    typer.echo(f"Error: {message}", err=True)
    if hint:
        typer.echo(f"Hint: {hint}", err=True)
    raise typer.Exit(code)


def home_of(ctx: typer.Context) -> Home:
    return ctx.obj["home"]


@app.callback()
def main(
    ctx: typer.Context,
    home: Optional[Path] = typer.Option(
        None, "--home", envvar="DATELINE_HOME",
        help="Data home (default: $DATELINE_HOME, else ~/.local/share/dateline).",
    ),
) -> None:
    ctx.obj = {"home": Home.resolve(home)}


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _open_store(home: Home, *, readonly: bool = False) -> ArticleStore:
    try:
        return ArticleStore(home.store_path, readonly=readonly)
    except StoreError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot open the store in {home.root}: {exc.strerror or exc}")


def _ingest_paths(home: Home, paths: list[Path], *, quiet: bool):
    store = _open_store(home)
    with output.progress(quiet=quiet, label="ingest") as report:
        try:
            summary = ingest(paths, store, home.rejects_path, now=_now(),
                             progress=lambda s, p: report(s.files, s.read, p.name))
        except IngestError as exc:
            fail(str(exc))
        except OSError as exc:
            fail(f"cannot write to {home.root}: {exc.strerror or exc}")
    return store, summary


@app.command("ingest")
def ingest_command(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="Files or folders (walked recursively)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Read crawls (JSON lines, raw text pages) into the article store."""
    home = home_of(ctx)
    with _writer(home):
        store, summary = _ingest_paths(home, paths, quiet=as_json)
        store.close()
    output.print_ingest_summary(summary, home, as_json=as_json)


@app.command("index")
def index_command(
    ctx: typer.Context,
    rebuild: bool = typer.Option(False, "--rebuild", help="Rebuild from the store into a fresh index, "
                                 "using every core; searches use the old index until it is done."),
    optimize: bool = typer.Option(False, "--optimize", help="Merge the index into one segment."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Build the search index from the store, or bring it up to date."""
    home = home_of(ctx)
    location = IndexLocation.in_home(home.root)
    started = time.perf_counter()
    with _writer(home), _writing_errors(home):
        store = _open_store(home)
        try:
            with output.progress(quiet=as_json, label="index") as report:
                show = lambda done, total: report(done, total, "")  # noqa: E731
                if rebuild:
                    result = {"rebuilt": True,
                              "articles": rebuild_index(store, location, progress=show)}
                else:
                    result = bring_index_up_to_date(store, location, progress=show)
            if optimize:
                result["optimized"] = optimize_index(location)
        finally:
            store.close()
    result["seconds"] = round(time.perf_counter() - started, 3)
    output.print_index_result(result, as_json=as_json)
    if optimize and not as_json:
        merged = result["optimized"]
        typer.echo(f"Optimized: {merged['segments_before']} segments merged into "
                   f"{merged['segments_after']}.")


# -- writing to the home: one writer, clear errors (update, remove, index) ----

@contextmanager
def _writer(home: Home):
    """Hold the home's writer lock for the command, or fail at once naming the holder."""
    try:
        with writing_home(home) as lock:
            yield lock
    except HomeBusy as exc:
        fail(str(exc))
    except HomeVersionError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write to {home.root}: {exc.strerror or exc}")


@contextmanager
def _writing_errors(home: Home):
    """A full disk, an unwritable home or an unusable index: one line, nothing half-done."""
    try:
        yield
    except IndexUnavailable as exc:
        fail(str(exc))
    except IngestError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write to {home.root}: {exc.strerror or exc}; nothing was lost, "
             "run the command again when there is room")
    except sqlite3.Error as exc:
        fail(f"cannot write the store in {home.root}: {exc}; nothing was lost, "
             "run the command again when there is room")


@app.command("update")
def update_command(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="New crawl files or folders (walked recursively)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Ingest a new crawl and bring the index up to date, in one step.

    Inputs already ingested and unchanged are skipped; only new, changed and
    removed articles touch the index. Running it twice changes nothing.
    """
    home = home_of(ctx)
    started = time.perf_counter()
    with _writer(home), _writing_errors(home):
        store = _open_store(home)
        try:
            with output.progress(quiet=as_json, label="ingest") as report:
                summary, index = update_archive(
                    store, home, paths, now=_now(),
                    ingest_progress=lambda s, p: report(s.files, s.read, p.name))
        finally:
            store.close()
    index["seconds"] = round(time.perf_counter() - started, 3)
    if as_json:
        typer.echo(json.dumps({"ingest": summary.as_dict(), "index": index}, indent=2))
        return
    output.print_ingest_summary(summary, home, as_json=False)
    output.print_index_result(index, as_json=False)


@app.command("remove")
def remove_command(
    ctx: typer.Context,
    ids: list[str] = typer.Option([], "--id", help="An article id (repeat for more)."),
    source: Optional[str] = typer.Option(None, "--source", help="Every article from this source."),
    query: Optional[str] = typer.Option(None, "--query", help="Every article this search finds."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only count what would be removed."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Take articles out of the store and the index (by id, source or query)."""
    home = home_of(ctx)
    if sum(bool(x) for x in (ids, source, query)) != 1:
        fail("give exactly one of --id, --source or --query")
    with _writer(home), _writing_errors(home):
        store = _open_store(home)
        try:
            chosen = _ids_to_remove(home, store, ids, source, query)
            if dry_run:
                result = {"dry_run": True, "matched": len(chosen), "ids": chosen}
            else:
                result = {"dry_run": False, "matched": len(chosen),
                          **remove_articles(store, home, chosen)}
        finally:
            store.close()
    _print_remove_result(result, as_json=as_json)


def _print_remove_result(result: dict, *, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    elif result["dry_run"]:
        typer.echo(f"Would remove {result['matched']} articles (nothing was changed).")
        for article_id in result["ids"][:20]:
            typer.echo(f"  {article_id}")
        if result["matched"] > 20:
            typer.echo(f"  … and {result['matched'] - 20} more (--json lists them all)")
    else:
        missing = result["not_found"]
        typer.echo(f"Removed {result['removed']} of {result['matched']} articles from the store"
                   + (f"; not found: {', '.join(missing[:10])}" if missing else "") + ".")
        if result["index"] is not None:
            typer.echo(f"Index updated: {result['index'].get('deleted', 0)} removed.")


def _ids_to_remove(home: Home, store: ArticleStore, ids, source, query) -> list[str]:
    if ids:
        return list(dict.fromkeys(ids))
    if source:
        return store.ids_by_source(source)
    # A query is answered by the index, so bring it up to date with the store first.
    bring_index_up_to_date(store, IndexLocation.in_home(home.root))
    archive = _open_archive(home)
    found: list[str] = []
    try:
        page = 1
        while True:
            results = run_search(archive, query, limit=MAX_LIMIT, page=page, now=_now())
            found += [hit.article.id for hit in results.hits]
            if page * MAX_LIMIT >= results.total or not results.hits:
                return found
            page += 1
    except (QuerySyntaxError, SearchError) as exc:
        fail(str(exc))
    finally:
        archive.close()


def _home_timezone(home: Home):
    """The zone date expressions are read in ($DATELINE_TZ, HOME/config.toml, else UTC)."""
    try:
        return configured_timezone(home.root)
    except TimezoneConfigError as exc:
        fail(str(exc))


def _open_archive(home: Home) -> Archive:
    tz = _home_timezone(home)
    try:
        return Archive(home, tz=tz)
    except (IndexUnavailable, StoreError) as exc:
        fail(str(exc))


@app.command("search", help="Search the archive.\n\n" + QUERY_HELP,
             context_settings={"ignore_unknown_options": True})  # "-paris oil" is a query
def search_command(
    ctx: typer.Context,
    query: str = typer.Argument(..., help="The query (see syntax below)."),
    since: Optional[str] = typer.Option(None, help="Only articles on or after this date."),
    until: Optional[str] = typer.Option(None, help="Only articles on or before this date (inclusive)."),
    person: Optional[str] = typer.Option(None, help="Only articles about this person."),
    place: Optional[str] = typer.Option(None, help="Only articles about this place."),
    source: Optional[str] = typer.Option(None, help="Only articles from this source."),
    tag: Optional[str] = typer.Option(None, help="Only articles with this tag."),
    sort: str = typer.Option("relevance", help="relevance, newest or oldest."),
    limit: int = typer.Option(10, help="Hits per page."),
    page: int = typer.Option(1, help="Page of results (from 1)."),
    facets: bool = typer.Option(False, "--facets", help="Show counts of people, places, sources, tags, dates."),
    explain: bool = typer.Option(False, "--explain", help="Show how the query was read, then search."),
    as_json: bool = typer.Option(False, "--json", help="Print results as JSON."),
    all_copies: bool = typer.Option(
        False, "--all-copies", help="List near-duplicate copies separately instead of collapsed."),
    export_format: Optional[str] = typer.Option(
        None, "--format", help="Export ALL hits (no paging) as jsonl, csv or kwic (one line per match)."),
) -> None:
    home = home_of(ctx)
    if sort not in SORTS:
        fail(f"--sort must be one of {', '.join(SORTS)}, not {sort!r}")
    filters = dict(since=since, until=until, person=person, place=place, source=source, tag=tag)
    if export_format is not None:
        _export_command(home, query, export_format, filters, sort=sort, all_copies=all_copies,
                        as_json=as_json)
        return
    archive = _open_archive(home)
    try:
        results = run_search(
            archive, query, **filters, sort=sort, limit=limit, page=page,
            facets=facets or as_json, all_copies=all_copies, now=_now(),
        )
    except QuerySyntaxError as exc:
        fail(str(exc))
    except SearchError as exc:
        fail(str(exc))
    finally:
        archive.close()
    if as_json:
        typer.echo(json.dumps(results.to_json(), ensure_ascii=False, indent=2))
        return
    if explain:
        output.print_explain(results.tree)
    output.print_results(results, show_facets=facets)


def _export_command(home: Home, query: str, fmt: str, filters: dict, *, sort: str,
                    all_copies: bool, as_json: bool) -> None:
    """`search --format`: every hit, written to stdout as it is read."""
    if fmt not in EXPORT_FORMATS:
        fail(f"--format must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}")
    if as_json:
        fail("--format and --json cannot be combined: --format jsonl writes one JSON object per hit")
    archive = _open_archive(home)
    try:
        hits = all_hits(archive, query, **filters, sort=sort, all_copies=all_copies, now=_now())
        write_export(hits, fmt, sys.stdout)
        sys.stdout.flush()
    except (QuerySyntaxError, SearchError) as exc:
        fail(str(exc))
    finally:
        archive.close()


@app.command("explain", context_settings={"ignore_unknown_options": True})  # "-x" is a query
def explain_command(
    ctx: typer.Context, query: str = typer.Argument(..., help="The query to explain.")
) -> None:
    """Show how a query is read: the tree, fields, and dates in absolute UTC."""
    try:
        tree = parse_query(query, now=_now(), tz=_home_timezone(home_of(ctx)))
    except QuerySyntaxError as exc:
        fail(str(exc))
    output.print_explain(tree)


@app.command("show")
def show_command(
    ctx: typer.Context,
    article_id: str = typer.Argument(..., help="The article id (from search results)."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole stored record as JSON."),
) -> None:
    """Print one article in full, with its fields."""
    store = _open_store(home_of(ctx), readonly=True)
    article = store.get(article_id)
    store.close()
    if article is None:
        fail(f"no article with id {article_id!r}", hint="ids are shown in search results")
    output.print_article(article, as_json=as_json)


@app.command("stats")
def stats_command(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print as JSON.")
) -> None:
    """Where the data home is and what it holds."""
    home = home_of(ctx)
    info: dict = {"home": str(home.root), "store": None, "index": None}
    if home.store_path.exists():
        store = _open_store(home, readonly=True)
        info["store"] = store.summary()
        store.close()
    location = IndexLocation.in_home(home.root)
    try:
        ix, meta = open_live_index(location)
        info["index"] = {"articles": ix.doc_count(), "bytes": index_size_bytes(location),
                         "schema": meta.get("schema"), "applied_seq": meta.get("applied_seq")}
        ix.close()
    except IndexUnavailable as exc:
        info["index_problem"] = str(exc)
    output.print_stats(info, as_json=as_json)


@app.command("demo")
def demo_command(ctx: typer.Context) -> None:
    """Ingest and index the bundled sample crawl, then show a few searches."""
    home = home_of(ctx)
    if home.store_path.exists():
        typer.echo(f"Using existing home {home.root} (sample files already ingested are skipped).")
    quiet = not sys.stderr.isatty()
    with _writer(home), _writing_errors(home):
        store, summary = _ingest_paths(home, [sample_path()], quiet=quiet)
        try:
            bring_index_up_to_date(store, IndexLocation.in_home(home.root))
        finally:
            store.close()
    output.print_ingest_summary(summary, home, as_json=False)
    typer.echo("\nTry:")
    for example in output.DEMO_QUERIES:
        typer.echo(f"  dateline --home {home.root} search {example}")


@app.command("serve")
def serve_command(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", help="Address to listen on (loopback only unless told)."),
    port: int = typer.Option(8080, help="Port to listen on."),
    threads: int = typer.Option(8, min=1, max=64, help="Worker threads."),
) -> None:
    """Serve the search page and its JSON API (read-only; notices index updates)."""
    from search.web.serve import serve  # Flask and waitress load only for this command

    try:
        serve(home_of(ctx), host=host, port=port, threads=threads, announce=typer.echo)
    except (IndexUnavailable, StoreError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")


def run() -> None:  # console-script entry point
    """Run the app; a bug still ends in one line (DATELINE_DEBUG=1 shows the traceback)."""
    try:
        app()
    except (KeyboardInterrupt, BrokenPipeError):
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence, see docstring
        if os.environ.get("DATELINE_DEBUG"):
            raise
        typer.echo(f"Error: unexpected failure ({type(exc).__name__}: {exc}); "
                   "rerun with DATELINE_DEBUG=1 and report it", err=True)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    run()
