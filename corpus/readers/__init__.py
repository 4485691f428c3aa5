"""One reader per input format, chosen by content as well as by extension.

`read_path` turns one file into Articles and Rejected records; it never raises
for bad input, so one broken file cannot stop an ingest.
"""

from __future__ import annotations

import gzip
import stat
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from corpus.article import Article, Rejected, Skipped
from corpus.readers.decode import decode_bytes, decode_html
from corpus.readers.html import looks_like_html, read_html
from corpus.readers.jsonl import read_jsonl
from corpus.readers.rawtext import read_rawtext
from corpus.readers.reuters import looks_like_reuters, read_reuters
from corpus.readers.warc import looks_like_warc, read_warc

MAX_FILE_BYTES = 256 * 1024 * 1024
# WARC files are streamed record by record, so they may be much larger.
MAX_WARC_BYTES = 64 * 1024 * 1024 * 1024
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")

TextReader = Callable[..., Iterator[Article | Rejected]]

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

# Readers that take the repeated lines of the page's site (boilerplate by repetition).
PAGE_READERS = (read_rawtext, read_html)

# Readers whose format fixes the encoding (Reuters-21578 is Latin-1).
FIXED_ENCODINGS = {read_reuters: "latin-1"}


def reader_for(name: str, head: bytes) -> TextReader | None:
    """Choose a reader from the extension, falling back to a look at the content."""
    suffix = Path(name).suffix.lower()
    if suffix in TEXT_READERS:
        return TEXT_READERS[suffix]
    stripped = head.lstrip()
    if looks_like_reuters(head):
        return read_reuters
    if looks_like_html(stripped):
        return read_html
    if stripped.startswith(b"{"):
        return read_jsonl
    if suffix in ("", ".text") and b"\x00" not in head:
        return read_rawtext
    return None


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
    path: Path, *, now: datetime, repeated: frozenset[str] = frozenset()
) -> Iterator[Article | Rejected | Skipped]:
    """One file's articles and rejects. `repeated`: boilerplate lines of its site."""
    origin = str(path)
    suffix = Path(path.name.lower().removesuffix(".gz")).suffix
    if suffix in NOT_CRAWL_SUFFIXES:
        yield Rejected(origin, f"not a crawl format ({suffix} file)")
        return
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # reading a named pipe would wait forever
            yield Rejected(origin, f"not a regular file ({_file_kind(info.st_mode)})")
            return
        size = info.st_size
        warc = is_warc(path)
        limit = MAX_WARC_BYTES if warc else MAX_FILE_BYTES
        if size > limit:
            yield Rejected(origin, f"file too large ({size} bytes, limit {limit})")
            return
        if warc:
            yield from read_warc(path, now=now)
            return
        data = path.read_bytes()
    except OSError as exc:
        yield Rejected(origin, f"cannot read file ({exc.strerror or exc})")
        return
    name = path.name
    if name.lower().endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            yield Rejected(origin, f"broken gzip ({exc})")
            return
        name = name[:-3]
    if not data.strip():
        yield Rejected(origin, "empty file")
        return
    reader = reader_for(name, data[:4096])
    if reader is None:
        yield Rejected(origin, f"unsupported file type ({Path(name).suffix or 'no extension'})")
        return
    if reader in FIXED_ENCODINGS:
        text = data.decode(FIXED_ENCODINGS[reader])
    elif reader is read_html:
        text = decode_html(data)
    else:
        text = decode_bytes(data)
    if text is None:
        yield Rejected(origin, "binary file (not text in any encoding)")
        return
    if reader in PAGE_READERS:
        yield from reader(text, origin, now=now, repeated=repeated)
    else:
        yield from reader(text, origin, now=now)
