"""WARC: HTML responses become articles; other records are skipped; damage is reported."""

import gzip
import io
from datetime import datetime, timezone

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from dateline.corpus.article import Article, Rejected, Skipped
from dateline.corpus.readers import read_path
from tests.helpers import FIXTURES, dateline, write_warc

LATER = datetime(2026, 1, 1, tzinfo=timezone.utc)
PAGE = (FIXTURES / "crawl" / "harbourtimes" / "grain-deal.htm").read_bytes()


def test_html_responses_become_articles_with_uri_and_crawl_date(tmp_path):
    items = list(read_path(write_warc(tmp_path / "crawl.warc.gz"), now=LATER))
    [article] = [i for i in items if isinstance(i, Article)]
    assert article.url == "https://h.example/grain"
    assert article.title == "Egypt signs grain deal with Kazakhstan"
    assert (article.date.date().isoformat(), article.date_source) == ("2024-03-03", "dateline")


def test_other_records_are_skipped_with_a_reason_not_rejected(tmp_path):
    items = list(read_path(write_warc(tmp_path / "crawl.warc", gz=False), now=LATER))
    skipped = sorted(i.reason for i in items if isinstance(i, Skipped))
    assert skipped == ["HTTP 301", "not HTML (image/png)", "request record"]
    assert not [i for i in items if isinstance(i, Rejected)]


def test_a_truncated_warc_keeps_what_was_read_and_reports_the_damage(tmp_path):
    whole = write_warc(tmp_path / "whole.warc.gz").read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole[: int(len(whole) * 0.8)])
    items = list(read_path(cut, now=LATER))
    assert any(isinstance(i, Article) for i in items)
    [broken] = [i for i in items if isinstance(i, Rejected)]
    assert broken.reason.startswith("broken WARC after record")


def test_a_warc_is_recognized_by_content_whatever_its_name(tmp_path):
    path = write_warc(tmp_path / "crawl.warc.gz")
    renamed = tmp_path / "crawl.bin.gz"
    path.rename(renamed)
    assert any(isinstance(i, Article) for i in read_path(renamed, now=LATER))


def test_garbage_named_warc_is_rejected(tmp_path):
    path = tmp_path / "junk.warc.gz"
    path.write_bytes(gzip.compress(b"this is not a warc at all\n" * 10))
    items = list(read_path(path, now=LATER))
    assert not [i for i in items if isinstance(i, Article)]
    [rejected] = [i for i in items if isinstance(i, Rejected)]
    assert rejected.reason.startswith("broken WARC")


def test_ingest_summary_counts_the_skipped_records_by_reason(tmp_path):
    warc = write_warc(tmp_path / "crawl.warc.gz")
    result = dateline(str(tmp_path / "home"), "ingest", str(warc))
    assert result.exit_code == 0, result.output
    assert "1 stored" in result.output
    for line in ("skipped: 1 × request record", "skipped: 1 × HTTP 301",
                 "skipped: 1 × not HTML"):  # grouped by kind, not per type
        assert line in result.output


def test_a_warc_page_without_meta_charset_is_read_in_the_http_charset(tmp_path):
    from tests.helpers import html_page

    path = tmp_path / "cafe.warc.gz"
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for charset, encoding, uri in (("utf-8", "utf-8", "https://h.example/a"),
                                       ("iso-8859-1", "latin-1", "https://h.example/b")):
            headers = StatusAndHeaders("200 OK", [("Content-Type", f"text/html; charset={charset}")],
                                       protocol="HTTP/1.1")
            body = html_page(f"Café opens on the quay ({charset})").encode(encoding)
            writer.write_record(writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), http_headers=headers,
                warc_headers_dict={"WARC-Date": "2024-03-05T10:00:00Z"}))
    articles = [i for i in read_path(path, now=LATER) if isinstance(i, Article)]
    assert [a.title for a in articles] == ["Café opens on the quay (utf-8)",
                                           "Café opens on the quay (iso-8859-1)"]


def test_an_html_error_response_is_rejected_as_an_errorhtml_page(tmp_path):
    path = tmp_path / "errors.warc"
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=False)
        headers = StatusAndHeaders("404 Not Found", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            "https://h.example/gone", "response", payload=io.BytesIO(PAGE), http_headers=headers))
    [rejected] = read_path(path, now=LATER)
    assert rejected.reason == "not an article: an error page (HTTP 404 Not Found)"
    assert rejected.origin == f"{path}#1"
