"""Places from text: countries, cities (tagging their country) and demonyms.

Looked up in the GeoNames-derived table (`corpus.gazetteer`), with a few
English city names it lacks and without names that are English words. The
place tags a story should get are the places it is about, and where a place
is named says how sure that is:

- The dateline ("TOKYO, March 3 -") is the strongest signal: it is always
  kept, and it is the only place a small town or a state abbreviation is
  trusted. Datelines are read as wire copy writes them ("NEW YORK, MArch 9",
  "SALEM, Va", "OAKVILLE, Ontario"): an unread dateline loses the story's
  main place, and a misread region ("Ontario" the Californian city) adds a
  wrong one.
- A headline names what the story is about, so its places are kept.
- The body names many places in passing ("imports from Japan" in a story
  about Brazil, "talks in London", "French farmers"). A country counts only
  when the body names it at least twice; its own name counts fully, an
  adjective or a city half, because they name the country less surely. On
  the Reuters editors' tags this one rule is worth three points of precision
  for one of recall against "any place named twice". A state named by its
  institutions in the first paragraph ("backing the Syrian government") is
  kept at once: the lead says what the story is about.
- A name inside another name is not the place: currencies ("Swiss francs"),
  companies ("<Santos Ltd>", "Royal Dutch"), a qualifier that makes another
  place ("North American", "New Mexico"), a sea ("the Gulf of Mexico"), an
  agreement or meeting named after where it was held ("the Paris accord",
  "the Uruguay round"). In a story from the US, "Georgia" is the state.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from functools import cache
from typing import NamedTuple

from dateline.corpus.gazetteer import Entry, Gazetteer, gazetteer

# A word of a name: capitalized words, "U.S.", "Cote d'Ivoire"; lower-case
# joiners only inside a name ("Bosnia and Herzegovina").
_WORD = re.compile(r"[A-Za-z][A-Za-z'’.-]*")
_JOINERS = {"and", "of", "the", "de", "da", "do", "del", "la", "el"}

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
# In an all-caps headline a currency ("CANADIAN DLR EUROBOND") is the one sure
# case: "SWISS FRANC" news and "BRAZIL COFFEE" or "JAPAN AIRLINES" stories are
# about the country.
_INSIDE_A_NAME_UPPER = re.compile(r"\s*(?:-BASED|DLRS?|DOLLARS?)\b")
# A state named by its institutions ("the Syrian government") in a story's
# first paragraph is what the story is about.
_GOVERNED = re.compile(
    r"\s+(?:government|officials?|authorities|president|prime minister|ministers?|army|forces|"
    r"troops|regime|parliament|central bank|embassy|leaders?)\b", re.IGNORECASE)

# A word before a country's name that makes it another place: "North American",
# "Latin America", "New England", "New Mexico", "South Wales" (names in the
# table, "South Korea", "West Germany", are matched whole before this applies).
_QUALIFIERS = {"New", "North", "South", "East", "West", "Latin", "Central", "Northern",
               "Southern", "Eastern", "Western", "Upper", "Lower", "Greater", "Pan",
               "Royal"}  # "Royal Dutch" is a company
# A sea named after a country is not the country ("the Gulf of Mexico").
_WATERS = re.compile(r"\b(?:Gulf|Bay|Sea|Straits?) of $")
# An agreement or a meeting named after the city it was held in is not about
# that city ("the Paris accord", "the London talks"), nor trade talks after the
# country they opened in ("the Uruguay round").
_EVENT = re.compile(r"\s+(?:accords?|agreements?|pacts?|summit|talks|meetings?|communiques?|"
                    r"declaration|[Rr]ound)\b")
_ROUND = re.compile(r"\s+[Rr]ound\b")
_NATIONAL = ("country", "alias", "historical", "demonym")

# "TOKYO, March 3 -", "ROCKFORD, Ill., March 3 (Reuters) -", "NAIROBI (AP) —". The
# month is any word before a day number: wire copy writes "MARCH", "MArch", "Macrh".
_DATE = r"(?:[A-Za-z]{3,9}\.?\s*\d{1,2}|\d{1,2}\s+[A-Za-z]{3,9})(?:,\s*\d{4})?"
DATELINE = re.compile(
    rf"^\s*(?P<place>[A-Z][A-Za-z .'’/-]{{1,40}}?(?:,\s*[A-Z][A-Za-z. ]{{1,20}}?)?)(?![A-Za-z])"
    rf"\s*(?:,\s*{_DATE})?\s*(?:\((?:Reuters|AP|AFP|UPI|Bloomberg)\))?\s*[-–—]+(?:\s|$)"
)
# The date that ends a dateline given apart ("LONDON, MARCH 9", "RICHMOND, Va. Feb 26").
_DATE_END = re.compile(rf"[,\s-]*{_DATE}\b.*$", re.DOTALL)

# Regions a dateline names after its town, as wire copy writes them: US states
# by AP abbreviation with or without its period or by postal code ("Va", "PA",
# "Penn."), and Canada's provinces (else "Ontario" is the Californian city).
_US_STATES = ("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT "
              "NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY Ala Ariz "
              "Ark Calif Colo Conn Del Fla Ga Ill Ind Kan Ky La Md Mass Mich Minn Miss Mo Mont Neb "
              "Nev N.H. N.J. N.M. N.Y. N.C. N.D. Okla Ore Pa Penn Penna R.I. S.C. S.D. Tenn Tex Vt "
              "Va Wash W.Va Wis Wisc Wyo D.C.")
_PROVINCES = ("Ontario Ont Quebec Que British_Columbia B.C. Alberta Alta Manitoba Man Saskatchewan "
              "Sask Nova_Scotia N.S. New_Brunswick N.B. Newfoundland Nfld Prince_Edward_Island P.E.I.")


def _region_key(name: str) -> str:
    return name.upper().replace(" ", "").replace("_", "").rstrip(".")


_REGIONS = {_region_key(n): "United States" for n in _US_STATES.split()} | {
    _region_key(n): "Canada" for n in _PROVINCES.split()}
# Common forms of a town's name that the gazetteer spells otherwise.
_SPELLINGS = ((re.compile(r"^St\.?\s+", re.IGNORECASE), "St. "),
              (re.compile(r"^St\.?\s+", re.IGNORECASE), "Saint "),
              (re.compile(r"(?<=[A-Za-z])(?:ue|UE)"), "u"),  # "Duesseldorf": a German umlaut
              (re.compile(r"(?<=[A-Za-z])(?:oe|OE)"), "o"),
              (re.compile(r"^Ft\.?\s+", re.IGNORECASE), "Fort "),
              (re.compile(r"^(?:West|East|North|South)\s+", re.IGNORECASE), ""))


# English and wire-copy names of cities the GeoNames table lacks: it keeps
# other-language names only for the largest cities and drops a name two
# countries share ("Philadelphia" is also an old name of Amman).
WIRE_NAMES = {
    "Frankfurt": "Germany", "Hanover": "Germany", "Nuremberg": "Germany", "Berne": "Switzerland",
    "Basle": "Switzerland", "Lucerne": "Switzerland", "The Hague": "Netherlands",
    "Venice": "Italy", "Leghorn": "Italy", "Barcelona": "Spain", "Seville": "Spain",
    "Saragossa": "Spain", "Corunna": "Spain", "Salonika": "Greece", "Cracow": "Poland",
    "Colombo": "Sri Lanka", "Islamabad": "Pakistan", "Philadelphia": "United States",
}
# Names in the table that in English text are words or other names: "White
# House" is a translated name of Casablanca; "Sale", "Man" and "Van" are towns
# whose names are more often a word or part of a surname.
NOT_PLACES = {"White House", "Sale", "Man", "Van", "Dual", "Oral", "Mill City", "New Orange",
              "Di An", "Ha Long"}


@cache
def tables() -> Gazetteer:
    """The gazetteer with wire-copy city names added and word-like names removed."""
    gaz = gazetteer()
    in_text = {name: entry for name, entry in gaz.in_text.items() if name not in NOT_PLACES}
    in_dateline = dict(gaz.in_dateline)
    for name, country in WIRE_NAMES.items():
        entry = Entry(name, "city", country)
        in_text[name] = in_dateline[name] = in_dateline[name.upper()] = entry
    upper = dict(gaz.upper)
    for name in _PROVINCES.split():
        if "." not in name and len(name) > 4:  # "Ontario", not "Ont"
            name = name.replace("_", " ")
            in_text[name] = upper[name.upper()] = Entry(name, "region", "Canada")
    return replace(gaz, in_text=in_text, in_dateline=in_dateline, upper=upper)


# Countries whose name a story from the US uses for a state ("Jersey Central
# Power" is in New Jersey).
_COUNTRIES_THAT_ARE_STATES = dict.fromkeys(
    ("Georgia", "Jersey"), Entry("United States", "region", "United States"))


class PlaceMention(NamedTuple):
    entry: Entry
    where: str  # dateline, title, body
    start: int = 0  # character offset in its text
    name: str = ""  # as written
    governs: bool = False  # before "government", "officials", ...


def find_mentions(text: str, where: str, table: dict[str, Entry], longest: int):
    """Every gazetteer name in the text, longest match first, left to right."""
    inside_a_name = _INSIDE_A_NAME_UPPER if text.isupper() else _INSIDE_A_NAME
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
                inside = (text[words[i][1] - 1 : words[i][1]] == "<" or inside_a_name.match(after)
                          or _qualified(found, words, i, text, after))
                if not inside:
                    yield PlaceMention(found, where, words[i][1], name, bool(_GOVERNED.match(after)))
                matched = n
                break
        i += matched or 1


def _qualified(found: Entry, words: list, i: int, text: str, after: str) -> bool:
    """A name that is part of another place or of an event's name."""
    if (_ROUND if found.kind in _NATIONAL else _EVENT).match(after):
        return True
    if i == 0 or found.kind not in _NATIONAL:
        return False
    if _WATERS.search(text, max(0, words[i][1] - 20), words[i][1]):
        return True
    return text[words[i - 1][2]:words[i][1]] == " " and words[i - 1][0].title() in _QUALIFIERS


