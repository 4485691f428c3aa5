"""What every command shares: one-line failures, the home, the store and the archive."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import NoReturn

import typer

from dateline.corpus import ArticleStore, Home, StoreError
from dateline.index import IndexUnavailable
from dateline.search.archive import Archive
from dateline.search.dates import TimezoneConfigError, configured_timezone


def fail(message: str, *, hint: str | None = None, code: int = 2) -> NoReturn:
    typer.echo(f"Error: {message}", err=True)
    if hint:
        typer.echo(f"Hint: {hint}", err=True)
    raise typer.Exit(code)


def home_of(ctx: typer.Context) -> Home:
    """The command's home; one clear line when it names a file, not a directory."""
    home = ctx.obj["home"]
    if home.root.exists() and not home.root.is_dir():
        source = ctx.find_root().get_parameter_source("home")
        where = {"ENVIRONMENT": "$DATELINE_HOME", "COMMANDLINE": "--home"}.get(
            getattr(source, "name", ""), "the home")
        fail(f"{where} {home.root} is a file, not a directory")
    return home


def now() -> datetime:
    return datetime.now(timezone.utc)


def open_store(home: Home, *, readonly: bool = False) -> ArticleStore:
    try:
        return ArticleStore(home.store_path, readonly=readonly)
    except StoreError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot open the store in {home.root}: {exc.strerror or exc}")


def home_timezone(home: Home):
    """The zone date expressions are read in ($DATELINE_TZ, HOME/config.toml, else UTC)."""
    try:
        return configured_timezone(home.root)
    except TimezoneConfigError as exc:
        fail(str(exc))


def open_archive(home: Home) -> Archive:
    tz = home_timezone(home)
    try:
        return Archive(home, tz=tz)
    except (IndexUnavailable, StoreError) as exc:
        fail(str(exc))
