"""Raw text pages as a crawler saves them: a title line, the article, and site
furniture around it (skip links, subscription pitches, photo captions)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from dateline.corpus.article import Article, Rejected
from dateline.corpus.clean import Caption, is_boilerplate, line_key, parse_caption, tidy_line
from dateline.corpus.extract import MIN_BODY_CHARS, Page, article_from_page, byline, date_line, stated_date
from dateline.corpus.extract_sources import publisher
from dateline.corpus.not_article import error_page, is_paywall_line, paywall_stub

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
    pitch: list[str] = []  # a subscription pitch ("Already a subscriber? Log in")
    for line in (tidy_line(raw) for raw in text.splitlines()):
        if not line:
            continue
        if (m := _URL_LINE.match(line)) and url is None:
            url = m.group(1)
            continue
        if is_boilerplate(line) or line_key(line) in repeated or date_line(line) or byline(line):
            furniture.append(line)
            continue
        if is_paywall_line(line):
            pitch.append(line)
            continue
        kept.append(line)
    if not kept:
        yield Rejected(origin, "not an article: a paywall stub" if pitch
                       else "empty page (nothing left after removing boilerplate)")
        return
    site = publisher(furniture=furniture)  # named by the copyright line, if there is one
    masthead, kept = split_masthead(kept, site)
    furniture += masthead
    title, rest = kept[0], kept[1:]
    title = _without_site_suffix(title, site)
    if reason := error_page(title, rest):
        yield Rejected(origin, reason)
        return
    if paywall_stub(pitch, rest, MIN_BODY_CHARS):
        yield Rejected(origin, "not an article: a paywall stub")
        return
    paragraphs, captions = split_captions(rest)
    body = "\n\n".join(paragraphs)
    if len(body) < MIN_BODY_CHARS:
        yield Rejected(origin, f"not an article (body under {MIN_BODY_CHARS} characters)")
        return
    if prose_share(rest) < MIN_PROSE_SHARE:
        yield Rejected(origin, "not an article (mostly short lines, not sentences: "
                               "a list, a table or notes)")
        return
    sitename = _site_part(masthead[0]) if masthead and not site else None
    page = Page(title=title, body=body, origin=origin, url=url, captions=captions,
                furniture=furniture + pitch, sitename=sitename, stated_date=stated_date(furniture),
                author=next(filter(None, map(byline, furniture)), None))
    yield article_from_page(page, now=now)


def split_masthead(lines: list[str], site: str | None) -> tuple[list[str], list[str]]:
    """(masthead lines, the rest) of a page's lines: the site's name and tagline
    or menu above the headline ("Harbour Times | Your town, every day"), which a
    page alone in its folder still carries (repetition removes it otherwise)."""
    start = 0
    while start < min(len(lines) - 1, MAX_MASTHEAD_LINES) and is_masthead(lines[start], lines[start + 1:], site):
        start += 1
    return lines[:start], lines[start:]


MAX_MASTHEAD_LINES = 3
_SEPARATOR = re.compile(r"\s+[|•·–—-]\s+|\s*\|\s*")
_NAME = re.compile(r"^(?:[A-Z0-9][\w&'’.-]*|&|of|the|and|on|de|la)(?: (?:[A-Z0-9][\w&'’.-]*|&|of|the|and|on|de|la)){0,4}$")


def is_masthead(line: str, following: list[str], site: str | None) -> bool:
    """A line above the headline that is the site's, not the story's: the
    publisher's name (as its copyright line gives it), alone or with a tagline;
    or, above a line that is itself a headline (not the story's first
    sentence), a menu ("Home | World | Business") or a name and a tagline
    ("Harbour Times - Your town, every day")."""
    parts = [p.strip() for p in _SEPARATOR.split(line) if p.strip()]
    if site and parts and line_key(parts[0]) == line_key(site):
        return True
    if not looks_like_headline(following[0], following[1] if len(following) > 1 else None):
        return False
    if len(parts) >= 3 and all(len(p.split()) <= 3 for p in parts):
        return True  # a menu
    return len(parts) == 2 and bool(_NAME.match(parts[0])) and len(parts[1].split()) <= 8


_DATELINE_START = re.compile(r"^[A-Z][A-Z .'’-]+(?:,|\s+\()")  # "NAIROBI, March 12" / "NAIROBI (AP)"


def looks_like_headline(line: str, after: str | None) -> bool:
    """Short, and not a sentence (a headline does not end with a full stop), nor
    the first line of a paragraph wrapped at 60 to 80 columns (the next line
    would go on in lower case), nor a dateline or a photo caption."""
    return (2 <= len(line.split()) <= 20 and not line.endswith((".", ",", ";", ":"))
            and not (after and after[0].islower()) and not _DATELINE_START.match(line)
            and parse_caption(line) is None)


def _site_part(masthead: str) -> str | None:
    name = _SEPARATOR.split(masthead)[0].strip()
    return name if _NAME.match(name) else None


def _without_site_suffix(title: str, site: str | None) -> str:
    """"Port fees rise | Harbour Times" -> "Port fees rise" (the publisher's name after the headline)."""
    parts = _SEPARATOR.split(title)
    if site and len(parts) >= 2 and line_key(parts[-1]) == line_key(site):
        return title[:title.rfind(parts[-1])].rstrip(" |•·–—-") or title
    return title


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
