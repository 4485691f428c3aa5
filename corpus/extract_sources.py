"""Source tags: the publisher, the wire agencies credited, and topic tags.

The publisher comes from page metadata (og:site_name), else from the site's
own furniture ("all of Example News", "© 2025 Example News"), else
from the URL's site. Agencies are credited in datelines ("(Reuters) -"),
sign-offs ("Reporting by …") and photo captions.
"""

from __future__ import annotations

import re

from dateline.corpus.article import site_of

AGENCIES = {
    "reuters": "Reuters", "ap": "AP", "associated press": "AP", "afp": "AFP",
    "agence france-presse": "AFP", "upi": "UPI", "bloomberg": "Bloomberg", "xinhua": "Xinhua",
    "dpa": "dpa", "anadolu": "Anadolu", "efe": "EFE", "ansa": "ANSA", "kyodo": "Kyodo",
    "tass": "TASS", "itar-tass": "TASS", "interfax": "Interfax", "pti": "PTI",
}
_AGENCY_ALT = "|".join(sorted((re.escape(k) for k in AGENCIES), key=len, reverse=True))
# "NAIROBI, Jan 8 (Reuters) -", "(AP) —", "— AFP"
_CREDIT = re.compile(rf"\((?P<a>{_AGENCY_ALT})\)\s*[-–—]|[-–—]\s*(?P<b>{_AGENCY_ALT})\s*$",
                     re.IGNORECASE | re.MULTILINE)
_SIGN_OFF = re.compile(r"\((?:Reporting|Writing|Editing) by [^)]*\)", re.IGNORECASE)
_REPORTED = re.compile(rf"\b(?P<a>{_AGENCY_ALT}) (?:reported|news agency said)\b", re.IGNORECASE)

# Furniture that names the publisher. A word may hold a period ("Example.com")
# but a name ends at one ("© 2025 Harbour Times. All rights reserved.").
_NAME_WORD = r"[A-Z][\w&'’-]*(?:\.[\w&'’-]+)*"
_PUBLISHER_LINES = [
    re.compile(rf"\ball of (?P<name>{_NAME_WORD}(?:[ -]{_NAME_WORD}){{0,3}})"),
    re.compile(rf"(?:©|\(c\)|copyright)\s*(?:\d{{4}}\s*[-–]?\s*)?(?:\d{{4}}\s*)?(?P<name>{_NAME_WORD}(?: {_NAME_WORD}){{0,3}})", re.IGNORECASE),
]


def agencies_credited(body: str) -> list[str]:
    found: list[str] = []
    for match in _CREDIT.finditer(body):
        found.append(AGENCIES[(match.group("a") or match.group("b")).lower()])
    for match in _REPORTED.finditer(body):
        found.append(AGENCIES[match.group("a").lower()])
    if _SIGN_OFF.search(body):
        found.append("Reuters")  # the "(Reporting by …; Editing by …)" sign-off is Reuters house style
    return list(dict.fromkeys(found))


def publisher(*, sitename: str | None = None, furniture: list[str] = (), url: str | None = None) -> str | None:
    """The publisher's name, from the most to the least reliable evidence."""
    if sitename and sitename.strip():
        return sitename.strip()
    for line in furniture:
        for pattern in _PUBLISHER_LINES:
            match = pattern.search(line)
            if match and match.group("name").lower() not in ("rights", "reserved", "the"):
                return match.group("name").rstrip(".,")
    return site_of(url)


def split_tags(values) -> list[str]:
    """Metadata tags, however the page lists them ('a, b', ['a', 'b'])."""
    tags: list[str] = []
    for value in values or ():
        for part in re.split(r"[,;|]", value or ""):
            part = part.strip()
            if part and len(part) <= 60:
                tags.append(part)
    return tags
