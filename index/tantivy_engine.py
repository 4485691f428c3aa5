"""The tantivy engine (Rust, through the `tantivy` package): for large archives.

Both engines index the same words: tantivy is fed Dateline's own words
(`analysis.spaced_text`, split again at spaces by tantivy), so a word, a stem, a
phrase or a name matches the same articles whichever engine is used (the
contract in `tests/test_engine_contract.py`). The fields are the Whoosh
engine's, by the same names, so `search/lower.py` lowers a query once for
both. Scores are tantivy's BM25 (the title boosted at query time), so the
order of equally relevant results may differ from Whoosh's; `bench.quality`
measures both.

Document numbers are (segment ordinal << 32 | document in segment): unique
and ascending within one searcher, which is all the search layer needs.
Counting facets and the date histogram over every match is done by tantivy
itself (aggregations over the query, not over a list of documents).
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, islice, product, repeat
from operator import attrgetter, itemgetter
from pathlib import Path

import numpy as np

from dateline.index import engine as boundary
from dateline.index.engine import Engine, EngineUnavailable, Reader, too_many_words
from dateline.index.faults import crash_point
from dateline.index.generations import ReplacedFile
from dateline.index.matches import EMPTY, NO_IDS, NO_SCORES, Matches, WordCounts, rank
from dateline.index.pages import Page, page_of
from dateline.index.ops import (AllOp, AndOp, DateOp, FuzzyOp, NoneOp, Op, OrOp, PhraseOp, PrefixOp,
                                StemOp, TermOp)
from dateline.index.analysis import edit_distance, fold, index_text, spaced_text, stems_text
from dateline.index.schema import NAME_FIELDS, UNDATED, date_key, indexed_names, site_domains
from dateline.index.tantivy_word_table import (SAMPLE_FIELD, SAMPLE_KEYS, LazyTable, TantivyFacetTable,
                                              TantivyWordTable, TantivyWordWalk, tabled)

try:
    import tantivy
except ImportError:  # pragma: no cover - tantivy is a dependency; a broken install
    tantivy = None

WRITER_HEAP_BYTES = 256_000_000
SYNC_HEAP_BYTES = 64_000_000
FACET_BUCKETS = 65_000  # tantivy's limit on buckets in one aggregation
SAMPLED_FROM = 4  # top words' sample: by key when the matches are more than this many times it
_KEY_BITS = 63  # cluster keys are 63-bit hashes (`_cluster_key`)
FACET_SEGMENT = FACET_BUCKETS  # values each segment keeps when only the top few are asked for
FACET_SOME = 1000  # values of a facet asked for first (beyond the top shown) when only those are shown
# A result page counts the matches of each cluster by one aggregation where
# there are at most this many matches or clusters (each segment then keeps
# every key: exact), and reads the matches of shared clusters into Python
# beyond (`TantivyReader.page`).
EXACT_CLUSTERS = FACET_BUCKETS
# Whoosh weighs a title word by multiplying its frequency by TITLE_BOOST (2.5)
# inside BM25's saturation: for a word once in a title of average length that
# is x1.49 on its score. tantivy boosts the score itself, so by that much.
TITLE_WEIGHT = 1.5
_WORD_FIELDS = ("title_exact", "body_exact")  # words with positions (phrases)
# Each title and body word's stem (`analysis.stems_text`), with frequencies:
# a plain word is one term here, all its forms at once, so it matches the
# articles holding any form and BM25 sees the summed frequency and the
# articles holding any form, as the Whoosh engine scores a stem.
_STEM_FIELDS = {"title_exact": "title_stem", "body_exact": "body_stem"}
_FACET_FIELDS = tuple(f"{n}_facet" for n in ("person", "place", "source", "tag"))
_VALUE_FIELDS = (*(f"{n}_exact" for n in NAME_FIELDS), *_FACET_FIELDS, "site")
_SHIFT = 32
_FEW = 256  # column values read document by document up to this many, else whole
_SPLIT = "whitespace"  # tantivy's tokenizer splitting at spaces only, built in
_LOW = (1 << _SHIFT) - 1
_FILTERED = 2.0  # see TantivyReader._filtered


def _version() -> str:
    if tantivy is None:
        raise EngineUnavailable("the tantivy engine is not installed: pip install 'dateline[tantivy]'")
    from importlib.metadata import version

    return version("tantivy")


def build_schema():
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    # Word fields are given `analysis.index_text`: Dateline's words, split at
    # spaces by tantivy's whitespace tokenizer (no filter: the words are final).
    for name in _WORD_FIELDS:
        builder.add_text_field(name, tokenizer_name=_SPLIT, index_option="position")
    for name in NAME_FIELDS:  # the words of names, no positions
        builder.add_text_field(name, tokenizer_name=_SPLIT, index_option="freq")
    for name in _VALUE_FIELDS:  # whole values; the facets are counted from columns
        builder.add_text_field(name, tokenizer_name="raw", index_option="freq",
                               fast=name.endswith("_facet"))
    builder.add_text_field("url", tokenizer_name="raw", index_option="basic")
    for name in _STEM_FIELDS.values():
        builder.add_text_field(name, tokenizer_name=_SPLIT, index_option="freq")
    builder.add_text_field(SAMPLE_FIELD, tokenizer_name=_SPLIT, index_option="basic", fast=True)
    builder.add_text_field("cluster", tokenizer_name="raw", index_option="basic")
    builder.add_unsigned_field("cluster_key", fast=True)
    builder.add_unsigned_field("date", indexed=True, fast=True)
    return builder.build()


def _values(joined: str) -> list[str]:
    """A comma-joined field of `document_for` as its values (as Whoosh reads it)."""
    return [v for v in (part.strip() for part in joined.split(",")) if v]


def _cluster_key(cluster: str) -> int:
    return int.from_bytes(hashlib.blake2b(cluster.encode(), digest_size=8).digest(), "big") >> 1


@lru_cache(maxsize=65_536)
def _name_words(values: tuple[str, ...]) -> str:
    """The words of a name field's values (`document_for` joins them by
    " \\n "), kept: archives repeat names."""
    return index_text(" \n ".join(values))


def tantivy_document(article):
    """The fields of `schema.document_for`, as tantivy takes them: one dict
    handed over in one call, values as lists (the name fields' values from
    `schema.indexed_names`, not joined by commas and split again)."""
    # Titles and bodies as `analysis.spaced_text`: the words separated by
    # spaces, which tantivy's whitespace tokenizer splits (an ASCII text
    # costs one bytes.translate, no regular expression per word).
    title_text, body_text = spaced_text(article.title), spaced_text(article.body)
    cluster = article.cluster or article.id
    cluster_key = _cluster_key(cluster)
    fields = {"id": article.id, "cluster": cluster}
    if title_text:
        fields["title_exact"] = title_text
        fields["title_stem"] = stems_text(title_text)
    if body_text:
        fields["body_exact"] = body_text
        fields["body_stem"] = stems_text(body_text)
        if cluster_key < SAMPLE_KEYS:  # top words' samples of large result sets
            fields[SAMPLE_FIELD] = body_text
    for name, values, folded, spellings in indexed_names(article):
        if words := _name_words(values):
            fields[name] = words
        # Folded values and spellings hold no comma and no outer space: the
        # values Whoosh reads from `document_for`'s comma-joined ones.
        if exact := [v for v in folded if v]:
            fields[f"{name}_exact"] = exact
        if facet := [v for v in spellings if v]:
            fields[f"{name}_facet"] = facet
    if article.url:
        fields["url"] = article.url
    if article.site:
        fields["site"] = _values(",".join(site_domains(article.site)))
    doc = tantivy.Document(**fields)
    doc.add_unsigned("cluster_key", cluster_key)
    doc.add_unsigned("date", date_key(article.date) if article.date else UNDATED)
    return doc


class TantivyEngine(Engine):
    name = "tantivy"
    # 5: `body_sample` (the body's words, a column, in the lowest eighth of cluster keys);
    # 4: no `words` field (top words read body_exact's postings); 3: stems of
    # titles and bodies; 2: word fields as text split at spaces (1: pre-tokenized)
    layout = 5

    def version(self) -> str:
        return _version()

    def write_generation(self, store, gen_dir: Path, progress, procs) -> int:
        index = tantivy.Index(build_schema(), path=str(gen_dir), reuse=False)
        # One indexing thread, whatever `procs`: it runs beside this process's
        # own work on the documents (the larger part), and more threads cost
        # more CPU (more segments to merge): Reuters x1, 2.6 CPU s with one
        # thread against 3.2 with two.
        writer = index.writer(heap_size=WRITER_HEAP_BYTES, num_threads=1)
        total = len(store)
        count = 0
        for article in store:
            writer.add_document(tantivy_document(article))
            count += 1
            if count == total // 2:
                crash_point("rebuild-midway")
            if progress and count % 1000 == 0:
                progress(count, total)
        writer.commit()
        writer.wait_merging_threads()
        if progress:
            progress(count, total)
        return count

    def apply_changes(self, gen_dir: Path, store, latest: dict[str, str]) -> dict:
        index = tantivy.Index.open(str(gen_dir))
        writer = index.writer(heap_size=SYNC_HEAP_BYTES, num_threads=1)
        updated = deleted = 0
        items = list(latest.items())
        for start in range(0, len(items), 500):  # bounded memory for a long backlog
            chunk = items[start : start + 500]
            articles = store.get_many([i for i, op in chunk if op == "put"])
            for article_id, op in chunk:
                writer.delete_documents_by_term("id", article_id)
                article = articles.get(article_id)
                if op == "put" and article is not None:
                    writer.add_document(tantivy_document(article))
                    updated += 1
                else:
                    deleted += 1
        crash_point("before-index-commit")
        writer.commit()
        writer.wait_merging_threads()
        return {"added_or_updated": updated, "deleted": deleted}

    def optimize(self, gen_dir: Path) -> dict | None:
        # tantivy merges segments itself after commits (its log merge policy),
        # but the Python package offers no merge on demand: an index of more
        # than one segment, or with deleted documents, is written anew.
        segments = json.loads((gen_dir / "meta.json").read_text())["segments"]
        if len(segments) <= 1 and not any(s.get("deletes") for s in segments):
            return {"segments_before": len(segments), "segments_after": len(segments)}
        return None

    def open_reader(self, gen_dir: Path) -> TantivyReader:
        if not (gen_dir / "meta.json").exists():
            raise FileNotFoundError(gen_dir / "meta.json")
        for attempt in range(3):
            try:
                return TantivyReader(gen_dir)
            except ValueError:  # a file a commit in between just removed: read again
                if attempt == 2:
                    raise FileNotFoundError(gen_dir) from None
                time.sleep(0.05)
        raise AssertionError("unreachable")  # pragma: no cover

    def segment_count(self, gen_dir: Path) -> int:
        return tantivy.Index.open(str(gen_dir)).searcher().num_segments


def _opstamp(gen_dir: Path) -> int:
    try:
        return json.loads((gen_dir / "meta.json").read_text()).get("opstamp", 0)
    except (OSError, ValueError):
        return -1


def _address(docnum: int):
    return tantivy.DocAddress(docnum >> _SHIFT, docnum & _LOW)


def _docnum(address) -> int:
    return (address.segment_ord << _SHIFT) | address.doc


def _docnums(addresses: list) -> np.ndarray:
    """Document numbers of tantivy addresses (a loop in C, not in Python)."""
    count = len(addresses)
    segments = np.fromiter(map(attrgetter("segment_ord"), addresses), np.int64, count)
    return (segments << _SHIFT) | np.fromiter(map(attrgetter("doc"), addresses), np.int64, count)


def _numbers(values: list, missing: int, dtype) -> np.ndarray:
    if None in values:  # a segment without the column
        values = [missing if v is None else v for v in values]
    return np.array(values, dtype=dtype)


def _date_bounds(op: DateOp) -> tuple[int, int]:
    """[low, high) in the date column's microseconds; undated articles are in no range."""
    low = date_key(op.start) if op.start is not None else 0
    high = date_key(op.end) if op.end is not None else UNDATED
    return low, high


