"""People: names introduced by titles or roles, kept when the story is about them."""

from dateline.corpus.extract_people import extract_people, merge_names, people_named
from tests.helpers import dateline


def test_titled_names_are_found_without_their_title():
    text = "Foreign Minister Sergey Lavrov met President Barack Obama."
    assert people_named("Talks", text) == ("Sergey Lavrov", "Barack Obama")


def test_a_later_bare_surname_is_the_same_person():
    text = "Treasury Secretary Ines Albrecht spoke. Later, Albrecht said rates would fall."
    assert extract_people("Rates", text) == ("Ines Albrecht",)


def test_a_name_followed_by_its_role_is_found():
    text = "Tomas Pereira, chairman of the Harbour Authority, warned on fees."
    assert extract_people("Port", text) == ("Tomas Pereira",)


def test_a_role_before_the_name_set_off_by_commas_is_found():
    text = "The bank's governor, Lena Marsh-Whitby, said rates would stay on hold."
    assert extract_people("Rates", text) == ("Lena Marsh-Whitby",)


def test_a_market_role_before_the_name_introduces_a_person():
    text = ("A court froze the funds of two firms controlled by inside trader Dario Vance and "
            "of a fund run by the financier Mona Castell.")
    assert people_named("Court", text) == ("Dario Vance", "Mona Castell")


def test_two_office_holders_under_one_plural_title_are_both_subjects():
    text = ("Prime Ministers Ana Velloso of Portugal and Kenji Sato of Japan signed a fisheries "
            "agreement on Tuesday.")
    assert extract_people("Fisheries pact", text) == ("Ana Velloso", "Kenji Sato")


def test_only_a_plural_title_gives_the_name_after_and_a_title_too():
    assert people_named("Launch", "Mrs Ann Lee and Tom Ray attended the launch.") == ("Ann Lee",)


def test_a_possessive_ends_a_name_so_a_title_after_it_names_the_next_person():
    text = ("The talks failed, President Amolo's National Security Adviser Kenji Sato said on "
            "Tuesday.")
    assert people_named("Talks", text) == ("Amolo", "Kenji Sato")


def test_a_role_set_off_by_a_comma_may_end_the_sentence_with_the_name():
    text = "Peru held talks with the governor of the Bank of Mexico, Miguel Mancera. Peru froze it."
    assert people_named("Silver", text) == ("Miguel Mancera",)
    assert people_named("Talks", "Balladur came with his central banker Jacques de Larosiere.") == (
        "Jacques de Larosiere",)


def test_places_after_a_title_are_not_people():
    assert extract_people("Visit", "The President Kenya visit was delayed. Minister Russia said.") == ()


def test_the_fullest_form_is_canonical_whatever_the_order():
    assert merge_names(["Lavrov", "Sergey Lavrov", "Lavrov"]) == ("Sergey Lavrov",)


STORY = "\n\n".join([
    "Finance Minister Ana Velloso said the budget deficit would narrow next year.",
    "Velloso told parliament that spending cuts were already under way.",
    "Exporters welcomed the plan. Shipping volumes rose for a third month.",
    "The last such plan, drawn up under former Prime Minister Tomas Brandt, failed.",
])


def test_a_name_mentioned_once_in_passing_late_is_not_a_subject():
    assert extract_people("Budget deficit to narrow", STORY) == ("Ana Velloso",)
    assert people_named("Budget deficit to narrow", STORY) == ("Ana Velloso", "Tomas Brandt")


def test_the_headline_makes_a_subject_and_comes_first():
    people = extract_people("Brandt plan revived", STORY)
    assert people == ("Tomas Brandt", "Ana Velloso")


def test_the_object_of_a_sentence_is_not_the_one_acting():
    urged = "Union leaders urged President Rafael Ostrov to end the strike."
    assert extract_people("Strike", urged) == ()
    acts = "President Rafael Ostrov urged the unions to end the strike."
    assert extract_people("Strike", acts) == ("Rafael Ostrov",)


def test_an_aide_speaking_for_a_minister_does_not_make_the_minister_speak():
    text = "Wheat sales will rise, an aide to Agriculture Secretary Joan Pike said."
    assert extract_people("Wheat", text) == ()


def test_a_speaker_introduced_in_the_second_paragraph_is_a_subject_when_they_speak_again():
    text = "\n\n".join([
        "PORTO, May 2 (Reuters) - Dock workers walked out on Monday, halting exports.",
        "Labour Minister Rita Campos said talks would resume. Union leader Hugo Sa said pay had lagged.",
        "Campos said both sides had moved closer.",
    ])
    assert extract_people("Dock strike", text) == ("Rita Campos",)
    assert people_named("Dock strike", text) == ("Rita Campos", "Hugo Sa")


def test_a_second_name_acting_once_in_the_lead_is_a_side_voice():
    text = ("Port Director Ingrid Malmberg said dredging would resume next week. "
            "Dredging firm chief Lars Berg welcomed the ruling.")
    assert extract_people("Harbour", text) == ("Ingrid Malmberg",)
    assert people_named("Harbour", text) == ("Ingrid Malmberg", "Lars Berg")


def test_a_second_name_quoted_in_the_lead_is_a_subject():
    text = ('Port Director Ingrid Malmberg said dredging would resume next week. '
            '"The delay cost us two contracts," dredging firm chief Lars Berg said.')
    assert extract_people("Harbour", text) == ("Ingrid Malmberg", "Lars Berg")


