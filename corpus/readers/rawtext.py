"""Raw text pages as a crawler saves them: a title line, the article, and site
furniture around it (skip links, subscription pitches, photo captions)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from corpus.article import Article, Rejected
from corpus.clean import Caption, is_boilerplate, line_key, parse_caption, tidy_line
from corpus.extract import MIN_BODY_CHARS, Page, article_from_page

# A story is told in sentences: most of its text is in lines of several words
# (a paragraph, or a paragraph wrapped at 60 to 80 columns). A category list or
# a table of codes saved as .txt is mostly lines of one to four words.
PROSE_LINE_WORDS = 8
MIN_PROSE_SHARE = 0.5

_SENTENCE_END = re.compile(r"[.!?\"'”’)]$")
_URL_LINE = re.compile(r"^(?:url|source|link):\s*(https?://\S+)$", re.IGNORECASE)


def read_rawtext(
    text: str, origin: str, *, now: datetime, repeated: frozenset[str] = frozenset()
) -> Iterator[Article | Rejected]:
    """`repeated`: normalized lines seen on many pages of this site (boilerplate)."""
    url = None
    kept: list[str] = []
    furniture: list[str] = []
    for line in (tidy_line(raw) for raw in text.splitlines()):
        if not line:
            continue
        if (m := _URL_LINE.match(line)) and url is None:
            url = m.group(1)
            continue
        if is_boilerplate(line) or line_key(line) in repeated:
            furniture.append(line)
            continue
        kept.append(line)
    if not kept:
        yield Rejected(origin, "empty page (nothing left after removing boilerplate)")
        return
    title, rest = kept[0], kept[1:]
    paragraphs, captions = split_captions(rest)
    body = "\n\n".join(paragraphs)
    if len(body) < MIN_BODY_CHARS:
        yield Rejected(origin, f"not an article (body under {MIN_BODY_CHARS} characters)")
        return
    if prose_share(rest) < MIN_PROSE_SHARE:
        yield Rejected(origin, "not an article (mostly short lines, not sentences: "
                               "a list, a table or notes)")
        return
    page = Page(title=title, body=body, origin=origin, url=url, captions=captions, furniture=furniture)
    yield article_from_page(page, now=now)


def split_captions(lines: list[str]) -> tuple[list[str], list[Caption]]:
    """Take photo captions out of the text.

    A caption ends with an agency credit; it starts after the last line that
    ends a sentence, because crawlers often break one caption over two lines.
    """
    paragraphs: list[str] = []
    captions: list[Caption] = []
    pending: list[str] = []  # lines not ending a sentence, maybe a caption's start
    for line in lines:
        caption = parse_caption(line)
        if caption is not None:
            whole = " ".join([*pending, line])
            captions.append(parse_caption(whole) or caption)
            pending = []
            continue
        if _SENTENCE_END.search(line):
            paragraphs.append(" ".join([*pending, line]))
            pending = []
        else:
            pending.append(line)
    if pending:
        paragraphs.append(" ".join(pending))
    return paragraphs, captions


def prose_share(lines: list[str]) -> float:
    """The share of the text (in characters) in lines of PROSE_LINE_WORDS words or more."""
    total = sum(len(line) for line in lines)
    prose = sum(len(line) for line in lines if len(line.split()) >= PROSE_LINE_WORDS)
    return prose / total if total else 0.0
