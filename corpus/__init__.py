"""corpus: raw crawls in, cleaned `Article`s out, kept in an `ArticleStore`.

Knows nothing of the search engine.
"""

from dateline.corpus.article import Article, IngestError, Rejected
from dateline.corpus.home import Home
from dateline.corpus.store import ArticleStore, StoreError

# The readers and extractors (`corpus.ingestion`) are imported when ingest is
# first used: a search, or --help, need not load them.
_INGESTION = ("IngestSummary", "ingest")


def __getattr__(name: str):
    if name in _INGESTION:
        from dateline.corpus import ingestion

        return getattr(ingestion, name)
    raise AttributeError(f"module 'corpus' has no attribute {name!r}")


__all__ = ["Article", "ArticleStore", "Home", "IngestError", "IngestSummary", "Rejected",
           "StoreError", "ingest"]
