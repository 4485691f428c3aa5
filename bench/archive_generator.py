"""A generated archive of any size that grows as a real one does, built from
Reuters-21578 (issue 19 item 5: measured at a million articles).

    python -m bench.archive_generator --articles 1000000 --out DIR [--seed 19]

Plain copies of Reuters (`bench/corpus_copies.py`) keep the vocabulary of
1987 and collapse into near-duplicate clusters; a real archive of a million
articles does neither. Article n of a generated archive is:

- **dated in order over decades**: n/N of the way from 1976 to 2025 plus a
  random part of one step, at a random time of day, so every month of those
  fifty years holds articles and later articles are later, as an archive
  grows (not every copy on its original's month and day);
- **a recombination**: the paragraphs of one Reuters article (the base), some
  replaced by paragraphs of another article on the same topic, some dropped,
  its places sometimes swapped for other places (in the text as in the list);
- **in a growing vocabulary**: invented words (pronounceable, like new names
  of companies, products and people) enter at Heaps' law's rate, V(n) =
  K * n^BETA distinct invented words after n articles; article n uses the
  words that enter with it plus a few earlier ones (recent ones most), and
  one in three articles quotes an invented person, added to its people.

Each article is drawn from its own random generator, seeded by (seed, n):
the archive is the same on every run and any slice of it can be made alone.
Records stream to JSON-lines files of `PER_FILE` articles (small enough
that ingest reads them in worker processes); nothing holds the archive.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.common import shared_path
from bench.corpus_copies import read_originals, reuters_files

START = datetime(1976, 1, 1, tzinfo=timezone.utc)
END = datetime(2026, 1, 1, tzinfo=timezone.utc)
HEAPS_K, HEAPS_BETA = 40.0, 0.6  # ~14,000 invented words at 18,000 articles, ~160,000 at 1M
PER_FILE = 10_000
REPLACE_PARAGRAPH, DROP_PARAGRAPH, SWAP_PLACE, QUOTE_PERSON = 0.3, 0.1, 0.3, 0.33
DEFAULT_SEED = 19

CONSONANTS = "bcdfghjklmnprstvwz"
VOWELS = "aeiou"
SYLLABLES = [c + v for c in CONSONANTS for v in VOWELS]  # 90, each two letters
ENDINGS = ["", "n", "r", "s", "x", "k", "l", "t"]


def invented_word(k: int) -> str:
    """The k-th invented word: distinct for every k (a bijective base-90 spelling
    of k in two-letter syllables, at least two of them, then an ending that also
    depends on k)."""
    k, ending = divmod(k, len(ENDINGS))
    syllables = []
    k += len(SYLLABLES)  # at least two syllables
    while k:
        k, digit = divmod(k, len(SYLLABLES))
        syllables.append(SYLLABLES[digit])
    return "".join(reversed(syllables)) + ENDINGS[ending]


def invented_vocabulary(articles: int) -> int:
    """How many invented words an archive of `articles` articles has used."""
    return int(HEAPS_K * articles ** HEAPS_BETA)


class Source:
    """The Reuters originals, split into paragraphs and grouped by topic once."""

    def __init__(self, originals):
        self.articles = [a for a in originals if a.body.strip()]
        if not self.articles:
            raise SystemExit("Error: the corpus has no articles with a body to generate from")
        self.paragraphs = [[p for p in a.body.split("\n\n") if p.strip()] for a in self.articles]
        self.by_topic: dict[str, list[int]] = defaultdict(list)
        for n, article in enumerate(self.articles):
            self.by_topic[article.tags[0] if article.tags else ""].append(n)
        self.places = sorted({p for a in self.articles for p in a.places})


def generate(source: Source, articles: int, *, seed: int = DEFAULT_SEED,
             start: int = 0, stop: int | None = None) -> Iterator[dict]:
    """Records start..stop-1 of an archive of `articles` (JSON-ready dicts, in order)."""
    for n in range(start, articles if stop is None else min(stop, articles)):
        yield _article(source, n, articles, seed)


def _article(source: Source, n: int, articles: int, seed: int) -> dict:
    rng = random.Random(f"{seed}/{n}")
    base_n = rng.randrange(len(source.articles))
    base = source.articles[base_n]
    topic = source.by_topic[base.tags[0] if base.tags else ""]
    paragraphs = []
    for number, paragraph in enumerate(source.paragraphs[base_n]):
        if number and rng.random() < DROP_PARAGRAPH:
            continue
        if number and rng.random() < REPLACE_PARAGRAPH:
            donor = source.paragraphs[rng.choice(topic)]
            paragraph = rng.choice(donor)
        paragraphs.append(paragraph)
    title, places = base.title, list(base.places)
    if places and rng.random() < SWAP_PLACE:
        old, new = rng.choice(places), rng.choice(source.places)
        places = [new if p == old else p for p in places]
        title = title.replace(old.upper(), new.upper())
        paragraphs = [p.replace(old, new) for p in paragraphs]
    words = _words_for(rng, n)
    people = list(base.people)
    if rng.random() < QUOTE_PERSON:
        person = f"{_pick(rng, n).capitalize()} {_pick(rng, n).capitalize()}"
        people.append(person)
        at = rng.randrange(len(paragraphs))
        paragraphs[at] = f"{paragraphs[at].rstrip().rstrip('.')}, {person} said."
    for word in words:
        at = rng.randrange(len(paragraphs))
        paragraphs[at] = _put_word(rng, paragraphs[at], word)
    step = (END - START) / articles
    day = START + step * n + step * rng.random()
    date = day.replace(hour=rng.randrange(6, 22), minute=rng.randrange(60),
                       second=rng.randrange(60), microsecond=0)
    return {
        "id": f"gen{seed}-{n:07d}",
        "title": title,
        "body": "\n\n".join(paragraphs),
        "date": min(date, END - timedelta(seconds=1)).isoformat(),
        "people": people,
        "places": places,
        "tags": list(base.tags),
        "source": base.source,
    }


def _words_for(rng: random.Random, n: int) -> list[str]:
    """The invented words that enter the archive with article n, and one to
    three used before (the recent ones most often)."""
    first, last = invented_vocabulary(n), invented_vocabulary(n + 1)
    new = [invented_word(k) for k in range(first, last)]
    return new + [_pick(rng, n) for _ in range(rng.randint(1, 3))]


def _pick(rng: random.Random, n: int) -> str:
    known = max(1, invented_vocabulary(n + 1))
    return invented_word(known - 1 - int(known * rng.random() ** 3))


def _put_word(rng: random.Random, paragraph: str, word: str) -> str:
    """The word in place of one of the paragraph's words of four letters or more
    (a perturbation too), or, if it has none, after it."""
    tokens = paragraph.split(" ")
    spots = [i for i, t in enumerate(tokens) if len(t) >= 4 and t.isalpha()]
    if not spots:
        return f"{paragraph} {word.capitalize()}."
    at = rng.choice(spots)
    tokens[at] = word.capitalize() if tokens[at][0].isupper() else word
    return " ".join(tokens)


def archive_paths(out_dir: Path, articles: int, *, seed: int = DEFAULT_SEED,
                  per_file: int = PER_FILE) -> list[Path]:
    """The files `write_archive` writes, in order."""
    return [out_dir / f"archive-{seed}-{articles}-{number:05d}.jsonl"
            for number in range(-(-articles // per_file))]


def write_archive(source: Source, out_dir: Path, articles: int, *, seed: int = DEFAULT_SEED,
                  per_file: int = PER_FILE, progress=None) -> list[Path]:
    """The archive as JSON-lines files of `per_file` articles; files already
    written whole (by an earlier run with the same arguments) are kept."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for path, first in zip(archive_paths(out_dir, articles, seed=seed, per_file=per_file),
                           range(0, articles, per_file)):
        if not path.exists():
            tmp = path.with_suffix(".tmp")
            with open(tmp, "w", encoding="utf-8") as handle:
                for rec in generate(source, articles, seed=seed, start=first, stop=first + per_file):
                    handle.write(json.dumps(rec, ensure_ascii=False) + "\n")
            tmp.replace(path)
        paths.append(path)
        if progress:
            progress(min(first + per_file, articles))
    return paths


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.archive_generator",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--corpus", type=Path,
                        default=shared_path("corpora", "reuters21578"))
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.exit(2, "Error: --articles must be at least 1\n")
    source = Source(read_originals(reuters_files(args.corpus)))

    def progress(done: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{done:,} of {args.articles:,} articles", end="", file=sys.stderr, flush=True)

    paths = write_archive(source, args.out, args.articles, seed=args.seed, progress=progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"{args.articles} articles in {len(paths)} files under {args.out}")


if __name__ == "__main__":
    main()
