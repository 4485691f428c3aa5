"""People an article is about: of everyone it names (`corpus.people_names`
finds them), the subjects of the story.

`extract_people` keeps the people a story is *about*, as an editor tags them:
they are the article's `people`, its facet values. Everyone else it names goes
to the article's `mentioned` (`subjects_and_mentioned`), which `person:` also
searches, so a search for everything about a person still finds the minister
named once in paragraph nine; the facets and result chips are not crowded by
him. A person is a subject when
  - the headline names them, or a photo caption shows them;
  - the lead (the first paragraph) has them speak or act ("Lavrov said",
    "said Lavrov", "Lavrov, the minister, warned") and they carry it: the
    first person the story names, one it quotes ('"...," Lavrov said'), or one
    who acts again later. A second name acting once there is a side voice;
  - the first two paragraphs give them a state's office ("Russian Foreign
    Minister Sergey Lavrov", "Lavrov, Russia's foreign minister"), even as the
    object of the sentence: such a story is about what its officials do;
  - they speak or act twice anywhere, introduced by full name or in office.
The object of a sentence ("urged President Amolo to", "an aide to Secretary
Haugland said") does not act. Subjects come ranked: headline and photo first.

Measured on Reuters-21578 against the editors' PEOPLE tags (bench/extraction.py):
every name found scores precision 0.52 and recall 0.91; the subjects 0.83 and
0.75, on each half of the files within 0.02 of that. Each rule was kept for
moving both halves the same way. Most of what the measure counts as wrong is
the editors' own variation: 90% of it is in stories they tagged no person in
at all (a minister who is a story's only speaker is tagged in one story and not
in the next); in stories where they tagged someone, precision is 0.98. Recall
is held back by people tagged though named once in passing (a minister in
paragraph nine), whom tagging would bring in with nearly four times as many the
editors leave out, and by flash headlines that are a bare surname ("REYES
SAYS ..."), a shape companies share: the story cannot tell them apart, the
archive can (`corpus.known_people`, applied at ingest: 0.821 and 0.821 with
it, with market roles such as "inside trader" and plural titles).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dateline.corpus.gazetteer import Entry, gazetteer
from dateline.corpus.people_names import (
    PARTICLES,
    PLURAL_TITLES,
    STATE_KINDS,
    TITLE_WORDS,
    find_mentions,
    is_company,
    merge_names,
    names_in,
    role_follows,
    title_length,
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


# A quotation just closed before the name ('...," Okafor said', '...," said
# Finance Minister Ana Velloso', '...," dredging chief Lars Berg said'), or
# opened after it ('Okafor told reporters: "...', 'Okafor: "...').
_QUOTE_BEFORE = re.compile(r"[,.!?][\"”]\s+(?:[\w.'’-]+\s+){0,6}$")
_QUOTE_AFTER = re.compile(
    r"(?:\s*,[^,.;\"“”]{1,80},)?\s+(?:said|says|added|told\s+\w+)\s*[,:]?\s*[\"“]|:\s*[\"“]"
)


def _quoted_at(body: str, at: int, end: int) -> bool:
    """Whether the mention at body[at:end] speaks in a direct quotation."""
    closed = _QUOTE_BEFORE.search(body, max(0, at - 80), at)
    return bool((closed and _acts_at(body, at, end)) or _QUOTE_AFTER.match(body, end))


_NOT_A_STATE = Entry("", "city", "")
# Where the words before a name stop belonging to it: a sentence's end (not
# the period of "U.S."), a clause's punctuation, a quotation, a paragraph.
_CLAUSE_END = re.compile(r"(?<![A-Z])\.\s|[;:!?()\"“”]|\n\n")


def _is_state(words: list[str]) -> bool:
    """'Japanese', "Japan's", 'U.S.', 'West German': a country or its people."""
    table = gazetteer().in_text
    words = [re.sub(r"['’]s$", "", w.strip(",")) for w in words]
    return any(
        table.get(" ".join(words[i : i + size]), _NOT_A_STATE).kind in STATE_KINDS
        for size in (1, 2) for i in range(len(words) - size + 1)
    )


_PLURAL_TITLE_BEFORE = re.compile(rf"\b(?:{'|'.join(PLURAL_TITLES)})\s+[^.;:]{{3,80}}?\s+and\s+$")
_OF_STATE = re.compile(r"\s+of\s+(?:the\s+)?([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)?)")


def _national_at(body: str, at: int, end: int) -> bool:
    """Whether the name at body[at:end] is given a state's office: 'West German
    Finance Minister Ines Albrecht', "Japan's trade minister, Kenji Sato,",
    'Kenji Sato, the Japanese trade minister,'."""
    before = _CLAUSE_END.split(body[max(0, at - 80) : at])[-1].split()[-6:]
    if before:
        before[-1] = before[-1].rstrip(",")
        title = title_length([*before, "X"])
        if title == len(before) and _is_state(before[: title - 1]):
            return True
        # "Prime Minister Zhao Ziyang of China", "Prime Ministers Zhao Ziyang of
        # China and Anibal Cavaco Silva of Portugal": the state after the name.
        of = _OF_STATE.match(body, end)
        if of and _is_state(of.group(1).split()) and (
                title == len(before) or _PLURAL_TITLE_BEFORE.search(body, max(0, at - 120), at)):
            return True
    if not role_follows(body, end):
        return False
    return _is_state(re.split(r"[,.;:!?()]", body[end + 1 : end + 70])[0].split()[:6])


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
    acts_again: bool = False  # speaks or acts more than once
    named_first: bool = False  # the first person the body names
    # Looked for only where `is_subject` asks: a lead's one-off actor, and
    # someone named in the first two paragraphs or by surname alone.
    quoted: bool = False  # speaks in a direct quotation
    national: bool = False  # given a state's office ("Japan's trade minister")

    @property
    def is_subject(self) -> bool:
        introduced = len(self.name.split()) > 1  # given name and surname
        # One act in the lead makes a subject of the story's first name, or of
        # someone it quotes; a later name acting once there is a side voice
        # ("Malmberg said ... Dredging firm chief Lars Berg welcomed the ruling").
        carries_the_lead = self.named_first or self.quoted or self.acts_again
        return (
            self.in_headline
            or self.pictured
            or (self.paragraph == 0 and self.acts and carries_the_lead)
            # A state's office holder named early is a principal of the story,
            # even as its object ("talks with Portuguese Labour Minister ...").
            or (self.paragraph in (0, 1) and self.national)
            # Speaking or acting twice carries a story wherever it happens, for
            # someone it introduces in full or in a state's office.
            or (self.acts_again and (introduced or self.national))
        )


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
        acting = sum(_acts_at(body, at, at + len(surname)) for at in spots)
        paragraph = body.count("\n\n", 0, spots[0]) if spots else -1
        # Quotation and office are looked for only where a rule asks for them.
        quoted = paragraph == 0 and acting == 1 and any(
            _quoted_at(body, at, at + len(surname)) for at in spots)
        national = (paragraph in (0, 1) or (acting > 1 and " " not in name)) and any(
            _national_at(body, at, at + len(form))
            for form in {name, surname} for at in word_spots(body, form))
        people.append(Person(
            name=name,
            first=spots[0] if spots else -1,
            paragraph=paragraph,
            mentions=len(spots),
            in_headline=bool(word_spots(title.upper(), surname.upper())),
            pictured=any(word_spots(caption, surname) for caption in captions),
            acts=acting > 0,
            acts_again=acting > 1,
            quoted=quoted,
            national=national,
        ))
    in_body = [p for p in people if p.first >= 0]
    if in_body:
        min(in_body, key=lambda p: p.first).named_first = True
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
