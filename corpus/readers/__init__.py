"""One reader per input format, chosen by content as well as by extension.

`read_path` turns one file into Articles and Rejected records; it never raises
for bad input, so one broken file cannot stop an ingest.
"""

from __future__ import annotations

import gzip
import json
import stat
import zlib
from collections.abc import Callable, Iterator
from dataclasses import astuple
from datetime import datetime
from pathlib import Path

from dateline.corpus.article import Article, Dropped, Rejected, Skipped
from dateline.corpus.readers.decode import (decode_bytes, decode_html, line_decoder, not_unicode, path_text,
                                            with_replaced_bytes)
from dateline.corpus.readers.html import looks_like_html, read_html
from dateline.corpus.readers.jsonl import read_jsonl, read_jsonl_lines
from dateline.corpus.readers.limits import (MAX_CONTAINER_BYTES, MAX_HTML_PAGE_BYTES, MAX_JSONL_RECORD_BYTES,
                                   MAX_TEXT_PAGE_BYTES, human_size)
from dateline.corpus.readers.rawtext import read_rawtext
from dateline.corpus.readers.reuters import looks_like_reuters, read_reuters, read_reuters_chunks
from dateline.corpus.readers.stream import bounded_lines, decoded_chunks, is_gzip_name, open_input, read_at_most
from dateline.corpus.readers.warc import looks_like_warc, read_warc

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")

TextReader = Callable[..., Iterator[Article | Rejected | Dropped]]

# Extension (after any .gz) -> reader of decoded text.
TEXT_READERS: dict[str, TextReader] = {
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".txt": read_rawtext,
    ".sgm": read_reuters,
    ".sgml": read_reuters,
    ".html": read_html,
    ".htm": read_html,
    ".xhtml": read_html,
}
# Files a crawl folder holds beside the pages that are never pages themselves:
# documentation, code, tables, media. Reported as "not a crawl format", not
# sniffed (a README that mentions <BODY> is not an HTML page). Any other
# extension (.php, .asp, ".html?id=3" as wget saves them) is judged by content.
NOT_CRAWL_SUFFIXES = frozenset(
    ".md .markdown .rst .adoc .tex .rtf .pdf .doc .docx .odt .xls .xlsx .ods .ppt .pptx "
    ".dtd .xsd .xsl .xslt .css .js .mjs .ts .py .pyc .sh .bat .c .h .cpp .java .rb .pl .go .rs "
    ".csv .tsv .yaml .yml .toml .ini .cfg .conf .log .lock .sqlite .db "
    ".zip .tar .tgz .bz2 .xz .7z .rar .png .jpg .jpeg .gif .svg .webp .ico .bmp .tif .tiff "
    ".mp3 .mp4 .wav .ogg .webm .mov .avi .woff .woff2 .ttf .otf .eot .exe .dll .so .dylib".split()
)

# Readers of one page, which take the repeated lines of the page's site
# (boilerplate by repetition), with their size limits. JSON lines and SGML
# are containers, read as a stream record by record.
PAGE_LIMITS = {read_rawtext: (MAX_TEXT_PAGE_BYTES, "a text page"),
               read_html: (MAX_HTML_PAGE_BYTES, "an HTML page")}
SNIFF_BYTES = 4096
DECODE_SAMPLE_BYTES = 1024 * 1024  # what the encoding of a JSON-lines file is judged on


def reader_for(name: str, head: bytes) -> TextReader | None:
    """Choose a reader from the extension, falling back to a look at the content.

    A `.txt` file is looked at first: crawls and downloads save anything as
    text (a Reuters .sgm, a JSON-lines export, an HTML page), and read as a
    page it would be one article of markup."""
    suffix = Path(name).suffix.lower()
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if suffix in SNIFFED_SUFFIXES:
        return _sniff(head, stripped, strict=True) or TEXT_READERS[suffix]
    if suffix in TEXT_READERS:
        return TEXT_READERS[suffix]
    if found := _sniff(head, stripped, strict=False):
        return found
    if suffix in ("", ".text") and b"\x00" not in head:
        return read_rawtext
    return None


# Extensions whose files are looked at before the extension is believed.
SNIFFED_SUFFIXES = (".txt",)


def _sniff(head: bytes, stripped: bytes, *, strict: bool) -> TextReader | None:
    """The reader the content calls for. `strict`: a JSON line must parse (a
    text page may begin with a brace), where an unknown extension needs only `{`."""
    if looks_like_reuters(head):
        return read_reuters
    if looks_like_html(stripped):
        return read_html
    if stripped.startswith(b"{") and (not strict or _first_line_is_json_object(stripped, len(head))):
        return read_jsonl
    return None


def _first_line_is_json_object(stripped: bytes, head_size: int) -> bool:
    first, newline, _ = stripped.partition(b"\n")
    if not newline and head_size >= SNIFF_BYTES:
        return first.startswith(b'{"')  # a first line longer than the head: its start must do
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:  # UnicodeDecodeError is one
        return False


