"""Quotes and their speakers (articles.nlp.quotes), with the real spaCy models and the production doc.

Each case is a piece of news copy written like the real thing; the assertions name the speaker
by its group's name, the kind, the cue and the start of the quoted words, so a wrong attribution
fails.
"""

import json
import time
from pathlib import Path

import pytest

from articles.nlp.normalise import normalise_text
from articles.nlp.quotes import find_quotes
from articles.nlp.types import RoleSpan

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
TEXT = CORPUS / "fr-darmanin-rabat.txt"
GOLD = CORPUS / "fr-darmanin-rabat.gold.json"


def fold(text: str) -> str:
    return text.replace("\u2019", "'")


class Found:
    """find_quotes on a text, with the doc built as the pipeline builds it (content only, no parser)."""

    def __init__(self, annotator, text: str, language: str, roles=None, content_end=None):
        self.text = text
        self.language = language
        self.annotation = annotator.annotate(text, language=language)
        end = self.annotation.content_end if content_end is None else content_end
        self.content_end = len(text) if end is None else end
        self.doc = annotator._nlp(language)(normalise_text(text)[: self.content_end])
        self.roles = self.annotation.roles if roles is None else roles
        self.quotes = self.run()

    def run(self):
        a = self.annotation
        return find_quotes(self.doc, self.text, a.mentions, a.groups, self.roles, self.language, self.content_end)

    def with_roles(self, *roles: tuple[str, str]) -> "Found":
        """The same text with hand-written roles (person, title), independent of the role finder."""
        self.roles = [self.role(person, title) for person, title in roles]
        self.quotes = self.run()
        return self

    def role(self, person: str, title: str) -> RoleSpan:
        group = self.group(person)
        start = self.text.index(title)
        return RoleSpan(group=group, title=title, start=start, end=start + len(title))

    def group(self, name: str) -> int:
        return next(i for i, g in enumerate(self.annotation.groups) if g.name == name)

    def speaker(self, quote) -> str | None:
        return None if quote.speaker_group is None else self.annotation.groups[quote.speaker_group].name

    def starting(self, words: str):
        """The one quote whose text starts with ``words``."""
        matches = [q for q in self.quotes if fold(q.text).startswith(fold(words))]
        assert len(matches) == 1, (words, self.summary())
        return matches[0]

    def none_starting(self, words: str) -> bool:
        return not any(fold(q.text).startswith(fold(words)) for q in self.quotes)

    def of_kind(self, kind: str) -> list:
        return [q for q in self.quotes if q.kind == kind]

    def summary(self) -> list[tuple[str, str | None, str, str, str]]:
        return [(q.kind, self.speaker(q), q.cue, q.speaker_role, q.text[:50]) for q in self.quotes]


def check(found: Found, words: str, kind: str, speaker: str | None, cue: str | None = None, role: str | None = None):
    quote = found.starting(words)
    assert (quote.kind, found.speaker(quote)) == (kind, speaker), found.summary()
    if cue is not None:
        assert quote.cue == cue, found.summary()
    if role is not None:
        assert quote.speaker_role == role, found.summary()
    assert found.text[quote.start : quote.end] == quote.text
    return quote


# ----------------------------------------------------------------------------------------------
# The demo article against its reference
# ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(annotator):
    if not (TEXT.exists() and GOLD.exists()):
        pytest.skip(
            f"the demo article and its reference are not in {CORPUS}: the shared corpus sits beside the repository"
        )
    return Found(annotator, TEXT.read_text(encoding="utf-8"), "fr"), json.loads(GOLD.read_text(encoding="utf-8"))


def _gold_group(found: Found, speaker: str) -> str:
    # The reference names the actor; the group is the one whose name or surfaces match it.
    wanted = fold(speaker).casefold()
    for group in found.annotation.groups:
        if wanted in {fold(s).casefold() for s in (group.name, *group.surfaces)}:
            return group.name
    return speaker


def test_demo_required_quotes_are_direct_with_their_speaker(demo):
    found, gold = demo
    required = [item for item in gold["quotes"] if item["required"]]
    assert required
    for item in required:
        check(found, item["starts_with"], "direct", _gold_group(found, item["speaker"]))


def test_demo_optional_quotes_are_found_with_their_speaker(demo):
    found, gold = demo
    for item in gold["quotes"]:
        if not item["required"]:
            check(found, item["starts_with"], "direct", _gold_group(found, item["speaker"]))


def test_demo_boilerplate_bio_is_not_a_quote(demo):
    found, gold = demo
    for item in gold["not_quotes"]:
        assert found.none_starting(item["starts_with"]), found.summary()
    assert all(q.end <= found.annotation.content_end for q in found.quotes)


def test_demo_cues_as_written_and_the_title_speaker(demo):
    found, _ = demo
    check(found, "Je tiens à remercier", "direct", "Gérald Darmanin", cue="a déclaré")  # "» Darmanin a déclaré"
    # "…, a-t-il ajouté, selon l'AFP": the agency is the reporter's source, "il" the speaker.
    check(found, "Le Maroc peut compter", "direct", "Stéphane Séjourné", cue="a-t-il ajouté", role="")
    check(found, "Il est convenu", "direct", "ministère marocain de l’Intérieur", cue="a déclaré")
    check(
        found,
        "C’est une question existentielle",
        "direct",
        "Stéphane Séjourné",
        cue="a déclaré",
        role="le chef de la diplomatie française",
    )


def test_demo_unclosed_quote_stops_at_the_next_opening_mark(demo):
    found, _ = demo
    first = check(found, "Nous l’avons déjà dit", "direct", "Stéphane Séjourné")
    assert fold(first.text).endswith("il est maintenant temps d'aller de l'avant.")
    check(found, "J’y veillerai personnellement", "direct", "Stéphane Séjourné", cue="a-t-il souligné")


def test_demo_embedded_words_are_fragments(demo):
    found, _ = demo
    for words in ("profonde", "multidimensionnelle", "essentielle", "partenaire fiable", "soutien clair et persistant"):
        assert found.starting(words).kind == "fragment", found.summary()


def test_demo_title_without_roles_falls_back_to_the_latest_person(demo):
    found, _ = demo
    found.roles, found.quotes = [], None
    found.quotes = found.run()
    check(
        found,
        "C’est une question existentielle",
        "direct",
        "Stéphane Séjourné",
        role="le chef de la diplomatie française",
    )


def test_demo_is_fast(demo):
    found, _ = demo
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        found.run()
        best = min(best, time.perf_counter() - start)
    assert best < 0.03, best  # about 1.5 ms on a developer machine; generous for a loaded one


# ----------------------------------------------------------------------------------------------
# French copy
# ----------------------------------------------------------------------------------------------

HIDALGO = (
    "La maire de Paris, Anne Hidalgo, a présenté mardi son plan pour les transports devant le préfet de police,"
    " Laurent Nuñez.\n"
    "«Nous allons doubler le nombre de pistes cyclables d’ici à 2026», a-t-elle déclaré devant le Conseil de Paris.\n"
    "Laurent Nuñez s’est montré plus prudent. « Il faudra du temps », a estimé M. Nuñez.\n"
    "Selon l’opposition, le projet coûtera « au moins deux milliards d’euros ».\n"
)


def test_guillemets_without_spaces_and_inverted_cue_with_a_woman_speaker(annotator):
    found = Found(annotator, HIDALGO, "fr")
    check(found, "Nous allons doubler", "direct", "Anne Hidalgo", cue="a-t-elle déclaré")
    check(found, "Il faudra du temps", "direct", "Laurent Nuñez", cue="a estimé")
    check(found, "au moins deux milliards", "fragment", None)


BARNIER = (
    "Le Premier ministre, Michel Barnier, a reçu les syndicats à Matignon.\n"
    "Il a assuré\u202f: «\u202fNous ne toucherons pas à l’âge de départ à la retraite.\u202f»\n"
    "La secrétaire générale de la CGT, Sophie Binet, a dénoncé une « mascarade ».\n"
    "«\u00a0Le gouvernement n’a rien compris à la colère des salariés\u00a0», a-t-elle lancé à la sortie.\n"
)


def test_narrow_no_break_spaces_cue_before_and_pronoun_subject(annotator):
    found = Found(annotator, BARNIER, "fr")
    quote = check(found, "Nous ne toucherons pas", "direct", "Michel Barnier", cue="a assuré")
    assert quote.text == "Nous ne toucherons pas à l’âge de départ à la retraite."  # no mark, no space kept
    check(found, "mascarade", "fragment", "Sophie Binet", cue="a dénoncé")
    check(found, "Le gouvernement n’a rien compris", "direct", "Sophie Binet", cue="a-t-elle lancé")


TYPOGRAPHY = (
    'Marine Le Pen a de son côté critiqué "un passage en force". "Nous voterons contre ce texte", a-t-elle'
    " prévenu.\n"
    "Jordan Bardella a quant à lui été plus direct : “Ce gouvernement ne passera pas l’hiver.”\n"
)


def test_straight_and_curly_double_quotes_in_french_copy(annotator):
    found = Found(annotator, TYPOGRAPHY, "fr")
    check(found, "un passage en force", "fragment", "Marine Le Pen")
    check(found, "Nous voterons contre ce texte", "direct", "Marine Le Pen", cue="a-t-elle prévenu")
    check(found, "Ce gouvernement ne passera pas", "direct", "Jordan Bardella", cue="")  # the colon hands it over


MISSING_CLOSE = (
    "Le ministère de la Santé a lancé lundi une nouvelle campagne de vaccination contre la grippe.\n"
    "« Il est essentiel que les personnes âgées se fassent vacciner avant l’hiver, a indiqué le ministère dans un"
    " communiqué. Les doses sont disponibles en pharmacie.\n"
    "La campagne durera jusqu’en février.\n"
)


def test_missing_closing_mark_stops_at_the_paragraph_end_and_an_incise_attributes_it(annotator):
    found = Found(annotator, MISSING_CLOSE, "fr")
    quote = check(found, "Il est essentiel", "direct", "ministère de la Santé", cue="a indiqué")
    assert quote.text.endswith("disponibles en pharmacie.")
    assert found.none_starting("La campagne")


NESTED = (
    "Le réalisateur Ladj Ly a reçu le prix du jury pour son film « Les Misérables ».\n"
    "« Ce film parle de la banlieue que je connais depuis toujours. « On n’a jamais vu ça », m’a dit ma mère en"
    " sortant de la projection », a-t-il confié.\n"
)


def test_quote_inside_a_quote_gives_the_outer_one_and_a_work_title_is_no_quote(annotator):
    found = Found(annotator, NESTED, "fr")
    outer = check(found, "Ce film parle de la banlieue", "direct", "Ladj Ly", cue="a-t-il confié")
    assert outer.text.endswith("en sortant de la projection")
    assert found.none_starting("On n’a jamais vu ça")
    assert found.none_starting("Les Misérables")  # nobody's words: the title of the film


ACROSS_PARAGRAPHS = (
    "Le ministre de l’Économie, Bruno Le Maire, s’est rendu mardi à Bercy pour présenter le budget.\n"
    "Le texte prévoit dix milliards d’euros d’économies, dont une large part sur les dépenses de l’État.\n"
    "« Nous tiendrons nos engagements européens », a-t-il assuré.\n"
)


def test_pronoun_resolves_to_the_last_person_across_paragraphs(annotator):
    found = Found(annotator, ACROSS_PARAGRAPHS, "fr")
    check(found, "Nous tiendrons nos engagements", "direct", "Bruno Le Maire", cue="a-t-il assuré")


GENDER = (
    "Mme Catherine Vautrin a reçu mercredi les représentants des médecins, conduits par Jean Dupuis.\n"
    "« Nous ne fermerons aucune maternité sans concertation », a-t-elle promis.\n"
)


def test_elle_resolves_to_the_woman_when_the_text_tells(annotator):
    found = Found(annotator, GENDER, "fr")
    check(found, "Nous ne fermerons aucune maternité", "direct", "Catherine Vautrin", cue="a-t-elle promis")


