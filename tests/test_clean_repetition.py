"""Boilerplate by repetition: lines on most pages of one site's folder are removed."""

import json

from corpus import ArticleStore, ingest
from tests.conftest import NOW

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
