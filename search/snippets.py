"""Snippets: the best fragments of a body with every matched word marked.

Matching here mirrors the index: a query word matches every token with the
same stem, a phrase matches its exact words in order, a prefix matches the
start of an exact token.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import repeat
from dataclasses import dataclass, field
from functools import lru_cache

from dateline.search.lower import words
from dateline.index.analysis import IRREGULAR_WORDS, TOKEN_PATTERN, edit_distance, index_words, stem
from dateline.search.query import Fuzzy, Phrase, Prefix, Term

FRAGMENT_CHARS = 220
MAX_FRAGMENTS = 3
SEPARATOR = " … "

_WORD = re.compile(TOKEN_PATTERN)  # the index's own tokenizer pattern
# The same tokens as whole matches (no group): findall then returns them.
_WHOLE_WORD = re.compile(TOKEN_PATTERN.replace("(", "(?:", 1))
_APOSTROPHES = ("'", "’")


@dataclass(frozen=True)
class Snippet:
    text: str
    marks: tuple[tuple[int, int], ...] = field(default=())  # [start, end) into text

    def marked(self, open_tag: str = "<mark>", close_tag: str = "</mark>") -> str:
        out, last = [], 0
        for start, end in self.marks:
            out += [self.text[last:start], open_tag, self.text[start:end], close_tag]
            last = end
        out.append(self.text[last:])
        return "".join(out)

    def segments(self):
        """(text, is_match) pairs in order: what renderers escape and style."""
        last = 0
        for start, end in self.marks:
            if start > last:
                yield self.text[last:start], False
            yield self.text[start:end], True
            last = end
        if last < len(self.text):
            yield self.text[last:], False


def _tokens(text: str):
    """(exact word, stem, start, end) for every word of the text, as the
    index reads it. Each distinct word is analyzed once and remembered:
    analyzing whole bodies for every hit was most of a query's time."""
    tokens = []
    for match in _WORD.finditer(text):
        forms = _forms(match.group())
        if forms is not None:
            tokens.append((*forms, match.start(), match.end()))
    return tokens


@lru_cache(maxsize=200_000)
def _forms(word: str) -> tuple[str, str] | None:
    exact = index_words(word)
    return (exact[0], stem(exact[0])) if len(exact) == 1 else None


@lru_cache(maxsize=100_000)
def _near(word: str, fuzzy: str, distance: int) -> bool:
    """Whether a fuzzy word finds this word (the engine may search fewer of
    the words near it, `execute.MAX_FUZZY_WORDS`, on a large vocabulary)."""
    return edit_distance(word, fuzzy, distance) <= distance


@lru_cache(maxsize=1024)
def _prepared(terms: tuple) -> tuple[frozenset[str], list[tuple[list[str], int]], tuple[str, ...],
                                     list[tuple[str, int]]]:
    """(stems, phrases with their slop, prefixes, fuzzy words with their
    distance) of a query's terms: worked out once for all the hits of a page."""
    stems: set[str] = set()
    phrases: list[tuple[list[str], int]] = []
    for t in terms:
        if isinstance(t, Term):
            parts = words(t.text, stem=True)
            if len(parts) == 1:
                stems.add(parts[0])
            elif parts:  # "U.S.": searched as its parts, adjacent
                phrases.append((words(t.text, stem=False), 0))
        elif isinstance(t, Phrase):
            phrases.append((words(t.text, stem=False), t.slop))
    prefixes = tuple(w for t in terms if isinstance(t, Prefix) for w in words(t.text, stem=False)[-1:])
    fuzzy = [(w, t.distance) for t in terms if isinstance(t, Fuzzy) for w in words(t.text, stem=False)]
    return frozenset(stems), phrases, prefixes, fuzzy


@lru_cache(maxsize=1024)
def _starting(starts: tuple[str, ...]) -> re.Pattern:
    """Places where a word beginning with one of `starts` can begin."""
    alternatives = "|".join(map(re.escape, sorted(set(starts), key=len, reverse=True)))
    return re.compile(rf"(?<!\w)(?=\w)(?=(?:{alternatives}))")


