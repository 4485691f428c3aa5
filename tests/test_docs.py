"""The documentation is part of the product: the README stays short, the CLI
reference is what `--help` says, every command, option and query operator is
documented by hand somewhere, and every documented example works."""

import re
import shlex
from pathlib import Path

import pytest

from dateline.search.cli import app
from dateline.search.cli_reference import REGENERATE, reference
from dateline.search.parser import parse_query
from dateline.search.query import FIELD_ALIASES
from tests.helpers import NOW, dateline

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
DOCS = {path.name: path.read_text() for path in sorted((ROOT / "docs").glob("*.md"))}
QUERY_LANGUAGE = DOCS["query-language.md"]
# What a person wrote (the generated reference documents everything by construction).
WRITTEN = README + "".join(text for name, text in DOCS.items() if name != "cli.md")
DEMO_HOME = "/tmp/dateline-demo"


def _commands():
    import typer

    group = typer.main.get_command(app)
    return group, sorted(group.commands)


def _options() -> list[tuple[str, str]]:
    group, names = _commands()
    pairs = [("(global)", opt) for p in group.params for opt in getattr(p, "opts", []) if opt.startswith("--")]
    for name in names:
        for param in group.commands[name].params:
            if param.param_type_name == "option":
                pairs += [(name, opt) for opt in param.opts if opt.startswith("--") and opt != "--help"]
    return pairs


def _table_queries(text: str) -> list[str]:
    """Every `code` in the first column of the query tables."""
    queries = []
    for line in text.splitlines():
        if line.startswith("| `"):
            queries += re.findall(r"`([^`]+)`", line.split("|")[1])
    return queries


def _shell_lines(text: str) -> list[str]:
    """The `dateline ...` lines of the ```sh blocks."""
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.DOTALL):
        lines += [line for line in block.splitlines() if line.startswith("dateline ")]
    return lines


def _cli_example_queries() -> list[str]:
    queries = []
    for line in _shell_lines(WRITTEN) + [
        line for line in README.splitlines() if line.startswith("python3 ") and " search " in line
    ]:
        words = shlex.split(line.split("#")[0].split("&&")[-1] if "&&" in line else line.split("#")[0])
        if "search" in words or "explain" in words:
            verb = "search" if "search" in words else "explain"
            queries.append(words[words.index(verb) + 1])
    return queries


def test_readme_is_at_most_150_lines():
    assert len(README.splitlines()) <= 150


def test_readme_links_only_to_files_that_exist():
    for target in re.findall(r"\]\(([^)#]+)\)", README):
        if "://" not in target:
            assert (ROOT / target).exists(), target


def test_cli_reference_is_generated_from_the_current_help():
    assert DOCS["cli.md"] == reference(app), f"docs/cli.md is stale: regenerate it with `{REGENERATE}`"


@pytest.mark.parametrize("command", _commands()[1])
def test_every_command_is_in_a_written_example(command):
    assert re.search(rf"dateline --home \S+ {command}\b", WRITTEN), f"no example of `dateline {command}`"


@pytest.mark.parametrize("command, option", _options())
def test_every_cli_option_is_documented_by_hand(command, option):
    """Named in README or docs/ on a line (or a paragraph) that names its command."""
    paragraphs = re.split(r"\n\s*\n", WRITTEN)
    named = [p for p in paragraphs if re.search(rf"{re.escape(option)}\b", p)]
    if command != "(global)":
        named = [p for p in named if re.search(rf"\b{command}\b", p)]
    assert named, f"`dateline {command} {option}` is not described in README.md or docs/"


QUERY_OPERATORS = (
    [f"{name}:" for name in FIELD_ALIASES]
    + ['"', "~", " OR ", "NOT ", "-", "(", "*", "..", ">=", "<", "last-7d", "last-12m"]
)


@pytest.mark.parametrize("operator", QUERY_OPERATORS)
def test_every_query_operator_is_in_the_query_table(operator):
    assert any(operator in query for query in _table_queries(QUERY_LANGUAGE)), operator


@pytest.mark.parametrize("query", _table_queries(QUERY_LANGUAGE) + _cli_example_queries())
def test_every_documented_query_parses(query):
    parse_query(query.replace("…", "x"), now=NOW)


def test_the_docs_list_enough_query_examples():
    assert len(_table_queries(QUERY_LANGUAGE)) >= 20
    assert len(_cli_example_queries()) >= 5


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo") / "home"
    assert dateline(root, "demo").exit_code == 0
    return root


@pytest.mark.slow
@pytest.mark.parametrize("line", [line for line in _shell_lines(WRITTEN) if DEMO_HOME in line])
def test_every_shell_example_of_the_sample_crawl_works(demo_home, line):
    args = shlex.split(line.split(" #")[0].split(">")[0])[3:]  # after `dateline --home DIR`
    result = dateline(demo_home, *args)
    assert result.exit_code == 0, result.output
    if args[0] == "search":
        assert not result.output.startswith("0 results") and '"total": 0,' not in result.output, result.output


def test_search_help_gives_the_phrase_slack_limit():
    result = dateline(Path("/nonexistent"), "search", "--help", env={"COLUMNS": "200"})
    assert '"phrase"~N allows N words between (N at most 100)' in result.output
