"""Bytes to text: UTF-8 when it is, otherwise by detection; never a crash."""

from __future__ import annotations

from charset_normalizer import from_bytes


def decode_bytes(data: bytes) -> str | None:
    """Decoded text, or None when the bytes are not text at all."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if data.count(b"\x00") > len(data) // 100:
        return None
    best = from_bytes(data[:1_000_000]).best()
    if best is None:
        return None
    return data.decode(best.encoding, errors="replace")
