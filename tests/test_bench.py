"""The benchmark harness: its parts, and one tiny end-to-end run (peers optional)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from bench.common import percentile
from bench.corpus_copies import record
from bench.queries import QUERIES
from dateline.corpus.article import Article, text_hash
from dateline.search.parser import parse_query
from tests.helpers import NOW


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_bench_query_is_valid_dateline_syntax(query):
    parse_query(query.dateline(), now=NOW)


def test_a_copy_has_a_new_id_a_date_years_later_and_a_text_the_store_accepts():
    original = Article(id="reuters-7", title="Cocoa talks", body="Cocoa producers met.",
                       date=datetime(1987, 3, 2, 9, 30, tzinfo=timezone.utc))
    copy = record(original, 3)
    assert copy["id"] == "reuters-7-c3"
    assert copy["date"].startswith("1990-03-02T09:30")
    assert text_hash(copy["title"], copy["body"]) != text_hash(original.title, original.body)
    assert record(original, 0)["id"] == "reuters-7"


def test_p95_is_a_time_that_happened():
    samples = [float(n) for n in range(1, 21)]
    assert percentile(samples, 95) == 19.0
    assert percentile([5.0], 95) == 5.0


SGML_DOC = """<REUTERS NEWID="{n}">
<DATE>{day:2d}-MAR-1987 10:0{m}:00.00</DATE>
<PLACES><D>{place}</D></PLACES><PEOPLE><D>halvorsen</D></PEOPLE>
<TEXT><TITLE>{title} NUMBER {n}</TITLE>
<BODY>Story {n} says {word} prices and interest rates moved in {place} trading
on day {day} while sorghum stocks number {n} were steady.
 Reuter
</BODY></TEXT>
</REUTERS>
"""


def sgml_corpus(tmp_path, count: int):
    """A Reuters-like SGML file of `count` stories (places, people, oil and gold)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    docs = [SGML_DOC.format(n=n, day=1 + n % 28, m=n % 10, place=("japan", "usa")[n % 2],
                            word=("oil", "gold")[n % 3 == 0], title=("OIL", "GOLD")[n % 2])
            for n in range(1, count + 1)]
    (corpus / "reut2-000.sgm").write_text("".join(docs), encoding="latin-1")
    return corpus


@pytest.mark.slow
def test_the_harness_prints_one_table_with_every_engine(tmp_path, capsys):
    pytest.importorskip("tantivy")
    from bench.run import main

    corpus = sgml_corpus(tmp_path, 40)
    main(["--corpus", str(corpus), "--scale", "1,2", "--repeat", "1"])
    out = capsys.readouterr().out
    for text in ("x1: 40 articles", "x2: 80 articles", "Whoosh engine", "tantivy engine",
                 "naive Whoosh", "SQLite FTS5", "tantivy engine vs tantivy",
                 "date: month p95 ms", "facets: common word p95 ms", "update with 1% new"):
        assert text in out


@pytest.mark.slow
def test_the_harness_measures_a_generated_archive_on_the_engines_asked_for(tmp_path, capsys):
    pytest.importorskip("tantivy")
    from bench.run import main

    corpus = sgml_corpus(tmp_path, 20)
    work = tmp_path / "work"
    args = ["--corpus", str(corpus), "--articles", "60", "--repeat", "1", "--no-update",
            "--engines", "dateline-tantivy,tantivy", "--work", str(work)]
    main(args)
    out = capsys.readouterr().out
    assert "generated archive of 60 articles" in out
    assert "tantivy engine vs tantivy" in out and "naive Whoosh" not in out
    assert (work / "a60" / "dateline" / "bench-dateline-ingest.json").exists()
    main(args)  # the same --work again: the ingest and builds are reused, not redone
    assert "figures kept from an earlier run" in capsys.readouterr().out


def test_the_bm25_baseline_takes_title_words_with_apostrophes(tmp_path):
    pytest.importorskip("tantivy")
    import json

    from bench.quality import Bm25Baseline

    records = tmp_path / "records.jsonl"
    records.write_text("\n".join(json.dumps(r) for r in [
        {"id": "a", "title": "Norway's salmon farmers cheer", "body": "Quota deal."},
        {"id": "b", "title": "Grain harvest", "body": "Growers in Kansas."},
    ]) + "\n")
    baseline = Bm25Baseline(records, tmp_path / "tantivy")
    assert baseline.ranked(["norway's", "salmon", "farmers"], 10) == ["a"]


