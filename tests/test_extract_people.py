"""People: names introduced by titles or roles; a later surname is the same person."""

from corpus.extract_people import extract_people, merge_names, people_named


def test_titled_names_are_found_without_their_title():
    text = "Foreign Minister Sergey Lavrov met President Barack Obama."
    assert people_named("Talks", text) == ("Sergey Lavrov", "Barack Obama")


def test_a_later_bare_surname_is_the_same_person():
    text = "Treasury Secretary James Baker spoke. Later, Baker said rates would fall."
    assert extract_people("Rates", text) == ("James Baker",)


def test_a_name_followed_by_its_role_is_found():
    text = "Paul Volcker, chairman of the Federal Reserve, warned on inflation."
    assert extract_people("Fed", text) == ("Paul Volcker",)


def test_a_role_before_the_name_set_off_by_commas_is_found():
    text = "The bank's governor, Lena Marsh-Whitby, said rates would stay on hold."
    assert extract_people("Rates", text) == ("Lena Marsh-Whitby",)


def test_places_after_a_title_are_not_people():
    assert extract_people("Visit", "The President Kenya visit was delayed. Minister Russia said.") == ()


def test_the_fullest_form_is_canonical_whatever_the_order():
    assert merge_names(["Lavrov", "Sergey Lavrov", "Lavrov"]) == ("Sergey Lavrov",)


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
