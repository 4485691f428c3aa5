"""Top words: the words that set a result set apart from the whole archive,
as Elasticsearch's `significant_text` does, counted over every match.

The score is JLH, Elasticsearch's default significance heuristic:
    fg = articles among the results holding the word / results
    bg = articles in the archive holding the word / articles in the archive
    score = (fg - bg) * (fg / bg)        (0 unless fg > bg)
The first factor rewards an absolute rise (so a word in 1 of 3 results and
nowhere else is not on top by chance alone), the second a relative one (so
words common everywhere, 'said', fall away even when frequent in the
results). A word must be in at least MIN_RESULTS results (Elasticsearch's
min_doc_count is 3; 2 for small result sets) to count as a pattern, and the
query's own words are left out: every result holds them by construction.

When the results are the whole archive (`*`, or filters every article
passes), fg == bg for every word, so every score is 0 and the answer is
empty: it is returned before any word is counted (at Reuters x10 that count
took 360 ms for nothing). A large share short of the whole is NOT empty: with
s = results / archive, a word all of whose articles are among the results has
fg = bg / s, so score = bg * (1/s - 1) / s > 0 (the words of March among
`* date:1987-03..1987-12`), and those are counted as any result set is.

The counts come from the engine (`Reader.word_document_counts`; the Whoosh
engine's per-segment tables are in `index/whoosh_engine/word_table.py`) as
arrays, and every word is scored at once: only the best few are then looked
at one by one (ties, the query's own words).

More than SAMPLE matches are not all read: the words are counted over a
sample of about SAMPLE of them spread over all (`Reader.sample_matches`:
not by relevance; Elasticsearch's `sampler` takes the best-scoring, and at a
million generated articles the best 5,000 shared as few as 0 of the top 10
words with every match, a spread sample 6 to 10), and fg is a share of
that sample. The answer says how many matches were read (`TopWords.read`;
`facets_words_sample` in the JSON document; "top words of 5,000 of the
76,243 matches" on the page); with SAMPLE matches or fewer, every match is
read and the counts are exact. Reading every match cost 95 CPU ms for `oil`
and 444 for `said` at a million generated articles (docs/performance.md).
"""

from __future__ import annotations

import numpy as np

from dateline.index.analysis import stem
from dateline.index.engine import Reader
from dateline.index.matches import Matches

TOP_WORDS = 10
SAMPLE = 5000  # about the most matches whose words are read (a sample spread over them)
FIRST_LOOK = 4  # the best FIRST_LOOK x top candidates are ordered first (`top_words`)


class TopWords(list):
    """The top words, [{"value", "count", "score"}], and `read`: how many
    matches their counts come from (all of them up to SAMPLE; 0 when none
    was read: no matches, or every article)."""

    def __init__(self, words=(), read: int = 0):
        super().__init__(words)
        self.read = read


def top_words(reader: Reader, matches: Matches, *, exclude: set[str] = frozenset(),
              top: int = TOP_WORDS, sample: int | None = None) -> TopWords:
    """The `top` words by JLH score: [{"value", "count", "score"}], count being
    the results read that hold the word (a sample of about `sample` of them
    when there are more, `Reader.sample_matches`); ties by count, then by word. `exclude`: stems of the
    query's words; `sample`: SAMPLE unless given."""
    if not len(matches) or len(matches) >= reader.doc_count():  # none, or all: every score is 0
        return TopWords()
    sample = SAMPLE if sample is None else sample
    if len(matches) > sample:
        matches = reader.sample_matches(matches, sample)
    results = len(matches)
    least = 2 if results < 30 else 3
    counts = reader.word_document_counts(matches, least)
    # Every word scored at once (numpy); only the best few are looked at one by one.
    held, anywhere = counts.matched, counts.everywhere
    candidates = np.flatnonzero((held >= least) & (anywhere > 0))
    fg, bg = held[candidates] / results, anywhere[candidates] / counts.archive
    rising = fg > bg
    candidates, fg, bg = candidates[rising], fg[rising], bg[rising]
    scores = (fg - bg) * (fg / bg)
    # Only the best few are put in order (sorting a common word's thousands
    # of candidates was a third of this function): every word scoring at
    # least the FIRST_LOOK * top-th best score, ties included, so each run
    # below is whole; all of them only when the query's own words, left out,
    # leave fewer than `top` of those.
    first = FIRST_LOOK * top
    if len(scores) > first:
        floor = np.partition(scores, len(scores) - first)[len(scores) - first]
        best = np.flatnonzero(scores >= floor)
        chosen = _best(counts.words, candidates[best], scores[best], held, exclude, top)
        if len(chosen) >= top:
            return TopWords(chosen[:top], results)
    return TopWords(_best(counts.words, candidates, scores, held, exclude, top)[:top], results)


def _best(words: list[str], candidates: np.ndarray, scores: np.ndarray, held: np.ndarray,
          exclude: set[str], top: int) -> list[dict]:
    """At least `top` of the candidates (all of them if fewer), best score
    first, then most results holding them, then in word order; the query's
    own words (`exclude`) left out."""
    order = np.lexsort((-held[candidates], -scores))
    chosen: list[dict] = []
    start = 0
    while start < len(order) and len(chosen) < top:
        # A run of equal score and count goes in word order; the query's own words are left out.
        key = (scores[order[start]], held[candidates[order[start]]])
        end = start + 1
        while end < len(order) and (scores[order[end]], held[candidates[order[end]]]) == key:
            end += 1
        for word in sorted(words[candidates[n]] for n in order[start:end]):
            if stem(word) not in exclude:
                chosen.append({"value": word, "count": int(key[1]), "score": round(float(key[0]), 4)})
        start = end
    return chosen
