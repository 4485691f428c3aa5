"""Top words (JLH over every match), "more" of each facet, and former states
folded into their successor as the gazetteer maps them."""

from __future__ import annotations

import json
import os
import re

import pytest

from dateline.corpus.home import Home
from dateline.search.engine import SearchError, search
from dateline.search.facets import _former_states
from dateline.search.web import create_app
from tests.helpers import NOW, dateline, indexed_cli_home


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory):
    return indexed_cli_home(tmp_path_factory, "words")


@pytest.fixture(scope="module")
def client(cli_home):
    app = create_app(Home(cli_home), clock=lambda: NOW)
    yield app.test_client()
    app.extensions["dateline"].close()


def jlh(in_results: int, results: int, in_archive: int, archive: int) -> float:
    fg, bg = in_results / results, in_archive / archive
    return (fg - bg) * (fg / bg)


def test_top_words_are_scored_by_jlh_over_every_match(archive):
    results = search(archive, "person:lavrov", facets=True, now=NOW)
    words = {w["value"]: w for w in results.facets["words"]}
    everything = search(archive, "*", limit=100, all_copies=True, now=NOW)
    archive_size = everything.total_articles
    for word in ("syria", "minister"):
        holding = search(archive, f"person:lavrov {word}", all_copies=True, now=NOW).total_articles
        anywhere = sum(word in re.findall(r"\w+", h.article.body.lower()) for h in everything.hits)
        assert words[word]["count"] == holding
        assert words[word]["score"] == round(jlh(holding, results.total_articles, anywhere, archive_size), 4)
    scores = [w["score"] for w in results.facets["words"]]
    assert scores == sorted(scores, reverse=True)


def test_the_querys_own_words_are_not_top_words(archive):
    words = [w["value"] for w in search(archive, "price", facets=True, now=NOW).facets["words"]]
    assert words and "price" not in words and "prices" not in words
    assert "oil" in words  # two of the four results are about oil, one in twelve elsewhere


def test_a_query_matching_everything_has_no_distinguishing_words(archive):
    assert search(archive, "*", facets=True, now=NOW).facets["words"] == []


class _CountingReader:
    """An engine reader that records whether words were counted."""

    def __init__(self, reader):
        self._reader, self.counted = reader, 0

    def __getattr__(self, name):
        return getattr(self._reader, name)

    def word_document_counts(self, matches, least=1):
        self.counted += 1
        return self._reader.word_document_counts(matches, least)


def test_matches_that_are_the_whole_archive_are_answered_without_counting_words(archive):
    from dateline.search.engine import build_tree, find_matches
    from dateline.search.options import Filters
    from dateline.search.top_words import top_words

    reader = _CountingReader(archive.reader())
    everything = find_matches(reader, build_tree("*", Filters(), now=NOW))
    assert len(everything) == reader.doc_count()
    assert top_words(reader, everything) == [] and reader.counted == 0
    # Most of the archive, but not all: the words of the rest still set it apart.
    most = find_matches(reader, build_tree("* -syria", Filters(), now=NOW))
    assert len(most) > reader.doc_count() / 2
    assert top_words(reader, most) and reader.counted == 1


def test_top_words_are_counted_only_for_searches_that_show_them(archive, cli_home, monkeypatch):
    import dateline.search.facets as facets

    plain = search(archive, "person:lavrov", facets=True, now=NOW).facets
    without = search(archive, "person:lavrov", facets=True, top_words=False, now=NOW).facets
    assert plain["words"] and without["words"] == []
    assert {k: v for k, v in plain.items() if k != "words"} == {k: v for k, v in without.items() if k != "words"}
    counted = []
    monkeypatch.setattr(facets, "top_words", lambda *a, **k: counted.append(a) or facets.TopWords())
    app = create_app(Home(cli_home), clock=lambda: NOW, cache_size=0)
    assert app.test_client().get("/?q=person:lavrov").status_code == 200
    assert len(counted) == 1  # the results' own; not the histogram's coverage nor the summary
    app.extensions["dateline"].close()


