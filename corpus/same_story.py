"""When are two articles the same story (and so folded into one result)?

Wire copies of one story differ in furniture, credits, a corrected word or an
added paragraph; their facts agree and they are published close together.
Template stories (a weekly money-market forecast, a company's price move)
share most of their wording but not their facts. The rule (`story-3`),
measured on 390 labelled pairs of Reuters-21578 (`bench/same_story.py`,
docs/near-duplicates.md):

- identical bodies (normalized) are the same story, whatever their headlines
  and dates say (a copy re-headlined or re-dated is still a copy);
- otherwise the texts must be similar (estimated Jaccard of word 4-shingles at
  least SIMILARITY), published at most WINDOW apart (LONG_WINDOW when every
  figure agrees and the texts are at least LONG_SIMILARITY alike: a story
  sent again days later), and neither may state a figure the other does not
  explain, on a line the other also has, while the other does the same (a
  changed figure). A figure is explained by the same number written another
  way (`1,250` and `1250`, `5.0` and `5`, `two` and `2`, `9:40` and `0940`,
  `52-55` by `52` and `55`) or rounded (`9.7 mln` and `9,729,000`); a line
  with no counterpart in the other (COUNTERPART of the shorter's words, or
  half its figures, shared) is a paragraph added or dropped; a single
  mistyped figure of three digits or more (`16.8` / `16.6`, `4318527` /
  `4318572`) is forgiven when at least three others agree and nothing else
  differs. One side adding figures is an update or a longer version if the
  figures it shares keep their order (at most ORDER_SLACK out of it); a
  headline that says it corrects or repeats the other is allowed a changed
  figure;
- and their subjects must agree: not two different stock tickers (<OAT>,
  <UBCP>), and no headline naming someone or something (a word its body
  writes capitalized inside a sentence) that the other article never names
  (FRANKLIN INSURED / FRANKLIN HIGH-YIELD TAX-FREE), nor headlines that each
  name what the other never does (BANK OF MONTREAL / BANK OF NOVA SCOTIA, in
  flashes, whose every word is a name). Identical bodies under different
  tickers are two companies' announcements.

Names in the whole text were measured too and left out: the copies of one
story name people and places differently as often as templates do.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from dateline.corpus.article import normalize_text
from dateline.corpus.dates import to_utc

SIMILARITY = 0.3
WINDOW = timedelta(hours=36)
LONG_WINDOW = timedelta(hours=72)  # every figure agrees: a story sent again days later
LONG_SIMILARITY = 0.5
TYPO_DIGITS = 3  # a mistyped figure is forgiven from this many digits up ("16.8" / "16.6")
TYPO_AGREEING = 3  # ... when at least this many figures agree and nothing else differs
# A line of one article has a counterpart in the other when at least this
# share of the smaller one's words are the other's: figures only one side's
# lines state are an added (or dropped) paragraph, not a changed figure.
COUNTERPART = 0.5
# An update keeps the figures it repeats in their order: more than this many
# of the shorter's figures out of the longer's order is another table.
ORDER_SLACK = 3

# A figure, and the scale word after it ("9.7 mln"): the scale lets a rounded
# figure match the exact one ("9,729,000").
_FIGURE = re.compile(r"(\d+(?:[.,/:-]\d+)*)(?:\s+(mln|million|bln|billion)\b)?", re.IGNORECASE)
_CLOCK = re.compile(r"\d{1,2}:\d\d")  # "9:40" is the "0940" of another copy
_SCALE = {"mln": 6, "million": 6, "bln": 9, "billion": 9}
_WORD = re.compile(r"[A-Za-z]+")
# Wire copy spells small numbers out ("two billion dlrs" one day, "1.5 billion" the next).
_NUMBER_WORDS = {word: str(value) for value, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
_CORRECTION = re.compile(r"\bcorrect|\brpt\b|\brepeat", re.IGNORECASE)
_TICKER = re.compile(r"<([A-Z][A-Za-z0-9&]*)(?:\.[A-Z]+)?>")  # <XON>, <ETRE.O>: one company
_HEADLINE_WORD = re.compile(r"[^\W\d_]{2,}")
_CAPITALIZED = re.compile(r"\b[^\W\d_][^\W\d_]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_SEP = "\x1f"  # between the stored fields (no field holds it)
_LINE_SEP = "\x1e"  # between the stored lines


@dataclass(frozen=True)
class Facts:
    """What `same_story` compares besides the text's signature."""

    figures: frozenset[str]  # "9.7*6" is 9.7 mln (see `figures`)
    date: datetime | None  # UTC
    body_hash: str
    corrected: bool  # the headline says it corrects (or repeats) an earlier story
    tickers: frozenset[str] = frozenset()
    subjects: frozenset[str] = frozenset()  # headline words the text writes as names
    names: frozenset[str] = frozenset()  # every word the article writes as a name, headline's too
    flash: bool = False  # a body in capitals only: every word counts as a name
    # (figures in order, words) of each line stating a figure, the headline first (`_lines`)
    lines: tuple[tuple[tuple[str, ...], frozenset[str]], ...] = ()

    def to_row(self) -> tuple[str, str | None, str, int]:
        stated = _SEP.join(" ".join(sorted(field)) for field in (
            self.figures, self.tickers, self.subjects, self.names))
        lines = _LINE_SEP.join(" ".join(figs) + "|" + " ".join(sorted(words)) for figs, words in self.lines)
        return (_SEP.join((stated, "f" if self.flash else "", lines)),
                self.date.isoformat() if self.date else None, self.body_hash, int(self.corrected))

    @classmethod
    def from_row(cls, stated: str, date: str | None, body_hash: str, corrected: int) -> Facts:
        figures_, tickers, subjects, names, flash, *rest = stated.split(_SEP)
        lines = tuple((tuple(figs.split()), frozenset(words.split()))
                      for figs, words in (line.split("|") for line in (rest[0] if rest else "").split(_LINE_SEP)
                                          if line))
        return cls(frozenset(figures_.split()), datetime.fromisoformat(date) if date else None, body_hash,
                   bool(corrected), frozenset(tickers.split()), frozenset(subjects.split()),
                   frozenset(names.split()), bool(flash), lines)


