"""Ingest: JSON lines and raw pages into the store; every record stored or rejected."""

import json
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from dateline.corpus import ArticleStore, Home, ingest
from dateline.corpus.article import Rejected
from dateline.corpus.readers.rawtext import read_rawtext
from tests.helpers import FIXTURES, NOW, REUTERS, dateline, requires_reuters


def _ingest(tmp_path, *paths):
    home = Home(tmp_path / "home")
    store = ArticleStore(home.store_path)
    summary = ingest(list(paths), store, home.rejects_path, now=NOW)
    return home, store, summary


def _rejects(home):
    return [json.loads(line) for line in home.rejects_path.read_text().splitlines()]


def write(path, lines):
    path.write_text("\n".join(json.dumps(x) if not isinstance(x, str) else x for x in lines) + "\n")
    return path


def test_bad_records_are_rejected_with_file_line_and_reason(tmp_path):
    src = write(tmp_path / "in.jsonl", [
        {"title": "Good", "body": "A fine article about rain."},
        "{not json",
        {"title": "No body"},
        {"body": "No title here."},
        {"title": "Bad date", "body": "Text.", "date": "the day after never"},
        {"title": "Future", "body": "Text.", "date": "2999-01-01"},
        {"title": "Bad list", "body": "Text.", "people": 42},
        ["not", "an", "object"],
    ])
    home, store, summary = _ingest(tmp_path, src)
    assert (summary.read, summary.stored, summary.rejected) == (3, 3, 5)
    reasons = {r["input"]: r["reason"] for r in _rejects(home)}
    assert reasons[f"{src}:2"].startswith("malformed JSON")
    assert reasons[f"{src}:3"] == "no body (or text)"
    assert reasons[f"{src}:4"] == "no title"
    assert reasons[f"{src}:7"] == "field 'people' must be a list or a ';'-separated string"
    assert reasons[f"{src}:8"] == "not a JSON object"
    assert len(store) == 3


def test_a_bad_date_is_dropped_and_logged_and_the_article_kept_undated(tmp_path):
    src = write(tmp_path / "in.jsonl", [
        {"id": "never", "title": "Bad date", "body": "The ferry ran.", "date": "the day after never"},
        {"id": "future", "title": "Future", "body": "The tram ran.", "date": "2999-01-01"},
        {"id": "old", "title": "Old", "body": "The cart ran.", "date": "1700-05-01"},
        {"id": "fine", "title": "Fine", "body": "The bus ran.", "date": "2014-09-24"},
    ])
    home, store, summary = _ingest(tmp_path, src)
    assert (summary.stored, summary.rejected, summary.dropped) == (4, 0, 3)
    assert summary.as_dict()["dropped_by_reason"] == {"date dropped, stored undated": 3}
    for undated in ("never", "future", "old"):
        assert (store.get(undated).date, store.get(undated).date_source) == (None, None)
    assert store.get("fine").date.year == 2014
    assert {r["input"]: r["reason"] for r in _rejects(home)} == {
        f"{src}:1": "date dropped, stored undated: cannot read date 'the day after never'",
        f"{src}:2": "date dropped, stored undated: implausible date '2999-01-01' (in the future)",
        f"{src}:3": "date dropped, stored undated: implausible date '1700-05-01' (before 1800)",
    }


def test_text_field_and_semicolon_lists_are_accepted(tmp_path):
    src = write(tmp_path / "in.jsonl", [
        {"id": "x", "title": "T", "text": "Body text.", "people": "Ann Lee; Bo Chan;  ;Ann Lee",
         "date": "24 Sep 2014 10:00"},
    ])
    _, store, _ = _ingest(tmp_path, src)
    article = store.get("x")
    assert article.body == "Body text."
    assert article.people == ("Ann Lee", "Bo Chan")
    assert article.date.tzinfo == timezone.utc and article.date.hour == 10


def test_reingesting_the_same_file_is_skipped(tmp_path):
    _, store, first = _ingest(tmp_path, FIXTURES / "articles.jsonl")
    second = ingest([FIXTURES / "articles.jsonl"], store, tmp_path / "home" / "rejects.jsonl", now=NOW)
    assert first.stored == 12
    assert (second.files_skipped, second.read, second.stored) == (1, 0, 0)