SUMMIT = (
    "Emmanuel Macron s’est rendu à Berlin pour rencontrer le chancelier allemand Olaf Scholz.\n"
    "« Nous devons investir massivement dans notre défense commune », a déclaré le chef de l’État.\n"
    "« Nous partageons cet objectif », a répondu le chancelier.\n"
    "Le président français a plaidé pour « une Europe puissante ».\n"
)


def test_title_speakers_resolve_by_role_and_keep_the_phrase(annotator):
    found = Found(annotator, SUMMIT, "fr").with_roles(("Olaf Scholz", "chancelier allemand"))
    check(found, "Nous devons investir", "direct", "Emmanuel Macron", cue="a déclaré", role="le chef de l’État")
    check(found, "Nous partageons cet objectif", "direct", "Olaf Scholz", cue="a répondu", role="le chancelier")
    check(found, "une Europe puissante", "fragment", "Emmanuel Macron", role="Le président français")


MINISTRIES = (
    "Le ministre de l’Intérieur, Gérald Martin, a rencontré à Rome son homologue italien, Marco Rossi.\n"
    "« La coopération entre nos polices n’a jamais été aussi étroite », a déclaré le ministre italien.\n"
)


def test_title_speaker_matching_a_role_wins_over_the_latest_person(annotator):
    found = Found(annotator, MINISTRIES, "fr").with_roles(
        ("Gérald Martin", "ministre de l’Intérieur"), ("Marco Rossi", "homologue italien")
    )
    check(found, "La coopération entre nos polices", "direct", "Marco Rossi", role="le ministre italien")


ORGANISATION = (
    "Par ailleurs, le ministère marocain de l’Intérieur a déclaré dans un communiqué que les deux pays « ont"
    " convenu de renforcer leurs échanges d’informations sur les menaces terroristes ».\n"
    "Pour Amnesty International, « ces accords ne doivent pas se faire au détriment des droits des migrants ».\n"
)


def test_organisation_speakers_before_the_quote(annotator):
    found = Found(annotator, ORGANISATION, "fr")
    check(found, "ont convenu de renforcer", "direct", "ministère marocain de l’Intérieur", cue="a déclaré")
    check(found, "ces accords ne doivent pas", "direct", "Amnesty International", cue="Pour")


REPORTED_FR = (
    "Le porte-parole du gouvernement, Prisca Thevenot, a affirmé mercredi que la réforme serait adoptée avant"
    " l’été.\n"
    "Selon Laurent Berger, ancien secrétaire général de la CFDT, le dialogue social est rompu depuis des mois.\n"
)


def test_french_reported_speech(annotator):
    found = Found(annotator, REPORTED_FR, "fr")
    check(found, "la réforme serait adoptée", "reported", "Prisca Thevenot", cue="a affirmé")
    check(found, "le dialogue social est rompu", "reported", "Laurent Berger", cue="Selon")


def test_bio_line_after_the_content_end_is_never_read(annotator):
    text = (
        "« Nous ne lâcherons rien », a déclaré Jean Dupuis devant les grévistes.\n"
        "En savoir plus\n"
        "« Faiseur de troubles. Communicateur. Incapable de taper avec des gants de boxe. »"
    )
    found = Found(annotator, text, "fr", content_end=text.index("En savoir plus"))
    check(found, "Nous ne lâcherons rien", "direct", "Jean Dupuis", cue="a déclaré")
    assert found.none_starting("Faiseur")


# ----------------------------------------------------------------------------------------------
# English copy
# ----------------------------------------------------------------------------------------------

BLAIR = (
    "Prime Minister Tony Blair has defended his government's record on schools.\n"
    'Speaking in London on Monday, Mr Blair said: "We have made real progress, but there is much more to do."\n'
    "He added that the reforms would continue after the election.\n"
    '"I am not going to apologise for raising standards," he told reporters.\n'
    'The Conservative leader, Michael Howard, disagreed. "This government has failed a generation of children,"'
    " said Mr Howard.\n"
)


def test_english_cue_before_pronoun_after_and_inverted_name(annotator):
    found = Found(annotator, BLAIR, "en")
    check(found, "We have made real progress", "direct", "Tony Blair", cue="said")
    check(found, "I am not going to apologise", "direct", "Tony Blair", cue="told")
    check(found, "This government has failed", "direct", "Michael Howard", cue="said")
    check(found, "the reforms would continue", "reported", "Tony Blair", cue="added")


VODAFONE = (
    "Shares in Vodafone rose 3% after the mobile phone group reported better than expected sales.\n"
    '"These are strong results in a difficult market," said Arun Sarin, the company\'s chief executive.\n'
    '"We expect growth to continue into next year."\n'
    'Analysts were more cautious. "The outlook is still uncertain," said Jane Smith, an analyst at Barclays'
    " Capital.\n"
)


def test_english_said_name_with_apposition_and_a_continued_quote(annotator):
    found = Found(annotator, VODAFONE, "en")
    check(found, "These are strong results", "direct", "Arun Sarin", cue="said")
    check(found, "We expect growth", "direct", "Arun Sarin")  # the next paragraph goes on
    check(found, "The outlook is still uncertain", "direct", "Jane Smith", cue="said")


HEWITT = (
    "Health Secretary Patricia Hewitt announced new targets for the Department of Health on Tuesday, alongside"
    " the NHS chief executive, Mr David Nicholson.\n"
    '"Nobody will wait more than 18 weeks by 2008," she told reporters.\n'
    'Ms Hewitt said the NHS was "on the right track".\n'
    "According to the department, waiting lists have fallen by 10% since 2003.\n"
)


def test_english_she_told_reporters_according_to_and_an_embedded_fragment(annotator):
    found = Found(annotator, HEWITT, "en")
    check(found, "Nobody will wait", "direct", "Patricia Hewitt", cue="told")
    check(found, "on the right track", "fragment", "Patricia Hewitt", cue="said")
    check(found, "waiting lists have fallen", "reported", "Department of Health", cue="According to")


MICROSOFT = (
    "Microsoft has warned users about a new virus.\n"
    '"Users should update their software immediately," a spokesman for Microsoft said.\n'
    "The company said the virus had infected thousands of computers.\n"
    "Bill Gates, the firm's chairman, said: “Security is our top priority. We will not accept the ‘so-called’"
    " compromise.”\n"
    "'We have fixed the flaw,' Mr Gates insisted.\n"
)


def test_english_spokesman_for_an_organisation_curly_and_single_quotes(annotator):
    found = Found(annotator, MICROSOFT, "en")
    check(found, "Users should update", "direct", "Microsoft", cue="said", role="a spokesman for Microsoft")
    check(found, "the virus had infected", "reported", "Microsoft", cue="said")
    check(found, "Security is our top priority", "direct", "Bill Gates", cue="said")
    assert found.none_starting("so-called")  # inside the outer quote
    check(found, "We have fixed the flaw", "direct", "Bill Gates", cue="insisted")


BROWN = (
    "The chancellor, Gordon Brown, will deliver his budget on Wednesday.\n"
    'In an interview with the BBC, the chancellor said the economy was "stronger than at any time in a'
    ' generation".\n'
    'His Conservative opposite number, Oliver Letwin, said: "The figures simply do not add up. Taxes will have'
    " to rise.\n"
    "Whoever wins the election will face a black hole.\n"
)


def test_english_title_speaker_and_missing_closing_mark(annotator):
    found = Found(annotator, BROWN, "en").with_roles(("Gordon Brown", "chancellor"))
    check(found, "stronger than at any time", "fragment", "Gordon Brown", role="the chancellor")
    quote = check(found, "The figures simply do not add up", "direct", "Oliver Letwin", cue="said")
    assert quote.text.endswith("Taxes will have to rise.")  # closed at the paragraph end


SALLES = (
    'The film "The Motorcycle Diaries" won the award for best foreign film.\n'
    'Its director, Walter Salles, said he was delighted. "This is a great honour for everyone who worked on it,"'
    " he said.\n"
    'The so-called "experts" had predicted a different result.\n'
)


def test_english_titles_and_scare_quotes_are_not_quotes(annotator):
    found = Found(annotator, SALLES, "en")
    assert found.none_starting("The Motorcycle Diaries")
    assert found.none_starting("experts")
    check(found, "This is a great honour", "direct", "Walter Salles", cue="said")


POLICE = (
    "Police are investigating after a man was found dead in Glasgow.\n"
    "Detective Inspector John Smith said officers were keeping an open mind.\n"
    '"We are appealing for anyone who saw anything to come forward," he said. "Any information, however'
    ' small, could help."\n'
    'A police spokeswoman added: "The family has been informed."\n'
)


def test_english_unnamed_speaker_keeps_the_phrase_and_no_group(annotator):
    found = Found(annotator, POLICE, "en")
    check(found, "We are appealing", "direct", "John Smith", cue="said")
    check(found, "Any information", "direct", "John Smith")
    check(found, "The family has been informed", "direct", None, cue="added", role="A police spokeswoman")
    check(found, "officers were keeping", "reported", "John Smith", cue="said")


# ----------------------------------------------------------------------------------------------
# Guarantees on any text
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (HIDALGO, "fr"),
        (BARNIER, "fr"),
        (TYPOGRAPHY, "fr"),
        (NESTED, "fr"),
        (ORGANISATION, "fr"),
        (BLAIR, "en"),
        (MICROSOFT, "en"),
        (BROWN, "en"),
        (POLICE, "en"),
    ],
)
def test_spans_index_the_stored_text_and_are_unique(annotator, text, language):
    found = Found(annotator, text, language)
    assert found.quotes
    for quote in found.quotes:
        assert quote.start < quote.end <= len(text)
        assert text[quote.start : quote.end] == quote.text
        assert quote.text == quote.text.strip()
        if quote.kind != "reported":  # a reported clause may end on a fragment's closing mark
            assert quote.text[0] not in '«»"“”' and quote.text[-1] not in '«»"“”,'
        assert quote.kind in ("direct", "fragment", "reported")
        assert quote.speaker_group is None or 0 <= quote.speaker_group < len(found.annotation.groups)
    spans = [(q.start, q.end) for q in found.quotes]
    assert len(spans) == len(set(spans)) and spans == sorted(spans)


def test_apostrophes_are_not_quotes(annotator):
    text = "L’État n’a pas tenu ses promesses aujourd’hui, et les ministres’ collaborateurs l’ont reconnu.\n"
    assert Found(annotator, text, "fr").quotes == []
    text = "The ministers' advisers don't think it's over, and Mr Brown's team agrees.\n"
    assert Found(annotator, text, "en").quotes == []


def test_a_language_without_word_lists_gets_quotes_without_speakers(annotator):
    text = "El ministro dijo: «Vamos a ganar las elecciones del próximo año con una mayoría clara».\n"
    found = Found(annotator, text, "en")  # the English model, but the Spanish word lists do not exist
    quotes = find_quotes(found.doc, text, found.annotation.mentions, found.annotation.groups, [], "es", len(text))
    assert [(q.kind, q.speaker_group) for q in quotes] == [("direct", None)]


def test_seconds_and_inches_marks_are_not_quotes(annotator):
    text = (
        "Abraham Olano s'est imposé avec 41 \" d'avance sur Melchior Mauri et 1'03 \" sur Uwe Peschel.\n"
        "Alex Zulle a concédé 2'24\". Puis les Suisses : 15. Zulle à 2'24 \".\n"
    )
    assert Found(annotator, text, "fr").quotes == []


def test_an_unclosed_quote_keeps_a_quote_opened_inside_its_sentence(annotator):
    text = (
        "Le producteur David Wehren a pris contact avec la chanteuse en 2007 : « Comme beaucoup de monde, je"
        " l’avais vue dans l’émission « Nouvelle Star », et je m’étais dit : « Il faut absolument que je la"
        " rencontre ».\n"
    )
    found = Found(annotator, text, "fr")
    # No speech verb, but the colon hands the quote to the subject of the sentence.
    quote = check(found, "Comme beaucoup de monde", "direct", "David Wehren", cue="")
    # The mark closing the inner quote at the end of the sentence closes the outer one with it.
    assert quote.text.endswith("Il faut absolument que je la rencontre")
    assert found.none_starting("Nouvelle Star") and found.none_starting("Il faut absolument")