def figures(text: str) -> frozenset[str]:
    """The numbers a text states, each written one way: "1,250" as "1250",
    "5.0" as "5", "two" as "2", "9:40" as "0940", and "9.7 mln" as "9.7*6"
    (its scale kept so that "9,729,000" explains it)."""
    return frozenset(figure_list(text))


def figure_list(text: str) -> list[str]:
    """The figures a text states (as `figures` writes them), in text order,
    each as often as stated."""
    found = []
    for match in _FIGURE.finditer(text):
        number, scale = match.group(1).replace(",", ""), match.group(2)
        if ":" in number:
            if _CLOCK.fullmatch(number):
                found.append((match.start(), number.replace(":", "").zfill(4)))
                continue
            found.extend((match.start() + k, _plain(part)) for k, part in enumerate(number.split(":")))  # "3:1"
            continue
        number = _plain(number)
        found.append((match.start(), f"{number}*{_SCALE[scale.lower()]}" if scale else number))
    words = [(match.start(), _NUMBER_WORDS[word]) for match in _WORD.finditer(text)
             if (word := match.group().lower()) in _NUMBER_WORDS]
    return [figure for _start, figure in sorted(found + words)] if words else [figure for _start, figure in found]


def _lines(title: str, body: str) -> tuple[tuple[tuple[str, ...], frozenset[str]], ...]:
    """(figures in order, words) of the headline and of each line of the body
    that states a figure; the words are those of letters, small numbers
    spelled out aside."""
    found = []
    for line in (title, *body.splitlines()):
        stated = figure_list(line)
        if stated:
            found.append((tuple(stated), frozenset(
                w for w in map(str.lower, _WORD.findall(line)) if len(w) > 1 and w not in _NUMBER_WORDS)))
    return tuple(found)


