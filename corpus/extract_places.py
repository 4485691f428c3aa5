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

# A demonym naming a state's institutions ("the Syrian government") names the state.
_GOVERNED = re.compile(
    r"\s+(?:government|officials?|authorities|president|prime minister|ministers?|army|forces|"
    r"troops|regime|parliament|central bank|economy|capital|embassy|leaders?)\b", re.IGNORECASE)

# A place name inside another name is not a mention of the place: currencies
# ("U.S. dlrs", "Swiss francs"), companies and bodies ("Paris Club", "Santa Fe
# Southern Pacific", "<Santos Ltd>", "New York Stock Exchange").
_INSIDE_A_NAME = re.compile(
    r"\s*(?:-based\b|(?:dollars?|dlrs?|cents?|yen|francs?|marks?|stg|sterling|pounds?|crowns?|"
    r"lire|lira|guilders?|pesos?|rupees?|ringgit|rand|yuan|won|baht|schillings?|kroner?|krona|"
    r"Club|Stock|Exchange|Corp|Corporation|Co|Cos|Inc|Ltd|Plc|PLC|Group|Industries|Pacific|"
    r"Northern|Southern|Savings|Trust|Holdings?|Mines|Mining|Gas|Power|Electric|Airlines?|"
    r"Airways|Express|Times|Post|Journal|Petroleum|Resources|Energy|Motors?|Steel|Telephone|"
    r"Insurance|Brands|Foods|Chemicals?|Financial|Securities|Futures|Mercantile|Commodity|"
    r"Board|Cotton|Coffee|Sugar|Light|Edison|Bancorp|Bancshares|Banc|Federal|Life|Realty)\b)")

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
    start: int = 0  # character offset in its text
    governs: bool = False  # a demonym before "government", "officials", ...
    name: str = ""  # as written


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
            name = text[words[i][1]:words[i + n - 1][2]]
            found = _lookup(name, table)
            if found:
                after = text[words[i + n - 1][2]:words[i + n - 1][2] + 40]
                inside = text[words[i][1] - 1 : words[i][1]] == "<" or _INSIDE_A_NAME.match(after)
                if not inside:
                    yield PlaceMention(found, where, words[i][1], bool(_GOVERNED.match(after)), name)
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


def extract_places(
    title: str, body: str, *, dateline: str | None = None, people: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """Canonical place values, most certain first (dateline, title, body).

    `people`: names found in the same text; their words are not places
    ("Union leader Tomas Pereira" is not the Colombian city)."""
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
    if people:
        names = {w for person in people for w in person.split()}
        mentions = [m for m in mentions if m.name not in names or m.where == "dateline"]
    return select_places(mentions)


def select_places(mentions: list[PlaceMention]) -> tuple[str, ...]:
    """The dateline and the title always count; the body only for a place named
    twice, or a state named by its institutions ("the Syrian government")."""
    in_body = Counter(m.entry.country for m in mentions if m.where == "body")
    kept: dict[str, None] = {}
    for m in mentions:
        if m.where == "body" and in_body[m.entry.country] < 2 and not m.governs:
            continue
        kept[m.entry.value] = None
        kept[m.entry.country] = None
    return tuple(kept)
