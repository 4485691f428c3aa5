"""'Did you mean': a corrected query from the index's own vocabulary.

Only words the index has never seen are corrected: words of the text (and of
quoted phrases) against the exact, unstemmed title and body words, and names
after `person:`, `place:`, `source:`, `tag:` against that field's words. The
rest of the query is kept character for character, so the suggestion is a
query the user can run as it stands.
"""

from __future__ import annotations

import re

from dateline.index.analysis import fold
from dateline.index.schema import NAME_FIELDS
from dateline.search.lower import words
from dateline.search.parser import QuerySyntaxError, tokenize

# Suggest only when a query finds fewer hits than this.
FEW_HITS = 3
_WORD = re.compile(r"\w+", re.UNICODE)
_TEXT_FIELDS = ("body_exact", "title_exact")  # the exact words, unstemmed


def suggest_query(reader, query: str) -> str | None:
    """The query with unknown words replaced by their nearest indexed words, or None."""
    try:
        tokens = tokenize(query)
    except QuerySyntaxError:
        return None
    fixes: list[tuple[int, int, str]] = []  # (start, end, replacement) in `query`
    for text, offset, field, quoted in _values(query, tokens):
        if field == "place" and (name := _place_name(reader, text)):
            fixes.append((offset, offset + len(text), name if quoted or " " not in name
                          else f'"{name}"'))
            continue
        fields = _vocabularies(field)
        for m in _WORD.finditer(text):
            better = _correct(reader, fields, m.group()) if fields else None
            if better:
                fixes.append((offset + m.start(), offset + m.end(), better))
    if not fixes:
        return None
    out = query
    for begin, end, word in reversed(fixes):
        out = out[:begin] + word + out[end:]
    return out


def _place_name(reader, text: str) -> str | None:
    """A place name the gazetteer knows near a misspelt one, the one whose
    place the most articles are tagged with; None for a name it knows."""
    from dateline.search.places import near_place_names, resolve_place

    if resolve_place(text):
        return None
    best: tuple[int, int, str] | None = None
    for distance, name, value in near_place_names(text):
        tagged = reader.doc_frequency("place_exact", fold(value))
        if tagged and (best is None or (distance, -tagged, name) < best):
            best = (distance, -tagged, name)
    return best[2] if best else None


def _values(query: str, tokens):
    """(text, its offset in the query, the field it is searched in, whether
    quoted) for every value."""
    stack: list[str | None] = [None]  # field applying inside each open parenthesis
    pending: str | None = None  # `person:` waiting for its quoted value or group
    for token in tokens:
        field, pending = pending or stack[-1], None
        if token.kind == "LPAREN":
            stack.append(field)
        elif token.kind == "RPAREN" and len(stack) > 1:
            stack.pop()
        elif token.kind == "FIELD" and not token.text:
            pending = token.field
        elif token.kind == "FIELD":
            name_end = query.index(":", token.pos) + 1
            yield token.text, name_end, token.field, False
        elif token.kind == "QUOTED":
            yield token.text, token.pos + 1, field, True
        elif token.kind == "WORD" and not token.text.endswith("*"):
            yield token.text, token.pos, field, False


def _vocabularies(field: str | None) -> tuple[str, ...]:
    if field is None:
        return _TEXT_FIELDS
    if field in NAME_FIELDS:
        return (field,)
    return ("title_exact",) if field == "title" else ()


def _correct(reader, fields: tuple[str, ...], word: str) -> str | None:
    folded = words(word, stem=False)
    if len(folded) != 1 or folded[0].isdigit() or len(folded[0]) < 3:
        return None
    term = folded[0]
    if any(reader.doc_frequency(f, term) for f in fields):
        return None  # a known word, however rare, is not a typo
    best: tuple[int, str] | None = None
    for f in fields:
        for candidate in reader.corrections(f, term)[:1]:
            if len(candidate) < 3:  # 'usa' -> 'u': a letter of a name, not a word
                continue
            freq = sum(reader.doc_frequency(g, candidate) for g in fields)
            if best is None or freq > best[0]:
                best = (freq, candidate)
    return best[1] if best else None