def test_a_state_office_holder_named_early_is_a_subject_even_as_the_object():
    text = "\n\n".join([
        "Dock workers walked out on Monday, halting exports.",
        "The strike began after talks with Portuguese Labour Minister Rita Campos broke down.",
        "Shipping firms said cargo was piling up.",
    ])
    assert extract_people("Dock strike", text) == ("Rita Campos",)
    plain = text.replace("Portuguese Labour Minister", "union negotiator")
    assert extract_people("Dock strike", plain) == ()


def test_someone_introduced_in_full_who_acts_twice_late_in_the_story_is_a_subject():
    filler = "\n\n".join(["Prices were steady."] * 3)
    text = filler + ("\n\nHarbour pilot Ana Ruiz said the channel was too shallow."
                     "\n\nRuiz warned that larger ships would wait for the tide.")
    assert extract_people("Harbour", text) == ("Ana Ruiz",)
    once = filler + "\n\nHarbour pilot Ana Ruiz said the channel was too shallow."
    assert extract_people("Harbour", once) == ()


def test_a_person_the_story_keeps_returning_to_is_a_subject():
    filler = "\n\n".join(["Prices were steady."] * 4)
    text = filler + "\n\n" + " ".join(
        [f"Dealer Mark Olsen said prices {n}." if n == 0 else f"Olsen said prices {n}." for n in range(5)]
    )
    assert extract_people("Prices", text) == ("Mark Olsen",)


def test_a_person_in_a_photo_caption_is_a_subject():
    body = "Talks on the pipeline resumed.\n\nA deal is expected next week, officials said."
    caption = "Energy Minister Olga Serova arrives for the talks in Vienna."
    assert extract_people("Pipeline talks", body, captions=(caption,)) == ("Olga Serova",)


def test_a_lone_speaker_is_a_person_only_when_named_in_full_somewhere():
    assert extract_people("Output", "Petroval said output rose. Petroval said it would hire.") == ()
    text = "Investor Carla Mendes bought the stake. Mendes said she would seek a board seat."
    assert extract_people("Stake", text) == ("Carla Mendes",)


def test_a_name_the_article_uses_for_a_company_is_the_company():
    text = "Kessler Industries Corp said profits rose. Kessler said it would expand."
    assert extract_people("Kessler profits", text) == ()


def test_capitals_headlines_name_people_only_by_a_title_an_institution_or_a_he():
    def named(headline):
        return people_named(headline, headline)

    assert named("PRESIDENT OKOTH SAYS TALKS WILL GO ON") == ("Okoth",)
    assert named("TREASURY'S HALVERSEN SEES STABLE DOLLAR") == ("Halversen",)
    assert named("DAVID KLINE SAYS HE WILL SELL STAKE") == ("David Kline",)
    assert named("JAPAN'S NTT SAYS PROFITS FALL") == ()  # an acronym
    assert named("GRAINCO SAYS OUTPUT UP") == ()  # a company as likely as a person


def test_person_search_finds_a_name_mentioned_in_passing_but_the_facet_lists_only_subjects(tmp_path):
    from dateline.search.archive import Archive
    from dateline.search.engine import search
    from tests.helpers import NOW, build_home

    page = tmp_path / "crawl" / "page.txt"
    page.parent.mkdir()
    page.write_text(
        "Harbour dredging to resume after court ruling\n\n"
        "Port Director Ingrid Malmberg said on Monday that dredging of the old harbour "
        "would resume next week after a court lifted a six-month ban.\n\n"
        "Malmberg said the delay had cost the port two large contracts and that crews "
        "were ready to start at once.\n\n"
        "Shipping firms welcomed the decision. Fishermen, who had opposed the work, said "
        "they would appeal.\n\n"
        "The ban was first ordered last spring in a case brought by former Mayor "
        "Oskar Lindqvist.\n", encoding="utf-8")
    with Archive(build_home(tmp_path / "home", page.parent)) as archive:
        [hit] = search(archive, "dredging", facets=True, now=NOW).hits
        assert hit.article.people == ("Ingrid Malmberg",)
        assert hit.article.mentioned == ("Oskar Lindqvist",)
        for query in ("person:lindqvist", 'person:"oskar lindqvist"', "person:malmberg"):
            assert search(archive, query, now=NOW).total == 1, query
        people = search(archive, "*", facets=True, now=NOW).facets["people"]
        assert [p["value"] for p in people] == ["Ingrid Malmberg"]
        # Shown with the article, apart from the people it is about.
        shown = dateline(str(tmp_path / "home"), "show", hit.article.id)
        assert "people: Ingrid Malmberg" in shown.output
        assert "named: Oskar Lindqvist" in shown.output


def test_a_capitals_headline_names_an_institutions_person_in_full_or_before_an_adverb():
    def named(headline):
        return people_named(headline, headline)

    assert named("HARBOUR BOARD'S INGRID MALMBERG SAYS DREDGING TO RESUME") == ("Ingrid Malmberg",)
    assert named("TREASURY'S HALVERSEN FULLY EXPECTS DEBT DEAL") == ("Halversen",)
    assert named("CENTRAL BANK'S EXPORT BONUS SAID TO HELP GROWERS") == ()  # reported, not said


def test_any_verb_before_he_in_a_capitals_headline_marks_a_person():
    assert people_named("OKAFOR REPEATS HE WILL STAY ON", "OKAFOR REPEATS HE WILL STAY ON") == ("Okafor",)
