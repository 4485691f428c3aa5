"""One reader reused across searches; a new one only when the index changed."""

from __future__ import annotations

import json

from dateline.corpus import ArticleStore, Home, ingest
from dateline.index import IndexLocation, rebuild_index, sync_index
from dateline.search.archive import Archive
from dateline.search.engine import matching_ids
from tests.helpers import FIXTURES, NOW, build_home


def _add_article(home: Home, tmp_path) -> None:
    page = tmp_path / "new.jsonl"
    page.write_text(json.dumps({"id": "new-1", "title": "Zebra census", "date": "2015-01-02",
                                "body": "Rangers counted zebras in the park."}) + "\n")
    with ArticleStore(home.store_path) as store:
        ingest([page], store, home.rejects_path, now=NOW)
        sync_index(store, IndexLocation.in_home(home.root))


def test_the_reader_is_reused_while_the_index_is_unchanged(tmp_path):
    home = build_home(tmp_path / "home", FIXTURES / "articles.jsonl")
    with Archive(home) as archive:
        first, key = archive.reader(), archive.generation
        assert archive.reader() is first and archive.generation == key


def test_an_update_changes_the_generation_and_the_reader_sees_it(tmp_path):
    home = build_home(tmp_path / "home", FIXTURES / "articles.jsonl")
    with Archive(home) as archive:
        before = archive.generation
        _add_article(home, tmp_path)
        assert archive.generation != before
        assert "new-1" in matching_ids(archive, "zebra", now=NOW)


def test_a_rebuild_changes_the_generation(tmp_path):
    home = build_home(tmp_path / "home", FIXTURES / "articles.jsonl")
    with Archive(home) as archive:
        before = archive.generation
        with ArticleStore(home.store_path) as store:
            rebuild_index(store, IndexLocation.in_home(home.root))
        assert archive.generation != before