def test_a_verb_before_a_colon_belongs_to_the_next_quote(annotator):
    text = (
        "La chanteuse Cindy Santos a passé cinq jours en studio à New York avec le producteur David Wehren.\n"
        "« Des contacts ont déjà été pris avec plusieurs maisons de disques », assure David Wehren. Cindy Santos"
        " déclare pour sa part : « Je suis beaucoup plus sûre de moi. »\n"
        "« Elle est retombée dans l’ombre », Cindy Santos déclare aujourd’hui : « Il faut croire en son destin. »\n"
    )
    found = Found(annotator, text, "fr")
    check(found, "Des contacts ont déjà été pris", "direct", "David Wehren", cue="assure")
    check(found, "Je suis beaucoup plus sûre de moi", "direct", "Cindy Santos", cue="déclare")
    check(found, "Il faut croire en son destin", "direct", "Cindy Santos", cue="déclare")
    assert found.starting("Elle est retombée").cue == "", found.summary()


# ----------------------------------------------------------------------------------------------
# The subject of the cue, not any name near the quote; nobody's words are no quote
# ----------------------------------------------------------------------------------------------


def test_it_gives_a_quote_naming_a_person_to_the_ministry_that_said_it(annotator):
    text = (
        "« Nous avons reçu Jean Martin hier et il nous a remis son rapport », a indiqué le ministère de la Santé"
        " dans un communiqué.\n"
    )
    quote = check(Found(annotator, text, "fr"), "Nous avons reçu Jean Martin", "direct", "ministère de la Santé")
    assert quote.confidence >= 0.8


def test_it_never_takes_the_interviewers_outlet_for_the_speaker(annotator):
    text = (
        "Anna Wright is the Labour MP for Northfield.\n"
        'Speaking to BBC Radio 4\'s Today programme, the MP was blunt: "We will not raise taxes this year."\n'
    )
    check(Found(annotator, text, "en"), "We will not raise taxes", "direct", "Anna Wright")


def test_it_gives_the_title_holder_not_the_club_or_the_client_named_before_the_title(annotator):
    text = (
        '"We were unlucky today," said Rovers manager Tom Reed.\n'
        '"We deny any wrongdoing," said Smith\'s lawyer, Jane Cole.\n'
    )
    found = Found(annotator, text, "en")
    check(found, "We were unlucky today", "direct", "Tom Reed", cue="said")
    check(found, "We deny any wrongdoing", "direct", "Jane Cole", cue="said")


def test_it_gives_a_source_introduced_by_a_title_to_the_person_holding_it(annotator):
    text = (
        "D'après le patron de la banque Crédit Rural, Paul Lenoir, l'établissement a « perdu la confiance de ses"
        " clients ».\n"
    )
    check(Found(annotator, text, "fr"), "perdu la confiance", "fragment", "Paul Lenoir", cue="D'après")


def test_it_follows_two_councillors_taking_turns_in_a_debate(annotator):
    # Each pronoun and each surname goes to its own councillor, never to the other one.
    text = (
        'Councillor Tom Baker said the plan had been rushed through. "We have not even seen the figures," he said.\n'
        'Councillor Sarah Hill disagreed. "The figures were published in March," she said. "This is a delaying'
        ' tactic."\n'
        'Mr Baker replied: "Then publish them again."\n'
    )
    found = Found(annotator, text, "en")
    check(found, "We have not even seen", "direct", "Tom Baker")
    check(found, "The figures were published", "direct", "Councillor Sarah Hill")
    check(found, "This is a delaying tactic", "direct", "Councillor Sarah Hill")
    check(found, "Then publish them again", "direct", "Tom Baker", cue="replied")


def test_it_gives_a_statement_with_no_cue_to_the_speaker_of_the_sentence_before(annotator):
    text = (
        'Attackers have targeted several banks this week, analyst Rick Stone said. "The volume of attacks is high."\n'
    )
    quote = check(Found(annotator, text, "en"), "The volume of attacks", "direct", "Rick Stone", cue="")
    assert quote.confidence < 0.7  # carried over from a neighbouring sentence: less sure than a cue of its own


def test_it_reads_past_a_title_set_beside_the_name(annotator):
    text = (
        '"We did everything we could for the tenants," Sarah Lee, director of the Northfield Foundation for'
        " Tenants and Housing Rights, said by telephone.\n"
    )
    check(Found(annotator, text, "en"), "We did everything", "direct", "Sarah Lee", cue="said")


def test_a_title_no_one_holds_goes_to_the_subject_of_the_sentence_before_not_to_the_latest_name(annotator):
    text = (
        "Paul Durand a demandé lundi à Claire Martin un nouveau rapport sur les transports.\n"
        "Le président a souhaité que ce rapport « soit remis avant l'été et rendu public ».\n"
    )
    quote = check(Found(annotator, text, "fr"), "soit remis avant", "fragment", "Paul Durand", role="Le président")
    assert quote.confidence <= 0.6


def test_a_pronoun_after_a_speaker_the_model_did_not_take_for_a_person_stays_unattributed(annotator):
    text = (
        "The minister, Paul Grant, visited the camp on Monday.\n"
        'Al-Tahir Ousmane, spokesman for the army, said the border was calm. "Nothing happened on our side," he'
        " said.\n"
    )
    found = Found(annotator, text, "en")
    assert found.speaker(found.starting("Nothing happened")) != "Paul Grant", found.summary()


def test_a_seat_of_government_that_speaks_is_the_speaker(annotator):
    text = (
        "« La visite est reportée », a annoncé l'Élysée dans un communiqué.\n"
        "« Nous sommes prêts », a déclaré à Paris le président du club.\n"
    )
    found = Found(annotator, text, "fr")
    check(found, "La visite est reportée", "direct", "Élysée", cue="a annoncé")
    check(found, "Nous sommes prêts", "direct", None)  # "à Paris" is where, not who


def test_scare_quotes_nicknames_charges_and_titles_of_works_are_not_quotes(annotator):
    french = (
        "Les « gilets » du club ont été lavés avant le match.\n"
        "Les supporters se retrouvent au « Nid » chaque soir.\n"
        "Il a été mis en examen pour « abus de biens sociaux ».\n"
        "Le roman « La Nuit des longs couteaux » sort en mai.\n"
        "Le maire a jugé la situation « préoccupante ».\n"
    )
    found = Found(annotator, french, "fr")
    assert [q.text for q in found.quotes] == ["préoccupante"], found.summary()
    english = (
        'The company\'s "middle office" handles the trades.\n'
        'The book "A Long Way Home" was published in May.\n'
        'He was charged with "causing death by dangerous driving".\n'
        'The mayor described the situation as "worrying".\n'
    )
    found = Found(annotator, english, "en")
    assert [q.text for q in found.quotes] == ["worrying"], found.summary()


def test_a_quote_after_a_colon_never_goes_to_the_name_opening_the_next_sentence(annotator):
    text = (
        'The head of the hospital board and the mayor met on Friday. The Bishop of Wellford said: "I am pleased'
        ' that both sides have agreed." Tom Hardy said he was "delighted" for the town.\n'
    )
    found = Found(annotator, text, "en")
    assert found.speaker(found.starting("I am pleased")) != "Tom Hardy", found.summary()
    check(found, "delighted", "fragment", "Tom Hardy", cue="said")


def test_two_people_saying_something_together_give_no_single_speaker(annotator):
    found = Found(annotator, 'Lisa Grant and Mark Peel said they were "very happy" with the result.\n', "en")
    assert [(q.text, q.speaker_group) for q in found.quotes] == [("very happy", None)], found.summary()


def test_the_agent_of_a_passive_is_not_the_subject_of_the_cue(annotator):
    text = "Des commerçants reçus mardi par le maire Jean Roche ont jugé la mesure « injuste ».\n"
    check(Found(annotator, text, "fr"), "injuste", "fragment", None, cue="ont jugé")


def test_a_lowercase_title_before_the_name_after_said(annotator):
    check(
        Found(annotator, '"We expect a decision soon," said director Helen Park.\n', "en"),
        "We expect a decision",
        "direct",
        "Helen Park",
        cue="said",
    )


def test_a_pronoun_goes_to_the_subject_of_the_sentence_before_not_to_a_name_after_its_verb(annotator):
    text = (
        "Les enfants avaient été choisis par Paul Andrieu, le chorégraphe, a expliqué Marc Vidal, directeur de la"
        " troupe.\nIls étaient « très naturels et très motivés », a-t-il déclaré au journal local.\n"
    )
    check(Found(annotator, text, "fr"), "très naturels", "fragment", "Marc Vidal", cue="a-t-il déclaré")


def test_the_team_a_speaker_travels_with_is_not_the_speaker(annotator):
    text = (
        "Jean Lebrun, en stage à Vichy avec l'équipe Vélo Club Nord, regrette que les sponsors se détournent.\n"
        "« Pendant ce temps, on ne parle pas des jeunes coureurs. »\n"
    )
    found = Found(annotator, text, "fr")
    assert "Vélo Club Nord" not in {found.speaker(q) for q in found.quotes}, found.summary()
    check(found, "Pendant ce temps", "direct", "Jean Lebrun", cue="")


def test_elle_after_an_association_speaking_is_not_the_woman_named_before(annotator):
    text = (
        "La présidente du collectif, Sophie Marchal, a saisi le tribunal.\n"
        "L'association a expliqué dans un communiqué qu'elle n'avait pas « les moyens matériels de s'associer »"
        " aux recours mais qu'elle soutenait ces démarches.\n"
    )
    found = Found(annotator, text, "fr")
    assert found.speaker(found.starting("les moyens matériels")) != "Sophie Marchal", found.summary()


def test_a_sentence_about_he_does_not_make_the_name_in_it_the_antecedent(annotator):
    text = (
        "Tom Avery is best known for his novels. He also directed Anna Kern's short film, which won an award in"
        ' 1994. In an interview he said he had always loved the theatre. "Being asked to direct this play is a'
        ' privilege," he said.\n'
    )
    check(Found(annotator, text, "en"), "Being asked to direct", "direct", "Tom Avery", cue="said")


def test_she_after_a_speaker_the_text_does_not_name_is_not_the_person_named_before(annotator):
    text = (
        'Governor Mark Dale said 14,000 people had fled. "I want to go home but I am scared," said a fisherman\'s'
        ' wife, who fled with her children. "Two of my children are sick," she said.\n'
    )
    check(Found(annotator, text, "en"), "Two of my children", "direct", None, cue="said")


def test_a_spokesman_stating_is_the_spokesman_not_the_politician_before(annotator):
    text = (
        'Obama said he opposed the rule, with a spokesman stating: "The senator will fight to keep the protections."\n'
    )
    check(Found(annotator, text, "en"), "The senator will fight", "direct", None, cue="stating", role="a spokesman")


def test_a_speaker_with_a_title_and_an_organisation_set_beside_the_name(annotator):
    text = (
        "Dana Rowe, vice president for advocacy at the conservation group, Green Trust, agreed with the decision."
        ' "We are gratified by the ruling."\n'
    )
    check(Found(annotator, text, "en"), "We are gratified", "direct", "Dana Rowe")


def test_a_participle_object_is_not_its_speaker(annotator):
    text = (
        "Le député Paul Roux, président de la commission, a répondu mardi.\n"
        "Le parti a choisi l'attaque, en accusant le président de la commission d'« amateurisme ».\n"
    )
    found = Found(annotator, text, "fr")
    assert found.speaker(found.starting("amateurisme")) != "Paul Roux", found.summary()


def test_a_newspaper_named_in_quotation_marks_is_not_a_quote(annotator):
    text = "Marie Caron, la présidente du club, a confirmé dans « Le Courrier » que le stade serait rénové.\n"
    found = Found(annotator, text, "fr")
    assert found.none_starting("Le Courrier"), found.summary()


