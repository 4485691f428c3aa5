"""Field extraction for inputs that do not carry the field.

Each extractor falls back in order and says where its answer came from, so a
user can tell a publication date from a guess. `article_from_page` is the one
entry point the page readers (raw text, HTML, WARC) use: it turns what a
reader found on a page into an Article with date, people, places and tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime

from dateline.corpus.article import Article, Rejected, make_id
from dateline.corpus.bylines import NOT_A_NAME, credited_author
from dateline.corpus.clean import Caption
from dateline.corpus.dates import DateParseError, parse_article_date
from dateline.corpus.extract_people import subjects_and_mentioned
from dateline.corpus.extract_places import extract_places
from dateline.corpus.extract_sources import agencies_credited, publisher

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
# "September 24, 2014", "24 September 2014", "2014-09-24"
_DATE_IN_TEXT = re.compile(
    rf"\b(?:{_MONTHS}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTHS}\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\b"
)
# A line that only states when the page was published: "Published on January 8,
# 2025", "Posted: Wednesday, 8 January 2025 at 10:30", "Updated 2025-01-09".
_DATE = rf"(?:{_MONTHS}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTHS}\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
_DATE_LINE = re.compile(
    rf"(?:(?P<label>(?:first\s+)?published|posted|(?:last\s+)?updated|date)(?:\s+on)?\s*:?\s*)?"
    rf"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?(?P<date>{_DATE})"
    rf"(?:,?\s+(?:at\s+)?\d{{1,2}}[:.]\d{{2}}(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{{2,5}})?)?\.?",
    re.IGNORECASE)
_BYLINE = re.compile(r"by\s+[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|and|&|de|van|von)){0,5}", re.IGNORECASE)
# A line that is only a byline: "By" and a capitalized name of two to five
# words (a weekday or month first is a date: "By Tuesday Morning" is not one).
# Stricter than _BYLINE, which only has to tell a date line's other part from
# text; this one names the author, so it must be a name.
_BYLINE_ONLY = re.compile(
    rf"By\s+(?P<name>{NOT_A_NAME}[A-Z][\w.'’-]*"
    r"(?:\s+(?:[A-Z][\w.'’-]*|and|&|de|da|del|della|der|di|du|la|le|van|von|al|bin|ibn)){1,4})")
_LINE_PARTS = re.compile(r"\s+[|•·–—-]\s+|\s*\|\s*")
# "/2025/01/08/", "/2025-01-08-", "/20250108/"
_DATE_IN_URL = re.compile(r"/((?:19|20)\d{2})[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:[/-]|\b)")
# "TOKYO, March 3 -", "ROCKFORD, Ill., March 3, 2014 (Reuters) -"
_DATELINE_DATE = re.compile(
    rf"^[A-Z][A-Za-z .'’-]{{1,40}},(?:\s*[A-Z][A-Za-z. ]{{1,20}},)?\s*(?P<md>{_MONTHS}\s+\d{{1,2}})"
    rf"(?:,\s*(?P<year>\d{{4}}))?\s*(?:\([A-Za-z]+\)\s*)?[-–—]"
)

# A wire dateline opening the text: "LISBON, June 11 (Reuters) -", "ROCKFORD, Ill.,
# March 3, 2014 -", "NAIROBI (AP) —": a place in capitals (perhaps with its state),
# then a date, an agency's credit or both, then a dash.
_WIRE_DATELINE = re.compile(
    rf"(?P<dateline>[A-Z][A-Z.'’/-]*(?: [A-Z][A-Z.'’/-]*){{0,3}}(?:,\s*[A-Z][A-Za-z.]{{1,12}})?"
    rf"(?:,\s*(?P<date>{_MONTHS}\s+\d{{1,2}}(?:,\s*\d{{4}})?))?)\s*(?P<agency>\([A-Za-z .-]{{2,30}}\))?"
    rf"\s*[-–—]+\s")

MIN_BODY_CHARS = 80


@dataclass
class Page:
    """What a page reader found, before extraction fills in the fields."""

    title: str
    body: str
    origin: str
    url: str | None = None
    captions: list[Caption] = field(default_factory=list)
    furniture: list[str] = field(default_factory=list)  # removed boilerplate (may name the publisher)
    sitename: str | None = None
    tags: list[str] = field(default_factory=list)
    metadata_date: str | None = None  # from the page's own markup
    stated_date: str | None = None  # from a line that only states it ("Published on January 8, 2025")
    author: str | None = None
    crawl_date: datetime | None = None  # when the crawler fetched it (WARC-Date)


def date_line(line: str) -> tuple[str, bool] | None:
    """(the date, whether it is an update) when a line only says when the page was
    published, perhaps beside a byline ("By Ann Lee | Published on January 8,
    2025"): furniture, and the page's date."""
    parts = [p.strip() for p in _LINE_PARTS.split(line.strip()) if p.strip()]
    dates = [m for p in parts if (m := _DATE_LINE.fullmatch(p))]
    if len(dates) != 1 or not all(_DATE_LINE.fullmatch(p) or _BYLINE.fullmatch(p) for p in parts):
        return None
    label = (dates[0].group("label") or "").lower()
    return dates[0].group("date"), label.endswith("updated")


def byline(line: str) -> str | None:
    """The author's name when a line is only a byline, perhaps beside the date
    ("By Ann Lee", "By Ann Lee | Published on January 8, 2025"): furniture."""
    parts = [p.strip() for p in _LINE_PARTS.split(line.strip()) if p.strip()]
    if not parts or not all(_DATE_LINE.fullmatch(p) or _BYLINE_ONLY.fullmatch(p) for p in parts):
        return None
    names = [m.group("name") for p in parts if (m := _BYLINE_ONLY.fullmatch(p))]
    return names[0] if len(names) == 1 else None


def stated_date(lines: list[str]) -> str | None:
    """The publication date the page's date lines state (not an update, unless that is all)."""
    found = [date_line(line) for line in lines]
    found = [f for f in found if f]
    published = [text for text, update in found if not update]
    return (published or [text for text, _ in found] or [None])[0]


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


def wire_dateline(body: str) -> str | None:
    """The dateline that opens a text, as the Reuters reader stores one: "LISBON, June 11"."""
    match = _WIRE_DATELINE.match(body)
    if not match or not (match.group("date") or match.group("agency")):
        return None
    return match.group("dateline").strip(" ,") or None


def url_date(url: str | None, *, now: datetime) -> datetime | None:
    match = _DATE_IN_URL.search(url or "")
    if not match:
        return None
    try:
        return parse_article_date("-".join(match.groups()), now=now)
    except DateParseError:
        return None


def dateline_date(body: str, *, year_of: datetime | None, now: datetime) -> datetime | None:
    """A dateline's date; one without a year takes the year of a known reference date."""
    match = _DATELINE_DATE.match(body)
    if not match:
        return None
    year = match.group("year") or (year_of.year if year_of else None)
    if year is None:
        return None
    try:
        date = parse_article_date(f"{match.group('md')} {year}", now=now)
    except DateParseError:
        return None
    return date if year_of is None or date <= year_of else None


def page_date(page: Page, *, now: datetime) -> tuple[datetime | None, str | None]:
    """Metadata first, then a 'Published on …' line, then the URL, then a dateline,
    then the text, then the crawl."""
    if page.metadata_date:
        try:
            return parse_article_date(page.metadata_date, now=now), "metadata"
        except DateParseError:
            pass  # implausible or unreadable markup: fall back to weaker evidence
    if page.stated_date:
        try:
            return parse_article_date(page.stated_date, now=now), "text"
        except DateParseError:
            pass
    if found := url_date(page.url, now=now):
        return found, "url"
    if found := dateline_date(page.body, year_of=page.crawl_date, now=now):
        return found, "dateline"
    found, source = extract_date(page.body, captions=[c.text for c in page.captions], now=now)
    if found:
        return found, source
    if page.crawl_date and page.crawl_date <= now:
        return page.crawl_date, "crawl"
    return None, None


def article_from_page(page: Page, *, now: datetime) -> Article | Rejected:
    credited, body = credited_author(page.body)  # a byline run into the text leaves it
    page = replace(page, body=body, author=page.author or credited)
    if len(page.body) < MIN_BODY_CHARS:
        return Rejected(page.origin, f"not an article (body under {MIN_BODY_CHARS} characters)")
    if not page.title:
        return Rejected(page.origin, "no title")
    date, date_source = page_date(page, now=now)
    tags = [*agencies_credited(page.body)]
    for caption in page.captions:
        tags += [caption.agency, *caption.tags]
    tags += page.tags
    captions = tuple(c.text for c in page.captions)
    people, mentioned = subjects_and_mentioned(page.title, page.body, captions)
    return Article(
        id=make_id(page.url, page.title, page.body),
        url=page.url,
        title=page.title,
        body=page.body,
        date=date,
        date_source=date_source,
        people=people,
        places=extract_places(page.title, page.body, people=people),
        source=publisher(sitename=page.sitename, furniture=page.furniture, url=page.url),
        tags=tuple(_unique(tags)),
        origin=page.origin,
        mentioned=mentioned,
        author=page.author,
        dateline=wire_dateline(page.body),
        people_from_text=True,
    )


def _unique(values) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        if value and value.casefold() not in seen:
            seen[value.casefold()] = value
    return list(seen.values())
