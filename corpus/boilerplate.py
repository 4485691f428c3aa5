"""Boilerplate by repetition: a line on many pages of one site is furniture.

Before a folder of pages is read, one quick pass counts, for every line, on
how many of the folder's pages it appears (once per page, as a `line_key`).
A line on at least MIN_SHARE of the pages, in a folder of at least MIN_PAGES,
is boilerplate however it is worded ("Read the Harbour Times on any
device, anywhere"). Memory is one counter per folder, of short lines
only, and is dropped when the next folder starts.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path

from corpus.clean import line_key
from corpus.readers.limits import MAX_HTML_PAGE_BYTES

PAGE_SUFFIXES = (".txt", ".html", ".htm", ".xhtml")
MIN_PAGES = 4
MIN_SHARE = 0.5
MAX_LINE_CHARS = 300  # a whole paragraph repeated across pages is content, not furniture
MAX_PAGE_BYTES = MAX_HTML_PAGE_BYTES  # a larger file is rejected, not read

_BLOCK_TAG = re.compile(
    r"<(?:/?(?:p|div|li|ul|ol|h[1-6]|br|tr|td|th|section|article|header|footer|nav|aside|"
    r"figure|figcaption|blockquote|title|span|a)\b)[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SCRIPT = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def page_lines(path: Path) -> set[str]:
    """The distinct line keys of one page (text, or HTML cut at block tags)."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_PAGE_BYTES:
            return set()  # a named pipe in the folder would never finish reading
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    if path.suffix.lower() != ".txt":
        text = html.unescape(_TAG.sub(" ", _BLOCK_TAG.sub("\n", _SCRIPT.sub(" ", text))))
    return {line_key(line) for line in text.splitlines() if 0 < len(line.strip()) <= MAX_LINE_CHARS}


def repeated_lines(paths: list[Path]) -> frozenset[str]:
    """Line keys found on at least MIN_SHARE of these pages (one folder of one site)."""
    pages = [p for p in paths if p.suffix.lower() in PAGE_SUFFIXES]
    if len(pages) < MIN_PAGES:
        return frozenset()
    counts: Counter = Counter()
    for page in pages:
        counts.update(page_lines(page))
    needed = max(MIN_PAGES - 1, MIN_SHARE * len(pages))
    return frozenset(key for key, n in counts.items() if n >= needed and key)
