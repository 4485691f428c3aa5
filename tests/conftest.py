"""Shared fixtures: a dozen hand-written articles built into a temporary home."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from dateline.corpus import ArticleStore, Home, ingest
from dateline.index import IndexLocation, rebuild_index
from dateline.search.archive import Archive
from dateline.search.cli import app as cli_app

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REUTERS = SHARED / "corpora" / "reuters21578"
NOW = datetime(2015, 6, 15, 12, 0, tzinfo=timezone.utc)

# No test is timed: a property test's first example may load the gazetteer on a
# busy machine, and a deadline would fail it for being slow, not wrong.
settings.register_profile("dateline", deadline=None)
settings.load_profile("dateline")


CLI = CliRunner()


def dateline(home: Path | Home, *args, **kwargs):
    """`dateline --home HOME ARGS…`, run in this process (stdout and stderr apart)."""
    root = home.root if isinstance(home, Home) else home
    return CLI.invoke(cli_app, ["--home", str(root), *args], **kwargs)


def indexed_cli_home(tmp_path_factory, name: str) -> Path:
    """The fixture articles ingested and indexed through the command line."""
    root = tmp_path_factory.mktemp(name) / "home"
    assert dateline(root, "ingest", str(FIXTURES / "articles.jsonl")).exit_code == 0
    assert dateline(root, "index").exit_code == 0
    return root


def build_home(root: Path, *inputs: Path) -> Home:
    home = Home(root)
    with ArticleStore(home.store_path) as store:
        ingest(list(inputs), store, home.rejects_path, now=NOW)
        rebuild_index(store, IndexLocation.in_home(root))
    return home


@pytest.fixture(scope="session")
def fixture_home(tmp_path_factory) -> Home:
    return build_home(tmp_path_factory.mktemp("home"), FIXTURES / "articles.jsonl")


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


requires_reuters = pytest.mark.skipif(
    not REUTERS.exists(), reason=f"Reuters corpus not found at {REUTERS}"
)
