"""When are two articles the same story (and so folded into one result)?

Wire copies of one story differ in furniture, credits, a corrected word or an
added paragraph; their facts agree and they are published close together.
Template stories (a weekly money-market forecast, a company's price move)
share most of their wording but not their facts. The rule, measured on 390
labelled pairs of Reuters-21578 (`bench/same_story.py`, docs/near-duplicates.md):

- identical bodies (normalized) are the same story, whatever their headlines
  and dates say (a copy re-headlined or re-dated is still a copy);
- otherwise the texts must be similar (estimated Jaccard of word 4-shingles at
  least SIMILARITY), published at most WINDOW apart, and neither may state a
  figure the other lacks while the other states one it lacks (a changed
  figure). One side adding figures is an update or a longer version; a
  headline that says it corrects or repeats the other is allowed a changed
  figure;
- and their subjects must agree: not two different stock tickers (<OAT>,
  <UBCP>), and not headlines that each name someone or something the other
  article never names (BANK OF MONTREAL / BANK OF NOVA SCOTIA). Identical
  bodies under different tickers are two companies' announcements.

Names in the whole text were measured too and left out: the copies of one
story name people and places differently as often as templates do.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from dateline.corpus.article import normalize_text
from dateline.corpus.dates import to_utc

SIMILARITY = 0.3
WINDOW = timedelta(hours=36)

_FIGURE = re.compile(r"\d+(?:[.,/-]\d+)*")
_WORD = re.compile(r"[A-Za-z]+")
# Wire copy spells small numbers out ("two billion dlrs" one day, "1.5 billion" the next).
_NUMBER_WORDS = {word: str(value) for value, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
_CORRECTION = re.compile(r"\bcorrect|\brpt\b|\brepeat", re.IGNORECASE)
_TICKER = re.compile(r"<([A-Z][A-Za-z0-9&]*)(?:\.[A-Z]+)?>")  # <XON>, <ETRE.O>: one company
_HEADLINE_WORD = re.compile(r"[^\W\d_]{2,}")
_CAPITALIZED = re.compile(r"\b[^\W\d_][^\W\d_]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class Facts:
    """What `same_story` compares besides the text's signature."""

    figures: frozenset[str]
    date: datetime | None  # UTC
    body_hash: str
    corrected: bool  # the headline says it corrects (or repeats) an earlier story
    tickers: frozenset[str] = frozenset()
    subjects: frozenset[str] = frozenset()  # headline words the text writes as names
    names: frozenset[str] = frozenset()  # every word the article writes as a name, headline's too

    def to_row(self) -> tuple[str, str | None, str, int]:
        names = {"tickers": sorted(self.tickers), "subjects": sorted(self.subjects),
                 "names": sorted(self.names)}
        return (json.dumps({"figures": sorted(self.figures), **names}, ensure_ascii=False),
                self.date.isoformat() if self.date else None, self.body_hash, int(self.corrected))

    @classmethod
    def from_row(cls, stated: str, date: str | None, body_hash: str, corrected: int) -> Facts:
        data = json.loads(stated)
        return cls(frozenset(data["figures"]), datetime.fromisoformat(date) if date else None,
                   body_hash, bool(corrected), frozenset(data["tickers"]),
                   frozenset(data["subjects"]), frozenset(data["names"]))


def figures(text: str) -> frozenset[str]:
    """The numbers a text states ("1,250" and "1250" alike, "two" as "2")."""
    found = {m.group().replace(",", "") for m in _FIGURE.finditer(text)}
    found.update(_NUMBER_WORDS[w] for w in map(str.lower, _WORD.findall(text)) if w in _NUMBER_WORDS)
    return frozenset(found)


def facts_of(article) -> Facts:
    body = normalize_text(article.body).casefold()
    subjects, names = _names(article.title, article.body)
    return Facts(
        figures=figures(f"{article.title}\n{article.body}"),
        date=to_utc(article.date) if article.date else None,
        body_hash=hashlib.sha256(body.encode("utf-8")).hexdigest()[:32],
        corrected=bool(_CORRECTION.search(article.title)),
        tickers=frozenset(_TICKER.findall(f"{article.title}\n{article.body}")),
        subjects=subjects,
        names=names,
    )


def _names(title: str, body: str) -> tuple[frozenset[str], frozenset[str]]:
    """(the headline's words that the body writes capitalized inside a sentence,
    every word the article writes capitalized and its headline's words).
    A flash (a body in capitals only, often the headline again) names with
    every word."""
    headline = {w.casefold() for w in _HEADLINE_WORD.findall(title)}
    if not any(c.islower() for c in body):
        everything = headline | {w.casefold() for w in _HEADLINE_WORD.findall(body)}
        return frozenset(headline), frozenset(everything)
    capitalized, inside = set(), set()
    for sentence in _SENTENCE.split(body):
        for k, word in enumerate(_CAPITALIZED.findall(sentence)):
            if word[0].isupper():
                capitalized.add(word.casefold())
                if k and word[1:].islower():
                    inside.add(word.casefold())
    return frozenset(headline & inside), frozenset(headline | capitalized)


def same_story(similarity: float, a: Facts, b: Facts) -> bool:
    """Whether two articles whose texts have this estimated similarity, and
    these facts, are one story."""
    other_company = bool(a.tickers and b.tickers and not a.tickers & b.tickers)
    if a.body_hash == b.body_hash:
        return not other_company
    if similarity < SIMILARITY:
        return False
    if a.date and b.date and abs(a.date - b.date) > WINDOW:
        return False  # (an undated article is judged by its text and facts alone)
    if changed_figure(a.figures, b.figures) and not (a.corrected or b.corrected):
        return False
    return not other_company and not (a.subjects - b.names and b.subjects - a.names)


def changed_figure(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a - b) and bool(b - a)
