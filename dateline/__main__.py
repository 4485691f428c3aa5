"""`python -m dateline ...` is the `dateline` command."""

from dateline.search.cli import run

run()
