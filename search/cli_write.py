"""The commands that write the home: ingest, index, update, remove and demo.

Each is one call of `dateline.Archive`, which holds the home's writer lock
for the whole run; a busy home, a full disk or an unusable index comes back
as a `DatelineError`, printed as one line (`cli_support.user_errors`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from dateline.corpus.article import path_text
from dateline.corpus.sample import sample_path
from dateline.search import output
from dateline.search.cli_support import archive_of, fail, user_errors
from dateline.search.cli_watch import print_watch_news


# The exit status of an ingest or update that stored what it could and
# rejected some input (each in rejects.jsonl); 1 is an unexpected failure,
# 2 bad usage or input that stopped the command.
SOME_REJECTED = 3


def _exit_if_rejected(rejected: int) -> None:
    if rejected:
        raise typer.Exit(SOME_REJECTED)


class _ClusterNote:
    """Given the Dask cluster once the run is connected: says so on a terminal
    (address, workers, how inputs reach them, the dashboard) and keeps it for
    the progress line's count of workers."""

    def __init__(self, *, quiet: bool) -> None:
        self.quiet = quiet
        self.cluster = None

    def __call__(self, cluster) -> None:
        self.cluster = cluster
        if self.quiet or not sys.stderr.isatty():
            return
        sent = "bytes sent from here" if cluster.send_bytes else "paths (a shared filesystem)"
        dashboard = f", dashboard {link}" if (link := cluster.dashboard()) else ""
        typer.echo(f"Dask cluster {cluster.address}: {output.plural(cluster.workers(), 'worker')}, "
                   f"inputs as {sent}{dashboard}", err=True)


def _ingest_progress(report, note: _ClusterNote | None = None):
    def show(summary, path) -> None:
        cluster = note.cluster if note else None
        workers = f"{output.plural(cluster.workers(), 'worker')} " if cluster else ""
        report(summary.files, summary.read, workers + path_text(path.name))

    return show


CLUSTER_HELP = "Read on the Dask cluster whose scheduler is at this address (tcp://HOST:PORT); see docs/cluster.md."
WORKERS_HELP = "Read on a local Dask cluster of N worker processes started for the run."
INPUTS_HELP = ("With --cluster: send the workers the inputs' paths (they share this filesystem), their bytes, "
               "or auto (paths when every worker sees the first input).")


