"""A headline's bare surname is a person when the archive already knows them."""

import json

from hypothesis import given
from hypothesis import strategies as st

from dateline.corpus import ArticleStore, Home, ingest
from dateline.corpus.article import Article
from dateline.corpus.known_people import KnownPeople
from dateline.corpus.people_counts import PeopleCounts
from tests.helpers import NOW

BUDGET = ("Budget keeps the basic rate of tax\n\nChancellor of the Exchequer Nigel Lawson said on "
          "Tuesday that the basic rate of income tax would stay where it is this year, and that "
          "borrowing would fall.\n\nThe opposition said the budget did little for the regions.\n")
STERLING = ("Sterling firm ahead of the budget\n\nSterling rose against the dollar on Monday as "
            "dealers waited for the budget, and the pound was in a comfortable range, said "
            "Chancellor Nigel Lawson.\n\nDealers said the market was thin.\n")
FLASH = ("LAWSON SAYS INFLATION WILL FALL\n\nBritain's rate of inflation will fall below four "
         "percent by the end of the year, the chancellor told parliament on Wednesday, as he set "
         "out the government's plans for the coming year.\n\nThe opposition said the forecast "
         "was too hopeful.\n")


def _known(*people, prose=""):
    """An archive that named each of `people` in two articles, and wrote `prose`."""
    known = KnownPeople()
    for _ in range(2):
        for name in people:
            known.learn_names([name], prose)
    return known


def test_a_headline_surname_the_archive_named_twice_is_that_person():
    known = _known("Nigel Lawson")
    assert known.headline_people("LAWSON SETS U.K. BORROWING AT 4.0 BILLION STG") == ["lawson"]
    assert known.name_for("lawson") == "Nigel Lawson"


def test_a_surname_named_once_or_never_is_nobody():
    known = KnownPeople()
    assert known.headline_people("LAWSON SAYS INFLATION WILL FALL") == []
    known.learn_names(["Nigel Lawson"], "")
    assert known.headline_people("LAWSON SAYS INFLATION WILL FALL") == []


def test_a_known_surname_joined_to_a_company_is_not_a_person():
    known = _known("Nigel Lawson", "Roger Douglas", prose="the group said it would raise its payout")
    for headline in ("LAWSON PRODUCTS INC RAISES QTLY PAYOUT", "LAWSON <LAWS> RAISES PAYOUT",
                     "LAWSON GROUP SETS DIVIDEND", "SWISSAIR ORDERS SIX MCDONNELL DOUGLAS JETS"):
        assert known.headline_people(headline) == [], headline


def test_a_surname_the_archive_writes_as_a_companys_name_is_not_a_person():
    known = _known("Gerald Ford", "Nigel Lawson",
                   prose="Shares of Ford Motor Co rose after Ford Motor Co said it will cut jobs. ")
    assert known.headline_people("FORD TO CUT 5,000 JOBS") == []
    assert known.headline_people("LAWSON TO CUT TAXES") == ["lawson"]


def test_a_surname_the_archive_writes_as_a_word_is_not_a_person():
    known = _known("James Bond", prose="The bond market fell and bond yields rose. ")
    assert known.headline_people("U.S. BOND PRICES FALL AFTER DATA") == []


def test_a_place_is_not_read_as_a_surname():
    known = _known("Miguel de la Madrid", "Nigel Lawson")
    assert known.headline_people("MADRID METRO HALTED AS STRIKES SPREAD") == []


def test_the_known_first_name_or_a_possessive_may_stand_before_the_surname():
    known = _known("Howard Baker", "James Baker", prose="the chief of staff says")
    assert known.headline_people("HOWARD BAKER SAYS TALKS GO ON") == ["baker"]
    assert known.headline_people("TREASURY'S BAKER SAYS DOLLAR FIRM") == ["baker"]
    assert known.headline_people("PETER BAKER APPAREL POSTS LOSS") == []
    # Two full names, neither dominant: the person is named by the surname.
    assert known.name_for("baker") == "Baker"


def test_whatever_follows_a_known_surnames_possessive_is_the_persons():
    known = _known("Margaret Thatcher", prose="the poll puts")
    assert known.headline_people("LATEST POLL PUTS THATCHER'S CONSERVATIVES AHEAD") == ["thatcher"]
    assert known.headline_people("LATEST POLL PUTS THATCHER CONSERVATIVES AHEAD") == []


