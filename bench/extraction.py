"""Extraction quality and ingest speed on real data.

    python bench/extraction.py [--corpus PATH] [--pages PATH] [--half even|odd] [--no-speed]

Main text of 884 real web pages (`../shared/corpora/trafilatura-eval`):
precision, recall and F1 of the strings each page's text must and must not
contain, for the body Dateline stores and for trafilatura alone, in the same
run (`bench/page_text.py`).

Places (country level) and people (surnames) found by Dateline's extractors
in each Reuters-21578 article's title, dateline and body (never its tags),
scored as micro precision and recall against the editors' PLACES and PEOPLE
tags. People precision counts only names the editors tag somewhere in the
corpus (other names cannot be judged against the tags), and once more within
the stories the editors tagged a person in. Then ingest speed in
articles/s and MB/s on the Reuters corpus and on a folder of HTML pages.

`--half even|odd` scores only the even- or odd-numbered reut2-NNN.sgm files
(and the even- or odd-numbered web pages, in URL order): a rule is worth
keeping when it helps on both halves, not only on the pages it was written
from.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import shared_path  # noqa: E402
from dateline.corpus.article import Article  # noqa: E402
from dateline.corpus.extract_people import subjects_and_mentioned  # noqa: E402
from dateline.corpus.extract_places import extract_places  # noqa: E402
from dateline.corpus.gazetteer import gazetteer  # noqa: E402
from dateline.corpus.ingestion import load_articles  # noqa: E402
from dateline.corpus.known_people import KnownPeople  # noqa: E402

DEFAULT_CORPUS = shared_path("corpora", "reuters21578")
DEFAULT_PAGES = shared_path("corpora", "trafilatura-eval")
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
TARGETS = {"places": (0.88, 0.92), "people": (0.82, 0.82)}


class Score:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0
        self.missed: Counter = Counter()
        self.wrong: Counter = Counter()

    def add(self, predicted: set[str], gold: set[str]) -> None:
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)
        self.missed.update(gold - predicted)
        self.wrong.update(predicted - gold)

    @property
    def precision(self) -> float:
        return self.tp / max(1, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return self.tp / max(1, self.tp + self.fn)


def countries(places) -> set[str]:
    gaz = gazetteer()
    return {c for c in (gaz.country_of(p) for p in places) if c}


def surnames(people) -> set[str]:
    """Last names, compared by their last part: the editors' codes write every
    break as a hyphen ("leigh-pemberton" is "Leigh Pemberton"), so a
    hyphenated surname ("Robin Leigh-Pemberton") is compared as "pemberton"."""
    return {re.split(r"[\s-]+", name.strip())[-1].casefold() for name in people if name.strip()}


def extracted_people(articles: list[Article]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(subjects, mentioned) of each article as one ingest of the stories, in
    this order and untagged, finds them: from the text, from the people the
    stories before it named (`corpus.known_people`, which learns here from what
    was extracted, never from the editors' tags), and, at the end, from the
    people the stories after it named."""
    known = KnownPeople()
    found = []
    waiting: dict[str, list[int]] = {}  # a headline word nobody was known by yet -> articles
    for n, a in enumerate(articles):
        subjects, mentioned = subjects_and_mentioned(a.title, a.body)
        subjects, mentioned, unknown = known.read_headline(a.title, subjects, mentioned)
        for surname in unknown:
            waiting.setdefault(surname, []).append(n)
        known.learn_names(subjects + mentioned, a.body)
        found.append((subjects, mentioned))
    for n in sorted({n for s, ns in waiting.items() if known.is_known(s) for n in ns}):
        found[n] = known.headline_subjects(articles[n].title, *found[n])
    return found


def score_reuters(articles: list[Article]) -> tuple[Score, Score, Score, Score]:
    """Places; people (an article's `people`: who it is about); everyone
    named (`people` + `mentioned`: what `person:` searches), for reference;
    and people in the stories the editors tagged someone in (most stories
    they tagged no person in at all, whoever the story is about)."""
    tagged = set().union(*(surnames(a.people) for a in articles))
    places, people, named, in_tagged = Score(), Score(), Score(), Score()
    for a, (subjects, mentioned) in zip(articles, extracted_people(articles)):
        places.add(countries(extract_places(a.title, a.body, dateline=a.dateline or "")),
                   countries(a.places))
        gold = surnames(a.people)
        people.add(surnames(subjects) & tagged, gold)
        named.add(surnames(subjects + mentioned) & tagged, gold)
        if gold:
            in_tagged.add(surnames(subjects) & tagged, gold)
    return places, people, named, in_tagged


def in_half(path: Path, half: str) -> bool:
    """Whether reut2-NNN.sgm is in the even or the odd half of the files."""
    number = int(re.sub(r"\D", "", path.stem.rpartition("-")[2]) or 0)
    return number % 2 == (0 if half == "even" else 1)


def ingest_speed(paths: list[Path]) -> tuple[int, float, float]:
    """(articles, articles/s, MB/s) for a full ingest into a fresh store."""
    from dateline.corpus.ingestion import ingest, walk_inputs
    from dateline.corpus.store import ArticleStore

    size = sum(p.stat().st_size for p in walk_inputs(paths))
    with tempfile.TemporaryDirectory() as tmp:
        store = ArticleStore(Path(tmp) / "articles.sqlite")
        start = time.perf_counter()
        summary = ingest(paths, store, Path(tmp) / "rejects.jsonl", now=NOW)
        seconds = time.perf_counter() - start
        store.close()
    return summary.read, summary.read / seconds, size / 1e6 / seconds


