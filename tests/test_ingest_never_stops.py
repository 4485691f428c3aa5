"""One bad record or file name never stops an ingest: it gets its line in
rejects.jsonl with the reason, everything else is stored, and the exit status
(3) says that some input was rejected."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from dateline.corpus import ArticleStore, Home
from dateline.corpus.ingestion import ingest
from dateline.search.cli_write import SOME_REJECTED
from tests.helpers import NOW, dateline

LONE_SURROGATE = '{"title": "Half a pair \\ud800 here", "body": "Text of the broken record."}'
DEEP = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"title": "deep", "body": ' + '{"a": ' * 100_000 + "1" + "}" * 100_000 + "}"


def good(n: int) -> str:
    return json.dumps({"id": f"good-{n}", "title": f"Grain harvest report {n}",
                       "body": f"Farmers brought in the harvest number {n} early this year."})


def stored_ids(home: Path) -> set[str]:
    with ArticleStore(Home(home).store_path, readonly=True) as store:
        return store.ids()


def rejects(home: Path) -> list[dict]:
    return [json.loads(line) for line in Home(home).rejects_path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("bad, reason", [
    (LONE_SURROGATE, "lone surrogate"),
    (DEEP, "JSON nested too deeply"),
    (DEEP_OBJECT, "JSON nested too deeply"),
], ids=["lone-surrogate", "nested-arrays", "nested-objects"])
def test_a_bad_record_is_rejected_and_the_records_around_it_stored(tmp_path, bad, reason):
    crawl = tmp_path / "crawl.jsonl"
    crawl.write_text("\n".join([good(1), bad, good(2)]) + "\n", encoding="utf-8")
    result = dateline(tmp_path / "home", "ingest", str(crawl))
    assert result.exit_code == SOME_REJECTED, result.output
    assert "Traceback" not in result.output and "unexpected failure" not in result.output
    assert stored_ids(tmp_path / "home") == {"good-1", "good-2"}
    [logged] = rejects(tmp_path / "home")
    assert logged["input"] == f"{crawl}:2" and reason in logged["reason"]


def test_a_pair_of_surrogates_is_one_character_and_stored(tmp_path):
    crawl = tmp_path / "crawl.jsonl"
    crawl.write_text('{"id": "emoji", "title": "Smile \\ud83d\\ude00", "body": "A face."}\n')
    assert dateline(tmp_path / "home", "ingest", str(crawl)).exit_code == 0
    assert stored_ids(tmp_path / "home") == {"emoji"}


def test_a_file_name_that_is_not_utf8_is_stored_and_logged_readably(tmp_path):
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    name = os.fsdecode(b"wire-\xff.jsonl")  # the byte 0xff as Python keeps it: a lone surrogate
    (crawl / name).write_text("\n".join([good(1), "{not json"]) + "\n")
    result = dateline(tmp_path / "home", "ingest", str(crawl))
    assert result.exit_code == SOME_REJECTED, result.output
    assert stored_ids(tmp_path / "home") == {"good-1"}
    [logged] = rejects(tmp_path / "home")
    assert logged["input"] == f"{crawl}/wire-\\xff.jsonl:2" and "malformed JSON" in logged["reason"]
    # Run again: the file is known by its name as stored, so it is skipped as unchanged.
    again = dateline(tmp_path / "home", "ingest", str(crawl), "--json")
    assert again.exit_code == 0 and json.loads(again.stdout)["files_skipped"] == 1


def test_a_folder_read_in_parallel_stores_every_good_file_around_bad_ones(tmp_path):
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    for n in range(10):
        (crawl / f"part-{n}.jsonl").write_text(good(n) + "\n")
    (crawl / "part-3.jsonl").write_text("\n".join([LONE_SURROGATE, good(3)]) + "\n")
    (crawl / "part-5.jsonl").write_text("\n".join([DEEP, good(5)]) + "\n")
    (crawl / os.fsdecode(b"part-7\xfe.jsonl")).write_text(good(70) + "\n")
    home = Home(tmp_path / "home")
    with ArticleStore(home.store_path) as store:
        summary = ingest([crawl], store, home.rejects_path, now=NOW, workers=2)
    assert summary.rejected == 2
    assert stored_ids(home.root) == {f"good-{n}" for n in range(10)} | {"good-70"}
    assert {r["input"].rsplit("/", 1)[1] for r in rejects(home.root)} == {"part-3.jsonl:1", "part-5.jsonl:1"}


def test_a_reader_failure_nobody_foresaw_rejects_the_rest_of_its_file_only(tmp_path, monkeypatch):
    from dateline.corpus.readers import jsonl

    real = jsonl.article_from_record

    def breaks_on_second(record, where, *, now):
        if record.get("id") == "good-2":
            raise ZeroDivisionError("a bug in a reader")
        return real(record, where, now=now)

    monkeypatch.setattr(jsonl, "article_from_record", breaks_on_second)
    (tmp_path / "a.jsonl").write_text("\n".join([good(1), good(2), good(3)]) + "\n")
    (tmp_path / "b.jsonl").write_text(good(4) + "\n")
    home = Home(tmp_path / "home")
    with ArticleStore(home.store_path) as store:
        summary = ingest([tmp_path / "a.jsonl", tmp_path / "b.jsonl"], store, home.rejects_path,
                         now=NOW, workers=0)
    assert stored_ids(home.root) == {"good-1", "good-4"} and summary.rejected == 1
    [logged] = rejects(home.root)
    assert logged["input"] == str(tmp_path / "a.jsonl")
    assert logged["reason"] == ("unexpected failure reading the file after 1 records "
                                "(ZeroDivisionError: a bug in a reader)")
