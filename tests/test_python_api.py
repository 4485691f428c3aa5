"""dateline.Archive: the documented example runs, and each method returns
exactly what its command prints with --json."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import dateline
from tests.helpers import FIXTURES, NOW, dateline as run_cli

ROOT = Path(__file__).resolve().parents[1]


def _python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(), re.DOTALL)


def _run(code: str, env_home: Path | None = None) -> list[str]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env=None, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.mark.slow
def test_the_python_api_example_prints_what_its_comments_say():
    (code,) = _python_blocks(ROOT / "docs" / "python-api.md")
    expected = [line.split("# ", 1)[1].strip() for line in code.splitlines()
                if line.lstrip().startswith("print(") and "# " in line]
    printed = _run(code)
    assert len(printed) == len(expected)
    for out, want in zip(printed, expected):
        want = want.split(":", 1)[0] if want[:1].isdigit() and ":" in want else want
        if want.endswith("..."):
            assert out.startswith(want[:-3].rstrip()), (out, want)
        else:
            assert out == want, (out, want)


@pytest.mark.slow
def test_the_readme_python_example_runs_on_the_sample_crawl(tmp_path):
    (code,) = _python_blocks(ROOT / "README.md")
    home = tmp_path / "demo"
    assert run_cli(home, "demo").exit_code == 0
    (line,) = _run(code.replace("/tmp/dateline-demo", str(home)))
    total, titles = line.split(" ", 1)
    assert int(total) > 0 and "central bank" in titles.lower()


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    root = tmp_path_factory.mktemp("api") / "home"
    archive = dateline.Archive(root, clock=lambda: NOW)
    assert archive.update([FIXTURES / "articles.jsonl"])["index"]["rebuilt"]
    archive.close()
    return root


def _json(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_search_returns_exactly_the_cli_json_document(home):
    with dateline.Archive(home) as archive:
        ours = archive.search("*", sort="newest", limit=3)
    theirs = _json(run_cli(home, "search", "*", "--sort", "newest", "--limit", "3", "--json"))
    ours.pop("took_ms"), theirs.pop("took_ms")
    assert ours == theirs and ours["total"] > 3


def test_show_and_stats_return_the_cli_json_documents(home):
    with dateline.Archive(home) as archive:
        first = archive.search("*", limit=1)["hits"][0]["id"]
        assert archive.show(first) == _json(run_cli(home, "show", first, "--json"))
        assert archive.stats() == _json(run_cli(home, "stats", "--json"))


def test_options_object_and_keywords_give_the_same_search(home):
    with dateline.Archive(home) as archive:
        by_object = archive.search("*", dateline.SearchOptions(dateline.Filters(since="2014"), limit=50))
        by_keywords = archive.search("*", since="2014", limit=50)
    assert [h["id"] for h in by_object["hits"]] == [h["id"] for h in by_keywords["hits"]]


def test_an_unknown_id_is_not_found_naming_it(home):
    with dateline.Archive(home) as archive, pytest.raises(dateline.NotFound, match="'nope'"):
        archive.show("nope")


def test_a_bad_query_is_one_line_with_its_column(home):
    with dateline.Archive(home) as archive, pytest.raises(dateline.DatelineError) as raised:
        archive.search("oil AND (gas")
    assert "\n" not in str(raised.value) and "column" in str(raised.value)


def test_a_second_writer_gets_a_one_line_error_naming_the_first(tmp_path):
    from dateline.corpus.home import WriterLock

    with WriterLock(tmp_path, command="dateline update crawl/"):
        with pytest.raises(dateline.DatelineError, match="another Dateline process .*dateline update crawl/"):
            dateline.Archive(tmp_path).ingest([FIXTURES / "articles.jsonl"])


def test_searching_a_home_without_an_index_says_so(tmp_path):
    with pytest.raises(dateline.DatelineError, match="index"):
        dateline.Archive(tmp_path / "empty").search("oil")


def test_remove_by_query_takes_every_match_out_of_search(tmp_path):
    archive = dateline.Archive(tmp_path / "h", clock=lambda: NOW)
    archive.update([FIXTURES / "articles.jsonl"])
    before = archive.search("place:kenya")["total_articles"]
    assert before > 0
    assert archive.remove(query="place:kenya")["removed"] == before
    assert archive.search("place:kenya")["total_articles"] == 0
    archive.close()


def test_importing_dateline_loads_no_stage():
    code = "import sys, dateline; print(sorted(m for m in sys.modules if m.startswith('dateline.')))"
    assert _run(code) == ["[]"]


def test_an_ingest_loads_neither_the_query_parser_nor_the_watches(tmp_path):
    code = ("import sys, dateline; "
            f"dateline.Archive({str(tmp_path / 'h')!r}).ingest([{str(FIXTURES / 'articles.jsonl')!r}]); "
            "print(sorted(m for m in sys.modules if m.startswith('dateline.search')))")
    assert _run(code) == ["[]"]
