"""`dateline watch ...`: saved searches that report what is new.

The commands check input and print; keeping watches and finding their news
is `search/watches.py`, their hits `search/watch_news.py`.
"""

from __future__ import annotations

import json
from typing import Optional

import typer

from dateline.corpus import Home
from dateline.search import output
from dateline.search.cli_support import fail, home_of, home_timezone, now, open_store
from dateline.search.watches import FILTERS, News, WatchBook, WatchError

watch_app = typer.Typer(help="Saved searches that report what each update brings.",
                        no_args_is_help=True)


def _book(home: Home) -> WatchBook:
    try:
        return WatchBook(home.root)
    except OSError as exc:
        fail(f"cannot open the watches in {home.root}: {exc.strerror or exc}")


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
    from dateline.search.engine import SearchError, build_tree
    from dateline.search.options import Filters
    from dateline.search.parser import QuerySyntaxError

    home = home_of(ctx)
    filters = {"person": person, "place": place, "source": source, "tag": tag}
    try:  # a bad query is refused now, not at the first update
        build_tree(query, Filters(**filters), now=now(), tz=home_timezone(home))
    except (QuerySyntaxError, SearchError) as exc:
        fail(str(exc))
    seq = 0
    if home.store_path.exists():
        store = open_store(home, readonly=True)
        seq = store.last_seq()  # only what arrives from now on is news
        store.close()
    with _book(home) as book:
        try:
            watch = book.add(name, query, filters=filters, exec=exec_command, checked_seq=seq)
        except WatchError as exc:
            fail(str(exc))
        book.prepare(now=now(), tz=home_timezone(home))
    typer.echo(f"Watching {watch.name}: {_described(watch)}. Updates will report what is new.")


@watch_app.command("list")
def list_command(ctx: typer.Context,
                 as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """Every watch, with how many new articles it has not reported yet."""
    with _book(home_of(ctx)) as book:
        rows = [{**w.to_json(), "unreported": book.unreported_count(w.name)} for w in book.all()]
    if as_json:
        typer.echo(json.dumps({"watches": rows}, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("No watches yet: dateline watch add NAME QUERY")
    for row in rows:
        typer.echo(f"{row['name']}: {_described_row(row)}  ({row['unreported']} new)")


@watch_app.command("show")
def show_command(ctx: typer.Context, name: str = typer.Argument(..., help="The watch's name."),
                 as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """One watch: its query, filters, command and unreported news."""
    with _book(home_of(ctx)) as book:
        try:
            watch = book.get(name)
        except WatchError as exc:
            fail(str(exc))
        row = {**watch.to_json(), "unreported": book.unreported_count(name)}
    if as_json:
        typer.echo(json.dumps(row, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{row['name']}\n  query: {row['query']}")
    for key in FILTERS:
        if key in row["filters"]:
            typer.echo(f"  --{key}: {row['filters'][key]}")
    if row["exec"]:
        typer.echo(f"  --exec: {row['exec']}")
    typer.echo(f"  created: {row['created']}\n  new, not yet reported: {row['unreported']}")


@watch_app.command("remove")
def remove_command(ctx: typer.Context,
                   name: str = typer.Argument(..., help="The watch's name.")) -> None:
    """Forget a watch and its news."""
    with _book(home_of(ctx)) as book:
        try:
            book.remove(name)
        except WatchError as exc:
            fail(str(exc))
    typer.echo(f"Removed watch {name}.")


@watch_app.command("run")
def run_command(
    ctx: typer.Context,
    name: Optional[str] = typer.Argument(None, help="One watch (default: every watch)."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """What arrived since each watch last reported: its new articles, then
    they count as reported."""
    from dateline.search.watch_news import pending_news

    home = home_of(ctx)
    tz = home_timezone(home)
    store = open_store(home, readonly=True) if home.store_path.exists() else None
    with _book(home) as book:
        try:
            names = [name] if name else [w.name for w in book.all()]
            reports = [pending_news(book, store, n, tz=tz) if store else
                       (_empty(book, n), []) for n in names]
        except WatchError as exc:
            fail(str(exc))
        finally:
            if store is not None:
                store.close()
        if as_json:
            typer.echo(json.dumps({"watches": [r for r, _ in reports]}, ensure_ascii=False, indent=2))
        else:
            _print_reports([r for r, _ in reports])
        for report, ids in reports:  # shown: now they are reported
            book.mark_reported(report["name"], ids)


def _empty(book: WatchBook, name: str) -> dict:
    watch = book.get(name)
    return {"name": watch.name, "query": watch.query, "filters": watch.filters, "new": []}


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


def news_lines(news: list[News]) -> list[str]:
    """The lines an update ends with: one per watch that has news."""
    return [f"{len(n.article_ids)} new for {n.watch.name}" for n in news]


def news_json(news: list[News]) -> list[dict]:
    return [{"name": n.watch.name, "new": len(n.article_ids), "ids": n.article_ids} for n in news]


def _described(watch) -> str:
    return _described_row(watch.to_json())


def _described_row(row: dict) -> str:
    filters = " ".join(f"--{k} {v!r}" for k, v in row["filters"].items())
    return repr(row["query"]) + (f" {filters}" if filters else "")
