"""The engine boundary: only the engine's package touches Whoosh, each
generation says which engine (and version) wrote it, and an engine whose
internals are not what Dateline reads stops with a clear error."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from dateline.corpus import ArticleStore, Home
from dateline.index import IndexIncompatible, IndexLocation, open_live_index
from dateline.index.generations import read_meta, write_meta
from dateline.search.archive import Archive
from dateline.search.engine import search
from tests.helpers import NOW
from tests.helpers import dateline as invoke
from tests.helpers import write_articles
from tests.whoosh_reference import build_reference, to_whoosh

REPO = Path(__file__).resolve().parents[1]
# The analysis borrows Whoosh's Snowball stemmer and accent table (pure
# functions, not the engine); everything else Whoosh is the engine's.
ALLOWED = {"index/analysis.py": {"whoosh.lang", "whoosh.support.charset"}}


def _whoosh_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "whoosh"}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "whoosh":
            found.add(node.module)
    return found


def test_only_the_whoosh_engine_package_imports_whoosh():
    offenders = {}
    for folder in ("corpus", "index", "search", "dateline"):
        for path in (REPO / folder).rglob("*.py"):
            name = path.relative_to(REPO).as_posix()
            if name.startswith("index/whoosh_engine/"):
                continue
            extra = _whoosh_imports(path) - ALLOWED.get(name, set())
            if extra:
                offenders[name] = sorted(extra)
    assert offenders == {}


def test_a_generation_records_its_engine_and_version(fixture_home, engine):
    from importlib.metadata import version

    meta = read_meta(IndexLocation.in_home(fixture_home.root).current_dir())
    assert meta["engine"] == engine
    assert meta["engine_version"] == version("whoosh3" if engine == "whoosh" else "tantivy")


def test_another_engine_version_asks_for_a_rebuild(tmp_path):
    home = tmp_path / "home"
    assert invoke(home, "update", str(write_articles(tmp_path / "a.jsonl", 0, 5))).exit_code == 0
    location = IndexLocation.in_home(home)
    gen_dir = location.current_dir()
    write_meta(gen_dir, {**read_meta(gen_dir), "engine_version": "3.53.0"})
    with pytest.raises(IndexIncompatible) as caught:
        open_live_index(location)
    assert str(caught.value) == (f"the index in {home} was written by whoosh 3.53.0, "
                                 f"{_installed()} is installed: "
                                 "run 'dateline index --rebuild'")
    result = invoke(home, "search", "dispatch")
    assert result.exit_code != 0 and "run 'dateline index --rebuild'" in result.output
    assert invoke(home, "index", "--rebuild").exit_code == 0
    assert invoke(home, "search", "dispatch").exit_code == 0


def test_a_tantivy_index_of_an_older_layout_asks_for_a_rebuild(tmp_path):
    home = tmp_path / "home"
    articles = str(write_articles(tmp_path / "a.jsonl", 0, 5))
    assert invoke(home, "index", "--engine", "tantivy").exit_code == 0
    assert invoke(home, "update", articles).exit_code == 0
    location = IndexLocation.in_home(home)
    gen_dir = location.current_dir()
    assert read_meta(gen_dir)["engine_layout"] == 5
    write_meta(gen_dir, {**read_meta(gen_dir), "engine_layout": 4})
    with pytest.raises(IndexIncompatible) as caught:
        open_live_index(location)
    assert str(caught.value) == (f"the index in {home} was written in layout 4 of the tantivy "
                                 "engine, this Dateline writes layout 5: "
                                 "run 'dateline index --rebuild'")
    assert invoke(home, "update", articles).exit_code != 0  # never written into wrongly
    assert invoke(home, "index", "--rebuild").exit_code == 0
    assert invoke(home, "search", "dispatch").exit_code == 0


def _installed() -> str:
    import whoosh

    return ".".join(map(str, whoosh.__version__))


def test_an_index_that_does_not_name_its_engine_asks_for_a_rebuild(tmp_path):
    home = tmp_path / "home"
    assert invoke(home, "update", str(write_articles(tmp_path / "a.jsonl", 0, 5))).exit_code == 0
    gen_dir = IndexLocation.in_home(home).current_dir()
    meta = read_meta(gen_dir)
    del meta["engine"], meta["engine_version"]
    (gen_dir / "dateline.json").write_text(json.dumps(meta))
    result = invoke(home, "search", "dispatch")
    assert result.exit_code != 0
    assert "does not say which engine wrote it" in result.output


def test_whoosh_internals_that_changed_stop_with_an_error_not_a_slow_answer(whoosh_home,
                                                                            monkeypatch):
    from dateline.index.whoosh_engine import postings

    monkeypatch.setattr(postings, "_has_block_internals", lambda matcher: False)
    with Archive(whoosh_home) as archive:
        with pytest.raises(postings.WhooshInternalsChanged) as caught:
            search(archive, "oil", now=NOW)
    assert "stores posting blocks differently" in str(caught.value)


@pytest.fixture(scope="module", params=("whoosh", "tantivy"))
def grown_home(tmp_path_factory, request):
    """An index grown as archives grow: several updates (several segments),
    words in more than 128 articles (posting lists of several blocks), and
    removals (deleted documents); with each engine."""
    folder = tmp_path_factory.mktemp("grown")
    home = folder / "home"
    assert invoke(home, "index", "--engine", request.param).exit_code == 0
    assert invoke(home, "update", str(write_articles(folder / "a.jsonl", 0, 300))).exit_code == 0
    assert invoke(home, "update", str(write_articles(folder / "b.jsonl", 300, 40))).exit_code == 0
    removed = [f"art-{n}" for n in (3, 150, 299, 310)]
    assert invoke(home, "remove", *[a for n in removed for a in ("--id", n)]).exit_code == 0
    return Home(home), removed


CONTRACT_QUERIES = ["*", "dispatch", "report OR number", '"dispatch number"', "dis*",
                    "date:2014-03", "NOT date:2014-03", "source:wire", "wire 1",
                    '"number 150"', "report -dispatch"]


@pytest.mark.parametrize("query", CONTRACT_QUERIES)
def test_several_segments_long_posting_lists_and_deletions_answer_as_whoosh(grown_home,
                                                                            tmp_path_factory, query):
    from dateline.search.lower import lower
    from dateline.search.parser import parse_query

    home, removed = grown_home
    with Archive(home) as archive, ArticleStore(home.store_path, readonly=True) as store:
        reader = archive.reader()
        assert reader.segment_count() > 1
        assert reader.match(lower(parse_query("dispatch", now=NOW))).ids.size > 128
        ix = build_reference(list(store), tmp_path_factory.mktemp("reference"))
        with ix.searcher() as reference:
            expected = {h["id"] for h in reference.search(to_whoosh(parse_query(query, now=NOW)),
                                                          limit=None)}
        got = reader.article_ids(reader.match(lower(parse_query(query, now=NOW))).ids.tolist())
    assert len(got) == len(set(got)) and set(got) == expected
    assert not set(removed) & set(got)


def test_columns_read_whole_give_what_reading_each_document_gives(grown_home):
    """The tantivy reader reads the date and cluster columns whole when many
    documents are asked for (and for a query of dates alone): the same values,
    the same clusters and the same matches as asking document by document."""
    from dateline.index import tantivy_engine
    from dateline.search.lower import lower
    from dateline.search.parser import parse_query

    home, removed = grown_home
    with Archive(home) as archive:
        reader = archive.reader()
        if not isinstance(reader, tantivy_engine.TantivyReader):
            pytest.skip("the Whoosh engine reads its columns whole always")
        every = reader.match(lower(parse_query("*", now=NOW))).ids
        few = every[::7][: tantivy_engine._FEW]
        one_by_one = (reader.date_values(few), reader.cluster_keys(few))
        assert reader._columns is None  # nothing read whole yet
        march = reader.match(lower(parse_query("date:2014-03", now=NOW)))
        assert len(march) and reader._columns is None  # counted by tantivy
        march.ids  # every match asked for: read from the date column
        assert reader._columns is not None
        whole = (reader.date_values(few), reader.cluster_keys(few))
        assert one_by_one[0].tolist() == whole[0].tolist()
        assert len(set(one_by_one[1].tolist())) == len(set(whole[1].tolist()))
        pairs = set(zip(one_by_one[1].tolist(), whole[1].tolist()))
        assert len(pairs) == len(set(whole[1].tolist()))  # the same clusters
        # The query of dates alone, as tantivy's own range query finds it.
        in_march = reader.match(lower(parse_query("date:2014-03 dispatch OR date:2014-03", now=NOW)))
        assert march.ids.tolist() == in_march.ids.tolist() and len(march.ids) > 0
        assert not set(removed) & set(reader.article_ids(march.ids.tolist()))
