"""The Whoosh schema and the one mapping from Article to indexed fields.

Every searchable text is indexed twice: stemmed (words match all their forms)
and exact (lower-cased, accent-folded, stop words kept, with positions) so an
"exact phrase" never matches through stemming. Names are indexed as words
(`person:lavrov`) and as whole values (`person:"sergey lavrov"`).
"""

from __future__ import annotations

import unicodedata

from whoosh import fields
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter
from whoosh.support.charset import accent_map

from corpus.article import Article
from corpus.dates import to_utc

SCHEMA_VERSION = 2  # 2: year and month terms for date filters

# Words: letters and digits, with inner apostrophes, dots and hyphens kept
# out so "U.S.-led" gives "u", "s", "led" consistently on both sides.
TOKEN_PATTERN = r"\w+(?:'\w+)?"


def exact_analyzer():
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)


def stemming_analyzer():
    return exact_analyzer() | StemFilter(lang="en", cachesize=50000)


NAME_FIELDS = ("person", "place", "source", "tag")
TITLE_BOOST = 2.5


def build_schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=stemming_analyzer(), phrase=False, field_boost=TITLE_BOOST),
        body=fields.TEXT(analyzer=stemming_analyzer(), phrase=False),
        title_exact=fields.TEXT(analyzer=exact_analyzer(), phrase=True, field_boost=TITLE_BOOST),
        body_exact=fields.TEXT(analyzer=exact_analyzer(), phrase=True),
        person=fields.TEXT(analyzer=exact_analyzer(), phrase=False),
        place=fields.TEXT(analyzer=exact_analyzer(), phrase=False),
        source=fields.TEXT(analyzer=exact_analyzer(), phrase=False),
        tag=fields.TEXT(analyzer=exact_analyzer(), phrase=False),
        person_exact=fields.KEYWORD(commas=True, scorable=False),
        place_exact=fields.KEYWORD(commas=True, scorable=False),
        source_exact=fields.KEYWORD(commas=True, scorable=False),
        tag_exact=fields.KEYWORD(commas=True, scorable=False),
        # Values as written, for facet counts a person can read.
        person_facet=fields.KEYWORD(commas=True, scorable=False),
        place_facet=fields.KEYWORD(commas=True, scorable=False),
        source_facet=fields.KEYWORD(commas=True, scorable=False),
        tag_facet=fields.KEYWORD(commas=True, scorable=False),
        url=fields.ID(),
        site=fields.ID(),
        date=fields.DATETIME(sortable=True),
        day=fields.ID(),  # "2014-09-24" (UTC): histogram buckets
        # Date filters read the `date` column (search/execute.py); these two
        # calendar fields are no longer read.
        month=fields.ID(),  # "2014-09" (UTC)
        year=fields.ID(),  # "2014" (UTC)
        cluster=fields.ID(stored=True),
    )


def fold(value: str) -> str:
    """Lower case without accents: how names and exact values are compared."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.replace(",", " ").split())


def document_for(article: Article) -> dict:
    """The fields Whoosh indexes for one article (what `search` can match)."""
    doc = {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "title_exact": article.title,
        "body_exact": article.body,
        "cluster": article.cluster or article.id,
    }
    names = {
        "person": (*article.people, *article.mentioned),
        "place": article.places,
        "source": (article.source,) if article.source else (),
        "tag": article.tags,
    }
    for name, values in names.items():
        if values:
            doc[name] = " \n ".join(values)
            doc[f"{name}_exact"] = ",".join(fold(v) for v in values)
    for name, values in names.items():
        if name == "person":  # the facet lists who articles are about, not everyone named
            values = article.people
        if values:
            # One spelling per folded value, so a facet counts each article once.
            spellings = {fold(v): " ".join(v.replace(",", " ").split()) for v in reversed(values)}
            doc[f"{name}_facet"] = ",".join(spellings.values())
    if article.url:
        doc["url"] = article.url
    if article.site:
        doc["site"] = article.site
    if article.date:
        utc = to_utc(article.date)
        doc["date"] = utc.replace(tzinfo=None)
        doc["day"] = utc.strftime("%Y-%m-%d")
        doc["month"] = doc["day"][:7]
        doc["year"] = doc["day"][:4]
    return doc
