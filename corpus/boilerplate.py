"""Boilerplate by repetition: a line on many pages of one site is furniture.

Before a folder of pages is read, one quick pass counts, for every line, on
how many of the folder's pages it appears (once per page, as a `line_key`).
A line on at least MIN_SHARE of the pages, in a folder of at least MIN_PAGES,
is boilerplate however it is worded ("Read the Harbour Times on any
device, anywhere") - unless the pages holding it are copies of one story.
Memory is one counter per folder, of short lines only, and is dropped when
the next folder starts.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path

from dateline.corpus.clean import line_key
from dateline.corpus.readers.limits import MAX_HTML_PAGE_BYTES, MAX_TEXT_PAGE_BYTES

PAGE_SUFFIXES = (".txt", ".html", ".htm", ".xhtml")
MIN_PAGES = 4
MIN_SHARE = 0.5
MAX_LINE_CHARS = 300  # a whole paragraph repeated across pages is content, not furniture
# Furniture is a small part of a page's prose; a page whose prose is mostly
# repeated is a copy of a story other pages of the folder also hold.
PROSE_WORDS = 8
MAX_REPEATED_PROSE = 0.5

_BLOCK_TAG = re.compile(
    r"<(?:/?(?:p|div|li|ul|ol|h[1-6]|br|tr|td|th|section|article|header|footer|nav|aside|"
    r"figure|figcaption|blockquote|title|span|a)\b)[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SCRIPT = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def page_lines(path: Path) -> set[str]:
    """The distinct line keys of one page (text, or HTML cut at block tags)."""
    try:
        limit = MAX_TEXT_PAGE_BYTES if path.suffix.lower() == ".txt" else MAX_HTML_PAGE_BYTES
        if not path.is_file() or path.stat().st_size > limit:  # a larger page is rejected, not read
            return set()  # a named pipe in the folder would never finish reading
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    if path.suffix.lower() != ".txt":
        text = html.unescape(_TAG.sub(" ", _BLOCK_TAG.sub("\n", _SCRIPT.sub(" ", text))))
    return {line_key(line) for line in text.splitlines() if 0 < len(line.strip()) <= MAX_LINE_CHARS}


def repeated_lines(paths: list[Path]) -> frozenset[str]:
    """Line keys found on at least MIN_SHARE of these pages (one folder of one site).

    Pages whose prose is mostly such lines are copies of one story (a wire
    story several sites republished, saved side by side), not pages sharing
    furniture: lines are counted again without them, so repetition never
    takes the story itself away (the copies are grouped as near-duplicates
    when they are stored)."""
    pages = [p for p in paths if p.suffix.lower() in PAGE_SUFFIXES]
    if len(pages) < MIN_PAGES:
        return frozenset()
    counts: Counter = Counter()
    prose: list[list[tuple[int, int]]] = []  # per page, (hash, length) of its prose lines
    for page in pages:
        keys = page_lines(page)
        counts.update(keys)
        prose.append([(hash(key), len(key)) for key in keys if len(key.split()) >= PROSE_WORDS])
    found = _on_most(counts, len(pages))
    hashes = {hash(key) for key in found}
    copies = [page for page, lines in zip(pages, prose) if _share_in(lines, hashes) > MAX_REPEATED_PROSE]
    if not copies:
        return found
    if len(pages) - len(copies) < MIN_PAGES:
        return frozenset()
    for page in copies:  # read again: holding every page's lines would cost more
        counts.subtract(page_lines(page))
    return _on_most(counts, len(pages) - len(copies))


def _on_most(counts: Counter, pages: int) -> frozenset[str]:
    needed = max(MIN_PAGES - 1, MIN_SHARE * pages)
    return frozenset(key for key, n in counts.items() if n >= needed and key)


def _share_in(lines: list[tuple[int, int]], hashes: set[int]) -> float:
    """The share of a page's prose (in characters) whose lines are among `hashes`."""
    total = sum(length for _, length in lines)
    return sum(length for h, length in lines if h in hashes) / total if total else 0.0