def test_a_folder_of_unchanged_pages_is_not_read_again(tmp_path, monkeypatch):
    import dateline.corpus.boilerplate

    crawl = Path(__file__).resolve().parents[1] / "corpus" / "sample" / "crawl"
    home, store, first = _ingest(tmp_path, crawl)
    assert first.stored > 0
    read = []
    real = dateline.corpus.boilerplate.repeated_lines
    monkeypatch.setattr(dateline.corpus.boilerplate, "repeated_lines", lambda files: read.append(files) or real(files))
    again = ingest([crawl], store, home.rejects_path, now=NOW, workers=0)
    assert (again.files_skipped, again.read, read) == (first.files, 0, [])
    page = sorted((crawl / "pages").iterdir())[0]
    changed = tmp_path / "changed"
    shutil.copytree(crawl / "pages", changed)
    (changed / page.name).write_text(page.read_text() + "\nA line added to one page.\n")
    ingest([changed], store, home.rejects_path, now=NOW, workers=0)
    assert len(read) == 1 and len(read[0]) == len(list(changed.iterdir()))  # the whole folder, once


def test_starting_the_command_line_loads_no_reader_and_no_engine():
    code = ("import sys, dateline.search.cli; print(sorted(m for m in sys.modules if m == 'numpy' or "
            "m.startswith(('dateline.corpus.readers', 'dateline.corpus.ingestion', 'dateline.search.engine', 'trafilatura'))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_changed_article_replaces_the_old_one(tmp_path):
    src = write(tmp_path / "a.jsonl", [{"id": "x", "title": "Old", "body": "Old text."}])
    home, store, _ = _ingest(tmp_path, src)
    write(src, [{"id": "x", "title": "New", "body": "New text."}])
    summary = ingest([src], store, home.rejects_path, now=NOW)
    assert (summary.updated, summary.stored) == (1, 0)
    assert store.get("x").title == "New" and len(store) == 1


def test_same_url_is_one_article(tmp_path):
    src = write(tmp_path / "a.jsonl", [
        {"url": "https://a.test/1", "title": "First", "body": "First version."},
        {"url": "https://a.test/1", "title": "Second", "body": "Second version."},
    ])
    _, store, summary = _ingest(tmp_path, src)
    assert (summary.stored, summary.updated, len(store)) == (1, 1, 1)


def test_same_text_under_another_id_is_a_reported_duplicate(tmp_path):
    src = write(tmp_path / "a.jsonl", [
        {"id": "a", "title": "Same", "body": "Same   text."},
        {"id": "b", "title": "same", "body": "Same text."},
    ])
    home, store, summary = _ingest(tmp_path, src)
    assert (summary.stored, summary.duplicates) == (1, 1)
    assert _rejects(home)[0]["reason"] == "duplicate of a"


def test_raw_page_loses_boilerplate_and_caption_keeps_fields():
    text = (FIXTURES / "raw-page.txt").read_text()
    [article] = list(read_rawtext(text, "raw-page.txt", now=datetime(2026, 1, 1, tzinfo=timezone.utc)))
    assert article.title == "Harbour officials weigh new port fees"
    assert "Skip to main content" not in article.body
    assert "Subscribe" not in article.body and "per year" not in article.body
    assert "Sign up for our" not in article.body and "All rights reserved" not in article.body
    assert article.source == "Harbour Times"  # named by the copyright line
    assert "REUTERS/" not in article.body and "RTR9ABC1" not in article.body
    assert article.body.startswith("Port authorities in Mombasa")
    assert article.body.endswith("would continue through April.")
    assert article.date.isoformat() == "2025-03-12T00:00:00+00:00"
    assert article.date_source == "text"
    assert set(article.tags) >= {"Reuters", "Business", "Transport"}


def test_unreadable_files_are_rejected_and_ingest_goes_on(tmp_path):
    (tmp_path / "crawl").mkdir()
    (tmp_path / "crawl" / "empty.txt").write_text("")
    (tmp_path / "crawl" / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "crawl" / "broken.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    (tmp_path / "crawl" / "latin1.txt").write_bytes(
        "Caf\xe9 owners protest\n\nCaf\xe9 owners in the old town protested on Monday against new rules that would shorten their opening hours.".encode("latin-1"))
    write(tmp_path / "crawl" / "ok.jsonl", [{"title": "Fine", "body": "Fine body."}])
    home, store, summary = _ingest(tmp_path, tmp_path / "crawl")
    reasons = {r["input"].rsplit("/", 1)[-1]: r["reason"] for r in _rejects(home)}
    assert reasons["empty.txt"] == "empty file"
    assert reasons["image.png"] == "not a crawl format (.png file)"
    assert reasons["broken.jsonl.gz"].startswith("broken gzip")
    assert summary.stored == 2
    assert any(a.title == "Café owners protest" for a in store)


def test_a_date_in_the_future_of_the_clock_is_not_taken():
    text = (FIXTURES / "raw-page.txt").read_text()
    [article] = list(read_rawtext(text, "raw-page.txt", now=NOW))  # NOW is in 2015
    assert article.date is None and article.date_source is None


def test_a_json_line_with_a_raw_line_separator_in_a_string_is_one_record(tmp_path):
    from dateline.corpus.readers import read_path

    path = tmp_path / "sep.jsonl"
    path.write_text('{"title": "Split\u2028title", "body": "Body\u2029text"}\n', encoding="utf-8")
    [article] = list(read_path(path, now=NOW))
    assert article.title.startswith("Split") and article.body.endswith("text")


def test_a_jsonl_file_of_blank_lines_is_rejected_not_silently_dropped(tmp_path):
    from dateline.corpus.article import Rejected
    from dateline.corpus.readers import read_path

    path = tmp_path / "blank.jsonl"
    path.write_bytes(b"\n \x1c\n\t\n")
    [rejected] = list(read_path(path, now=NOW))
    assert isinstance(rejected, Rejected) and "no JSON lines" in rejected.reason


def test_files_that_are_not_a_crawl_format_are_reported_not_read(tmp_path):
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "README.md").write_text("# About this crawl\n\nEach <BODY> element holds one story; "
                                     "the pages were saved by the harbour office in June.\n")
    (crawl / "schema.dtd").write_text("<!ELEMENT BODY (#PCDATA)>\n")
    (crawl / "fetch.py").write_text("print('fetching the harbour pages, then the ferry timetables')\n")
    (crawl / "counts.csv").write_text("page,words\nferry,120\nquay,95\n")
    home, store, summary = _ingest(tmp_path, crawl)
    assert len(store) == 0 and summary.rejected == 4
    assert sorted(r["reason"] for r in _rejects(home)) == [
        "not a crawl format (.csv file)", "not a crawl format (.dtd file)",
        "not a crawl format (.md file)", "not a crawl format (.py file)"]