def _lookup(name: str, table: dict[str, Entry]) -> Entry | None:
    for key in (name, name.rstrip("."), re.sub(r"['’]s$", "", name)):
        if key in table:
            return table[key]
    return None


def dateline_place(text: str, gaz: Gazetteer | None = None) -> Entry | None:
    """The place of a dateline at the start of the text, if there is one."""
    match = DATELINE.match(text)
    return _place_of_dateline(match.group("place"), gaz or tables()) if match else None


def place_of_dateline(dateline: str, gaz: Gazetteer | None = None) -> Entry | None:
    """The place of a dateline given apart from the text ("NEW YORK, MARCH 9")."""
    return _place_of_dateline(_DATE_END.sub("", dateline), gaz or tables())


def _place_of_dateline(place: str, gaz: Gazetteer) -> Entry | None:
    parts = [p.strip(" *") for p in place.split(",") if p.strip(" *")]
    # "ROCKFORD, Ill." -> the state tells the country even when the town is unknown.
    for part in reversed(parts[1:]):
        country = _REGIONS.get(_region_key(part))
        found = Entry(country, "region", country) if country else _town(part, gaz)
        if found:
            return found
    for part in parts:
        for name in part.split("/"):  # "DALLAS/FORT WORTH"
            found = _town(name.strip(), gaz)
            if found:
                return found
    return None


