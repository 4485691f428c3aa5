"""Watches: saved searches that report what each update brings."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.helpers import FIXTURES, NOW, dateline
from dateline.corpus import ArticleStore, Home
from dateline.index import update_archive
from dateline.search.percolate import Percolator, Standing
from dateline.search.watches import WatchBook

BASE = "https://wire.example.test/"


def crawl(path: Path, *articles: dict) -> Path:
    """A JSON-lines crawl of invented articles (title, body, date given)."""
    lines = []
    for n, a in enumerate(articles):
        lines.append(json.dumps({"url": BASE + a.get("slug", f"{path.stem}-{n}"), "source": "Wire",
                                 "date": "2025-03-0%dT10:00:00Z" % (1 + n % 9), **a}))
    path.write_text("\n".join(lines) + "\n")
    return path


KENYA_RATE = {"slug": "kenya-rate", "title": "Kenya's central bank holds its rate",
              "body": "The Central Bank of Kenya held its benchmark rate at 10.75 percent on "
                      "Tuesday, saying inflation had eased in Nairobi and across the country.",
              "places": ["Kenya"]}
GHANA_COCOA = {"slug": "ghana-cocoa", "title": "Ghana raises the cocoa price paid to farmers",
               "body": "Ghana raised the price it pays cocoa farmers by a fifth for the coming "
                       "season, the cocoa board said in Accra.", "places": ["Ghana"]}


@pytest.fixture()
def home(tmp_path) -> Path:
    root = tmp_path / "home"
    assert dateline(root, "ingest", str(FIXTURES / "articles.jsonl")).exit_code == 0
    assert dateline(root, "index").exit_code == 0
    return root


def add(home: Path, *args: str):
    result = dateline(home, "watch", "add", *args)
    assert result.exit_code == 0, result.output
    return result


def test_an_update_ends_with_a_line_per_watch_that_has_news(home, tmp_path):
    add(home, "kenya-central-bank", '"central bank" place:kenya')
    add(home, "cocoa", "cocoa")
    add(home, "lavrov", "person:lavrov")  # in the archive already, nothing new
    result = dateline(home, "update", str(crawl(tmp_path / "new.jsonl", KENYA_RATE, GHANA_COCOA)))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "1 new for kenya-central-bank" in lines and "1 new for cocoa" in lines
    assert not any("lavrov" in line for line in lines)


def test_update_json_carries_the_news(home, tmp_path):
    add(home, "cocoa", "cocoa")
    result = dateline(home, "update", "--json", str(crawl(tmp_path / "new.jsonl", GHANA_COCOA)))
    report = json.loads(result.stdout)
    [news] = report["watches"]
    assert news["name"] == "cocoa" and news["new"] == 1 and len(news["ids"]) == 1


def test_watch_run_lists_the_new_hits_once(home, tmp_path):
    add(home, "kenya", "place:kenya")
    dateline(home, "update", str(crawl(tmp_path / "new.jsonl", KENYA_RATE, GHANA_COCOA)))
    first = json.loads(dateline(home, "watch", "run", "--json").stdout)
    [watch] = first["watches"]
    assert watch["name"] == "kenya" and watch["query"] == "place:kenya"
    [hit] = watch["new"]
    assert hit["title"] == KENYA_RATE["title"] and hit["url"] == BASE + "kenya-rate"
    # The same keys as a hit of `search --json`.
    searched = json.loads(dateline(home, "search", "--json", "place:kenya rate").stdout)["hits"][0]
    assert set(hit) == set(searched) and hit["id"] == searched["id"]
    again = json.loads(dateline(home, "watch", "run", "--json").stdout)
    assert again["watches"][0]["new"] == []


def test_only_articles_that_arrive_after_the_watch_is_added_are_news(home, tmp_path):
    dateline(home, "update", str(crawl(tmp_path / "early.jsonl", KENYA_RATE)))
    add(home, "kenya", "place:kenya")
    later = dict(KENYA_RATE, slug="kenya-rate-2", title="Kenya's shilling steadies",
                 body="The Kenyan shilling steadied against the dollar in Nairobi on Monday "
                      "after the central bank sold dollars to banks.")
    result = dateline(home, "update", str(crawl(tmp_path / "later.jsonl", later)))
    assert "1 new for kenya" in result.stdout.splitlines()
    [hit] = json.loads(dateline(home, "watch", "run", "kenya", "--json").stdout)["watches"][0]["new"]
    assert hit["url"] == BASE + "kenya-rate-2"


def test_a_copy_of_a_story_already_reported_is_not_news_again(home, tmp_path):
    add(home, "cocoa", "cocoa")
    dateline(home, "update", str(crawl(tmp_path / "one.jsonl", GHANA_COCOA)))
    copy = dict(GHANA_COCOA, slug="ghana-cocoa-copy", source="Another Wire",
                body=GHANA_COCOA["body"] + " Reporting by Ann Lee.")
    result = dateline(home, "update", "--json", str(crawl(tmp_path / "copy.jsonl", copy)))
    report = json.loads(result.stdout)
    assert report["ingest"]["stored"] == 1  # stored, and a near-duplicate of the first
    assert report["watches"] == []


def test_an_index_run_that_applies_new_articles_reports_news(home, tmp_path):
    add(home, "cocoa", "cocoa")
    assert dateline(home, "ingest", str(crawl(tmp_path / "new.jsonl", GHANA_COCOA))).exit_code == 0
    result = dateline(home, "index")
    assert "1 new for cocoa" in result.stdout.splitlines()


def test_watches_survive_a_rebuild_and_report_nothing_twice(home, tmp_path):
    add(home, "cocoa", "cocoa")
    dateline(home, "update", str(crawl(tmp_path / "new.jsonl", GHANA_COCOA)))
    rebuilt = dateline(home, "index", "--rebuild")
    assert rebuilt.exit_code == 0 and "new for" not in rebuilt.stdout
    assert "cocoa" in dateline(home, "watch", "list").stdout
    [watch] = json.loads(dateline(home, "watch", "run", "--json").stdout)["watches"]
    assert len(watch["new"]) == 1


def test_filters_apply_to_the_watch(home, tmp_path):
    add(home, "central-banks-kenya", "central bank", "--place", "kenya")
    ghana_bank = dict(GHANA_COCOA, slug="ghana-bank", title="Ghana's central bank raises rates",
                      body="Ghana's central bank raised its main rate in Accra.")
    result = dateline(home, "update", str(crawl(tmp_path / "new.jsonl", ghana_bank, KENYA_RATE)))
    assert "1 new for central-banks-kenya" in result.stdout.splitlines()


def test_bad_queries_and_names_are_refused_when_added(home):
    bad = dateline(home, "watch", "add", "broken", '"unclosed')
    assert bad.exit_code == 2 and bad.stderr.startswith("Error: ") and len(bad.stderr.splitlines()) <= 2
    add(home, "oil", "oil")
    twice = dateline(home, "watch", "add", "oil", "crude")
    assert twice.exit_code == 2 and twice.stderr == "Error: a watch named 'oil' exists already\n"
    named = dateline(home, "watch", "add", "no spaces", "oil")
    assert named.exit_code == 2 and "watch name 'no spaces'" in named.stderr
    unknown = dateline(home, "watch", "show", "gold")
    assert unknown.stderr == "Error: no watch named 'gold' (watches: oil)\n"


def test_list_show_and_remove(home):
    add(home, "oil", "oil", "--source", "Reuters")
    listed = json.loads(dateline(home, "watch", "list", "--json").stdout)["watches"]
    assert [(w["name"], w["query"], w["filters"]) for w in listed] == [("oil", "oil", {"source": "Reuters"})]
    assert "--source: Reuters" in dateline(home, "watch", "show", "oil").stdout
    assert dateline(home, "watch", "remove", "oil").exit_code == 0
    assert json.loads(dateline(home, "watch", "list", "--json").stdout)["watches"] == []


def test_exec_gets_the_new_hits_on_stdin(home, tmp_path):
    out = tmp_path / "got.json"
    command = f"{sys.executable} -c \"import sys; open({str(out)!r}, 'w').write(sys.stdin.read())\""
    add(home, "cocoa", "cocoa", "--exec", command)
    dateline(home, "update", str(crawl(tmp_path / "new.jsonl", GHANA_COCOA)))
    sent = json.loads(out.read_text())
    assert sent["name"] == "cocoa" and [h["title"] for h in sent["new"]] == [GHANA_COCOA["title"]]


def test_exec_runs_after_the_update_has_released_the_home(home, tmp_path):
    from dateline.corpus.home import LOCK_NAME

    out = tmp_path / "lock.txt"
    probe = tmp_path / "probe.py"  # says whether the home's writer lock is free
    probe.write_text(f"import fcntl, os\nfd = os.open({str(home / LOCK_NAME)!r}, os.O_RDWR)\n"
                     f"try:\n    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\n    said = 'free'\n"
                     f"except BlockingIOError:\n    said = 'held'\n"
                     f"open({str(out)!r}, 'w').write(said)\n")
    add(home, "cocoa", "cocoa", "--exec", f"{sys.executable} {probe}")
    result = dateline(home, "update", str(crawl(tmp_path / "new.jsonl", GHANA_COCOA)))
    assert result.exit_code == 0 and "1 new for cocoa" in result.stdout
    assert out.read_text() == "free"  # a slow command keeps no other writer waiting


def test_a_failing_exec_is_logged_and_never_fails_the_update(home, tmp_path):
    add(home, "cocoa", "cocoa", "--exec", "exit 3")
    result = dateline(home, "update", str(crawl(tmp_path / "new.jsonl", GHANA_COCOA)))
    assert result.exit_code == 0 and "1 new for cocoa" in result.stdout
    assert "exited with status 3" in result.stderr
    assert "exited with status 3" in (home / "watch-exec.log").read_text()


def test_percolating_reads_only_the_new_articles(home, tmp_path, monkeypatch):
    add(home, "cocoa", "cocoa")
    assert dateline(home, "ingest", str(crawl(tmp_path / "new.jsonl", GHANA_COCOA))).exit_code == 0
    read: list[list[str]] = []
    real = ArticleStore.get_many
    monkeypatch.setattr(ArticleStore, "get_many", lambda self, ids: read.append(list(ids)) or real(self, ids))
    with ArticleStore(Home(home).store_path) as store, WatchBook(home) as book:
        [news] = book.find_news(store, now=NOW)
    assert [len(ids) for ids in read] == [1] and len(news.article_ids) == 1


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_an_update_splits_each_new_body_once_for_the_index_and_the_watches(tmp_path, monkeypatch,
                                                                            engine):
    from tests.helpers import new_home
    from dateline.index import analysis, tantivy_engine

    home = new_home(tmp_path / "home", crawl(tmp_path / "base.jsonl", KENYA_RATE), engine)
    add(home, "cocoa", "cocoa farmers")
    analysis.text_words.cache_clear()  # what earlier tests split in this process
    splits = []
    real = analysis.index_text  # what `index_words` and `text_words` split with
    for module in (analysis, tantivy_engine):
        monkeypatch.setattr(module, "index_text", lambda text: splits.append(text) or real(text))
    result = dateline(home, "update", str(crawl(tmp_path / "new.jsonl", GHANA_COCOA)))
    assert "1 new for cocoa" in result.stdout.splitlines()
    assert splits.count(GHANA_COCOA["body"]) == 1


def test_an_update_loads_the_kept_watches_and_lowers_only_those_relative_to_today(tmp_path,
                                                                                   monkeypatch):
    from datetime import timedelta

    from dateline.search import watches

    home = Home(tmp_path / "home")
    cocoa = crawl(tmp_path / "cocoa.jsonl", dict(GHANA_COCOA, date=NOW.isoformat()))
    kenya = crawl(tmp_path / "kenya.jsonl", dict(KENYA_RATE, date=NOW.isoformat()))
    with ArticleStore(home.store_path) as store, WatchBook(home.root) as book:
        for name, query in [("cocoa", "cocoa"), ("recent-cocoa", "cocoa date:last-7d")]:
            book.add(name, query, checked_seq=store.last_seq())
        book.prepare(now=NOW)
        lowered = []
        real = watches._lowered
        monkeypatch.setattr(watches, "_lowered", lambda w, *a: lowered.append(w.name) or real(w, *a))
        update_archive(store, home, [cocoa], now=NOW)
        found = book.find_news(store, now=NOW)
        assert [(n.watch.name, len(n.article_ids)) for n in found] == [("cocoa", 1), ("recent-cocoa", 1)]
        assert set(lowered) == {"recent-cocoa"}  # the day matters to it, and to no other
        book.add("kenya", "place:kenya", checked_seq=store.last_seq())  # a new watch is percolated too
        update_archive(store, home, [kenya], now=NOW + timedelta(days=30))
        found = book.find_news(store, now=NOW + timedelta(days=30))
        assert [(n.watch.name, len(n.article_ids)) for n in found] == [("kenya", 1)]


def test_most_watches_are_never_evaluated_against_an_article_they_cannot_match(monkeypatch):
    from dateline.corpus.article import Article
    from dateline.search import percolate
    from dateline.search.engine import build_tree
    from dateline.search.lower import lower

    evaluated = []
    real = percolate.matches
    monkeypatch.setattr(percolate, "matches", lambda op, doc: evaluated.append(op) or real(op, doc))
    standing = [Standing(f"w{n}", lower(build_tree(f'person:"person number{n}"', now=NOW)))
                for n in range(1000)]
    article = Article(id="a", title="News", body="Person number7 spoke.",
                      people=("Person Number7",))
    assert Percolator(standing).match(article) == ["w7"]
    assert len(evaluated) <= 2


def test_names_and_two_word_phrases_are_decided_by_the_words_an_article_holds(monkeypatch):
    from dateline.corpus.article import Article
    from dateline.search import percolate
    from dateline.search.engine import build_tree
    from dateline.search.lower import lower

    evaluated = []
    real = percolate.matches
    monkeypatch.setattr(percolate, "matches", lambda op, doc: evaluated.append(op) or real(op, doc))
    percolator = Percolator([Standing(name, lower(build_tree(query, now=NOW))) for name, query in
                             [("phrase", '"central bank"'), ("name", 'person:"ann lee"'),
                              ("both", '"central bank" place:kenya')]])
    found = {text: sorted(percolator.match(Article(id=text, title="News", body=text,
                                                   people=("Ann Lee",), places=("Kenya",))))
             for text in ("The central bank met.", "The bank's central office.", "Central, the bank.")}
    assert found == {"The central bank met.": ["both", "name", "phrase"],
                     "The bank's central office.": ["name"], "Central, the bank.": ["name"]}
    assert evaluated == []


# -- the percolator finds what a search of the same articles finds ------------

WORDS = ("bank banks banking price prices priced oil crude rate rates rising rose fell "
         "falls minister ministers talks wheat grain port strike kenya's ghana the of in "
         "dying die lying lie yen's yen tying").split()
PEOPLE = ("Ann Lee", "Tom Ray", "Bo Li", "Sergey Lavrov")
PLACES = ("Kenya", "Ghana", "United Kingdom", "Russia")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """200 articles of a small vocabulary, so that words, forms, phrases and
    their slop meet often; dates over 2014, some undated."""
    import random

    from tests.helpers import build_home

    rng = random.Random(7)
    lines = []
    for n in range(200):
        record = {"id": f"g{n}", "url": f"{BASE}g{n}", "source": rng.choice(["Wire", "Daily Post"]),
                  "title": " ".join(rng.choice(WORDS) for _ in range(5)).capitalize(),
                  "body": " ".join(rng.choice(WORDS) for _ in range(40)) + ".",
                  "people": rng.sample(PEOPLE, rng.randint(0, 2)),
                  "places": rng.sample(PLACES, rng.randint(0, 2)),
                  "tags": rng.sample(["economy", "politics", "farming"], rng.randint(0, 2))}
        if n % 10:
            record["date"] = f"2014-{1 + n % 12:02d}-{1 + n % 27:02d}T{n % 24:02d}:00:00Z"
        lines.append(json.dumps(record))
    path = tmp_path_factory.mktemp("generated") / "articles.jsonl"
    path.write_text("\n".join(lines) + "\n")
    home = build_home(tmp_path_factory.mktemp("percolate"), path)
    with ArticleStore(home.store_path, readonly=True) as store:
        return home, list(store)


def _queries():
    from hypothesis import strategies as st

    words = st.sampled_from(WORDS + ["lee", "lavrov", "kenya", "economy", "wire", "zzz"])
    fields = st.sampled_from(["", "", "title:", "person:", "place:", "source:", "tag:"])
    atom = st.one_of(
        st.builds(lambda f, w: f + w, fields, words),
        st.builds(lambda a, b, slop: f'"{a} {b}"' + (f"~{slop}" if slop else ""), words, words,
                  st.integers(0, 3)),
        st.builds(lambda a, b, c: f'"{a} {b} {c}"', words, words, words),
        st.builds(lambda w: w[:3] + "*", words.filter(lambda w: len(w) >= 3)),
        st.builds(lambda w, n: f"{w}~{n}", words.filter(lambda w: "'" not in w), st.integers(1, 2)),
        st.sampled_from(["date:2014-10", "date:2014", "date:>=2014-10-01", "date:<2014-03",
                         'place:"united kingdom"', 'person:"ann lee"', "*", "site:wire.example.test"]),
    )
    return st.recursive(atom, lambda inner: st.one_of(
        st.builds(lambda a, b: f"{a} {b}", inner, inner),
        st.builds(lambda a, b: f"({a} OR {b})", inner, inner),
        st.builds(lambda a, b: f"{a} -({b})", inner, inner),
    ), max_leaves=4)


def test_the_percolator_matches_what_a_search_finds(generated):
    from hypothesis import given, settings

    from dateline.search.archive import Archive
    from dateline.search.engine import SearchError, build_tree, matching_ids
    from dateline.search.lower import lower
    from dateline.search.parser import QuerySyntaxError

    home, articles = generated
    archive = Archive(home)
    nonempty = []

    @settings(max_examples=300)
    @given(_queries())
    def check(query):
        try:
            expected = set(matching_ids(archive, query, now=NOW))
            op = lower(build_tree(query, now=NOW))
        except (QuerySyntaxError, SearchError):
            return
        percolator = Percolator([Standing("q", op)])
        found = {a.id for a in articles if percolator.match(a)}
        assert found == expected, query
        nonempty.append(0 < len(expected) < len(articles))

    try:
        check()
    finally:
        archive.close()
    assert sum(nonempty) > len(nonempty) / 3  # most queries tell articles apart


# -- an update killed at any point neither loses a report nor repeats one ------

@pytest.mark.slow
@pytest.mark.parametrize("point", ["before-index-commit", "after-index-commit",
                                   "watch-news-before-commit", "after-watch-news"])
def test_an_update_killed_anywhere_reports_each_article_once(tmp_path, point):
    from tests.helpers import run_cli

    root = tmp_path / "home"
    assert run_cli(root, "update", str(crawl(tmp_path / "base.jsonl", KENYA_RATE))).returncode == 0
    assert run_cli(root, "watch", "add", "cocoa", "cocoa").returncode == 0
    new = crawl(tmp_path / "new.jsonl", GHANA_COCOA, dict(GHANA_COCOA, slug="cocoa-2",
                title="Cocoa farmers in Ghana welcome the price", body="Farmers said the cocoa "
                "price rise would help them buy fertiliser for the season."))
    killed = run_cli(root, "update", str(new), env={"DATELINE_CRASH_AT": point})
    assert killed.returncode == -9
    rerun = run_cli(root, "update", str(new))
    assert rerun.returncode == 0, rerun.stderr
    reported_by_rerun = "2 new for cocoa" in rerun.stdout
    # Before the commit the rerun finds the news; after it, the news waits for `watch run`.
    assert reported_by_rerun == (point != "after-watch-news")
    [watch] = json.loads(run_cli(root, "watch", "run", "--json").stdout)["watches"]
    assert sorted(h["url"] for h in watch["new"]) == [BASE + "cocoa-2", BASE + "ghana-cocoa"]
    assert json.loads(run_cli(root, "watch", "run", "--json").stdout)["watches"][0]["new"] == []
