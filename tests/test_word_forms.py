"""Words found in every form an article writes them: irregular stems
(dying/die), possessives (the yen's), through updates, removals and merges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from typer.testing import CliRunner

from dateline.index.analysis import (FOLD_TABLE, WORD, index_text, index_words, may_be_irregular, spaced_text,
                                     stem, stem_exceptions, stems_text)
from dateline.search.cli import app

ARTICLES = [
    {"id": "dying", "title": "Coral reefs dying", "body": "Reefs are dying off the coast."},
    {"id": "died", "title": "Poet dies", "body": "The poet died at home."},
    {"id": "lying", "title": "Lying under oath", "body": "Lying to a court is a crime."},
    {"id": "tying", "title": "Tying the knot", "body": "Tying up loose ends at the summit."},
    {"id": "yen", "title": "Exporters fret", "body": "The yen's appreciation hurt exporters."},
    {"id": "yen-plain", "title": "Yen steady", "body": "The yen was steady in Tokyo."},
    {"id": "kenya", "title": "Kenya’s drought", "body": "Rains failed across Kenya’s north."},
]


def _write(path: Path, articles) -> Path:
    path.write_text("".join(json.dumps(a) + "\n" for a in articles))
    return path


def cli(home: Path, *args: str):
    return CliRunner().invoke(app, ["--home", str(home), *args])


def found(home: Path, query: str) -> set[str]:
    result = cli(home, "search", query, "--json", "--limit", "100", "--all-copies")
    assert result.exit_code == 0, result.output
    return {hit["id"] for hit in json.loads(result.stdout)["hits"]}


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("forms") / "home"
    assert cli(root, "ingest", str(_write(root.parent / "a.jsonl", ARTICLES))).exit_code == 0
    assert cli(root, "index").exit_code == 0
    return root


def test_a_word_with_an_irregular_stem_finds_its_own_form(home):
    # Snowball stems dying -> die, lying -> lie, tying -> tie.
    assert found(home, "dying") == {"dying", "died"} == found(home, "die")
    assert found(home, "lying") == {"lying"} and found(home, "tie") == {"tying"}


def test_a_possessive_is_found_by_the_word_and_the_exact_word(home):
    assert found(home, '"yen"') == found(home, "yen") == {"yen", "yen-plain"}
    assert found(home, '"yen appreciation"') == {"yen"}
    assert found(home, "title:kenya") == found(home, '"kenya drought"') == {"kenya"}


def test_possessive_is_dropped_at_query_time_too(home):
    assert found(home, '"yen\'s appreciation"') == {"yen"}
    assert found(home, "yen’s") == found(home, "yen") == {"yen", "yen-plain"}


def test_irregular_stems_stay_findable_through_update_remove_and_merge(tmp_path, home):
    root = tmp_path / "home"
    assert cli(root, "ingest", str(_write(tmp_path / "a.jsonl", ARTICLES[:2]))).exit_code == 0
    assert cli(root, "index").exit_code == 0
    more = [{"id": f"lie-{n}", "title": f"Report {n}", "body": "Officials lying again."}
            for n in range(3)]
    for n, article in enumerate(more):  # one segment per update
        assert cli(root, "update", str(_write(tmp_path / f"u{n}.jsonl", [article]))).exit_code == 0
    assert found(root, "lie") == {"lie-0", "lie-1", "lie-2"}
    assert cli(root, "remove", "--id", "lie-1").exit_code == 0
    assert found(root, "lie") == {"lie-0", "lie-2"}
    assert cli(root, "index", "--optimize").exit_code == 0
    assert found(root, "lie") == {"lie-0", "lie-2"} and found(root, "dying") == {"dying", "died"}


def test_the_possessive_is_not_a_word_of_its_own():
    assert index_words("The yen's rise, Kenya’s rains, O'Neill's bid") == [
        "the", "yen", "rise", "kenya", "rains", "o'neill", "bid"]
    assert index_words("don't it's JAMES'S yen'sx") == ["don't", "it", "james", "yen'sx"]


# Letters whose lower-casing depends on their neighbours (Greek final sigma),
# that lower-case to two letters (German sharp s, Turkish dotted I), accented,
# apostrophes, spaces of every kind, digits and marks.
_TRICKY = st.text(st.sampled_from("ΣσςΟΔΑßẞİıIiéÉøØ’'sS -.\u00a0\u2003\n\t0٣²_ǅ\u0301ﬁ") | st.characters(),
                  max_size=60)


@settings(max_examples=1000)
@given(_TRICKY)
def test_the_words_of_a_whole_text_are_its_words_lowered_and_folded_one_by_one(text):
    words = [w.lower().translate(FOLD_TABLE) for w in WORD.findall(text)]
    assert index_words(text) == words
    assert index_text(text) == " ".join(words)
    assert spaced_text(text).split() == words  # what the tantivy engine splits at spaces
    assert all(w and not any(ch.isspace() for ch in w) for w in words)


# ASCII texts take another way (one bytes.translate, WORD only around apostrophes).
_ASCII_TRICKY = st.text(st.sampled_from("aAsSzZ09_' -.,\n\t\x1c\x0b\x7f\x00"), max_size=40)


@settings(max_examples=2000)
@given(_ASCII_TRICKY)
def test_an_ascii_text_is_split_as_word_splits_it(text):
    words = [w.lower() for w in WORD.findall(text)]
    assert index_words(text) == words and index_text(text) == " ".join(words)
    assert spaced_text(text).split() == words
    assert set(spaced_text(text)) <= set("".join(words)) | {" "}  # spaces only between words


@settings(max_examples=500)
@given(st.lists(st.from_regex(r"[a-z]{1,10}(?:ing|ed|ies|s|ly)?", fullmatch=True), max_size=20))
def test_a_word_is_found_from_its_stem_by_spelling_or_else_listed(words):
    listed = {item.split(" ")[1] for item in stem_exceptions(set(words))}
    for word in set(words):
        word_stem = stem(word)
        spelled = word.startswith(word_stem[:-1] if len(word_stem) > 1 else word_stem)
        assert spelled != (word in listed)


# Word parts that Snowball's English steps act on, so that generated words
# reach every step and its special words (analysis.may_be_irregular's argument).
_SNOWBALL_PARTS = [
    "a", "e", "i", "o", "u", "y", "b", "l", "t", "s", "n", "c", "z", "r", "g", "d", "w", "x",
    "ing", "ed", "ly", "ation", "ational", "tional", "biliti", "bility", "bli", "bly", "ies",
    "ied", "eed", "eedly", "ingly", "edly", "ful", "fully", "ness", "al", "ally", "ize", "izer",
    "ization", "er", "ic", "ical", "icate", "icity", "ate", "ator", "ency", "ancy", "ably", "ogy",
    "ently", "lessly", "ously", "iveness", "ivity", "alism", "ality", "ement", "ance", "ence",
    "able", "ible", "ment", "ant", "ent", "ism", "ous", "ive", "ion", "sses", "ss", "us", "'",
    "_", "1", "yy", "ll", "gener", "commun", "arsen", "sky", "skies", "news", "dy", "ty",
    "proceed", "exceed", "succeed", "inning", "outing", "herring", "atlas", "bias", "andes"]


@settings(max_examples=3000)
@given(st.lists(st.sampled_from(_SNOWBALL_PARTS), min_size=1, max_size=6))
def test_a_word_not_flagged_as_maybe_irregular_keeps_its_beginning_in_its_stem(parts):
    for word in index_words("".join(parts)):
        if not may_be_irregular(word):
            word_stem = stem(word)
            assert word.startswith(word_stem[:-1]), (word, word_stem)


@settings(max_examples=300)
@given(_TRICKY)
def test_the_stems_of_a_text_are_its_words_stems_one_by_one(text):
    words = index_words(text)
    assert stems_text(spaced_text(text)) == " ".join(stem(w) for w in words)
    assert stems_text(spaced_text(text)).split() == [stem(w) for w in words]  # no word lost


def test_snowball_s_irregular_stems_are_listed():
    assert sorted(stem_exceptions({"dying", "lying", "tying", "dies", "lied"})) == [
        "die dying", "lie lying", "tie tying"]
