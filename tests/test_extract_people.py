"""People: names introduced by titles or roles; a later surname is the same person."""

from corpus.extract_people import extract_people, merge_names


def test_titled_names_are_found_without_their_title():
    people = extract_people("Talks", "Foreign Minister Sergey Lavrov met President Barack Obama.")
    assert people == ("Sergey Lavrov", "Barack Obama")


def test_a_later_bare_surname_is_the_same_person():
    text = "Treasury Secretary James Baker spoke. Later, Baker said rates would fall."
    assert extract_people("Rates", text) == ("James Baker",)


def test_a_name_followed_by_its_role_is_found():
    text = "Paul Volcker, chairman of the Federal Reserve, warned on inflation."
    assert extract_people("Fed", text) == ("Paul Volcker",)


def test_places_after_a_title_are_not_people():
    assert extract_people("Visit", "The President Kenya visit was delayed. Minister Russia said.") == ()


def test_the_fullest_form_is_canonical_whatever_the_order():
    assert merge_names(["Lavrov", "Sergey Lavrov", "Lavrov"]) == ("Sergey Lavrov",)
