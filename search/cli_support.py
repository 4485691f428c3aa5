"""What every command shares: one-line failures, and the home's Archive."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from typing import NoReturn

import typer

from dateline.archive import Archive, DatelineError, NotFound
from dateline.corpus import Home


def fail(message: str, *, hint: str | None = None, code: int = 2) -> NoReturn:
    typer.echo(f"Error: {message}", err=True)
    if hint:
        typer.echo(f"Hint: {hint}", err=True)
    raise typer.Exit(code)


@contextmanager
def user_errors(*, prefix: str = ""):
    """A DatelineError (a problem the user can fix) as one line and exit status 2."""
    try:
        yield
    except NotFound as exc:
        fail(prefix + str(exc), hint="ids are shown in search results")
    except DatelineError as exc:
        fail(prefix + str(exc))


def home_of(ctx: typer.Context) -> Home:
    """The command's home; one clear line when it names a file, not a directory."""
    home = ctx.obj["home"]
    if home.root.exists() and not home.root.is_dir():
        source = ctx.find_root().get_parameter_source("home")
        where = {"ENVIRONMENT": "$DATELINE_HOME", "COMMANDLINE": "--home"}.get(
            getattr(source, "name", ""), "the home")
        fail(f"{where} {home.root} is a file, not a directory")
    return home


def archive_of(ctx: typer.Context) -> Archive:
    """The command's home as an Archive, reading the clock at each call."""
    return Archive(home_of(ctx), clock=now)


def now() -> datetime:
    return datetime.now(timezone.utc)
