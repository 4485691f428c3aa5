"""The `dateline` command line: checks input, calls the library, formats.

No search or ingest logic lives here. Every user-facing error passes through
`fail`, which prints one line (and a hint) to stderr and exits.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import NoReturn, Optional

import typer

from corpus import ArticleStore, Home, IngestError, StoreError, ingest
from corpus.sample import sample_path
from index import (IndexLocation, IndexUnavailable, index_size_bytes, open_live_index,
                   rebuild_index, sync_index)
from search import output
from search.archive import Archive
from search.engine import SORTS, SearchError, search as run_search
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
  date:2014  date:2014-09  date:2014-09-24  date:2014-09-01..2014-10-15\n
  date:>=2014-09-01  date:<2015  date:2014-09..  date:"24 Sep 2014"  date:last-7d  date:last-12m\n
  *  every article;  oil*  words starting with oil
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
    store, summary = _ingest_paths(home, paths, quiet=as_json)
    store.close()
    output.print_ingest_summary(summary, home, as_json=as_json)


@app.command("index")
def index_command(
    ctx: typer.Context,
    rebuild: bool = typer.Option(False, "--rebuild", help="Rebuild from the store into a fresh index."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Build the search index from the store, or bring it up to date."""
    home = home_of(ctx)
    store = _open_store(home)
    location = IndexLocation.in_home(home.root)
    started = time.perf_counter()
    try:
        if rebuild or location.current_dir() is None:
            with output.progress(quiet=as_json, label="index") as report:
                count = rebuild_index(store, location, progress=lambda d, t: report(d, t, ""))
            result = {"rebuilt": True, "articles": count}
        else:
            result = {"rebuilt": False, **sync_index(store, location)}
    except IndexUnavailable as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write the index in {location.root}: {exc.strerror or exc}")
    finally:
        store.close()
    result["seconds"] = round(time.perf_counter() - started, 3)
    output.print_index_result(result, as_json=as_json)


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


@app.command("search", help="Search the archive.\n\n" + QUERY_HELP)
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
) -> None:
    home = home_of(ctx)
    if sort not in SORTS:
        fail(f"--sort must be one of {', '.join(SORTS)}, not {sort!r}")
    archive = _open_archive(home)
    try:
        results = run_search(
            archive, query, since=since, until=until, person=person, place=place,
            source=source, tag=tag, sort=sort, limit=limit, page=page,
            facets=facets or as_json, now=_now(),
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


@app.command("explain")
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
    store, summary = _ingest_paths(home, [sample_path()], quiet=quiet)
    location = IndexLocation.in_home(home.root)
    try:
        if location.current_dir() is None:
            rebuild_index(store, location)
        else:
            sync_index(store, location)
    except IndexUnavailable as exc:
        fail(str(exc))
    finally:
        store.close()
    output.print_ingest_summary(summary, home, as_json=False)
    typer.echo("\nTry:")
    for example in output.DEMO_QUERIES:
        typer.echo(f"  dateline --home {home.root} search {example}")


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
