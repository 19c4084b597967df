"""Titles and roles next to people (articles.nlp.roles), on docs from the production pipeline."""

import json
from pathlib import Path

import pytest
import spacy

from articles.nlp.normalise import normalise_text
from articles.nlp.roles import find_roles
from articles.nlp.types import MentionSpan

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
TEXT = CORPUS / "fr-darmanin-rabat.txt"
GOLD = CORPUS / "fr-darmanin-rabat.gold.json"


def roles_by_person(annotation) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for role in annotation.roles:
        found.setdefault(annotation.groups[role.group].name, []).append(role.title)
    return found


def person_names(annotation) -> set[str]:
    return {group.name for group in annotation.groups if group.kind == "person"}


# (text, people the model must find for the case to mean anything, expected roles per person)
FRENCH = [
    (
        "Le ministre français de l’Intérieur, Gérald Martin, s’est rendu à Lyon mardi.",
        {"Gérald Martin"},
        {"Gérald Martin": ["ministre français de l’Intérieur"]},
    ),
    (
        "Jean Dupont, ministre de l'Économie, des Finances et de la Souveraineté industrielle, a présenté le budget.",
        {"Jean Dupont"},
        {"Jean Dupont": ["ministre de l'Économie, des Finances et de la Souveraineté industrielle"]},
    ),
    (
        "Il a rencontré son homologue allemand, Olaf Scholz, puis le chancelier autrichien Karl Nehammer.",
        {"Olaf Scholz", "Karl Nehammer"},
        {"Olaf Scholz": ["homologue allemand"], "Karl Nehammer": ["chancelier autrichien"]},
    ),
    (
        "Les ministres Gabriel Attal et Bruno Le Maire ont défendu le texte devant les députés.",
        {"Gabriel Attal", "Bruno Le Maire"},
        {"Gabriel Attal": ["ministres"], "Bruno Le Maire": ["ministres"]},
    ),
    (
        "L'avocat de la famille, Me Jean Tamalet, a dénoncé une erreur.",
        {"Jean Tamalet"},
        {"Jean Tamalet": ["avocat de la famille"]},
    ),
    (
        (
            "Le secrétaire général de l'ONU, António Guterres, a rencontré le haut représentant de l'Union européenne"
            " Josep Borrell."
        ),
        {"António Guterres", "Josep Borrell"},
        {
            "António Guterres": ["secrétaire général de l'ONU"],
            "Josep Borrell": ["haut représentant de l'Union européenne"],
        },
    ),
    (
        (
            "Le porte-parole du gouvernement, Prisca Thevenot, et l'ex-ministre Jean Dupont ont vu le vice-président"
            " américain Joe Biden."
        ),
        {"Prisca Thevenot", "Jean Dupont", "Joe Biden"},
        {
            "Prisca Thevenot": ["porte-parole du gouvernement"],
            "Jean Dupont": ["ex-ministre"],
            "Joe Biden": ["vice-président américain"],
        },
    ),
    (
        "La juge d'instruction Marie Martin a mis en examen l'ancien maire de Lyon Gérard Collomb.",
        {"Marie Martin", "Gérard Collomb"},
        {"Marie Martin": ["juge d'instruction"], "Gérard Collomb": ["ancien maire de Lyon"]},
    ),
    # No person next to the title.
    ("Le ministre a déclaré que la réforme serait votée avant l'été.", set(), {}),
    # The title sits next to an organisation.
    ("Le porte-parole de la SNCF a annoncé une grève pour lundi.", set(), {}),
    # A sentence ends between the title and the name.
    ("Le président du Sénat s'est exprimé. Marie Durand a répondu le lendemain.", {"Marie Durand"}, {}),
    # The title ends a clause, the name opens the next one.
    ("Selon le ministre, Jean Dupont a menti aux enquêteurs.", {"Jean Dupont"}, {}),
    ("Pour Jean Dupont, le président n'a pas compris la colère.", {"Jean Dupont"}, {}),
    # The name after the comma is the son's, not the minister's.
    ("Le fils du ministre, Paul Dupont, a été entendu.", {"Paul Dupont"}, {}),
]

