"""People the archive already knows, to read a headline's bare surnames.

A wire flash is often a headline and nothing else, its subject a surname in
capitals: "LAWSON SETS U.K. BORROWING AT 4.0 BILLION STG". The story alone
cannot tell that from a company ("LAWSON PRODUCTS RAISES PAYOUT"), so
`corpus.people_names` leaves it. The archive can: other stories named Nigel
Lawson as a person. `KnownPeople` counts, over the articles stored so far,
the names found (or given) as people, and how the archive writes each word
(in lower case, as prose, or capitalized, as a name). `headline_people`
reads a headline with it: a word is a person when
  - its surname was named as a person in at least two articles;
  - it is not a place the gazetteer knows, nor a word the archive mostly
    writes in lower case ("BOND"), nor one it writes as a company's name at
    least half as often as it names the person ("Ford Motor Co", "Baker
    International": counted as the text is read);
  - it stands alone: the word before it is prose ("SAYS", "OF"), a
    possessive ("TREASURY'S"), punctuation or one of the person's known first
    names, and the word after it is prose or punctuation, not a ticker or a
    company's word ("MCDONNELL DOUGLAS", "BAKER <BKO>", "WILSON FOODS"); after
    its own possessive any word is the person's ("THATCHER'S CONSERVATIVES").

A story is read with what the archive knows when it is stored; a headline
word that stood as a surname would but was nobody known then is kept
(`unknown_headline_names`, beside the store: `corpus.people_counts`), and at the end of each ingest the
stories whose word has become a known person's since are read again. So the
order files arrive in does not decide who a story is about. Names are never
unlearned when articles are removed (they were still named as people).

Measured on Reuters-21578 (bench/extraction.py, one ingest of all the
stories, untagged): people precision 0.827 -> 0.821 and recall 0.750 ->
0.821 with the other changes of the same day (see README).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from itertools import repeat
from operator import add
from typing import TYPE_CHECKING

from dateline.corpus.article import Article
from dateline.corpus.people_names import HEAD_VERBS

if TYPE_CHECKING:
    from dateline.corpus.people_counts import PeopleCounts
    from dateline.corpus.store import ArticleStore

# Company words after a name, also written in lower case as prose ("group").
_COMPANY_WORDS = {
    "INC", "CORP", "CO", "COS", "CORPORATION", "INTERNATIONAL", "INT'L", "GROUP", "FOODS",
    "BROTHERS", "BROS", "PRODUCTS", "COMPUTER", "APPAREL", "TOOL", "ELECTRONICS", "&", "LTD",
    "PLC", "AG", "SA", "NV", "BANK", "INDUSTRIES", "HOLDINGS", "ENERGY", "OIL", "AIR", "MOTORS",
    "STORES", "FINANCIAL", "SAVINGS", "SECURITIES", "CAPITAL", "PARTNERS", "ASSOCIATES", "UNIT",
    "SHARES", "COMMUNICATIONS",
}
# Prose in any archive, however little it holds: a headline's verbs and small words.
_ALWAYS_PROSE = HEAD_VERBS | {"TO", "WILL", "OF", "AND", "AT", "IN", "ON", "FOR", "WITH", "BY",
                              "FROM", "AS", "SETS", "GETS", "PUTS", "HAS", "IS", "WINS", "SUES"}
MIN_ARTICLES = 2  # named as a person in this many articles before a bare surname counts
_FULL_FORM_SHARE = 0.8  # a full name stands for the surname when it is this share of them
_TOKEN = re.compile(r"<[^>]*>|[A-Za-z][A-Za-z'’.-]*|\S")
_PROSE_WORD = re.compile(r"\b[A-Za-z][a-z]{1,19}\b")
# A capitalized word naming a company in running text: "Ford Motor Co", "Baker
# International", "Bloomberg News", "Dell's shares"... only the first of these shapes.
_COMPANY_USE = re.compile(
    r"\b([A-Z][a-z]{1,19})\s+(?:Corp|Corporation|Inc|Co|Cos|Ltd|Plc|PLC|Group|Holdings|Motors?|"
    r"International|Industries|Brothers|Bros|Foods|Products|Communications|News|LP|LLC|AG|SA|NV|"
    r"Airlines|Airways|Pharmaceuticals|Entertainment|Electronics|Stores)\b")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)


def count_case(body: str, lower: Counter, capital: Counter, company: Counter) -> None:
    """Add the body's words written in lower case, those capitalized, and
    those naming a company ("Ford" in "Ford Motor Co")."""
    words = _PROSE_WORD.findall(body)
    # Counter.update over a list counts in C: this runs for every article read.
    lower.update([w for w in words if w.islower()])
    capital.update([w.casefold() for w in words if not w.islower()])
    company.update([w.casefold() for w in _COMPANY_USE.findall(body)])


def _add_counts(total: Counter, counts: Mapping[str, int]) -> None:
    """`total.update(counts)`, iterating in C: `Counter.update` loops in Python
    over a mapping once `total` holds anything, and the one writer of an
    ingest adds every word of every file to the counts of its commit group."""
    dict.update(total, zip(counts.keys(), map(add, counts.values(), map(total.get, counts.keys(), repeat(0)))))


def surname_key(name: str) -> str:
    """'Nigel Lawson' -> 'lawson'; 'Robin Leigh-Pemberton' -> 'leigh-pemberton'."""
    return name.split()[-1].casefold() if name.split() else ""


class KnownPeople:
    """The names the archive has stored as people, and how it cases its words.

    With the counts kept beside a store (`corpus.people_counts`), they stay
    there and are read a word at a time
    (an ingest holds at most CACHE_SIZE of each, so memory does not grow with
    the archive); without one (tests, benchmarks) they are all held here.
    """

    CACHE_SIZE = 200_000

    def __init__(self, counts: PeopleCounts | None = None) -> None:
        self._store = counts  # the counts kept beside the store, if any
        self._forms: dict[str, Counter] = {}  # surname -> form -> articles (store + learned)
        self._case: dict[str, list[int]] = {}  # word -> [lower, capital, company] (store + learned)
        # Learned since the last `take_pending`, not yet in the store.
        self._pending_forms: defaultdict[str, Counter] = defaultdict(Counter)
        self._pending_lower: Counter = Counter()
        self._pending_capital: Counter = Counter()
        self._pending_company: Counter = Counter()

    # -- the counts --------------------------------------------------------
    def forms(self, surname: str) -> Counter:
        """How many articles named the person of this surname by each form."""
        forms = self._forms.get(surname)
        if forms is None:
            forms = Counter(self._store.known_forms(surname) if self._store else {})
            forms.update(self._pending_forms.get(surname, {}))
            self._remember(self._forms, surname, forms)
        return forms

    def word_case(self, word: str) -> list[int]:
        """[times written in lower case, times capitalized, times naming a company]."""
        case = self._case.get(word)
        if case is None:
            saved = self._store.word_case(word) if self._store else (0, 0, 0)
            pending = (self._pending_lower, self._pending_capital, self._pending_company)
            case = [n + counts[word] for n, counts in zip(saved, pending)]
            self._remember(self._case, word, case)
        return case

    def _remember(self, cache: dict, key: str, value) -> None:
        if self._store is not None and len(cache) >= self.CACHE_SIZE:
            cache.clear()  # what is not pending is in the store, to be read again
        cache[key] = value

    # -- learning ----------------------------------------------------------
    def learn(self, article: Article) -> None:
        """One stored article's people (the casing of its words is counted
        where it is read: `count_case`, `learn_case`)."""
        self.learn_people((*article.people, *article.mentioned))

    def learn_people(self, names: Iterable[str]) -> None:
        """One article's people, each counted once."""
        for name in dict.fromkeys(n.strip() for n in names if n.strip()):
            surname = surname_key(name)
            self._pending_forms[surname][name] += 1
            if (cached := self._forms.get(surname)) is not None:
                cached[name] += 1

    def learn_case(self, lower: Counter, capital: Counter, company: Counter) -> None:
        """How some articles case their words (`count_case`)."""
        pending = (self._pending_lower, self._pending_capital, self._pending_company)
        for column, (counts, waiting) in enumerate(zip((lower, capital, company), pending)):
            _add_counts(waiting, counts)
            for word in counts.keys() & self._case.keys():
                self._case[word][column] += counts[word]

    def unlearn_people(self, names: Iterable[str]) -> None:
        """What `learn_people` of the same names added, taken back (it was not
        saved: the articles it came from were rolled back)."""
        for name in dict.fromkeys(n.strip() for n in names if n.strip()):
            surname = surname_key(name)
            for counts in (self._pending_forms.get(surname), self._forms.get(surname)):
                if counts is not None and name in counts:
                    counts[name] -= 1
                    if counts[name] <= 0:
                        del counts[name]
            if not self._pending_forms.get(surname, True):
                del self._pending_forms[surname]

    def unlearn_case(self, lower: Counter, capital: Counter, company: Counter) -> None:
        """What `learn_case` of the same counts added, taken back."""
        pending = (self._pending_lower, self._pending_capital, self._pending_company)
        for column, (counts, waiting) in enumerate(zip((lower, capital, company), pending)):
            waiting -= counts  # (keeps the positive counts only, in place)
            for word in counts.keys() & self._case.keys():
                self._case[word][column] -= counts[word]

    def learn_names(self, names: Iterable[str], body: str) -> None:
        """One article's people and the casing of its words."""
        self.learn_people(names)
        case = (Counter(), Counter(), Counter())
        count_case(body, *case)
        self.learn_case(*case)

    # -- saving (the store keeps the counts) -------------------------------
    def take_pending(self) -> tuple[list[tuple[str, str, int]], list[tuple[str, int, int, int]]]:
        """The counts learned since the last call, as rows to add to the store."""
        if self._store is None:
            raise RuntimeError("counts held in memory are not saved")
        # In key order: SQLite's upserts then walk the B-tree's pages in turn
        # instead of at random. A group of 15,000 words into a table of 50,000 /
        # 500,000 cost 66.7 / 161.5 ms at random and 43.8 / 76.5 ms sorted: the
        # bigger the archive's vocabulary, the more it saves.
        forms = sorted((s, f, n) for s, counts in self._pending_forms.items() for f, n in counts.items())
        lower, capital, company = self._pending_lower, self._pending_capital, self._pending_company
        words = sorted(lower.keys() | capital.keys())
        # Built in C (`get`: a Counter's missing key is a Python call, and most words name no company).
        case = list(zip(words, map(lower.get, words, repeat(0)), map(capital.get, words, repeat(0)),
                        map(company.get, words, repeat(0))))
        for pending in (self._pending_forms, lower, capital, company):
            pending.clear()
        return forms, case

    # -- reading headlines -------------------------------------------------
    def is_known(self, surname: str) -> bool:
        return sum(self.forms(surname).values()) >= MIN_ARTICLES

    def _is_prose(self, word: str) -> bool:
        if word.upper() in _ALWAYS_PROSE:
            return True
        lower, capital, _ = self.word_case(word.casefold())
        return lower > capital

    def _names_a_company(self, surname: str) -> bool:
        """Whether the archive writes the word as a company's ("Ford Motor Co")
        at least half as often as it names a person by it."""
        return 2 * self.word_case(surname)[2] >= sum(self.forms(surname).values())

    def name_for(self, surname: str) -> str:
        """The form the archive names the person by: the full name when one
        dominates ('Nigel Lawson'), else the surname as written ('Lawson')."""
        forms = self.forms(surname)
        full = Counter({f: n for f, n in forms.items() if " " in f})
        if full:
            form, count = full.most_common(1)[0]
            if count >= _FULL_FORM_SHARE * sum(full.values()):
                return form
        bare = [f for f, _ in forms.most_common() if " " not in f]
        return bare[0] if bare else forms.most_common(1)[0][0].split()[-1]

    def headline_people(self, title: str) -> list[str]:
        """Surnames standing alone in the headline that the archive knows as people."""
        return [surname for surname, known in self._standing_alone(title) if known]

    def unknown_in_headline(self, title: str) -> list[str]:
        """Words standing alone in the headline as a known surname would, that
        the archive does not know as people yet (it may, once it reads more)."""
        return [surname for surname, known in self._standing_alone(title) if not known]

    def _standing_alone(self, title: str, candidates: tuple | None = None) -> list[tuple[str, bool]]:
        """(surname, known as a person) for each headline word that may be one;
        `candidates`: the title's `headline_candidates`, when computed where the
        article was read."""
        found: dict[str, bool] = {}
        for surname, before, after in (headline_candidates(title) if candidates is None else candidates):
            if surname in found or self._is_prose(surname):
                continue
            if (before and not self._stands_after(before, surname)) or (after and not self._is_prose(after)):
                continue
            found[surname] = self.is_known(surname) and not self._names_a_company(surname)
        return list(found.items())

    def _stands_after(self, before: str, surname: str) -> bool:
        """Whether a headline word stands after `before` as a surname would (the
        part of it that depends on what the archive knows: `headline_candidates`)."""
        # A first name the archive gave the person twice: one odd find
        # ("McDonnell Douglas" once named as a man) does not make a first name.
        firsts = {f.split()[0].casefold() for f, n in self.forms(surname).items()
                  if " " in f and n >= MIN_ARTICLES}
        return before.casefold() in firsts or self._is_prose(before)

    def with_headline_people(self, article: Article) -> Article:
        """The article with the known people its headline names among its
        subjects (moved there from `mentioned` when the body named them too)."""
        return self.read_headline_of(article)[0]

    def read_headline_of(self, article: Article, candidates: tuple | None = None) -> tuple[Article, list[str]]:
        """(`with_headline_people`, the headline's `unknown_in_headline`), from one
        reading; `candidates`: the title's `headline_candidates`, if computed already."""
        people, mentioned, unknown = self.read_headline(article.title, article.people,
                                                        article.mentioned, candidates)
        if people != article.people:
            article = article.with_changes(people=people, mentioned=mentioned)
        return article, unknown

    def headline_subjects(self, title: str, people: tuple[str, ...], mentioned: tuple[str, ...]
                          ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(people, mentioned) with the headline's known people among the people."""
        return self.read_headline(title, people, mentioned)[:2]

    def read_headline(self, title: str, people: tuple[str, ...], mentioned: tuple[str, ...],
                      candidates: tuple | None = None) -> tuple[tuple[str, ...], tuple[str, ...], list[str]]:
        """(people, mentioned) as `headline_subjects` gives them, and the
        headline's `unknown_in_headline`, from one reading of the headline."""
        standing = self._standing_alone(title, candidates)
        unknown = [surname for surname, known in standing if not known]
        have = {surname_key(n) for n in people}
        new = [surname for surname, known in standing if known and surname not in have]
        if not new:
            return people, mentioned, unknown
        named = {surname_key(n): n for n in mentioned}
        return (people + tuple(named.get(s) or self.name_for(s) for s in new),
                tuple(n for n in mentioned if surname_key(n) not in new), unknown)


def headline_candidates(title: str) -> tuple[tuple[str, str, str], ...]:
    """The headline's words that may stand alone as a surname, by what the
    headline and the gazetteer alone tell (no archive): (surname, the word
    before it, the word after it), the word before or after left empty when
    the headline alone says the surname stands beside it, as
    `KnownPeople._standing_alone` reads them. Computed where an article is
    read, so the one writer of an ingest does not."""
    from dateline.corpus.gazetteer import gazetteer

    places = gazetteer().in_text
    tokens = _TOKEN.findall(title)
    found = []
    for i, token in enumerate(tokens):
        surname = _POSSESSIVE.sub("", token.rstrip(".")).casefold()
        if len(surname) < 3 or not re.sub("['’]", "", surname).isalpha():
            continue
        if places.get(surname.title()) is not None or surname.upper() in _ALWAYS_PROSE:
            continue
        before = tokens[i - 1] if i else ""
        if not before or not before[0].isalpha() or _POSSESSIVE.search(before):
            before = ""  # punctuation, a possessive or nothing: it stands after that
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if _POSSESSIVE.search(token) or not after:
            after = ""  # "THATCHER'S CONSERVATIVES": what follows a possessive is the person's
        elif after.startswith("<") or after.upper() in _COMPANY_WORDS:
            continue  # a ticker or a company's word: not a person
        elif not after[0].isalpha():
            after = ""  # punctuation
        else:
            after = _POSSESSIVE.sub("", after)  # prose or not, as the archive writes it
        found.append((surname, before, after))
    return tuple(found)


def load_known_people(store: ArticleStore) -> KnownPeople:
    """The store's known people, read from the counts kept beside it; a store
    older than the counts has its articles counted once, here."""
    from dateline.corpus.people_counts import PeopleCounts

    counts = PeopleCounts(store)
    known = KnownPeople(counts)
    if counts.kept():
        return known
    for n, article in enumerate(store, 1):
        known.learn(article)
        case = (Counter(), Counter(), Counter())
        count_case(article.body, *case)
        known.learn_case(*case)
        if n % 10_000 == 0:  # what is pending is held in memory until saved
            counts.add(*known.take_pending())
    counts.add(*known.take_pending())
    store.commit()
    return known
