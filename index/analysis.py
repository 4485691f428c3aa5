"""How text becomes the words an index holds and a query looks up, for every engine.

Both engines (and snippets, did-you-mean and the query side) read words only
through this module, so an article and a query always agree on what a word is:

- Words are letters and digits with at most one inner apostrophe, straight or
  typographic ("Kenya's", "Kenya’s", "O'Neill"); dots and hyphens split, so
  "U.S.-led" gives "u", "s", "led" on both sides.
- Lower case, accents folded (São -> sao), the typographic apostrophe written
  as the straight one.
- A possessive 's is dropped, as Lucene's EnglishPossessiveFilter drops it:
  "the yen's rise" holds "yen", so the phrase "yen" finds it; "O'Neill" and
  "don't" are kept whole.
- A word's stem is its English (Snowball) stem, the Porter2 algorithm.

`stem_exceptions` lists what a stem cannot be found from by its spelling (see
`search/postings.py`): the index keeps those pairs, so `dying` finds "dying".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set as AbstractSet
from functools import lru_cache

from rapidfuzz.distance import OSA

from whoosh.lang import stemmer_for_language  # the Snowball algorithm only, no index
from whoosh.support.charset import accent_map

# A word, and after it a possessive 's that is not part of it ("yen's" -> "yen",
# "yen'sx" stays whole); only the word is captured, so positions are unchanged.
TOKEN_PATTERN = r"(\w+(?:['’](?![sS](?!\w))\w+)?)(?:['’][sS](?!\w))?"
WORD = re.compile(TOKEN_PATTERN)
FOLD_TABLE = {**accent_map, ord("’"): "'"}
# WORD on a text without apostrophes, where each of its apostrophe branches
# fails; a third faster (most articles hold no apostrophe at all).
_PLAIN_WORD = re.compile(r"\w+")


def index_text(text: str) -> str:
    """The words of a text as they are indexed, each followed by one space
    but the last (a word never holds a space: letters, digits, apostrophes).
    Splitting, lower-casing and folding are each one pass in C over the whole
    text, not a Python step per word (`spaced_text`). Lower-casing the joined
    words is lower-casing each: a space is neither cased nor case-ignorable,
    so even a word-final sigma stays final; folding maps no ASCII letter once
    lower-cased."""
    if text.isascii():
        return " ".join(_ascii_spaced(text).split())
    find = WORD.findall if "'" in text or "’" in text else _PLAIN_WORD.findall
    joined = " ".join(find(text)).lower()
    return joined if joined.isascii() else joined.translate(FOLD_TABLE)


def spaced_text(text: str) -> str:
    """The words of a text as they are indexed, separated by ASCII spaces
    (one or more): what the tantivy engine hands a tokenizer that splits at
    whitespace. `spaced_text(t).split()` is `index_words(t)`; an ASCII text
    costs no regular expression unless it holds an apostrophe."""
    return _ascii_spaced(text) if text.isascii() else index_text(text)


# ASCII: a word character lower-cased, the apostrophe kept, anything else a space.
_ASCII_WORD = b"0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ASCII_SPACED = bytes(c if c in _ASCII_WORD or c == ord("'") else ord(" ")
                      for c in range(256)).lower()


def _ascii_spaced(text: str) -> str:
    """`spaced_text` of an ASCII text: every byte that is not a word character
    (nor an apostrophe) becomes a space in one `bytes.translate`, which leaves
    each run of word characters a word, as `\\w+` finds it. A run that holds
    an apostrophe is split by WORD itself (an inner apostrophe joins, a
    possessive 's goes, others split): runs are split apart by spaces and WORD
    looks no further than the character after a run, a space, so splitting a
    run alone is splitting it in the text."""
    spaced = text.encode("ascii").translate(_ASCII_SPACED).decode("ascii")
    at = spaced.find("'")
    if at < 0:
        return spaced
    parts, done = [], 0
    while at >= 0:
        start, end = spaced.rfind(" ", 0, at) + 1, spaced.find(" ", at)
        end = len(spaced) if end < 0 else end
        parts.append(spaced[done:start])
        parts.append(" ".join(WORD.findall(spaced[start:end])))
        done = end
        at = spaced.find("'", end)
    parts.append(spaced[done:])
    return "".join(parts)


def index_words(text: str) -> list[str]:
    """The words of a text as they are indexed and looked up."""
    joined = index_text(text)
    return joined.split(" ") if joined else []


class TextWords:
    """One text's words as indexed: joined by spaces (`index_text`), in order,
    the distinct ones, and where each occurs (ascending); each worked out
    when first asked, and once."""

    __slots__ = ("joined", "_words", "_distinct", "_positions")

    def __init__(self, text: str):
        self.joined = index_text(text)
        self._words: list[str] | None = None
        self._distinct: set[str] | None = None
        self._positions: dict[str, list[int]] | None = None

    @property
    def words(self) -> list[str]:
        if self._words is None:
            self._words = self.joined.split(" ") if self.joined else []
        return self._words

    @property
    def distinct(self) -> AbstractSet[str]:
        if self._positions is not None:
            return self._positions.keys()
        if self._distinct is None:
            self._distinct = set(self.words)
        return self._distinct

    @property
    def positions(self) -> dict[str, list[int]]:
        if self._positions is None:
            found: dict[str, list[int]] = {}
            for n, word in enumerate(self.words):
                at = found.get(word)
                if at is None:
                    found[word] = [n]
                else:
                    at.append(n)
            self._positions = found
        return self._positions


TEXTS_KEPT = 1024  # titles and bodies: an update's new articles, up to 512 of them


@lru_cache(maxsize=TEXTS_KEPT)
def text_words(text: str) -> TextWords:
    """The words of a title or a body, shared and not to be changed. The last
    `TEXTS_KEPT` are kept: an update splits each new article's title and body
    as it indexes them, and finding the watches' news in the same articles
    just after (`search/percolate.py`) reads the same words, not splitting
    them again."""
    return TextWords(text)


def word_spans(text: str):
    """(word as indexed, start, end) of every word, the possessive left out of the span."""
    for match in WORD.finditer(text):
        yield match.group(1).lower().translate(FOLD_TABLE), match.start(1), match.end(1)


stem = lru_cache(maxsize=200_000)(stemmer_for_language("en"))
"""The English (Snowball) stem of an indexed word."""


def _irregular_words() -> tuple[str, ...] | None:
    """The words whose stem does not keep their beginning (dying -> die): the
    Snowball English stemmer's own exceptional forms. None when they cannot
    be read from it."""
    stemmer = getattr(stemmer_for_language("en"), "__self__", None)
    special = getattr(stemmer, "_EnglishStemmer__special_words", None)
    if not isinstance(special, dict) or not special:
        return None
    return tuple(word for word, word_stem in special.items() if not word.startswith(word_stem[:-1]))


IRREGULAR_WORDS = _irregular_words()
"""Words whose stem is not spelled like them (see `spelled_like_its_stem`);
None if unknown (then every word must be stemmed to tell)."""


def spelled_like_its_stem(word: str, word_stem: str) -> bool:
    """Whether `word` begins with its stem minus the stem's last letter: how a
    stem's forms are found in the vocabulary ("happi" from "happy")."""
    return word.startswith(word_stem[:-1])


STEM_SEPARATOR = " "  # between stem and form in an exception ("die dying")


class _Stems(dict):
    """word -> stem, each word stemmed once (bounded: emptied when full)."""

    def __missing__(self, word: str) -> str:
        if len(self) >= _MAX_SEEN:
            self.clear()
        found = self[word] = stem(word)
        return found


_STEMS = _Stems()


def stems_text(spaced: str) -> str:
    """The stem of each word of `spaced` (`spaced_text` or `index_text`), in
    order, joined by spaces: what the tantivy engine indexes for a plain word
    (a dictionary lookup in C per word; each distinct word stemmed once)."""
    return " ".join(map(_STEMS.__getitem__, spaced.split()))


def stem_exceptions(words) -> list[str]:
    """'stem form' for each distinct word whose stem does not keep its
    beginning (Snowball's irregular dying->die, lying->lie, tying->tie): the
    index holds these, since a search of the vocabulary by spelling misses them.
    Each word is stemmed once per process: an article costs one set
    difference in C plus a step per word that is new or irregular, not a
    Python call per word (most of a build's words were seen before)."""
    found = []
    for word in (words if isinstance(words, (set, frozenset)) else set(words)).difference(_REGULAR):
        item = _IRREGULAR.get(word) or stem_exception(word)
        if item is not None:
            _IRREGULAR[word] = item
            found.append(item)
        else:
            if len(_REGULAR) >= _MAX_SEEN:  # bounded memory on an endless vocabulary
                _REGULAR.clear()
            _REGULAR.add(word)
    return found


_REGULAR: set[str] = set()  # words seen whose stem keeps their beginning (most)
_IRREGULAR: dict[str, str] = {}  # word -> 'stem word' (a fraction of 1% of words)
_MAX_SEEN = 2_000_000


# Snowball (Porter2) changes a word only at its end, bar its table of special
# words: every step deletes a suffix or replaces one by letters that begin
# with all but the last of the letters they replace ("ational" -> "ate",
# "enci" -> "ence", y -> i), so a stem keeps the word's beginning but its
# last letter. The one replacement that does not is "biliti" -> "ble"
# ("ability" -> "able" -> "abil"); the special words that do not are these
# three. A lower-case ASCII word holding neither is regular without being
# stemmed (`tests/test_word_forms.py` checks this against the stemmer).
_IRREGULAR_SPECIAL = frozenset({"dying", "lying", "tying"})
_IRREGULAR_PART = "bilit"


def may_be_irregular(word: str) -> bool:
    """False for a word whose stem surely keeps its beginning (most words)."""
    return (word in _IRREGULAR_SPECIAL or _IRREGULAR_PART in word or not word.isascii()
            or not word.islower() and word != word.lower())


@lru_cache(maxsize=200_000)
def stem_exception(word: str) -> str | None:
    if not may_be_irregular(word):
        return None
    word_stem = stem(word)
    return None if spelled_like_its_stem(word, word_stem) else word_stem + STEM_SEPARATOR + word


def fold(value: str) -> str:
    """Lower case without accents: how names and exact values are compared."""
    if value.isascii():  # most values: nothing to decompose (a build folds every name)
        return " ".join(value.lower().replace(",", " ").split())
    decomposed = unicodedata.normalize("NFKD", value.casefold().replace("’", "'"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.replace(",", " ").split())


MAX_EDITS = 2  # fuzzy search: Lucene's and Elasticsearch's limit


def edit_distance(a: str, b: str, limit: int = MAX_EDITS) -> int:
    """Damerau-Levenshtein distance (optimal string alignment: an adjacent
    transposition is one edit), as Lucene's fuzzy query counts it; any
    distance above `limit` is returned as limit + 1."""
    return OSA.distance(a, b, score_cutoff=limit)
