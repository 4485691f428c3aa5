"""`serve --processes N` keeps its workers' open connections level: a client
that keeps its connection (a browser, a load test) is not left queueing on
a worker that holds twice the others' share."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.load import _children  # the worker processes of a server, as bench.load counts their CPU
from dateline.search.web.balance import Balance, counts_file
from tests.helpers import indexed_cli_home


@pytest.fixture(scope="module")
def web_home(tmp_path_factory):
    return indexed_cli_home(tmp_path_factory, "balance")


def test_a_worker_takes_a_connection_only_while_it_holds_no_more_than_the_others():
    fd = counts_file(3)
    try:
        first, second, third = (Balance(fd, slot) for slot in range(3))
        assert first.may_accept(0) and second.may_accept(0) and third.may_accept(0)  # ties: all listen
        assert not first.may_accept(1)  # it holds more than the other two
        assert second.may_accept(0) and third.may_accept(0)
        assert not second.may_accept(2) and first.listening is False
        assert third.may_accept(1) and first.may_accept(1)
        assert first.counts() == (1, 2, 1)
    finally:
        os.close(fd)


def test_a_worker_slot_outside_the_counts_is_refused():
    fd = counts_file(2)
    try:
        with pytest.raises(ValueError, match="slot 2 is not one of 2 workers"):
            Balance(fd, 2)
    finally:
        os.close(fd)


def _established_inodes(port: int) -> set[str]:
    """The socket inodes of established connections to `port` on this machine."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                inodes.add(fields[9])
    return inodes


def _sockets_of(pid: int) -> set[str]:
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if match := re.fullmatch(r"socket:\[(\d+)\]", target):
            found.add(match.group(1))
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads connections from Linux's /proc")
def test_connections_opened_at_once_are_shared_evenly_between_worker_processes(web_home):
    server = subprocess.Popen(
        [sys.executable, "-m", "dateline.search.cli", "--home", str(web_home), "serve", "--port", "0",
         "--processes", "2", "--threads", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    clients = []
    try:
        line = server.stdout.readline()
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", line).group(1))
        workers = _children(server.pid)
        assert len(workers) == 2
        for _ in range(12):  # a burst, as 50 load-test clients or a browser's parallel fetches
            client = socket.socket()
            client.setblocking(False)
            client.connect_ex(("127.0.0.1", port))
            clients.append(client)
        held: list[int] = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            established = _established_inodes(port)
            held = sorted(len(_sockets_of(w) & established) for w in workers)
            if sum(held) == len(clients):
                break
            time.sleep(0.1)
        assert held == [6, 6]
    finally:
        for client in clients:
            client.close()
        server.terminate()
        server.wait(timeout=30)
