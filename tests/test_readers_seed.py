"""The seed page from ../shared: title, people, places and source tags, no boilerplate."""

from datetime import datetime, timezone

import pytest

from dateline.corpus.readers import read_path
from tests.helpers import SHARED, corpus_marks

SEED = SHARED / "seed" / "000_7d0f94760525050b.txt"
pytestmark = corpus_marks(SEED)


@pytest.fixture(scope="module")
def seed():
    [article] = read_path(SEED, now=datetime(2026, 1, 1, tzinfo=timezone.utc))
    return article


def test_seed_page_title(seed):
    assert seed.title.startswith("Moscow backs")


def test_seed_page_people(seed):
    # Lavrov (pictured, speaking) is who the story is about; Obama (addressed in a
    # quote) and Serwer (cited once, at the end) are named, and person: finds them.
    assert "Sergey Lavrov" in seed.people
    assert {"Barack Obama", "Daniel Serwer"} <= set(seed.people) | set(seed.mentioned)


def test_seed_page_places(seed):
    assert {"Russia", "United States", "Syria"} <= set(seed.places)


def test_seed_page_source_tags(seed):
    assert seed.source == "Al-Monitor"
    assert {"Reuters", "Politics"} <= set(seed.tags)


def test_seed_page_body_has_no_boilerplate_or_caption(seed):
    for furniture in ("Skip to main content", "Subscribe", "per year", "Join our community",
                      "you can trust", "REUTERS/", "RTR47KZB"):
        assert furniture not in seed.body
