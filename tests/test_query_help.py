"""`dateline search --help` documents every item of the query language."""

import pytest
from tests.helpers import cli


HELP = cli("search", "--help", terminal_width=200).output


@pytest.mark.parametrize("item", [
    '"exact phrase"', '"phrase"~N', "a OR b", "NOT a", "-a", "person:", "people:", "place:",
    "places:", "source:", "tag:", "tags:", "title:", "url:", "site:", "place:(syria OR iraq)",
    'person:"sergey lavrov"', "date:2014-09-24", "date:2014-09-01..2014-10-15", "date:>=2014-09-01",
    "date:<2015", "date:2014-09..", 'date:"24 Sep 2014"', "date:last-7d", "date:last-12m",
    "$DATELINE_TZ", "config.toml", "oil*", "every article", "Did you mean", "--all-copies",
    "--format", "kwic", "--facets", "--explain", "--sort", "--page", "--limit", "--since", "--until",
])
def test_search_help_mentions(item):
    assert item in HELP