def test_a_party_after_a_title_qualifies_the_title(annotator):
    text = "« Il faut un signal fort », a estimé le maire PS, en soulignant que « la place restera piétonne ».\n"
    found = Found(annotator, text, "fr")
    assert found.speaker(found.starting("la place restera")) is None, found.summary()


# ----------------------------------------------------------------------------------------------
# Descriptions, titles followed by a name, appositions
# ----------------------------------------------------------------------------------------------


def test_one_closing_mark_closes_a_quote_and_the_quote_inside_it(annotator):
    text = (
        "Le metteur en scène Paul Girard se souvient de sa première pièce : « Mon professeur m'avait dit :"
        " « Tu n'y arriveras jamais ». Mais Claire Morel, la directrice du théâtre, voulait le spectacle."
        " « C'est une œuvre rare », affirme Claire Morel.\n"
    )
    found = Found(annotator, text, "fr")
    quote = check(found, "Mon professeur m'avait dit", "direct", "Paul Girard")
    assert quote.text.endswith("Tu n'y arriveras jamais"), found.summary()
    check(found, "C'est une œuvre rare", "direct", "Claire Morel", cue="affirme")


def test_a_describing_noun_after_the_cue_is_the_person_the_article_is_about(annotator):
    text = (
        "Organiste à la cathédrale depuis trente ans, Marc Rivière prendra sa retraite en juin.\n"
        "« J'ai appris la musique dans une petite église de village », explique le musicien. Il joue encore"
        " chaque dimanche.\n"
    )
    quote = check(Found(annotator, text, "fr"), "J'ai appris la musique", "direct", "Marc Rivière", cue="explique")
    assert quote.speaker_role == "le musicien" and quote.confidence <= 0.6


def test_a_feminine_description_is_never_the_man_named_before(annotator):
    text = (
        "La chanteuse Léa Fontaine a enregistré son album à Montréal avec le producteur Hugo Marchand.\n"
        "Hugo Marchand lui a proposé de rester un mois de plus.\n"
        "« Tout était nouveau pour moi », raconte la chanteuse.\n"
    )
    check(Found(annotator, text, "fr"), "Tout était nouveau", "direct", "Léa Fontaine", role="la chanteuse")


def test_a_nationality_taken_for_a_name_is_not_the_speaker(annotator):
    text = (
        "Coach Pierre Lemaire has agreed a new two-year deal with the club.\n"
        'The 51-year-old Frenchman told the club\'s website: "I am very happy here and want to win more."\n'
    )
    check(Found(annotator, text, "en"), "I am very happy here", "direct", "Pierre Lemaire", cue="told")


def test_a_title_followed_by_the_name_is_that_person(annotator):
    text = (
        "Anna Roux chantait alors dans les bars de Lyon.\n"
        "En 2019, le directeur et fondateur suisse Marc Keller prend contact avec elle : « Je l'avais vue à la"
        " télévision et j'ai tout de suite voulu travailler avec elle. »\n"
    )
    check(Found(annotator, text, "fr"), "Je l'avais vue", "direct", "Marc Keller", cue="")


def test_an_inverted_subject_with_a_name_set_beside_it(annotator):
    text = (
        "La chanteuse Léa Fontaine sortira un nouvel album en mai.\n"
        "« Les contacts avec les maisons de disques sont très bons », répond son agent, l'avocat parisien Henri"
        " Vasseur.\n"
    )
    check(Found(annotator, text, "fr"), "Les contacts avec", "direct", "Henri Vasseur", cue="répond")


def test_a_source_after_selon_with_a_name_set_beside_its_title(annotator):
    text = (
        "Les deux dirigeants ont évoqué « des questions économiques », selon le représentant de la fondation en"
        " Europe, Karl Weber, qui a assisté à la réunion.\n"
    )
    check(Found(annotator, text, "fr"), "des questions économiques", "fragment", "Karl Weber", cue="selon")


def test_a_title_with_no_holder_goes_to_no_one_when_subject_and_latest_speaker_differ(annotator):
    text = (
        "Jean Morel, condamné en 1998, juge sévèrement l'affaire.\n"
        "« Il a dû avoir très peur », raconte Jean Morel.\n"
        "Paul Vidal, qui serait à l'origine de la fraude, reste introuvable.\n"
        "« Son avenir est incertain », commente l'ancien ministre.\n"
    )
    # The sentence before is about one man, the latest quote is another's: the title may be either.
    found = Found(annotator, text, "fr").with_roles()
    check(found, "Son avenir est incertain", "direct", None, cue="commente", role="l'ancien ministre")


# ----------------------------------------------------------------------------------------------
# Pronouns after descriptions, coordinated clauses, relatives, sources
# ----------------------------------------------------------------------------------------------


def test_a_pronoun_after_a_sentence_about_a_title_is_that_titles_holder(annotator):
    text = (
        "Conservative leader Tom Hale attacked the budget on Wednesday.\n"
        "Peter Grant said the plan was sound and that Mr Hale had not read it.\n"
        'The Conservative leader countered that the figures were wrong. He declared: "This budget will not'
        ' survive the summer."\n'
    )
    check(Found(annotator, text, "en"), "This budget will not survive", "direct", "Tom Hale", cue="declared")


def test_a_pronoun_after_an_unnamed_spokeswoman_is_hers_not_the_ministers(annotator):
    text = (
        "Minister Tom Hale defended the cuts on Monday.\n"
        'But a ministry spokeswoman insisted Mr Hale had been misquoted. "He was talking about next year,"'
        " she said.\n"
    )
    check(Found(annotator, text, "en"), "He was talking about next year", "direct", None, cue="said")


def test_and_between_two_clauses_does_not_make_two_speakers(annotator):
    text = 'Rovers beat City 2-0 at Meadow Park on Saturday and Tom Reed said: "We deserved the win."\n'
    check(Found(annotator, text, "en"), "We deserved the win", "direct", "Tom Reed", cue="said")


def test_a_short_name_in_brackets_between_subject_and_verb(annotator):
    text = 'The Northfield Chamber of Commerce (NCC) said it was "deeply worried" by the plan to close the market.\n'
    found = Found(annotator, text, "en")
    assert found.speaker(found.starting("deeply worried")) == "Northfield Chamber of Commerce", found.summary()


def test_a_relative_pronoun_speaks_for_the_noun_before_it(annotator):
    text = (
        "La réforme a été vivement critiquée par le Syndicat national des professeurs qui l'a qualifiée de"
        " « recul historique ».\n"
    )
    check(Found(annotator, text, "fr"), "recul historique", "fragment", "Syndicat national des professeurs")


def test_a_speech_verb_coordinated_with_the_first_clause_shares_its_subject(annotator):
    text = "Marie Dupuis a défendu le « contrat moral » passé avec les élus, et a exhorté les maires à agir vite.\n"
    check(Found(annotator, text, "fr"), "contrat moral", "fragment", "Marie Dupuis", cue="a exhorté")
    text = 'Peter Grant said he would ignore the polls and promised to campaign "until the very last day".\n'
    check(Found(annotator, text, "en"), "until the very last day", "fragment", "Peter Grant", cue="promised")


def test_a_speech_verb_before_the_quote_outranks_a_source_after_it(annotator):
    text = (
        "Le ministre Paul Roux a affirmé qu'il « soutenait pleinement » le projet, selon un enregistrement"
        " obtenu par l'Agence France-Presse.\n"
    )
    check(Found(annotator, text, "fr"), "soutenait pleinement", "fragment", "Paul Roux")


def test_a_name_opening_the_reported_clause_is_not_the_speaker(annotator):
    text = (
        'The council has insisted Mr Tom Hale was speaking about adults and his words were "a simple'
        ' statement of fact".\n'
    )
    found = Found(annotator, text, "en")
    assert found.speaker(found.starting("a simple statement of fact")) != "Tom Hale", found.summary()


def test_a_participle_describing_something_does_not_stop_a_speaker_going_on(annotator):
    text = (
        "« J'ai appris le piano à six ans », raconte Marc Rivière. « Puis l'orgue est venu. »"
        " Sa carrière lancée, il part enseigner à Montréal. « Là-bas, j'ai tout appris du métier. »\n"
    )
    check(Found(annotator, text, "fr"), "Là-bas, j'ai tout appris", "direct", "Marc Rivière", cue="")


def test_believes_attributes_like_a_speech_verb(annotator):
    text = 'It is a view shared by Sam Hill, who believes "we can still win the league this year".\n'
    check(Found(annotator, text, "en"), "we can still win", "direct", "Sam Hill", cue="believes")


def test_a_participle_after_a_cue_shares_its_speaker(annotator):
    text = (
        "Le ministre Paul Roux a reçu les banquiers mardi.\n"
        "« Chacun doit prendre ses responsabilités », a-t-il souligné, estimant que « ce n'est pas encore le"
        " cas partout ».\n"
    )
    check(Found(annotator, text, "fr"), "ce n'est pas encore le cas", "direct", "Paul Roux", cue="estimant")


def test_a_closing_mark_with_no_opening_one_quotes_the_paragraph_before_it(annotator):
    text = (
        "Le ministre Paul Roux a reçu les banquiers mardi.\n"
        "Prenez vos responsabilités dès aujourd'hui\", a-t-il ajouté.\n"
    )
    quote = check(Found(annotator, text, "fr"), "Prenez vos responsabilités", "direct", "Paul Roux")
    assert quote.text == "Prenez vos responsabilités dès aujourd'hui"


def test_an_age_standing_for_the_person(annotator):
    text = (
        "Actor Tom Avery has been cast as the new detective in the long-running series.\n"
        'In a statement, the 55-year-old said: "Being asked to play this part is a real privilege."\n'
    )
    check(Found(annotator, text, "en"), "Being asked to play", "direct", "Tom Avery", cue="said")


def test_a_title_with_an_award_in_it_after_the_cue(annotator):
    text = (
        "Film star Tom Avery was in London on Sunday for the premiere of his new film.\n"
        'The film is based on a book which tells the story of a lighthouse keeper. "Christmas is a special'
        ' time," added the two-time Golden Globe winner.\n'
    )
    check(Found(annotator, text, "en"), "Christmas is a special time", "direct", "Tom Avery", cue="added")


def test_a_country_speaking_is_not_taken_for_an_inhabitant(annotator):
    text = (
        "Le ministre Paul Roux s'est rendu à Kiev.\n« Nous ne céderons pas », a averti l'Ukraine dans un communiqué.\n"
    )
    check(Found(annotator, text, "fr"), "Nous ne céderons pas", "direct", "Ukraine", cue="a averti")


def test_a_seconds_mark_before_a_comma_does_not_open_a_quote_at_the_line_start(annotator):
    text = "Puis les Suisses : 15. Alex Zulle a terminé à 2'24 \", 16. Oscar Camenzind à 2'43 \".\n"
    assert Found(annotator, text, "fr").quotes == []


def test_a_title_the_sentence_before_gives_someone_else_is_not_its_subject(annotator):
    text = 'Tom Hale met the Prime Minister on Monday. "We agreed on everything," the Prime Minister said.\n'
    check(Found(annotator, text, "en").with_roles(), "We agreed on everything", "direct", None, cue="said")
    text = (
        "Le septuple vainqueur du Tour, Marc Vidal, a annoncé son retour.\n"
        "« Je n'ai jamais cessé de m'entraîner », a déclaré le septuple vainqueur du Tour.\n"
    )
    check(Found(annotator, text, "fr").with_roles(), "Je n'ai jamais cessé", "direct", "Marc Vidal")
    # A title the verb gives the subject is the subject's own.
    text = (
        "Marc Vidal a été nommé ministre de la Culture mardi.\n"
        "« Je servirai tous les artistes », a déclaré le ministre.\n"
    )
    check(Found(annotator, text, "fr").with_roles(), "Je servirai tous les artistes", "direct", "Marc Vidal")


def test_calling_on_someone_speaks_but_a_name_given_does_not(annotator):
    text = "Marie Dupuis a appelé les maires à « agir sans attendre ».\n"
    check(Found(annotator, text, "fr"), "agir sans attendre", "fragment", "Marie Dupuis", cue="a appelé")
    text = "Les habitants du quartier craignent depuis des mois un homme appelé « le boucher ».\n"
    assert Found(annotator, text, "fr").quotes == []


