"""Finding the people an article names: names introduced by a title or role.

One pass over the runs of capitalized words; the words around a run decide
whether it is a person: a title or role ("Foreign Minister Sergey Lavrov",
"Tomas Pereira, chairman of the board", "its governor, Marta Okonjo-Reyes,
said") or speech ("said Daniel Serwer", "Ana Velloso said"). A speaker without
a title must be named in full somewhere ("Petrobras said" is not a person). A
later bare surname ("Lavrov said") is the same person, stored once in the
fullest form the article gives. Wire headlines in capitals cannot tell a name
from a word by case, so there only a title ("PRESIDENT AMOLO SAYS"), an
institution's possessive ("TREASURY'S MWANGI SAYS", "TREASURY'S MWANGI FULLY
EXPECTS") or a "he" after its verb ("OKAFOR SAYS HE", "OKAFOR REPEATS HE")
counts. A name the article uses for a company ("Haugland Shipping Corp") is the
company's.

Which of them the story is about is `corpus.extract_people`'s choice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dateline.corpus.gazetteer import Entry, gazetteer

STATE_KINDS = ("country", "alias", "historical", "demonym")
_CITY = Entry("", "city", "")  # a word that is at most a city may still be a surname

# Titles and roles that precede a name.
TITLE_PHRASES = {
    "President", "Vice President", "Prime Minister", "Premier", "Chancellor", "Minister",
    "Foreign Minister", "Finance Minister", "Trade Minister", "Oil Minister", "Defence Minister",
    "Defense Minister", "Economy Minister", "Interior Minister", "Agriculture Minister",
    "Secretary", "Secretary of State", "Treasury Secretary", "Energy Secretary",
    "Agriculture Secretary", "Commerce Secretary", "Labor Secretary", "Chairman", "Chairwoman",
    "Governor", "Senator", "Sen.", "Representative", "Rep.", "Congressman", "Ambassador",
    "Envoy", "Undersecretary", "Under Secretary", "Spokesman", "Spokeswoman", "Director General",
    "Director", "Commissioner",
    "Mayor", "King", "Queen", "Prince", "Princess", "Sheikh", "Emir", "Pope", "Cardinal",
    "Archbishop", "Bishop", "Rev.", "Gen.", "General", "Colonel", "Col.", "Admiral", "Judge",
    "Justice", "Attorney General", "Prosecutor", "Speaker", "Mr.", "Mrs.", "Ms.", "Dr.",
    "Mr", "Mrs", "Ms", "Dr", "Professor", "Prof.", "Sir", "Lord", "Lady", "Dame",
    "Opposition leader", "leader", "Chief Executive", "chief executive", "economist",
    "analyst", "spokesman", "spokeswoman", "chairman", "chairwoman", "president", "governor",
    "minister", "secretary", "director", "Deputy", "Deputy Prime Minister", "Crown Prince",
    "Fed Chairman", "Federal Reserve Chairman", "Federal Reserve Board Chairman",
    "Central Bank Governor", "central bank Governor", "central bank governor",
    # Roles written as titles in wire copy: "central bank chief Ines Albrecht",
    # "IMF head Karim Nasser", "Chancellor of the Exchequer Ruth Ambler".
    "Chancellor of the Exchequer", "Treasurer", "Trade Representative", "representative",
    "Chief of Staff", "chief of staff", "chief", "head", "commissioner", "adviser", "aide",
    "trader", "speculator", "financier", "investor", "arbitrager", "arbitrageur", "raider",
    "developer", "publisher", "magnate", "tycoon", "industrialist", "oilman",
    "central banker",
}
# Two office holders under one title: "Prime Ministers Zhao Ziyang of China and
# Anibal Cavaco Silva of Portugal" (see _PARTNER).
PLURAL_TITLES = {"Ministers", "Presidents"}
TITLE_PHRASES |= PLURAL_TITLES | {f"{kind} Ministers" for kind in ("Prime", "Foreign", "Finance", "Trade")}
TITLE_WORDS = {w for phrase in TITLE_PHRASES for w in phrase.split()}
_LOWER_TITLE_PHRASES = {t for t in TITLE_PHRASES if t.islower()} | {"manager", "rear-admiral"}
_TITLE_RE = "|".join(re.escape(t) for t in sorted(TITLE_PHRASES, key=len, reverse=True))
_COMPOUND = r"(?:based|owned|controlled|led|backed|run|style|born|made|listed|bound|area)\b"
# "Pereira", "McAllister", "Okonjo-Reyes", "Ji-woo", "O'Neill", "C."; not "Calgary-based"
_NAME_WORD = (
    rf"(?:(?:Mc|Mac)?[A-Z][a-z]+(?:-(?!{_COMPOUND})[A-Z]?[a-z]+|['’][A-Za-z]?[a-z]+)?|[A-Z]\.)"
)
# Lower-case particles inside a name: "Gerhard de Kock", "Miguel de la Madrid".
PARTICLES = {"de", "du", "del", "della", "der", "den", "van", "von", "bin", "ibn", "al", "el",
              "da", "di", "dos", "le", "la"}
_PARTICLE = "(?:" + "|".join(sorted(PARTICLES)) + ")"
# Arabic articles joined by a hyphen only: "Abu Muhammad ash-Shami" (a bare "as" is English).
_JOINED = r"(?:as|ash|ad|an|ar|at|az|ul)-"
# A run of capitalized words, the one pass over the text; context decides which are people.
_SPAN = re.compile(
    rf"{_NAME_WORD}(?:\s+(?:{_JOINED}|{_PARTICLE}[- ](?:{_PARTICLE}\s)?)?{_NAME_WORD})*"
)
_SAID_AFTER = re.compile(r"\s+(?:said|says|told|added)\b")  # "Daniel Serwer said"
_QUOTED_AFTER = re.compile(r":\s*[“\"]")  # "cite Daniel Serwer: “The airstrikes ...”"
# "its governor, Marta Okonjo-Reyes, said", "Minister of Trade, Kenji Sato, will"
_ROLE_COMMA_BEFORE = re.compile(rf"\b(?:{_TITLE_RE})(?:\s+of\s+[\w .'’-]{{1,60}}?)?,\s*$")
_APPOSITION_END = re.compile(r",|\.(?:\s|$)")  # the name set off by commas ends at one, or the sentence's end
_SAID_BEFORE = {"said", "says", "told", "cite", "quoted"}  # "said Daniel Serwer"
_SAYS_HE_AFTER = re.compile(r"\s+(?:says|said|told\s+\w+)\s+(?:he|she|his|her)\b")
# "Minister of Mines and Energy Suharsono", "Governor of the Bank of Norway Erik Lund"
_TITLE_OF_BEFORE = re.compile(
    rf"\b(?:{_TITLE_RE})\s+of\s+(?:[A-Z][\w.'’-]*\s+|and\s+|&\s+|of\s+|the\s+)*$"
)

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
    "Administration", "Agriculture", "Commerce", "Labour", "Labor", "Defence", "Defense",
    "Interior", "Health", "Education", "Transport", "Mines", "Planning", "Economy", "Economics",
    "Affairs", "Development", "Petroleum", "Works", "Tourism", "Exchequer", "Democrat",
    "Democrats", "Republican", "Republicans", "Conservatives", "Which", "While", "Although",
    "Though", "Among", "After", "Before", "Since", "When", "Where", "With", "Without", "Under",
    "Replacing", "Including", "No", "Also", "Meanwhile", "However", "Despite", "During",
    "Following", "Until", "Because", "Both", "Each", "Some", "Many", "Other", "Such", "Last",
    "Next", "First", "Then", "There", "These", "Those", "Advisor", "Adviser", "New", "Investor",
    "Financier", "Lawyer", "Attorney", "Banker", "Trader", "Economist", "Analyst", "Broker",
    "Dealer", "Sen", "Rep", "Gen", "Col", "Rev", "Prof", "Gov", "Lt", "Capt", "St",
}
# Words that make a run of capitals a company's, a body's or a place's, never a
# person's: "McDonnell Douglas Corp said", "Chemical Bank Tokyo", "Prince Edward Island".
_NOT_IN_NAMES = {
    "Co", "Corp", "Inc", "Ltd", "Plc", "PLC", "Group", "Holdings", "Holding", "Bros", "Bank",
    "Ministry", "Department", "Board", "Committee", "Council", "Commission", "Association",
    "Agency", "Exchange", "Party", "Court", "Office", "Fund", "Times", "Journal", "Daily",
    "Island", "Islands", "River", "Bay", "Lake", "Valley", "Coast", "Gulf", "Sea", "County",
    "Province", "Zone", "Airport", "Port", "Street", "University", "Institute", "Embassy", "Trust",
    "Services", "Service", "Associates", "Systems", "Securities", "Markets", "Airways", "Airlines",
    "Laboratories", "Limited", "Banks", "Bancorp", "Brothers", "Workers", "Gazette", "Star",
    "Information", "Communications", "Capital", "Realty", "Motors", "Electric", "Spa",
    "Corporation", "Industries", "Partners", "Foundation", "Center", "Centre", "International",
    "Bureau", "Banque", "Banken", "Credit", "Oy", "AG", "SA", "NV",
}
# Titles that also begin names of things: "General Motors", "General Agreement".
_WEAK_TITLES = {"General"}
_PLACE_BEFORE = {"in", "at", "from", "near"}  # "a spokesman in Frankfurt said"
_COMPANY_AFTER = re.compile(
    r"(?:\s+(?:and\s+)?[A-Z][a-z]+){0,2}\s*(?:&|and\s+Co\b|(?:Co|Corp|Inc|Ltd|Plc|PLC|Group|"
    r"Holdings?|Bros|Associates|Partners|Securities|Industries|Foundation)\b)"
)

# Headlines in capitals. "PRESIDENT AMOLO SAYS", "OIL MINISTER BOLA ADEYEMI SAID"
_HEAD_VERBS = (
    r"(?:SAYS|SAID|SEES|URGES|WARNS|OPPOSES|FORECASTS|EXPECTS|REITERATES|PREDICTS|TELLS|ASKS|"
    r"DENIES|BACKS|SUPPORTS|REJECTS|DEFENDS|WANTS|HOPES|PROPOSES|CONFIRMS|VOWS|MEETS|CONFIDENT)"
)
_HEAD_VERB = re.compile(_HEAD_VERBS)
HEAD_VERBS = frozenset(_HEAD_VERBS[3:-1].split("|"))  # {"SAYS", "SAID", ...}
_HEAD_WORD = r"[A-Z][A-Z'’-]*[A-Z]"
_HEAD_TITLES = "|".join(
    re.escape(t.upper()) for t in sorted(TITLE_PHRASES, key=len, reverse=True)
    if t[0].isupper() and not t.endswith(".")
)
HEAD_TITLED = re.compile(
    rf"\b(?:{_HEAD_TITLES})\s+(?P<name>{_HEAD_WORD}(?:\s+{_HEAD_WORD})?)(?:'S\b|\s+{_HEAD_VERBS}\b)"
)
# "TREASURY'S MWANGI SAYS", "BANK'S JOHN NJOROGE FULLY EXPECTS"; not "BANK'S
# EXPORT BONUS SAID TO", which is reported, not said.
HEAD_POSSESSED = re.compile(
    rf"[A-Z.]'S\s+(?P<name>{_HEAD_WORD}(?:\s+(?![A-Z]+LY\b){_HEAD_WORD})?)"
    rf"(?:\s+[A-Z]+LY)?\s+{_HEAD_VERBS}\b(?!\s+TO\b)"
)
# "AMARA OKAFOR SAYS HE WILL STAY": only a person is "he"
HEAD_SAYS_HE = re.compile(
    rf"(?:^|[,;:-]\s*)(?P<name>{_HEAD_WORD}(?:\s+{_HEAD_WORD})?)\s+"
    rf"(?:[A-Z]+S|SAID|TELLS\s+[A-Z]+)\s+(?:HE|SHE|HIS|HER)\b"
)
# Words a capitals headline uses for people it does not name, or for institutions.
_HEAD_NOT_NAMES = {w.upper() for w in NOT_NAMES | TITLE_WORDS} | {
    "OFFICIAL", "OFFICIALS", "SOURCE", "SOURCES", "ANALYST", "ANALYSTS", "ECONOMIST", "BANKER",
    "BANKERS", "DEALER", "DEALERS", "TRADER", "TRADERS", "EXECUTIVE", "MANAGER", "CREDITORS",
    "MINISTERS", "LEADERS", "UNIT", "FIRM", "STUDY", "REPORT", "POLL", "PANEL",
    "U.S.", "U.K.", "EC", "OPEC", "GATT", "IMF", "OECD", "NEW", "FORMER", "TOP", "SENIOR", "ACTING",
}


@dataclass
class Mention:
    name: str
    start: int  # offset in the body; -1 for the headline


def _is_title(phrase: str) -> bool:
    """'Finance Minister', 'chief executive', 'Leader' (a capitalized role), 'Chairman-elect'."""
    phrase = phrase.removesuffix("-elect")
    return phrase in TITLE_PHRASES or phrase.lower() in _LOWER_TITLE_PHRASES


# The words a title can end with: most words end none, and are passed over
# without building the phrases that would end there.
_TITLE_ENDS = {t.split()[-1] for t in TITLE_PHRASES}
_LOWER_TITLE_ENDS = {t.split()[-1] for t in _LOWER_TITLE_PHRASES}


# After the first name under a plural title: its country, then "and" and the second.
_PARTNER = re.compile(r"(?:\s+of\s+(?:the\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2})?,?\s+and\s+")


def title_length(words: list[str]) -> int:
    """How many of `words` precede the name: up to the end of the last title phrase."""
    for end in range(len(words) - 2, -1, -1):
        last = words[end].removesuffix("-elect")
        if last not in _TITLE_ENDS and last.lower() not in _LOWER_TITLE_ENDS:
            continue
        for size in range(1, min(4, end + 1) + 1):
            if _is_title(" ".join(words[end - size + 1 : end + 1])):
                return end + 1
    return 0


def role_follows(text: str, end: int) -> bool:
    """'Tomas Pereira, chairman of', 'Daniel Mwangi, the finance minister'."""
    if not text.startswith(",", end):
        return False
    words = re.findall(r"[A-Za-z.]+", text[end + 1 : end + 70])[:7]
    if words and words[0] in ("the", "a", "an"):
        words = words[1:]
    for start in range(4):
        for size in range(4, 0, -1):
            if " ".join(words[start : start + size]) in TITLE_PHRASES:
                # "Newfoundland, Prince Edward Island": a titled name begins a list item
                following = words[start + size : start + size + 1]
                return not (following and following[0][0].isupper() and following[0] != "of")
    return False


def _clean_name(words: list[str]) -> str | None:
    owners = [i for i, w in enumerate(words[:-1]) if w.endswith(("'s", "’s"))]
    if owners:  # "Industrial Bank's Taketomi": the owner is not the person
        words = words[owners[-1] + 1 :]
    words = [*words[:-1], re.sub(r"['’]s$", "", words[-1])] if words else []
    words = words[title_length(words) :]  # "Sales Manager Melvin Sims"
    if any(w in _NOT_IN_NAMES for w in words):
        return None
    while words and (words[-1] in NOT_NAMES or words[-1] in TITLE_WORDS or words[-1].islower()):
        words.pop()
    while words and (words[0] in NOT_NAMES or words[0] in TITLE_WORDS):
        words.pop(0)
    if not words or words[-1].endswith("."):
        return None
    name = " ".join(words)
    table = gazetteer().in_text
    if name in table or any(table.get(w.removesuffix("s"), _CITY).kind in STATE_KINDS
                            for w in words):
        return None  # "President Kenya", "Minister Russian": a place, not a person
    return name


def _untitled_name(words: list[str]) -> str | None:
    """A speaker without a title: a person by a full name that is not a place's
    ("Petrobras said", "the Army said", "Toronto Star said" are not people).
    A lone word is returned as it is, for `names_in` to check."""
    name = _clean_name(words)
    if not name or name.split()[0] in gazetteer().in_text:
        return None  # "Toronto Star"
    if any(w in NOT_NAMES for w in name.split()):
        return None  # "said New Harbour Board Chief Executive ...": not a name
    return name


_POSSESSIVE_END = re.compile(r"['’]s(?=\s)")


def _runs(text: str):
    """(start, text) of each run of capitalized words, cut after a possessive:
    "President Reagan's National Security Adviser Frank Carlucci" is two runs."""
    for span in _SPAN.finditer(text):
        run, begin = span.group(), 0
        for cut in _POSSESSIVE_END.finditer(run):
            yield span.start() + begin, run[begin : cut.end()]
            begin = cut.end() + len(run[cut.end():]) - len(run[cut.end():].lstrip())
        if begin < len(run):
            yield span.start() + begin, run[begin:]


def names_in(text: str) -> list[Mention]:
    """Names a title, a role or a quotation marks as people's."""
    found: list[Mention] = []
    lone: list[Mention] = []  # "Pickens said": a person if written in full elsewhere
    sure: set[str] = set()  # lone words that are people anyway
    runs: list[list[str]] = []
    for start, run in _runs(text):
        end = start + len(run)
        before = text[max(0, start - 40) : start]
        before_words = before.split()[-4:] if before[-1:].isspace() else []
        words = run.split()
        if text[start - 1 : start] == "." and words[0].endswith("."):
            words = words[1:]  # "U.S. Agriculture ...", "L.M. Ericsson": not initials
            if not words:
                continue
        if len(words) > 1:
            runs.append(words)
        title_end = title_length(before_words + words)
        if title_end and title_end >= len(before_words):
            rest = words[title_end - len(before_words) :]
            if len(rest) == 1 and (before_words + words)[title_end - 1] in _WEAK_TITLES:
                continue
            name = _clean_name(rest[:4])  # "Foreign Minister Sergey Lavrov"
            title = (before_words + words)[title_end - 1]
            if name and title in PLURAL_TITLES and (
                    partner := _PARTNER.match(text, start + run.rfind(name) + len(name))):
                second = _SPAN.match(text, partner.end())
                if second and (other := _clean_name(second.group().split()[:4])):
                    found.append(Mention(other, second.start()))
        elif " of " in before and _TITLE_OF_BEFORE.search(text, max(0, start - 60), start):
            name = _clean_name(words[-2:])  # "Minister of Mines and Energy Suharsono"
        elif before_words and (
            before_words[-1] in _SAID_BEFORE or before_words[-2:] == ["according", "to"]
        ):
            name = _untitled_name(words[:4])  # "said Daniel Serwer"
            if name and " " not in name:
                lone.append(Mention(name, start))
                continue
        elif (before_words[-1:] and before_words[-1] in _PLACE_BEFORE) or words[-1] in NOT_NAMES:
            continue  # "a spokesman in Frankfurt said", "the Reserve Bank said"
        elif _SAYS_HE_AFTER.match(text, end):
            name = _clean_name(words[-4:])  # "Sumita says he ...": only a person is "he"
            if name and " " not in name:
                lone.append(Mention(name, start))
                sure.add(name)
                continue
        elif _SAID_AFTER.match(text, end) or _QUOTED_AFTER.match(text, end):
            name = _untitled_name(words[-4:])  # "Daniel Serwer said"
            if name and " " not in name:
                lone.append(Mention(name, start))
                continue
        elif role_follows(text, end) or (
            # "its governor, Marta Okonjo-Reyes, said", "... of the central bank, Miguel Mancera."
            _APPOSITION_END.match(text, end) and _ROLE_COMMA_BEFORE.search(text, max(0, start - 90), start)
        ):
            name = _clean_name(words[-4:])  # "Tomas Pereira, chairman of"
        else:
            continue
        if name and not _COMPANY_AFTER.match(text, end):
            found.append(Mention(name, start + run.rfind(name.split()[0])))
    for mention in lone:  # "T. Boone Pickens ... Pickens told Reuters"
        full = next((n for w in runs if w[-1].startswith(mention.name)
                     and (n := _untitled_name(w[-3:])) and n.endswith(f" {mention.name}")), None)
        if full or mention.name in sure:
            found.append(Mention(full or mention.name, mention.start))
    return found


