"""Which clusters of a home join articles whose figures differ, and why the
rule allows it (issue 14's "done when": no cluster joins stories whose figures
differ except where the measured rule says they are one story).

    python -m bench.story_clusters                  # ingest Reuters-21578 into a scratch home
    python -m bench.story_clusters --home PATH      # or audit a home as it is
    python -m bench.story_clusters --show           # and list each such pair

Every two members of a cluster are compared (a cluster is built one article at
a time, each joining its most similar candidate, so two members may never
have been compared). Two members "state different figures" when each states a
figure the other does not, as written (`corpus.same_story.figures`). Each such
pair is then either one story by the rule (identical bodies; a headline that
corrects or repeats; the same figures rounded or one mistyped; figures only
on lines the other article does not have) or a
*violation*: the rule would not fold them, yet they share a cluster.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from bench.common import shared_path
from dateline.corpus import dedupe
from dateline.corpus.same_story import changed_figure, facts_of, same_story

DEFAULT_CORPUS = shared_path("corpora", "reuters21578")


def audit(articles) -> dict:
    """{"clusters": clusters of more than one article, "differ": those with
    two members stating different figures, "why": Counter of the reasons the
    rule gives for such pairs, "violations": [(cluster, a, b)]}."""
    members = defaultdict(list)
    for article in articles:
        members[article.cluster or article.id].append(article)
    why: Counter = Counter()
    differ, violations, listed = set(), [], []
    for cluster, group in members.items():
        if len(group) < 2:
            continue
        features = [(a, dedupe.article_signature(a), facts_of(a)) for a in group]
        for i, (a, sig_a, facts_a) in enumerate(features):
            for b, sig_b, facts_b in features[i + 1:]:
                if not (facts_a.figures - facts_b.figures and facts_b.figures - facts_a.figures):
                    continue
                differ.add(cluster)
                reason = _reason(dedupe.similarity(sig_a, sig_b), facts_a, facts_b)
                why[reason] += 1
                listed.append((reason, a, b))
                if reason == "violation":
                    violations.append((cluster, a.id, b.id))
    return {"clusters": sum(1 for g in members.values() if len(g) > 1), "differ": len(differ),
            "why": why, "pairs": listed, "violations": violations}


def _reason(similarity: float, a, b) -> str:
    if not same_story(similarity, a, b):
        return "violation"
    if a.body_hash == b.body_hash:
        return "identical bodies"
    if not changed_figure(a.figures, b.figures):
        return "the same figures written another way, rounded or one mistyped"
    if not changed_figure(a.figures, b.figures, a.lines, b.lines):
        return "figures only on lines the other lacks (a paragraph added or dropped)"
    return "a correction or repeat"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, help="audit this home (default: ingest --corpus into a scratch home)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--show", action="store_true", help="list every pair stating different figures")
    args = parser.parse_args(argv)
    from dateline.corpus import ArticleStore, Home, ingest

    with tempfile.TemporaryDirectory() as scratch:
        home = Home.resolve(args.home or scratch)
        if args.home is None:
            if not args.corpus.exists():
                raise SystemExit(f"Error: {args.corpus} not found")
            with ArticleStore(home.store_path) as store:
                ingest([args.corpus], store, home.rejects_path)
        elif not home.store_path.exists():
            raise SystemExit(f"Error: {home.store_path} not found (no home at {args.home})")
        with ArticleStore(home.store_path, readonly=True) as store:
            found = audit(store)
            total = len(store)
            if args.show:
                for reason, a, b in sorted(found["pairs"], key=lambda p: p[0]):
                    print(f"  {reason}: {a.id} {a.title[:45]!r} / {b.id} {b.title[:45]!r}")
    print(f"{total} articles; {found['clusters']} clusters of more than one; "
          f"{found['differ']} of them join two articles stating different figures")
    for reason, pairs in found["why"].most_common():
        print(f"  {pairs:>4} pairs: {reason}")
    for cluster, a, b in found["violations"]:
        print(f"  violation: cluster {cluster} joins {a} and {b}, which the rule says are two stories")


if __name__ == "__main__":
    main()
