"""How the CLI shows things: Rich on a terminal, plain text when piped, JSON on request."""

from __future__ import annotations

import json
import re
import sys
import time
from contextlib import contextmanager
from datetime import timezone, tzinfo

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

DEMO_QUERIES = [
    "'\"central bank\"'",
    "'person:okafor'",
    "'place:kenya date:2025-03'",
    "'drought OR flood' --facets",
]


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


@contextmanager
def progress(*, quiet: bool, label: str):
    """A progress line on a terminal (items, rate); nothing when piped or quiet."""
    if quiet or not sys.stderr.isatty():
        yield lambda *args: None
        return
    started = time.perf_counter()
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                   TextColumn("{task.fields[info]}"), TimeElapsedColumn(),
                   console=Console(stderr=True), transient=True)
    with bar:
        task = bar.add_task(label, total=None, info="")

        def report(done: int, other: int, name: str) -> None:
            rate = done / max(time.perf_counter() - started, 1e-6)
            if label == "ingest":
                info = f"{done} files, {other} articles, {other / max(time.perf_counter() - started, 1e-6):.0f} articles/s {name}"
            else:
                info = f"{done}/{other} articles, {rate:.0f}/s"
                bar.update(task, total=other)
            bar.update(task, completed=done, info=info)

        yield report


def print_ingest_summary(summary: dict, home, *, as_json: bool) -> None:
    """`summary` is the document `ingest --json` prints (`Archive.ingest`'s result)."""
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    files, skipped = summary["files"], summary["files_skipped"]
    read = files - skipped
    unchanged = (f"{plural(skipped, 'file')} unchanged since "
                 f"{'it was' if skipped == 1 else 'they were'} last ingested, skipped")
    if files == 0:
        typer.echo("Nothing to ingest: no files found.")
    elif read == 0:
        typer.echo(f"Nothing new to ingest: {unchanged}.")
    else:
        typer.echo(
            f"Ingested {plural(read, 'file')}" + (f" ({unchanged})" if skipped else "")
            + f": {plural(summary['read'], 'article')} read, {summary['stored']} stored, "
            f"{summary['updated']} updated, {summary['unchanged']} unchanged, "
            f"{plural(summary['duplicates'], 'duplicate')}, {summary['rejected']} rejected."
        )
    if again := summary.get("people_from_later_stories"):
        typer.echo(f"  headlines read again: {again} × now naming a person whom later stories introduced")
    if moved := summary.get("reclustered"):
        typer.echo(f"  near-duplicates: {plural(moved, 'stored article')} "
                   "moved to another cluster by the current rule (docs/near-duplicates.md)")
    # The reasons come most common first (IngestSummary.as_dict).
    for reason, count in summary["rejected_by_reason"].items():
        typer.echo(f"  rejected: {count} × {reason}")
    # Not articles and not errors (a WARC's requests, images, redirects): counted
    # so the user can see every record of a crawl was looked at.
    for reason, count in summary["skipped_by_reason"].items():
        typer.echo(f"  skipped: {count} × {reason}")
    # Stored, but something in them was not (an implausible date, bad bytes).
    for reason, count in summary["dropped_by_reason"].items():
        typer.echo(f"  stored with a loss: {count} × {reason}")
    if summary["rejected"] or summary["duplicates"] or summary["dropped"]:
        typer.echo(f"Rejects, duplicates and losses are listed in {home.rejects_path}")


def print_index_result(result: dict, *, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    elif result["rebuilt"]:
        typer.echo(f"Indexed {plural(result['articles'], 'article')} in {result['seconds']} s.")
        if result.get("reclustered") is not None:
            typer.echo(f"Near-duplicates clustered by the current rule: "
                       f"{plural(result['reclustered'], 'article')} moved to another cluster.")
    else:
        typer.echo(f"Index updated: {result['added_or_updated']} added or changed, "
                   f"{result['deleted']} removed ({result['seconds']} s).")


def stale_index_note(pending: int) -> str | None:
    """The one line that says searches miss articles the index has not applied."""
    if not pending:
        return None
    return (f"Note: {plural(pending, 'article')} added, changed or removed in the store "
            f"{'is' if pending == 1 else 'are'} not in the index yet: run 'dateline index'")


def plural(count: int, word: str, many: str | None = None) -> str:
    """plural(1, "file") -> "1 file"; plural(2, "copy", "copies") -> "2 copies"."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def print_explain(tree) -> None:
    typer.echo("Query read as:")
    typer.echo(tree.explain(indent=2))
    typer.echo("")


def print_results(results, *, show_facets: bool, tz: tzinfo = timezone.utc) -> None:
    """`tz`: the home's zone, the one date filters use, so a hit shown as
    2025-04-01 is one that `date:2025-04-01` finds."""
    console = _console()
    tty = console.is_terminal
    shown = f"{(results.page - 1) * results.limit + 1}-{(results.page - 1) * results.limit + len(results.hits)}"
    typer.echo(
        f"{results.total} result{'s' if results.total != 1 else ''} for {results.query}"
        + (f" (showing {shown}, page {results.page} of {results.pages})" if results.hits else "")
        + f" in {results.took_ms:.0f} ms"
    )
    hidden = (results.total_articles or results.total) - results.total
    if hidden:
        typer.echo(f"{plural(hidden, 'near-duplicate copy', 'near-duplicate copies')} folded into "
                   f"their first hit ({results.total_articles} articles match; --all-copies lists them)")
    if results.suggestion:
        typer.echo(f"Did you mean: {results.suggestion}")
    if not results.hits and results.total:
        typer.echo(f"Page {results.page} is past the last page ({results.pages}).")
    for n, hit in enumerate(results.hits, start=(results.page - 1) * results.limit + 1):
        a = hit.article
        date = a.date.astimezone(tz).date().isoformat() if a.date else "undated"
        if a.date and a.date_source and a.date_source not in ("record", "metadata"):
            date += f" ({a.date_source})"
        where = (a.source or "-") + (f" · by {a.author}" if a.author else "")
        typer.echo("")
        if tty:
            console.print(f"[bold]{n}. {escape(a.title)}[/bold]  [dim]{date} · {escape(where)}[/dim]")
            console.print("   " + "".join(f"[bold yellow]{escape(t)}[/bold yellow]" if m else escape(t)
                                          for t, m in _one_line(hit.snippet.segments())))
            console.print(f"   [dim]id {escape(a.id)}{'  ' + escape(a.url) if a.url else ''}[/dim]")
        else:
            typer.echo(f"{n}. {a.title}  [{date} · {where}]")
            typer.echo("   " + "".join(f"**{t}**" if m else t for t, m in _one_line(hit.snippet.segments())))
            typer.echo(f"   id {a.id}{'  ' + a.url if a.url else ''}")
        if hit.similar:
            typer.echo(f"   and {hit.similar} similar")
    if show_facets and results.facets:
        print_facets(results.facets, words_sample=results.words_sample,
                     matched=results.total_articles or results.total)


def _one_line(segments):
    """A snippet's (text, matched) segments with every run of whitespace (blank
    lines between paragraphs) as one space, so each hit's snippet is one line."""
    for text, matched in segments:
        yield _SPACES.sub(" ", text), matched