def test_facet_size_asks_for_more_values_and_is_bounded(archive):
    few = search(archive, "*", facets=True, facet_size=2, now=NOW).facets
    many = search(archive, "*", facets=True, facet_size=100, now=NOW).facets
    assert len(few["places"]) == 2 and len(many["places"]) > 2
    assert many["places"][:2] == few["places"]
    with pytest.raises(SearchError, match="facets must be between 1 and 100, not 101"):
        search(archive, "*", facets=True, facet_size=101, now=NOW)


def test_cli_facets_takes_a_number_and_alone_means_ten(cli_home):
    assert "places: " in dateline(cli_home, "search", "*", "--facets").stdout
    two = dateline(cli_home, "search", "*", "--facets", "2").stdout
    [places] = [line for line in two.splitlines() if line.strip().startswith("places:")]
    assert places.count("(") == 2


def test_api_facets_are_the_cli_json_facets(client, cli_home):
    api = client.get("/api/search?q=person:lavrov&facets=3").get_json()
    cli = json.loads(dateline(cli_home, "search", "person:lavrov", "--json", "--facets", "3").stdout)
    assert api["facets"] == cli["facets"]
    assert len(api["facets"]["words"]) == 3
    assert set(api["facets"]["words"][0]) == {"value", "count", "score"}


def test_the_page_shows_top_words_and_a_more_link_per_facet(client):
    html = client.get("/?q=*&facets=2").get_data(as_text=True)
    assert 'href="/?q=*&amp;facets=100#facet-places"' in html
    html = client.get("/?q=person:lavrov").get_data(as_text=True)
    assert "Top words" in html and re.search(r'href="/\?q=person:lavrov\+syria"', html)
    more = client.get("/?q=*&facets=100").get_data(as_text=True)
    assert "Fewer places" in more


def test_a_former_state_is_folded_into_its_successor():
    places = {"Germany": 40, "West Germany": 38, "East Germany": 2, "France": 7, "Soviet Union": 5}
    former = _former_states(places)
    assert places == {"Germany": 40, "France": 7, "Soviet Union": 5}  # no Russia: kept
    assert former == {"Germany": [{"value": "West Germany", "count": 38},
                                  {"value": "East Germany", "count": 2}]}


def test_the_top_words_bench_runs_and_reports_against_the_name_facets(archive, capsys):
    from bench.top_words import QUERIES, run

    worst = run(archive.reader(), repeat=1)
    out = capsys.readouterr().out
    assert "first query (word table build)" in out and f"worst p95 {worst:.1f} ms" in out
    assert len([line for line in out.splitlines() if line.endswith("x")]) == len(QUERIES)


def _zipf_articles(path, start: int, count: int, *, version: str = "", seed: int = 3):
    """Articles whose body words follow a Zipf-like law over 300 words: a few
    are in more than a fifth of the articles (the common-word cut), most in few."""
    import random

    rng = random.Random(seed + start)
    vocabulary = [f"w{n}x" for n in range(300)]
    weights = [1 / (n + 1) for n in range(300)]
    lines = []
    for n in range(start, start + count):
        words = " ".join(rng.choices(vocabulary, weights, k=12))
        lines.append(json.dumps({"id": f"z-{n}", "title": f"Dispatch {n} {version}".strip(),
                                 "body": f"{words} 1987 {version}", "date": f"2014-{1 + n % 12:02d}-01",
                                 "url": f"https://example.org/z/{n}", "source": "Wire"}))
    path.write_text("\n".join(lines) + "\n")
    return path