def ingest_command(
    ctx: typer.Context,
    paths: list[str] = typer.Argument(..., help="Files, folders (walked recursively) or URLs of files "
                                      "(http, https: see docs/cluster.md)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    cluster: Optional[str] = typer.Option(None, "--cluster", help=CLUSTER_HELP),
    workers: Optional[int] = typer.Option(None, "--workers", help=WORKERS_HELP),
    inputs: str = typer.Option("auto", "--inputs", help=INPUTS_HELP),
) -> None:
    """Read crawls (HTML, WARC, raw text pages, JSON lines, Reuters SGML) into the store."""
    archive = archive_of(ctx)
    note = _ClusterNote(quiet=as_json)
    with user_errors(), output.progress(quiet=as_json, label="ingest") as report:
        summary = archive.ingest(paths, progress=_ingest_progress(report, note), cluster=cluster,
                                 workers=workers, inputs=inputs, on_cluster=note)
    output.print_ingest_summary(summary, archive.home, as_json=as_json)
    _exit_if_rejected(summary["rejected"])


def index_command(
    ctx: typer.Context,
    rebuild: bool = typer.Option(False, "--rebuild", help="Rebuild from the store into a fresh index, "
                                 "using every core; searches use the old index until it is done."),
    optimize: bool = typer.Option(False, "--optimize", help="Merge the index into one segment."),
    engine: str = typer.Option(None, "--engine", help="With --rebuild (or for a first index): the "
                               "engine to index with from now on, whoosh (the default) or tantivy "
                               "(for large archives)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Build the search index from the store, or bring it up to date."""
    archive = archive_of(ctx)
    with user_errors(), output.progress(quiet=as_json, label="index") as report:
        result = archive.index(rebuild=rebuild, optimize=optimize, engine=engine,
                               progress=lambda done, total: report(done, total, ""))
    output.print_index_result(result, as_json=as_json)
    if optimize and not as_json:
        merged = result["optimized"]
        typer.echo(f"Optimized: {output.plural(merged['segments_before'], 'segment')} merged into "
                   f"{merged['segments_after']}"
                   + (" (the index written anew from the store: this engine cannot merge in place)."
                      if merged.get("rewritten") else "."))
    if not as_json:
        print_watch_news(result)


def update_command(
    ctx: typer.Context,
    paths: list[str] = typer.Argument(..., help="New crawl files, folders (walked recursively) or URLs "
                                      "of files."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    cluster: Optional[str] = typer.Option(None, "--cluster", help=CLUSTER_HELP),
    workers: Optional[int] = typer.Option(None, "--workers", help=WORKERS_HELP),
    inputs: str = typer.Option("auto", "--inputs", help=INPUTS_HELP),
) -> None:
    """Ingest a new crawl and bring the index up to date, in one step.

    Inputs already ingested and unchanged are skipped; only new, changed and
    removed articles touch the index. Running it twice changes nothing.
    """
    archive = archive_of(ctx)
    note = _ClusterNote(quiet=as_json)
    with user_errors(), output.progress(quiet=as_json, label="ingest") as report:
        result = archive.update(paths, progress=_ingest_progress(report, note), cluster=cluster,
                                workers=workers, inputs=inputs, on_cluster=note)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    else:
        output.print_ingest_summary(result["ingest"], archive.home, as_json=False)
        output.print_index_result(result["index"], as_json=False)
        print_watch_news(result)
    _exit_if_rejected(result["ingest"]["rejected"])


def remove_command(
    ctx: typer.Context,
    ids: list[str] = typer.Option([], "--id", help="An article id (repeat for more)."),
    source: Optional[str] = typer.Option(None, "--source", help="Every article from this source."),
    query: Optional[str] = typer.Option(None, "--query", help="Every article this search finds."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only count what would be removed."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Take articles out of the store and the index (by id, source or query)."""
    archive = archive_of(ctx)
    if sum(bool(x) for x in (ids, source, query)) != 1:
        fail("give exactly one of --id, --source or --query")
    if query:  # a bad query fails before the home is locked or the index touched
        with user_errors(prefix="--query: "):
            archive.explain(query)
    with user_errors():
        result = archive.remove(ids=ids, source=source, query=query, dry_run=dry_run)
    _print_remove_result(result, as_json=as_json)


def _print_remove_result(result: dict, *, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    elif result["dry_run"]:
        typer.echo(f"Would remove {output.plural(result['matched'], 'article')} (nothing was changed).")
        for article_id in result["ids"][:20]:
            typer.echo(f"  {article_id}")
        if result["matched"] > 20:
            typer.echo(f"  … and {result['matched'] - 20} more (--json lists them all)")
    else:
        missing = result["not_found"]
        typer.echo(f"Removed {result['removed']} of {output.plural(result['matched'], 'article')} from the store"
                   + (f"; not found: {', '.join(missing[:10])}" if missing else "") + ".")
        if result["index"] is not None:
            typer.echo(f"Index updated: {result['index'].get('deleted', 0)} removed.")


def demo_command(ctx: typer.Context) -> None:
    """Ingest and index the bundled sample crawl, then show a few searches."""
    archive = archive_of(ctx)
    if archive.home.store_path.exists():
        typer.echo(f"Using existing home {archive.home.root} (sample files already ingested are skipped).")
    quiet = not sys.stderr.isatty()
    with user_errors(), output.progress(quiet=quiet, label="ingest") as report:
        summary = archive.ingest([sample_path()], progress=_ingest_progress(report))
        archive.index()
    output.print_ingest_summary(summary, archive.home, as_json=False)
    typer.echo("\nTry:")
    for example in output.DEMO_QUERIES:
        typer.echo(f"  dateline --home {archive.home.root} search {example}")
