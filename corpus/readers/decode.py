"""Bytes to text: UTF-8 when it is (a few bad bytes replaced, and counted),
otherwise by detection; never a crash.

HTML is decoded as a browser would: the charset of the HTTP header (a WARC
record's) when known, then the page's own `<meta charset>`, then detection.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from charset_normalizer import from_bytes

from dateline.corpus.article import Article, Dropped, path_text  # noqa: F401 -- path_text: for readers

# <meta charset="x"> and <meta http-equiv="Content-Type" content="text/html; charset=x">
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([a-z0-9_:.+-]+)", re.IGNORECASE)
# As the HTML standard reads these labels: "latin-1" pages are really windows-1252.
_HTML_LABELS = {"iso-8859-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252"}
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))


@dataclass(frozen=True)
class Decoded:
    text: str
    replaced: int = 0  # bytes that were not UTF-8 in UTF-8 text, each run replaced by U+FFFD


# Text is UTF-8 with a few bad bytes (a truncated character, one stray byte from
# a merge) when more of its non-ASCII bytes are valid UTF-8 than not. Text in a
# single-byte encoding (Latin-1, windows-1252) has almost none: its accents are
# lone bytes, which UTF-8 never allows, so a valid sequence is rare by chance.
MIN_UTF8_SHARE = 0.5
_ESCAPED = re.compile("[\udc80-\udcff]+")  # bytes surrogateescape could not decode
_ASCII = bytes(range(128))
_SURROGATE = re.compile("[\ud800-\udfff]")  # half a UTF-16 pair: no UTF-8 encodes one


def not_unicode(article: Article) -> str | None:
    """Where an article holds text no UTF-8 can encode (a JSON "\\ud800"
    escape: a lone surrogate), or None. Such text cannot be stored or shown."""
    for name in ("title", "body", "url", "source", "author", "id"):
        value = getattr(article, name)
        if value and (found := _SURROGATE.search(value)):
            return f"{name} holds a lone surrogate (U+{ord(found.group()):04X}), which is not text"
    for name in ("people", "places", "tags"):
        for value in getattr(article, name):
            if found := _SURROGATE.search(value):
                return f"{name} holds a lone surrogate (U+{ord(found.group()):04X}), which is not text"
    return None


def decode_bytes(data: bytes) -> Decoded | None:
    """Decoded text, or None when the bytes are not text at all.

    UTF-8 when it is, or when it is but for a few bytes (replaced and counted,
    so that one stray byte does not send the whole text to detection, which
    would misread every accented letter); otherwise the encoding detected."""
    data = data.removeprefix(codecs.BOM_UTF8)
    if (utf8 := decode_mostly_utf8(data)) is not None:
        return utf8
    if data.count(b"\x00") > len(data) // 100:
        return None
    encoding = detected_encoding(data)
    return Decoded(data.decode(encoding, errors="replace")) if encoding else None


def detected_encoding(data: bytes) -> str | None:
    """charset-normalizer's choice; of encodings it finds equally likely, windows-1252
    (Western text: it calls French in Latin-1 windows-1250 as readily, and
    reads "règle" as "rčgle")."""
    matches = from_bytes(data[:1_000_000])
    best = matches.best()
    if best is None:
        return None
    for match in matches:
        if (match.chaos, match.coherence) == (best.chaos, best.coherence) and \
                "cp1252" in match.could_be_from_charset:
            return "cp1252"
    return best.encoding


def decode_mostly_utf8(data: bytes) -> Decoded | None:
    """The text as UTF-8 with its few undecodable bytes replaced; None when it is
    not UTF-8 (most of its non-ASCII bytes do not decode)."""
    try:
        return Decoded(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="surrogateescape")
    bad = sum(len(run) for run in _ESCAPED.findall(text))
    non_ascii = len(data.translate(None, _ASCII))
    if non_ascii - bad <= MIN_UTF8_SHARE * non_ascii or b"\x00" in data:
        return None
    return Decoded(_ESCAPED.sub("\ufffd", text), replaced=bad)


def line_decoder(sample: bytes, encoding: str | None = None) -> Callable[[bytes], Decoded]:
    """How to decode each line of a file read as a stream. A line that is UTF-8
    (but for a few bytes, replaced and counted) is read as UTF-8; any other in
    the encoding detected in the lines of `sample` (the file's start) that are
    not UTF-8, or else in the line itself; or in `encoding` when it is given
    (what `fallback_encoding` found for the whole file)."""
    fallback: list[str] = [encoding] if encoding else []

    def decode(line: bytes) -> Decoded:
        line = line.removeprefix(codecs.BOM_UTF8)
        if (utf8 := decode_mostly_utf8(line)) is not None:
            return utf8
        if not fallback:
            others = b"\n".join(x for x in sample.split(b"\n") if decode_mostly_utf8(x) is None)
            fallback.append(detected_encoding(others or line) or "latin-1")
        return Decoded(line.decode(fallback[0], errors="replace"))

    return decode


def fallback_encoding(sample: bytes, lines) -> str | None:
    """The encoding `line_decoder(sample)` reads a file's non-UTF-8 lines in,
    `lines` being the file's lines in order: None when every line is UTF-8.
    A cluster's workers, each reading a range of the file, decode alike."""
    others = b"\n".join(x for x in sample.split(b"\n") if decode_mostly_utf8(x) is None)
    for line in lines:
        line = line.removeprefix(codecs.BOM_UTF8)
        if decode_mostly_utf8(line) is not None:
            continue
        return detected_encoding(others or line) or "latin-1"
    return None


def decode_html(data: bytes, http_charset: str | None = None) -> Decoded | None:
    """An HTML page's text: byte-order mark, else the HTTP header's charset, else
    the page's meta charset, else as `decode_bytes` (UTF-8, else detection).
    A declared charset that is unknown or does not fit the bytes is passed over."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Decoded(data[len(bom):].decode(encoding, errors="replace"))
    for declared in (http_charset, meta_charset(data)):
        if text := _decode_as(data, declared):
            return Decoded(text)
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


def with_replaced_bytes(items: Iterable, origin: str, replaced: int) -> Iterator:
    """A reader's items, and a note in the rejects log of the bytes replaced
    when what they were decoded into is stored."""
    items = list(items)
    if replaced and any(isinstance(item, Article) for item in items):
        yield Dropped(origin, f"{replaced} undecodable {'byte' if replaced == 1 else 'bytes'} replaced",
                      kind="undecodable bytes replaced")
    yield from items