def test_a_long_run_of_pronoun_speakers_is_read_without_going_back_through_each_one(annotator):
    text = "Paul Roux est arrivé à Lyon.\n" + "Il nous a dit que tout allait bien. " * 600 + "« Fin », a-t-il ajouté.\n"
    check(Found(annotator, text, "fr"), "Fin", "direct", "Paul Roux", cue="a-t-il ajouté")


def test_a_feminine_determiner_tells_the_gender_of_a_title_with_one_form(annotator):
    # "ministre" is one word for both: « la ministre » is a woman whatever the tagger says of the noun.
    text = (
        "La ministre de la Santé, Claire Morel, a présenté son plan mardi. Mme Morel veut aller vite.\n"
        "La ministre a précisé que \"les hôpitaux recevront des moyens nouveaux\".\n"
    )
    check(Found(annotator, text, "fr"), "les hôpitaux recevront", "direct", "Claire Morel", cue="a précisé")


def test_more_french_speech_verbs_attribute_their_quote(annotator):
    text = (
        "« La récolte sera maigre cette année », renchérit Paul Garnier, agriculteur à Dijon.\n"
        "« Il pleuvra tout l'été », prédit Lucie Perrin.\n"
    )
    found = Found(annotator, text, "fr")
    check(found, "La récolte sera maigre", "direct", "Paul Garnier", cue="renchérit")
    check(found, "Il pleuvra tout l'été", "direct", "Lucie Perrin", cue="prédit")


def test_a_seat_of_government_before_a_reflexive_speech_verb_speaks(annotator):
    text = "Après le vote de l'assemblée, le Kremlin s'est déclaré « confiant » lundi.\n"
    check(Found(annotator, text, "fr"), "confiant", "fragment", "Kremlin", cue="s'est déclaré")


def test_an_inverted_subject_after_the_medium_it_spoke_on(annotator):
    text = (
        "Les petites entreprises souffrent déjà.\n"
        "« Nous sommes très inquiets », a dit mercredi sur une radio Jean Dupont, le président du syndicat.\n"
    )
    check(Found(annotator, text, "fr"), "Nous sommes très inquiets", "direct", "Jean Dupont", cue="a dit")
    # The person the speech is addressed to is not its speaker.
    text = "« Nous sommes très inquiets », a dit à Jean Dupont une habitante.\n"
    check(Found(annotator, text, "fr"), "Nous sommes très inquiets", "direct", None)


def test_a_shorter_role_given_later_holds_a_title_only_if_no_one_else_is_spoken_of(annotator):
    text = (
        "Paul Marchand a inauguré samedi le nouveau port de Brest.\n"
        "Devant les élus, le président de la République a indiqué : « Ce chantier fera date. »\n"
        "« Je remercie le président Li Wen pour les grues livrées à temps », a ajouté Paul Marchand.\n"
    )
    check(Found(annotator, text, "fr"), "Ce chantier fera date", "direct", "Paul Marchand")


def test_a_sentence_after_a_quote_reporting_a_clause_of_its_own_does_not_take_the_quote(annotator):
    text = (
        'Mr Hale said that sales of the bike had doubled since March. "We want one in every garage."'
        " Acme said the market would keep growing.\n"
    )
    check(Found(annotator, text, "en"), "We want one in every garage", "direct", "Hale")
    # With no one named as speaking before it, the next sentence's speaker is only a guess.
    text = '"We will open ten shops." Jane Roe said the firm would hire more staff next year.\n'
    quote = check(Found(annotator, text, "en"), "We will open ten shops", "direct", "Jane Roe")
    assert quote.confidence < 0.7


def test_an_organisation_before_a_possessive_only_qualifies_the_person_named_after(annotator):
    text = (
        "Kestrel Labs, a bank in Leeds, has cut its forecast for house prices. "
        '"Prices will fall by a tenth next year," said the company\'s senior economic adviser Paul Hart.\n'
    )
    check(Found(annotator, text, "en"), "Prices will fall by a tenth", "direct", "Paul Hart", cue="said")


def test_a_long_relative_clause_between_the_subject_and_its_verb(annotator):
    text = (
        "Jane Roe, who has coached the team since it was promoted from the second division in 2001, said the"
        ' result was "a complete surprise".\n'
    )
    check(Found(annotator, text, "en"), "a complete surprise", "fragment", "Jane Roe", cue="said")


def test_she_is_no_one_when_the_subject_and_a_woman_named_lower_could_both_be_her(annotator):
    text = (
        "Sam Reed won the singles final in Leeds on Sunday, beating actress Ann Vale in three sets. "
        '"I never expected this," she told the crowd.\n'
    )
    check(Found(annotator, text, "en"), "I never expected this", "direct", None, cue="told")


def test_it_is_no_one_when_someone_else_spoke_since_the_organisation_was_named(annotator):
    text = (
        "Microworks opened two stores in Glasgow on Tuesday.\n"
        '"We sold out of bread by noon," said Ferrox. It also said it was "ending its delivery service".\n'
    )
    check(Found(annotator, text, "en"), "ending its delivery service", "fragment", None)


def test_with_a_name_before_a_participle_that_name_speaks(annotator):
    text = (
        "Unions are angry about the pay offer, with Tom Lane claiming it was "
        '"a betrayal of every worker".\n'
    )
    check(Found(annotator, text, "en"), "a betrayal of every worker", "fragment", "Tom Lane")


def test_a_long_list_of_charges_is_not_a_quote(annotator):
    text = (
        "Le parquet a ouvert une enquête après une plainte contre X déposée mardi au nom d'un petit actionnaire"
        " pour « abus de biens sociaux, faux en écriture, blanchiment, corruption et recel ».\n"
        "La mairie a porté plainte pour « vol » et « recel de biens publics détournés », a indiqué"
        " son avocat Paul Roux.\n"
    )
    assert [q.text for q in Found(annotator, text, "fr").quotes if q.kind != "reported"] == []


def test_words_between_a_determiner_and_a_noun_are_a_label_not_a_quote(annotator):
    text = (
        "Kestrel Systems makes bicycles in Leeds. Its latest frame was designed by Shimano engineers in Osaka,"
        " giving a \"rugged\" ride beside the \"light\" road models.\n"
    )
    assert Found(annotator, text, "en").quotes == []


def test_a_spokesman_of_the_group_speaks_for_the_company_named_before_not_the_agency_told(annotator):
    text = (
        "Le groupe Crédit Rural fermera son usine de Lyon en mars, a précisé mardi à l'AFP un porte-parole de"
        " l'entreprise.\n"
        "« Aucun salarié ne sera licencié », a assuré un porte-parole du groupe.\n"
    )
    check(Found(annotator, text, "fr"), "Aucun salarié ne sera licencié", "direct", "Crédit Rural")


def test_a_long_apposition_between_the_name_and_its_verb(annotator):
    text = (
        "Me Claire Fabre, avocate de l'ancien directeur financier de la coopérative agricole placé en garde à vue"
        " mardi après la disparition de plusieurs millions d'euros de subventions européennes versées depuis 2004,"
        " a déclaré que son client n'avait « rien caché ».\n"
    )
    check(Found(annotator, text, "fr"), "rien caché", "fragment", "Claire Fabre", cue="a déclaré")


def test_an_impersonal_on_speaks_for_the_institution_quoted_before_or_named_after(annotator):
    text = (
        "Après le vote de l'assemblée, le Kremlin s'est déclaré « confiant ».\n"
        "« Les négociations avancent bien », a-t-on assuré, sans donner plus de détails.\n"
    )
    quote = check(Found(annotator, text, "fr"), "Les négociations avancent bien", "direct", "Kremlin")
    assert quote.confidence < 0.7
    text = "« Rien n'est décidé », dit-on au ministère de l'Agriculture.\n"
    check(Found(annotator, text, "fr"), "Rien n'est décidé", "direct", "ministère de l'Agriculture")
    # "On" with no institution around it is no one.
    text = "Le marché était calme samedi. « Tout va bien », dit-on.\n"
    check(Found(annotator, text, "fr"), "Tout va bien", "direct", None)


def test_the_association_named_only_in_the_next_sentence_is_a_guess(annotator):
    text = (
        "« Ce texte ouvre la porte à tous les abus » dénonce l'association.\n\n"
        "La Fédération des parents d'élèves (FPE) a critiqué mercredi le nouveau fichier.\n"
    )
    quote = check(Found(annotator, text, "fr"), "Ce texte ouvre la porte", "direct", "Fédération des parents d'élèves")
    assert quote.confidence < 0.7
    # No organisation opening the next sentence: no one.
    text = "« On fiche des enfants » dénonce l'association.\n\nLe fichier a été créé mardi.\n"
    check(Found(annotator, text, "fr"), "On fiche des enfants", "direct", None)


def test_a_spokesman_qualified_by_a_word_of_an_organisations_name_speaks_for_it(annotator):
    text = (
        "The Northern Rail Company cut three services on Monday.\n"
        'A company spokesman said: "We apologise to passengers."\n'
    )
    check(Found(annotator, text, "en"), "We apologise to passengers", "direct", "Northern Rail Company")
    text = (
        "The Welsh Assembly debated the drinking bill on Monday.\n"
        'But an Assembly spokeswoman insisted: "The law will apply to adults only."\n'
    )
    quote = check(Found(annotator, text, "en"), "The law will apply", "direct", "Assembly")
    assert quote.speaker_role == "an Assembly spokeswoman"


def test_the_clubs_manager_is_never_the_club_the_entity_model_took_for_a_person(annotator):
    text = 'Chelsea beat Arsenal 2-1 on Saturday.\n"We deserved it," the club\'s manager said.\n'
    check(Found(annotator, text, "en"), "We deserved it", "direct", None, cue="said", role="the club's manager")


def test_an_inverted_subject_after_the_outlet_it_spoke_to(annotator):
    text = "« Nous gagnerons ce vote », a déclaré à France Inter la députée Anne Roux.\n"
    check(Found(annotator, text, "fr"), "Nous gagnerons ce vote", "direct", "Anne Roux", cue="a déclaré")


def test_a_quote_with_no_cue_shares_the_speaker_whose_cue_closes_its_sentence(annotator):
    text = (
        "Mais, « chose rare », le prix du blé va « baisser encore cet hiver », estime Marc Lenoir, meunier.\n"
    )
    found = Found(annotator, text, "fr")
    quote = check(found, "chose rare", "fragment", "Marc Lenoir")
    assert quote.confidence < 0.7
    # Someone else named between the two quotes: no one.
    text = "« Fait rare », selon les chiffres publiés lundi, l'indice a reculé.\n"
    assert all(q.speaker_group is None for q in Found(annotator, text, "fr").quotes)


@pytest.mark.parametrize("surname", ["Woods", "Mills"])
def test_a_surname_the_tagger_reads_as_a_plural_noun_is_still_the_person(annotator, surname):
    text = (
        f"Amy {surname}, a golfer from Cork, won the open in Dublin on Sunday.\n"
        f'Fans cheered her on the final green. {surname} said that the course was "a real test".\n'
    )
    check(Found(annotator, text, "en"), "a real test", "fragment", f"Amy {surname}", cue="said")


def test_a_speech_verb_before_the_quote_outranks_a_new_sentence_after_it(annotator):
    text = (
        "No one was hurt in the fire, said the fire chief, Ann Lowe. Her spokesman, Tom Hale, said,"
        ' "We will rebuild by spring." Ms Lowe said the roof could not be saved.\n'
    )
    check(Found(annotator, text, "en"), "We will rebuild by spring", "direct", "Tom Hale", cue="said")


def test_the_one_asked_to_act_after_a_speech_verb_is_not_its_speaker(annotator):
    text = "Le Portugal, qui juge ce projet de barrage « irréaliste », a exhorté mardi l'Espagne à le retirer.\n"
    found = Found(annotator, text, "fr")
    assert found.speaker(found.starting("irréaliste")) != "Espagne", found.summary()
    text = 'The union, which called the offer "an insult", urged Delta Bank to raise it by Friday.\n'
    found = Found(annotator, text, "en")
    assert found.speaker(found.starting("an insult")) != "Delta Bank", found.summary()