_ASCII_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _word_starts(text: str, starts: tuple[str, ...]) -> list[int]:
    """Where, in an ASCII `text`, a word beginning with one of `starts` can
    begin: the places `_starting(starts)` finds, in order, found by
    `str.find` of each start (a search of the text in C) instead of the
    pattern's test at every character (most of a snippet's time). Starts
    shorter than two letters occur too often for that: the pattern then."""
    if min(map(len, starts), default=0) < 2:
        return [m.start() for m in _starting(starts).finditer(text)]
    word_chars = _ASCII_WORD_CHARS
    found = set()
    for start in set(starts):
        if start[0] not in word_chars:  # the pattern wants a word character there
            continue
        at = text.find(start)
        while at >= 0:
            if not at or text[at - 1] not in word_chars:
                found.add(at)
            at = text.find(start, at + 1)
    return sorted(found)


def find_occurrences(text: str, terms) -> list[tuple[int, int]]:
    """Every occurrence in `text` of the query's terms, in order: a word or
    prefix match is its word; a phrase match is one span from its first word
    to its last (with slop, the words between are inside it)."""
    stems, phrases, prefixes, fuzzy = _prepared(tuple(terms))
    if not phrases:
        return _word_occurrences(text, stems, prefixes, fuzzy)
    tokens = _tokens(text)
    exact = [t[0] for t in tokens]
    # One pass per kind of term, each a comprehension: a Python-level test of
    # every token against every term was most of a snippet's time.
    spans = {(start, end) for word, stem, start, end in tokens
             if stem in stems or (prefixes and word.startswith(prefixes))
             or (fuzzy and any(_near(word, w, d) for w, d in fuzzy))}
    for phrase, slop in phrases:
        if not phrase:
            continue
        for i in [i for i, word in enumerate(exact) if word == phrase[0]]:
            last = _phrase_end(exact, i, phrase, slop)
            if last is not None:
                spans.add((tokens[i][2], tokens[last][3]))
    return sorted(spans)


def _word_occurrences(text: str, stems: frozenset[str], prefixes: tuple[str, ...],
                      fuzzy: list[tuple[str, int]]) -> list[tuple[int, int]]:
    """`find_occurrences` without phrases: each distinct word of the text is
    tested once, and only the matched ones are placed (a body repeats its
    words, and most match nothing). In an ASCII text without fuzzy terms,
    only words that can have one of the stems are analyzed: a word begins
    with its stem minus the stem's last letter (as the index finds a stem's
    forms, `analysis.spelled_like_its_stem`) unless it is one of the
    stemmer's few irregular words."""
    def matched(word: str) -> bool:
        forms = _forms(word)
        if forms is None:
            return False
        exact, word_stem = forms
        return (word_stem in stems or (bool(prefixes) and exact.startswith(prefixes))
                or (bool(fuzzy) and any(_near(exact, w, d) for w, d in fuzzy)))

    if text.isascii() and not fuzzy and IRREGULAR_WORDS is not None:
        text = text.lower()  # the same length: the spans stay the text's
        starts = tuple(s[:-1] for s in stems) + prefixes + IRREGULAR_WORDS
        # Where a word can begin (no word character before it) with one of
        # the starts: every such word, and perhaps a piece of one after an
        # apostrophe, which no stem then matches as a word of the text.
        word_at = _WHOLE_WORD.match
        placed = [word for word in map(word_at, repeat(text), _word_starts(text, starts))
                  if word is not None]
        found = {word for word in {m.group() for m in placed} if matched(word)}
        if not found:
            return []
        # Each matched word where the scan found it: every place a matched
        # word can stand (it begins with one of the starts), and what a
        # pattern of the matched words would place there too (as below),
        # unless an apostrophe touches a word, which is then looked at again.
        spans = [m.span() for m in placed if m.group() in found]
    else:
        found = {word for word in set(_WHOLE_WORD.findall(text)) if matched(word)}
        if not found:
            return []
        # The matched words placed by one pattern: a word is never next to a
        # word character, so each place the pattern finds is a word of the
        # text, unless an apostrophe touches it (in "o'neill", "neill" is no
        # word of its own). Only then is every word of the text looked at.
        alternatives = "|".join(map(re.escape, sorted(found, key=len, reverse=True)))
        spans = [m.span() for m in re.finditer(rf"(?<!\w)(?:{alternatives})(?!\w)", text)]
    if ("'" not in text and "’" not in text) or not any(
            text[start - 1:start] in _APOSTROPHES or text[end:end + 1] in _APOSTROPHES
            for start, end in spans):
        return spans
    return [m.span() for m in _WHOLE_WORD.finditer(text) if m.group() in found]




