"""`dateline search --format jsonl|csv|kwic`: every hit, streamed; and `show --json`."""

import csv
import io
import json
import sqlite3

import pytest

from dateline.search import engine
from dateline.search.engine import all_hits, search
from dateline.search.export import KWIC_COLUMNS, write_export
from tests.helpers import NOW, dateline


def test_jsonl_exports_every_hit_not_a_page(fixture_home, archive):
    result = dateline(fixture_home, "search", "*", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 12 > 10  # more than the default page
    assert {r["id"] for r in records} == {h.article.id for h in search(archive, "*", limit=100, now=NOW).hits}
    assert set(records[0]) >= {"id", "title", "body", "date", "people", "places", "score", "similar"}


def test_export_keeps_the_sort_order(fixture_home, archive):
    result = dateline(fixture_home, "search", "tag:climate", "--sort", "oldest", "--format", "jsonl")
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert ids == ["sao-paulo", "kenya-flood", "kenya-drought"]


def test_csv_has_a_header_and_one_row_per_hit(fixture_home):
    result = dateline(fixture_home, "search", "person:lavrov", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["id"] for r in rows} == {"lavrov-un", "lavrov-kerry"}
    kerry = next(r for r in rows if r["id"] == "lavrov-kerry")
    assert kerry["people"] == "John Kerry; Sergey Lavrov"
    assert kerry["body"].startswith("Secretary of State John Kerry")
    [boe] = csv.DictReader(io.StringIO(dateline(fixture_home, "search", "author:marsh",
                                                "--format", "csv").stdout))
    assert boe["author"] == "Helen Marsh"


def kwic(home, query):
    result = dateline(home, "search", query, "--format", "kwic")
    assert result.exit_code == 0, result.output
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert lines[0] == list(KWIC_COLUMNS)
    assert all(len(line) == len(KWIC_COLUMNS) for line in lines)
    return lines[1:]


def test_kwic_has_a_line_for_every_occurrence_in_every_hit(fixture_home):
    lines = kwic(fixture_home, "price")
    found = sorted((line[0], line[2], line[4]) for line in lines)
    assert found == [
        ("boe-holds", "body", "prices"),
        ("new-year", "body", "prices"),
        ("oil-prices", "body", "prices"),
        ("oil-prices", "title", "prices"),
        ("undated-essay", "body", "prices"),
    ]


def test_kwic_context_is_the_text_around_the_match(fixture_home, archive):
    lines = [line for line in kwic(fixture_home, '"bank of england" rate') if line[0] == "boe-holds"]
    body = archive.store.get("boe-holds").body
    for _id, date, field, left, match, right in lines:
        assert date == "2014-09-24T11:00:00+00:00"
        if field == "body":
            assert left + match + right in body
    assert sorted((l[2], l[4]) for l in lines) == [
        ("body", "Bank of England"), ("body", "rate"), ("title", "Bank of England"), ("title", "rates")]


def test_kwic_lines_stay_on_one_line(tmp_path):
    from dateline.search.export import kwic_lines
    from dateline.search.parser import parse_query
    from dateline.search.query import positive_terms
    terms = list(positive_terms(parse_query("storm", now=NOW)))
    [(left, match, right)] = kwic_lines("Heavy\train.\n\nThe storm\nhit\tthe coast.", terms)
    assert (left, match, right) == ("Heavy rain. The ", "storm", " hit the coast.")


def test_export_reads_the_store_in_batches_as_it_writes(archive, monkeypatch):
    monkeypatch.setattr(engine, "EXPORT_BATCH", 5)
    events = []
    real_get_many = archive.store.get_many

    def get_many(ids):
        events.append(("read", len(ids)))
        return real_get_many(ids)

    class Out(io.StringIO):
        def write(self, text):
            events.append(("write", 1))
            return super().write(text)

    monkeypatch.setattr(archive.store, "get_many", get_many)
    hits = all_hits(archive, "*", now=NOW)
    assert events == []  # nothing is read before it is written
    write_export(hits, "jsonl", Out())
    reads = [n for kind, n in events if kind == "read"]
    assert reads == [5, 5, 2]
    assert [kind for kind, _ in events[:7]] == ["read"] + ["write"] * 5 + ["read"]


@pytest.mark.parametrize("args,message", [
    (["--format", "xml"], "Error: --format must be one of jsonl, csv, kwic, not 'xml'\n"),
    (["--format", "csv", "--json"], "Error: --format and --json cannot be combined: "
                                    "--format jsonl writes one JSON object per hit\n"),
])
def test_bad_export_options_give_one_line(fixture_home, args, message):
    result = dateline(fixture_home, "search", "oil", *args)
    assert result.exit_code == 2 and result.stderr == message


def test_a_bad_query_in_an_export_gives_one_line(fixture_home):
    result = dateline(fixture_home, "search", 'oil "gas', "--format", "kwic")
    assert result.exit_code == 2
    assert result.stderr == 'Error: unclosed quote at column 5 of query: oil "gas\n'
    assert result.stdout == ""


def test_show_json_prints_the_whole_stored_record(fixture_home):
    result = dateline(fixture_home, "show", "lavrov-kerry", "--json")
    assert result.exit_code == 0, result.output
    with sqlite3.connect(fixture_home.store_path) as db:
        (record,) = db.execute("SELECT record FROM articles WHERE id='lavrov-kerry'").fetchone()
    assert json.loads(result.stdout) == json.loads(record)


def test_show_prints_the_article_in_full_with_its_fields(fixture_home, archive):
    result = dateline(fixture_home, "show", "lavrov-kerry")
    article = archive.store.get("lavrov-kerry")
    assert result.stdout.startswith("Kerry and Lavrov meet in Paris\n")
    assert article.body in result.stdout
    assert "people: John Kerry; Sergey Lavrov" in result.stdout