def test_selon_lui_after_the_verb_is_the_subject_of_its_sentence(annotator):
    text = "Marie Duval a salué jeudi Paul Morel, « un homme courageux » selon elle.\n"
    check(Found(annotator, text, "fr"), "un homme courageux", "fragment", "Marie Duval")
    # A subject the text does not name: no one, never the name closest to the pronoun.
    text = "Avec malice, le vieux moine a salué jeudi Paul Morel, « un homme courageux » selon lui.\n"
    check(Found(annotator, text, "fr"), "un homme courageux", "fragment", None)


def test_she_opening_the_sentence_after_a_womans_quote_tells_her_gender(annotator):
    text = (
        '"The lights went out at once," recalled Jo Hart. She said the street stayed dark for an hour.\n'
        'Sergeant Sam Lee arrived ten minutes later. "We closed the road," said Lee.\n'
        '"I was scared for my children," she said.\n'
    )
    check(Found(annotator, text, "en"), "I was scared for my children", "direct", "Jo Hart", cue="said")


def test_a_pronoun_goes_to_a_nearer_sentence_opening_with_a_surname_the_entity_model_missed(annotator):
    text = (
        "Tom Marsh, a volunteer, ran to help the driver.\n"
        '"He was calm and did everything right," said Sergeant Bill Ormond.\n'
        "Marsh was back at his stall the next morning. He had little to add.\n"
        '"Anyone would have done the same," he said.\n'
    )
    found = Found(annotator, text, "en")
    check(found, "Anyone would have done the same", "direct", "Tom Marsh", cue="said")
    # The entity model may miss the surname opening the sentence: it is still the person of that name.
    alone = text.index("Marsh was back")
    found.annotation.mentions = [m for m in found.annotation.mentions if m.start != alone]
    found.quotes = found.run()
    check(found, "Anyone would have done the same", "direct", "Tom Marsh", cue="said")


def test_a_generic_organisation_is_not_the_one_named_before_that_opens_the_next_sentence(annotator):
    text = (
        "The Bakers Union opposes the new opening hours.\n"
        'But the ministry said the change would help "small shops everywhere". Bakers Union head Tom Reed'
        " said it would not.\n"
    )
    check(Found(annotator, text, "en"), "small shops everywhere", "fragment", None)


def test_a_masculine_nationality_noun_is_a_person_not_a_place_speaking(annotator):
    text = "Prié de dire s'il viendrait à Lille, le Belge a répondu : « Je serai prêt. »\n"
    found = Found(annotator, text, "fr")
    assert found.speaker(found.starting("Je serai prêt")) != "Belge", found.summary()


def test_it_is_no_one_when_the_organisation_only_qualifies_a_noun(annotator):
    text = 'Ann Vale was named the Green Party candidate in March. It promised "cheaper buses for every town".\n'
    check(Found(annotator, text, "en"), "cheaper buses for every town", "fragment", None)


def test_a_title_after_a_quote_is_the_inverted_speaker_of_the_sentence_before(annotator):
    text = (
        "Paul Morel a toutes ses chances au prochain Tour, a déclaré mercredi Jean Dufour.\n\n"
        "« Il peut gagner, j'en suis sûr », a dit le manager belge, à Lille.\n"
    )
    check(Found(annotator, text, "fr"), "Il peut gagner", "direct", "Jean Dufour", cue="a dit")


def test_an_inverted_subject_after_the_listener_and_a_title_set_beside_a_name(annotator):
    text = (
        "Le maire de Lille a été entendu mardi par les juges.\n\n"
        "« Il n'a rien à se reprocher », a déclaré à la presse son avocat, Jean Dufour, à la sortie du palais.\n"
    )
    check(Found(annotator, text, "fr"), "Il n'a rien à se reprocher", "direct", "Jean Dufour", cue="a déclaré")


def test_a_fragment_with_no_speech_verb_is_a_guess_for_its_sentences_subject(annotator):
    text = "Lors de la visite, Paul Roux est allé jusqu'à saluer le « soutien sans faille » de la région.\n"
    quote = check(Found(annotator, text, "fr"), "soutien sans faille", "fragment", "Paul Roux")
    assert quote.confidence < 0.7
    text = 'Jamie Stone, who had two nominations this year, paid tribute to the "quiet genius" of his late teacher.\n'
    check(Found(annotator, text, "en"), "quiet genius", "fragment", "Jamie Stone")
    # The subject of a passive undergoes the words; someone else named before the fragment may have said them.
    text = "Paul Roux a été accusé mardi de « trahison caractérisée » par ses anciens associés.\n"
    check(Found(annotator, text, "fr"), "trahison caractérisée", "fragment", None)
    text = "Paul Roux a été accusé mardi de « trahison caractérisée » par Marie Duval.\n"
    check(Found(annotator, text, "fr"), "trahison caractérisée", "fragment", "Marie Duval")
    text = 'Jamie Stone met Anna Bell on Friday and praised the "quiet genius" of her films.\n'
    check(Found(annotator, text, "en"), "quiet genius", "fragment", None)


def test_titles_joined_by_and_before_a_name_qualify_the_person_not_the_organisation(annotator):
    text = (
        "Siemens agreed on Monday to buy a small chip maker.\n\n"
        "Siemens president and chief executive Jane Smith also addressed the deal in a statement, saying that it"
        ' would speed up "a change in how the whole industry builds servers".\n'
    )
    check(Found(annotator, text, "en"), "a change in how", "direct", "Jane Smith", cue="saying")
    text = (
        "Barclays chairman and founder Tom Hale welcomed the results on Friday, saying the bank had"
        ' "turned the corner at last".\n'
    )
    check(Found(annotator, text, "en"), "turned the corner", "fragment", "Tom Hale", cue="saying")


def test_a_verb_coordinated_inside_a_reported_clause_is_not_the_reporters_subjects(annotator):
    text = (
        "Tom Hale told the magazine that the show nearly stopped when Anna Bell saw the empty stage and asked:"
        ' "Where is the band?"\n'
    )
    check(Found(annotator, text, "en"), "Where is the band", "direct", "Anna Bell", cue="asked")
    text = (
        "Paul Roux a raconté que lorsque Marie Duval est arrivée dans la salle, elle a souri et a demandé : "
        "« Où est l'orchestre ? »\n"
    )
    found = Found(annotator, text, "fr")
    assert found.speaker(found.starting("Où est l'orchestre")) != "Paul Roux", found.summary()


def test_a_description_is_not_the_person_named_as_someone_of_theirs(annotator):
    text = (
        "The actor's friend Tom Hale told a magazine about the shoot.\n\n"
        'The actor refused at first, throwing the script away and saying: "I will not play another gangster."\n'
    )
    check(Found(annotator, text, "en"), "I will not play", "direct", None)
    text = (
        "The singer's manager Tom Hale spoke to reporters on Monday about the tour.\n\n"
        'The singer cancelled two dates, saying: "My voice needs a rest."\n'
    )
    check(Found(annotator, text, "en"), "My voice needs", "direct", None)


def test_quotes_run_together_after_an_attributed_one_go_on_with_its_speaker_not_the_next_cue(annotator):
    text = (
        "Industry chairman Paul Grant opened the conference in London on Tuesday.\n\n"
        '"On the positive side sales are growing," said Anna Bell, head of the trade body. "However, piracy is'
        ' still hurting the smaller labels. "The real test comes next year," added Paul Grant.\n'
    )
    found = Found(annotator, text, "en")
    check(found, "However, piracy", "direct", "Anna Bell")
    check(found, "The real test", "direct", "Paul Grant", cue="added")


def test_the_subject_of_a_passive_sentence_before_a_colon_does_not_speak(annotator):
    # Not a speech verb: before, the colon gave the quote to the one the sentence is about.
    text = (
        "Le projet de loi a été présenté lundi.\n\n"
        "Paul Roux a été ironiquement renvoyé dans les cordes dimanche par sa collègue de la Santé, Marie Duval :"
        " « Je suis surprise qu'il découvre le texte maintenant. »\n"
    )
    quote = check(Found(annotator, text, "fr"), "Je suis surprise", "direct", None)
    assert quote.evidence == "" and quote.confidence is None
    agent = text.replace("par sa collègue de la Santé, Marie Duval", "par Marie Duval")
    quote = check(Found(annotator, agent, "fr"), "Je suis surprise", "direct", "Marie Duval")
    assert quote.evidence == "passive agent"
    # A copula is no passive: "a été plus direct" still hands the quote to its subject.
    copula = "Le projet de loi a été présenté lundi.\n\nPaul Roux a été plus direct : « Ce texte ne passera pas. »\n"
    assert check(Found(annotator, copula, "fr"), "Ce texte", "direct", "Paul Roux").evidence == "colon"


def test_a_colon_goes_to_the_subject_of_its_own_clause_not_a_pronoun_cue_of_an_earlier_clause(annotator):
    text = (
        "Jean Martin a annoncé son retour à la compétition en septembre.\n\nMêmes règles pour tous\n\n"
        "Interrogé sur ses propos de mars, quand il avait rappelé l'égalité des règles, Paul Roux est resté sur la"
        " même ligne : « Les règles valent pour tout le monde. »\n"
    )
    check(Found(annotator, text, "fr"), "Les règles valent", "direct", "Paul Roux")
    text = (
        "Jean Martin announced his return in September.\n\n"
        'Asked about his remarks in March, when he had recalled the rules, Tom Hale stood firm: "The rules apply to'
        ' everyone."\n'
    )
    check(Found(annotator, text, "en"), "The rules apply", "direct", "Tom Hale")


def test_a_participle_opening_a_paragraph_taken_for_a_name_is_no_one(annotator):
    text = (
        "Jean Martin a annoncé son retour à la compétition en septembre.\n\nMêmes règles pour tous\n\n"
        "Interrogé sur ses propos de mars, quand il avait rappelé l'égalité des règles, Paul Roux a souri.\n\n"
        "« Les règles valent pour tout le monde », a-t-il ajouté.\n"
    )
    found = Found(annotator, text, "fr")
    assert "Interrogé" not in {found.speaker(q) for q in found.quotes}, found.summary()


def test_an_abbreviated_title_run_into_a_name_gives_the_person_after_it(annotator):
    for place, person in (("Springfield", "Tom Hale"), ("Bloomington", "Anna Bell")):
        text = (
            "A woman was hit by a car on Friday.\n\n"
            f'"The driver refused to stop and drove away," said {place} Police Sgt. {person}.\n'
        )
        quote = check(Found(annotator, text, "en"), "The driver refused", "direct", person, cue="said")
        assert quote.evidence == "name"


def test_each_speaker_says_how_it_was_found(annotator):
    text = (
        "Anna Bell runs the trade body.\n\n"
        '"Sales are growing," said Anna Bell. "Piracy still hurts the smaller labels."\n\n'
        '"We will see next year," she said.\n'
    )
    found = Found(annotator, text, "en")
    assert [(found.speaker(q), q.evidence) for q in found.quotes] == [
        ("Anna Bell", "name"),
        ("Anna Bell", "previous quote"),
        ("Anna Bell", "pronoun"),
    ], found.summary()


def test_a_broadcast_caption_before_a_colon_names_the_person_before_its_slash(annotator):
    for person, client in (("Tom Hale", "Ray Burns"), ("Anna Bell", "Carl Moss")):
        text = (
            f"The trial of {client} opened on Monday in the county court.\n\n"
            f"The prosecution says {client} fired the shot but {client} had a smaller gun "
            f"{person}/{client.split()[1]} ' Attorney: \"I'm not going to comment while we are proceeding.\"\n"
        )
        quote = check(Found(annotator, text, "en"), "I'm not going to comment", "direct", person)
        assert quote.evidence == "colon"


