"""Near-duplicates: wire copies of one story republished by several sites.

Each article's text is reduced to a MinHash signature over word shingles
(CRC-32 of each shingle, then NUM_PERM universal hash functions, vectorized
with numpy: twenty times faster than datasketch's SHA-1 per shingle, which
made near-duplicate detection the slowest step of an ingest). Signatures are cut into bands; articles sharing a band are
candidates, and a candidate whose estimated Jaccard similarity reaches
SIMILARITY joins its cluster. The bands live in the store (SQLite, indexed),
so memory does not grow with the crawl and clusters persist across ingests.
"""

from __future__ import annotations

import re
import zlib

import numpy as np

NUM_PERM = 128
ROWS = 3
BANDS = NUM_PERM // ROWS  # 42: a pair with Jaccard 0.45 shares a band with probability 0.98
SHINGLE_WORDS = 4
SIMILARITY = 0.4  # republished copies are re-headlined and trimmed

_WORD = re.compile(r"\w+")


_RANDOM = np.random.default_rng(1)  # fixed: signatures are stored and compared across runs
_A = _RANDOM.integers(0, 1 << 63, size=NUM_PERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _RANDOM.integers(0, 1 << 63, size=NUM_PERM, dtype=np.uint64)
_EMPTY = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint64)


def shingles(text: str) -> set[bytes]:
    words = _WORD.findall(text.casefold())
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + SHINGLE_WORDS]).encode() for i in range(len(words) - SHINGLE_WORDS + 1)}


def signature(text: str) -> np.ndarray:
    found = shingles(text)
    if not found:
        return _EMPTY.copy()
    hashes = np.fromiter((zlib.crc32(s) for s in found), dtype=np.uint64, count=len(found))
    # Multiply-shift hashing: 64-bit products wrap around, the high 32 bits are the hash.
    values = (_A[:, None] * hashes[None, :] + _B[:, None]) >> np.uint64(32)
    return values.min(axis=1)


def article_signature(article) -> np.ndarray:
    return signature(f"{article.title}\n{article.body}")


# Multiply-add mixing of a band's ROWS values into one 64-bit key (numpy, all
# bands at once: hashing each band in Python was a fifth of the clustering time).
# A collision only offers one more candidate to compare.
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9][:ROWS], dtype=np.uint64)
_BAND_SALT = (np.arange(BANDS, dtype=np.uint64) + np.uint64(1)) * np.uint64(0xD6E8FEB86659FD93)


def band_ints(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per band (SQLite integers): equal keys in a band
    make two articles candidates."""
    rows = sig[: BANDS * ROWS].astype(np.uint64).reshape(BANDS, ROWS)
    mixed = (rows * _MIX).sum(axis=1, dtype=np.uint64) + _BAND_SALT
    mixed ^= mixed >> np.uint64(29)
    return mixed.view(np.int64).tolist()


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.count_nonzero(a == b)) / len(a)


def to_blob(sig: np.ndarray) -> bytes:
    return sig.astype("<u8").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u8")
