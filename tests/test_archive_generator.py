"""The generated archive of `bench/archive_generator.py`: the same for a seed,
distinct articles, a vocabulary that keeps growing, dates over decades."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from bench.archive_generator import (Source, generate, invented_vocabulary, invented_word,
                                     write_archive)
from dateline.corpus.article import Article

TOPICS = ("grain", "oil", "money")
PLACES = ("Japan", "France", "Brazil", "Kenya")


def originals(count: int = 30) -> list[Article]:
    return [
        Article(
            id=f"r{n}", title=f"{TOPICS[n % 3].upper()} NEWS FROM {PLACES[n % 4].upper()} {n}",
            body="\n\n".join(f"Paragraph {p} of story {n} says {TOPICS[n % 3]} traders in "
                             f"{PLACES[n % 4]} watched prices closely today." for p in range(4)),
            date=datetime(1987, 3, 1 + n % 28, tzinfo=timezone.utc), places=(PLACES[n % 4],),
            tags=(TOPICS[n % 3],), source="Reuters",
        )
        for n in range(count)
    ]


def words(record: dict) -> set[str]:
    return set(re.findall(r"\w+", (record["title"] + " " + record["body"]).lower()))


def test_the_same_seed_gives_the_same_archive_and_another_seed_another():
    source = Source(originals())
    first = list(generate(source, 200, seed=7))
    assert first == list(generate(source, 200, seed=7))
    assert [r["body"] for r in first] != [r["body"] for r in generate(source, 200, seed=8)]


def test_a_slice_of_the_archive_is_the_same_articles_as_in_the_whole():
    source = Source(originals())
    whole = list(generate(source, 300))
    assert list(generate(source, 300, start=120, stop=180)) == whole[120:180]


def test_articles_are_distinct_recombinations_not_copies():
    source = Source(originals())
    records = list(generate(source, 400))
    assert len({r["id"] for r in records}) == 400
    assert len({r["body"] for r in records}) == 400
    bodies = {a.body for a in source.articles}
    assert not any(r["body"] in bodies for r in records)
    # recombined: some articles hold a paragraph of another story of the topic
    mixed = sum(1 for r in records if len(set(re.findall(r"of story (\d+)", r["body"]))) > 1)
    assert mixed > 40
    # people and places vary: invented people are quoted, places swapped
    assert sum(1 for r in records if r["people"]) > 60
    assert len({(r["places"][0], r["tags"][0]) for r in records}) > len(PLACES)


def test_the_vocabulary_keeps_growing_ever_more_slowly():
    source = Source(originals())
    seen: set[str] = set()
    sizes = {}
    for n, rec in enumerate(generate(source, 4000), start=1):
        seen |= words(rec)
        if n in (500, 1000, 2000, 4000):
            sizes[n] = len(seen)
    # it grows at every doubling, by less than double (Heaps' law, not linear)
    assert sizes[500] < sizes[1000] < sizes[2000] < sizes[4000]
    assert sizes[4000] - sizes[2000] < 2 * (sizes[2000] - sizes[1000])
    assert invented_vocabulary(2_000_000) < 2 * invented_vocabulary(1_000_000)


def test_invented_words_are_all_distinct():
    spelled = [invented_word(k) for k in range(50_000)]
    assert len(set(spelled)) == len(spelled)
    assert all(w.isalpha() and w.islower() for w in spelled)


def test_dates_spread_over_decades_in_archive_order():
    source = Source(originals())
    dates = [datetime.fromisoformat(r["date"]) for r in generate(source, 600)]
    assert dates == sorted(dates)
    assert dates[0].year <= 1977 and dates[-1].year >= 2024
    assert len({(d.year, d.month) for d in dates}) > 400
    assert len({(d.month, d.day) for d in dates}) > 200  # not one month/day pattern


def test_the_archive_is_written_to_files_of_a_bounded_size_and_kept(tmp_path):
    source = Source(originals())
    paths = write_archive(source, tmp_path, 250, per_file=100)
    assert [sum(1 for _ in p.open()) for p in paths] == [100, 100, 50]
    records = [json.loads(line) for p in paths for line in p.open()]
    assert records == list(generate(source, 250))
    before = [p.stat().st_mtime_ns for p in paths]
    assert write_archive(source, tmp_path, 250, per_file=100) == paths
    assert [p.stat().st_mtime_ns for p in paths] == before