def find_matches(text: str, terms) -> list[tuple[int, int]]:
    """Character spans to mark: occurrences, with touching ones merged."""
    return _merge_adjacent(text, find_occurrences(text, terms))


def _merge_adjacent(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """'central' 'bank' -> 'central bank': one mark per run of matched words."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and (merged[-1][1] >= start or not text[merged[-1][1]:start].strip()):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _phrase_end(exact: list[str], i: int, phrase: list[str], slop: int) -> int | None:
    """Index of the phrase's last word if it starts at token i: each next word
    within `slop` words of the previous one, in order (as the index matches)."""
    if not phrase or exact[i] != phrase[0]:
        return None
    if len(phrase) == 1:
        return i
    for k in range(i + 1, min(len(exact), i + 2 + slop)):
        if exact[k] == phrase[1]:
            last = _phrase_end(exact, k, phrase[1:], slop)
            if last is not None:
                return last
    return None


def make_snippet(body: str, terms) -> Snippet:
    spans = find_matches(body, terms) if terms else []
    if not spans:
        return _lead(body)
    windows = _best_windows(body, spans)
    parts, marks, offset = [], [], 0
    for n, (start, end) in enumerate(windows):
        if n:
            parts.append(SEPARATOR)
            offset += len(SEPARATOR)
        piece = body[start:end]
        parts.append(piece)
        marks += [(a - start + offset, b - start + offset) for a, b in spans if start <= a and b <= end]
        offset += len(piece)
    text = "".join(parts)
    prefix = "…" if windows[0][0] > 0 else ""
    suffix = "…" if windows[-1][1] < len(body) else ""
    marks = [(a + len(prefix), b + len(prefix)) for a, b in marks]
    return Snippet(prefix + text + suffix, tuple(marks))


def _lead(body: str) -> Snippet:
    if len(body) <= FRAGMENT_CHARS:
        return Snippet(body)
    cut = body.rfind(" ", 0, FRAGMENT_CHARS)
    return Snippet(body[: cut if cut > 0 else FRAGMENT_CHARS] + "…")


def _best_windows(body: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Up to three fragments, each scored by how many distinct words it marks.
    `spans` as `find_matches` gives them: in order, apart (so their ends are
    in order too), and the spans inside a fragment are a run of them."""
    words = [body[a:b].casefold() for a, b in spans]
    starts = [a for a, _ in spans]
    ends = [b for _, b in spans]
    candidates = []
    for start, _ in spans:
        left = max(0, start - FRAGMENT_CHARS // 3)
        left = _word_edge(body, left, backward=True)
        right = _word_edge(body, min(len(body), left + FRAGMENT_CHARS), backward=False)
        inside = words[bisect_left(starts, left):bisect_right(ends, right)]
        candidates.append((len(set(inside)), len(inside), -left, left, right))
    candidates.sort(reverse=True)
    chosen: list[tuple[int, int]] = []
    for *_, left, right in candidates:
        if all(right <= a or left >= b for a, b in chosen):
            chosen.append((left, right))
        if len(chosen) == MAX_FRAGMENTS:
            break
    return sorted(chosen)


def _word_edge(body: str, pos: int, *, backward: bool) -> int:
    if pos <= 0 or pos >= len(body):
        return max(0, min(pos, len(body)))
    if backward:
        space = body.rfind(" ", 0, pos)
        return space + 1 if space >= 0 else 0
    space = body.find(" ", pos)
    return space if space >= 0 else len(body)