def test_selon_set_inside_a_closed_quote_names_its_speaker(annotator):
    text = (
        "Claire Morel conteste le projet depuis des mois. Le texte ne dit rien des mineurs.\n"
        "« Le gouvernement, selon Morel, porte atteinte aux libertés. »\n"
    )
    quote = check(Found(annotator, text, "fr"), "Le gouvernement, selon Morel", "direct", "Claire Morel", cue="selon")
    assert quote.evidence == "name"


def test_selon_inside_a_quote_never_closed_names_no_one(annotator):
    # The mark is never closed: the words after it may be the reporter's, and so may their source.
    text = (
        "Le maire a visité le chantier lundi.\n"
        "Un témoin a vu « un trou de deux mètres, selon Claire Morel, et une grue renversée.\n"
    )
    found = Found(annotator, text, "fr")
    assert found.speaker(found.starting("un trou de deux mètres")) != "Claire Morel", found.summary()


def test_illustrer_and_questionner_are_speech_verbs(annotator):
    text = (
        "Paul Vernet conteste le projet depuis des mois.\n"
        "« Difficile, illustre-t-il, de comprendre l'intérêt de ce fichier. »\n"
        "« Est-il utile de tout ficher ? », a questionné Claire Morel.\n"
    )
    found = Found(annotator, text, "fr")
    check(found, "Difficile, illustre-t-il", "direct", "Paul Vernet", cue="illustre-t-il")
    check(found, "Est-il utile", "direct", "Claire Morel", cue="a questionné")


def test_pronostiquer_is_a_speech_verb(annotator):
    text = (
        "Les loyers ont encore augmenté cet été. « Les prix devraient dépasser les records de l'an dernier »,"
        " pronostique l'Observatoire des loyers parisiens.\n"
    )
    check(Found(annotator, text, "fr"), "Les prix devraient", "direct", "Observatoire des loyers parisiens")


def test_a_name_set_after_its_description_is_the_subject_of_the_verb_after_the_comma(annotator):
    # "Un élu lyonnais, X, conteste": the comma after the name closes the description before it, so X is the
    # sentence's subject and the pronoun after "L'élu …" is X's.
    text = (
        "Un élu lyonnais, Paul Vernet, conteste le décret.\n"
        "L'élu note par ailleurs que le fichier est trop large.\n"
        "« Difficile, a-t-il dit, de comprendre l'intérêt de ce fichier. »\n"
    )
    check(Found(annotator, text, "fr"), "Difficile, a-t-il dit", "direct", "Paul Vernet", cue="a-t-il dit")


def test_a_heading_quote_is_as_a_guess_the_words_of_the_later_quote_repeating_them(annotator):
    text = (
        "« Les travaux finiront en juin »\n\n"
        "Le chantier du tramway a pris du retard cet hiver.\n"
        "« Je le redis : les travaux finiront en juin, comme prévu », a assuré lundi Claire Morel.\n\n"
        "« Nous manquons de tout »\n\n"
        "Les commerçants de la rue se plaignent du bruit.\n"
        "« Le quartier reste ouvert », a répondu Paul Vernet.\n"
    )
    found = Found(annotator, text, "fr")
    heading = check(found, "Les travaux finiront en juin", "direct", "Claire Morel")
    assert heading.evidence == "heading" and heading.confidence < 0.7
    check(found, "Nous manquons de tout", "direct", None)  # no later quote says it again


def test_a_speech_verb_opening_the_last_clause_of_a_long_sentence_speaks_the_quote_in_it(annotator):
    text = (
        "Le syndicat, trois associations et deux partis sont tombés d'accord sur « le principe d'un recours en"
        " annulation » du décret publié le 1er juillet au Journal officiel, qui crée un nouveau fichier de police,"
        " a déclaré Claire Morel, juriste du syndicat.\n"
    )
    check(Found(annotator, text, "fr"), "le principe d'un recours", "fragment", "Claire Morel", cue="a déclaré")


def test_a_quote_ending_its_sentence_is_not_spoken_by_the_cue_ending_the_next_one(annotator):
    text = (
        "Acme Corp issued an advisory on Tuesday about the flaw in its browser.\n"
        '"We are working with partners to monitor the threat and act against malicious sites." The fact that the'
        " firm is rushing out a patch this quickly shows how serious the threat is, said Paul Henry, an analyst.\n"
    )
    found = Found(annotator, text, "en")
    assert found.speaker(found.starting("We are working with partners")) != "Paul Henry", found.summary()


def test_a_statement_speaks_for_the_organisation_that_issued_it(annotator):
    english = (
        "Acme Corp and Beta Systems agreed to merge on Monday.\n"
        'The Acme statement said, "We cannot speculate on the effects of the merger for another 90 days."\n'
    )
    quote = check(Found(annotator, english, "en"), "We cannot speculate", "direct", "Acme", cue="said")
    assert quote.evidence == "issuer"
    french = (
        "Altavia et Belor ont annoncé leur fusion lundi.\n"
        "Le communiqué d'Altavia précise : « Aucun emploi ne sera supprimé. »\n"
    )
    check(Found(annotator, french, "fr"), "Aucun emploi", "direct", "Altavia", cue="précise")


def test_a_speech_verb_the_tagger_reads_as_a_noun_speaks_between_a_quote_and_a_name(annotator):
    # "note", "juge", "avance" are read as nouns after « … », ; the name after them settles it.
    text = (
        "Le conseil municipal a voté le budget mardi.\n"
        "« Le texte va trop loin », note Jean Morel, avocat de l'association.\n"
        "« Les taux vont encore monter », avance Claire Vasseur, fondatrice d'un courtier.\n"
    )
    found = Found(annotator, text, "fr")
    check(found, "Le texte va trop loin", "direct", "Jean Morel", cue="note")
    check(found, "Les taux vont encore monter", "direct", "Claire Vasseur", cue="avance")


def test_a_party_between_a_title_and_a_name_leaves_the_name_the_speaker(annotator):
    text = (
        "Le ministre a parlé hier de la visite.\n"
        "« On recevra qui on veut », s'est indigné le député UMP Paul Girard, président du groupe.\n"
    )
    check(Found(annotator, text, "fr"), "On recevra qui on veut", "direct", "Paul Girard", cue="s'est indigné")


def test_a_pronoun_after_a_speaker_named_in_its_own_sentence_is_that_speaker_not_an_earlier_title(annotator):
    # The sentence before names a title held by someone else ("le président du groupe"): the speaker named in
    # the pronoun's own sentence comes first.
    text = (
        "« Il paraît qu'on est libre ! », s'est indigné le député UMP Paul Girard, président du groupe d'études,"
        " dans « Le Parisien »;\n\n"
        "et la présence de Claire Morel à la cérémonie du 22 août.\n\n"
        "C'est sur ce dernier point que le Parti socialiste a choisi de mettre l'accent, en accusant le président"
        " d'«hypocrisie », comme l'a fait Jean Roche.\n\n"
        "« Jacques Martin tente de masquer l'échec de sa visite », a renchéri hier Karim Benali, secrétaire"
        " national à l'égalité du PS :  « Cette mise en scène est choquante », a-t-il poursuivi.\n"
    )
    check(Found(annotator, text, "fr"), "Cette mise en scène", "direct", "Karim Benali", cue="a-t-il poursuivi")


def test_a_quote_never_closed_over_several_sentences_is_not_spoken_by_the_quote_after_it(annotator):
    # The mark after "saw" is never closed: the sentences after it are the reporter's, up to the next quote; a
    # piece of one sentence cut by the next quote is still one utterance with it.
    text = (
        "Rebels shelled the market town on Friday. A Reuters photographer heard sirens, then saw"
        ' "smoke over the market, a burnt truck by the gate and a drone circling low. Witnesses think the'
        " rebels fired from the hills. One shell hit a clinic, according to Jane Holt, a nurse. Holt said the"
        " staff were safe. The town shelters 8,000 people."
        ' "The rebels want to break the truce, " said Relief Council director Paul Henry.\n'
    )
    found = Found(annotator, text, "en")
    assert found.speaker(found.starting("smoke over the market")) != "Paul Henry", found.summary()
    check(found, "The rebels want", "direct", "Paul Henry", cue="said")
    short = 'Jane Holt spoke on Monday. "We will rebuild the school. "It will take a year," said Paul Henry.\n'
    check(Found(annotator, short, "en"), "We will rebuild", "direct", "Paul Henry")


def test_pour_x_opening_a_sentence_that_ends_with_a_colon_gives_x_the_quote_after_it(annotator):
    text = (
        "Paul Vernet reprendra la compétition en 2009.\n"
        "Pour Jean Morel, directeur de l'équipe, la situation est la suivante : « Paul restera chez nous deux"
        " saisons. Il y a un contrat. »\n"
    )
    check(Found(annotator, text, "fr"), "Paul restera chez nous", "direct", "Jean Morel")


def test_a_straight_mark_typed_after_a_comma_and_a_space_closes_the_open_quote(annotator):
    # '"…, "Smith said': the space before the closing mark makes it look like an opening one.
    text = (
        "The team won again on Thursday night.\n"
        '"I never thought I would break the record, "Dale Brennan said as he left the court. "It is an honour."\n'
    )
    found = Found(annotator, text, "en")
    check(found, "I never thought", "direct", "Dale Brennan", cue="said")
    assert found.none_starting("Dale Brennan said"), found.summary()


def test_a_verb_counting_something_in_the_sentence_after_a_quote_does_not_speak_it(annotator):
    text = (
        'Dale Brennan scored 20 points. "This is a great honour to be here," Brennan said. "I love this place."'
        " Ray Colton added 16 points for the home side.\n"
    )
    found = Found(annotator, text, "en")
    assert found.speaker(found.starting("I love this place")) != "Ray Colton", found.summary()


def test_a_surname_the_entity_model_missed_after_said_is_the_one_person_of_that_name(annotator):
    text = (
        "Interior Secretary Ken Salazar announced today that the administration will reverse an old regulation"
        " on endangered species. \"By rolling back this regulation, we are protecting the species under the law\""
        " said Salazar. The rule was made last December.\n"
    )
    found = Found(annotator, text, "en")
    check(found, "By rolling back", "direct", "Ken Salazar", cue="said")


def test_french_inverted_subject_after_adverbs_set_off_by_commas(annotator):
    text = (
        "Les entreprises françaises redoutent des représailles.\n"
        "« Il est de l'intérêt de tout le monde que la relation se poursuive », pointait, d'ailleurs, hier soir,"
        " Claire Vasseur, la ministre de l'Economie.\n"
    )
    check(Found(annotator, text, "fr"), "Il est de l'intérêt", "direct", "Claire Vasseur", cue="pointait")


def test_french_inverted_subject_after_a_named_listener_and_a_title_with_its_holder(annotator):
    text = (
        "Plusieurs sources se sont étonnées de l'annonce.\n"
        "« Comme par hasard, l'annonce intervient deux jours avant l'audience », a déclaré à l'AFP l'avocate du"
        " prévenu, Me Julie Marchand.\n"
    )
    check(Found(annotator, text, "fr"), "Comme par hasard", "direct", "Julie Marchand", cue="a déclaré")


def test_a_source_close_to_an_organisation_is_no_one_not_the_organisation(annotator):
    fr = (
        "La banque a perdu cinq milliards. Selon une source proche de la Banque Morel, la prise de risque était"
        " « bien trop élevée pour un seul desk ».\n"
    )
    found = Found(annotator, fr, "fr")
    assert found.speaker(found.starting("bien trop élevée")) is None, found.summary()
    en = 'Acme Corp lost money. According to a source close to Acme Corp, the firm "will cut jobs soon".\n'
    found = Found(annotator, en, "en")
    assert found.speaker(found.starting("will cut jobs soon")) is None, found.summary()


def test_a_name_in_a_heading_line_is_not_what_a_pronoun_after_it_stands_for(annotator):
    text = (
        "Paul Vernet, qui a repris l'entraînement en septembre, a très vite aimé le nouveau parcours.\n\n"
        "Un duel attendu avec Marc Ribot\n\n"
        "« Le parcours me plaît par son caractère nouveau », déclarait-il il y a quelques semaines.\n"
    )
    check(Found(annotator, text, "fr"), "Le parcours me plaît", "direct", "Paul Vernet", cue="déclarait-il")


