"""Precision and recall of "same story" (`corpus.same_story`) on labelled
pairs of Reuters-21578 articles, beside the rule it replaced.

    python -m bench.same_story                 # the pairs in bench/same_story_pairs.csv
    python -m bench.same_story --errors        # and every pair the rule gets wrong

The pairs file holds NEWIDs, labels and a note where a label was changed or
kept against a first reading (the text stays in ../shared):
"same story" (one story republished, corrected, updated or extended),
"template" (the same wording with other facts: another week's forecast,
another company's dividend) and "unrelated". How they were drawn and
labelled: docs/near-duplicates.md. Precision and recall count "same story"
as the positive class; the rows are also scored in two halves (even and odd
rows) to show how much the figures move with the sample.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from bench.common import shared_path
from dateline.corpus import dedupe
from dateline.corpus.same_story import facts_of, same_story

REPO = Path(__file__).resolve().parents[1]
PAIRS = REPO / "bench" / "same_story_pairs.csv"
DEFAULT_CORPUS = shared_path("corpora", "reuters21578")
OLD_SIMILARITY = 0.4  # the rule before: estimated Jaccard of 4-shingles alone


def read_pairs(path: Path = PAIRS) -> list[tuple[str, str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return [(row["a"], row["b"], row["label"]) for row in csv.DictReader(handle)]


def relabelled(path: Path = PAIRS) -> list[tuple[str, str, str]]:
    """(a, b, note) of the pairs whose label was changed after the first
    labelling, each with its reason."""
    with open(path, newline="", encoding="utf-8") as handle:
        return [(row["a"], row["b"], row["note"]) for row in csv.DictReader(handle)
                if (row.get("note") or "").startswith("relabelled")]


def load_needed(corpus: Path, ids: set[str]) -> dict:
    """The labelled articles, read with Dateline's own Reuters reader."""
    from bench.corpus_copies import read_originals, reuters_files

    return {a.id: a for a in read_originals(reuters_files(corpus)) if a.id in ids}


def judge(pairs, articles) -> list[tuple[str, str, str, bool, bool, float, bool]]:
    """(a, b, label, new rule says same, old rule says same, similarity,
    identical bodies) per pair."""
    cache = {}

    def features(article_id):
        if article_id not in cache:
            article = articles[article_id]
            cache[article_id] = (dedupe.article_signature(article), facts_of(article))
        return cache[article_id]

    rows = []
    for a, b, label in pairs:
        (sig_a, facts_a), (sig_b, facts_b) = features(a), features(b)
        similarity = dedupe.similarity(sig_a, sig_b)
        rows.append((a, b, label, same_story(similarity, facts_a, facts_b),
                     similarity >= OLD_SIMILARITY, similarity, facts_a.body_hash == facts_b.body_hash))
    return rows


def precision_recall(rows, column: int) -> tuple[float, float, int, int, int]:
    tp = sum(1 for r in rows if r[2] == "same story" and r[column])
    fp = sum(1 for r in rows if r[2] != "same story" and r[column])
    fn = sum(1 for r in rows if r[2] == "same story" and not r[column])
    return tp / max(1, tp + fp), tp / max(1, tp + fn), tp, fp, fn


def report(rows) -> str:
    lines = [f"{len(rows)} labelled pairs: " + ", ".join(
        f"{sum(1 for r in rows if r[2] == k)} {k}" for k in ("same story", "template", "unrelated")),
        f"{'rule':<34} {'rows':<14} {'precision':>9} {'recall':>7} {'TP':>4} {'FP':>4} {'FN':>4}"]
    # Identical bodies are folded whatever the rule (issue 14): the rows whose
    # bodies differ show what the rule itself decides.
    halves = {"all": rows, "even": rows[0::2], "odd": rows[1::2],
              "bodies differ": [r for r in rows if not r[6]]}
    for name, column in (("same story (facts, time, text)", 3), (f"old: similarity >= {OLD_SIMILARITY}", 4)):
        for half, subset in halves.items():
            p, r, tp, fp, fn = precision_recall(subset, column)
            lines.append(f"{name:<34} {half:<14} {p:>9.3f} {r:>7.3f} {tp:>4} {fp:>4} {fn:>4}")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--errors", action="store_true", help="list the pairs the rule gets wrong")
    args = parser.parse_args(argv)
    pairs = read_pairs(args.pairs)
    articles = load_needed(args.corpus, {i for a, b, _ in pairs for i in (a, b)})
    missing = sorted({i for a, b, _ in pairs for i in (a, b)} - set(articles))
    if missing:
        raise SystemExit(f"Error: {len(missing)} labelled articles not in {args.corpus} ({missing[0]}, ...)")
    rows = judge(pairs, articles)
    print(report(rows))
    changed = relabelled(args.pairs)
    if changed:
        # Figures with the first labels too, so a relabelling cannot hide a miss.
        first = {(a, b): "template" for a, b, _ in changed}  # every change so far was template -> same story
        print(f"with the first labels of the {len(changed)} relabelled pairs (see their note):")
        print(report([(a, b, first.get((a, b), label), *rest) for a, b, label, *rest in rows]).split("\n", 2)[2])
    if args.errors:
        for a, b, label, new, _old, similarity, _same_body in rows:
            if new != (label == "same story"):
                print(f"  {a} {b} labelled {label}, rule says {'same' if new else 'different'} "
                      f"(similarity {similarity:.2f}): {articles[a].title[:40]} | {articles[b].title[:40]}")


if __name__ == "__main__":
    main()