ENGLISH = [
    (
        "French Interior Minister Gérald Darmanin met his Moroccan counterpart in Rabat on Monday.",
        {"Gérald Darmanin"},
        {"Gérald Darmanin": ["French Interior Minister"]},
    ),
    ("Prime Minister Tony Blair said the report was flawed.", {"Tony Blair"}, {"Tony Blair": ["Prime Minister"]}),
    (
        "The chancellor, Gordon Brown, will deliver his budget next week.",
        {"Gordon Brown"},
        {"Gordon Brown": ["chancellor"]},
    ),
    (
        "Tony Blair, the prime minister, said he would not resign.",
        {"Tony Blair"},
        {"Tony Blair": ["prime minister"]},
    ),
    ("Mr Brown, the chancellor, has promised to cut taxes.", {"Brown"}, {"Brown": ["chancellor"]}),
    (
        "Foreign Secretary Jack Straw flew to Washington to meet US Secretary of State Colin Powell.",
        {"Jack Straw", "Colin Powell"},
        {"Jack Straw": ["Foreign Secretary"], "Colin Powell": ["US Secretary of State"]},
    ),
    (
        "The company's chief executive, John Smith, said profits had risen.",
        {"John Smith"},
        {"John Smith": ["chief executive"]},
    ),
    (
        "Mr Blair, the prime minister, and Mr Brown, the chancellor, both denied any rift.",
        {"Blair", "Brown"},
        {"Blair": ["prime minister"], "Brown": ["chancellor"]},
    ),
    (
        "Werner Seifert, chief executive of the Frankfurt-based exchange, may well come back with a new offer.",
        {"Werner Seifert"},
        {"Werner Seifert": ["chief executive of the Frankfurt-based exchange"]},
    ),
    (
        "Microsoft chief executive Steve Ballmer said in general, Bill Gates agreed.",
        {"Steve Ballmer", "Bill Gates"},
        {"Steve Ballmer": ["Microsoft chief executive"]},
    ),
    ("The minister said the plans would be published in the spring.", set(), {}),
    ("A spokesman for Barclays said the bank would not comment.", set(), {}),
    (
        "The prime minister met party leaders. Michael Howard said later that the talks had failed.",
        {"Michael Howard"},
        {},
    ),
    ("According to the chancellor, Gordon Brown had been misquoted.", {"Gordon Brown"}, {}),
    ("According to Mr Smith, the chairman had resigned before the vote.", {"Smith"}, {}),
    ("The wife of the prime minister, Cherie Blair, spoke at the event.", {"Cherie Blair"}, {}),
]


@pytest.mark.parametrize(("text", "people", "expected"), FRENCH, ids=[case[0][:40] for case in FRENCH])
def test_french_roles(annotator, text, people, expected):
    annotation = annotator.annotate(text, language="fr")
    assert people <= person_names(annotation)
    assert roles_by_person(annotation) == expected


@pytest.mark.parametrize(("text", "people", "expected"), ENGLISH, ids=[case[0][:40] for case in ENGLISH])
def test_english_roles(annotator, text, people, expected):
    annotation = annotator.annotate(text, language="en")
    assert people <= person_names(annotation)
    assert roles_by_person(annotation) == expected


def test_a_role_is_returned_once_at_its_first_occurrence(annotator):
    text = (
        "Le ministre de l’Intérieur, Jean Dupont, est arrivé à Lyon mardi.\n"
        "Le Ministre de l'Intérieur Jean Dupont a ensuite visité le commissariat central."
    )
    annotation = annotator.annotate(text, language="fr")
    assert [(r.title, r.start) for r in annotation.roles] == [("ministre de l’Intérieur", text.index("ministre"))]


