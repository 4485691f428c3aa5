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

import sys
from array import array
from collections import Counter
from collections.abc import Callable, Iterable

from dateline.corpus.article import Article
from dateline.corpus.same_story import SIMILARITY, Facts, body_hash, facts_of, same_story

# Bump when the rule changes: a store clustered by an older rule is reclustered
# by the next ingest or `index --rebuild`.
RULE_VERSION = "story-3"
BAND_RECENT = 8
CANDIDATES = 16

# Compact on purpose (the ingest writes a row and 42 band lists per article):
# band keys are 64-bit integers, a band's members are the members' rowids
# packed 8 bytes each, and an article's facts are computed the first time it
# is compared with a similar text (most articles never are), then kept.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS story_members (
    id TEXT PRIMARY KEY,
    cluster TEXT NOT NULL,
    signature BLOB NOT NULL,
    body_hash TEXT NOT NULL,
    facts TEXT,  -- Facts.to_row(), NULL until first needed
    date TEXT,
    corrected INTEGER
);
-- Per band key, its most recently stored members' rowids, newest first (int64s).
CREATE TABLE IF NOT EXISTS story_buckets (key INTEGER PRIMARY KEY, members BLOB NOT NULL);
DROP TABLE IF EXISTS story_clusters;
DROP TABLE IF EXISTS story_bands;
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

    def assign(self, article: Article, signature=None, *, keys: list[int] | None = None,
               own_hash: str | None = None) -> str:
        """The cluster of a just-stored article (`article.id` is its stored id),
        recorded here and in its stored record. What depends on the article
        alone (its signature, band keys and body hash) may be given, computed
        where it was read (`corpus.ingestion.Prepared`)."""
        from dateline.corpus import dedupe  # numpy: loaded by the processes that store articles only

        if signature is None:
            signature = dedupe.article_signature(article)
        own_hash = own_hash or body_hash(article.body)
        facts = None  # computed when a candidate needs them
        self._forget(article.id)
        bands = self._bands(keys if keys is not None else dedupe.band_ints(signature))
        cluster = article.id
        best = -1.0
        for cand in self._candidates(bands):
            self.comparisons += 1
            score = dedupe.similarity(signature, cand.signature)
            if score <= best or (score < SIMILARITY and cand.body_hash != own_hash):
                continue  # not the same story whatever the facts say (`same_story`)
            cand_facts = self._facts(cand)
            facts = facts or facts_of(article)
            if cand_facts is not None and same_story(score, facts, cand_facts):
                cluster, best = cand.cluster, score
        row = _stored(facts) if facts else (None, None, None)
        rowid = self._db.execute("INSERT INTO story_members VALUES (?,?,?,?,?,?,?)",
                                 (article.id, cluster, dedupe.to_blob(signature), own_hash, *row)).lastrowid
        self._db.executemany("INSERT OR REPLACE INTO story_buckets VALUES (?,?)", [
            (key, _packed(array("q", [rowid]) + members[: BAND_RECENT - 1]))
            for key, members in bands.items()])
        if not self._marked:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('clusters', ?)", (RULE_VERSION,))
            self._marked = True
        if article.cluster != cluster:
            self.store.set_cluster(article.id, cluster)
        return cluster

    def _bands(self, keys: list[int]) -> dict[int, array]:
        """Each band key's stored members (rowids), newest first (empty for a new key)."""
        found = dict(self._db.execute(
            f"SELECT key, members FROM story_buckets WHERE key IN ({','.join('?' * len(keys))})", keys))
        return {key: _rowids(found.get(key)) for key in keys}

    def _candidates(self, bands: dict[int, array]) -> list[_Candidate]:
        """The stored articles sharing the most bands, at most CANDIDATES, the
        more recent first among equals."""
        from dateline.corpus import dedupe

        shared: Counter = Counter()
        newest: dict[int, int] = {}  # best place in a band's list, 0 = most recent
        for members in bands.values():
            for place, cand in enumerate(members):
                shared[cand] += 1
                if place < newest.get(cand, BAND_RECENT):
                    newest[cand] = place
        chosen = sorted(shared, key=lambda c: (-shared[c], newest[c], -c))[:CANDIDATES]
        if not chosen:
            return []
        rows = {row[0]: row for row in self._db.execute(
            "SELECT rowid, id, cluster, signature, body_hash, facts, date, corrected FROM story_members "
            f"WHERE rowid IN ({','.join('?' * len(chosen))})", chosen)}
        return [_Candidate(rows[c][1], rows[c][2], dedupe.from_blob(rows[c][3]), rows[c][4], rows[c][5:])
                for c in chosen if c in rows]

    def _facts(self, cand: _Candidate) -> Facts | None:
        """A stored article's facts: computed from its stored record the first
        time, then kept (None if the record is gone)."""
        if cand.row[0] is not None:
            return Facts.from_row(cand.row[0], cand.row[1], cand.body_hash, cand.row[2])
        stored = self.store.get(cand.id)
        if stored is None:
            return None
        facts = facts_of(stored)
        cand.row = _stored(facts)
        self._db.execute("UPDATE story_members SET facts=?, date=?, corrected=? WHERE id=?", (*cand.row, cand.id))
        return facts

    def forget(self, ids: Iterable[str]) -> None:
        """Deleted articles leave their clusters (the others keep theirs)."""
        for article_id in ids:
            self._forget(article_id)

    def _forget(self, article_id: str) -> None:
        from dateline.corpus import dedupe

        row = self._db.execute("SELECT rowid, signature FROM story_members WHERE id=?", (article_id,)).fetchone()
        if row is None:
            return
        rowid = row[0]
        self._db.execute("DELETE FROM story_members WHERE id=?", (article_id,))
        bands = self._bands(dedupe.band_ints(dedupe.from_blob(row[1])))
        self._db.executemany("UPDATE story_buckets SET members=? WHERE key=?", [
            (_packed(array("q", [m for m in members if m != rowid])), key)
            for key, members in bands.items() if rowid in members])

    def recluster(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Every stored article's cluster computed again, in the order they were
        stored, from the store alone (one transaction). Returns how many
        articles changed cluster; each is logged as a change for the index."""
        self._db.execute("DELETE FROM story_members")
        self._db.execute("DELETE FROM story_buckets")
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


class _Candidate:
    """A stored article offered for comparison; `row` is its stored facts
    (stated, date, corrected), None until computed."""

    __slots__ = ("id", "cluster", "signature", "body_hash", "row")

    def __init__(self, id_, cluster, signature, body_hash_, row) -> None:
        self.id, self.cluster, self.signature, self.body_hash, self.row = id_, cluster, signature, body_hash_, row


def _stored(facts: Facts) -> tuple:
    """(facts, date, corrected): the columns a member's facts fill."""
    stated, date, _body_hash, corrected = facts.to_row()
    return stated, date, corrected


def _rowids(blob: bytes | None) -> array:
    found = array("q")
    if blob:
        found.frombytes(blob)
        if _BIG_ENDIAN:
            found.byteswap()
    return found


def _packed(rowids: array) -> bytes:
    """Little-endian int64s, whatever machine writes them."""
    if _BIG_ENDIAN:
        rowids = array("q", rowids)
        rowids.byteswap()
    return rowids.tobytes()


_BIG_ENDIAN = sys.byteorder == "big"
