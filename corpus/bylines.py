"""Authors credited in a story's own text, and one spelling for a credit.

Wire copy credits its reporters in the text when the page has no byline
field: a byline run into the first line ("By Ann Lee WASHINGTON (Reuters) -")
or a credit at the end ("(Reporting by Ann Lee in Paris and Tom Ray;
Editing by Bo Li)"). Editors are not authors. Several authors are written
"Ann Lee; Tom Ray", as trafilatura writes an HTML page's, and the index
takes each as one value of `author:`.
"""

from __future__ import annotations

import re

_WORD = r"(?:[A-Z][\w'’-]*[a-z][\w'’-]*|[A-Z][A-Z'’-]+|[A-Z]\.)"  # Ann, O'Neill, d'AFFLISIO, J.
_PARTICLE = r"(?:de|da|del|della|der|di|du|la|le|van|von|al|bin|ibn|d'[A-Z][\w'’-]*)"
_NAME = rf"{_WORD}(?:\s+(?:{_WORD}|{_PARTICLE})){{1,3}}"
# Mixed case only: in a line of capitals a dateline cannot be told from a name.
_MIXED_WORD = r"(?:[A-Z][a-z][\w'’-]*|[A-Z]\.)"
_MIXED_NAME = rf"{_MIXED_WORD}(?:\s+(?:{_MIXED_WORD}|{_PARTICLE})){{1,3}}"
_AND = r"(?:\s*,\s*|\s+and\s+|\s*&\s*)"
# A weekday or month after "By" is a date ("By Tuesday Morning"), not a name.
NOT_A_NAME = (r"(?!(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|(?:January|February|March|April|"
               r"May|June|July|August|September|October|November|December)\b)")
# The first line: "By Ann Lee and Tom Ray" before a dateline in capitals.
_LEAD = re.compile(rf"By\s+{NOT_A_NAME}(?P<names>{_MIXED_NAME}(?:{_AND}{_MIXED_NAME})*)\s+(?=[A-Z]{{2,}}\b)")
# The last paragraph, whole: "(Reporting by ...; Writing by ...; Editing by ...)".
_CREDIT_PART = re.compile(
    r"(?P<role>(?:additional\s+)?(?:reporting|writing|written|reported)|editing|edited|"
    r"compiled|graphics?|photos?)\s+by\s+(?P<names>.+)", re.IGNORECASE)
_IN_PLACE = re.compile(r"\s+in\s+[A-Z][\w .'’-]*$")


def author_names(credit: str) -> str | None:
    """'By STEPHEN JUKES AND PHILIP SHEHADI, REUTERS' -> 'Stephen Jukes; Philip Shehadi'."""
    text = re.sub(r"^\s*by\s+", "", credit.strip(), flags=re.IGNORECASE)
    text = re.sub(r",?\s*\b(?:reuters?|ap|afp|staff(?: writer)?)\s*$", "", text, flags=re.IGNORECASE)
    names = []
    for part in re.split(r"\s*(?:,|;|&|\band\b|\bAND\b)\s*", text):
        part = _IN_PLACE.sub("", part.strip())
        if re.fullmatch(_NAME, part):
            names.append(" ".join(_spelled(w) for w in part.split()))
    return "; ".join(dict.fromkeys(names)) or None


def _spelled(word: str) -> str:
    """A word of capitals as a name is written ('JUKES' -> 'Jukes'), others as they are."""
    upper = sum(c.isupper() for c in word)
    return word.title() if upper > 1 and upper > sum(c.islower() for c in word) else word


def credited_author(body: str) -> tuple[str | None, str]:
    """(the authors the text credits, the body without a byline at its start)."""
    if match := _LEAD.match(body):
        return author_names(match.group("names")), body[match.end():]
    paragraphs = body.rstrip().rsplit("\n\n", 1)
    last = paragraphs[-1].strip()
    if last.startswith("(") and last.endswith(")"):
        last = last[1:-1]
    names = []
    for part in re.split(r"\s*;\s*", last):
        match = _CREDIT_PART.fullmatch(part.strip().rstrip("."))
        if match is None:
            return None, body  # not a credit line: a sentence of the story
        if not match.group("role").lower().startswith(("edit", "compiled", "graphic", "photo")):
            found = author_names(match.group("names"))
            names += found.split("; ") if found else []
    return "; ".join(dict.fromkeys(names)) or None, body
