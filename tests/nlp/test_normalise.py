import pytest

from articles.nlp.normalise import normalise_surface, normalise_text

TYPOGRAPHIC = "Le ministre belge de l’Intérieur a dit\u00a0: «\u202fC’est “essentiel”\u202f» – s‘il le faut."


def test_normalise_text_keeps_the_length():
    assert len(normalise_text(TYPOGRAPHIC)) == len(TYPOGRAPHIC)


def test_normalise_text_folds_apostrophes_quotes_and_spaces():
    assert (
        normalise_text(TYPOGRAPHIC)
        == "Le ministre belge de l'Intérieur a dit : « C'est \"essentiel\" » – s'il le faut."
    )


def test_every_offset_still_points_at_the_same_word():
    folded = normalise_text(TYPOGRAPHIC)
    start = folded.index("Intérieur")
    assert TYPOGRAPHIC[start : start + len("Intérieur")] == "Intérieur"


def test_decomposed_accents_are_left_alone_rather_than_shifting_offsets():
    text = "Ge\u0301rald et \u212bngstro\u0308m"
    folded = normalise_text(text)
    assert len(folded) == len(text)
    assert folded.index("et") == text.index("et")
    assert "\u00c5" in folded  # the ANGSTROM SIGN singleton becomes Å, one for one


@pytest.mark.parametrize(
    ("surface", "expected"),
    [
        ("la France", "france"),
        ("La France", "france"),
        ("l’Italie", "italie"),
        ("L'Italie", "italie"),
        ("les  États-Unis", "états-unis"),
        ("The Guardian", "guardian"),
        ("  Jean\u00a0Dupuis, ", "jean dupuis"),
        ("Lalla", "lalla"),  # "la" inside a word is not a determiner
        ("Les", "les"),  # a determiner alone is kept rather than emptied
    ],
)
def test_normalise_surface(surface, expected):
    assert normalise_surface(surface) == expected


def test_normalise_surface_is_idempotent():
    once = normalise_surface("La  Coupe d’Europe")
    assert normalise_surface(once) == once
