"""Bytes to text: UTF-8 when it is, otherwise by detection; never a crash.

HTML is decoded as a browser would: the charset of the HTTP header (a WARC
record's) when known, then the page's own `<meta charset>`, then detection.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable

from charset_normalizer import from_bytes

# <meta charset="x"> and <meta http-equiv="Content-Type" content="text/html; charset=x">
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([a-z0-9_:.+-]+)", re.IGNORECASE)
# As the HTML standard reads these labels: "latin-1" pages are really windows-1252.
_HTML_LABELS = {"iso-8859-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252"}
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))


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


def line_decoder(sample: bytes) -> Callable[[bytes], str]:
    """How to decode each line of a file read as a stream, from a sample of its
    start: as UTF-8 when the sample is, else in the encoding detected in it."""
    sample = sample.removeprefix(codecs.BOM_UTF8)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)  # a character may be cut
        encoding = "utf-8"
    except UnicodeDecodeError:
        best = from_bytes(sample[:1_000_000]).best()
        encoding = best.encoding if best is not None else "utf-8"

    def decode(line: bytes) -> str:
        return line.removeprefix(codecs.BOM_UTF8).decode(encoding, errors="replace")

    return decode


def decode_html(data: bytes, http_charset: str | None = None) -> str | None:
    """An HTML page's text: byte-order mark, else the HTTP header's charset, else
    the page's meta charset, else as `decode_bytes` (UTF-8, else detection).
    A declared charset that is unknown or does not fit the bytes is passed over."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    for declared in (http_charset, meta_charset(data)):
        if text := _decode_as(data, declared):
            return text
    return decode_bytes(data)


def meta_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 4 KB, as written (lower case)."""
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    label = m.group(1).decode("ascii").lower()
    # A meta tag readable as ASCII is not UTF-16, whatever it says (the HTML standard's rule).
    return "utf-8" if label.startswith("utf-16") else label


def charset_of(content_type: str) -> str | None:
    """`text/html; charset=UTF-8` -> "utf-8"; None without one."""
    charset = content_type.lower().partition("charset=")[2].split(";")[0].strip(" \"'")
    return charset or None


def _decode_as(data: bytes, label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    try:
        return data.decode(_HTML_LABELS.get(label, label))
    except (LookupError, UnicodeDecodeError):
        # windows-1252 leaves five bytes undefined; Latin-1 reads them all
        if _HTML_LABELS.get(label) == "cp1252":
            return data.decode("latin-1")
        return None
