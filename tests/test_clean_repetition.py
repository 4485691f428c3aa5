"""Boilerplate by repetition: lines on most pages of one site's folder are removed."""

import json

from dateline.corpus import ArticleStore, ingest
from tests.helpers import NOW

STORY = ("The river authority said on Monday that water levels in the upper basin had fallen "
         "for the {n}th week running, and barge operators cut loads by a third.")


def test_a_line_repeated_across_a_sites_pages_leaves_every_body(tmp_path):
    site = tmp_path / "crawl" / "rivernews"
    site.mkdir(parents=True)
    for n in range(5):
        (site / f"p{n}.txt").write_text(
            f"River levels fall for week {n}\n\n{STORY.format(n=n + 4)}\n\n"
            "Our reporters bring you the rivers, every single day of the year\n")
    store = ArticleStore(tmp_path / "a.sqlite")
    summary = ingest([tmp_path / "crawl"], store, tmp_path / "r.jsonl", now=NOW)
    assert summary.stored == 5
    for article in store:
        assert "Our reporters bring you" not in article.body
        assert article.body.startswith("The river authority said")


def test_a_line_on_few_pages_is_kept(tmp_path):
    site = tmp_path / "crawl"
    site.mkdir()
    (site / "p0.txt").write_text(f"Title\n\n{STORY.format(n=4)}\n\nA closing line of the story.\n")
    (site / "p1.txt").write_text(f"Other\n\n{STORY.format(n=5)}\n\nA closing line of the story.\n")
    store = ArticleStore(tmp_path / "a.sqlite")
    ingest([site], store, tmp_path / "r.jsonl", now=NOW)
    assert all(a.body.endswith("A closing line of the story.") for a in store)
    assert json  # noqa


WIRE = [
    "LISBON, June 11 (Reuters) - Ferry crews across the Tagus walked out on Tuesday over pay, "
    "leaving thousands of commuters to find another way across the river.",
    "The union said the strike would last 48 hours and that talks with the operator had "
    "broken down after the company offered a rise of two percent.",
    "The operator said it would run a reduced timetable on its busiest routes and urged "
    "passengers to check its website before travelling.",
    "Commuters queued for buses and taxis on both banks of the river, and traffic on the "
    "bridges was heavy through the morning rush.",
]
SITES = ["Harbour Times", "Quay Post", "River Ledger", "Island Daily"]


def _wire_copies(folder):
    for n, site in enumerate(SITES):
        (folder / f"copy{n}.txt").write_text(
            f"Ferry crews strike over pay, as told by {site}\n\n" + "\n\n".join(WIRE)
            + f"\n\nRead more island news from {site} every morning\n")


def test_copies_of_one_wire_story_in_one_folder_are_kept_and_grouped(tmp_path):
    folder = tmp_path / "crawl"
    folder.mkdir()
    _wire_copies(folder)
    store = ArticleStore(tmp_path / "a.sqlite")
    summary = ingest([folder], store, tmp_path / "r.jsonl", now=NOW)
    assert (summary.stored, summary.rejected) == (4, 0)
    articles = list(store)
    assert all(a.body.startswith("LISBON, June 11 (Reuters) - Ferry crews") for a in articles)
    assert all(a.body.count("\n\n") == 3 for a in articles)
    clusters = {a.cluster for a in articles}
    assert len(clusters) == 1 and None not in clusters


def test_a_sites_furniture_is_still_removed_beside_copies_of_a_wire_story(tmp_path):
    folder = tmp_path / "crawl"
    folder.mkdir()
    _wire_copies(folder)
    for n in range(4):
        (folder / f"p{n}.txt").write_text(
            f"River levels fall for week {n}\n\n{STORY.format(n=n + 4)}\n\n"
            "Our reporters bring you the rivers, every single day of the year\n")
    store = ArticleStore(tmp_path / "a.sqlite")
    summary = ingest([folder], store, tmp_path / "r.jsonl", now=NOW)
    assert summary.stored == 8
    for article in store:
        assert "Our reporters bring you" not in article.body
        assert article.body.startswith(("The river authority said", "LISBON, June 11"))
