"""parse_query: the query language, read once into `search.query` nodes.

    query   := or
    or      := and ("OR" and)*
    and     := unary (["AND"] unary)*          words are all required
    unary   := ("NOT" | "-") unary | atom
    atom    := "(" or ")" | field ":" value | "phrase"[~N] | word | word* | word~[N] | *
    value   := word | "quoted" | "(" or ")"    (the field applies inside)

Operators are upper case; lower-case "and", "or", "not" are ordinary words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo

from dateline.corpus.dates import DateParseError
from dateline.search.dates import resolve_date
from dateline.search.query import (FIELD_ALIASES, KNOWN_FIELDS, And, Fuzzy, MatchAll, Node, Not, Or,
                                   Phrase, Prefix, Term)

MAX_QUERY_LENGTH = 2000
MAX_SLOP = 100  # "a b"~N: at most N words between the phrase's words
# Operators inside one another: parentheses, NOT and '-' each add a level (every
# later stage walks the tree recursively; deeper would exhaust the stack).
MAX_NESTING = 50
MAX_EDITS = 2  # word~N: at most 2 edits, as in Lucene and Elasticsearch
DEFAULT_EDITS = 2  # a bare word~ (Lucene's and Elasticsearch's default)
_FUZZY = re.compile(r"(.*[^~])~([^~]*)", re.DOTALL)
# Fields whose values are words, where a fuzzy word can be looked up (in a
# URL or a site, '~' is a character).
_WORD_FIELDS = (None, "title", "person", "place", "source", "tag", "author")
_WORD_CHAR = re.compile(r"\w")
_FIELD_WORD = re.compile(r"^([A-Za-z_]+):(.*)$", re.DOTALL)


class QuerySyntaxError(ValueError):
    """A query that cannot be read; str() is the one line a user sees."""

    def __init__(self, message: str, query: str, position: int, hint: str = ""):
        self.message = message
        self.query = query
        self.position = position
        self.hint = hint
        text = f"{message} at column {position + 1} of query: {_one_line(query)}"
        super().__init__(f"{text} ({hint})" if hint else text)


_NOT_TEXT = re.compile("[\ud800-\udfff]")


def check_text(query: str) -> None:
    """A query must be text: a byte that is not UTF-8 (which Python keeps as a
    lone surrogate from the command line) or a lone surrogate is refused."""
    if found := _NOT_TEXT.search(query):
        code = ord(found.group())
        what = (f"a byte that is not UTF-8 (\\x{code - 0xDC00:02x})" if 0xDC80 <= code <= 0xDCFF
                else f"a lone surrogate (U+{code:04X}), which is not a character")
        raise QuerySyntaxError(f"the query holds {what}", query, found.start())


def _one_line(query: str) -> str:
    """The query as one printable line, each character kept in its column."""
    return "".join(" " if ch.isspace() else "?" if unicodedata.category(ch)[0] == "C" else ch
                   for ch in query)


class UnknownField(QuerySyntaxError):
    def __init__(self, field: str, query: str, position: int):
        self.field = field
        super().__init__(
            f"unknown field '{field}:'", query, position,
            hint="known fields: " + ", ".join(f"{f}:" for f in KNOWN_FIELDS),
        )


@dataclass(frozen=True)
class Token:
    kind: str  # WORD FIELD QUOTED LPAREN RPAREN AND OR NOT NEG EOF
    text: str
    pos: int
    slop: int = 0
    field: str = ""  # for FIELD: canonical field name; text is its value (may be "")


_KEYWORDS = {"AND", "OR", "NOT"}
# Straight quotes, and the curly ones word processors and phones type (“…”, „…“):
# any of them opens a phrase and any closes it.
_QUOTES = '"\u201c\u201d\u201e'
_WORD_ENDS = "()" + _QUOTES
_COMPARISONS = (">=", "<=", ">", "<")


def tokenize(query: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(Token("LPAREN" if ch == "(" else "RPAREN", ch, i))
            i += 1
        elif ch in _QUOTES:
            close = next((k for k in range(i + 1, n) if query[k] in _QUOTES), -1)
            if close < 0:
                raise QuerySyntaxError("unclosed quote", query, i)
            text = query[i + 1 : close]
            j, slop = close + 1, 0
            if m := re.match(r"~(\d+)", query[j:]):
                slop = int(m.group(1))
                if slop > MAX_SLOP:
                    raise QuerySyntaxError(f"phrase slack {m.group(1)} is too large", query, j,
                                           hint=f"at most ~{MAX_SLOP} words between")
                j += m.end()
            tokens.append(Token("QUOTED", text, i, slop=slop))
            i = j
        elif ch == "-" and i + 1 < n and not query[i + 1].isspace() and query[i + 1] != "-":
            tokens.append(Token("NEG", "-", i))
            i += 1
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in _WORD_ENDS:
                j += 1
            tokens.append(_word_token(query[i:j], i, query))
            i = j
    tokens.append(Token("EOF", "", n))
    return tokens


def _word_token(word: str, pos: int, query: str) -> Token:
    if word in _KEYWORDS:
        return Token(word, word, pos)
    if m := _FIELD_WORD.match(word):
        name, value = m.group(1).lower(), m.group(2)
        if name not in FIELD_ALIASES:
            raise UnknownField(m.group(1), query, pos)
        return Token("FIELD", value, pos, field=FIELD_ALIASES[name])
    return Token("WORD", word, pos)


def parse_query(
    query: str, *, now: datetime | None = None, tz: tzinfo = timezone.utc
) -> Node:
    """Read a query into Dateline's tree, or raise QuerySyntaxError (one line)."""
    if len(query) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(
            f"query too long ({len(query)} characters, limit {MAX_QUERY_LENGTH})", query[:60] + "…", 0
        )
    if not query.strip():
        raise QuerySyntaxError("empty query", query, 0, hint="use * to match every article")
    check_text(query)
    parser = _Parser(query, tokenize(query), now or datetime.now(timezone.utc), tz)
    node = parser.parse_or(field=None)
    token = parser.peek()
    if token.kind == "RPAREN":
        raise QuerySyntaxError("unmatched ')'", query, token.pos)
    if token.kind != "EOF":  # pragma: no cover - parse_or consumes all but ')'
        raise QuerySyntaxError(f"unexpected {token.text!r}", query, token.pos)
    return node