def _ingest(home, *texts, names=None, summaries=None):
    folder = home.root / f"crawl{len(list(home.root.glob('crawl*')))}"
    folder.mkdir(parents=True)
    for n, text in enumerate(texts):
        (folder / (names[n] if names else f"page{n}.txt")).write_text(text)
    store = ArticleStore(home.store_path)
    summary = ingest([folder], store, home.rejects_path, now=NOW, workers=0)
    if summaries is not None:
        summaries.append(summary)
    return store


def _people_of(store, title):
    [article] = [a for a in store if a.title == title]
    return article.people


def test_ingest_reads_a_flash_headline_by_what_earlier_stories_named(tmp_path):
    home = Home(tmp_path / "home")
    store = _ingest(home, BUDGET, STERLING, FLASH, names=["1.txt", "2.txt", "3.txt"])
    assert _people_of(store, "LAWSON SAYS INFLATION WILL FALL") == ("Nigel Lawson",)


def test_the_archive_remembers_people_between_ingests(tmp_path):
    home = Home(tmp_path / "home")
    _ingest(home, BUDGET, STERLING).close()
    store = _ingest(home, FLASH)
    assert _people_of(store, "LAWSON SAYS INFLATION WILL FALL") == ("Nigel Lawson",)


def test_a_flash_read_before_the_story_that_introduces_the_person_is_read_again(tmp_path):
    home = Home(tmp_path / "home")
    summaries = []
    store = _ingest(home, FLASH, BUDGET, STERLING, names=["1.txt", "2.txt", "3.txt"],
                    summaries=summaries)
    assert _people_of(store, "LAWSON SAYS INFLATION WILL FALL") == ("Nigel Lawson",)
    assert summaries[0].people_from_later_stories == 1


def test_the_ingest_summary_says_how_many_headlines_were_read_again(tmp_path):
    from tests.helpers import dateline

    folder = tmp_path / "crawl"
    folder.mkdir()
    for name, text in (("1.txt", FLASH), ("2.txt", BUDGET), ("3.txt", STERLING)):
        (folder / name).write_text(text)
    result = dateline(tmp_path / "home", "ingest", str(folder))
    assert result.exit_code == 0
    assert "headlines read again: 1 × now naming a person whom later stories introduced" in result.stdout


def test_a_later_ingest_reads_an_earlier_flash_again_and_logs_the_change(tmp_path):
    home = Home(tmp_path / "home")
    store = _ingest(home, FLASH)
    assert _people_of(store, "LAWSON SAYS INFLATION WILL FALL") == ()
    seq = store.last_seq()
    store.close()
    store = _ingest(home, BUDGET, STERLING)
    [flash] = [a for a in store if a.title == "LAWSON SAYS INFLATION WILL FALL"]
    assert flash.people == ("Nigel Lawson",)
    assert flash.id in {article_id for _, article_id, _ in store.changes_since(seq)}
    assert "lawson" not in PeopleCounts(store).unknown_headline_surnames()  # nothing waits for him now


def test_counts_read_back_from_the_store_give_the_same_people(tmp_path, monkeypatch):
    # A cache of one: every count is read from the store, plus what is not saved yet.
    monkeypatch.setattr(KnownPeople, "CACHE_SIZE", 1)
    home = Home(tmp_path / "home")
    store = _ingest(home, BUDGET, FLASH, STERLING, names=["1.txt", "2.txt", "3.txt"])
    assert _people_of(store, "LAWSON SAYS INFLATION WILL FALL") == ("Nigel Lawson",)
    assert KnownPeople(PeopleCounts(store)).name_for("lawson") == "Nigel Lawson"


def test_without_earlier_stories_the_flash_headline_names_nobody(tmp_path):
    home = Home(tmp_path / "home")
    store = _ingest(home, FLASH)
    assert _people_of(store, "LAWSON SAYS INFLATION WILL FALL") == ()


def test_a_store_older_than_the_counts_has_its_articles_counted_once(tmp_path):
    home = Home(tmp_path / "home")
    store = ArticleStore(home.store_path)
    for n in range(2):  # stored as an older Dateline did: no counts kept
        store.put(Article(id=f"old{n}", title=f"Budget day {n}", body="The chancellor spoke.",
                          people=("Nigel Lawson",)))
    store.commit()
    store.close()
    store = _ingest(home, FLASH)
    assert _people_of(store, "LAWSON SAYS INFLATION WILL FALL") == ("Nigel Lawson",)
    assert PeopleCounts(store).word_case("chancellor") == (3, 0, 0)  # the two old articles, and the flash


