"""Shared fixtures: a dozen hand-written articles built into a temporary home.

The helpers they use (and that tests import) are in tests/helpers.py.
"""

from __future__ import annotations

import pytest
from hypothesis import settings

from dateline.search.archive import Archive
from tests.helpers import (CLI, FIXTURES, NOW, REUTERS, SHARED, build_home, cli,  # noqa: F401
                           dateline, indexed_cli_home, requires_reuters)

# No test is timed: a property test's first example may load the gazetteer on a
# busy machine, and a deadline would fail it for being slow, not wrong.
settings.register_profile("dateline", deadline=None)
settings.load_profile("dateline")


@pytest.fixture(scope="session")
def fixture_home(tmp_path_factory, engine):
    """The fixture articles indexed by each engine in turn."""
    return build_home(tmp_path_factory.mktemp(f"home-{engine}"), FIXTURES / "articles.jsonl",
                      engine=engine)


ENGINES = ("whoosh", "tantivy")


@pytest.fixture(scope="session", params=ENGINES)
def engine(request) -> str:
    """Each engine in turn: a test of search behaviour using it runs on both."""
    return request.param


@pytest.fixture(scope="session")
def whoosh_home(tmp_path_factory):
    """The fixture articles in a Whoosh index (tests of the Whoosh engine's own code)."""
    return build_home(tmp_path_factory.mktemp("home-whoosh"), FIXTURES / "articles.jsonl")


@pytest.fixture()
def whoosh_archive(whoosh_home):
    with Archive(whoosh_home) as archive:
        yield archive


@pytest.fixture()
def archive(fixture_home):
    with Archive(fixture_home) as archive:
        yield archive


@pytest.fixture()
def ids(archive):
    """ids(query, **options) -> the set of article ids a search finds (all pages)."""
    from dateline.search.engine import search

    def run(query: str, **options) -> set[str]:
        results = search(archive, query, limit=1000, now=NOW, **options)
        assert results.total == len(results.hits)
        return {hit.article.id for hit in results.hits}

    return run