EXTRACTION_STORIES = [
    # (title, body, the editors' PEOPLE tags)
    ("ROSS SETS OUT BUDGET", "Finance Minister Ana Velloso said the budget would cut borrowing.",
     "velloso"),
    ("TAX RATES STAY", "Ana Velloso, the finance minister, said tax rates would not change.",
     "velloso"),
    ("VELLOSO SAYS INFLATION TO FALL", "VELLOSO SAYS INFLATION TO FALL", "velloso"),
    ("PORT FEES RISE", "Fees rose at the port, its board said on Tuesday in a statement.", ""),
]


def test_the_extraction_bench_scores_people_as_one_ingest_finds_them(tmp_path, capsys):
    from bench.extraction import main

    docs = "".join(
        f'<REUTERS NEWID="{n}"><DATE>2-MAR-1987 10:00:00.00</DATE><PLACES><D>portugal</D></PLACES>'
        f"<PEOPLE>{''.join(f'<D>{t}</D>' for t in tags.split())}</PEOPLE><TEXT><TITLE>{title}"
        f"</TITLE><BODY>{body}\n Reuter\n</BODY></TEXT></REUTERS>\n"
        for n, (title, body, tags) in enumerate(EXTRACTION_STORIES, 1))
    (tmp_path / "reut2-000.sgm").write_text(docs, encoding="latin-1")
    assert main(["--corpus", str(tmp_path), "--no-speed"]) == 0
    out = capsys.readouterr().out
    # The flash headline is read by the two stories before it: 3 of 3 tagged, none wrong.
    assert "people  precision 1.000" in out and "recall 1.000" in out and "tp=3 fp=0 fn=0" in out


def test_steal_is_the_share_of_all_cpu_ticks_the_host_took_between_two_readings():
    from bench.common import cpu_ticks, steal_share

    # user nice system idle iowait irq softirq steal guest guest_nice
    before = cpu_ticks("cpu  100 0 50 800 10 0 5 35 0 0\ncpu0 50 0 25 400 5 0 2 17 0 0\n")
    after = cpu_ticks("cpu  200 0 60 900 10 0 5 75 9 0\n")
    assert before == (35, 1000) and after == (75, 1250)
    assert steal_share(before, after) == 40 / 250
    assert cpu_ticks("intr 12 0 3") is None and cpu_ticks("") is None
    assert steal_share(None, after) is None and steal_share(after, after) is None


def test_the_cluster_bench_swaps_the_order_of_its_runs_every_round(monkeypatch, tmp_path):
    from bench import cluster

    started = []

    def ingest_on(folder, home, workers):
        started.append(workers)
        # Every run a little slower than the one before: the host slowing down.
        return 1.0, {"s": (60.0 if workers == 1 else 30.0) + len(started), "files": 10,
                     "own_cpu_s": 0.1, "readers_cpu_s": 0.5, "steal_share": 0.0}

    monkeypatch.setattr(cluster, "cluster_ingest", ingest_on)
    speed = cluster.speedup_rounds(tmp_path, tmp_path, 3)
    assert started == [1, 2, 2, 1, 1, 2]
    # Each round's speed-up is from its own two runs, side by side.
    assert speed["speedups"] == [61 / 32, 64 / 33, 65 / 36]
    assert cluster.summed(speed["workers_2"]) == {"s": 101.0, "files": 30, "own_cpu_s": pytest.approx(0.3),
                                                  "readers_cpu_s": 1.5}


def run_cluster_bench(tmp_path, module: str, *args: str):
    """`python -m MODULE --pages P ARGS… --json J` on six small pages, in a
    process of its own (a Dask cluster's threads end with it, not with
    pytest): its run and the JSON it wrote."""
    import json
    import subprocess
    import sys

    pytest.importorskip("distributed")
    pages = tmp_path / "pages"
    pages.mkdir()
    for n in range(6):
        (pages / f"page{n}.html").write_text(
            f"<html><head><title>Harbour story {n}</title></head><body><article><h1>Harbour story {n}"
            f"</h1><p>The harbour board met on Tuesday {n} and agreed to dredge the channel, "
            f"the board's chairman said after the meeting.</p></article></body></html>")
    out = tmp_path / "cost.json"
    run = subprocess.run([sys.executable, "-m", module, "--pages", str(pages), *args, "--json", str(out)],
                         capture_output=True, text=True, timeout=300, cwd=Path(__file__).resolve().parents[1])
    assert run.returncode == 0, run.stderr
    return run, json.loads(out.read_text())