class _Parser:
    def __init__(self, query: str, tokens: list[Token], now: datetime, tz: tzinfo):
        self.query, self.tokens, self.now, self.tz = query, tokens, now, tz
        self.i = 0
        self.depth = 0  # parentheses and negations open around the current token

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def error(self, message: str, token: Token, hint: str = "") -> QuerySyntaxError:
        return QuerySyntaxError(message, self.query, token.pos, hint)

    def nest(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            what = "parentheses" if token.kind == "LPAREN" else "NOT and parentheses"
            raise self.error(f"{what} nested too deeply (limit {MAX_NESTING})", token)

    def parse_or(self, field: str | None) -> Node:
        items = [self.parse_and(field)]
        while self.peek().kind == "OR":
            op = self.take()
            if self.peek().kind in ("EOF", "RPAREN", "OR"):
                raise self.error("OR needs a term on both sides", op)
            items.append(self.parse_and(field))
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self, field: str | None) -> Node:
        items: list[Node] = []
        while self.peek().kind not in ("EOF", "RPAREN", "OR"):
            if self.peek().kind == "AND":
                op = self.take()
                if not items or self.peek().kind in ("EOF", "RPAREN", "OR", "AND"):
                    raise self.error("AND needs a term on both sides", op)
                continue
            node = self.parse_unary(field)
            if node is not None:
                items.append(node)
        if not items:
            token = self.peek()
            if token.kind == "OR":
                raise self.error("OR needs a term on both sides", token)
            if token.kind == "RPAREN" and self.i and self.tokens[self.i - 1].kind == "LPAREN":
                raise self.error("empty parentheses", self.tokens[self.i - 1])
            if token.kind == "EOF" and self.i and self.tokens[self.i - 1].kind in ("NOT", "NEG"):
                raise self.error("NOT needs a term after it", self.tokens[self.i - 1])
            if token.kind == "EOF" and self.i and self.tokens[self.i - 1].kind == "LPAREN":
                raise self.error("unclosed parenthesis", self.tokens[self.i - 1])
            raise self.error("nothing to search for", token, hint="use * to match every article")
        return items[0] if len(items) == 1 else And(tuple(items))

    def parse_unary(self, field: str | None) -> Node | None:
        negations = 0  # counted, not recursed: "NOT NOT … x" cannot exhaust the parser's stack
        while (token := self.peek()).kind in ("NOT", "NEG"):
            self.take()
            if self.peek().kind in ("EOF", "RPAREN", "OR", "AND"):
                raise self.error("NOT needs a term after it", token)
            negations += 1
            self.nest(token)
        node = self.parse_atom(field)
        self.depth -= negations
        for _ in range(negations):
            node = Not(node) if node is not None else None
        return node

    def parse_atom(self, field: str | None) -> Node | None:
        token = self.take()
        if token.kind == "LPAREN":
            self.nest(token)
            node = self.parse_or(field)
            self.depth -= 1
            if self.peek().kind != "RPAREN":
                raise self.error("unclosed parenthesis", token)
            self.take()
            return node
        if token.kind == "QUOTED":
            return self.value(token.text, field, token, quoted=True)
        if token.kind == "WORD":
            return self.value(token.text, field, token, quoted=False)
        if token.kind == "FIELD":
            return self.field_value(token)
        raise self.error(f"unexpected {token.text or 'end of query'!r}", token)  # pragma: no cover

    def field_value(self, token: Token) -> Node | None:
        name = token.field
        following = self.peek()
        if name == "date" and token.text in _COMPARISONS and following.kind == "QUOTED" \
                and following.pos == token.pos + len("date:") + len(token.text):
            self.take()  # date:>="24 Sep 2014": the operator, then a quoted date
            return self.value(token.text + following.text, name, token, quoted=False)
        if token.text:
            return self.value(token.text, name, token, quoted=False)
        if following.kind == "QUOTED":
            self.take()
            return self.value(following.text, name, following, quoted=True)
        if following.kind == "LPAREN":
            return self.parse_atom(name)
        raise self.error(f"field '{name}:' needs a value", token)

    def value(self, text: str, field: str | None, token: Token, *, quoted: bool) -> Node | None:
        if field == "date":
            try:
                return resolve_date(text, now=self.now, tz=self.tz)
            except DateParseError as exc:
                raise self.error(str(exc), token) from None
        if not quoted and text == "*":
            if field is not None:
                raise self.error(f"'*' cannot be used with '{field}:'", token)
            return MatchAll()
        if not _WORD_CHAR.search(text):
            if quoted:
                raise self.error("empty phrase", token)
            return None  # stray punctuation ("&", "—") is not a search term
        if quoted:
            node = Phrase(" ".join(text.split()), field, token.slop)
        elif field in _WORD_FIELDS and (fuzzy := _FUZZY.fullmatch(text)) \
                and _WORD_CHAR.search(fuzzy.group(1)):
            return self.fuzzy(fuzzy.group(1), fuzzy.group(2), field, token)
        elif text.endswith("*") and len(text) > 1:
            return Prefix(text.rstrip("*"), field)
        else:
            node = Term(text, field)
        return _place(node) if field == "place" else node

    def fuzzy(self, word: str, distance: str, field: str | None, token: Token) -> Node:
        """`word~N`: a word within N edits (N 0, 1 or 2; a bare ~ is 2)."""
        word, distance = _one_line(word), _one_line(distance)  # shown in a one-line error
        if not distance:
            edits = DEFAULT_EDITS
        elif distance.isascii() and distance.isdigit() and int(distance) <= MAX_EDITS:  # not '²'
            edits = int(distance)
        else:
            raise self.error(f"fuzzy distance '~{distance}' is not 0, 1 or 2", token,
                             hint=f"{word}~1 finds words one edit away, {word}~ two")
        if word.endswith("*") or len(_WORD_CHAR.findall(word)) != len(word.strip()):
            raise self.error(f"fuzzy search takes one word, not {word!r}", token,
                             hint="letters and digits only, without * or punctuation")
        return Fuzzy(word, field, edits)


def _place(node: Node) -> Node:
    """A place as the gazetteer names it (`search/places.py`, loaded when a
    query names a place: the command line starts without the table)."""
    from dateline.search.places import place_node

    return place_node(node)