def test_a_verb_coordinated_before_a_colon_hands_the_quote_to_its_sentence_subject(annotator):
    text = (
        "Mais la médecine avance.\n"
        "Jacques Rivière en est conscient et a donc déjà pris des mesures pour l'avenir : « Nous avons congelé"
        " les échantillons pour huit ans. »\n"
    )
    quote = check(Found(annotator, text, "fr"), "Nous avons congelé", "direct", "Jacques Rivière")
    assert quote.evidence == "colon"


def test_et_d_ajouter_goes_on_with_the_last_speaker(annotator):
    text = (
        "« Nous sommes prêts », a déclaré lundi Claire Vasseur, présidente de la fédération.\n"
        "Et d'ajouter : « Les taux baissent enfin. »\n"
    )
    found = Found(annotator, text, "fr")
    quote = check(found, "Les taux baissent", "direct", "Claire Vasseur", cue="Et d'ajouter")
    assert quote.confidence >= 0.7  # shown in a digest, unlike a guess
    alone = "La réunion a eu lieu lundi.\nEt d'ajouter : « Les taux baissent enfin. »\n"
    check(Found(annotator, alone, "fr"), "Les taux baissent", "direct", None)


def test_was_quoted_as_saying_after_a_quote_gives_its_subject(annotator):
    text = 'The council met on Monday. "We cannot go on like this," John Harper was quoted as saying by the Times.\n'
    check(Found(annotator, text, "en"), "We cannot go on", "direct", "John Harper", cue="was quoted as saying")
    pronoun = 'John Harper, the mayor, spoke on Monday. "We cannot go on like this," he was quoted as saying.\n'
    check(Found(annotator, pronoun, "en"), "We cannot go on", "direct", "John Harper")


def test_pour_sa_part_between_an_inverted_verb_and_its_subject(annotator):
    text = (
        "Le conseil s'est réuni lundi.\n"
        "« Nous ne pouvons pas continuer ainsi », juge pour sa part Jean Morel, maire de la ville.\n"
        "« Le budget sera voté », a déclaré de son côté Claire Vasseur.\n"
    )
    found = Found(annotator, text, "fr")
    check(found, "Nous ne pouvons pas", "direct", "Jean Morel", cue="juge")
    check(found, "Le budget sera voté", "direct", "Claire Vasseur")


def test_celui_qui_after_a_speech_verb_is_the_person_named_before(annotator):
    text = (
        "Le conseil s'est réuni lundi avec Jean Morel.\n"
        "« Nous ne pouvons pas continuer ainsi », explique celui qui dirige la mairie depuis 2001.\n"
    )
    quote = check(Found(annotator, text, "fr"), "Nous ne pouvons pas", "direct", "Jean Morel", cue="explique")
    assert quote.evidence == "pronoun"


def test_an_organisation_statement_as_the_inverted_subject_and_s_exprimer_as_a_speech_verb(annotator):
    issued = (
        "Le conseil s'est réuni lundi.\n"
        "« Nous ne pouvons pas continuer ainsi », souligne un communiqué de la Banque Morel.\n"
    )
    quote = check(Found(annotator, issued, "fr"), "Nous ne pouvons pas", "direct", "Banque Morel", cue="souligne")
    assert quote.evidence == "issuer"
    spoke = (
        "Le maire Jean Morel s'est exprimé lundi.\n"
        "« Nous ne pouvons pas continuer ainsi. Le budget est intenable. »\n"
    )
    check(Found(annotator, spoke, "fr"), "Nous ne pouvons pas", "direct", "Jean Morel")


def test_the_company_is_the_latest_organisation_only_as_a_guess(annotator):
    text = 'Acme Corp reported a loss on Monday. "We will cut costs," the company said.\n'
    quote = check(Found(annotator, text, "en"), "We will cut costs", "direct", "Acme Corp", cue="said")
    assert quote.evidence == "organisation named again" and quote.confidence < 0.7
    named = "Le ministère de la Santé a publié un rapport.\n« Les stocks sont suffisants », a précisé le ministère.\n"
    quote = check(Found(annotator, named, "fr"), "Les stocks sont suffisants", "direct", "ministère de la Santé")
    assert quote.evidence == "organisation named again" and quote.confidence >= 0.7


def test_adverbs_inside_an_inverted_cue_and_a_description_with_an_age_and_a_relative_clause(annotator):
    text = (
        "Paul Vernet a été mis en examen jeudi.\n"
        "Le jeune trader de 31 ans, qui a notamment pris des positions non autorisées, a expliqué au cours de"
        " l'enquête avoir toujours eu « en tête de faire gagner de l'argent à sa banque ».\n"
        "« J'ai vite été entraîné dans une spirale », a-t-il notamment expliqué aux policiers.\n"
    )
    found = Found(annotator, text, "fr")
    check(found, "J'ai vite été entraîné", "direct", "Paul Vernet", cue="a-t-il notamment expliqué")
    quote = check(found, "en tête de faire gagner", "direct", "Paul Vernet", cue="a expliqué")
    assert quote.confidence < 0.7  # a description no role gives: the person the text is about, as a guess


def test_a_speech_verb_in_a_subordinate_clause_after_a_quote_does_not_speak_it(annotator):
    text = (
        "The hearing resumed on Friday.\n"
        'Judge Ray Colton said he was "completely blindsided" by the move because Tom Heller had agreed to'
        " another plan.\n"
    )
    check(Found(annotator, text, "en"), "completely blindsided", "fragment", "Ray Colton", cue="said")
    source = "Le conseil s'est réuni lundi.\n« Le budget est intenable », comme l'a rappelé Jean Morel.\n"
    check(Found(annotator, source, "fr"), "Le budget est intenable", "direct", "Jean Morel")


def test_french_inverted_subject_after_a_named_medium_and_a_title_with_its_holder(annotator):
    text = (
        "Le conseil s'est réuni lundi.\n"
        "« Nous ne pouvons pas continuer ainsi », a estimé mardi sur RTL le président de la CGT, Jean Morel.\n"
    )
    check(Found(annotator, text, "fr"), "Nous ne pouvons pas", "direct", "Jean Morel", cue="a estimé")


def test_a_curly_quote_closed_by_a_straight_mark_ends_there(annotator):
    text = (
        "The mayor spoke on Monday.\n"
        '“We will rebuild the bridge," Mayor Jane Holt said. "It will take a year," said Tom Heller, her deputy.\n'
    )
    found = Found(annotator, text, "en")
    assert [q.text for q in found.quotes] == ["We will rebuild the bridge", "It will take a year"], found.summary()
    check(found, "We will rebuild", "direct", "Jane Holt", cue="said")
    check(found, "It will take a year", "direct", "Tom Heller", cue="said")


def test_a_title_after_par_is_no_subject_and_leaves_a_pronoun_to_the_person_named_before(annotator):
    text = (
        "La prise de risque autorisée était de 125 millions d'euros, alors que Paul Vernet est soupçonné d'avoir"
        " pris des positions bien plus grandes.\n\n"
        "Une version contestée par le trader lors de son audition, fin janvier.\n\n"
        "« Il n'y a aucune limite écrite signée de ma main », avait-il assuré aux policiers.\n"
    )
    check(Found(annotator, text, "fr"), "Il n'y a aucune limite", "direct", "Paul Vernet", cue="avait-il assuré")


def test_a_speech_noun_and_who_it_is_from_before_a_colon(annotator):
    text = "Le ministre a annoncé la fermeture de l'usine.\nRéaction de Jean Morel : « C'est un scandale. »\n"
    check(Found(annotator, text, "fr"), "C'est un scandale", "direct", "Jean Morel")
    en = 'The minister announced the closure.\nResponse from Acme Corp: "We are shocked."\n'
    check(Found(annotator, en, "en"), "We are shocked", "direct", "Acme Corp")
    # Where the reaction is only seen: no one.
    seen = (
        "Le ministre a annoncé la fermeture.\n"
        "Réaction en demi-teinte chez les salariés de Renault : « On verra bien. »\n"
    )
    check(Found(annotator, seen, "fr"), "On verra bien", "direct", None)


def test_a_few_words_alone_in_brackets_after_a_word_are_a_gloss_no_one_said(annotator):
    text = (
        "Le courtier a échangé 250 appels avec le trader et de nombreux messages instantanés (« chats »),"
        " a indiqué Jean Morel, le procureur.\n"
        'The trader bought index contracts ("futures") on Monday, said Tom Heller, the prosecutor.\n'
    )
    found = Found(annotator, text, "fr")
    assert found.none_starting("chats") and found.none_starting("futures"), found.summary()


def test_a_quote_in_a_clause_coordinated_with_a_later_speech_verb_is_the_first_verb_s(annotator):
    text = (
        'Jane Smith, who has led Acme since 2001, said the results were "solid" and added that the company'
        ' "will grow".\n'
    )
    found = Found(annotator, text, "en")
    check(found, "solid", "fragment", "Jane Smith", cue="said")
    check(found, "will grow", "fragment", "Jane Smith", cue="added")


def test_a_pronoun_after_two_people_joined_as_a_subject_is_no_one(annotator):
    fr = "Jean Morel et Paul Roux ont démissionné lundi.\n« Je pars la tête haute », a-t-il confié à l'AFP.\n"
    check(Found(annotator, fr, "fr"), "Je pars la tête haute", "direct", None, cue="a-t-il confié")
    en = 'John Harper and Tom Lee resigned on Monday. "I leave with my head held high," he told reporters.\n'
    check(Found(annotator, en, "en"), "I leave with my head", "direct", None, cue="told")


def test_ce_dernier_is_the_latest_person_named(annotator):
    pronoun = (
        "Jean Morel a rencontré Paul Roux à Paris.\n"
        "Ce dernier a jugé les discussions utiles. « Nous avons avancé », a-t-il dit.\n"
    )
    check(Found(annotator, pronoun, "fr"), "Nous avons avancé", "direct", "Paul Roux", cue="a-t-il dit")
    inverted = "Jean Morel a rencontré Paul Roux à Paris.\n« Nous avons avancé », a déclaré ce dernier.\n"
    quote = check(Found(annotator, inverted, "fr"), "Nous avons avancé", "direct", "Paul Roux", cue="a déclaré")
    assert quote.speaker_role == "ce dernier"


def test_a_new_sentence_whose_speech_verb_opens_the_next_quote_does_not_speak_the_one_before(annotator):
    text = 'Tom Lee lost. John Harper spoke on Monday, saying, "We will win." Lee said, "We will see."\n'
    found = Found(annotator, text, "en")
    check(found, "We will win", "direct", "John Harper", cue="saying")
    check(found, "We will see", "direct", "Tom Lee", cue="said")


def test_a_title_of_someone_else_s_or_after_a_passive_is_not_the_person_named_before(annotator):
    judge = 'John Harper was sentenced to ten years on Monday. "This was a cruel crime," the judge said.\n'
    check(Found(annotator, judge, "en"), "This was a cruel crime", "direct", None, cue="said")
    lawyer = 'John Harper appeared in court on Monday. "My client is innocent," Harper\'s lawyer said.\n'
    check(Found(annotator, lawyer, "en"), "My client is innocent", "direct", None, cue="said")
    juge = "Jean Morel a été condamné lundi à dix ans de prison.\n« C'est un crime odieux », a estimé le juge.\n"
    check(Found(annotator, juge, "fr"), "C'est un crime odieux", "direct", None, cue="a estimé")
    avocat = "Jean Morel a comparu lundi.\n« Mon client est innocent », a déclaré son avocat.\n"
    check(Found(annotator, avocat, "fr"), "Mon client est innocent", "direct", None, cue="a déclaré")
    # A title the person was given stays theirs.
    elected = "Jean Morel a été élu maire dimanche.\n« Je serai le maire de tous », a déclaré le maire.\n"
    check(Found(annotator, elected, "fr"), "Je serai le maire", "direct", "Jean Morel", cue="a déclaré")
