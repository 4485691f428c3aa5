"""Places: countries, cities tagging their country, demonyms, the dateline first."""

import pytest

from dateline.corpus.extract_places import dateline_place, extract_places
from dateline.corpus.gazetteer import gazetteer
from dateline.corpus.readers.reuters import place_values


def test_a_city_tags_its_country():
    places = extract_places("Talks in Moscow", "Officials met in Moscow on Tuesday to discuss grain.")
    assert places[:2] == ("Moscow", "Russia")


def test_the_dateline_names_the_place_even_for_a_small_town():
    line = "ROCKFORD, Ill., March 3 - Shares of the toolmaker rose."
    assert dateline_place(line).country == "United States"
    assert "United States" in extract_places("Toolmaker results", line)


def test_a_dateline_given_apart_is_read_like_one_in_the_text():
    assert extract_places("COCOA REVIEW", "Rain fell.", dateline="SALVADOR, Feb 26")[:2] == (
        "Salvador", "Brazil")


def test_a_single_passing_mention_in_the_body_is_not_a_place():
    assert "France" not in extract_places("Grain talks", "Officials discussed prices with France.")


def test_a_country_named_twice_in_the_body_is_a_place():
    body = "France asked for talks. Grain prices in France fell."
    assert "France" in extract_places("Grain talks", body)


def test_adjectives_and_cities_count_half_towards_their_country():
    three_halves = "French farmers and French millers met in Paris."
    assert "France" not in extract_places("Grain talks", three_halves)
    assert "France" in extract_places("Grain talks", three_halves + " France said no.")


def test_former_states_keep_their_name_and_tag_their_successor():
    assert place_values("ussr") == ("Soviet Union", "Russia")
    assert extract_places("Soviet grain purchases", "The Soviet Union bought wheat.")[:2] == (
        "Soviet Union", "Russia")


@pytest.mark.parametrize("code, name", [
    ("usa", "United States"), ("uk", "United Kingdom"), ("west-germany", "West Germany"),
    ("hong-kong", "Hong Kong"), ("trinidad-tobago", "Trinidad and Tobago"),
])
def test_reuters_codes_and_text_share_canonical_names(code, name):
    assert place_values(code)[0] == name
    assert gazetteer().country_of(name)


def test_words_that_only_look_like_places_inside_other_words_are_ignored():
    assert extract_places("Markets", "Parisian fashion and the Chadwick report were discussed.") == ()


def test_all_caps_wire_headlines_are_read():
    assert "Japan" in extract_places("JAPAN TRADE SURPLUS WIDENS", "The surplus grew.")


@pytest.mark.parametrize("dateline, country", [
    ("NEW YORK, MARCH 9", "United States"),  # the month in capitals
    ("HOUSTON, MArch 11", "United States"),  # and mistyped
    ("AMSTERDAM, 2 March", "Netherlands"),  # the day first
    ("RICHMOND, Va. Feb 26", "United States"),  # no comma before the date
    ("BRYN MAWR, Pa, April 8", "United States"),  # a state without its period
    ("GLENVIEW, PA, April 8", "United States"),  # or by postal code
    ("OAKVILLE, Ontario, April 2", "Canada"),  # a province, not the Californian city
    ("ST. PAUL, March 5", "United States"),
    ("ST PAUL, March 5", "United States"),
    ("DUESSELDORF, March 5", "Germany"),  # an umlaut written out
    ("FRANKFURT, March 5", "Germany"),  # an English name the table lacks
    ("TAMPA/ST. PETERSBURG, Fla., June 11", "United States"),
])
def test_datelines_as_wire_copy_writes_them(dateline, country):
    assert extract_places("Results", "Profits rose.", dateline=dateline)[-1] == country


def test_a_town_the_gazetteer_does_not_know_is_placed_by_its_province():
    assert extract_places("Mine", "Ore grades rose.", dateline="SNOWFIELD, Que., May 4")[:1] == (
        "Canada",)


def test_a_dateline_at_the_start_of_the_text_may_write_the_month_in_capitals():
    assert dateline_place("LONDON, MARCH 3 - Sterling fell.").country == "United Kingdom"


def test_names_that_are_words_in_english_are_not_places():
    assert extract_places("Budget", "The White House said the sale of the van was a White House "
                          "matter. Sale prices rose.") == ()


@pytest.mark.parametrize("title", [
    "NORTH AMERICAN GRAIN OUTLOOK BRIGHTENS", "LATIN AMERICA DEBT TALKS RESUME",
    "NEW ENGLAND UTILITY RAISES RATES", "NEW JERSEY BANK REPORTS PROFIT",
])
def test_a_qualifier_before_a_country_name_makes_another_place(title):
    assert "United States" not in extract_places(title, "Nothing else.")
    assert "United Kingdom" not in extract_places(title, "Nothing else.")
    assert "Jersey" not in extract_places(title, "Nothing else.")


def test_a_currency_in_an_all_caps_headline_is_not_the_country():
    assert "Canada" not in extract_places("LENDER ISSUES 120 MLN CANADIAN DLR NOTES", "Terms were set.")
    assert "Switzerland" in extract_places("SWISS FRANC FIRMS AGAINST MARK", "Dealers said so.")


def test_a_canadian_province_is_canada():
    places = extract_places("BRITISH COLUMBIA RAISES TAXES", "Ontario and Alberta may follow.")
    assert "Canada" in places and "United Kingdom" not in places


def test_agreements_and_trade_rounds_named_after_a_place_are_not_about_it():
    body = ("Ministers said the Paris accord held and the London talks went well. The Uruguay "
            "round of trade talks and the Uruguay round's farm agenda were discussed.")
    places = extract_places("Currency pact holds", body)
    assert "France" not in places and "Uruguay" not in places


def test_a_sea_named_after_a_country_is_not_the_country():
    body = "Platforms in the Gulf of Mexico stood idle. Gulf of Mexico output fell."
    assert "Mexico" not in extract_places("Rig count falls", body, dateline="HOUSTON, March 2")


def test_a_company_named_royal_dutch_is_not_the_netherlands():
    body = "Royal Dutch said profits fell. Royal Dutch shares eased."
    assert "Netherlands" not in extract_places("Oil profits", body, dateline="LONDON, March 5")


def test_georgia_in_a_story_from_the_us_is_the_state():
    body = "Georgia regulators approved the rate. Georgia utilities agreed."
    from_us = extract_places("Rates cut", body, dateline="ATLANTA, March 5")
    from_abroad = extract_places("Pipeline deal", body, dateline="MOSCOW, March 5")
    assert "Georgia" not in from_us and "Georgia" in from_abroad


def test_a_sentence_starting_the_text_is_not_read_as_a_dateline():
    assert dateline_place("Sales rose 5 - a record, the company said.") is None


def test_a_state_named_by_its_institutions_in_the_first_paragraph_is_a_place():
    lead = "Moscow kept backing the Syrian government on Monday.\n\nTalks went on."
    later = "Moscow kept backing its allies on Monday.\n\nIt praised the Syrian government."
    assert "Syria" in extract_places("Support goes on", lead)
    assert "Syria" not in extract_places("Support goes on", later)
