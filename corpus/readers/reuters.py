"""Reuters-21578 SGML (`reut2-NNN.sgm`): one <REUTERS> element per article.

DATE, TITLE, DATELINE and BODY give the article; the editors' PLACES, PEOPLE,
ORGS, EXCHANGES and TOPICS give places, people and tags. TEXT TYPE="BRIEF"
items are a headline only (the headline is their body too); TYPE="UNPROC" items
have no TITLE/BODY markup (the first line is taken as the title).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from datetime import datetime

from dateline.corpus.article import Article, Rejected, make_id
from dateline.corpus.bylines import author_names
from dateline.corpus.clean import tidy_text
from dateline.corpus.dates import DateParseError, parse_article_date
from dateline.corpus.gazetteer import gazetteer
from dateline.corpus.readers.limits import MAX_SGML_RECORD_BYTES, human_size

_DOC = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.DOTALL)
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_CONTROL = re.compile(r"&#(?:[0-8]|1[0-9]|2[0-9]|3[01]);")  # &#3; &#5; &#22; ... are wire control codes
_DATE = re.compile(r"\d{1,2}-[A-Za-z]{3}-\d{4}(?: \d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_D = re.compile(r"<D>(.*?)</D>", re.DOTALL)


def looks_like_reuters(head: bytes) -> bool:
    return b"<REUTERS " in head or b'<!DOCTYPE lewis' in head


def read_reuters(text: str, origin: str, *, now: datetime) -> Iterator[Article | Rejected]:
    yield from read_reuters_chunks([text], origin, now=now)


def read_reuters_chunks(chunks: Iterable[str], origin: str, *, now: datetime) -> Iterator[Article | Rejected]:
    """The documents of an SGML file read piece by piece: memory holds one
    document, and one that runs past MAX_SGML_RECORD_BYTES unclosed is skipped."""
    found = False
    buffer = ""
    for chunk in chunks:
        buffer += chunk
        end = 0
        for match in _DOC.finditer(buffer):
            found = True
            attrs = dict(_ATTR.findall(match.group(1)))
            yield _article(attrs, match.group(2), origin, now=now)
            end = match.end()
        buffer = buffer[end:]
        start = buffer.find("<REUTERS")
        if start < 0:
            buffer = buffer[-len("<REUTERS"):]  # a start tag may be cut between two chunks
        elif len(buffer) - start > MAX_SGML_RECORD_BYTES:
            attrs = dict(_ATTR.findall(buffer[start:start + 200].partition(">")[0]))
            found = True
            yield Rejected(f"{origin}:NEWID={attrs.get('NEWID') or '?'}",
                           f"record too large (over {human_size(MAX_SGML_RECORD_BYTES)} without "
                           "its </REUTERS>, the limit for one document)")
            buffer = buffer[start + 1:]
            next_start = buffer.find("<REUTERS")
            buffer = buffer[next_start:] if next_start >= 0 else ""
    if not found:
        yield Rejected(origin, "no <REUTERS> documents found")


def _element(doc: str, name: str) -> str | None:
    m = re.search(rf"<{name}\b[^>]*>(.*?)</{name}>", doc, re.DOTALL)
    return m.group(1) if m else None


def _plain(raw: str | None) -> str:
    if not raw:
        return ""
    return html.unescape(_CONTROL.sub("", raw)).replace("\x03", "")


def _codes(doc: str, name: str) -> list[str]:
    return [c.strip() for c in _D.findall(_element(doc, name) or "") if c.strip()]


def place_values(code: str) -> tuple[str, ...]:
    """An editor's code as the canonical values extraction uses ('ussr' -> Soviet Union, Russia)."""
    gaz = gazetteer()
    name = gaz.resolve(code)
    return gaz.place_values(name) if name else (code.replace("-", " ").title(),)


def person_name(code: str) -> str:
    return code.replace("-", " ").title()


def _article(attrs: dict, doc: str, origin: str, *, now: datetime) -> Article | Rejected:
    newid = attrs.get("NEWID", "")
    where = f"{origin}:NEWID={newid or '?'}"
    text_el = _element(doc, "TEXT") or ""
    title = tidy_text(_plain(_element(text_el, "TITLE")))
    body = tidy_text(_reflow(_plain(_element(text_el, "BODY"))))
    if not title and not body:  # TYPE="UNPROC": bare text, first line is the headline
        lines = [line.strip() for line in _plain(text_el).splitlines() if line.strip()]
        title, body = (lines[0], tidy_text(_reflow("\n".join(lines[1:])))) if lines else ("", "")
    if title and not body:  # TYPE="BRIEF": a headline-only flash
        body = title
    if not title:
        return Rejected(where, "no title")
    if not body:
        return Rejected(where, "no body")
    date = None
    raw_date = _DATE.search(_plain(_element(doc, "DATE")))  # some carry wire codes after the time
    if raw_date:
        try:
            date = parse_article_date(raw_date.group(0), now=now)
        except DateParseError:
            date = None  # one DATE in the corpus is malformed: the article is kept undated
    tags = _codes(doc, "TOPICS") + _codes(doc, "ORGS") + _codes(doc, "EXCHANGES")
    return Article(
        id=f"reuters-{newid}" if newid else make_id(None, title, body),
        title=title,
        body=body,
        date=date,
        date_source="record" if date else None,
        people=tuple(dict.fromkeys(person_name(c) for c in _codes(doc, "PEOPLE"))),
        places=tuple(dict.fromkeys(v for c in _codes(doc, "PLACES") for v in place_values(c))),
        source="Reuters",
        tags=tuple(dict.fromkeys(tags)),
        origin=where,
        dateline=_dateline(doc),
        author=author_names(_plain(_element(doc, "AUTHOR"))),  # "By Peter Torday, Reuters"
    )


def _dateline(doc: str) -> str | None:
    """'    LONDON, March 9 - ' -> 'LONDON, March 9'."""
    text = tidy_text(_plain(_element(doc, "DATELINE")))
    return text.rstrip(" -") or None


def _reflow(text: str) -> str:
    """Reuters bodies are hard-wrapped, with paragraphs indented by spaces."""
    text = re.sub(r"\n\s*Reuter\s*$", "", text.strip())  # the sign-off
    text = re.sub(r"\n {2,}", "\n\n", text)
    return text
