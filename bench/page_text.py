"""Main text of real web pages: Dateline's stored body beside trafilatura alone.

The development set (`../shared/corpora/trafilatura-eval/`, see its README)
gives, for each saved page, strings its main text must contain (`with`) and
must not contain (`without`: menus, footers, teasers, comments). Scored as
trafilatura's own evaluation scores it: a `with` string found is a true
positive, missing a false negative; a `without` string found is a false
positive. Whitespace is folded before comparing. Both sides read the same
decoded text (`decode_html`, as an ingest decodes a page).

Dateline's text is the body `page_from_html` stores (empty when it rejects the
page); trafilatura's is `trafilatura.extract(html, url=url)`.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from bench.extraction import Score
from dateline.corpus.article import Article
from dateline.corpus.readers.decode import decode_html
from dateline.corpus.readers.html import page_from_html

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
# Dateline's F1 at least trafilatura's + F1_MARGIN, and its recall at least trafilatura's.
F1_MARGIN = 0.02


@dataclass(frozen=True)
class EvalPage:
    url: str
    path: Path
    must: tuple[str, ...]
    must_not: tuple[str, ...]

    def html(self) -> str:
        decoded = decode_html(gzip.decompress(self.path.read_bytes()))
        return decoded.text if decoded else ""


class TextScore(Score):
    """Strings found and missed over pages; `missed` counts (url, string) pairs
    that should be there and are not, `wrong` those that should not and are."""

    def __init__(self) -> None:
        super().__init__()
        self.tn = 0

    def add_page(self, page: EvalPage, text: str) -> None:
        folded = fold(text)
        missed = [s for s in page.must if fold(s) not in folded]
        self.tp += len(page.must) - len(missed)
        self.fn += len(missed)
        self.missed.update((page.url, s) for s in missed)
        wrong = [s for s in page.must_not if fold(s) in folded]
        self.fp += len(wrong)
        self.tn += len(page.must_not) - len(wrong)
        self.wrong.update((page.url, s) for s in wrong)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def fold(text: str) -> str:
    return " ".join(text.split())


def load_pages(folder: Path, half: str | None = None) -> list[EvalPage]:
    """The set's pages in URL order; `half` keeps the even- or odd-numbered ones."""
    expectations = json.loads((folder / "expectations.json").read_text(encoding="utf-8"))
    pages = []
    for n, url in enumerate(sorted(expectations)):
        if half and n % 2 != (0 if half == "even" else 1):
            continue
        entry = expectations[url]
        pages.append(EvalPage(url, folder / "pages" / f"{entry['file']}.gz",
                              tuple(entry.get("with") or ()), tuple(entry.get("without") or ())))
    return pages


def dateline_text(html: str, url: str) -> str:
    """The body Dateline stores for a page, or "" when it rejects the page."""
    found = page_from_html(html, url, now=NOW, url=url)
    return found.body if isinstance(found, Article) else ""


def trafilatura_text(html: str, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url) or ""


EXTRACTORS: dict[str, Callable[[str, str], str]] = {
    "dateline": dateline_text, "trafilatura": trafilatura_text}


def page_texts(page: EvalPage) -> dict[str, str]:
    """Each extractor's text of one page (a pure function: worker processes run it)."""
    html = page.html()
    return {name: extract(html, page.url) for name, extract in EXTRACTORS.items()}


def score_pages(pages: list[EvalPage], *, workers: int = 1,
                progress: Callable[[int], None] | None = None) -> dict[str, TextScore]:
    """Each extractor's score over the pages, both reading each page in turn
    (in `workers` processes; the scores do not depend on how many)."""
    scores = {name: TextScore() for name in EXTRACTORS}
    with ProcessPoolExecutor(workers) if workers > 1 else nullcontext() as pool:
        texts = pool.map(page_texts, pages, chunksize=8) if pool else map(page_texts, pages)
        for n, (page, found) in enumerate(zip(pages, texts)):
            for name, text in found.items():
                scores[name].add_page(page, text)
            if progress:
                progress(n + 1)
    return scores


def meets_targets(scores: dict[str, TextScore]) -> tuple[bool, bool]:
    """(F1 at least trafilatura's + F1_MARGIN, recall at least trafilatura's)."""
    ours, theirs = scores["dateline"], scores["trafilatura"]
    return ours.f1 >= theirs.f1 + F1_MARGIN, ours.recall >= theirs.recall