def _date_filters(op: Op) -> list[DateOp]:
    """The date ranges of a query that is nothing but date ranges ([] otherwise)."""
    if isinstance(op, DateOp):
        return [op]
    if (isinstance(op, AndOp) and op.required and not op.excluded
            and all(isinstance(item, DateOp) for item in op.required)):
        return list(op.required)
    return []


class _Columns:
    """Per-document columns laid out densely: a document's position is its
    segment's start plus its number in the segment (deleted documents keep
    their place, marked not live), so looking values up is one gather."""

    def __init__(self, addresses: list, segments: int, *, dates: np.ndarray, keys: np.ndarray):
        count = len(addresses)
        segment = np.fromiter(map(attrgetter("segment_ord"), addresses), np.int64, count)
        doc = np.fromiter(map(attrgetter("doc"), addresses), np.int64, count)
        sizes = np.zeros(max(1, segments), dtype=np.int64)
        np.maximum.at(sizes, segment, doc + 1)
        self.starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        size = int(sizes.sum())
        at = self.starts[segment] + doc
        self.live = np.zeros(size, dtype=bool)
        self.live[at] = True
        self.docnums = np.zeros(size, dtype=np.int64)
        self.docnums[at] = (segment << _SHIFT) | doc
        self.dates = np.full(size, UNDATED, dtype=np.uint64)
        self.dates[at] = dates
        # A cluster's key here is the position of its first document, not the
        # hash the index keeps: keys then rise with document numbers (an
        # article is mostly a cluster of its own), which makes sorting them
        # for collapsing cheap, as the Whoosh engine's cluster numbers do.
        order = np.argsort(at, kind="stable")
        _, first, cluster = np.unique(keys[order], return_index=True, return_inverse=True)
        self.keys = np.zeros(size, dtype=np.int64)
        self.keys[at[order]] = at[order][first[cluster]]

    def positions(self, ids: np.ndarray) -> np.ndarray:
        return self.starts[ids >> _SHIFT] + (ids & _LOW)


