"""The language resources: one lexicon per language, which every reader of a word list shares."""

import pytest
import spacy

from articles.nlp import entities, names, roles
from articles.nlp.lexicon import LEXICONS, every, lexicon_for

from .test_entities import found, make_doc


def test_a_language_code_finds_its_lexicon_and_an_unknown_one_none():
    assert lexicon_for("fr-CH") is LEXICONS["fr"]
    assert lexicon_for("EN") is LEXICONS["en"]
    assert lexicon_for("de") is None
    assert lexicon_for(None) is None


def test_a_list_across_languages_holds_each_languages_words_and_a_wrong_name_fails():
    assert {"ministre", "minister"} <= every("titles")
    assert {"m.", "mr", "mgr"} <= every("courtesy")
    with pytest.raises(AttributeError):
        every("titels")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_roles_and_entities_read_the_titles_of_the_lexicon(language):
    lexicon = LEXICONS[language]
    assert lexicon.titles | lexicon.plural_titles <= roles._LEXICONS[language].heads
    assert lexicon.courtesy <= roles._LEXICONS[language].courtesy
    assert (lexicon.titles | lexicon.courtesy) - lexicon.styles <= entities.TITLES


def test_a_title_one_reader_knew_is_known_to_the_others():
    # "cardinal" was a role's head only, "diplomate" a quote's title only, "mgr" missing from names.
    assert "cardinal" in LEXICONS["fr"].titles and "cardinal" in roles._LEXICONS["fr"].heads
    assert "diplomate" in roles._LEXICONS["fr"].heads
    assert names.person_name("Mgr Jean Dupont") == ("jean", "dupont")


def test_a_style_stays_in_the_name_it_opens():
    blank = spacy.blank("fr")
    doc = make_doc(blank, "Prince a chanté avec Lady Gaga.", [("Prince", "PER"), ("Lady Gaga", "PER")])
    assert found(doc) == [("Prince", "person"), ("Lady Gaga", "person")]
