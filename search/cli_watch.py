"""`dateline watch ...`: saved searches that report what is new.

Each command is one call of `dateline.Archive` (`add_watch`, `watches`,
`watch`, `remove_watch`, `watch_news`); this module checks input and prints.
"""

from __future__ import annotations

import json
from typing import Optional

import typer

from dateline.search import output
from dateline.search.cli_support import archive_of, user_errors

watch_app = typer.Typer(help="Saved searches that report what each update brings.",
                        no_args_is_help=True)
FILTER_NAMES = ("person", "place", "source", "tag")


@watch_app.command("add", context_settings={"ignore_unknown_options": True})
def add_command(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="A name for the watch (letters, digits, . _ -)."),
    query: str = typer.Argument(..., help="The query, as `dateline search` takes it."),
    person: Optional[str] = typer.Option(None, help="Only articles about this person."),
    place: Optional[str] = typer.Option(None, help="Only articles about this place."),
    source: Optional[str] = typer.Option(None, help="Only articles from this source."),
    tag: Optional[str] = typer.Option(None, help="Only articles with this tag."),
    exec_command: Optional[str] = typer.Option(
        None, "--exec", help="After an update with news for this watch, run this shell command "
        "with the new hits as JSON on stdin (stopped after 30 s; a failure is logged, never fatal)."),
) -> None:
    """Save a search; later updates report the articles it finds among what they bring."""
    from dateline.search.options import Filters

    with user_errors():
        watch = archive_of(ctx).add_watch(
            name, query, Filters(person=person, place=place, source=source, tag=tag),
            exec=exec_command)
    typer.echo(f"Watching {watch['name']}: {_described(watch)}. Updates will report what is new.")


@watch_app.command("list")
def list_command(ctx: typer.Context,
                 as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """Every watch, with how many new articles it has not reported yet."""
    with user_errors():
        rows = archive_of(ctx).watches()["watches"]
    if as_json:
        typer.echo(json.dumps({"watches": rows}, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("No watches yet: dateline watch add NAME QUERY")
    for row in rows:
        typer.echo(f"{row['name']}: {_described(row)}  ({row['unreported']} new)")


@watch_app.command("show")
def show_command(ctx: typer.Context, name: str = typer.Argument(..., help="The watch's name."),
                 as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """One watch: its query, filters, command and unreported news."""
    with user_errors():
        row = archive_of(ctx).watch(name)
    if as_json:
        typer.echo(json.dumps(row, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{row['name']}\n  query: {row['query']}")
    for key in FILTER_NAMES:
        if key in row["filters"]:
            typer.echo(f"  --{key}: {row['filters'][key]}")
    if row["exec"]:
        typer.echo(f"  --exec: {row['exec']}")
    typer.echo(f"  created: {row['created']}\n  new, not yet reported: {row['unreported']}")


@watch_app.command("remove")
def remove_command(ctx: typer.Context,
                   name: str = typer.Argument(..., help="The watch's name.")) -> None:
    """Forget a watch and its news."""
    with user_errors():
        archive_of(ctx).remove_watch(name)
    typer.echo(f"Removed watch {name}.")


@watch_app.command("run")
def run_command(
    ctx: typer.Context,
    name: Optional[str] = typer.Argument(None, help="One watch (default: every watch)."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """What arrived since each watch last reported: its new articles, then
    they count as reported."""
    archive = archive_of(ctx)
    with user_errors():
        document = archive.watch_news(name, mark_reported=False)
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        _print_reports(document["watches"])
    with user_errors():  # shown: now they are reported (a run killed before shows them again)
        archive.mark_reported(document)


def _print_reports(reports: list[dict]) -> None:
    if not reports:
        typer.echo("No watches yet: dateline watch add NAME QUERY")
    for report in reports:
        new = report["new"]
        if not new:
            typer.echo(f"{report['name']}: nothing new")
            continue
        typer.echo(f"{report['name']}: {output.plural(len(new), 'new article')}")
        for hit in new:
            day = (hit["date"] or "undated")[:16].replace("T", " ")
            typer.echo(f"  {hit['title']}  [{day} · {hit['source'] or 'no source'}]  {hit['id']}")


def print_watch_news(result: dict) -> None:
    """The lines an update or index run ends with: one per watch that has news;
    a watch's failed --exec command as a warning on stderr."""
    for news in result.get("watches", ()):
        typer.echo(f"{news['new']} new for {news['name']}")
    for line in result.get("watch_warnings", ()):
        typer.echo(f"Warning: {line} (logged in watch-exec.log in the home)", err=True)


def _described(row: dict) -> str:
    filters = " ".join(f"--{k} {v!r}" for k, v in row["filters"].items())
    return repr(row["query"]) + (f" {filters}" if filters else "")
