"""What is indexed, for every engine: the one mapping from Article to
indexed fields (the words themselves come from `index/analysis.py`; engines
lay the fields out in their own schemas: `index/whoosh_engine/fields.py`,
`index/tantivy_engine.py`).

Titles and bodies are indexed once, exact (lower-cased, accent-folded, stop
words kept, with positions), so an "exact phrase" never matches through
stemming. A plain word matches all its forms because the query side looks up
every indexed word with the same stem (`index/whoosh_engine/execute.py`), with the scores
a stemmed field would give. Names are indexed as words (`person:lavrov`) and
as whole values (`person:"sergey lavrov"`). The date is a column, not terms:
date filters, sorting and the histogram read it per segment.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dateline.corpus.article import Article
from dateline.corpus.dates import to_utc
from dateline.index.analysis import TOKEN_PATTERN, fold, index_words, stem

__all__ = ["fold", "index_words", "stem", "TOKEN_PATTERN"]  # the analysis, re-exported

SCHEMA_VERSION = 6  # 3: one exact title and body field; the date as a column only; 4: author;
# 5: each of several authors a value; 6: possessive 's dropped, irregular stems kept


NAME_FIELDS = ("person", "place", "source", "tag", "author")
TEXT_FIELDS = ("title_exact", "body_exact")
TITLE_BOOST = 2.5
UNDATED = 2**64 - 1  # the date column's value for an article without a date


def date_key(moment: datetime) -> int:
    """A date as the `date` column holds it: microseconds since 0001-01-01 UTC."""
    return (to_utc(moment).replace(tzinfo=None) - datetime.min) // _MICROSECOND


_MICROSECOND = timedelta(microseconds=1)


def site_domains(host: str) -> list[str]:
    """'news.example.co.uk' -> itself, 'example.co.uk', 'co.uk': `site:` takes
    any of them, as a web search engine's does (a bare top-level domain, no)."""
    parts = host.split(".")
    return [".".join(parts[n:]) for n in range(max(1, len(parts) - 1))]


def document_for(article: Article) -> dict:
    """The fields an engine indexes for one article (what `search` can match)."""
    doc = {
        "id": article.id,
        "title_exact": article.title,
        "body_exact": article.body,
        "cluster": article.cluster or article.id,
        "stem_forms": (article.title, article.body),
    }
    names = {
        "person": (*article.people, *article.mentioned),
        "place": article.places,
        "source": (article.source,) if article.source else (),
        "tag": article.tags,
        # Several authors are one string, "Ann Lee; Tom Ray": each is a value.
        "author": tuple(a.strip() for a in (article.author or "").split(";") if a.strip()),
    }
    for name, values in names.items():
        if values:
            doc[name] = " \n ".join(values)
            doc[f"{name}_exact"] = ",".join(fold(v) for v in values)
    for name, values in names.items():
        if name == "author":  # searchable, not a facet
            continue
        if name == "person":  # the facet lists who articles are about, not everyone named
            values = article.people
        if values:
            # One spelling per folded value, so a facet counts each article once.
            spellings = {fold(v): " ".join(v.replace(",", " ").split()) for v in reversed(values)}
            doc[f"{name}_facet"] = ",".join(spellings.values())
    if article.url:
        doc["url"] = article.url
    if article.site:
        doc["site"] = ",".join(site_domains(article.site))
    if article.date:
        doc["date"] = date_key(article.date)
    return doc
