"""One reader per input format, chosen by content as well as by extension.

`read_path` turns one file into Articles and Rejected records; it never raises
for bad input, so one broken file cannot stop an ingest.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from corpus.article import Article, Rejected
from corpus.readers.decode import decode_bytes
from corpus.readers.jsonl import read_jsonl
from corpus.readers.rawtext import read_rawtext
from corpus.readers.reuters import looks_like_reuters, read_reuters

MAX_FILE_BYTES = 256 * 1024 * 1024

TextReader = Callable[..., Iterator[Article | Rejected]]

# Extension (after any .gz) -> reader of decoded text.
TEXT_READERS: dict[str, TextReader] = {
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".txt": read_rawtext,
    ".sgm": read_reuters,
    ".sgml": read_reuters,
}

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
    if stripped.startswith(b"{"):
        return read_jsonl
    if suffix in ("", ".text") and b"\x00" not in head:
        return read_rawtext
    return None


def read_path(path: Path, *, now: datetime) -> Iterator[Article | Rejected]:
    origin = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            yield Rejected(origin, f"file too large ({size} bytes, limit {MAX_FILE_BYTES})")
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
    else:
        text = decode_bytes(data)
    if text is None:
        yield Rejected(origin, "binary file (not text in any encoding)")
        return
    yield from reader(text, origin, now=now)
