"""Run the web app under waitress, a real multi-threaded WSGI server."""

from __future__ import annotations

import ipaddress
from typing import Callable

from waitress import create_server
from waitress.channel import HTTPChannel
from waitress.task import ErrorTask

from dateline.corpus.home import Home
from dateline.search.web.app import SECURITY_HEADERS, create_app


class _ErrorWithHeaders(ErrorTask):
    """Waitress answers some requests itself, never reaching the app (431 for
    headers over the limit, 400 for a request it cannot parse): those answers
    carry the app's security headers too."""

    def execute(self):
        self.response_headers.extend(SECURITY_HEADERS.items())
        super().execute()


class _Channel(HTTPChannel):
    error_task_class = _ErrorWithHeaders


class BadAddress(ValueError):
    """A --host that cannot be listened on; str() is user-facing."""


CACHE_SIZE = 256  # searches answered from memory (0: none, `serve --no-cache`)


def make_server(home: Home, *, host: str = "127.0.0.1", port: int = 8080, threads: int = 8,
                cache_size: int = CACHE_SIZE):
    """A bound, not yet running server (port 0 picks a free port: see `.effective_port`).

    Raises DatelineError for a home that cannot be searched,
    BadAddress for a host that is no address, OSError when the address cannot be bound.
    """
    app = create_app(home, cache_size=cache_size)
    # Generous but bounded request sizes: a query is at most a few kilobytes.
    try:
        server = create_server(app, host=host, port=port, threads=threads,
                               max_request_header_size=64 * 1024, max_request_body_size=64 * 1024,
                               ident="dateline")
    except ValueError:  # waitress: the host is not an address and does not resolve to one
        raise BadAddress(f"--host {host!r} is not an IP address or a host name that resolves") from None
    server.channel_class = _Channel
    return server


def serve(home: Home, *, host: str, port: int, threads: int, cache: bool = True,
          announce: Callable[[str], None] = print) -> None:
    server = make_server(home, host=host, port=port, threads=threads,
                         cache_size=CACHE_SIZE if cache else 0)
    announce(f"Serving {home.root} on http://{host}:{server.effective_port}/ "
             f"({threads} threads, read-only{'' if cache else ', no result cache'}; Ctrl+C stops)")
    if not _is_loopback(host):
        announce(f"Note: {host} is reachable from other machines; anyone who can reach it "
                 "can read the archive.")
    try:
        server.run()
    finally:
        server.close()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve anywhere
        return False
