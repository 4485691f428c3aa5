"""Places from text: countries, cities (tagging their country) and demonyms.

Looked up in the GeoNames-derived table (`corpus.gazetteer`). The dateline
("TOKYO, March 3 -") is the strongest signal: it is always kept, and it is
the only place a small town or a state abbreviation is trusted. A place only
in the body must be named as a place (a country or city, not only an
adjective) or named more than once, because passing mentions are what the
Reuters editors leave out ("imports from Japan" in a story about Brazil).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from corpus.gazetteer import Entry, Gazetteer, gazetteer

# A word of a name: capitalized words, "U.S.", "Cote d'Ivoire"; lower-case
# joiners only inside a name ("Bosnia and Herzegovina").
_WORD = re.compile(r"[A-Za-z][A-Za-z'’.-]*")
_JOINERS = {"and", "of", "the", "de", "da", "do", "del", "la", "el"}

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# "TOKYO, March 3 -", "ROCKFORD, Ill., March 3 (Reuters) -", "NAIROBI (AP) —"
DATELINE = re.compile(
    rf"^\s*(?P<place>[A-Z][A-Za-z .'’-]{{1,40}}?(?:,\s*[A-Z][A-Za-z. ]{{1,20}}?)?)"
    rf"\s*(?:,\s*{_MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?)?\s*(?:\((?:Reuters|AP|AFP|UPI|Bloomberg)\))?\s*[-–—]+(?:\s|$)"
)


@dataclass(frozen=True)
class PlaceMention:
    entry: Entry
    where: str  # dateline, title, body


def find_mentions(text: str, where: str, table: dict[str, Entry], longest: int):
    """Every gazetteer name in the text, longest match first, left to right."""
    words = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]
    i = 0
    while i < len(words):
        if not words[i][0][0].isupper():
            i += 1
            continue
        matched = 0
        for n in range(min(longest, len(words) - i), 0, -1):
            last = words[i + n - 1][0]
            if n > 1 and not last[0].isupper():
                continue
            if any(text[words[k][2]:words[k + 1][1]] not in (" ", "-") for k in range(i, i + n - 1)):
                continue
            found = _lookup(text[words[i][1]:words[i + n - 1][2]], table)
            if found:
                yield PlaceMention(found, where)
                matched = n
                break
        i += matched or 1


def _lookup(name: str, table: dict[str, Entry]) -> Entry | None:
    for key in (name, name.rstrip("."), re.sub(r"['’]s$", "", name)):
        if key in table:
            return table[key]
    return None


def dateline_place(text: str, gaz: Gazetteer | None = None) -> Entry | None:
    """The place of a dateline at the start of the text, if there is one."""
    gaz = gaz or gazetteer()
    match = DATELINE.match(text)
    if not match:
        return None
    parts = [p.strip() for p in match.group("place").split(",")]
    # "ROCKFORD, Ill." -> the state tells the country even when the town is unknown.
    for part in reversed(parts):
        for key in (part, part.title(), part.upper()):
            found = gaz.in_dateline.get(key)
            if found:
                return found
    return None


def extract_places(title: str, body: str, *, dateline: str | None = None) -> tuple[str, ...]:
    """Canonical place values, most certain first (dateline, title, body)."""
    gaz = gazetteer()
    mentions: list[PlaceMention] = []
    # A dateline given apart ("LONDON, March 9") is read as if it began the text.
    line = f"{dateline} -" if dateline is not None else body[:160]
    found = dateline_place(line, gaz)
    if found:
        mentions.append(PlaceMention(found, "dateline"))
    if title.isupper():  # wire headlines in capitals
        mentions += find_mentions(title.upper(), "title", gaz.upper, gaz.longest)
    else:
        mentions += find_mentions(title, "title", gaz.in_text, gaz.longest)
    mentions += find_mentions(body, "body", gaz.in_text, gaz.longest)
    return select_places(mentions)


def select_places(mentions: list[PlaceMention]) -> tuple[str, ...]:
    counts = Counter(m.entry.country for m in mentions)
    kept: dict[str, None] = {}
    for m in mentions:
        strong = m.where != "body" or m.entry.kind != "demonym" or counts[m.entry.country] > 1
        if strong:
            kept[m.entry.value] = None
            kept[m.entry.country] = None
    return tuple(kept)
