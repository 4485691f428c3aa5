"""The README is part of the product: its commands exist and its queries parse."""

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dateline.search.cli import app
from dateline.search.parser import parse_query
from tests.conftest import NOW

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)


def _syntax_table_queries() -> list[str]:
    section = README.split("## Query syntax", 1)[1].split("\n## ", 1)[0]
    queries = []
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            queries += re.findall(r"`([^`]+)`", first_cell)
    return queries


def _cli_example_queries() -> list[str]:
    queries = []
    for line in README.splitlines():
        if " search " in line and line.lstrip().startswith(("dateline", "python3")):
            words = shlex.split(line.split(" search ", 1)[1].split("#")[0].split("&&")[0])
            queries.append(words[0])
    return queries


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_is_in_the_readme(command):
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output
    assert f"dateline --home ~/news {command}" in README or f"dateline --home /tmp/dateline-demo {command}" in README


@pytest.mark.parametrize("query", _syntax_table_queries() + _cli_example_queries())
def test_every_readme_query_example_parses(query):
    parse_query(query.replace("…", "x"), now=NOW)


def test_readme_lists_enough_query_examples():
    assert len(_syntax_table_queries()) >= 20
    assert len(_cli_example_queries()) >= 3


def test_search_help_gives_the_phrase_slack_limit():
    result = CliRunner().invoke(app, ["search", "--help"], env={"COLUMNS": "200"})
    assert '"phrase"~N allows N words between (N at most 100)' in result.output