def _clean_head_name(raw: str) -> str | None:
    words = [w.removesuffix("'S").removesuffix("’S") for w in raw.split()]
    titles = [i for i, w in enumerate(words) if w.capitalize() in TITLE_WORDS]
    if titles:  # "SPOKESMAN REPEATS PRESIDENT AMOLO'S" -> "AMOLO"
        words = words[titles[-1] + 1 :]
    if not words or any(
        w in _HEAD_NOT_NAMES or _HEAD_VERB.fullmatch(w) or not re.search("[AEIOUY]", w)
        for w in words
    ):
        return None  # "JAPAN'S LDP URGES": an acronym; "OFFICIAL SAYS HE": no name
    upper = gazetteer().upper
    if " ".join(words) in upper or any(w in upper and upper[w].kind in STATE_KINDS for w in words):
        return None
    return " ".join("-".join(p.capitalize() for p in w.split("-")) for w in words)


def _names_in_capitals(headline: str) -> list[Mention]:
    found = []
    for pattern in (HEAD_TITLED, HEAD_POSSESSED, HEAD_SAYS_HE):
        for match in pattern.finditer(headline):
            raw = match.group("name")
            if match.group(0).endswith("'S"):  # "DISMISSES NORTH'S": only the owner
                raw = raw.split()[-1]
            if name := _clean_head_name(raw):
                found.append(Mention(name, -1))
    return found


