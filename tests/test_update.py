"""`dateline update` and `remove`: only what changed touches the index, and
store and index always end up holding the same articles."""

from __future__ import annotations

import json
from types import SimpleNamespace


from dateline.index import IndexLocation, open_live_index, segment_count
from dateline.index.whoosh_engine.merge import MAX_SMALL_SEGMENTS, MERGE_FACTOR, segments_to_merge
from tests.helpers import applied_seq, dateline, index_ids, store_ids, write_articles

# -- update -------------------------------------------------------------------

def test_update_builds_then_adds_only_the_new_articles(tmp_path):
    home = tmp_path / "home"
    first = dateline(home, "update", str(write_articles(tmp_path / "a.jsonl", 0, 30)), "--json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["index"]["rebuilt"] is True
    second = dateline(home, "update", str(write_articles(tmp_path / "b.jsonl", 30, 5)), "--json")
    report = json.loads(second.output)
    assert report["index"] == {**report["index"], "rebuilt": False, "added_or_updated": 5, "deleted": 0}
    assert index_ids(home) == store_ids(home) == {f"art-{n}" for n in range(35)}


def test_running_the_same_update_twice_changes_nothing_the_second_time(tmp_path):
    home = tmp_path / "home"
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    write_articles(crawl / "a.jsonl", 0, 20)
    dateline(home, "update", str(crawl))
    seq, gen = applied_seq(home), (IndexLocation.in_home(home).current_dir() / "_MAIN_1.toc")
    before = sorted(p.name for p in gen.parent.iterdir())
    again = json.loads(dateline(home, "update", str(crawl), "--json").output)
    assert again["ingest"]["files_skipped"] == 1 and again["ingest"]["read"] == 0
    assert again["index"]["added_or_updated"] == again["index"]["deleted"] == 0
    assert applied_seq(home) == seq
    assert sorted(p.name for p in gen.parent.iterdir()) == before  # no Whoosh commit at all


def test_a_changed_article_replaces_the_old_one_in_the_index(tmp_path):
    home = tmp_path / "home"
    path = write_articles(tmp_path / "a.jsonl", 0, 10)
    dateline(home, "update", str(path))
    write_articles(path, 0, 10, version="revised")
    dateline(home, "update", str(path))
    hits = json.loads(dateline(home, "search", "revised", "--json", "--limit", "100").output)
    assert hits["total"] == 10
    assert json.loads(dateline(home, "search", "title:report", "--json").output)["total"] == 10
    assert index_ids(home) == store_ids(home)


def test_update_of_a_missing_path_fails_before_writing(tmp_path):
    home = tmp_path / "home"
    result = dateline(home, "update", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert f"Error: {tmp_path / 'nowhere'}: no such file or directory" in result.output
    assert not (home / "articles.sqlite").exists() or store_ids(home) == set()


# -- remove -------------------------------------------------------------------

def test_remove_by_id_reports_counts_and_unknown_ids(tmp_path):
    home = tmp_path / "home"
    dateline(home, "update", str(write_articles(tmp_path / "a.jsonl", 0, 10)))
    result = dateline(home, "remove", "--id", "art-1", "--id", "art-2", "--id", "nope", "--json")
    report = json.loads(result.output)
    assert (report["removed"], report["not_found"]) == (2, ["nope"])
    assert report["index"]["deleted"] == 2
    assert index_ids(home) == store_ids(home) == {f"art-{n}" for n in range(10)} - {"art-1", "art-2"}


def test_remove_by_source_and_by_query(tmp_path):
    home = tmp_path / "home"
    dateline(home, "update", str(write_articles(tmp_path / "a.jsonl", 0, 12)))
    by_source = json.loads(dateline(home, "remove", "--source", "wire 0", "--json").output)
    assert by_source["removed"] == 4  # ids 0, 3, 6, 9; the source matches in any case
    dry = json.loads(dateline(home, "remove", "--query", "title:11 OR title:10", "--dry-run",
                            "--json").output)
    assert sorted(dry["ids"]) == ["art-10", "art-11"] and len(store_ids(home)) == 8
    dateline(home, "remove", "--query", "title:11 OR title:10")
    expected = {f"art-{n}" for n in range(12) if n % 3 and n not in (10, 11)}
    assert index_ids(home) == store_ids(home) == expected


def test_remove_needs_exactly_one_way_to_choose(tmp_path):
    result = dateline(tmp_path / "home", "remove", "--id", "a", "--source", "b")
    assert result.exit_code == 2
    assert "Error: give exactly one of --id, --source or --query" in result.output


# -- merging ------------------------------------------------------------------

def _segment(docs: int, deleted: int = 0):
    return SimpleNamespace(doc_count_all=lambda: docs, deleted_count=lambda: deleted)


def test_merge_policy_merges_a_full_tier_with_everything_smaller():
    big = _segment(20000)
    tier = [_segment(300) for _ in range(MERGE_FACTOR)]
    tiny = _segment(3)
    chosen = segments_to_merge([big, *tier, tiny])
    assert len(chosen) == MERGE_FACTOR + 1 and big not in chosen and tiny in chosen


def test_merge_policy_keeps_at_most_a_few_small_segments_beside_the_large_ones():
    large = [_segment(9000), _segment(8000)]  # a rebuild's, one per core
    small = [_segment(40), _segment(700)]
    chosen = segments_to_merge([*large, *small])
    assert chosen == [small[0]][:len(small) + 1 - MAX_SMALL_SEGMENTS]  # the smallest only
    assert segments_to_merge([*large, small[1]]) == []  # room for the new one: no merge
    assert segments_to_merge(large) == []


def test_merge_policy_expunges_a_segment_with_many_deletions():
    worn = _segment(1000, deleted=400)
    assert segments_to_merge([_segment(20000), worn]) == [worn]


def test_many_small_updates_leave_few_segments_and_optimize_leaves_one(tmp_path):
    home = tmp_path / "home"
    dateline(home, "update", str(write_articles(tmp_path / "base.jsonl", 0, 200)))
    for n in range(40):
        dateline(home, "update", str(write_articles(tmp_path / f"u{n}.jsonl", 200 + 3 * n, 3)))
    segments = segment_count(IndexLocation.in_home(home))
    # 41 commits; large segments (within a factor of the largest) fill at most two
    # tiers, and a few small ones besides.
    assert segments <= 2 * (MERGE_FACTOR - 1) + MAX_SMALL_SEGMENTS < 41
    result = json.loads(dateline(home, "index", "--optimize", "--json").output)
    assert result["optimized"] == {"segments_before": segments, "segments_after": 1}
    assert index_ids(home) == store_ids(home) and len(store_ids(home)) == 320
    generation = sorted(p.name for p in IndexLocation.in_home(home).current_dir().iterdir())
    again = json.loads(dateline(home, "index", "--optimize", "--json").output)
    assert again["optimized"] == {"segments_before": 1, "segments_after": 1}
    # One segment and nothing deleted: nothing is rewritten.
    assert sorted(p.name for p in IndexLocation.in_home(home).current_dir().iterdir()) == generation


def test_optimize_on_tantivy_leaves_one_segment_by_writing_the_index_anew(tmp_path):
    home = tmp_path / "home"
    assert dateline(home, "index", "--engine", "tantivy").exit_code == 0
    dateline(home, "update", str(write_articles(tmp_path / "base.jsonl", 0, 30)))
    for n in range(4):
        dateline(home, "update", str(write_articles(tmp_path / f"u{n}.jsonl", 30 + 3 * n, 3)))
    dateline(home, "remove", "--id", "art-2")
    segments = segment_count(IndexLocation.in_home(home))
    assert segments > 1
    result = dateline(home, "index", "--optimize")
    assert result.exit_code == 0
    assert (f"Optimized: {segments} segments merged into 1 (the index written anew from the "
            "store: this engine cannot merge in place).") in result.output
    assert segment_count(IndexLocation.in_home(home)) == 1
    assert index_ids(home) == store_ids(home) and len(store_ids(home)) == 41
    generation = IndexLocation.in_home(home).current_dir()
    again = json.loads(dateline(home, "index", "--optimize", "--json").output)
    assert again["optimized"] == {"segments_before": 1, "segments_after": 1}
    assert IndexLocation.in_home(home).current_dir() == generation  # nothing written again
