import pytest

from articles.nlp.language import detect_language

LANGUAGES = ("fr", "en", "es")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Le ministre s’est rendu à Lyon pour renforcer la coopération sécuritaire entre les deux pays.", "fr"),
        ("The minister travelled to Lyon to strengthen security cooperation between the two countries.", "en"),
        ("El ministro viajó a Lyon para reforzar la cooperación en materia de seguridad entre ambos países.", "es"),
    ],
)
def test_it_detects_configured_languages(text, expected):
    assert detect_language(text, LANGUAGES) == expected


@pytest.mark.parametrize("text", ["", "OK", "Lyon", "2024 — 12 345 678 !!!"])
def test_it_returns_none_when_the_text_is_too_short_to_tell(text):
    assert detect_language(text, LANGUAGES) is None


def test_it_only_answers_with_a_configured_language():
    text = "El ministro viajó a Lyon para reforzar la cooperación en materia de seguridad entre ambos países."
    assert detect_language(text, ("es",)) == "es"
    assert detect_language(text, ("fr", "en")) in ("fr", "en", None)


def test_no_languages_configured_means_no_answer():
    assert detect_language("Le ministre s’est rendu à Lyon pour la coopération.", ()) is None