def _plain(number: str) -> str:
    if number.count(".") == 1 and "/" not in number and "-" not in number:
        number = number.rstrip("0").rstrip(".") or "0"
    return number


def body_hash(body: str) -> str:
    """Equal for bodies identical but for spacing and case."""
    return hashlib.sha256(normalize_text(body).casefold().encode("utf-8")).hexdigest()[:32]


def facts_of(article) -> Facts:
    subjects, names = _names(article.title, article.body)
    lines = _lines(article.title, article.body)
    return Facts(
        figures=frozenset(f for stated, _words in lines for f in stated),
        date=to_utc(article.date) if article.date else None,
        body_hash=body_hash(article.body),
        corrected=bool(_CORRECTION.search(article.title)),
        tickers=frozenset(_TICKER.findall(f"{article.title}\n{article.body}")),
        subjects=subjects,
        names=names,
        flash=not any(c.islower() for c in article.body),
        lines=lines,
    )


def _names(title: str, body: str) -> tuple[frozenset[str], frozenset[str]]:
    """(the headline's words that the body writes capitalized inside a sentence,
    every word the article writes capitalized and its headline's words), each
    without a plural's s ("credits" names what "credit" does).
    A flash (a body in capitals only, often the headline again) names with
    every word."""
    headline = {_singular(w.casefold()) for w in _HEADLINE_WORD.findall(title)}
    if not any(c.islower() for c in body):
        everything = headline | {_singular(w.casefold()) for w in _HEADLINE_WORD.findall(body)}
        return frozenset(headline), frozenset(everything)
    capitalized, inside = set(), set()
    for sentence in _SENTENCE.split(body):
        for k, word in enumerate(_CAPITALIZED.findall(sentence)):
            if word[0].isupper():
                name = _singular(word.casefold())
                capitalized.add(name)
                if k and word[1:].islower():
                    inside.add(name)
    return frozenset(headline & inside), frozenset(headline | capitalized)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def same_story(similarity: float, a: Facts, b: Facts) -> bool:
    """Whether two articles whose texts have this estimated similarity, and
    these facts, are one story."""
    other_company = bool(a.tickers and b.tickers and not a.tickers & b.tickers)
    if a.body_hash == b.body_hash:
        return not other_company
    if similarity < SIMILARITY or other_company:
        return False
    if a.date and b.date:  # (an undated article is judged by its text and facts alone)
        apart = abs(a.date - b.date)
        if apart > WINDOW and not (apart <= LONG_WINDOW and similarity >= LONG_SIMILARITY
                                   and _numbers(a.figures) == _numbers(b.figures)):
            return False
    if changed_figure(a.figures, b.figures, a.lines, b.lines) and not (a.corrected or b.corrected):
        return False
    return not _other_subject(a, b)


def _other_subject(a: Facts, b: Facts) -> bool:
    """A headline names what the other article never names (in a flash, where
    every headline word is a name, only when both headlines do)."""
    a_only, b_only = a.subjects - b.names, b.subjects - a.names
    return bool(a_only and b_only) or bool(a_only and not a.flash) or bool(b_only and not b.flash)


def changed_figure(a: frozenset[str], b: frozenset[str], lines_a=(), lines_b=()) -> bool:
    """Each side states a figure the other does not explain, on a line the
    other also has (`same_story`); or, given the lines, one side states more
    and the figures they share are not in the same order."""
    only_a, only_b = _unexplained(a, b), _unexplained(b, a)
    if lines_a and lines_b:
        only_a = [f for f in only_a if _on_shared_line(f, lines_a, lines_b)]
        only_b = [f for f in only_b if _on_shared_line(f, lines_b, lines_a)]
        if bool(only_a) != bool(only_b):
            shorter, longer = (lines_b, lines_a) if only_a else (lines_a, lines_b)
            return _out_of_order(shorter, longer) > ORDER_SLACK
    if not (only_a and only_b):
        return False
    if len(only_a) == 1 and len(only_b) == 1 and len(_numbers(a) & _numbers(b)) >= TYPO_AGREEING:
        return not _mistyped(_number(only_a[0]), _number(only_b[0]))
    return True


