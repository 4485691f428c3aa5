"""The dateline command as a user runs it: output, errors, exit codes."""

import json

import pytest

from tests.helpers import FIXTURES, cli, dateline, indexed_cli_home


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory):
    return indexed_cli_home(tmp_path_factory, "cli")


def test_ingest_prints_a_summary(tmp_path):
    result = dateline(tmp_path / "h", "ingest", str(FIXTURES))
    assert result.exit_code == 3, result.output  # stored what it could, rejected some input
    # articles.jsonl (12), raw-page.txt (1), crawl/harbourtimes: 2 articles and an index page
    assert "Ingested 5 files: 15 articles read, 15 stored" in result.output


def test_ingest_json_summary_is_quiet_and_parses(tmp_path):
    result = dateline(tmp_path / "h", "ingest", "--json", str(FIXTURES / "articles.jsonl"))
    assert json.loads(result.stdout)["stored"] == 12


def test_ingest_of_a_missing_path_names_it(tmp_path):
    result = dateline(tmp_path / "h", "ingest", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path / 'nope'}: no such file or directory\n"


def test_search_json_follows_the_contract(cli_home):
    result = dateline(cli_home, "search", '"bank of england"', "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["total"] == 2
    assert {h["id"] for h in doc["hits"]} == {"boe-holds", "undated-essay"}
    for hit in doc["hits"]:
        assert set(hit) >= {"id", "title", "date", "url", "source", "author", "people", "places",
                            "tags", "score", "snippet"}
        assert "<mark>Bank of England</mark>" in hit["snippet"]
    assert {h["id"]: h["author"] for h in doc["hits"]}["boe-holds"] == "Helen Marsh"
    assert "facets" in doc


def test_search_prints_title_date_source_and_marked_snippet(cli_home):
    result = dateline(cli_home, "search", "person:lavrov", "--sort", "oldest")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("2 results for person:lavrov")
    assert "1. Lavrov addresses the Security Council  [2014-10-01 · Reuters]" in lines


def test_a_result_with_a_byline_names_its_author(cli_home):
    result = dateline(cli_home, "search", "author:marsh")
    assert "1. Bank of England holds interest rates  [2014-09-24 · Reuters · by Helen Marsh]" in (
        result.stdout.splitlines())
    assert "by: Helen Marsh" in dateline(cli_home, "show", "boe-holds").stdout


def test_malformed_query_is_one_line_and_exit_2(cli_home):
    result = dateline(cli_home, "search", 'oil "price')
    assert result.exit_code == 2
    assert result.stderr == 'Error: unclosed quote at column 5 of query: oil "price\n'
    assert result.stdout == ""


def test_unknown_field_error_lists_fields(cli_home):
    result = dateline(cli_home, "search", "writer:smith")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: unknown field 'writer:' at column 1")
    assert "known fields: author:, date:" in result.stderr


def test_bad_since_option_is_an_error(cli_home):
    result = dateline(cli_home, "search", "*", "--since", "someday")
    assert result.exit_code == 2
    assert result.stderr == "Error: --since/--until: cannot read date 'someday'\n"


def test_since_takes_one_date_not_a_range(cli_home):
    result = dateline(cli_home, "search", "*", "--since", "2014-01..2014-02")
    assert result.exit_code == 2
    assert result.stderr == ("Error: --since takes one date (like 2014-09-01 or 2014-09), "
                             "not '2014-01..2014-02'\n")


def test_search_without_index_says_what_to_run(tmp_path):
    result = dateline(tmp_path / "empty", "search", "oil")
    assert result.exit_code == 2
    assert "run 'dateline index'" in result.stderr or "run 'dateline ingest'" in result.stderr


def test_show_prints_the_article_and_json_record(cli_home):
    result = dateline(cli_home, "show", "lavrov-un")
    assert result.exit_code == 0
    assert result.stdout.startswith("Lavrov addresses the Security Council\n")
    assert "people: Sergey Lavrov" in result.stdout
    record = json.loads(dateline(cli_home, "show", "lavrov-un", "--json").stdout)
    assert record["places"] == ["Russia", "Syria", "United States"]
    missing = dateline(cli_home, "show", "nope")
    assert missing.exit_code == 2 and missing.stderr.startswith("Error: no article with id 'nope'")


def test_stats_reports_store_and_index(cli_home):
    info = json.loads(dateline(cli_home, "stats", "--json").stdout)
    assert info["store"]["articles"] == 12
    assert info["index"]["articles"] == 12
    assert info["store"]["undated"] == 1


def test_explain_prints_the_tree(cli_home):
    result = dateline(cli_home, "search", "oil date:2014-10", "--explain")
    assert "Query read as:" in result.stdout
    assert "DateRange('2014-10' -> [2014-10-01T00:00:00+00:00, 2014-11-01T00:00:00+00:00) UTC)" in result.stdout


def test_home_from_environment(cli_home):
    result = cli("stats", "--json", env={"DATELINE_HOME": str(cli_home)})
    assert json.loads(result.stdout)["home"] == str(cli_home)


@pytest.mark.slow
def test_demo_ingests_and_indexes_the_sample_crawl(tmp_path):
    home = tmp_path / "demo"
    result = dateline(home, "demo")
    assert result.exit_code == 0, result.output
    assert "32 articles read, 32 stored" in result.stdout
    found = json.loads(dateline(home, "search", "place:kenya date:2025-03", "--json").stdout)
    assert found["total"] == 4  # three wire stories and the raw page dated from its text
    again = dateline(home, "demo")  # a second run changes nothing
    assert "Nothing new to ingest: 7 files unchanged since they were last ingested, skipped." in again.stdout


@pytest.mark.parametrize("query", ["date:9999", "date:last-9999y", "date:2025..9999-12-31",
                                   "date:>9999-12-31"])
def test_a_date_past_the_calendar_is_a_one_line_query_error(cli_home, query):
    result = dateline(cli_home, "search", query)
    assert result.exit_code == 2
    date = query.removeprefix("date:")
    assert result.stderr == (f"Error: date '{date}' is out of range (dates must fall within the "
                             f"years 1 to 9998) at column 1 of query: {query}\n")


def test_a_since_past_the_calendar_is_a_one_line_error(cli_home):
    result = dateline(cli_home, "search", "*", "--since", "9999")
    assert result.exit_code == 2
    assert result.stderr == ("Error: --since/--until: date '9999' is out of range (dates must fall "
                             "within the years 1 to 9998)\n")


def test_deeply_nested_parentheses_are_a_one_line_query_error(cli_home):
    query = "(" * 250 + "oil" + ")" * 250
    result = dateline(cli_home, "search", query)
    assert result.exit_code == 2
    assert result.stderr == (f"Error: parentheses nested too deeply (limit 50) at column 51 of "
                             f"query: {query}\n")


def test_serve_refuses_a_port_outside_the_port_range(cli_home):
    result = dateline(cli_home, "serve", "--port", "99999")
    assert result.exit_code == 2
    assert result.stderr == ("Error: --port must be between 1 and 65535 (or 0 for any free port), "
                             "not 99999\n")


def test_serve_refuses_a_host_that_is_no_address(cli_home):
    result = dateline(cli_home, "serve", "--host", "256.1.1.1")
    assert result.exit_code == 2
    assert result.stderr == ("Error: --host '256.1.1.1' is not an IP address or a host name "
                             "that resolves\n")


def test_search_and_stats_say_when_the_store_has_articles_the_index_has_not(tmp_path):
    home = tmp_path / "home"
    assert dateline(home, "ingest", str(FIXTURES / "articles.jsonl")).exit_code == 0
    assert dateline(home, "index").exit_code == 0
    fresh = tmp_path / "fresh.jsonl"
    fresh.write_text(json.dumps({"id": "new-pier", "title": "Harbour opens a new pier",
                                 "body": "The harbour office opened a new pier for the ferries."}) + "\n")
    assert dateline(home, "ingest", str(fresh)).exit_code == 0
    note = "Note: 1 article added, changed or removed in the store is not in the index yet: run 'dateline index'\n"
    result = dateline(home, "search", "pier", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["total"] == 0
    assert result.stderr == note
    stats = dateline(home, "stats")
    assert note.strip() in stats.stdout.splitlines()
    assert json.loads(dateline(home, "stats", "--json").stdout)["index"]["pending_changes"] == 1
    assert dateline(home, "index").exit_code == 0
    result = dateline(home, "search", "pier")
    assert result.stderr == "" and result.stdout.startswith("1 result for pier")
    assert json.loads(dateline(home, "stats", "--json").stdout)["index"]["pending_changes"] == 0
