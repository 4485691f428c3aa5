"""Near-duplicate clusters, kept beside the article store (same SQLite file,
same transactions, their own tables): the ingest stores an article, then asks
`Clusters.assign` which story it belongs to.

Candidates come from MinHash bands (`corpus.dedupe`): two articles sharing a
band are compared. The cost per article is bounded whatever the archive
holds: each band keeps only its BAND_RECENT most recently stored members (one
row per band), and at most CANDIDATES of those, the ones sharing the most
bands, are compared with `corpus.same_story`. A thousand copies of one
template cost what ten do. (A member deleted from a band is not replaced by
an older one: after deletions a band may offer fewer candidates.) Assignment depends only on the order articles are stored in (a
distributed ingest that stores them in input order gets the same clusters).

An article joins the cluster of the most similar candidate that is the same
story, else starts its own (its id). Clusters are kept in the article records
too (`Article.cluster`, what the index reads); `recluster` recomputes them all
from the stored articles, without the crawl.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable

from dateline.corpus.article import Article
from dateline.corpus.same_story import Facts, facts_of, same_story

# Bump when the rule changes: a store clustered by an older rule is reclustered
# by the next ingest or `index --rebuild`.
RULE_VERSION = "story-2"
BAND_RECENT = 8
CANDIDATES = 16

_SCHEMA = """
CREATE TABLE IF NOT EXISTS story_clusters (
    id TEXT PRIMARY KEY,
    cluster TEXT NOT NULL,
    signature BLOB NOT NULL,
    facts TEXT NOT NULL,  -- JSON: figures, tickers, headline subjects, names
    date TEXT,
    body_hash TEXT NOT NULL,
    corrected INTEGER NOT NULL
);
-- Per band key ("band:hash"), its most recently stored members, newest first (JSON).
CREATE TABLE IF NOT EXISTS story_bands (key TEXT PRIMARY KEY, ids TEXT NOT NULL) WITHOUT ROWID;
DROP TABLE IF EXISTS near_dup;
DROP TABLE IF EXISTS near_dup_bands
"""


class Clusters:
    """The near-duplicate clusters of one store."""

    def __init__(self, store) -> None:
        self.store = store
        self._db = store.connection
        if not store.readonly:
            # One statement at a time: `executescript` would commit the
            # transaction the caller may be writing articles in.
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self._db.execute(statement)
        self.comparisons = 0  # candidates compared, for tests of the bound
        self._marked = False  # the meta row naming the rule is written

    def is_current(self) -> bool:
        """Whether the stored clusters follow this rule (an empty store does)."""
        row = self._db.execute("SELECT value FROM meta WHERE key='clusters'").fetchone()
        if row is not None:
            return row[0] == RULE_VERSION
        return not len(self.store)

    def assign(self, article: Article, signature=None) -> str:
        """The cluster of a just-stored article (`article.id` is its stored id),
        recorded here and in its stored record."""
        from dateline.corpus import dedupe  # numpy: loaded by the processes that store articles only

        if signature is None:
            signature = dedupe.article_signature(article)
        facts = facts_of(article)
        self._forget(article.id)
        bands = self._bands(_keys(signature))
        cluster = article.id
        best = -1.0
        for cand_cluster, cand_sig, cand_facts in self._candidates(bands, article.id):
            self.comparisons += 1
            score = dedupe.similarity(signature, cand_sig)
            if score > best and same_story(score, facts, cand_facts):
                cluster, best = cand_cluster, score
        self._db.execute("INSERT INTO story_clusters VALUES (?,?,?,?,?,?,?)",
                         (article.id, cluster, dedupe.to_blob(signature), *facts.to_row()))
        self._db.executemany("INSERT OR REPLACE INTO story_bands VALUES (?,?)", [
            (key, json.dumps([article.id, *members[: BAND_RECENT - 1]], ensure_ascii=False))
            for key, members in bands.items()])
        if not self._marked:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('clusters', ?)", (RULE_VERSION,))
            self._marked = True
        if article.cluster != cluster:
            self.store.set_cluster(article.id, cluster)
        return cluster

    def _bands(self, keys: list[str]) -> dict[str, list[str]]:
        """Each band key's stored members, newest first ([] for a new key)."""
        found = dict(self._db.execute(
            f"SELECT key, ids FROM story_bands WHERE key IN ({','.join('?' * len(keys))})", keys))
        return {key: json.loads(found[key]) if key in found else [] for key in keys}

    def _candidates(self, bands: dict[str, list[str]], own_id: str):
        """(cluster, signature, facts) of the stored articles sharing the most
        bands, at most CANDIDATES, the more recent first among equals."""
        from dateline.corpus import dedupe

        shared: Counter = Counter()
        newest: dict[str, int] = {}  # best place in a band's list, 0 = most recent
        for members in bands.values():
            for place, cand in enumerate(members):
                if cand != own_id:
                    shared[cand] += 1
                    newest[cand] = min(newest.get(cand, place), place)
        chosen = sorted(shared, key=lambda c: (-shared[c], newest[c], c))[:CANDIDATES]
        if not chosen:
            return []
        rows = {row[0]: row for row in self._db.execute(
            "SELECT id, cluster, signature, facts, date, body_hash, corrected FROM story_clusters "
            f"WHERE id IN ({','.join('?' * len(chosen))})", chosen)}
        return [(rows[c][1], dedupe.from_blob(rows[c][2]), Facts.from_row(*rows[c][3:]))
                for c in chosen if c in rows]

    def forget(self, ids: Iterable[str]) -> None:
        """Deleted articles leave their clusters (the others keep theirs)."""
        for article_id in ids:
            self._forget(article_id)

    def _forget(self, article_id: str) -> None:
        from dateline.corpus import dedupe

        row = self._db.execute("SELECT signature FROM story_clusters WHERE id=?", (article_id,)).fetchone()
        if row is None:
            return
        self._db.execute("DELETE FROM story_clusters WHERE id=?", (article_id,))
        bands = self._bands(_keys(dedupe.from_blob(row[0])))
        self._db.executemany("UPDATE story_bands SET ids=? WHERE key=?", [
            (json.dumps([m for m in members if m != article_id], ensure_ascii=False), key)
            for key, members in bands.items() if article_id in members])

    def recluster(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Every stored article's cluster computed again, in the order they were
        stored, from the store alone (one transaction). Returns how many
        articles changed cluster; each is logged as a change for the index."""
        self._db.execute("DELETE FROM story_clusters")
        self._db.execute("DELETE FROM story_bands")
        total, changed = len(self.store), 0
        for done, article in enumerate(self.store.articles_in_stored_order(), 1):
            if self.assign(article) != article.cluster:
                self.store.log_put(article.id)
                changed += 1
            if progress and done % 500 == 0:
                progress(done, total)
        self._db.execute("INSERT OR REPLACE INTO meta VALUES ('clusters', ?)", (RULE_VERSION,))
        self.store.commit()
        return changed


def _keys(signature) -> list[str]:
    from dateline.corpus import dedupe

    return [f"{band}:{key}" for band, key in dedupe.band_keys(signature)]
