"""The commands that write the home: ingest, index, update, remove and demo.

Each holds the home's writer lock for its whole run and turns a busy home, a
full disk or an unusable index into one line (see `writer`, `writing_errors`).
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer

from dateline.corpus import ArticleStore, Home, IngestError
from dateline.corpus.home import HomeVersionError
from dateline.corpus.lock import HomeBusy
from dateline.corpus.sample import sample_path
from dateline.index import (IndexLocation, IndexUnavailable, bring_index_up_to_date, optimize_index,
                   rebuild_index, remove_articles, update_archive, writing_home)
from dateline.search import output
from dateline.search.cli_support import fail, home_of, home_timezone, now, open_archive, open_store
from dateline.search.parser import QuerySyntaxError, parse_query


def _ingest_paths(home: Home, paths: list[Path], *, quiet: bool):
    store = open_store(home)
    from dateline.corpus.ingestion import ingest  # the readers load only for the commands that read

    with output.progress(quiet=quiet, label="ingest") as report:
        try:
            summary = ingest(paths, store, home.rejects_path, now=now(),
                             progress=lambda s, p: report(s.files, s.read, p.name))
        except IngestError as exc:
            fail(str(exc))
        except OSError as exc:
            fail(f"cannot write to {home.root}: {exc.strerror or exc}")
    return store, summary


def ingest_command(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="Files or folders (walked recursively)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Read crawls (HTML, WARC, raw text pages, JSON lines, Reuters SGML) into the store."""
    home = home_of(ctx)
    _check_inputs(paths)
    with _writer(home):
        store, summary = _ingest_paths(home, paths, quiet=as_json)
        store.close()
    output.print_ingest_summary(summary, home, as_json=as_json)


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
        store = open_store(home)
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
        typer.echo(f"Optimized: {output.plural(merged['segments_before'], 'segment')} merged into "
                   f"{merged['segments_after']}.")


def _check_inputs(paths: list[Path]) -> None:
    """A mistyped path fails before the home is created or locked."""
    for path in paths:
        if not path.exists():
            fail(f"{path}: no such file or directory")


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
    _check_inputs(paths)
    started = time.perf_counter()
    with _writer(home), _writing_errors(home):
        store = open_store(home)
        try:
            with output.progress(quiet=as_json, label="ingest") as report:
                summary, index = update_archive(
                    store, home, paths, now=now(),
                    ingest_progress=lambda s, p: report(s.files, s.read, p.name))
        finally:
            store.close()
    index["seconds"] = round(time.perf_counter() - started, 3)
    if as_json:
        typer.echo(json.dumps({"ingest": summary.as_dict(), "index": index}, indent=2))
        return
    output.print_ingest_summary(summary, home, as_json=False)
    output.print_index_result(index, as_json=False)


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
    if query:  # a bad query fails before the home is locked or the index touched
        try:
            parse_query(query, now=now(), tz=home_timezone(home))
        except QuerySyntaxError as exc:
            fail(f"--query: {exc}")
    with _writer(home), _writing_errors(home):
        store = open_store(home)
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


def _ids_to_remove(home: Home, store: ArticleStore, ids, source, query) -> list[str]:
    from dateline.search.engine import SearchError, matching_ids  # numpy: only when a query is run

    if ids:
        return list(dict.fromkeys(ids))
    if source:
        return store.ids_by_source(source)
    # A query is answered by the index, so bring it up to date with the store first.
    bring_index_up_to_date(store, IndexLocation.in_home(home.root))
    archive = open_archive(home)
    try:
        # Every matching article, near-duplicate copies included: a takedown
        # that left the copies behind would not be one.
        return matching_ids(archive, query, now=now())
    except (QuerySyntaxError, SearchError) as exc:
        fail(str(exc))
    finally:
        archive.close()


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
