"""The CLI reference in docs/cli.md, generated from the commands' own help.

    python -m dateline.search.cli_reference > docs/cli.md

The reference is read from the Click objects Typer builds (the same text
`--help` prints), not from a terminal rendering, so it does not depend on the
terminal's width or on Rich. `tests/test_docs.py` fails when docs/cli.md is
not what this prints, and names the command above.
"""

from __future__ import annotations

import typer

REGENERATE = "python -m dateline.search.cli_reference > docs/cli.md"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _param_rows(command) -> list[str]:
    """One row per argument and option, as `--help` prints it (its help record)."""
    context = typer.Context(command)
    rows = []
    for param in command.params:
        record = param.get_help_record(context)
        if record is not None:
            rows.append(f"| `{_cell(record[0])}` | {_cell(record[1])} |")
    return rows


def _usage(command, name: str) -> str:
    pieces = command.collect_usage_pieces(typer.Context(command, info_name=name))
    return " ".join(["dateline [--home DIR]", name, *pieces])


def _help_text(command) -> str:
    text = (command.help or "").replace("\b\n", "")
    lines = [line.rstrip() for line in text.replace("\n\n", "\n").splitlines()]
    return "\n".join(lines).strip()


def _command_section(name: str, command) -> list[str]:
    lines = [f"## `dateline {name}`", "", "```text", _usage(command, name), "", _help_text(command), "```", ""]
    rows = _param_rows(command)
    if rows:
        lines += ["| argument or option | what |", "| --- | --- |", *rows, ""]
    return lines


def reference(app: typer.Typer) -> str:
    group = typer.main.get_command(app)
    lines = [
        "# CLI reference",
        "",
        "<!-- Generated from the commands' help; do not edit by hand. Regenerate with:",
        f"     {REGENERATE} -->",
        "",
        _cell(group.help or ""),
        "",
        "Global options, given before the command:",
        "",
        "| option | what |",
        "| --- | --- |",
        *_param_rows(group),
        "",
    ]
    for name in sorted(group.commands):
        lines += _command_section(name, group.commands[name])
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    from dateline.search.cli import app

    print(reference(app), end="")


if __name__ == "__main__":
    main()