def test_people_given_by_the_input_are_kept_as_given(tmp_path):
    home = Home(tmp_path / "home")
    _ingest(home, BUDGET, STERLING).close()
    record = {"id": "given", "title": "LAWSON SAYS INFLATION WILL FALL",
              "body": "The chancellor spoke to parliament about prices and wages.", "people": []}
    store = _ingest(home, json.dumps(record) + "\n", names=["records.jsonl"])
    assert store.get("given").people == ()


HEADLINE_WORDS = st.sampled_from(["LAWSON", "Lawson's", "SAYS", "<LAWS>", "INC", "U.S.", "-", ",",
                                  "MADRID", "BOND", "HOWARD", "BAKER", "O'NEILL", "TREASURY'S"])


@given(st.lists(st.one_of(HEADLINE_WORDS, st.text(max_size=12)), max_size=12))
def test_any_headline_is_read_and_names_only_words_it_contains(words):
    known = _known("Nigel Lawson", "Howard Baker", "Mark O'Neill", "James Bond",
                   prose="the bond says that")
    title = " ".join(words)
    for surname in known.headline_people(title) + known.unknown_in_headline(title):
        assert surname in title.casefold()


def test_the_store_keeps_articles_and_the_counts_sit_beside_it(tmp_path):
    home = Home(tmp_path / "home")
    store = _ingest(home, BUDGET, STERLING)
    assert not hasattr(store, "word_case") and not hasattr(store, "add_known_people")
    assert PeopleCounts(store).known_forms("lawson")  # learned from the stored articles
    store.close()


def _counts(store):
    db = store.connection
    return (sorted(db.execute("SELECT * FROM known_names")), sorted(db.execute("SELECT * FROM word_case")))


def test_a_file_stopped_midway_takes_back_what_it_taught_and_keeps_the_files_before(tmp_path, monkeypatch):
    # The counts are written once a commit group (not once a file): a file that
    # fails in the middle must not leave its counts, nor lose those of the
    # files of its group stored before it.
    from dateline.corpus import ingestion
    from dateline.corpus.store import ArticleStore as Store

    reference = _counts(_ingest(Home(tmp_path / "ref"), BUDGET, STERLING, names=["1.txt", "2.txt"]))
    record = Store.record_input

    def failing(self, path, *args):
        if path.endswith("3.txt"):  # once the third file's article is stored and counted
            raise KeyboardInterrupt  # as a Ctrl-C in the middle of the third file
        return record(self, path, *args)

    monkeypatch.setattr(Store, "record_input", failing)
    monkeypatch.setattr(ingestion, "COMMIT_FILES", 100)  # one group: nothing committed before the failure
    home = Home(tmp_path / "home")
    try:
        _ingest(home, BUDGET, STERLING, FLASH, names=["1.txt", "2.txt", "3.txt"])
    except KeyboardInterrupt:
        pass
    else:
        raise AssertionError("the third file did not fail")
    monkeypatch.setattr(Store, "record_input", record)
    store = ArticleStore(home.store_path)
    assert len(store) == 2
    assert reference[1] and _counts(store) == reference
    store.close()


def test_what_a_reader_prepares_is_what_the_writer_would_compute():
    # What crosses from a reading process to the writer with each article.
    import pickle

    from dateline.corpus import dedupe
    from dateline.corpus.ingestion import Prepared
    from dateline.corpus.same_story import body_hash

    article = Article(id="a1", title="Sterling firm ahead of the budget", body=STERLING)
    prepared = pickle.loads(pickle.dumps(Prepared.of(article)))
    signature = dedupe.article_signature(article)
    assert (dedupe.from_blob(prepared.signature) == signature).all()
    assert prepared.keys == dedupe.band_ints(signature)
    assert prepared.body_hash == body_hash(article.body)
    assert prepared.text_hash == article.text_hash
    assert prepared.headline is None  # people given by the input: the headline is not read
    flash = Article(id="a2", title="LAWSON SAYS INFLATION WILL FALL", body=FLASH, people_from_text=True)
    known = _known("Nigel Lawson")
    candidates = pickle.loads(pickle.dumps(Prepared.of(flash))).headline
    assert candidates and known.read_headline_of(flash, candidates) == known.read_headline_of(flash)
    assert known.read_headline_of(flash)[0].people == ("Nigel Lawson",)
