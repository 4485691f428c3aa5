"""People from text: names introduced by a title or role, then their surnames.

"Foreign Minister Sergey Lavrov", "President Barack Obama", "Paul Volcker,
chairman of the Federal Reserve", "said Daniel Serwer". A later bare surname
("Lavrov said") is the same person, and every person is stored once, in one
canonical form (the fullest name the article gives).
"""

from __future__ import annotations

import re

from corpus.gazetteer import Entry, gazetteer

_STATE_KINDS = ("country", "alias", "historical", "demonym")
_CITY = Entry("", "city", "")  # a word that is at most a city may still be a surname

# Titles and roles that precede a name; longest first so "Prime Minister"
# wins over "Minister".
TITLE_PHRASES = sorted(
    {
        "President", "Vice President", "Prime Minister", "Premier", "Chancellor", "Minister",
        "Foreign Minister", "Finance Minister", "Trade Minister", "Oil Minister", "Defence Minister",
        "Defense Minister", "Economy Minister", "Interior Minister", "Agriculture Minister",
        "Secretary", "Secretary of State", "Treasury Secretary", "Energy Secretary",
        "Agriculture Secretary", "Commerce Secretary", "Labor Secretary", "Chairman", "Chairwoman",
        "Governor", "Senator", "Sen.", "Representative", "Rep.", "Congressman", "Ambassador",
        "Envoy", "Spokesman", "Spokeswoman", "Director General", "Director", "Commissioner",
        "Mayor", "King", "Queen", "Prince", "Princess", "Sheikh", "Emir", "Pope", "Cardinal",
        "Archbishop", "Bishop", "Rev.", "Gen.", "General", "Colonel", "Col.", "Admiral", "Judge",
        "Justice", "Attorney General", "Prosecutor", "Speaker", "Mr.", "Mrs.", "Ms.", "Dr.",
        "Mr", "Mrs", "Ms", "Dr", "Professor", "Prof.", "Sir", "Lord", "Lady", "Dame",
        "Opposition leader", "leader", "Chief Executive", "chief executive", "economist",
        "analyst", "spokesman", "spokeswoman", "chairman", "chairwoman", "president", "governor",
        "minister", "secretary", "director", "Deputy", "Deputy Prime Minister", "Crown Prince",
        "Fed Chairman", "Federal Reserve Chairman", "Federal Reserve Board Chairman",
        "Central Bank Governor", "central bank Governor", "central bank governor",
    },
    key=len,
    reverse=True,
)
_TITLE_WORDS = {w for phrase in TITLE_PHRASES for w in phrase.split()}
_NAME_WORD = r"(?:[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?|[A-Z]\.)"
_NAME = rf"(?P<name>{_NAME_WORD}(?:\s+(?:(?:de|van|von|bin|al|el|ash|as|ad|da|di|le|la)[- ])?{_NAME_WORD}){{0,3}})"
_TITLE_RE = "|".join(re.escape(t) for t in TITLE_PHRASES)
# "Foreign Minister Sergey Lavrov", "President Reagan"
TITLED_NAME = re.compile(rf"\b(?:{_TITLE_RE})\s+{_NAME}")
# "Paul Volcker, chairman of", "Daniel Mwangi, the finance minister"
NAME_THEN_ROLE = re.compile(
    rf"{_NAME},\s+(?:the\s+|a\s+|an\s+)?(?:[a-zA-Z.]+\s+){{0,3}}?(?:{_TITLE_RE})\b"
)
# "said Daniel Serwer", "Daniel Serwer said", "cite Daniel Serwer:"
SAID_NAME = re.compile(rf"\b(?:said|told|says|according to|cite)\s+{_NAME}\b")
NAME_SAID = re.compile(rf"{_NAME}\s+(?:said|says|told|added)\b")
# "Let me cite in this regard Daniel Serwer: “The airstrikes ...”"
NAME_QUOTED = re.compile(rf"{_NAME}:\s*[“\"]")

# Capitalized words that start sentences or name things, never a person.
NOT_NAMES = {
    "The", "A", "An", "In", "On", "At", "He", "She", "It", "They", "We", "This", "That", "But",
    "And", "If", "As", "For", "Of", "To", "By", "His", "Her", "Their", "Its", "Officials",
    "Analysts", "Sources", "Traders", "Dealers", "Mr", "Mrs", "Ms", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October", "November", "December",
    "Bank", "Corp", "Co", "Inc", "Ltd", "Group", "Company", "Ministry", "Department", "Board",
    "Reserve", "Federal", "Fed", "Treasury", "Government", "Congress", "Parliament", "House",
    "Senate", "Committee", "Council", "Commission", "Union", "Association", "Agency", "News",
    "Exchange", "Street", "Wall", "Party", "National", "International", "General", "Security",
    "Court", "State", "Secretary", "President", "Minister", "Chairman", "Spokesman", "Reuters",
    "Islamic", "United", "Nations", "Assembly", "Office", "Economic", "Trade", "Foreign",
    "Finance", "Central", "Oil", "Energy", "Industry", "Industries", "Financial", "Times",
    "Journal", "Post", "Daily", "Monetary", "Fund", "Opposition", "Director", "Executive",
}


def _clean_name(raw: str) -> str | None:
    words = raw.split()
    titles = [i for i, w in enumerate(words) if w in _TITLE_WORDS]
    if titles:  # "Addressing President Barack Obama" -> "Barack Obama"
        words = words[titles[-1] + 1 :]
    while words and (words[-1] in NOT_NAMES or words[-1] in _TITLE_WORDS):
        words.pop()
    while words and (words[0] in NOT_NAMES or words[0] in _TITLE_WORDS):
        words.pop(0)
    if not words or words[-1].endswith("."):
        return None
    name = " ".join(words)
    table = gazetteer().in_text
    if name in table or any(table.get(w.removesuffix("s"), _CITY).kind in _STATE_KINDS for w in words):
        return None  # "President Kenya", "Minister Russian": a place, not a person
    return name


def extract_people(title: str, body: str) -> tuple[str, ...]:
    """People named in the article, each once, in the fullest form given."""
    text = f"{title}\n{body}" if not title.isupper() else body
    found: list[str] = []
    for pattern in (TITLED_NAME, NAME_THEN_ROLE, SAID_NAME, NAME_SAID, NAME_QUOTED):
        for match in pattern.finditer(text):
            name = _clean_name(re.sub(r"['’]s$", "", match.group("name") or ""))
            if name:
                found.append(name)
    return merge_names(found)


def merge_names(names: list[str]) -> tuple[str, ...]:
    """One canonical form per person: 'Lavrov' joins 'Sergey Lavrov'."""
    full: dict[str, str] = {}  # surname -> fullest name
    for name in names:
        surname = name.split()[-1]
        current = full.get(surname)
        if current is None or len(name.split()) > len(current.split()):
            full[surname] = name
    return tuple(dict.fromkeys(full[n.split()[-1]] for n in names))
