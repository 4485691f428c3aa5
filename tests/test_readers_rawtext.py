"""Raw text pages: the masthead above the headline is the site's, not the title."""

from dateline.corpus.readers.rawtext import read_rawtext
from tests.helpers import NOW

HEADLINE = "Ferry operator orders two electric boats for the island route"
STORY = ("The island ferry company said on Tuesday it had ordered two electric boats from a yard "
         "in the north, to enter service on the harbour route next spring.\n\n"
         "The boats will carry 300 passengers each and charge at the quay overnight, the company "
         "said, cutting its fuel bill by more than half.\n")
WRAPPED = ("The island ferry company said on Tuesday it had ordered two electric\n"
           "boats from a yard in the north, to enter service on the harbour route\n"
           "next spring, and that the boats would charge at the quay overnight.\n")


def _read(text):
    [article] = read_rawtext(text, "page.txt", now=NOW)
    return article


def test_a_masthead_named_by_the_copyright_line_is_not_the_title():
    article = _read(f"Harbour Times | Your town, every day\n\n{HEADLINE}\n\n{STORY}\n"
                    "© 2025 Harbour Times. All rights reserved.\n")
    assert article.title == HEADLINE
    assert article.body.startswith("The island ferry company said")
    assert "Your town" not in article.body and article.source == "Harbour Times"


def test_a_name_and_tagline_above_a_headline_is_a_masthead_without_a_copyright_line():
    article = _read(f"Harbour Times - Your town, every day\nHome | Island | Harbour | Weather\n\n"
                    f"{HEADLINE}\n\n{STORY}")
    assert article.title == HEADLINE
    assert article.source == "Harbour Times"
    assert "Your town" not in article.body and "Weather" not in article.body


def test_the_publishers_name_after_the_headline_is_taken_off_the_title():
    article = _read(f"{HEADLINE} | Harbour Times\n\n{STORY}\n© 2025 Harbour Times. All rights reserved.\n")
    assert article.title == HEADLINE


def test_a_headline_with_a_dash_above_the_story_stays_the_title():
    for story in (STORY, WRAPPED):
        article = _read(f"Island ferries - two electric boats ordered\n\n{story}")
        assert article.title == "Island ferries - two electric boats ordered"
        assert article.body.startswith("The island ferry company said")


def test_a_text_page_that_is_a_paywall_stub_or_an_error_page_is_rejected():
    from dateline.corpus.article import Rejected

    stub = ("Port fees to double next year\n\nThis article is for subscribers only.\n"
            "Subscribe now for unlimited access to the Harbour Times, from only $1 a week.\n"
            "Already a subscriber? Log in\n")
    missing = ("Page not found\n\nSorry, the page you were looking for could not be found. It may "
               "have been moved or deleted; try the search box above.\n")
    for text, reason in ((stub, "not an article: a paywall stub"),
                         (missing, "not an article: an error page ('Page not found')")):
        [rejected] = read_rawtext(text, "page.txt", now=NOW)
        assert isinstance(rejected, Rejected) and rejected.reason == reason


def test_a_story_line_that_begins_with_copyright_is_kept_and_the_copyright_line_is_not():
    line = "Copyright lawyers say the ruling will change how newspapers license photos."
    article = _read(f"Court rules on news photos\n\n{STORY}\n{line}\n\n"
                    "Copyright 2025 Harbour Times\n© 2025 Harbour Times. All rights reserved.\n")
    assert article.body.endswith(line)
    assert "Copyright 2025" not in article.body and "All rights reserved" not in article.body
    assert article.source == "Harbour Times"


def test_a_published_on_line_dates_the_page_and_leaves_the_body():
    from datetime import datetime, timezone

    text = (f"{HEADLINE}\nBy Ann Lee | Published on January 8, 2025\nUpdated January 9, 2025\n\n"
            "The ferry company said the boats ordered on December 2, 2024 would be delivered in "
            "the spring, and that crews would train on the harbour route first.\n")
    [article] = read_rawtext(text, "page.txt", now=datetime(2026, 1, 1, tzinfo=timezone.utc))
    assert (article.date.date().isoformat(), article.date_source) == ("2025-01-08", "text")
    assert article.body.startswith("The ferry company said") and "Published on" not in article.body
    assert "Updated" not in article.body


def test_a_byline_line_names_the_author_and_leaves_the_body():
    dated = _read(f"{HEADLINE}\nBy Ann Lee | Published on January 8, 2025\n\n{STORY}")
    alone = _read(f"{HEADLINE}\nBy Tomás de la Vega\n\n{STORY}")
    assert (dated.author, alone.author) == ("Ann Lee", "Tomás de la Vega")
    assert dated.body == alone.body == STORY.strip()
    for line in ("By Tuesday Morning", "By the harbour wall", "Photo by Ann Lee"):
        assert _read(f"{HEADLINE}\n{line}\n\n{STORY}").author is None
    assert _read(f"{HEADLINE}\n\n{STORY}").author is None


def test_a_text_pages_wire_dateline_is_stored_as_its_dateline():
    article = _read(f"{HEADLINE}\n\nNAIROBI, March 12 (Reuters) - {STORY}")
    assert article.dateline == "NAIROBI, March 12"
    assert _read(f"{HEADLINE}\n\n{STORY}").dateline is None
