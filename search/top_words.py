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
engine's per-segment tables are in `index/whoosh_engine/word_table.py`).
"""

from __future__ import annotations

from dateline.index.analysis import stem
from dateline.index.engine import Reader
from dateline.index.matches import Matches

TOP_WORDS = 10


def top_words(reader: Reader, matches: Matches, *, exclude: set[str] = frozenset(),
              top: int = TOP_WORDS) -> list[dict]:
    """The `top` words by JLH score: [{"value", "count", "score"}], count being
    the results that hold the word. `exclude`: stems of the query's words."""
    results = len(matches)
    if not results or results >= reader.doc_count():  # none, or all: every score is 0
        return []
    counts, archive_size = reader.word_document_counts(matches)
    least = 2 if results < 30 else 3
    scored = []
    for word, (fg_count, bg_count) in counts.items():
        if fg_count < least or not bg_count or stem(word) in exclude:
            continue
        fg, bg = fg_count / results, bg_count / archive_size
        if fg > bg:
            scored.append(((fg - bg) * (fg / bg), fg_count, word))
    scored.sort(key=lambda item: (-item[0], -item[1], item[2]))
    return [{"value": word, "count": count, "score": round(score, 4)}
            for score, count, word in scored[:top]]
