"""The `dateline` command line: checks input, calls the library, formats.

No search or ingest logic lives here. Every user-facing error passes through
`fail`, which prints one line (and a hint) to stderr and exits.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from typer.core import TyperGroup

from dateline.archive import Archive, DatelineError
from dateline.corpus import Home
from dateline.search import cli_watch, cli_write, output
from dateline.search.cli_support import archive_of, fail, home_of, user_errors


class _QuietPipe(TyperGroup):
    """`dateline search … | head`: the reader has what it wanted; stop quietly
    (Click would exit 1), with stdout pointed at nothing so the final flush
    does not complain either."""

    def main(self, args=None, *rest, **kwargs):
        return super().main(_bare_facets(sys.argv[1:] if args is None else list(args)), *rest, **kwargs)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None


def _bare_facets(args: list[str]) -> list[str]:
    """`--facets` alone means the top 10 (`--facets N` the top N): the option
    was a flag before it took a number, and Typer has no optional values."""
    out = []
    for n, arg in enumerate(args):
        if arg == "--":
            return out + args[n:]
        following = args[n + 1] if n + 1 < len(args) else ""
        out.append("--facets=10" if arg == "--facets" and not following.isdigit() else arg)
    return out


app = typer.Typer(
    cls=_QuietPipe,
    help="Dateline: search engine for news archives (ingest crawls, index, search).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

QUERY_HELP = """\
Query syntax:\n
  words          all required; every form matches (price finds prices)\n
  "exact phrase" adjacent, in order, not stemmed; "phrase"~N allows N words between (N at most 100)\n
  a OR b, NOT a, -a, ( )   boolean; AND is implied\n
  person: place: source: tag: title: url: site: author:   fields (aliases people: places: tags: by:)\n
  person:lavrov  any word of the name;  person:"sergey lavrov"  the whole name\n
  place:(syria OR iraq)  a field applied to a group;  url:"https://…"  site:example.com\n
  date:2014  date:2014-09  date:2014-09-24  date:2014-09-01..2014-10-15\n
  date:>=2014-09-01  date:<2015  date:2014-09..  date:"24 Sep 2014"  date:last-7d  date:last-12m\n
  dates are whole days in UTC, or in the zone set by $DATELINE_TZ or timezone= in HOME/config.toml\n
  *  every article;  oil*  words starting with oil;  dollar~2  words within 2 edits (~1: one; ~ alone: two)\n
  place:uk  place:u.s.  place:ussr  place:french   a place by any name or code the gazetteer knows\n
Results: near-duplicate copies are folded into their first hit ("and N similar"; \
--all-copies lists them); total counts results as listed. Undated articles sort \
last. A query that finds little gets "Did you mean". --format jsonl|csv|kwic \
exports every hit (kwic: one tab-separated line per match with its context).
"""


@app.callback()
def main(
    ctx: typer.Context,
    home: Optional[Path] = typer.Option(
        None, "--home", envvar="DATELINE_HOME",
        help="Data home (default: $DATELINE_HOME, else ~/.local/share/dateline).",
    ),
) -> None:
    ctx.obj = {"home": Home.resolve(home)}


# The commands that write the home live in cli_write; these are read-only.
app.command("ingest")(cli_write.ingest_command)
app.command("index")(cli_write.index_command)
app.command("update")(cli_write.update_command)
app.command("remove")(cli_write.remove_command)
app.add_typer(cli_watch.watch_app, name="watch")


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
    facets: int = typer.Option(
        0, "--facets", metavar="[N]",
        help="Show the top N (default 10, at most 100) people, places, sources, tags and "
             "distinguishing words, and counts by date."),
    explain: bool = typer.Option(False, "--explain", help="Show how the query was read, then search."),
    as_json: bool = typer.Option(False, "--json", help="Print results as JSON."),
    all_copies: bool = typer.Option(
        False, "--all-copies", help="List near-duplicate copies separately instead of collapsed."),
    export_format: Optional[str] = typer.Option(
        None, "--format", help="Export ALL hits (no paging) as jsonl, csv or kwic (one line per match)."),
) -> None:
    # Imported here, not at the top: the options load the engine's small
    # module only; the engine and numpy load when the search runs.
    from dateline.search.options import SORTS, TOP_VALUES, Filters, SearchOptions

    if sort not in SORTS:
        fail(f"--sort must be one of {', '.join(SORTS)}, not {sort!r}")
    archive = archive_of(ctx)
    options = SearchOptions(
        Filters(since=since, until=until, person=person, place=place, source=source, tag=tag),
        sort=sort, limit=limit, page=page, facets=bool(facets) or as_json,
        facet_size=facets or TOP_VALUES, all_copies=all_copies,
    )
    if export_format is not None:
        _export_command(archive, query, export_format, options, as_json=as_json)
        return
    with user_errors():
        try:
            results = archive.results(query, options)
            _note_stale_index(archive)
        finally:
            archive.close()
    if as_json:
        typer.echo(json.dumps(results.to_json(), ensure_ascii=False, indent=2))
        return
    if explain:
        output.print_explain(results.tree)
    output.print_results(results, show_facets=facets, tz=archive.tz)


def _export_command(archive: Archive, query: str, fmt: str, options, *, as_json: bool) -> None:
    """`search --format`: every hit, written to stdout as it is read."""
    from dateline.search.export import FORMATS as EXPORT_FORMATS, write_export

    if fmt not in EXPORT_FORMATS:
        fail(f"--format must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}")
    if as_json:
        fail("--format and --json cannot be combined: --format jsonl writes one JSON object per hit")
    with user_errors():
        try:
            hits = archive.export(query, options)
            _note_stale_index(archive)
            write_export(hits, fmt, sys.stdout)
            sys.stdout.flush()
        finally:
            archive.close()


def _note_stale_index(archive: Archive) -> None:
    """On stderr, so --json and --format output stay clean."""
    if note := output.stale_index_note(archive.pending_changes()):
        typer.echo(note, err=True)


@app.command("compare", context_settings={"ignore_unknown_options": True})
def compare_command(
    ctx: typer.Context,
    queries: list[str] = typer.Argument(..., help="One to six queries (quote each)."),
    since: Optional[str] = typer.Option(None, help="Only articles on or after this date."),
    until: Optional[str] = typer.Option(None, help="Only articles on or before this date (inclusive)."),
    person: Optional[str] = typer.Option(None, help="Only articles about this person (every query)."),
    place: Optional[str] = typer.Option(None, help="Only articles about this place (every query)."),
    source: Optional[str] = typer.Option(None, help="Only articles from this source (and coverage)."),
    tag: Optional[str] = typer.Option(None, help="Only articles with this tag (every query)."),
    as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON."),
    table_format: Optional[str] = typer.Option(
        None, "--format", help="csv: one row per bucket, a column per query, then coverage."),
) -> None:
    """Matches of several queries over time, beside the archive's coverage."""
    from dateline.search.options import Filters

    if table_format not in (None, "csv"):
        fail(f"--format must be csv, not {table_format!r}")
    if as_json and table_format:
        fail("--format and --json cannot be combined")
    archive = archive_of(ctx)
    filters = Filters(since=since, until=until, person=person, place=place, source=source, tag=tag)
    with user_errors():
        try:
            comparison = archive.comparison(queries, filters)
        finally:
            archive.close()
    if as_json:
        typer.echo(json.dumps(comparison.to_json(), ensure_ascii=False, indent=2))
    elif table_format == "csv":
        import csv

        csv.writer(sys.stdout).writerows(comparison.csv_rows())
    else:
        output.print_comparison(comparison)


