"""Reading an input file as a bounded stream: gzip is decompressed as it is
read, never all at once, so a small file that unpacks to gigabytes costs only
what the format's limit allows."""

from __future__ import annotations

import gzip
import struct
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

CHUNK_BYTES = 1024 * 1024


def is_gzip_name(name: str) -> bool:
    return name.lower().endswith(".gz")


def open_input(path: Path) -> BinaryIO:
    """The file's bytes as a stream, decompressed when it is named `.gz`."""
    if is_gzip_name(path.name):
        return gzip.open(path, "rb")
    return open(path, "rb")


def content_size(path: Path, size: int) -> int:
    """The size of a file's content: for gzip, the size its trailer records
    (modulo 4 GB, and of the last member only: an estimate, used to decide
    where a file is read, never to trust its length)."""
    if not is_gzip_name(path.name) or size < 18:
        return size
    try:
        with open(path, "rb") as handle:
            handle.seek(-4, 2)
            return max(size, struct.unpack("<I", handle.read(4))[0])
    except OSError:
        return size


def read_at_most(stream: BinaryIO, limit: int) -> bytes:
    """Up to limit + 1 bytes: more than `limit` means the input is over it."""
    parts = []
    left = limit + 1
    while left > 0:
        part = stream.read(min(left, CHUNK_BYTES))
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def bounded_lines(stream: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line ending at b"\\n"; None for a line over
    `limit` bytes, which is skipped without being held in memory."""
    number = 0
    while line := stream.readline(limit + 1):
        number += 1
        if len(line) > limit and not (len(line) == limit + 1 and line.endswith(b"\n")):
            while line and not line.endswith(b"\n"):
                line = stream.readline(CHUNK_BYTES)
            yield number, None
            continue
        yield number, line


def decoded_chunks(stream: BinaryIO, decode: Callable[[bytes], str]) -> Iterator[str]:
    """The stream as text, CHUNK_BYTES at a time (for single-byte encodings)."""
    while chunk := stream.read(CHUNK_BYTES):
        yield decode(chunk)