_COLUMNS = {"date": "dates", "cluster_key": "keys"}


@dataclass(frozen=True)
class _Copies:
    hidden: frozenset  # document numbers collapsing leaves out
    similar: dict  # document number -> other matches of its cluster (only where there are any)
    # Every match in result order, (document number, score), when they were all read
    every: list | None = None


_NO_COPIES = _Copies(frozenset(), {})


@dataclass(frozen=True)
class _Sample(Matches):
    """Matches sampled by key (`TantivyReader.sample_matches`), with the
    query that matches exactly them (top words count over it) and the key
    they are all below."""

    query: object = None
    below: int = 1 << _KEY_BITS


class TantivyMatches(Matches):
    """A query's matches as tantivy finds them: counted by tantivy, the
    documents read into Python only when asked for (`ids`, unscored, which
    top words and exports need), their scores too only when those are
    (`scores`). A result page, the facets and the histogram are asked of
    tantivy over the query itself (`TantivyReader.page`, `day_counts`,
    `facet_counts`), so a common word's tens of thousands of matches never
    cross into Python to show ten of them."""

    def __init__(self, reader: TantivyReader, op: Op, query):
        object.__setattr__(self, "query", query)
        object.__setattr__(self, "_reader", reader)
        object.__setattr__(self, "_op", op)
        object.__setattr__(self, "_count", None)
        object.__setattr__(self, "_every", None)
        object.__setattr__(self, "_ids", None)

    @property
    def ids(self) -> np.ndarray:
        if self._every is not None:
            return self._every[0]
        if self._ids is None:
            object.__setattr__(self, "_ids", self._reader._match_ids(self._op, self.query))
        return self._ids

    @property
    def scores(self) -> np.ndarray:
        return self._every_match()[1]

    def _every_match(self) -> tuple[np.ndarray, np.ndarray]:
        if self._every is None:
            object.__setattr__(self, "_every", self._reader._every_match(self._op, self.query))
        return self._every

    @property
    def read(self) -> bool:
        """Whether every match was read into Python already (top words read them)."""
        return self._every is not None or self._ids is not None

    @property
    def scored(self) -> bool:
        """Whether every match's score was read too."""
        return self._every is not None

    def counted(self, count: int) -> None:
        """The count, as a search over the query found it in passing."""
        object.__setattr__(self, "_count", count)

    def __len__(self) -> int:
        if self._count is None:
            # Dates alone, once the reader holds the date column: the ids
            # (which top words and the page read anyway) in numpy, not a
            # count by tantivy scanning that column.
            count = (len(self._every[0]) if self._every is not None
                     else len(self.ids) if self._ids is not None or self._reader._dates_in_columns(self._op)
                     else self._reader._count(self.query))
            object.__setattr__(self, "_count", count)
        return self._count


def _watched_meta(gen_dir: Path) -> tuple[ReplacedFile | None, int]:
    """(tantivy's meta.json kept open, its opstamp); (None, -1) when unreadable."""
    try:
        meta = ReplacedFile(gen_dir / "meta.json")
    except OSError:
        return None, -1
    try:
        return meta, json.loads(meta.data).get("opstamp", 0)
    except ValueError:
        meta.close()
        return None, -1


