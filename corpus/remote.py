"""Inputs named by URL (`dateline ingest https://host/wire.jsonl`), read through fsspec.

A `RemoteFile` is one file at a URL (http, https; any other protocol fsspec
knows, such as s3:// with s3fs, is passed through untested). Whoever reads
it (this process, a local reader process, or a Dask worker) copies it to a
temporary file named as the URL's last segment, so that the readers choose
by extension and content as for a local file, and reads it there with the
URL as the records' origin (`https://host/wire.jsonl:12`). A `file://` URL
is the local path it names (`local_path`), folders and all.

Nothing is listed at a URL (an HTTP "folder" is a page, not a listing): each
URL is one input. A URL is not recorded as ingested (it has no stable size
and time to compare), so every ingest reads it again; its articles come back
unchanged and its rejects are logged again.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from dateline.corpus.article import IngestError, Rejected

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
NEEDS = "reading URLs needs fsspec and aiohttp: pip install 'dateline[urls]'"


def is_url(text: str) -> bool:
    return bool(_SCHEME.match(text))


def local_path(url: str) -> Path | None:
    """The path a file:// URL names; None for any other URL."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file":
        return None
    if parts.netloc not in ("", "localhost"):
        raise IngestError(f"{url}: a file:// URL names a file on this machine (file:///path), not on {parts.netloc}")
    return Path(unquote(parts.path))


def input_of(given) -> Path | RemoteFile:
    """An input as the user gave it (a path, a URL) as ingest reads it: a
    Path (a file:// URL's too) that exists, or a RemoteFile that can be read
    (asked once, here); an IngestError in one line otherwise."""
    if isinstance(given, RemoteFile):
        return given
    if isinstance(given, str) and is_url(given):
        path = local_path(given)
        if path is None:
            remote = RemoteFile(given)
            remote.check()
            return remote
    else:
        path = Path(given)
    if not path.exists():
        raise IngestError(f"{path}: no such file or directory")
    return path


@dataclass(frozen=True)
class RemoteFile:
    """One input file at a URL; as much of a Path as ingest asks of an input."""

    url: str

    def __str__(self) -> str:
        return self.url

    @property
    def name(self) -> str:
        """The URL's last path segment (what the readers judge the extension of)."""
        name = unquote(PurePosixPath(urlsplit(self.url).path).name)
        return name.replace("\\", "_") or "index"

    @property
    def parent(self) -> str:
        return self.url.rsplit("/", 1)[0]

    def size(self) -> int | None:
        """Its size as the server says, None when it does not say."""
        info = _call(self.url, lambda fs, path: fs.info(path))
        return info.get("size")

    def check(self) -> None:
        """An IngestError in one line unless the URL can be read."""
        _call(self.url, lambda fs, path: fs.info(path))

    def fetch(self, limit: int) -> bytes | None:
        """Its bytes, None when over `limit`; OSError when it cannot be read."""
        with _open(self.url) as stream:
            data = stream.read(limit + 1)
        return None if len(data) > limit else data

    def unreadable(self, exc: BaseException) -> Rejected:
        """The reject of a URL that could not be fetched (it may answer next time)."""
        return Rejected(self.url, f"cannot read URL ({_why(exc)})")

    def read(self, *, now, repeated=frozenset(), data: bytes | None = None):
        """Its articles and rejects, read from a local copy (`data`: its bytes,
        when they were fetched elsewhere)."""
        from dateline.corpus.readers import read_path
        from dateline.corpus.readers.limits import MAX_CONTAINER_BYTES, human_size

        with tempfile.TemporaryDirectory(prefix="dateline-url-") as folder:
            copy = Path(folder) / self.name
            try:
                if data is not None:
                    copy.write_bytes(data)
                else:
                    with _open(self.url) as stream, open(copy, "wb") as out:
                        # at most the largest input read at all, one byte over to tell
                        copied = _copy(stream, out, MAX_CONTAINER_BYTES + 1)
                    if copied > MAX_CONTAINER_BYTES:
                        yield Rejected(self.url, f"file too large (over {human_size(MAX_CONTAINER_BYTES)})")
                        return
            except (OSError, IngestError) as exc:
                yield self.unreadable(exc)
                return
            yield from read_path(copy, now=now, repeated=repeated, origin=self.url)


def _copy(stream, out, limit: int) -> int:
    copied = 0
    while copied < limit and (block := stream.read(min(1 << 20, limit - copied))):
        out.write(block)
        copied += len(block)
    return copied


def _filesystem(url: str):
    try:
        from fsspec.core import url_to_fs
    except ImportError:
        raise IngestError(f"{url}: {NEEDS}") from None
    try:
        return url_to_fs(url)
    except ImportError as exc:  # fsspec knows the protocol; its package is missing
        raise IngestError(f"{url}: {_why(exc)}") from None
    except ValueError as exc:  # a protocol fsspec does not know
        raise IngestError(f"{url}: {_why(exc)}") from None


def _call(url: str, action):
    fs, path = _filesystem(url)
    try:
        return action(fs, path)
    except FileNotFoundError as exc:
        raise IngestError(f"{url}: {_missing(exc)}") from None
    except Exception as exc:  # noqa: BLE001 - aiohttp's, botocore's...: one line, whatever the library
        raise IngestError(f"{url}: cannot read URL ({_why(exc)})") from None


class _Opened:
    """fsspec's file, its library's errors as OSError (a reader reports them)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.file = None

    def __enter__(self):
        fs, path = _filesystem(self.url)
        try:
            self.file = fs.open(path, "rb", block_size=1 << 20)
        except FileNotFoundError as exc:
            raise OSError(_missing(exc).removeprefix("cannot read URL (").removesuffix(")")) from None
        except Exception as exc:  # noqa: BLE001
            raise OSError(_why(exc)) from None
        return self

    def read(self, size: int) -> bytes:
        try:
            return self.file.read(size)
        except Exception as exc:  # noqa: BLE001
            raise OSError(_why(exc)) from None

    def __exit__(self, *exc) -> None:
        try:
            self.file.close()
        except Exception:  # noqa: BLE001 - closing a connection that failed
            pass


def _open(url: str) -> _Opened:
    return _Opened(url)


def _missing(exc: FileNotFoundError) -> str:
    """fsspec's HTTP filesystem says FileNotFoundError for a 404 and for a
    server it cannot connect to; its cause tells them apart."""
    cause = exc.__cause__
    if cause is None or getattr(cause, "status", None) in (404, 410):
        return "not found"
    return f"cannot read URL ({_why(cause)})"


def _why(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


def reachable(url: str) -> bool:
    """On a Dask worker: whether this machine can read the URL."""
    try:
        RemoteFile(url).check()
    except Exception:  # noqa: BLE001
        return False
    return True