def test_a_language_without_a_lexicon_gets_no_roles():
    doc = spacy.blank("es")("El ministro del Interior, Fernando Grande-Marlaska, viajó a Rabat.")
    person = MentionSpan(start=26, end=49, text="Fernando Grande-Marlaska", kind="person", origin="model", group=0)
    assert find_roles(doc, [person], doc.text) == []


def test_only_people_get_roles(annotator):
    text = "Le porte-parole de la société, Renault, a démenti."
    nlp = annotator._nlp("fr")
    start = text.index("Renault")
    organisation = MentionSpan(start, start + 7, "Renault", kind="organisation", origin="model", group=0)
    assert find_roles(nlp(text), [organisation], text) == []


@pytest.fixture(scope="module")
def demo(annotator):
    if not (TEXT.exists() and GOLD.exists()):
        pytest.skip(
            f"the demo article and its reference are not in {CORPUS}: the shared corpus sits beside the repository"
        )
    text = TEXT.read_text(encoding="utf-8")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    return text, gold, annotator.annotate(text)


def comparable(title: str) -> str:
    # The reference writes roles in the singular ("princesse marocaine") where the text has
    # the plural ("les princesses marocaines"): compare word stems without a final "s".
    words = title.replace("\u2019", "'").casefold().split()
    return " ".join(word.removesuffix("s") for word in words)


# Reference roles that are not written next to the name, so they are out of reach by design:
# the text says "son homologue Abdelouafi Laftit" (the reference infers his portfolio), and
# "le chef de la diplomatie française" stands with no name next to it.
OUT_OF_REACH = {
    ("Abdelouafi Laftit", "ministre marocain de l’Intérieur"),
    ("Stéphane Séjourné", "chef de la diplomatie française"),
}


def test_the_reference_roles_written_next_to_a_name_are_found(demo):
    _, gold, annotation = demo
    found = {name: {comparable(t) for t in titles} for name, titles in roles_by_person(annotation).items()}
    missing = {
        (actor["name"], role)
        for actor in gold["actors"]
        if actor["kind"] == "person"
        for role in actor["roles"]
        if comparable(role) not in found.get(actor["name"], set())
    }
    assert missing == OUT_OF_REACH


def test_the_demo_roles_are_exactly_those_written(demo):
    _, _, annotation = demo
    assert roles_by_person(annotation) == {
        "Gérald Darmanin": ["ministre français de l’Intérieur"],
        "Abdelouafi Laftit": ["homologue"],
        "Emmanuel Macron": ["président français"],
        "Lalla Meryem": ["princesses marocaines"],
        "Lalla Asmae": ["princesses marocaines"],
        "Lalla Hasnaa": ["princesses marocaines"],
        "Stéphane Séjourné": ["ministre français des Affaires étrangères"],
        "Nasser Bourita": ["ministre marocain des Affaires étrangères", "homologue marocain"],
    }


def test_no_one_but_a_person_has_a_role(demo):
    _, gold, annotation = demo
    people = {actor["name"] for actor in gold["actors"] if actor["kind"] == "person"}
    assert {annotation.groups[r.group].name for r in annotation.roles} <= people
    assert {annotation.groups[r.group].kind for r in annotation.roles} == {"person"}


def test_titles_are_sliced_from_the_stored_text(demo):
    text, _, annotation = demo
    assert annotation.roles
    for role in annotation.roles:
        assert text[role.start : role.end] == role.title
        assert role.title == role.title.strip(" ,;:.")
        assert role.title.split()[0].casefold() not in {"le", "la", "les", "l'", "l’", "son", "sa", "ses"}
    assert any("\u2019" in role.title for role in annotation.roles)  # the editor's apostrophe is kept


def test_the_pipeline_roles_are_those_of_the_production_doc(demo, annotator):
    text, _, annotation = demo
    doc = annotator._nlp("fr")(normalise_text(text)[: annotation.content_end])
    assert find_roles(doc, annotation.mentions, text) == annotation.roles