def report(name: str, score: Score, targets: tuple[float, float]) -> None:
    p_ok = "ok" if score.precision >= targets[0] else "MISSED"
    r_ok = "ok" if score.recall >= targets[1] else "MISSED"
    print(f"{name:7} precision {score.precision:.3f} (target {targets[0]}, {p_ok})  "
          f"recall {score.recall:.3f} (target {targets[1]}, {r_ok})  "
          f"tp={score.tp} fp={score.fp} fn={score.fn}")
    print(f"        most missed: {', '.join(f'{k} {v}' for k, v in score.missed.most_common(8))}")
    print(f"        most wrong:  {', '.join(f'{k} {v}' for k, v in score.wrong.most_common(8))}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--html", type=Path, help="folder of HTML pages (default: generated)")
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES,
                        help="web pages with expected strings (trafilatura's evaluation set)")
    parser.add_argument("--no-pages", action="store_true", help="skip the web pages' main text")
    parser.add_argument("--workers", type=int, default=1,
                        help="processes reading the web pages (the figures do not change)")
    parser.add_argument("--no-speed", action="store_true", help="skip the ingest timings")
    parser.add_argument("--half", choices=("even", "odd"),
                        help="score only the even- or odd-numbered reut2-NNN.sgm files")
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        print(f"Error: no Reuters corpus at {args.corpus}", file=sys.stderr)
        return 2
    files = sorted(args.corpus.glob("*.sgm"))
    if args.half:
        files = [f for f in files if in_half(f, args.half)]
    articles = [a for a in load_articles(files, now=NOW) if isinstance(a, Article)]
    start = time.perf_counter()
    places, people, named, in_tagged = score_reuters(articles)
    seconds = time.perf_counter() - start
    print(f"Reuters-21578: {len(articles)} articles, extraction {len(articles) / seconds:.0f} articles/s")
    report("places", places, TARGETS["places"])
    report("people", people, TARGETS["people"])
    report("named", named, TARGETS["people"])
    print("        (named: people + mentioned, what person: searches; the targets are for people)")
    print(f"        people in the {sum(1 for a in articles if a.people)} stories the editors tagged "
          f"a person in: precision {in_tagged.precision:.3f}")
    if not args.no_pages:
        print_page_text(args.pages, args.half, args.workers)
    if not args.no_speed:
        print_speeds(files, args.html)
    return 0


def print_page_text(folder: Path, half: str | None, workers: int = 1) -> None:
    from bench.page_text import F1_MARGIN, load_pages, meets_targets, score_pages

    if not (folder / "expectations.json").exists():
        print(f"web pages: none at {folder} (skipped)")
        return
    pages = load_pages(folder, half)
    start = time.perf_counter()
    scores = score_pages(pages, workers=workers, progress=_progress(len(pages)))
    seconds = time.perf_counter() - start
    print(f"Web pages: {len(pages)} pages, main text, both extractors in {seconds:.0f} s")
    for name, score in scores.items():
        print(f"  {name:11} precision {score.precision:.3f}  recall {score.recall:.3f}  "
              f"F1 {score.f1:.3f}  tp={score.tp} fn={score.fn} fp={score.fp}")
    f1_ok, recall_ok = meets_targets(scores)
    print(f"  targets: F1 >= trafilatura's + {F1_MARGIN} ({'ok' if f1_ok else 'MISSED'}), "
          f"recall >= trafilatura's ({'ok' if recall_ok else 'MISSED'})")


def _progress(total: int):
    """A progress line on a terminal (stderr), nothing when piped."""
    if not sys.stderr.isatty():
        return None

    def show(done: int) -> None:
        print(f"\r  web pages {done}/{total}", end="" if done < total else "\n",
              file=sys.stderr, flush=True)
    return show


def print_speeds(reuters_files: list[Path], html_folder: Path | None) -> None:
    count, rate, mbs = ingest_speed(reuters_files)
    print(f"ingest Reuters: {count} articles, {rate:.0f} articles/s, {mbs:.2f} MB/s")
    with tempfile.TemporaryDirectory() as tmp:
        folder = html_folder or make_html_folder(Path(tmp) / "html")
        count, rate, mbs = ingest_speed([folder])
        print(f"ingest HTML:    {count} articles, {rate:.0f} articles/s, {mbs:.2f} MB/s")


def make_html_folder(folder: Path, copies: int = 12) -> Path:
    """A few hundred HTML pages made from the bundled sample crawl's articles."""
    from html import escape

    from dateline.corpus.sample import sample_path

    folder.mkdir(parents=True)
    sample = [a for a in load_articles([sample_path()], now=NOW) if isinstance(a, Article)]
    for copy in range(copies):
        for n, a in enumerate(sample):
            paragraphs = "".join(f"<p>{escape(p)} (copy {copy})</p>" for p in a.body.split("\n\n"))
            date = a.date.isoformat() if a.date else ""
            page = (
                f"<html><head><title>{escape(a.title)}</title>"
                f'<meta property="article:published_time" content="{date}">'
                f'<meta property="og:site_name" content="{escape(a.source or "Example News")}">'
                f"</head><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
                f"<article><h1>{escape(a.title)} {copy}</h1>{paragraphs}</article>"
                f"<footer>Subscribe to our newsletter. Copyright Example News.</footer></body></html>"
            )
            (folder / f"page-{copy:02d}-{n:03d}.html").write_text(page, encoding="utf-8")
    return folder


if __name__ == "__main__":
    sys.exit(main())
