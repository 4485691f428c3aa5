"""How large an input may be, per format (bytes, after any gzip decompression).

A page is one article: no news story is a megabyte of text, and a page of
many human_size is a dump, a log or a decompression bomb, which would take
minutes and gigabytes to clean. Containers (WARC, JSON lines, Reuters SGML)
hold many articles and may be large, but they are read as a stream, record
by record, and each record is held to the limit of one page.
"""

from __future__ import annotations

MB = 1024 * 1024

MAX_TEXT_PAGE_BYTES = 1 * MB  # a page saved as text (about 150,000 words)
MAX_HTML_PAGE_BYTES = 5 * MB  # an HTML page, markup and inline scripts included; also one WARC record
MAX_JSONL_RECORD_BYTES = 2 * MB  # one JSON line (escapes such as \u00e9 make text longer)
MAX_SGML_RECORD_BYTES = 1 * MB  # one <REUTERS> element (the largest in Reuters-21578 is 14 KB)
MAX_CONTAINER_BYTES = 64 * 1024 * MB  # a whole WARC, JSON-lines or SGML file, streamed
# Blank lines in a row in a JSON-lines file: past this the rest of the file is
# not read (50 MB of newlines, gzipped to 51 KB, took 267 s line by line).
MAX_BLANK_LINES = 10_000
# Values of one list field (people, places, tags, authors) of one record: a
# story names dozens; more are kept up to this and the rest logged as dropped.
MAX_LIST_VALUES = 1_000


def human_size(size: int) -> str:
    """1572864 -> '1.5 MB'; 5242880 -> '5 MB'; 2048 -> '2 KB'; 100 -> '100 bytes'."""
    for unit, scale in (("MB", MB), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + " " + unit
    return f"{size} bytes"
