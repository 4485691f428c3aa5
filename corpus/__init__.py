"""corpus: raw crawls in, cleaned `Article`s out, kept in an `ArticleStore`.

Knows nothing of the search engine.
"""

from corpus.article import Article, Rejected
from corpus.home import Home
from corpus.ingest import IngestError, IngestSummary, ingest
from corpus.store import ArticleStore, StoreError

__all__ = ["Article", "ArticleStore", "Home", "IngestError", "IngestSummary", "Rejected",
           "StoreError", "ingest"]
