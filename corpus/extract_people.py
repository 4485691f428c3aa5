"""People an article is about: of everyone it names (`corpus.people_names`
finds them), the subjects of the story.

`extract_people` keeps the people a story is *about*, as an editor tags them:
they are the article's `people`, its facet values. Everyone else it names goes
to the article's `mentioned` (`subjects_and_mentioned`), which `person:` also
searches, so a search for everything about a person still finds the minister
named once in paragraph nine; the facets and result chips are not crowded by
him. A person is a subject when
  - the headline names them, or a photo caption shows them;
  - the lead names them and the story has them speak or act ("Lavrov said",
    "said Lavrov", "Lavrov, the minister, warned"): the first paragraph, or the
    second when it introduces them by full name (web leads often set the scene);
  - they speak or act and the story keeps returning to them (five mentions).
The object of a sentence ("urged President Amolo to", "an aide to Secretary
Haugland said") does not act. Subjects come ranked: headline and photo first.

Measured on Reuters-21578 against the editors' PEOPLE tags (bench/extraction.py):
every name found scores precision 0.52 and recall 0.91; the subjects 0.82 and
0.72. Each rule was kept for raising precision more than it cost recall. Most
of what is left is the editors' own variation (a minister who is a story's only
speaker is tagged in one story and not in the next) and flash headlines that
are a bare surname ("REYES SAYS ..."), a shape companies share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.people_names import (
    PARTICLES,
    TITLE_WORDS,
    find_mentions,
    is_company,
    merge_names,
    names_in,
    word_spots,
)

__all__ = ["Person", "extract_people", "merge_names", "people_evidence", "people_named",
           "subjects_and_mentioned"]


# What follows a name when the person acts or speaks: "Lavrov said", "Lavrov,
# the foreign minister, told", "Lavrov has warned".
_ACTS_AFTER = re.compile(
    r"(?:\s*,[^,.;]{1,80},|,)?\s+(?:also\s+|again\s+|later\s+|today\s+|yesterday\s+)?"
    r"(?:said|says|told|tells|added|met|will|would|could|can|may|has|had|is|was|"
    r"[a-z]+ed|[a-z]+s)\b(?!['’])"
    r"|:\s*[“\"']"  # "Daniel Serwer: “The airstrikes ...”"
)
# Before a name (and its title): the one quoted ("said Finance Minister
# Lavrov"), or an object, whatever follows ("urged President Amolo to", "an
# aide to Secretary Haugland said").
_SPEAKER_BEFORE = {"said", "says", "quoted"}
_OBJECT_BEFORE = {
    "to", "of", "with", "by", "for", "from", "against", "on", "at", "about", "urged", "asked",
    "met", "told", "called", "pressed", "praised", "criticised", "criticized", "visited",
    "replace", "succeed", "succeeds",
}
_IN_A_NAME = PARTICLES | {"of", "the"} | {w for w in TITLE_WORDS if w.islower()}


def _acts_at(body: str, at: int, end: int) -> bool:
    """Whether the mention at body[at:end] is the one speaking or acting."""
    for word in reversed(body[max(0, at - 100) : at].split()[-9:]):
        if word != word.rstrip(",.;:)\"”"):
            break  # a clause ends: nothing before it governs the name
        low = word.lower()
        if low in _SPEAKER_BEFORE or (low == "to" and body[:at].rstrip().endswith("according to")):
            return True
        if low in _OBJECT_BEFORE:
            return False
        if not (word[0].isupper() or low in _IN_A_NAME):
            break
    return bool(_ACTS_AFTER.match(body, end))


@dataclass
class Person:
    """One person of an article and the evidence that the story is about them."""

    name: str
    first: int  # offset of the first mention in the body (-1: none there)
    paragraph: int  # the paragraph of the first mention (0 is the first; -1: none)
    mentions: int  # times the surname stands in the body
    in_headline: bool
    pictured: bool  # named in a photo caption
    acts: bool  # speaks or acts somewhere in the body

    @property
    def is_subject(self) -> bool:
        introduced = len(self.name.split()) > 1  # given name and surname
        return (
            self.in_headline
            or self.pictured
            or (self.paragraph == 0 and self.acts)
            or (self.paragraph == 1 and self.acts and introduced)
            or (self.acts and self.mentions >= MANY_MENTIONS)
        )


MANY_MENTIONS = 5


def people_evidence(title: str, body: str, captions: tuple[str, ...] = ()) -> list[Person]:
    """Everyone named, with what the article says of them, in order of appearance."""
    mentions = sorted(find_mentions(title, body), key=lambda m: m.start)
    in_captions = [m.name for caption in captions for m in names_in(caption)]
    people = []
    for name in merge_names([m.name for m in mentions] + in_captions):
        if is_company(name, title, body):
            continue
        surname = name.split()[-1]
        spots = word_spots(body, surname)
        people.append(Person(
            name=name,
            first=spots[0] if spots else -1,
            paragraph=body.count("\n\n", 0, spots[0]) if spots else -1,
            mentions=len(spots),
            in_headline=bool(word_spots(title.upper(), surname.upper())),
            pictured=any(word_spots(caption, surname) for caption in captions),
            acts=any(_acts_at(body, at, at + len(surname)) for at in spots),
        ))
    return people


def people_named(title: str, body: str, captions: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Everyone the article names as a person, whether or not it is about them."""
    return tuple(p.name for p in people_evidence(title, body, captions))


def extract_people(title: str, body: str, captions: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The people the article is about, each once, in the fullest form given;
    those in the headline or a photo first, then in order of appearance."""
    return subjects_and_mentioned(title, body, captions)[0]


def subjects_and_mentioned(title: str, body: str, captions: tuple[str, ...] = ()
                           ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the people the article is about, as `extract_people`; everyone else it
    names, in order of appearance), from one reading of the text."""
    everyone = people_evidence(title, body, captions)
    subjects = [p for p in everyone if p.is_subject]
    subjects.sort(key=lambda p: (not (p.in_headline or p.pictured), p.first))
    return (tuple(p.name for p in subjects),
            tuple(p.name for p in everyone if not p.is_subject))
