"""HTML pages: the whole story is kept, tables as rows, and only named furniture leaves it.

Each page here is written for the test; trafilatura finds its main block, and
Dateline takes out only the furniture `corpus/furniture.py` names.
"""

from datetime import datetime, timezone

import pytest

from dateline.corpus.article import Article
from dateline.corpus.furniture import is_credit, is_pitch, is_pointer
from dateline.corpus.readers.html import read_html

LATER = datetime(2026, 1, 1, tzinfo=timezone.utc)
NAV = "<nav><a href='/'>Home</a> <a href='/sport'>Sport</a> <a href='/economy'>Economy</a></nav>"
STORY = ("<p>The harbour board said on Monday that port fees for container ships would double "
         "next year, as it borrows to pay for a second deep-water berth on the north quay.</p>"
         "<p>Shipping lines said the cost would be passed on to importers across the region, and "
         "the board said talks with the lines would go on through April and May.</p>"
         "<p>“We have no other way to pay for the berth,” the board’s chairwoman, Ann Lee, told "
         "reporters after a meeting that ran for four hours.</p>")


def _page(main: str, *, head: str = "", above: str = "", below: str = "") -> str:
    return (f"<!DOCTYPE html><html><head><title>Port fees to double</title>{head}</head><body>{NAV}"
            f"{above}<article><h1>Port fees to double</h1>{main}</article>{below}"
            "<footer>© 2025 Harbour Times. All rights reserved.</footer></body></html>")


def _body(html: str) -> str:
    [item] = read_html(html, "p.html", now=LATER)
    assert isinstance(item, Article), item
    return item.body


def test_a_results_table_in_the_story_is_kept_as_rows_of_text():
    table = ("<table><tr><th>Team</th><th>Played</th><th>Points</th></tr>"
             "<tr><td>Harbour Rovers</td><td>12</td><td>31</td></tr>"
             "<tr><td>Quayside United</td><td>12</td><td>27</td></tr></table>")
    body = _body(_page(STORY + "<p>The standings after the twelfth round:</p>" + table))
    rows = [line for line in body.splitlines() if "Rovers" in line or "Quayside" in line]
    assert len(rows) == 2
    assert all(n in rows[0] for n in ("Harbour Rovers", "12", "31"))
    assert all(n in rows[1] for n in ("Quayside United", "12", "27"))


LEAD = ("Container lines will pay twice as much to call at the harbour from January, "
        "and importers expect the cost to reach shop prices.")


def test_a_standfirst_set_apart_above_the_story_opens_the_body():
    # The page's description, shown as its own block above the article:
    # trafilatura's main block starts below it.
    head = f'<meta name="description" content="{LEAD}">'
    html = _page(STORY, head=head, above=f'<div class="header"><p class="lead">{LEAD}</p></div>')
    body = _body(html)
    assert body.startswith(LEAD)
    assert body.count("Container lines will pay") == 1
    assert "The harbour board said on Monday" in body


def test_a_description_cut_short_takes_the_whole_standfirst_it_starts():
    cut = LEAD[:70].rsplit(" ", 1)[0] + " …"
    head = f'<meta property="og:description" content="{cut}">'
    body = _body(_page(STORY, head=head, above=f'<div class="intro"><p>{LEAD}</p></div>'))
    assert body.startswith(LEAD)


def test_a_description_the_page_does_not_show_is_not_added_to_the_story():
    head = f'<meta name="description" content="{LEAD}">'
    assert LEAD not in _body(_page(STORY, head=head))
    # Shown only as a link (a teaser of this story elsewhere on the page) it is not a lead either.
    assert LEAD not in _body(_page(STORY, head=head, below=f"<aside><a href='/x'>{LEAD}</a></aside>"))


def test_a_pointer_to_another_story_is_furniture_and_a_sentence_saying_read_is_not():
    links = {"ferry crews strike over pay", "port fees to double"}
    assert is_pointer("Read also: Ferry crews strike over pay", links)
    assert is_pointer("Lea también: Ferry crews strike over pay", links)
    assert is_pointer("» Lesen Sie auch: Ferry crews strike over pay", links)
    assert not is_pointer("Read also: the board's report, published on Monday", links)  # not a link
    pointer = "<p>Read also: <a href='/ferry'>Ferry crews strike over pay</a></p>"
    body = _body(_page(STORY.replace("</p>", "</p>" + pointer, 1)))
    assert "Ferry crews strike" not in body and "Shipping lines said" in body


# Headlines as long as these, one link a paragraph, are kept by trafilatura.
RELATED = ("<p><a href='/a'>Ferry crews strike over pay in Lisbon as talks with the operator "
           "break down</a></p><p><a href='/b'>Grain deal signed at the port of Santos after a year "
           "of negotiations with buyers</a></p>")


def test_a_box_of_related_links_after_the_story_is_furniture():
    body = _body(_page(STORY + "<h3>Related stories</h3>" + RELATED))
    assert body.endswith("told reporters after a meeting that ran for four hours.")
    assert "Related stories" not in body and "Grain deal" not in body


def test_links_that_end_the_text_one_headline_a_line_are_furniture():
    tail = RELATED
    body = _body(_page(STORY + tail))
    assert "Ferry crews" not in body and "Grain deal" not in body
    # A link inside a paragraph of the story is the story's.
    linked = STORY.replace("second deep-water berth", "<a href='/berth'>second deep-water berth</a>")
    assert "second deep-water berth" in _body(_page(linked + tail))


@pytest.mark.parametrize("line", [
    "Never miss the latest news by signing up to our newsletter today!",
    "Follow us on Instagram for pictures from the quay every morning!",
    "Download our app for iOS and Android.",
    "Zum Newsletter anmelden",
])
def test_a_pitch_for_the_sites_own_channels_is_furniture(line):
    assert is_pitch(line)
    assert line not in _body(_page(STORY + f"<p>{line}</p>"))


@pytest.mark.parametrize("line", [
    "The Harbour Times said subscribers would pay more from March.",
    "The port's newsletter, sent to 4,000 shippers, first reported the rise.",
])
def test_a_sentence_of_the_story_about_subscribers_or_a_newsletter_is_kept(line):
    assert not is_pitch(line)
    assert line in _body(_page(STORY + f"<p>{line}</p>"))


def test_a_credit_line_is_furniture_and_a_sentence_naming_a_photographer_is_not():
    assert is_credit("Photo: Ann Lee / Harbour Times")
    assert is_credit("Crédits photos : Harbour Times")
    assert not is_credit("Photographs taken by Ann Lee on Monday show the berth under water.")
    body = _body(_page(STORY + "<p>Photo: Ann Lee / Harbour Times</p>"))
    assert "Photo:" not in body


def test_the_headline_repeated_at_the_top_of_the_text_is_left_to_the_title():
    [article] = read_html(_page(f"<p>Port fees to double</p>{STORY}"), "p.html", now=LATER)
    assert article.title == "Port fees to double"
    assert article.body.startswith("The harbour board said on Monday")