def _words_held(archive, query: str) -> dict[str, tuple[int, int]]:
    """{word: (matches holding it, archive articles holding it)} from the store's
    own text (the oracle), for the words of any live article (numbers left out)."""
    from dateline.index.analysis import text_words
    from dateline.search.engine import matching_ids

    matched = set(matching_ids(archive, query, now=NOW))
    everywhere = matching_ids(archive, "*", now=NOW)
    held: dict[str, list[int]] = {}
    for article in archive.store.get_many(everywhere).values():
        for word in text_words(article.body).distinct:
            if not word.isdigit():
                counts = held.setdefault(word, [0, 0])
                counts[0] += article.id in matched
                counts[1] += 1
    return {word: (m, e) for word, (m, e) in held.items()}


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_word_counts_are_the_store_texts_after_removals_and_new_versions(tmp_path, engine):
    """Each engine's word table counts what the stored bodies hold, over a
    segment with deleted articles and one an update added, the words in more
    than a fifth of the articles (of 1,000 or more) left out."""
    from dateline.search.archive import Archive
    from dateline.search.engine import build_tree, find_matches
    from dateline.search.options import Filters
    from tests.helpers import new_home

    home = new_home(tmp_path / "home", _zipf_articles(tmp_path / "a.jsonl", 0, 1100), engine)
    assert dateline(home, "remove", "--query", "w40x").exit_code == 0
    changed = _zipf_articles(tmp_path / "b.jsonl", 1000, 150, version="v2", seed=9)
    assert dateline(home, "update", str(changed)).exit_code == 0
    with Archive(Home(home)) as archive:
        reader = archive.reader()
        for query in ("w3x", "w41x OR w42x", "* -w2x", "v2"):
            matches = find_matches(reader, build_tree(query, Filters(), now=NOW))
            counts = reader.word_document_counts(matches)
            got = {w: (int(m), int(e)) for w, m, e in zip(counts.words, counts.matched, counts.everywhere)
                   if m}
            oracle = _words_held(archive, query)
            assert counts.archive == reader.doc_count() > 1000
            # Every word counted exactly; rare words all there, common ones not
            # (near the cut the engines may differ: Whoosh cuts per segment,
            # deleted articles included, tantivy over the live archive).
            assert got == {w: oracle[w] for w in got}, query
            live = reader.doc_count()
            assert {w for w, (m, e) in oracle.items() if m and e <= 0.1 * live} <= set(got)
            assert not [w for w in got if oracle[w][1] > 0.3 * live]
            assert [w for w, (m, e) in oracle.items() if m and e > 0.3 * live]  # there were some


def _counted(counts) -> dict[str, tuple[int, int]]:
    return {w: (int(m), int(e)) for w, m, e in zip(counts.words, counts.matched, counts.everywhere)
            if m}


def test_tantivy_counts_words_without_a_table_beyond_table_articles(tmp_path, monkeypatch):
    """Beyond TABLE_ARTICLES the tantivy engine builds no word table: each
    query's words are counted by tantivy over a query matching exactly the
    matches or the sample (a query's own, a sample by key, or ids). The
    counts, the archive's and the top words are the table's, over a segment
    with deleted articles and one an update added."""
    from dateline.index import tantivy_word_table
    from dateline.search.archive import Archive
    from dateline.search.engine import build_tree, find_matches
    from dateline.search.options import Filters
    from dateline.search.top_words import top_words
    from tests.helpers import new_home

    home = new_home(tmp_path / "home", _zipf_articles(tmp_path / "a.jsonl", 0, 1100), "tantivy")
    assert dateline(home, "remove", "--query", "w40x").exit_code == 0
    changed = _zipf_articles(tmp_path / "b.jsonl", 1000, 150, version="v2", seed=9)
    assert dateline(home, "update", str(changed)).exit_code == 0
    cases = [("w3x", None), ("w41x OR w42x", None), ("* -w2x", None), ("v2", None),
             ("w1x", 40), ("w7x", 20), ("w1x", 200), ("w20x", 50), ("w7x", 5000)]
    kinds = set()  # what the walk counts over: a query's matches, a sample by key, ids
    from_column = []  # the samples counted from the column of the lowest keys' words
    column_counts = tantivy_word_table.TantivyWordWalk.column_counts

    def counted_from_column(self, searcher, matching, least):
        counts = column_counts(self, searcher, matching, least)
        from_column.append(counts is not None)
        return counts

    monkeypatch.setattr(tantivy_word_table.TantivyWordWalk, "column_counts", counted_from_column)
    answers = {}
    for table_articles in (10**9, 0):  # the table, then the walk
        monkeypatch.setattr(tantivy_word_table, "TABLE_ARTICLES", table_articles)
        with Archive(Home(home)) as archive:
            reader = archive.reader()
            for query, sample in cases:
                matches = find_matches(reader, build_tree(query, Filters(), now=NOW))
                drawn = reader.sample_matches(matches, sample) if sample else matches
                counts = reader.word_document_counts(drawn)
                words = top_words(reader, matches, sample=sample, top=30)
                answers.setdefault((query, sample), []).append(
                    (_counted(counts), counts.archive, list(words), words.read, len(drawn)))
                kinds.add(type(drawn).__name__ if hasattr(drawn, "query") else "ids")
            assert reader._word_table._built == (table_articles > 0)
            assert reader._word_walk._built == (table_articles == 0)
    for case, (table, walk) in answers.items():
        assert table[0] and table[2] and table == walk, case
    assert kinds == {"TantivyMatches", "_Sample", "ids"}
    assert answers[("w1x", 200)][0][4] == 200 and answers[("w20x", 50)][0][4] == 50  # every k-th
    # Samples by key below an eighth of the keys were counted from the column (2 cases, 2 calls each).
    assert from_column == [True] * 4