def _town(name: str, gaz: Gazetteer) -> Entry | None:
    for key in (name, name.title(), name.upper()):
        found = gaz.in_dateline.get(key)
        if found:
            return found
    for pattern, replacement in _SPELLINGS:
        spelled = pattern.sub(replacement, name)
        if spelled != name:
            found = _town(spelled, gaz)
            if found:
                return found
    return None


def extract_places(
    title: str, body: str, *, dateline: str | None = None, people: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """Canonical place values, most certain first (dateline, title, body).

    `people`: names found in the same text; their words are not places
    ("Union leader Tomas Pereira" is not the Colombian city)."""
    gaz = tables()
    mentions: list[PlaceMention] = []
    # A dateline given apart ("LONDON, March 9") is read as if it began the text.
    found = place_of_dateline(dateline, gaz) if dateline is not None else dateline_place(body[:160], gaz)
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
    if found and found.country == "United States":
        mentions = [_as_a_state(m) for m in mentions]
    lead = body.find("\n\n")
    return select_places(mentions, lead_end=lead if lead >= 0 else len(body))


def _as_a_state(mention: PlaceMention) -> PlaceMention:
    """In a story from the US, "Georgia" is the state, not the country."""
    state = _COUNTRIES_THAT_ARE_STATES.get(mention.name.title())
    return mention._replace(entry=state) if state and mention.entry.kind == "country" else mention


# What a body mention weighs towards its country: a country's own name counts
# fully; an adjective or a city counts half, as it names the country less
# surely ("French farmers", "talks in London" in a story about Ghana).
BODY_WEIGHT = {"country": 1.0, "alias": 1.0, "historical": 1.0}
OTHER_WEIGHT = 0.5
BODY_THRESHOLD = 2.0


def select_places(mentions: list[PlaceMention], lead_end: int = 0) -> tuple[str, ...]:
    """The dateline and the title always count; the body only for a country
    it names twice (an adjective or city counting half), or by its
    institutions in the first paragraph (before `lead_end`)."""
    in_body: Counter = Counter()
    for m in mentions:
        if m.where == "body":
            weight = BODY_WEIGHT.get(m.entry.kind, OTHER_WEIGHT)
            in_body[m.entry.country] += BODY_THRESHOLD if m.governs and m.start < lead_end else weight
    kept: dict[str, None] = {}
    for m in mentions:
        if m.where == "body" and in_body[m.entry.country] < BODY_THRESHOLD:
            continue
        kept[m.entry.value] = None
        kept[m.entry.country] = None
    return tuple(kept)


def with_countries(places: Iterable[str]) -> tuple[str, ...]:
    """Places a record gives, as written, each followed by the canonical values
    the gazetteer has for it, as extraction would tag them: a city its country
    ("Moscow" -> Moscow, Russia), a former state its successor ("USSR" -> Soviet
    Union, Russia), a region or an alias its country ("Springfield, Ill.",
    "USA" -> United States). A given place is certain, so towns count too."""
    gaz = tables()
    kept: dict[str, str] = {}
    for place in places:
        kept.setdefault(place.casefold(), place)
        entry = _place_of_dateline(place, gaz)
        if entry:
            kept.setdefault(entry.value.casefold(), entry.value)
            kept.setdefault(entry.country.casefold(), entry.country)
    return tuple(kept.values())