def _file_kind(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return kind
    return "a special file"


def is_warc(path: Path) -> bool:
    if path.name.lower().endswith(WARC_SUFFIXES):
        return True
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError:
        return False
    if head.startswith(b"\x1f\x8b"):  # a gzipped WARC is a series of gzip members
        try:
            with gzip.open(path, "rb") as handle:
                head = handle.read(8)
        except (OSError, EOFError, zlib.error):
            return False
    return looks_like_warc(head)


def read_path(
    path: Path, *, now: datetime, repeated: frozenset[str] = frozenset(), origin: str | None = None
) -> Iterator[Article | Rejected | Skipped | Dropped]:
    """One file's articles and rejects. `repeated`: boilerplate lines of its site;
    `origin`: the name its records give (default: the path), for a copy of an
    input read under another name (a cluster worker's).

    Never raises for what a file holds: an article with text that is not
    Unicode is rejected, and a failure no reader foresaw rejects the rest of
    its file (what came before is kept), so one file or record never stops
    an ingest."""
    # A name with bytes that are not UTF-8 is still logged.
    origin = path_text(path) if origin is None else origin
    items = 0
    try:
        for item in _read_path(path, origin, now=now, repeated=repeated):
            if isinstance(item, Article) and (why := not_unicode(item)):
                item = Rejected(item.origin, why)
            items += 1
            yield item
    except Exception as exc:  # noqa: BLE001 -- the last line of defence, reported with its reason
        detail = str(exc).encode("utf-8", "backslashreplace").decode("utf-8")[:200]
        yield Rejected(origin, f"unexpected failure reading the file after {items} records "
                               f"({type(exc).__name__}: {detail})")


def _read_path(path: Path, origin: str, *, now: datetime,
               repeated: frozenset[str]) -> Iterator[Article | Rejected | Skipped | Dropped]:
    suffix = Path(path.name.lower().removesuffix(".gz")).suffix
    if suffix in NOT_CRAWL_SUFFIXES:
        yield Rejected(origin, f"not a crawl format ({suffix} file)")
        return
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # reading a named pipe would wait forever
            yield Rejected(origin, f"not a regular file ({_file_kind(info.st_mode)})")
            return
        if is_warc(path):
            if info.st_size > MAX_CONTAINER_BYTES:
                yield Rejected(origin, f"file too large ({human_size(info.st_size)}, "
                                       f"limit {human_size(MAX_CONTAINER_BYTES)} for a WARC file)")
                return
            yield from read_warc(path, now=now, origin=origin)
            return
        stream = open_input(path)
    except OSError as exc:
        yield Rejected(origin, f"cannot read file ({exc.strerror or exc})")
        return
    gzipped = is_gzip_name(path.name)
    try:
        with stream:
            yield from _read_stream(stream, origin, path.name.removesuffix(".gz") if gzipped else path.name,
                                    size=None if gzipped else info.st_size, now=now, repeated=repeated)
    except (OSError, EOFError, zlib.error) as exc:
        if gzipped and not isinstance(exc, FileNotFoundError):
            yield Rejected(origin, f"broken gzip ({exc})")
        else:
            yield Rejected(origin, f"cannot read file ({getattr(exc, 'strerror', None) or exc})")


def stream_sample(stream) -> bytes:
    """The file's first DECODE_SAMPLE_BYTES, or what a damaged gzip gives
    before the damage (a read across it would lose all it read), so the
    records before the damage are still read."""
    parts, size = [], 0
    try:
        while size < DECODE_SAMPLE_BYTES and (part := stream.read1(DECODE_SAMPLE_BYTES - size)):
            parts.append(part)
            size += len(part)
    except (OSError, EOFError, zlib.error):
        pass  # reported when the lines are read up to the damage
    return b"".join(parts)


def _read_stream(stream, origin: str, name: str, *, size: int | None, now: datetime,
                 repeated: frozenset[str]) -> Iterator[Article | Rejected | Dropped]:
    """`size`: the file's size, None when it is decompressed as it is read."""
    head = stream.read(SNIFF_BYTES)
    if not head.strip() and len(head) < SNIFF_BYTES:
        yield Rejected(origin, "empty file")
        return
    reader = reader_for(name, head)
    if reader is None:
        yield Rejected(origin, f"unsupported file type ({Path(name).suffix or 'no extension'})")
        return
    stream.seek(0)
    if reader is read_jsonl:
        decode = line_decoder(stream_sample(stream))
        stream.seek(0)
        lines = ((n, None, 0) if line is None else (n, "", 0) if not line.strip() else (n, *astuple(decode(line)))
                 for n, line in bounded_lines(stream, MAX_JSONL_RECORD_BYTES))
        yield from read_jsonl_lines(lines, origin, now=now)
        return
    if reader is read_reuters:  # Reuters-21578 is Latin-1: one byte is one character
        yield from read_reuters_chunks(decoded_chunks(stream, lambda b: b.decode("latin-1")), origin, now=now)
        return
    limit, kind = PAGE_LIMITS[reader]
    if size is not None and size > limit:
        yield Rejected(origin, f"file too large ({human_size(size)}, limit {human_size(limit)} for {kind})")
        return
    data = read_at_most(stream, limit)
    if len(data) > limit:
        yield Rejected(origin, f"over the size limit after decompression (more than "
                               f"{human_size(limit)}, the limit for {kind})")
        return
    if not data.strip():
        yield Rejected(origin, "empty file")
        return
    decoded = decode_html(data) if reader is read_html else decode_bytes(data)
    if decoded is None:
        yield Rejected(origin, "binary file (not text in any encoding)")
        return
    yield from with_replaced_bytes(reader(decoded.text, origin, now=now, repeated=repeated),
                                   origin, decoded.replaced)
