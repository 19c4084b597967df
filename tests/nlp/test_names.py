"""The name rules shared by the grouping of mentions and the registry's suggested duplicates."""

import pytest

from articles.nlp.grouping import group_mentions
from articles.nlp.names import acronym_match, initials, person_name, same_person, shortens
from tests.nlp.test_grouping import mentions


@pytest.mark.parametrize(("acronym", "name"), [
    ("OMS", "Organisation mondiale de la santé"),
    ("WHO", "World Health Organization"),
    ("BCE", "Banque centrale européenne"),
    ("ECB", "European Central Bank"),
    ("FIA", "Fédération internationale de l'automobile"),  # "l'" is skipped, not a word of its own
    ("BE", "Bank of England"),
    ("U.E.", "Union européenne"),
])
def test_an_acronym_spells_the_initials_of_the_significant_words(acronym, name):
    assert acronym_match(acronym, name) == "initials"


@pytest.mark.parametrize(("acronym", "name"), [
    ("OMS", "World Health Organization"),  # the French acronym of the English name: an alias says so, not letters
    ("WHO", "Organisation mondiale de la santé"),
    ("OMS", "Organisation mondiale"),
    ("AHP", "Hélène Prat"),  # a person's name has no lower-case word: no generic first word left out
    ("OTAN", "OMS"),
    ("BCE", "Banque"),
])
def test_an_acronym_does_not_match_other_letters_another_language_or_a_person(acronym, name):
    assert acronym_match(acronym, name) == ""


def test_an_acronym_may_leave_out_a_generic_first_word_of_an_institution():
    assert acronym_match("OTAN", "Traité de l'Atlantique nord") == "head"
    assert acronym_match("OTAN", "Organisation du traité de l'Atlantique nord") == "initials"


def test_numbers_carry_no_initial():
    assert initials("Coupe du monde 2026") == "CM"


def test_a_shorter_name_starting_the_same_way_is_contained_or_abbreviated():
    assert shortens("Coupe du monde 2026", "Coupe du monde de football 2026") == "contains"
    assert shortens("CM de football", "Coupe du monde de football 2026") == "abbreviates"
    assert shortens("Union européenne", "Conseil de l'Union européenne") == ""  # another head word
    assert shortens("Coupe", "Coupe du monde") == ""  # one word says too little
    assert shortens("Coupe du monde", "Coupe du monde") == ""  # the same name is another rule
    assert shortens("Coupe de football", "Coupe du monde") == ""


@pytest.mark.parametrize(("name", "expected"), [
    ("Anne Durand", ("anne", "durand")),
    ("Durand", ("", "durand")),
    ("Mme Anne Durand", ("anne", "durand")),
    ("Jean-Paul de La Tour", ("jean-paul", "de la tour")),
    ("Le Goff", ("", "le goff")),
])
def test_a_person_name_is_a_first_name_and_a_surname(name, expected):
    assert person_name(name) == expected


@pytest.mark.parametrize(("name", "other", "same"), [
    ("Anne Durand", "Durand", True),
    ("Anne Durand", "A. Durand", True),
    ("A.J. Durand", "AJ Durand", True),
    ("Anne Durand", "Anne Durand", True),
    ("Anne Durand", "Paul Durand", False),
    ("Anne", "Paul Durand", False),  # a first name alone is not a surname
    ("Jean-Marc Le Goff", "Annie Le Goff", False),
    ("Le Goff", "Annie Le Goff", True),
    ("Anne Durand", "Anne Dupont", False),
])
def test_two_names_are_one_person_with_the_same_surname_and_compatible_first_names(name, other, same):
    assert same_person(name, other) is same
    assert same_person(other, name) is same


def test_grouping_uses_the_same_acronym_rule():
    ms = mentions(("Fédération internationale de l'automobile", "organisation"), ("FIA", "organisation"),
                  ("FIL", "organisation"))
    _, assignment = group_mentions(ms)
    assert assignment == [0, 0, 1]