@app.command("explain", context_settings={"ignore_unknown_options": True})  # "-x" is a query
def explain_command(
    ctx: typer.Context, query: str = typer.Argument(..., help="The query to explain.")
) -> None:
    """Show how a query is read: the tree, fields, and dates in absolute UTC."""
    with user_errors():
        tree = archive_of(ctx).explain(query)
    output.print_explain(tree)


@app.command("show")
def show_command(
    ctx: typer.Context,
    article_id: str = typer.Argument(..., help="The article id (from search results)."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole stored record as JSON."),
) -> None:
    """Print one article in full, with its fields."""
    with user_errors():
        article = archive_of(ctx).article(article_id)
    if article is None:
        fail(f"no article with id {article_id!r}", hint="ids are shown in search results")
    output.print_article(article, as_json=as_json)


@app.command("stats")
def stats_command(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print as JSON.")
) -> None:
    """Where the data home is and what it holds."""
    with user_errors():
        info = archive_of(ctx).stats()
    output.print_stats(info, as_json=as_json)


app.command("demo")(cli_write.demo_command)


@app.command("serve")
def serve_command(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", help="Address to listen on (loopback only unless told)."),
    port: int = typer.Option(8080, help="Port to listen on (1 to 65535; 0 picks a free one)."),
    threads: int = typer.Option(8, min=1, max=64, help="Worker threads."),
    cache: bool = typer.Option(True, "--cache/--no-cache", help="Answer a repeated search from "
                               "memory (the last 256); --no-cache runs every search, as a load "
                               "test of distinct queries needs."),
    processes: int = typer.Option(1, min=1, max=64, help="Worker processes sharing the address "
                                  "(each with --threads threads): more than one uses more cores."),
    worker_fd: int = typer.Option(-1, "--worker-fd", hidden=True,
                                  help="(internal) serve this listening socket as a worker."),
    ready_fd: int = typer.Option(-1, "--ready-fd", hidden=True,
                                 help="(internal) a worker's pipe to say it can answer."),
    balance_fd: int = typer.Option(-1, "--balance-fd", hidden=True,
                                   help="(internal) the workers' counts of open connections."),
    worker_slot: int = typer.Option(0, "--worker-slot", hidden=True,
                                    help="(internal) this worker's place in those counts."),
) -> None:
    """Serve the search page and its JSON API (read-only; notices index updates)."""
    from dateline.search.web.serve import BadAddress, serve, serve_worker  # Flask and waitress load only here

    if not 0 <= port <= 65535:
        fail(f"--port must be between 1 and 65535 (or 0 for any free port), not {port}")
    try:
        if worker_fd >= 0:
            serve_worker(home_of(ctx), fd=worker_fd, threads=threads, cache=cache, ready_fd=ready_fd,
                         balance_fd=balance_fd, slot=worker_slot)
            return
        serve(home_of(ctx), host=host, port=port, threads=threads, cache=cache, processes=processes,
              announce=typer.echo)
    except (DatelineError, BadAddress) as exc:
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
