from typing import NamedTuple

from articles.nlp.grouping import group_mentions


class M(NamedTuple):
    text: str
    kind: str
    start: int


def mentions(*items):
    return [M(text, kind, i * 10) for i, (text, kind) in enumerate(items)]


def names(groups, assignment, ms):
    return [(m.text, groups[g].name) for m, g in zip(ms, assignment, strict=True)]


def test_a_surname_joins_the_full_name_it_ends():
    ms = mentions(("Gérald Martin", "person"), ("Martin", "person"), ("Martin", "person"))
    groups, assignment = group_mentions(ms)
    assert len(groups) == 1
    assert groups[0].name == "Gérald Martin"
    assert groups[0].surfaces == ("Gérald Martin", "Martin")
    assert assignment == [0, 0, 0]


def test_a_surname_before_the_full_name_still_joins_it():
    ms = mentions(("Martin", "person"), ("Gérald Martin", "person"))
    groups, assignment = group_mentions(ms)
    assert [g.name for g in groups] == ["Gérald Martin"]
    assert assignment == [0, 0]


def test_a_place_never_joins_a_person():
    ms = mentions(("Jean Lyon", "person"), ("Lyon", "place"))
    groups, _ = group_mentions(ms)
    assert [(g.name, g.kind) for g in groups] == [("Jean Lyon", "person"), ("Lyon", "place")]


def test_a_shared_surname_goes_to_the_most_mentioned_person():
    ms = mentions(("Anne Durand", "person"), ("Paul Durand", "person"), ("Paul Durand", "person"), ("Durand", "person"))
    groups, assignment = group_mentions(ms)
    assert names(groups, assignment, ms)[-1] == ("Durand", "Paul Durand")


def test_determiner_and_apostrophe_variants_are_one_actor():
    ms = mentions(
        ("France", "place"),
        ("la France", "place"),
        ("La France", "place"),
        ("l’Italie", "place"),
        ("Italie", "place"),
    )
    groups, assignment = group_mentions(ms)
    assert [g.name for g in groups] == ["France", "Italie"]
    assert assignment == [0, 0, 0, 1, 1]


def test_same_surface_different_kinds_are_different_actors():
    ms = mentions(("Orange", "organisation"), ("Orange", "place"))
    groups, assignment = group_mentions(ms)
    assert len(groups) == 2 and assignment == [0, 1]


def test_an_acronym_joins_the_expansion_it_spells():
    ms = mentions(("Organisation des Nations unies", "organisation"), ("ONU", "organisation"), ("OTAN", "organisation"))
    groups, assignment = group_mentions(ms)
    assert assignment == [0, 0, 1]
    assert groups[0].name == "Organisation des Nations unies"


def test_a_shortened_event_name_joins_the_full_one():
    ms = mentions(("Jeux olympiques de Tokyo", "event"), ("Jeux olympiques", "event"))
    groups, assignment = group_mentions(ms)
    assert assignment == [0, 0]
    assert groups[0].name == "Jeux olympiques de Tokyo"


def test_an_ambiguous_short_event_name_stays_alone():
    ms = mentions(
        ("Jeux olympiques de Tokyo", "event"), ("Jeux olympiques d'hiver", "event"), ("Jeux olympiques", "event")
    )
    _, assignment = group_mentions(ms)
    assert assignment == [0, 1, 2]


def test_no_mentions_no_groups():
    assert group_mentions([]) == ([], [])
