"""The command line at its edges: wording, odd paths, pipes, pages past the end."""

import json
import os
import subprocess
import sys

import pytest

from tests.helpers import FIXTURES, cli, dateline, indexed_cli_home


def one_record(path, **fields):
    record = {"id": "pier", "title": "Harbour opens a new pier",
              "body": "The harbour office opened a new pier for the island ferries on Monday.\n\n"
                      "Pilots said the pier would shorten the morning crossing.", **fields}
    path.write_text(json.dumps(record) + "\n")
    return path


@pytest.fixture(scope="module")
def edge_home(tmp_path_factory):
    return indexed_cli_home(tmp_path_factory, "edges")


def test_one_file_and_one_article_are_counted_in_the_singular(tmp_path):
    result = dateline(tmp_path / "h", "ingest", str(one_record(tmp_path / "one.jsonl")))
    assert result.stdout.splitlines()[0] == ("Ingested 1 file: 1 article read, 1 stored, 0 updated, "
                                             "0 unchanged, 0 duplicates, 0 rejected.")


def test_an_ingest_with_nothing_new_says_so(tmp_path):
    src = one_record(tmp_path / "one.jsonl")
    dateline(tmp_path / "h", "ingest", str(src))
    result = dateline(tmp_path / "h", "ingest", str(src))
    assert result.stdout == "Nothing new to ingest: 1 file unchanged since it was last ingested, skipped.\n"


def test_remove_dry_run_and_optimize_count_in_the_singular(tmp_path):
    home = tmp_path / "h"
    dateline(home, "ingest", str(one_record(tmp_path / "one.jsonl")))
    assert dateline(home, "index").exit_code == 0
    result = dateline(home, "remove", "--id", "pier", "--dry-run")
    assert result.stdout.splitlines()[0] == "Would remove 1 article (nothing was changed)."
    result = dateline(home, "index", "--optimize")
    assert result.stdout.splitlines()[-1] == "Optimized: 1 segment merged into 1."


def test_a_page_past_the_last_says_so(edge_home):
    result = dateline(edge_home, "search", "*", "--limit", "5", "--page", "7")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1] == "Page 7 is past the last page (3)."


def test_a_printed_snippet_is_one_line(tmp_path):
    home = tmp_path / "h"
    dateline(home, "ingest", str(one_record(tmp_path / "one.jsonl")))
    dateline(home, "index")
    lines = dateline(home, "search", "pier").stdout.splitlines()
    snippet = lines[lines.index("1. Harbour opens a new pier  [undated · -]") + 1]
    assert snippet == ("   The harbour office opened a new **pier** for the island ferries on Monday. "
                       "Pilots said the **pier** would shorten the morning crossing.")


def test_remove_with_a_malformed_query_gives_the_parsers_error(edge_home):
    result = dateline(edge_home, "remove", "--query", "(", "--dry-run")
    assert result.exit_code == 2
    assert result.stderr == "Error: --query: unclosed parenthesis at column 1 of query: (\n"


def test_curly_quotes_search_a_phrase(edge_home):
    curly = json.loads(dateline(edge_home, "search", "\u201cbank of england\u201d", "--json").stdout)
    straight = json.loads(dateline(edge_home, "search", '"bank of england"', "--json").stdout)
    assert curly["total"] == straight["total"] == 2


def test_a_named_pipe_in_a_crawl_folder_is_reported_not_waited_on(tmp_path):
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    one_record(crawl / "one.jsonl")
    os.mkfifo(crawl / "feed.txt")
    for name in ("a.txt", "b.txt", "c.txt"):  # enough pages for the boilerplate pass to read the folder
        (crawl / name).write_text("Ferry news\n\nThe ferry left the harbour on time this morning, "
                                  "the pilots and the harbour office said.\n")
    home = tmp_path / "h"
    result = subprocess.run([sys.executable, "-m", "dateline.search.cli", "--home", str(home), "ingest",
                             str(crawl)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 3, result.stderr  # some input rejected
    assert "rejected: 1 × not a regular file" in result.stdout
    rejects = [json.loads(line) for line in (home / "rejects.jsonl").read_text().splitlines()]
    assert {"input": str(crawl / "feed.txt"), "reason": "not a regular file (a named pipe)"}.items() \
        <= [r for r in rejects if r["input"].endswith("feed.txt")][0].items()


def test_ingest_of_a_missing_file_creates_nothing_in_the_home(tmp_path):
    home = tmp_path / "h"
    result = dateline(home, "ingest", "/nonexistent/x.jsonl")
    assert result.exit_code == 2
    assert result.stderr == "Error: /nonexistent/x.jsonl: no such file or directory\n"
    assert not home.exists()


@pytest.mark.parametrize("command", [["search", "oil"], ["stats"], ["ingest", str(FIXTURES)],
                                     ["index"], ["show", "x"], ["explain", "oil"],
                                     ["remove", "--id", "x"], ["serve"], ["demo"]])
def test_a_home_that_is_a_file_is_one_clear_error(tmp_path, command):
    home = tmp_path / "notes.txt"
    home.write_text("not a home\n")
    result = dateline(home, *command)
    assert result.exit_code == 2
    assert result.stderr == f"Error: --home {home} is a file, not a directory\n"


def test_a_home_from_the_environment_that_is_a_file_names_the_variable(tmp_path):
    home = tmp_path / "notes.txt"
    home.write_text("not a home\n")
    result = cli("stats", env={"DATELINE_HOME": str(home)})
    assert result.stderr == f"Error: $DATELINE_HOME {home} is a file, not a directory\n"


def test_search_piped_into_a_reader_that_stops_exits_quietly(edge_home):
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader (`| head`) has stopped before the results come
    try:
        search = subprocess.run([sys.executable, "-m", "dateline.search.cli", "--home", str(edge_home),
                                 "search", "oil"], stdout=write_end, stderr=subprocess.PIPE,
                                text=True, timeout=120)
    finally:
        os.close(write_end)
    assert (search.returncode, search.stderr) == (0, "")
