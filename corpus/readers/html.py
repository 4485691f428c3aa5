"""HTML pages (`.html`, `.htm`, and pages inside WARC files), via trafilatura.

trafilatura finds the main text and the page's metadata (title, author, site
name, canonical URL, categories and tags); htmldate reads the publication
date from the markup only, so a date guessed from the text is never recorded
as page metadata (the text is searched later, and says so).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import datetime

import lxml.etree

from dateline.corpus.article import Article, Rejected
from dateline.corpus.clean import is_boilerplate, line_key, parse_caption, tidy_line
from dateline.corpus.extract import MIN_BODY_CHARS, Page, article_from_page, date_line, stated_date
from dateline.corpus.extract_sources import split_tags
from dateline.corpus.furniture import is_site_line, related_links
from dateline.corpus.not_article import (
    error_page,
    is_paywall_line,
    link_page,
    paywall_stub,
    summary_page,
    teaser_key,
)

# trafilatura and htmldate log every page they find hard; rejects say it once.
for name in ("trafilatura", "htmldate"):
    logging.getLogger(name).setLevel(logging.CRITICAL)


def _libraries():
    """trafilatura and htmldate, imported on the first HTML page: together they
    take about half a second to import, which every other command (search,
    an update with nothing new) need not pay."""
    import htmldate
    import trafilatura

    return trafilatura, htmldate


# A page starts as one: <!DOCTYPE html>, <html> or <head>, perhaps after an
# XML declaration and comments ("<!-- saved from url=… -->"). A tag further in
# ("<BODY>" in a README describing SGML) does not make a file a page.
_HTML_START = re.compile(
    rb"(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head)\b",
    re.IGNORECASE | re.DOTALL,
)


def looks_like_html(head: bytes) -> bool:
    """Whether the start of a file (leading whitespace stripped) is an HTML page."""
    return _HTML_START.match(head[:4096]) is not None


def read_html(
    text: str,
    origin: str,
    *,
    now: datetime,
    url: str | None = None,
    crawl_date: datetime | None = None,
    repeated: frozenset[str] = frozenset(),
) -> Iterator[Article | Rejected]:
    yield page_from_html(text, origin, now=now, url=url, crawl_date=crawl_date, repeated=repeated)


def page_from_html(text, origin, *, now, url=None, crawl_date=None, repeated=frozenset()):
    trafilatura, _ = _libraries()
    try:
        # trafilatura's loader first repairs what libxml2 misreads (a doctype
        # line after which it found no main text on some pages) and parses the
        # text as decoded: lxml does not read it again as the page's meta
        # charset, or Latin-1 without one, would have it.
        tree = trafilatura.load_html(text.encode("utf-8", "replace").decode("utf-8"))
    except (lxml.etree.ParserError, ValueError):
        tree = None
    if tree is None:
        return Rejected(origin, "not an HTML page (cannot be parsed)")
    try:
        doc = trafilatura.bare_extraction(
            tree, url=url, with_metadata=True, include_comments=False, include_tables=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # noqa: BLE001 - a library failure on one page must not stop an ingest
        return Rejected(origin, f"HTML extraction failed ({type(exc).__name__})")
    if doc is None or not (doc.text or "").strip():
        reason = error_page(tidy_line(tree.findtext(".//title") or ""), [])
        return Rejected(origin, reason or "not an article (no main text found in the page)")
    title = tidy_line(doc.title or "")
    links = _link_texts(tree)
    paragraphs, captions, furniture, pitch = _split_text(doc.text, title, repeated, links)
    if lead := _standfirst(tree, tidy_line(doc.description or ""), title, paragraphs):
        paragraphs.insert(0, lead)
    if reason := error_page(title, paragraphs):
        return Rejected(origin, reason)
    if paywall_stub(pitch, paragraphs, MIN_BODY_CHARS):
        return Rejected(origin, "not an article: a paywall stub")
    if link_page(paragraphs, links):
        return Rejected(origin, "not an article: a page of links")
    if summary_page(paragraphs, *_teasers(tree)):
        return Rejected(origin, "not an article: a page of story summaries")
    boxed = related_links(paragraphs, links)  # judged a page of links first, with them
    furniture += [p for n, p in enumerate(paragraphs) if n in boxed]
    paragraphs = [p for n, p in enumerate(paragraphs) if n not in boxed]
    body = "\n\n".join(paragraphs)
    if len(body) < MIN_BODY_CHARS:
        return Rejected(origin, f"not an article (body under {MIN_BODY_CHARS} characters)")
    page = Page(
        title=title or paragraphs[0][:200],
        body=body,
        origin=origin,
        url=doc.url or url,
        captions=captions,
        furniture=furniture + pitch + _footer_lines(tree),
        sitename=doc.sitename,
        tags=split_tags([*(doc.categories or []), *(doc.tags or [])]),
        metadata_date=_markup_date(tree, now),
        stated_date=stated_date(furniture),
        author=tidy_line(doc.author or "") or None,
        crawl_date=crawl_date,
    )
    return article_from_page(page, now=now)


def _split_text(text: str, title: str, repeated: frozenset[str], links: set[str]):
    """(paragraphs, captions, furniture, subscription pitch) of the main text."""
    paragraphs, captions, furniture, pitch = [], [], [], []
    for line in (tidy_line(raw) for raw in text.splitlines()):
        if not line or (line == title and not paragraphs):
            continue  # the headline is repeated at the top of the text
        if is_boilerplate(line) or line_key(line) in repeated or date_line(line):
            furniture.append(line)
        elif is_paywall_line(line):
            pitch.append(line)
        elif (caption := parse_caption(line)) is not None:
            captions.append(caption)
        elif is_site_line(line, links):
            furniture.append(line)
        else:
            paragraphs.append(line)
    return paragraphs, captions, furniture, pitch


MIN_LEAD_WORDS = 10  # a standfirst is a sentence or two; a shorter description is a tagline
_LEAD_TAGS = ("p", "div", "h2", "h3", "span", "strong", "em", "b", "section", "header")


def _standfirst(tree, description: str, title: str, paragraphs: list[str]) -> str | None:
    """The story's lead when trafilatura left it out: the page's description
    (its meta description, og:description), when the page also shows it as a
    block of its own, outside links, lists and menus, and the text lacks it.
    News pages set their standfirst apart from the story's paragraphs
    (`<p class="lead">`, `<div class="teaser-text">`), and the main block
    trafilatura keeps often starts after it. A description cut short ("…")
    is the start of the block, which is taken whole (up to twice as long)."""
    key = line_key(description)
    start = key.rstrip(".… ")
    if len(key.split()) < MIN_LEAD_WORDS or key == line_key(title):
        return None
    shown = [text for element in tree.iter(_LEAD_TAGS)
             if (text := _text_starting(element, start)) is not None and not any(
                 a.tag in ("a", "li", "nav", "footer") for a in element.iterancestors())]
    if not shown:
        return None
    lead = min(shown, key=len)  # the innermost block
    return None if line_key(lead) in line_key(" ".join(paragraphs)) else lead


def _text_starting(element, start: str) -> str | None:
    """An element's text when, as a `line_key`, it starts with `start` and is at
    most twice as long (read only as far as needed)."""
    parts, length = [], 0
    for text in element.itertext():
        parts.append(text)
        length += len(text)
        if length > 2 * len(start) + 200:
            return None
    text = tidy_line(" ".join("".join(parts).split()))
    key = line_key(text)
    return text if key.startswith(start) and len(key) <= 2 * len(start) else None


def _link_texts(tree) -> set[str]:
    """The text of every link on the page, as compared with lines."""
    return {key for a in tree.iter("a") if (key := line_key(a.text_content()))}


MAX_TEASER_CHARS = 600  # a summary is a paragraph or two; a longer run is a story's section


def _teasers(tree) -> tuple[int, set[str]]:
    """(how many headlines are links with a short summary below them, the
    `teaser_key`s of those summaries' paragraphs)."""
    headlines, teasers = 0, set()
    for heading in tree.xpath("//h2[.//a]|//h3[.//a]|//h4[.//a]"):
        text = line_key(heading.text_content())
        if not text or line_key(" ".join(a.text_content() for a in heading.iter("a"))) != text:
            continue  # a heading with a link inside it is not a link
        below = []
        for sibling in heading.itersiblings():
            if not isinstance(sibling.tag, str):
                continue  # a comment
            if sibling.tag in ("h1", "h2", "h3", "h4") or sibling.xpath(".//h1|.//h2|.//h3|.//h4"):
                break
            paragraphs = [sibling] if sibling.tag == "p" else sibling.iter("p")
            below += [t for p in paragraphs if (t := p.text_content().strip())]
        if below and sum(len(t) for t in below) <= MAX_TEASER_CHARS:
            headlines += 1
            teasers.update(teaser_key(t) for t in below)
    return headlines, teasers


def _footer_lines(tree) -> list[str]:
    """Copyright lines, which trafilatura drops but which name the publisher."""
    lines = []
    for node in tree.xpath("//footer|//*[contains(@class,'copyright')]")[:5]:
        lines += [tidy_line(t) for t in node.text_content().splitlines() if t.strip()]
    return lines[:40]


def _markup_date(tree, now: datetime) -> str | None:
    _, htmldate = _libraries()
    try:
        return htmldate.find_date(
            tree, extensive_search=False, original_date=True,
            outputformat="%Y-%m-%dT%H:%M:%S%z", max_date=now.strftime("%Y-%m-%d"),
        )
    except Exception:  # noqa: BLE001 - a bad date in markup leaves the page undated, no crash
        return None
