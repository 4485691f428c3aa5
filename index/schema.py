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
from functools import lru_cache

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


def indexed_names(article: Article) -> list[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
    """(field, values, folded values, facet spellings) of each name field an
    article has values in: what `document_for` joins into its name fields,
    for an engine that takes the values one by one (tantivy). A folded value
    (`name_exact`) may be empty (a name of commas alone), as may a spelling.
    The facet has one spelling per folded value and lists who articles are
    about (`people`), not everyone named; `author` has no facet (empty)."""
    found = []
    people, mentioned = article.people, article.mentioned
    if mentioned:
        values = (*people, *mentioned)
        found.append(("person", values, _folded(values)[0], _folded(people)[1] if people else ()))
    elif people:
        found.append(("person", people, *_folded(people)))
    if article.places:
        found.append(("place", article.places, *_folded(article.places)))
    if article.source:
        found.append(("source", (article.source,), *_folded((article.source,))))
    if article.tags:
        found.append(("tag", article.tags, *_folded(article.tags)))
    # Several authors are one string, "Ann Lee; Tom Ray": each is a value.
    authors = tuple(a.strip() for a in article.author.split(";") if a.strip()) if article.author else ()
    if authors:
        found.append(("author", authors, _folded(authors)[0], ()))
    return found


@lru_cache(maxsize=65_536)
def _folded(values: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(each value folded, the facet's spellings) of a name field's values;
    kept, since archives repeat them (most articles' places are a few countries)."""
    folded = tuple(fold(v) for v in values)
    # One spelling per folded value, so a facet counts each article once.
    spellings = {f: " ".join(v.replace(",", " ").split()) for f, v in zip(reversed(folded), reversed(values))}
    return folded, tuple(spellings.values())


def document_for(article: Article) -> dict:
    """The fields an engine indexes for one article (what `search` can match)."""
    doc = {
        "id": article.id,
        "title_exact": article.title,
        "body_exact": article.body,
        "cluster": article.cluster or article.id,
        "stem_forms": (article.title, article.body),
    }
    names = indexed_names(article)
    for name, values, folded, _spellings in names:
        doc[name] = " \n ".join(values)
        doc[f"{name}_exact"] = ",".join(folded)
    for name, _values, _folded, spellings in names:
        if spellings:
            doc[f"{name}_facet"] = ",".join(spellings)
    if article.url:
        doc["url"] = article.url
    if article.site:
        doc["site"] = ",".join(site_domains(article.site))
    if article.date:
        doc["date"] = date_key(article.date)
    return doc