@pytest.mark.slow
def test_the_cluster_bench_times_each_overhead_round_against_the_runs_beside_it(tmp_path):
    run, cost = run_cluster_bench(tmp_path, "bench.cluster", "--overhead-only", "--overhead-rounds", "2")
    assert cost["pages"] == 6 and cost["rounds"] == 2
    assert len(cost["ingest_tasks_s_each"]) == 2 and len(cost["one_task_s_each"]) == 3
    assert len(cost["overhead_shares"]) == len(cost["overhead_shares_cpu"]) == 2
    assert min(cost["overhead_shares"]) <= cost["overhead_share"] <= max(cost["overhead_shares"])
    assert "median of 2" in run.stdout


@pytest.mark.slow
def test_the_ceiling_bench_measures_the_writer_through_a_scheduler_of_its_own(tmp_path):
    run, cost = run_cluster_bench(tmp_path, "bench.cluster_ceiling", "--workers", "1")
    assert cost["pages"] == 6 and cost["workers"] == 1
    # The scheduler's CPU is its own process's, not counted in the command's.
    assert 0 < cost["main_thread_ms"] <= cost["command_ms"] and cost["scheduler_ms"] > 0
    assert cost["workers_ms"] > 0
    assert cost["writer_pages_per_s"] == pytest.approx(1000 / cost["command_ms"])
    assert "pages a second one writer stores at most" in run.stdout


@pytest.mark.slow
def test_the_load_bench_runs_the_distinct_phases_alone_against_balanced_workers(tmp_path_factory):
    import re
    import subprocess
    import sys

    from tests.helpers import indexed_cli_home

    home = indexed_cli_home(tmp_path_factory, "load")
    run = subprocess.run([sys.executable, "-m", "bench.load", "--home", str(home), "--engines", "whoosh",
                          "--distinct-only", "--requests", "24", "--clients", "4", "--low-clients", "2",
                          "--processes", "2", "--threads", "1"],
                         capture_output=True, text=True, timeout=300, cwd=Path(__file__).resolve().parents[1])
    assert run.returncode == 0, run.stderr
    phases = re.findall(r"^whoosh +(\S+) +(\d+) +(\d+) +0 ", run.stdout, re.M)  # 0 errors each
    assert phases == [("distinct", "24", "4"), ("distinct-low", "6", "2")]
    assert "2 server process(es) of 1 threads" in run.stdout
    assert "repeated page" not in run.stdout and "distinct, 4 clients, no cache: p95" in run.stdout


def test_the_benches_find_the_corpora_beside_the_checkout_or_its_worktrees_folder(tmp_path):
    from bench.common import shared_path

    corpus = tmp_path / "shared" / "corpora" / "reuters21578"
    corpus.mkdir(parents=True)
    assert shared_path("corpora", "reuters21578", repo=tmp_path / "main") == corpus
    assert shared_path("corpora", "reuters21578", repo=tmp_path / "wt" / "serve") == corpus
    # Nowhere: the path beside the checkout, which the bench reports missing.
    assert shared_path("corpora", "nothing", repo=tmp_path / "wt" / "serve") == \
        tmp_path / "wt" / "shared" / "corpora" / "nothing"


def _small_store(tmp_path) -> Path:
    from dateline.corpus import ArticleStore, Home, ingest
    from tests.helpers import write_articles

    home = Home(tmp_path / "source")
    with ArticleStore(home.store_path) as store:
        ingest([write_articles(tmp_path / "a.jsonl", 0, 60)], store, home.rejects_path, now=NOW)
    return home.store_path


def test_the_engines_bench_splits_each_build_s_cpu_by_thread_and_process(tmp_path, capsys):
    pytest.importorskip("tantivy")
    from bench import engines

    parts = engines._cpu_parts()
    assert len(parts) == 3 and all(p >= 0 for p in parts)
    assert engines.main(["--store", str(_small_store(tmp_path)), "--repeat", "1", "--procs", "1"]) == 0
    rows = {line.split(" | ")[0].strip("| "): line.split(" | ")[1:3]
            for line in capsys.readouterr().out.splitlines() if line.startswith("| build")}
    for engine in (0, 1):
        whole = float(rows["build, CPU s"][engine])
        split = [float(rows[f"build, CPU s: {part}"][engine])
                 for part in ("main thread", "other threads", "worker processes")]
        assert abs(sum(split) - whole) <= 0.15  # each figure rounded to 0.1
    assert float(rows["build, CPU s: worker processes"][1]) == 0.0  # tantivy: threads, no processes


def test_the_build_parts_bench_names_every_part_of_the_tantivy_build(tmp_path, capsys):
    pytest.importorskip("tantivy")
    from bench import build_parts

    assert build_parts.main(["--store", str(_small_store(tmp_path)), "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    for part in ("store: json.loads", "stems, each distinct word the first time",
                 "tantivy: its threads", "all parts"):
        assert part in out