class TantivyReader(Reader):
    def __init__(self, gen_dir: Path):
        self._gen_dir = gen_dir
        # meta.json before the index: what is opened is this commit or a newer one.
        self._meta, self._opstamp = _watched_meta(gen_dir)
        self._index = tantivy.Index.open(str(gen_dir))
        self._index.reload()
        self._searcher = self._index.searcher()
        self._schema = self._index.schema
        self._words: dict[str, dict[str, int]] = {}
        self._word_table = LazyTable(TantivyWordTable)  # top words: built by the first query showing them
        self._word_walk = LazyTable(TantivyWordWalk)  # or, beyond TABLE_ARTICLES, the archive's counts
        # Facet counts over matches read already (top words read them): built
        # by the first such query.
        self._facet_table = LazyTable(TantivyFacetTable.if_small)
        self._columns: _Columns | None = None
        self._shared: list[str] | None = None
        self._shared_articles = 1
        self._clusters = 0  # clusters with an article indexed (deleted ones' too)
        self._in_shared = None
        self._one_spelling: dict[str, bool] = {}  # facet field -> no two values fold alike

    def doc_count(self) -> int:
        return self._searcher.num_docs

    # -- queries ----------------------------------------------------------------

    def match(self, op: Op) -> Matches:
        query = self._query(op)
        return EMPTY if query is None else TantivyMatches(self, op, query)

    def _dates_in_columns(self, op: Op) -> bool:
        """Whether `op` is dates alone and the date column is read (`_all_columns`)."""
        return self._columns is not None and bool(_date_filters(op))

    def _count(self, query) -> int:
        return self._searcher.search(query, limit=1, count=True).count

    def _every_match(self, op: Op, query) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers ascending, scores) of every match."""
        dates = _date_filters(op)
        if dates:  # a date range alone: read from the date column, no hit per document
            columns = self._all_columns()
            keep = columns.live.copy()
            for date_op in dates:
                low, high = _date_bounds(date_op)
                keep &= (columns.dates >= low) & (columns.dates < high)
            ids = columns.docnums[keep]
            return ids, np.zeros(len(ids))
        hits = self._searcher.search(query, limit=max(1, self._searcher.num_docs), count=False).hits
        if not hits:
            return NO_IDS, NO_SCORES
        ids = _docnums([a for _, a in hits])
        scores = np.fromiter(map(itemgetter(0), hits), np.float64, len(hits))
        order = np.argsort(ids, kind="stable")
        return ids[order], scores[order]

    def _match_ids(self, op: Op, query) -> np.ndarray:
        """The document numbers of every match, ascending, without their
        scores: tantivy asked for them at a constant score, which skips
        BM25 and ranks nothing (x10 `oil`, 12,710 matches: 2.2 CPU ms
        against 4.3 scored)."""
        if _date_filters(op):
            return self._every_match(op, query)[0]
        unscored = tantivy.Query.const_score_query(query, 0.0)
        hits = self._searcher.search(unscored, limit=max(1, self._searcher.num_docs), count=False).hits
        return np.sort(_docnums([a for _, a in hits])) if hits else NO_IDS

    def _all_columns(self) -> _Columns:
        """The date and cluster-key columns of every live document, read once
        per reader: date ranges, sorting and collapsing over many matches
        then index them in numpy instead of asking tantivy document by document."""
        if self._columns is None:
            addresses = [a for _, a in self._searcher.search(
                tantivy.Query.all_query(), limit=max(1, self._searcher.num_docs), count=False).hits]
            self._columns = _Columns(
                addresses, self._searcher.num_segments,
                dates=_numbers(self._searcher.fast_field_values("date", addresses), UNDATED, np.uint64),
                keys=_numbers(self._searcher.fast_field_values("cluster_key", addresses), 0, np.int64))
        return self._columns

    def _lookup(self, column: str, ids: np.ndarray, missing: int, dtype) -> np.ndarray:
        """A column's values for `ids`: from the whole column when many are
        asked for (or it was read already), else document by document."""
        ids = np.asarray(ids, dtype=np.int64)
        if self._columns is None and len(ids) <= _FEW:
            values = self._searcher.fast_field_values(column, [_address(int(d)) for d in ids])
            return _numbers(values, missing, dtype)
        columns = self._all_columns()
        return getattr(columns, _COLUMNS[column])[columns.positions(ids)]

    def _query(self, op: Op):
        """The tantivy query for `op`; None when it can match nothing."""
        Q, Occur = tantivy.Query, tantivy.Occur
        if isinstance(op, TermOp):
            return self._term(op.field, op.text)
        if isinstance(op, StemOp):
            return self._stem(op)
        if isinstance(op, PhraseOp):
            return self._phrase(op)
        if isinstance(op, PrefixOp):
            found = self.words_with_prefix(op.field, op.prefix, boundary.MAX_PREFIX_WORDS + 1)
            if len(found) > boundary.MAX_PREFIX_WORDS:
                raise too_many_words(op.prefix)
            return self._any_of(op.field, found)
        if isinstance(op, FuzzyOp):
            return self._any_of(op.field, self._fuzzy_words(op))
        if isinstance(op, DateOp):
            return Q.const_score_query(self._dates(op), 0.0)  # a filter leaves scores alone
        if isinstance(op, AllOp):
            return Q.all_query()
        if isinstance(op, NoneOp):
            return None
        if isinstance(op, OrOp):
            items = [q for q in (self._query(i) for i in op.items) if q is not None]
            return Q.boolean_query([(Occur.Should, q) for q in items]) if items else None
        if isinstance(op, AndOp):
            required = [self._query(i) for i in op.required]
            if any(q is None for q in required):
                return None
            excluded = [q for q in (self._query(i) for i in op.excluded) if q is not None]
            clauses = [(Occur.Must, q) for q in required or [Q.all_query()]]
            clauses += [(Occur.MustNot, q) for q in excluded]
            return Q.boolean_query(clauses)
        raise TypeError(f"cannot run {op!r}")  # pragma: no cover

    def _phrase(self, op: PhraseOp):
        """Words in order, each 1 to `reach` positions after the one before, as
        Dateline means it. tantivy's own slop also takes words out of order
        (and a repeated word at one position) and is one budget for all gaps
        ("a b c"~1 misses "a x b x c"), so every allowed placement is asked
        for as an exact phrase (lowering refuses more than
        MAX_PHRASE_PLACEMENTS)."""
        Q = tantivy.Query
        if any(self._term(op.field, w) is None for w in op.words):
            return None
        gaps = len(op.words) - 1
        if op.reach == 1:
            return self._boosted(op.field, Q.phrase_query(self._schema, op.field, list(op.words)))
        phrases = []
        for steps in product(range(1, op.reach + 1), repeat=gaps):
            offsets = [0, *accumulate(steps)]
            placed = [(offset, word) for offset, word in zip(offsets, op.words)]
            phrases.append((tantivy.Occur.Should, Q.phrase_query(self._schema, op.field, placed)))
        return self._boosted(op.field, Q.boolean_query(phrases))

    def _term(self, field: str, text: str, scored_as: int | None = None):
        """A word's query; in a title or body, weighted as the Whoosh engine
        weighs it (`_weight`), its idf that of `scored_as` articles if given."""
        found = self._searcher.doc_freq(field, text) if field in _FIELDS else 0
        if not found:
            return None
        query = tantivy.Query.term_query(self._schema, field, text)
        if field not in _WORD_FIELDS:
            return query
        return tantivy.Query.boost_query(query, self._weight(field, found, scored_as or found))

    def _weight(self, field: str, found: int, scored_as: int) -> float:
        """What makes tantivy's BM25 score a title or body word as the Whoosh
        engine does (bench.quality: nDCG@10 was 0.02-0.05 below Whoosh's
        without it): Whoosh's idf, log(N / (df + 1)) + 1, in place of
        tantivy's own, ln(1 + (N - df + 0.5) / (df + 0.5)), which weighs
        common words far less; and the title's weight (TITLE_WEIGHT)."""
        articles = max(self._searcher.num_docs, 1)
        whoosh = math.log(articles / (scored_as + 1)) + 1
        own = math.log(1 + (articles - found + 0.5) / (found + 0.5))
        return whoosh / own * (TITLE_WEIGHT if field == "title_exact" else 1.0)

    def _stem(self, op: StemOp):
        """A word's forms: its stem in the stemmed field, one term, so that
        tantivy's BM25 sees what the Whoosh engine's does for a stem (the
        forms' summed frequency, the articles holding any form), weighted as
        a word is (`_weight`)."""
        field = _STEM_FIELDS[op.field]
        found = self._searcher.doc_freq(field, op.stem)
        if not found:
            return None
        query = tantivy.Query.term_query(self._schema, field, op.stem)
        return tantivy.Query.boost_query(query, self._weight(op.field, found, found))

    def _boosted(self, field: str, query):
        return tantivy.Query.boost_query(query, TITLE_WEIGHT) if field == "title_exact" else query

    def _any_of(self, field: str, words: list[str]):
        queries = [q for q in (self._term(field, w) for w in words) if q is not None]
        if not queries:
            return None
        if len(queries) == 1:
            return queries[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])

    def _dates(self, op: DateOp):
        low, high = _date_bounds(op)
        return tantivy.Query.range_query(self._schema, "date", tantivy.FieldType.Unsigned, low,
                                         high, include_lower=True, include_upper=False)

    def _fuzzy_words(self, op: FuzzyOp) -> list[str]:
        """As the Whoosh engine chooses them (`engine.fuzzy_words`)."""
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        near = process.extract(op.word, list(self._vocabulary(op.field)), scorer=OSA.distance,
                               score_cutoff=op.distance, limit=None)
        return boundary.fuzzy_words(op.word, op.distance, (w for w, _, _ in near),
                                    lambda w: self._live(op.field, w))

    def _live(self, field: str, word: str) -> bool:
        """Whether a live article holds the word (its frequency counts deleted ones)."""
        query = tantivy.Query.term_query(self._schema, field, word)
        return bool(self._searcher.search(query, limit=1, count=False).hits)

    def _vocabulary(self, field: str) -> dict[str, int]:
        """{word: articles holding it} of a field, read once per reader."""
        found = self._words.get(field)
        if found is None:
            pairs = self._searcher.terms_with_prefix(field, "") if field in _TEXT_FIELDS else []
            found = self._words[field] = dict(pairs)
        return found

    # -- what a result page needs ------------------------------------------------

    def article_ids(self, ids) -> list[str]:
        doc = self._searcher.doc
        return [doc(_address(int(d))).get_first("id") for d in ids]

    def date_values(self, ids: np.ndarray) -> np.ndarray:
        return self._lookup("date", ids, UNDATED, np.uint64)

    def page(self, matches: Matches, *, sort: str, start: int, count: int,
             collapse: bool) -> Page:
        """A result page from tantivy's own count and top-k (by score, or by
        the date column), not from every match. Which matches share their
        near-duplicate cluster, and with how many, tantivy counts itself
        (`_cluster_sizes`, an aggregation over the cluster key column); the
        page is then read from the top-k in growing windows, leaving out each
        hit whose cluster an earlier hit stands for, until the page is full
        (`_paged`). Where more matches than one aggregation counts exactly,
        the matches in shared clusters are read into Python as before
        (`_copies`). When every match was read already (a search showing top
        words reads them), the page is ranked from them in numpy, as any
        engine can (`pages.page_of`): the same page, without asking tantivy
        again. When only their document numbers were read (top words read no
        scores), the page is tantivy's as if none were."""
        if not isinstance(matches, TantivyMatches) or matches.scored:
            return super().page(matches, sort=sort, start=start, count=count, collapse=collapse)
        if self._dates_in_columns(matches._op):
            # A query of dates alone, once the columns are read (a search
            # showing facets reads them), is answered from them in numpy:
            # tantivy would scan the whole date column twice (top-k, aggregation).
            # Their ids are the ones top words read (kept by `matches`), scores 0.
            ids = matches.ids
            return page_of(self, Matches(ids, np.zeros(len(ids))), sort=sort, start=start, count=count,
                           collapse=collapse)
        end = start + count
        first = self._window(matches, sort, 0, max(1, end))  # counts the matches in passing
        matched = len(matches)
        if not matched:
            return Page([], 0, 0)
        if not self._shared_clusters():  # no two articles share a cluster
            return self._paged(matches, sort, start, end, first, {}, collapse)
        # No segment holds more cluster keys among the matches than there
        # are matches, nor than there are clusters (x10: 17,311).
        keys = min(matched, self._clusters)
        sizes = (self._cluster_sizes(matches.query, keys)
                 if keys <= EXACT_CLUSTERS and self._counting_pays(keys) else None)
        if sizes is not None:
            return self._paged(matches, sort, start, end, first, sizes, collapse)
        return self._page_from_copies(matches, sort, start, end, collapse)

    def _paged(self, matches: TantivyMatches, sort: str, start: int, end: int, window: tuple,
               sizes: dict[int, int], collapse: bool) -> Page:
        """Results `start` to `end` read from tantivy's top-k a window at a
        time (`window` the first): a hit is listed unless, when collapsing, an
        earlier hit is in its cluster; `sizes` gives the clusters more than
        one match is in, by key, with their matches (`_cluster_sizes`), so
        only hits of those are looked at. Each next window holds the results
        still wanted at the rate of hits a result so far (x10: ten copies a
        result), and at least as many hits as read before."""
        matched, folding = len(matches), collapse and bool(sizes)
        shown, seen, listed, offset = [], set(), 0, 0
        while True:
            docnums, scores, addresses = window
            keys = self._keys_of(addresses) if sizes else repeat(0)
            for docnum, score, key in zip(docnums, scores, keys):
                size = sizes.get(key, 1)
                if folding and size > 1:
                    if key in seen:
                        continue
                    seen.add(key)
                listed += 1
                if listed > start:
                    shown.append((docnum, score, size - 1))
                    if listed == end:
                        break
            offset += len(docnums)
            if listed >= end or offset >= matched or not docnums:
                break
            wanted = math.ceil((end - listed) * offset / max(listed, 1) * 1.25) + 8
            window = self._window(matches, sort, offset, min(matched - offset, max(offset, wanted)))
        if sort != "relevance":  # ordered by date: the page's scores asked for apart
            found = self._scores_of(matches.query, [docnum for docnum, _, _ in shown])
            shown = [(docnum, found[docnum], similar) for docnum, _, similar in shown]
        hidden = sum(sizes.values()) - len(sizes) if collapse else 0
        return Page(shown, matched - hidden, matched)

    def _counting_pays(self, keys: int) -> bool:
        """Whether the aggregation (`_cluster_sizes`) should cost less than
        the term-set filter of the shared clusters (`_copies`), both exact.
        CPU measured here: the aggregation about 50 ns a key among the
        matches at 17,759 articles, 80 at 177,590 and 250 at a million (45,504
        keys: 11.7 ms); the filter about 1 ms and 0.5 us a shared cluster
        (x1: 486 clusters 1.2 ms, x10: 17,278 8.7 ms). On an archive of copies
        the other way reads every match into Python (1 us each): always."""
        if self._shared_articles * 2 > self._searcher.num_docs:
            return True
        per_key = 50 + 0.2 * self._searcher.num_docs / 1000  # ns
        return keys * per_key <= 1_000_000 + 500 * len(self._shared)

    def _cluster_sizes(self, query, keys: int) -> dict[int, int] | None:
        """{cluster key: matches in it} of the clusters more than one match
        of `query` is in, counted by tantivy (a terms aggregation over the
        key column, deleted articles left out), so that neither the matches
        alone in their cluster nor the copies are read into Python. Exact
        where no segment holds more than `keys` keys among the matches (each
        keeps that many, `segment_size`); None where tantivy says a count
        may be short."""
        found = self._searcher.aggregate(query, {"c": {"terms": {
            "field": "cluster_key", "size": keys, "segment_size": keys, "min_doc_count": 2}}})["c"]
        if found.get("sum_other_doc_count") or found.get("doc_count_error_upper_bound"):
            return None
        return {int(b["key"]): int(b["doc_count"]) for b in found["buckets"]}

    def _keys_of(self, addresses: list) -> list[int]:
        return _numbers(self._searcher.fast_field_values("cluster_key", addresses), 0, np.int64).tolist()

    def _page_from_copies(self, matches: TantivyMatches, sort: str, start: int, end: int,
                          collapse: bool) -> Page:
        """The page where one aggregation cannot count the clusters exactly
        (more than EXACT_CLUSTERS matches and clusters) or would cost more
        (`_counting_pays`): the matches in shared clusters read into Python
        (`_copies`), every match on an archive of copies."""
        copies = self._copies(matches.query, sort)
        hidden = copies.hidden if collapse else frozenset()
        if copies.every is not None:  # every match was read, ranked: no top-k to ask
            top = copies.every
        else:
            docnums, scores, _ = self._window(matches, sort, 0, min(self._searcher.num_docs,
                                                                   end + len(hidden)))
            top = zip(docnums, scores)
        matched = len(matches)
        shown = list(islice(((docnum, score) for docnum, score in top if docnum not in hidden),
                            start, end))
        if sort != "relevance":  # ordered by date: the page's scores asked for apart
            scores = self._scores_of(matches.query, [docnum for docnum, _ in shown])
            shown = [(docnum, scores[docnum]) for docnum, _ in shown]
        return Page([(docnum, score, copies.similar.get(docnum, 0)) for docnum, score in shown],
                    matched - len(hidden), matched)

    def _window(self, matches: TantivyMatches, sort: str, offset: int,
                limit: int) -> tuple[list[int], list, list]:
        """Matches `offset` to `offset + limit` in result order, as tantivy's
        top-k gives them (ties by document address, as `matches.rank` breaks
        them): their document numbers, scores (None when ordered by date) and
        addresses. The first window (offset 0) counts the matches in the same
        pass (`TantivyMatches.counted`)."""
        search, query, first = self._searcher.search, matches.query, offset == 0
        limit = max(1, limit)
        if sort == "relevance":
            found = search(query, limit=limit, count=first, offset=offset)
            hits, counted = found.hits, found.count
        elif sort == "oldest":  # undated articles (the column's largest value) come last
            found = search(query, limit=limit, count=first, offset=offset, order_by_field="date",
                           order=tantivy.Order.Asc)
            hits, counted = found.hits, found.count
        else:  # newest: the dated matches newest first, then the undated ones
            dated = search(self._filtered(query, self._dates_between(0, UNDATED)), limit=limit,
                           count=True, offset=offset, order_by_field="date", order=tantivy.Order.Desc)
            hits, counted = dated.hits, None
            if first or len(hits) < limit:
                undated = search(self._filtered(query, self._dates_between(UNDATED, UNDATED,
                                                                           inclusive=True)),
                                 limit=max(1, limit - len(hits)), count=first,
                                 offset=max(0, offset - dated.count), order_by_field="date")
                hits = hits + undated.hits[: limit - len(hits)]
                counted = dated.count + undated.count if first else None
        if first:
            matches.counted(counted)
        addresses = [a for _, a in hits]
        scores = [score for score, _ in hits] if sort == "relevance" else [None] * len(hits)
        return _docnums(addresses).tolist(), scores, addresses

    def _scores_of(self, query, docnums: list[int]) -> dict[int, float]:
        """The scores `query` gives these documents (as in every match)."""
        if not docnums:
            return {}
        ids = self.article_ids(docnums)
        only = tantivy.Query.term_set_query(self._schema, "id", ids)
        hits = self._searcher.search(self._filtered(query, only), limit=len(ids), count=False).hits
        return {_docnum(a): score / _FILTERED for score, a in hits}

    def _filtered(self, query, keep):
        """`query`'s matches that `keep` matches too, scored `_FILTERED` times
        as `query` alone scores them (exactly: a power of two). Not once:
        tantivy drops a match-everything clause (`*`, `-word`) from an
        intersection, and its score with it, and a boost of 1 is no boost."""
        return tantivy.Query.boolean_query([
            (tantivy.Occur.Must, tantivy.Query.boost_query(query, _FILTERED)),
            (tantivy.Occur.Must, tantivy.Query.const_score_query(keep, 0.0))])

    def _dates_between(self, low: int, high: int, *, inclusive: bool = False):
        return tantivy.Query.range_query(self._schema, "date", tantivy.FieldType.Unsigned, low,
                                         high, include_lower=True, include_upper=inclusive)

    def _copies(self, query, sort: str) -> _Copies:
        """The matches of `query` that share a cluster with another match,
        and which of them collapsing leaves out: all but the first of each
        cluster in result order (`matches.rank`). Read from the matches in
        clusters of more than one article (`_shared_clusters`): on most
        archives a small part of the matches, often none. Where most
        articles share a cluster, every match is read instead, ranked, and
        the page is taken from them (`every`), with no top-k asked."""
        shared = self._shared_clusters()
        if not shared:
            return _NO_COPIES
        articles = self._searcher.num_docs
        if self._shared_articles * 2 > articles:
            # Most articles share a cluster (an archive of copies: Reuters x10,
            # 177,557 of 177,590): a filter of every shared cluster's term
            # would cost more than the matches it leaves out (x10, place:japan:
            # 8.7 ms for the filter against 2.3 for every match). Matches
            # alone in their cluster are read too, and group alone.
            hits = self._searcher.search(query, limit=max(1, articles), count=False).hits
            scale, read_all = 1.0, True  # the page is then read from them (`page`)
        else:
            if self._in_shared is None:  # built once per reader
                self._in_shared = tantivy.Query.term_set_query(self._schema, "cluster", shared)
            filtered = self._filtered(query, self._in_shared)
            # One search, no count first: at most every article of a shared cluster matches.
            hits = self._searcher.search(filtered, limit=self._shared_articles, count=False).hits
            scale, read_all = _FILTERED, False
        if len(hits) < 2:
            return _NO_COPIES
        addresses = [a for _, a in hits]
        ids = _docnums(addresses)
        scores = np.fromiter(map(itemgetter(0), hits), np.float64, len(hits)) / scale
        keys = _numbers(self._searcher.fast_field_values("cluster_key", addresses), 0, np.int64)
        dates = (_numbers(self._searcher.fast_field_values("date", addresses), UNDATED, np.uint64)
                 if sort != "relevance" else None)
        order = np.argsort(ids, kind="stable")
        ids, scores, keys = ids[order], scores[order], keys[order]
        dates = dates[order] if dates is not None else None
        ranked = rank(Matches(ids, scores), sort, lambda _ids: dates)
        _, first, cluster, sizes = np.unique(keys[ranked], return_index=True, return_inverse=True,
                                             return_counts=True)
        listed = np.zeros(len(ranked), dtype=bool)
        listed[first] = True
        in_order = ids[ranked]
        copied = sizes[cluster] > 1
        similar = dict(zip(in_order[copied].tolist(), (sizes[cluster[copied]] - 1).tolist()))
        every = list(zip(in_order.tolist(), scores[ranked].tolist())) if read_all else None
        return _Copies(frozenset(in_order[~listed].tolist()), similar, every)

    def _shared_clusters(self) -> list[str]:
        """The clusters more than one indexed article is in (deleted articles
        counted until tantivy merges them away: a few more than needed, none
        missing), read once per reader."""
        if self._shared is None:
            every = self._searcher.terms_with_prefix("cluster", "")
            self._clusters = len(every)
            counts = [(name, count) for name, count in every if count > 1]
            self._shared = [name for name, _ in counts]
            self._shared_articles = max(1, sum(count for _, count in counts))
        return self._shared

    def date_span(self, matches: Matches) -> tuple[int, int] | None:
        # Matches read already (top words): their dates from the date column.
        if not isinstance(matches, TantivyMatches) or matches.read or not len(matches):
            return super().date_span(matches)
        dated = self._filtered(matches.query, self._dates_between(0, UNDATED))
        found = self._searcher.aggregate(dated, {"low": {"min": {"field": "date"}},
                                                 "high": {"max": {"field": "date"}}})
        low, high = found["low"]["value"], found["high"]["value"]
        return None if low is None else (int(low), int(high))

    def count_dates(self, matches: Matches, edges: list[int]) -> list[int]:
        """A range aggregation over the date column. It computes in floats:
        exact for dates to the millisecond (multiples of 8 microseconds are
        exact below 2^56, the year 2284), as are the bars' edges (midnights)."""
        if not isinstance(matches, TantivyMatches) or matches.read or not len(matches):
            return super().count_dates(matches, edges)
        ranges = [{"key": str(n), "from": low, "to": high}
                  for n, (low, high) in enumerate(zip(edges, edges[1:]))]
        found = self._searcher.aggregate(matches.query, {"bars": {"range": {"field": "date",
                                                                            "ranges": ranges}}})
        counts = {bucket["key"]: int(bucket["doc_count"]) for bucket in found["bars"]["buckets"]}
        return [counts.get(str(n), 0) for n in range(len(ranges))]

    def facet_counts(self, matches: Matches, fields: list[str],
                     top: dict[str, int] | None = None) -> dict[str, Counter]:
        """One terms aggregation over the query for every field. A field in
        `top` is asked for its FACET_SOME + `top[field]` most frequent
        values first (every segment still counts all of its values, so
        their counts are exact), and for all of them, in an aggregation of
        its own, only when those cannot show which are its `top[field]`
        most frequent (`_settled`): a common word's 24,000 people at a
        million articles cost 68 CPU ms as 24,000 buckets, 38 as a
        thousand, and merging 24,000 spellings in Python as much again.
        tantivy gives at most FACET_BUCKETS values in one aggregation: a
        field with more among the matches (the 338,000 people of every
        article at a million) loses its rarest, the counts given still exact."""
        counts = {field: Counter() for field in fields}
        if not len(matches):
            return counts
        query = getattr(matches, "query", None)
        if query is None:  # matches made elsewhere: count over exactly these documents
            raise TypeError("tantivy counts facets over its own matches")
        table = (self._facet_table.get(tantivy, self._searcher, self._schema, list(_FACET_FIELDS))
                 if matches.read and set(fields) <= set(_FACET_FIELDS) else None)
        if table is not None:
            # Every match read already (top words): counted from the facet table,
            # every value (exact, whatever `top` asks for).
            found = table.counts(np.asarray(matches.ids, dtype=np.int64), fields)
            return {field: Counter(found[field]) for field in fields}
        top = top or {}
        sizes = {f: min(FACET_SOME + top[f], FACET_BUCKETS) if f in top else FACET_BUCKETS for f in fields}
        found = self._terms(query, sizes, FACET_SEGMENT)
        for field in fields:
            counts[field] = Counter({b["key"]: int(b["doc_count"])
                                     for b in found.get(field, {}).get("buckets", [])})
            if sizes[field] < FACET_BUCKETS:
                settled = self._settled(query, field, found.get(field, {}), top[field])
                if settled is None:  # every value, alone: tantivy refuses more than
                    # FACET_BUCKETS buckets in one aggregation
                    every = self._terms(query, {field: FACET_BUCKETS}, FACET_BUCKETS)[field]
                    settled = Counter({b["key"]: int(b["doc_count"]) for b in every["buckets"]})
                counts[field] = settled
        return counts

    def _terms(self, query, sizes: dict[str, int], segment_size: int) -> dict:
        """A terms aggregation per field, its `sizes[field]` most frequent
        values, each segment keeping its `segment_size` most frequent."""
        return self._searcher.aggregate(query, {
            f: {"terms": {"field": f, "size": size, "segment_size": segment_size}}
            for f, size in sizes.items()})

    def _settled(self, query, field: str, found: dict, top: int) -> Counter | None:
        """The values aggregated that can be among the field's `top` most
        frequent, spellings merged (`search.facets.merge_spellings`), with
        their exact counts; None when the aggregation cannot settle them.
        Every value returned: all of them. Else, when no two of the field's
        values fold alike (merging then changes nothing): a count returned
        may be short by the aggregation's error bound E (a segment that kept
        only its most frequent values: `said`'s 834,194 matches hold more
        than 65,000 people in one segment) and a value left out has at most
        the last count returned + E; so if that is below the `top`-th count,
        the top is among the values whose count + E reaches the `top`-th,
        and those are counted again exactly, over the matches holding one."""
        buckets = found.get("buckets", [])
        error = int(found.get("doc_count_error_upper_bound") or 0)
        if not found.get("sum_other_doc_count") and not error:
            return Counter({b["key"]: int(b["doc_count"]) for b in buckets})
        if len(buckets) <= top or not self._one_spelling_each(field):
            return None
        floor = int(buckets[top - 1]["doc_count"])
        if int(buckets[-1]["doc_count"]) + error >= floor:
            return None  # a value left out may reach the top
        near = [b["key"] for b in buckets if int(b["doc_count"]) + error >= floor]
        if not error:
            return Counter({b["key"]: int(b["doc_count"]) for b in buckets[: len(near)]})
        holding = tantivy.Query.boolean_query([
            (tantivy.Occur.Must, query),
            (tantivy.Occur.Must, tantivy.Query.term_set_query(self._schema, field, near))])
        again = self._terms(holding, {field: FACET_BUCKETS}, FACET_BUCKETS)[field]
        if again.get("doc_count_error_upper_bound"):
            return None
        wanted = set(near)
        return Counter({b["key"]: int(b["doc_count"]) for b in again["buckets"] if b["key"] in wanted})

    def _one_spelling_each(self, field: str) -> bool:
        """Whether no two values of a field fold alike (deleted articles'
        values included: at worst all values are counted), read once per
        reader: 0.8 CPU s for the 330,000 people of a million articles."""
        found = self._one_spelling.get(field)
        if found is None:
            values = [term for term, _ in self._searcher.terms_with_prefix(field, "")]
            found = self._one_spelling[field] = len(set(map(fold, values))) == len(values)
        return found

    def sample_matches(self, matches: Matches, count: int) -> Matches:
        """About `count` matches chosen by their cluster's key (a hash, so a
        pseudo-random and repeatable choice, whole near-duplicate clusters at
        a time): the matches whose key is below count/matches of the keys'
        range, found by tantivy in one search filtered on the key's column,
        so only the sample is read into Python (the 834,000 matches of
        `said` at a million articles: 4 CPU ms for 5,009). Up to
        4 x `count` matches, every k-th of them (`Reader.sample_matches`)."""
        if not isinstance(matches, TantivyMatches):
            return super().sample_matches(matches, count)
        if len(matches) <= count:
            return matches
        if len(matches) <= SAMPLED_FROM * count:  # every k-th, from the numbers alone
            return super().sample_matches(Matches(matches.ids, np.zeros(len(matches))), count)
        below = (count << _KEY_BITS) // len(matches)
        while True:
            keys = tantivy.Query.range_query(self._schema, "cluster_key", tantivy.FieldType.Unsigned,
                                             0, below, include_lower=True, include_upper=False)
            limit = SAMPLED_FROM * count
            hits = self._searcher.search(self._filtered(matches.query, keys), limit=limit,
                                         count=False).hits
            if len(hits) < limit or below <= 1:  # not cut by the limit: the whole sample
                break
            below //= 2  # a large cluster under the key: a smaller share
        ids = np.sort(_docnums([a for _, a in hits]))
        return _Sample(ids, np.zeros(len(ids)), query=self._filtered(matches.query, keys), below=below)

    def counts_apart(self) -> bool:
        # Beyond the tables both are tantivy's own aggregations and walks,
        # which release Python's lock; with the tables, the name facets count
        # from the matches top words read, so those go first.
        return not tabled(self._searcher.num_docs)

    def word_document_counts(self, matches: Matches, least: int = 1) -> WordCounts:
        """From the word table up to TABLE_ARTICLES live articles; beyond, no
        table: tantivy counts the words of a query matching exactly `matches`
        (`TantivyWordWalk`), the same counts."""
        if not len(matches):
            return WordCounts.of({}, self.doc_count())
        if tabled(self._searcher.num_docs):
            table = self._word_table.get(tantivy, self._searcher, self._schema)
            return table.counts(np.asarray(matches.ids, dtype=np.int64))
        walk = self._word_walk.get(tantivy, self._searcher)
        if isinstance(matches, _Sample) and matches.below <= SAMPLE_KEYS:  # its words in the column
            counts = walk.column_counts(self._searcher, matches.query, least)
            if counts is not None:
                return counts
        return walk.counts(self._searcher, self._matching(matches))

    def _matching(self, matches: Matches):
        """A query whose live matches are exactly `matches`: their own query
        (a query's matches, a sample by key), else their ids."""
        query = getattr(matches, "query", None)
        if query is not None:
            return query
        return tantivy.Query.term_set_query(self._schema, "id", self.article_ids(matches.ids))

    def cluster_keys(self, ids: np.ndarray) -> np.ndarray:
        return self._lookup("cluster_key", ids, 0, np.int64)

    def cluster_members(self, cluster: str) -> list[str]:
        query = tantivy.Query.term_query(self._schema, "cluster", cluster)
        hits = self._searcher.search(query, limit=10_000, count=False).hits
        return self.article_ids(sorted((a.segment_ord << _SHIFT) | a.doc for _, a in hits))

    # -- vocabulary ----------------------------------------------------------------

    def doc_frequency(self, field: str, word: str) -> int:
        return self._searcher.doc_freq(field, word) if field in _FIELDS else 0

    def words_with_prefix(self, field: str, prefix: str, limit: int | None = None) -> list[str]:
        if field not in _TEXT_FIELDS:
            return []
        words = sorted(term for term, _count in self._searcher.terms_with_prefix(field, prefix))
        return words[:limit] if limit is not None else words

    def corrections(self, field: str, word: str) -> list[str]:
        if field not in _TEXT_FIELDS or not word:
            return []
        scored = []
        for term, count in self._searcher.terms_with_prefix(field, word[0]):
            if abs(len(term) - len(word)) <= 2 and term != word:
                distance = edit_distance(word, term, 2)
                if distance <= 2:
                    scored.append((distance, -count, term))
        return [term for _, _, term in sorted(scored)]

    # -- life ----------------------------------------------------------------------

    def generation(self) -> object:
        return (str(self._gen_dir), self._opstamp)

    def is_current(self) -> bool:
        # tantivy replaces meta.json whole on every commit (written aside,
        # renamed over it): the same file means the same commit.
        if self._meta is not None and not self._meta.replaced():
            return True
        return _opstamp(self._gen_dir) == self._opstamp

    def refreshed(self) -> TantivyReader:
        return self if self.is_current() else TantivyReader(self._gen_dir)

    def segment_count(self) -> int:
        return self._searcher.num_segments

    def close(self) -> None:
        self._searcher = None
        if self._meta is not None:
            self._meta.close()


_TEXT_FIELDS = ("id", *_WORD_FIELDS, *NAME_FIELDS, *_VALUE_FIELDS, "url", "cluster",
                *_STEM_FIELDS.values())
_FIELDS = _TEXT_FIELDS
