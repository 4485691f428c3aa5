"""Size limits per format: a page is one article; containers stream record by record."""

import gzip
import json
import tracemalloc

from dateline.corpus.article import Article, Rejected
from dateline.corpus.readers import read_path
from dateline.corpus.readers.reuters import read_reuters, read_reuters_chunks
from tests.helpers import NOW

PARAGRAPH = ("The ferry company said on Monday that crossings to the island would run every "
             "hour from May, and that the old quay would close for repairs in the autumn.\n\n")


def test_a_gzipped_page_that_unpacks_past_the_limit_is_rejected_without_unpacking_it(tmp_path):
    bomb = tmp_path / "page.txt.gz"
    member = gzip.compress(b"quay " * 200_000 + b"\n")  # 1 MB of text in 1 KB
    bomb.write_bytes(gzip.compress(b"Ferry times\n\n") + member * 400)  # 400 MB in 400 KB
    tracemalloc.start()
    [rejected] = read_path(bomb, now=NOW)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert rejected.reason == ("over the size limit after decompression "
                               "(more than 1 MB, the limit for a text page)")
    assert peak < 16 * 1024 * 1024


def test_a_text_page_of_many_megabytes_is_rejected_as_too_large(tmp_path):
    page = tmp_path / "dump.txt"
    page.write_text("Ferry times\n\n" + PARAGRAPH * 8_000)  # 1.2 MB
    [rejected] = read_path(page, now=NOW)
    assert rejected.reason == "file too large (1.2 MB, limit 1 MB for a text page)"


def test_an_html_page_under_its_limit_is_read(tmp_path):
    page = tmp_path / "long.html"
    paragraphs = "".join(f"<p>{PARAGRAPH.strip()}</p>" for _ in range(40))
    script = "<script>var x = '" + "q" * 2_000_000 + "';</script>"  # 2 MB of markup, still a page
    page.write_text(f"<!DOCTYPE html><html><head><title>Island ferries every hour</title>{script}"
                    f"</head><body><article><h1>Island ferries every hour</h1>{paragraphs}</article>"
                    "</body></html>")
    [article] = read_path(page, now=NOW)
    assert article.title == "Island ferries every hour"


def test_a_large_gzipped_jsonl_file_is_read_record_by_record(tmp_path):
    path = tmp_path / "wire.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for n in range(3_000):  # about 3 MB unpacked: more than any page, fine for a container
            out.write(json.dumps({"id": f"f{n}", "title": f"Ferry notice {n}", "body": PARAGRAPH * 3}) + "\n")
    items = list(read_path(path, now=NOW))
    assert len(items) == 3_000 and all(isinstance(i, Article) for i in items)


def test_a_json_line_over_the_record_limit_is_rejected_and_the_next_one_read(tmp_path):
    path = tmp_path / "wire.jsonl"
    huge = json.dumps({"title": "Huge", "body": "quay " * 500_000})  # 2.5 MB on one line
    path.write_text("\n".join([huge, json.dumps({"title": "Small", "body": "A ferry ran late."})]) + "\n")
    rejected, article = read_path(path, now=NOW)
    assert (rejected.origin, rejected.reason) == (
        f"{path}:1", "record too large (over 2 MB, the limit for one JSON line)")
    assert (article.title, article.origin) == ("Small", f"{path}:2")


SGML = "".join(
    f'<REUTERS NEWID="{n}"><DATE>26-FEB-1987 15:01:01.79</DATE><TEXT><TITLE>FERRY RATES {n}</TITLE>'
    f"<BODY>Ferry rates rose by {n} pct, the port said.\n Reuter\n</BODY></TEXT></REUTERS>\n"
    for n in range(1, 6))


def test_sgml_read_in_pieces_gives_the_same_documents_as_read_whole():
    whole = list(read_reuters(SGML, "r.sgm", now=NOW))
    pieces = [SGML[i:i + 7] for i in range(0, len(SGML), 7)]  # tags cut anywhere
    assert list(read_reuters_chunks(pieces, "r.sgm", now=NOW)) == whole
    assert [a.title for a in whole] == [f"FERRY RATES {n}" for n in range(1, 6)]


def test_an_unclosed_sgml_document_past_the_limit_is_rejected_and_reading_goes_on(monkeypatch):
    monkeypatch.setattr("dateline.corpus.readers.reuters.MAX_SGML_RECORD_BYTES", 1000)
    broken = '<REUTERS NEWID="99"><TEXT><BODY>' + "quay " * 400
    pieces = [broken[:900], broken[900:], SGML]
    items = list(read_reuters_chunks(pieces, "r.sgm", now=NOW))
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert [(r.origin, r.reason) for r in rejected] == [(
        "r.sgm:NEWID=99",
        "record too large (over 1000 bytes without its </REUTERS>, the limit for one document)")]
    assert len([i for i in items if isinstance(i, Article)]) == 5