def test_beyond_its_tables_tantivy_counts_top_words_beside_the_name_facets(tmp_path, monkeypatch):
    """Where the engine counts without Python's lock (tantivy beyond its
    tables), top words are counted on another thread while the request's
    own counts the names and dates: the same facets, in the same order, as
    one after the other."""
    from dateline.index import tantivy_engine, tantivy_word_table
    from dateline.search import facets as facets_module
    from dateline.search.archive import Archive
    from tests.helpers import new_home

    home = new_home(tmp_path / "home", _zipf_articles(tmp_path / "a.jsonl", 0, 600), "tantivy")
    monkeypatch.setattr(tantivy_word_table, "TABLE_ARTICLES", 0)
    threads = []
    started = facets_module._counting_threads

    def counting_threads():
        threads.append(True)
        return started()

    monkeypatch.setattr(facets_module, "_counting_threads", counting_threads)
    queries = ["w1x", "w3x OR w5x", "* -w2x", "w7x w9x"]
    with Archive(Home(home)) as archive:
        together = [search(archive, q, facets=True, now=NOW).to_json() for q in queries]
        assert len(threads) == len(queries)
        monkeypatch.setattr(tantivy_engine.TantivyReader, "counts_apart", lambda self: False)
        apart = [search(archive, q, facets=True, now=NOW).to_json() for q in queries]
    assert len(threads) == len(queries)
    for one, other in zip(together, apart):
        assert one["facets"]["words"] and list(one["facets"]) == list(other["facets"])
        assert one["facets"] == other["facets"]
        assert one["facets_words_sample"] == other["facets_words_sample"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
def test_a_forked_child_counts_on_threads_of_its_own():
    """A process forked after the counting threads started (a server that
    forks its workers after a first request) starts threads of its own:
    the parent's do not exist in it."""
    from dateline.search import facets as facets_module

    assert facets_module._counting_threads().submit(lambda: 2).result(timeout=10) == 2
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's outcome is its exit status
        try:
            os._exit(0 if facets_module._counting_threads().submit(lambda: 3).result(timeout=10) == 3 else 1)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0


@pytest.fixture(scope="module", params=["whoosh", "tantivy"])
def zipf_home(request, tmp_path_factory):
    """200 Zipf-bodied articles (no common-word cut below 1,000) in each engine."""
    from tests.helpers import new_home

    root = tmp_path_factory.mktemp(f"sample-{request.param}")
    return new_home(root / "home", _zipf_articles(root / "a.jsonl", 0, 200), request.param)


def _held_by(archive, article_ids) -> dict[str, int]:
    """{word: articles among `article_ids` holding it}, from the stored bodies."""
    from dateline.index.analysis import text_words

    held: dict[str, int] = {}
    for article in archive.store.get_many(list(article_ids)).values():
        for word in text_words(article.body).distinct:
            if not word.isdigit():
                held[word] = held.get(word, 0) + 1
    return held


def test_top_words_of_many_matches_are_read_from_a_sample_and_say_so(zipf_home):
    """More matches than the sample: the words are counted over the sample
    the engine draws (`Reader.sample_matches`: spread over the matches, not
    the best by score), exactly, and the answer says how many it read; no
    more matches than the sample: every one, exactly."""
    from dateline.search.archive import Archive
    from dateline.search.engine import build_tree, find_matches
    from dateline.search.options import Filters
    from dateline.search.top_words import top_words

    with Archive(Home(zipf_home)) as archive:
        reader = archive.reader()
        archive_size = reader.doc_count()
        everywhere = _held_by(archive, _all_ids(archive))
        for query, sample in (("w1x", 10), ("w1x", 25), ("w7x", 1000), ("* -w2x", 12)):
            matches = find_matches(reader, build_tree(query, Filters(), now=NOW))
            assert 25 < len(matches) < archive_size
            drawn = reader.sample_matches(matches, sample)
            assert set(drawn.ids.tolist()) <= set(matches.ids.tolist())
            if sample >= len(matches):
                assert len(drawn) == len(matches)
            else:  # spread: neither all nor none, nor the first ones
                assert 0 < len(drawn) < len(matches) and len(drawn) <= 4 * sample
                assert drawn.ids.max() > matches.ids[len(drawn) - 1]
            found = top_words(reader, matches, sample=sample, top=50)
            assert found.read == len(drawn) and found
            held = _held_by(archive, reader.article_ids(drawn.ids.tolist()))
            least = 2 if len(drawn) < 30 else 3
            for word in found:
                assert word["count"] == held[word["value"]] >= least, (query, sample, word)
                assert word["score"] == round(jlh(word["count"], len(drawn), everywhere[word["value"]],
                                                  archive_size), 4)


def _all_ids(archive) -> list[str]:
    from dateline.search.engine import matching_ids

    return list(matching_ids(archive, "*", now=NOW))


def test_the_json_the_cli_and_the_page_say_how_many_matches_top_words_read(zipf_home, monkeypatch):
    import dateline.search.top_words as top_words_module
    from dateline.search.archive import Archive
    from dateline.search.engine import build_tree, find_matches

    with Archive(Home(zipf_home)) as archive:
        whole = search(archive, "w1x", facets=True, now=NOW)
        assert whole.to_json()["facets_words_sample"] == whole.total_articles > 25
        assert search(archive, "*", facets=True, now=NOW).to_json()["facets_words_sample"] == 0
        assert "facets_words_sample" not in search(archive, "w1x", now=NOW).to_json()
        monkeypatch.setattr(top_words_module, "SAMPLE", 12)
        sampled = search(archive, "w1x", facets=True, now=NOW)
        reader = archive.reader()
        drawn = len(reader.sample_matches(find_matches(reader, build_tree("w1x", now=NOW)), 12))
        assert sampled.to_json()["facets_words_sample"] == drawn > 0
        assert sampled.facets["words"] and sampled.facets["words"] != whole.facets["words"]
        assert set(sampled.facets["words"][0]) == {"value", "count", "score"}
    app = create_app(Home(zipf_home), clock=lambda: NOW, cache_size=0)
    html = app.test_client().get("/?q=w1x").get_data(as_text=True)
    assert f"Top words of {drawn} of the {whole.total_articles} matches" in html
    app.extensions["dateline"].close()
    out = dateline(zipf_home, "search", "w1x", "--facets").stdout
    assert f"words (of {drawn} of the {whole.total_articles} matches): " in out