def test_a_file_with_a_body_tag_is_not_html_without_a_page_start(tmp_path):
    from dateline.corpus.readers import reader_for
    from dateline.corpus.readers.html import read_html

    notes = b"Notes on the SGML files\n\nEach story sits in a <BODY> element, its title in <TITLE>.\n"
    assert reader_for("NOTES", notes) is not read_html
    for page in (b"<!DOCTYPE html><html><body>x", b"  <html lang='en'>", b"<head><title>x",
                 b"<?xml version='1.0'?>\n<!-- saved from url=(0041)https://x.example/ -->\n<html>"):
        assert reader_for("page", page) is read_html, page


def test_a_text_file_of_short_lines_is_reported_as_not_an_article(tmp_path):
    notes = tmp_path / "categories.txt"
    notes.write_text("Notes on the harbour categories\n\n" + "".join(
        f"  {code:<8} {name}\n" for code, name in [
            ("ferry", "Ferries and crossings"), ("quay", "Quays and moorings"),
            ("pilot", "Harbour pilots"), ("fish", "Fishing fleet"), ("cargo", "Cargo and freight"),
            ("tide", "Tides and weather"), ("yard", "Boatyards"), ("toll", "Harbour dues")] * 3))
    home, store, summary = _ingest(tmp_path, notes)
    assert len(store) == 0
    [reject] = _rejects(home)
    assert reject["reason"] == ("not an article (mostly short lines, not sentences: "
                                "a list, a table or notes)")


@requires_reuters
def test_the_reuters_folder_yields_its_stories_and_reports_its_notes():
    from dateline.corpus.readers import read_path

    def reasons(name):
        return [item.reason for item in read_path(REUTERS / name, now=NOW)]

    assert reasons("README.md") == ["not a crawl format (.md file)"]
    assert reasons("lewis.dtd") == ["not a crawl format (.dtd file)"]
    assert reasons("cat-descriptions_120396.txt") == [
        "not an article (mostly short lines, not sentences: a list, a table or notes)"]
    stories = list(read_path(REUTERS / "reut2-000.sgm", now=NOW))
    assert len(stories) == 1000 and not [s for s in stories if isinstance(s, Rejected)]


def test_a_date_with_a_us_zone_abbreviation_is_read_in_that_zone(tmp_path):
    src = write(tmp_path / "in.jsonl", [
        {"id": "est", "title": "Ferry timetable", "body": "Ferries run late.", "date": "2014-09-24 10:00 EST"},
        {"id": "cest", "title": "Tram timetable", "body": "Trams run early.", "date": "24 Sep 2014 10:00 CEST"},
        {"id": "mars", "title": "Rover timetable", "body": "Rovers run slow.", "date": "2014-09-24 10:00 MTC"},
    ])
    home, store, summary = _ingest(tmp_path, src)
    assert store.get("est").date.isoformat() == "2014-09-24T10:00:00-05:00"
    assert store.get("cest").date.isoformat() == "2014-09-24T10:00:00+02:00"
    assert store.get("mars").date is None
    [reject] = _rejects(home)
    assert reject["reason"] == ("date dropped, stored undated: unknown time zone 'MTC' in date "
                                "'2014-09-24 10:00 MTC' (use an offset such as +01:00, or a common "
                                "abbreviation such as EST or CET)")