def _on_shared_line(figure: str, lines, other_lines) -> bool:
    """Whether a line stating `figure` has a counterpart among the other's
    lines: COUNTERPART of the smaller one's words are the other's, or half
    its figures are (a table's lines have few words)."""
    return any(figure in figs and any(_alike(words, other) or _shares_figures(figs, other_figs)
                                      for other_figs, other in other_lines)
               for figs, words in lines)


def _shares_figures(figs, other) -> bool:
    mine = {_number(f) for f in figs}
    return 2 * len(mine & {_number(f) for f in other}) >= len(mine)


def _alike(x: frozenset[str], y: frozenset[str]) -> bool:
    if not (x and y):
        return not (x or y)
    return len(x & y) >= COUNTERPART * min(len(x), len(y))


def _out_of_order(shorter, longer) -> int:
    """How many of the shorter's figures (as numbers, in text order) are not
    in the longer's in the same order (length less longest common subsequence)."""
    x = [_number(f) for figs, _words in shorter for f in figs]
    y = [_number(f) for figs, _words in longer for f in figs]
    previous = [0] * (len(y) + 1)
    for xi in x:
        current = [0]
        for j, yj in enumerate(y):
            current.append(previous[j] + 1 if xi == yj else max(previous[j + 1], current[j]))
        previous = current
    return len(x) - previous[-1]


def _number(figure: str) -> str:
    return figure.partition("*")[0]


def _numbers(figures: frozenset[str]) -> set[str]:
    return {_number(f) for f in figures}


def _unexplained(a: frozenset[str], b: frozenset[str]) -> list[str]:
    """The figures of `a` that `b` states neither as they are, nor as the
    parts of a range ("52-55"), nor rounded ("9.7 mln" for "9,729,000")."""
    if a <= b:
        return []
    numbers = _numbers(b)
    scaled = [f for f in b if "*" in f]
    left = []
    for figure in a - b:
        number, _, scale = figure.partition("*")
        if number in numbers or ("-" in number and "/" not in number
                                 and all(p in numbers for p in number.split("-"))):
            continue
        if scale and any(_rounds_to(exact, number, int(scale)) for exact in numbers):
            continue
        if any(_rounds_to(number, *_split(f)) for f in scaled):
            continue
        left.append(figure)
    return left


def _split(figure: str) -> tuple[str, int]:
    number, _, scale = figure.partition("*")
    return number, int(scale)


def _rounds_to(exact: str, rounded: str, scale: int) -> bool:
    """Whether a whole number ("9729000") rounds to a figure at a scale
    ("9.7" mln)."""
    if not exact.isdigit() or len(exact) < scale:
        return False
    try:
        value = float(rounded)
    except ValueError:
        return False
    decimals = len(rounded.partition(".")[2])
    return round(int(exact) / 10**scale, decimals) == value


def _mistyped(x: str, y: str) -> bool:
    """One digit replaced, or two neighbours swapped, in a figure of
    TYPO_DIGITS digits or more."""
    if len(x) != len(y) or sum(c.isdigit() for c in x) < TYPO_DIGITS:
        return False
    differ = [i for i in range(len(x)) if x[i] != y[i]]
    if len(differ) == 1:
        return x[differ[0]].isdigit() and y[differ[0]].isdigit()
    return (len(differ) == 2 and differ[1] == differ[0] + 1
            and x[differ[0]] == y[differ[1]] and x[differ[1]] == y[differ[0]])