_SPACES = re.compile(r"\s+")


def print_facets(facets: dict, *, words_sample: int | None = None, matched: int = 0) -> None:
    typer.echo("\nFacets (all results):")
    for name in ("people", "places", "sources", "tags", "words"):
        items = facets.get(name) or []
        if items:
            label = name
            if name == "words" and words_sample and words_sample < matched:
                label = f"words (of {words_sample:,} of the {matched:,} matches)"
            typer.echo(f"  {label}: " + ", ".join(f"{i['value']} ({i['count']})" for i in items))
    dates = facets.get("dates") or {}
    if dates.get("buckets"):
        typer.echo(f"  dates by {dates['bucket']}:")
        peak = max(b["count"] for b in dates["buckets"])
        for b in dates["buckets"]:
            typer.echo(f"    {b['start']}  {'#' * max(1, round(20 * b['count'] / peak))} {b['count']}")


def print_comparison(comparison) -> None:
    """Totals, then a table of counts per bucket: a column per query, then coverage."""
    for n, series in enumerate(comparison.series, start=1):
        typer.echo(f"{n}. {series.query}: {plural(series.total, 'article')}")
    if not comparison.starts:
        typer.echo("No dated article matches any of them.")
        return
    typer.echo(f"\nArticles by {comparison.bucket} (coverage: every article in the archive):")
    header = [comparison.bucket, *(str(n) for n in range(1, len(comparison.series) + 1)), "coverage"]
    rows = [[start.isoformat(), *(str(s.counts[i]) for s in comparison.series), str(comparison.coverage[i])]
            for i, start in enumerate(comparison.starts)]
    widths = [max(len(row[c]) for row in [header, *rows]) for c in range(len(header))]
    for row in [header, *rows]:
        typer.echo("  ".join(cell.rjust(w) if c else cell.ljust(w) for c, (cell, w) in enumerate(zip(row, widths))))


def print_article(article, *, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))
        return
    typer.echo(article.title)
    typer.echo("=" * min(len(article.title), 78))
    fields = [
        ("id", article.id),
        ("date", f"{article.date.isoformat()} (from {article.date_source})" if article.date else "undated"),
        ("source", article.source),
        ("by", article.author),
        ("url", article.url),
        ("people", "; ".join(article.people)),
        ("named", "; ".join(article.mentioned)),
        ("places", "; ".join(article.places)),
        ("tags", "; ".join(article.tags)),
        ("from", article.origin),
    ]
    for name, value in fields:
        if value:
            typer.echo(f"{name:>7}: {value}")
    typer.echo("")
    typer.echo(article.body)


def print_stats(info: dict, *, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(info, indent=2))
        return
    typer.echo(f"Home: {info['home']}")
    store = info.get("store")
    if not store:
        typer.echo("Store: empty (run 'dateline ingest PATH' or 'dateline demo')")
    else:
        typer.echo(f"Store: {store['articles']} articles ({store['undated']} undated), "
                   f"{store['first_date'] or '-'} to {store['last_date'] or '-'}")
        typer.echo("Sources: " + ", ".join(f"{k} ({v})" for k, v in store["sources"].items()))
    index = info.get("index")
    if index:
        typer.echo(f"Index: {index['articles']} articles, {index['bytes'] / 1e6:.1f} MB, "
                   f"{index['engine']} {index['engine_version']} engine")
        if note := stale_index_note(index.get("pending_changes", 0)):
            typer.echo(note)
    else:
        typer.echo(f"Index: none ({info.get('index_problem', '')})")