SGML_STORY = ('<!DOCTYPE lewis SYSTEM "lewis.dtd">\n<REUTERS NEWID="7"><DATE>26-FEB-1987 15:01:01.79</DATE>'
              "<PLACES><D>kenya</D></PLACES><TEXT><TITLE>KENYA FERRY FARES RISE</TITLE>"
              "<DATELINE>    NAIROBI, Feb 26 - </DATELINE><BODY>Ferry fares across the harbour "
              "rose 10 pct, the port authority said.\n Reuter\n</BODY></TEXT></REUTERS>\n")


def test_a_reuters_file_saved_as_txt_is_read_as_reuters(tmp_path):
    from dateline.corpus.readers import read_path

    path = tmp_path / "reut2-000.txt"
    path.write_text(SGML_STORY, encoding="latin-1")
    [article] = read_path(path, now=NOW)
    assert (article.id, article.title, article.source) == ("reuters-7", "KENYA FERRY FARES RISE", "Reuters")
    assert "<BODY>" not in article.body and article.places == ("Kenya",)


def test_json_lines_saved_as_txt_are_read_as_records(tmp_path):
    from dateline.corpus.readers import read_path

    path = write(tmp_path / "export.txt", [
        {"id": "j1", "title": "Ferry fares rise", "body": "Fares rose on Monday."},
        {"id": "j2", "title": "Quay reopens", "body": "The quay reopened on Tuesday."},
    ])
    assert [(a.id, a.title) for a in read_path(path, now=NOW)] == [
        ("j1", "Ferry fares rise"), ("j2", "Quay reopens")]


def test_html_and_warc_saved_as_txt_are_read_by_content(tmp_path):
    from dateline.corpus.readers import read_path
    from tests.helpers import write_warc

    page = tmp_path / "page.txt"
    page.write_bytes((FIXTURES / "crawl" / "harbourtimes" / "ferry-strike.html").read_bytes())
    [article] = read_path(page, now=NOW.replace(year=2026))
    assert article.title == "Ferry crews strike over pay in Lisbon" and "<p>" not in article.body
    warc = tmp_path / "crawl.txt"
    warc.write_bytes(write_warc(tmp_path / "crawl.warc").read_bytes())
    assert [a.url for a in read_path(warc, now=NOW.replace(year=2026)) if hasattr(a, "url")] == [
        "https://h.example/grain"]


def test_a_text_page_that_begins_with_a_brace_is_still_a_page(tmp_path):
    from dateline.corpus.readers import read_path

    path = tmp_path / "page.txt"
    path.write_text("{Updated} Ferry fares rise across the harbour\n\n" + (
        "Ferry fares across the harbour rose by a tenth on Monday, the port authority said, "
        "the first rise in three years.\n"))
    [article] = read_path(path, now=NOW)
    assert article.title == "{Updated} Ferry fares rise across the harbour"


def test_a_city_given_in_places_also_tags_its_country(tmp_path):
    from dateline.search.archive import Archive
    from dateline.search.engine import search
    from tests.helpers import build_home

    src = write(tmp_path / "in.jsonl", [
        {"id": "moscow", "title": "Metro fares rise", "body": "Fares rose on Monday.", "places": ["Moscow"]},
        {"id": "ussr", "title": "Grain talks", "body": "Talks on grain went on.", "places": "USSR; Kenya"},
        {"id": "nowhere", "title": "Quay repairs", "body": "The quay was repaired.",
         "places": ["Little Harbourton"]},
    ])
    home = build_home(tmp_path / "home", src)
    with ArticleStore(home.store_path) as store:
        assert store.get("moscow").places == ("Moscow", "Russia")
        assert store.get("ussr").places == ("USSR", "Soviet Union", "Russia", "Kenya")
        assert store.get("nowhere").places == ("Little Harbourton",)
    with Archive(home) as archive:
        found = search(archive, "place:russia", limit=10, now=NOW)
        assert {hit.article.id for hit in found.hits} == {"moscow", "ussr"}


def test_the_ingest_summary_lists_what_was_stored_with_a_loss(tmp_path):
    src = write(tmp_path / "in.jsonl", [
        {"id": "future", "title": "Future", "body": "The tram ran.", "date": "2999-01-01"},
        {"id": "fine", "title": "Fine", "body": "The bus ran.", "date": "2014-09-24"},
    ])
    home = tmp_path / "home"
    result = dateline(str(home), "ingest", str(src))
    assert result.exit_code == 0, result.output
    assert "  stored with a loss: 1 × date dropped, stored undated\n" in result.output
    assert f"Rejects, duplicates and losses are listed in {home / 'rejects.jsonl'}" in result.output
