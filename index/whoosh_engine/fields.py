"""The Whoosh schema: Dateline's fields (`index/schema.py`) as Whoosh fields,
whose words come from Dateline's own analysis, not Whoosh's token pipeline."""

from __future__ import annotations

import re
import struct

from whoosh import columns, fields
from whoosh.analysis import CharsetFilter, Filter, LowercaseFilter, RegexTokenizer

from dateline.index.analysis import FOLD_TABLE, TOKEN_PATTERN, index_words, stem_exceptions, text_words
from dateline.index.schema import TITLE_BOOST, UNDATED


class _WordOnly(Filter):
    """Whoosh's tokenizer gives the whole match; the word is its first group
    (the possessive 's after it is not part of the word)."""

    def __call__(self, tokens):
        for t in tokens:
            if t.text[-2:] in ("'s", "'S", "’s", "’S"):
                t.text = t.text[:-2]
                if getattr(t, "endchar", None) is not None:
                    t.endchar -= 2
            yield t


def exact_analyzer():
    """Whoosh's form of `index_words`, for the fields Whoosh analyzes itself."""
    return (RegexTokenizer(TOKEN_PATTERN) | _WordOnly() | LowercaseFilter()
            | CharsetFilter(FOLD_TABLE))


class WordsField(fields.TEXT):
    """A TEXT field with positions whose words come from `text_words`."""

    def __init__(self, **kwargs):
        super().__init__(analyzer=exact_analyzer(), phrase=True, **kwargs)

    def index(self, value, **kwargs):
        positions = text_words(value).positions
        boost = self.format.field_boost
        encode = self.format.encode
        for word, places in positions.items():
            if len(places) == 1 and places[0] < 256:  # most words: one early position
                value = _ONE_BYTE_POSITION + bytes(places) + b"a."
            else:
                value = encode(places)
            yield word.encode("utf-8"), len(places), len(places) * boost, value


# Whoosh's Positions encoding of one position under 256: a count of 1, then
# the pickled list [position] (tests/test_schema.py checks it is byte for byte
# what Whoosh writes).
_ONE_BYTE_POSITION = struct.pack("!I", 1) + b"\x80\x02]q\x00K"


class NameWordsField(fields.TEXT):
    """A TEXT field of word frequencies (no positions) whose words come from
    `index_words`: the words of names, `person:lavrov`."""

    def __init__(self, **kwargs):
        super().__init__(analyzer=exact_analyzer(), phrase=False, **kwargs)

    def index(self, value, **kwargs):
        counts: dict[str, int] = {}
        for word in index_words(value):
            counts[word] = counts.get(word, 0) + 1
        boost = self.format.field_boost
        for word, count in counts.items():
            yield word.encode("utf-8"), count, count * boost, _FREQUENCY.pack(count)


_FREQUENCY = struct.Struct("!I")  # Whoosh's Frequency format: the count, 4 bytes


class ValuesField(fields.KEYWORD):
    """Whole values separated by commas (`person:"sergey lavrov"`, facets), as
    Whoosh's comma KEYWORD field reads them, without its token pipeline."""

    def __init__(self):
        super().__init__(commas=True, scorable=False)

    def index(self, value, **kwargs):
        counts: dict[str, int] = {}
        for item in _VALUE.findall(value):
            item = item.strip()
            counts[item] = counts.get(item, 0) + 1
        boost = self.format.field_boost
        for item, count in counts.items():
            yield item.encode("utf-8"), count, count * boost, _FREQUENCY.pack(count)


_VALUE = re.compile(r"[^,]+")


class StemFormsField(ValuesField):
    """The words of an article's title and body that a stem cannot find by
    their spelling, as 'stem word' ("die dying", `analysis.stem_exceptions`).
    Kept per document, so the table follows every update, removal and merge.
    Its value is (title, body), whose words `WordsField` has just read for
    `title_exact` and `body_exact` (`text_words` keeps them)."""

    def index(self, value, **kwargs):
        title, body = value
        words = text_words(title).distinct | text_words(body).distinct
        for item in stem_exceptions(words):
            yield item.encode("utf-8"), 1, 1.0, _FREQUENCY.pack(1)


def build_schema() -> fields.Schema:
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title_exact=WordsField(field_boost=TITLE_BOOST),
        body_exact=WordsField(),
        person=NameWordsField(),
        place=NameWordsField(),
        source=NameWordsField(),
        tag=NameWordsField(),
        author=NameWordsField(),  # the byline
        person_exact=ValuesField(),
        place_exact=ValuesField(),
        source_exact=ValuesField(),
        tag_exact=ValuesField(),
        author_exact=ValuesField(),
        # Values as written, for facet counts a person can read.
        person_facet=ValuesField(),
        place_facet=ValuesField(),
        source_facet=ValuesField(),
        tag_facet=ValuesField(),
        url=fields.ID(),
        site=ValuesField(),  # the host and its parent domains
        date=fields.COLUMN(columns.NumericColumn("Q", default=UNDATED)),
        cluster=fields.ID(stored=True),
        stem_forms=StemFormsField(),
    )
