"""Every input costs time and memory in proportion to what it holds, and an
absurd one is refused early: guarded here by what is read and held, never by
the clock (bench/bounds.py times them)."""

from __future__ import annotations

import gzip
import json
import threading
import tracemalloc
import zlib
from pathlib import Path

from dateline.corpus.article import Article, Dropped, Rejected
from dateline.corpus.readers import read_path
from dateline.corpus.readers.jsonl import split_list
from dateline.corpus.readers.limits import MAX_BLANK_LINES, MAX_LIST_VALUES
from dateline.corpus.readers.warc import MAX_LINE_BYTES
from tests.helpers import NOW

MB = 1 << 20


def zeros_gz(path: Path, megabytes: int) -> Path:
    with open(path, "wb") as out:
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)
        for _ in range(megabytes):
            out.write(packer.compress(bytes(MB)))
        out.write(packer.flush())
    return path


def read_holding(path: Path) -> tuple[list, int]:
    """The file's items, and the most memory Python held while reading it."""
    tracemalloc.start()
    try:
        items = list(read_path(path, now=NOW))
        return items, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_warc_of_zeros_is_refused_after_one_bounded_line(tmp_path):
    plain = tmp_path / "zeros.warc"
    plain.write_bytes(bytes(20 * MB))
    packed = zeros_gz(tmp_path / "zeros.warc.gz", 200)  # 200 MB of zeros in 200 KB
    for path in (plain, packed):
        items, held = read_holding(path)
        [rejected] = items
        assert isinstance(rejected, Rejected) and rejected.reason.startswith("broken WARC at its start")
        # A few lines, and one block of gzip inflated at once (16 KB at deflate's
        # ratio of about 1,000: 16 MB): not the file, which was held whole.
        assert held < 4 * MAX_LINE_BYTES + (48 * MB if path is packed else 2 * MB), (path.name, held)


def test_a_warc_record_declaring_a_huge_body_of_zeros_is_read_in_bounded_memory(tmp_path):
    body = 64 * MB
    head = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
            b"WARC-Target-URI: http://x.test/\r\nContent-Type: application/http; msgtype=response\r\n"
            b"Content-Length: %d\r\n\r\n" % body)
    path = tmp_path / "record.warc"
    with open(path, "wb") as out:
        out.write(head)
        for _ in range(body // MB):
            out.write(bytes(MB))
        out.write(b"\r\n\r\n")
    items, held = read_holding(path)
    assert [type(i) for i in items] == [type(items[0])] and not isinstance(items[0], Article)
    assert held < 16 * MB, held  # one page's limit and buffers, not the 64 MB record


def test_a_broken_warc_writes_nothing_on_stderr_and_logs_one_line(tmp_path, capfd):
    record = (b"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:%d>\r\n"
              b"WARC-Target-URI: http://x.test/%d\r\nContent-Type: text/plain\r\n"
              b"Content-Length: %d\r\n\r\nhello\x00\xff\r\n\r\n")
    path = tmp_path / "stray.warc"
    # The first record says it is 3 bytes long: warcio printed its remainder, raw, in a warning.
    path.write_bytes(record % (1, 1, 3) + record % (2, 2, 7))
    items = list(read_path(path, now=NOW))
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""
    [dropped] = [i for i in items if isinstance(i, Dropped)]
    assert dropped.origin == f"{path}#2" and "stray bytes before this WARC record" in dropped.reason


def test_blank_lines_past_the_limit_stop_the_file_with_one_reject(tmp_path):
    path = tmp_path / "blank.jsonl.gz"
    record = json.dumps({"title": "Kept", "body": "Read before the blank lines."}).encode()
    path.write_bytes(gzip.compress(record + b"\n" * (MAX_BLANK_LINES * 50) + record.replace(b"Kept", b"Late")))
    items = list(read_path(path, now=NOW))
    assert [type(i) for i in items] == [Article, Rejected]
    assert items[0].title == "Kept"
    assert items[1].origin == f"{path}:{MAX_BLANK_LINES + 2}"
    assert items[1].reason == (f"over {MAX_BLANK_LINES:,} blank lines in a row (from line 2): "
                               "not JSON lines; the rest was not read")


def test_some_blank_lines_between_records_are_fine(tmp_path):
    path = tmp_path / "spaced.jsonl"
    record = json.dumps({"title": "Spaced", "body": "Blank lines around it."})
    path.write_text((record + "\n" * MAX_BLANK_LINES) * 3)
    assert [type(i) for i in read_path(path, now=NOW)] == [Article] * 3


def test_a_list_of_a_hundred_thousand_names_keeps_the_first_thousand(tmp_path):
    path = tmp_path / "people.jsonl"
    names = [f"Person {n}" for n in range(100_000)]
    path.write_text(json.dumps({"title": "Crowd", "body": "Many were there.", "people": names}) + "\n")
    items = list(read_path(path, now=NOW))
    [dropped] = [i for i in items if isinstance(i, Dropped)]
    [article] = [i for i in items if isinstance(i, Article)]
    assert article.people == tuple(names[:MAX_LIST_VALUES])
    assert dropped.reason == f"people: more than {MAX_LIST_VALUES:,} values, only the first {MAX_LIST_VALUES:,} kept"


def test_split_list_compares_each_value_once():
    """Repeats are found through a set of folded values: a list of repeats is
    read in one pass, whatever its length (it was compared with every kept value)."""
    calls = 0

    class Counted(str):
        def casefold(self):
            nonlocal calls
            calls += 1
            return str.casefold(self)

    import dateline.corpus.readers.jsonl as jsonl

    original = jsonl.normalize_text
    jsonl.normalize_text = lambda text: Counted(original(text))
    try:
        assert split_list([f"Name {n % 500}" for n in range(5_000)]) == tuple(f"Name {n}" for n in range(500))
    finally:
        jsonl.normalize_text = original
    assert calls == 5_000


def test_a_truncated_small_gzip_keeps_the_records_before_the_damage(tmp_path):
    lines = "".join(json.dumps({"title": f"Story {n}", "body": f"Body of story {n} about grain."}) + "\n"
                    for n in range(200))
    packed = gzip.compress(lines.encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(packed[: len(packed) * 2 // 3])
    items = list(read_path(path, now=NOW))
    articles = [i for i in items if isinstance(i, Article)]
    assert len(articles) > 100 and [a.title for a in articles] == [f"Story {n}" for n in range(len(articles))]
    assert isinstance(items[-1], Rejected) and items[-1].reason.startswith("broken gzip")


def test_the_servers_own_answers_carry_the_security_headers(fixture_home):
    import http.client

    from dateline.search.web.app import SECURITY_HEADERS
    from dateline.search.web.serve import make_server

    server = make_server(fixture_home, port=0, threads=1)
    stop = threading.Event()

    def run():  # server.run() until stopped; closing the socket under it would raise in the thread
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=30)
        connection.request("GET", "/", headers={"X-Big": "x" * (100 * 1024)})
        response = connection.getresponse()
        assert response.status == 431
        for name, value in SECURITY_HEADERS.items():
            assert response.getheader(name) == value, name
    finally:
        stop.set()
        thread.join(timeout=30)
        server.close()