def find_mentions(title: str, body: str) -> list[Mention]:
    """Every titled or quoted name, in the headline and in the body."""
    in_title = _names_in_capitals(title) if title.isupper() else names_in(title)
    return [Mention(m.name, -1) for m in in_title] + names_in(body)


def word_spots(text: str, word: str) -> list[int]:
    """Where `word` stands as a whole word in `text`."""
    found, at = [], text.find(word)
    while at >= 0:
        end = at + len(word)
        if not (at and text[at - 1].isalnum()) and not (end < len(text) and text[end].isalnum()):
            found.append(at)
        at = text.find(word, end)
    return found


def is_company(name: str, title: str, body: str) -> bool:
    """'Haugland' in an article about Haugland Shipping Corp <HSC> is the company."""
    return (
        any(_COMPANY_AFTER.match(body, at + len(name)) for at in word_spots(body, name))
        or f"<{name}" in body
        or f"{name.upper()} <" in title.upper()
    )


def merge_names(names: list[str]) -> tuple[str, ...]:
    """One canonical form per person: 'Lavrov' joins 'Sergey Lavrov'."""
    full: dict[str, str] = {}  # surname -> fullest name
    for name in names:
        surname = name.split()[-1]
        current = full.get(surname)
        if current is None or len(name.split()) > len(current.split()):
            full[surname] = name
    return tuple(dict.fromkeys(full[n.split()[-1]] for n in names))
