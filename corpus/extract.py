"""Field extraction from text, for inputs that do not carry the field.

Each extractor falls back in order and says where its answer came from, so a
user can tell a publication date from a guess.
"""

from __future__ import annotations

import re
from datetime import datetime

from corpus.dates import DateParseError, parse_article_date

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
# "September 24, 2014", "24 September 2014", "2014-09-24"
_DATE_IN_TEXT = re.compile(
    rf"\b(?:{_MONTHS}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTHS}\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\b"
)


def extract_date(
    body: str, *, captions: list[str] = (), now: datetime
) -> tuple[datetime | None, str | None]:
    """The first plausible full date written in the text, then in captions."""
    for source, text in (("text", body), *(("caption", c) for c in captions)):
        for match in _DATE_IN_TEXT.finditer(text):
            try:
                return parse_article_date(match.group(0), now=now), source
            except DateParseError:
                continue
    return None, None
