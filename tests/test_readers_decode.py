"""Decoding: UTF-8 with a few bad bytes stays UTF-8 (the bytes replaced and
reported); only text that is really in another encoding goes to detection."""

import json

from dateline.corpus import ArticleStore, Home, ingest
from dateline.corpus.article import Article
from dateline.corpus.readers import read_path
from dateline.corpus.readers.decode import decode_bytes
from tests.helpers import NOW

CAFE_STORY = ("Café owners in the old town protested on Monday against new rules that would "
              "shorten their opening hours, said Zoë Brønsted, who runs a crêperie on the quay.")

# Detection needs text of one language to go on: a French story for the Latin-1 tests.
FRENCH_STORY = ("Les propriétaires de café de la vieille ville ont protesté lundi contre les "
                "nouvelles règles qui réduiraient leurs heures d'ouverture, a déclaré la gérante "
                "d'une crêperie du quai, très inquiète pour l'été.")


def _rejects(home):
    return [json.loads(line) for line in home.rejects_path.read_text().splitlines()]


def test_one_bad_byte_in_utf8_json_lines_is_replaced_and_every_accent_kept(tmp_path):
    path = tmp_path / "wire.jsonl"
    lines = [json.dumps({"id": f"c{n}", "title": f"Café rules {n}", "body": CAFE_STORY}, ensure_ascii=False)
             for n in range(3)]
    data = "\n".join(lines).encode("utf-8").replace(b"rules 1", b"rules \xff1") + b"\n"
    path.write_bytes(data)
    home = Home(tmp_path / "home")
    store = ArticleStore(home.store_path)
    summary = ingest([path], store, home.rejects_path, now=NOW)
    assert (summary.stored, summary.rejected, summary.dropped) == (3, 0, 1)
    assert summary.as_dict()["dropped_by_reason"] == {"undecodable bytes replaced": 1}
    assert store.get("c1").title == "Café rules \ufffd1"
    assert all(store.get(f"c{n}").body == CAFE_STORY for n in range(3))
    assert [(r["input"], r["reason"]) for r in _rejects(home)] == [
        (f"{path}:2", "1 undecodable byte replaced")]


def test_a_few_bad_bytes_in_a_utf8_text_page_are_replaced_and_reported(tmp_path):
    path = tmp_path / "cafe.txt"
    path.write_bytes(f"Café owners protest\n\n{CAFE_STORY}\n\n{CAFE_STORY}\n".encode("utf-8")
                     .replace(b"Monday", b"Mon\xff\xfeday", 1))
    dropped, article = read_path(path, now=NOW)
    assert (dropped.origin, dropped.reason) == (str(path), "2 undecodable bytes replaced")
    assert article.title == "Café owners protest"
    assert article.body.startswith("Café owners in the old town protested on Mon\ufffdday")
    assert "Zoë Brønsted" in article.body and "crêperie" in article.body


def test_an_html_page_declaring_utf8_with_a_bad_byte_keeps_its_accents(tmp_path):
    path = tmp_path / "cafe.html"
    page = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Café owners protest</title>'
            f"</head><body><article><h1>Café owners protest</h1><p>{CAFE_STORY}</p>"
            f"<p>{CAFE_STORY}</p></article></body></html>")
    path.write_bytes(page.encode("utf-8").replace(b"quay", b"qu\xe9y", 1))  # one Latin-1 byte
    dropped, article = read_path(path, now=NOW)
    assert dropped.reason == "1 undecodable byte replaced"
    assert article.title == "Café owners protest" and "Zoë Brønsted" in article.body


def test_a_latin1_page_is_still_decoded_by_detection():
    decoded = decode_bytes(f"Colère des cafés\n\n{FRENCH_STORY}\n".encode("latin-1"))
    assert decoded.replaced == 0
    assert decoded.text == f"Colère des cafés\n\n{FRENCH_STORY}\n"


def test_a_latin1_json_lines_file_is_decoded_by_detection(tmp_path):
    path = tmp_path / "wire.jsonl"
    lines = [json.dumps({"title": f"Colère des cafés {n}", "body": FRENCH_STORY}, ensure_ascii=False)
             for n in range(3)]
    path.write_bytes(("\n".join(lines) + "\n").encode("latin-1"))
    items = list(read_path(path, now=NOW))
    assert [i.title for i in items] == ["Colère des cafés 0", "Colère des cafés 1", "Colère des cafés 2"]
    assert all(isinstance(i, Article) and i.body == FRENCH_STORY for i in items)


def test_a_latin1_line_among_utf8_json_lines_is_decoded_on_its_own(tmp_path):
    path = tmp_path / "wire.jsonl"
    utf8 = json.dumps({"title": "Café rules", "body": CAFE_STORY}, ensure_ascii=False).encode("utf-8")
    latin1 = json.dumps({"title": "Colère des cafés", "body": FRENCH_STORY}, ensure_ascii=False)
    path.write_bytes(utf8 + b"\n" + latin1.encode("latin-1") + b"\n")
    first, second = read_path(path, now=NOW)
    assert (first.title, second.title) == ("Café rules", "Colère des cafés")
    assert second.body == FRENCH_STORY


def test_one_stray_byte_in_a_short_utf8_line_does_not_send_it_to_detection(tmp_path):
    path = tmp_path / "wire.jsonl"
    record = json.dumps({"title": "Café on the river", "body": "The café opened on Monday."},
                        ensure_ascii=False).encode("utf-8")
    path.write_bytes(record.replace(b"Monday", b"Mon\xffday") + b"\n")
    dropped, article = read_path(path, now=NOW)
    assert dropped.reason == "1 undecodable byte replaced"
    assert (article.title, article.body) == ("Café on the river", "The café opened on Mon\ufffdday.")
