"""Run the web app under waitress, a real multi-threaded WSGI server."""

from __future__ import annotations

import ipaddress
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Callable

from waitress import create_server
from waitress.channel import HTTPChannel
from waitress.task import ErrorTask

from dateline.corpus.home import Home
from dateline.search.web.app import SECURITY_HEADERS, create_app
from dateline.search.web.balance import Balance, balance_server, counts_file


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
                cache_size: int = CACHE_SIZE, sock: socket.socket | None = None, warm: bool = False):
    """A bound, not yet running server (port 0 picks a free port: see `.effective_port`);
    with `sock`, one serving that listening socket instead (a worker process's);
    with `warm`, its archive's tables read once it is bound (`_warm`), so a
    busy port or a bad host is reported at once, not after the warm-up.

    Raises DatelineError for a home that cannot be searched,
    BadAddress for a host that is no address, OSError when the address cannot be bound.
    """
    app = create_app(home, cache_size=cache_size)
    # Generous but bounded request sizes: a query is at most a few kilobytes.
    where = {"sockets": [sock]} if sock is not None else {"host": host, "port": port}
    try:
        server = create_server(app, threads=threads, max_request_header_size=64 * 1024,
                               max_request_body_size=64 * 1024, ident="dateline", **where)
    except ValueError:  # waitress: the host is not an address and does not resolve to one
        raise BadAddress(f"--host {host!r} is not an IP address or a host name that resolves") from None
    server.channel_class = _Channel
    if warm:
        _warm(app)
    return server


def _warm(app) -> None:
    """The archive's tables read (`SearchService.warm_queries`) and the
    templates compiled, by asking the app for those searches' pages and API
    answers before any visitor does (the first search on a new reader cost
    1.4 CPU s at Reuters x1, the first page's templates 0.1 s more)."""
    client = app.test_client()
    for query in app.extensions["dateline"].warm_queries():
        for route in ("/", "/api/search"):
            client.get(route, query_string={"q": query})


def serve(home: Home, *, host: str, port: int, threads: int, cache: bool = True, processes: int = 1,
          announce: Callable[[str], None] = print) -> None:
    if processes > 1:
        return _serve_processes(home, host=host, port=port, threads=threads, cache=cache,
                                processes=processes, announce=announce)
    server = make_server(home, host=host, port=port, threads=threads,
                         cache_size=CACHE_SIZE if cache else 0, warm=True)
    _announce(announce, home, host, server.effective_port, threads, cache)
    try:
        server.run()
    finally:
        server.close()


def _announce(announce, home: Home, host: str, port: int, threads: int, cache: bool,
              processes: int = 1) -> None:
    workers = f"{processes} processes of {threads} threads" if processes > 1 else f"{threads} threads"
    announce(f"Serving {home.root} on http://{host}:{port}/ "
             f"({workers}, read-only{'' if cache else ', no result cache'}; Ctrl+C stops)")
    if not _is_loopback(host):
        announce(f"Note: {host} is reachable from other machines; anyone who can reach it "
                 "can read the archive.")


def _serve_processes(home: Home, *, host: str, port: int, threads: int, cache: bool, processes: int,
                     announce: Callable[[str], None]) -> None:
    """`processes` worker processes (each its own interpreter, so its own
    GIL: a request's Python runs beside another's on a second core) accepting
    from one listening socket. Each worker has its own Archive and notices a
    committed change before it answers, as one process does. This process
    checks the home, binds the address, starts the workers and waits; when
    it is stopped (Ctrl+C, SIGTERM) it stops them."""
    make_server(home, host=host, port=0, threads=1).close()  # the home can be searched (or DatelineError)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise BadAddress(f"--host {host!r} is not an IP address or a host name that resolves") from None
    family, _, _, _, address = infos[0]
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(address)
    listener.listen(1024)
    fd = listener.fileno()
    # Each worker writes a byte here once its app is made (its index open, its tables read):
    # "Serving ..." is said when every worker can answer, not before.
    ready, ready_w = os.pipe()
    # Each worker's open connections, so that they take new ones in turn (`balance`).
    counts = counts_file(processes)
    command = [sys.executable, "-m", "dateline.search.cli", "--home", str(home.root), "serve",
               "--threads", str(threads), "--cache" if cache else "--no-cache", "--worker-fd", str(fd),
               "--ready-fd", str(ready_w), "--balance-fd", str(counts)]

    def stop(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    workers = []
    try:
        workers = [subprocess.Popen([*command, "--worker-slot", str(slot)], pass_fds=[fd, ready_w, counts])
                   for slot in range(processes)]
        os.close(ready_w)
        ready_w = -1
        _wait_for_workers(ready, workers)
        _announce(announce, home, host, listener.getsockname()[1], threads, cache, processes)
        while all(w.poll() is None for w in workers):
            time.sleep(0.2)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
        listener.close()
        os.close(counts)
        os.close(ready)
        if ready_w >= 0:
            os.close(ready_w)


def _wait_for_workers(ready: int, workers: list[subprocess.Popen]) -> None:
    """Until every worker has written its byte to `ready`; a worker that
    exits first (a home it cannot search) ends the wait with its exit."""
    count = 0
    while count < len(workers):
        waiting, _, _ = select.select([ready], [], [], 0.2)
        got = os.read(ready, len(workers)) if waiting else None
        if got == b"" or (got is None and any(w.poll() is not None for w in workers)):
            return  # every worker gone, or one: the caller's loop sees it and stops the others
        count += len(got or b"")


def serve_worker(home: Home, *, fd: int, threads: int, cache: bool, ready_fd: int = -1,
                 balance_fd: int = -1, slot: int = 0) -> None:
    """One worker of `serve --processes N`: serves the listening socket it was
    handed (file descriptor `fd`) until stopped, or until its parent is gone;
    writes a byte to `ready_fd` (then closes it) once it can answer; takes new
    connections in turn with the other workers through `balance_fd` (its
    count at `slot`: `balance.Balance`)."""
    parent = os.getppid()

    def orphaned():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=orphaned, daemon=True).start()
    sock = socket.socket(fileno=fd)
    server = make_server(home, threads=threads, cache_size=CACHE_SIZE if cache else 0, sock=sock,
                         warm=True)
    if balance_fd >= 0:
        balance_server(server, Balance(balance_fd, slot))
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    if ready_fd >= 0:
        os.write(ready_fd, b"1")
        os.close(ready_fd)
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
