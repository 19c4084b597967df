"""The pipeline's language resources, in one place: each language's word lists, read by every rule.

``fr.py`` and ``en.py`` hold the data, one ``Lexicon`` each; ``lexicon_for`` finds the one of a language
code ("fr", "fr-CH", "EN"), ``every`` joins one list across languages for the rules that read a text
without knowing its language (entity borders, name comparison). Words are lower case as a spaCy token's
``lower_`` writes them: apostrophes straight ("l'"), dots kept ("m.", "p.-d.g."). A word belongs to the
list of what it is, not to the rule that reads it: a title is in ``titles`` whichever module looks for one.
"""

from dataclasses import dataclass, fields
from functools import cache


def words(*groups: str) -> frozenset[str]:
    """The words of each space-separated group, as one set."""
    return frozenset(word for group in groups for word in group.split())


@dataclass(frozen=True)
class Lexicon:
    """One language's word lists. Every set is of lower-case words; an empty set means the language has none."""

    # Speech and sources.
    verbs: frozenset[str]  # speech verbs, every form
    according: tuple[tuple[str, ...], ...]  # "selon", "d'après", "according to": the source follows
    auxiliaries: frozenset[str]  # "a", "ont", "has": part of the cue as written
    tell_verbs: frozenset[str]  # take a listener before the clause: "told reporters that"
    source_verbs: frozenset[str]  # "comme le rapporte X": the reporter's source ends a clause
    complementisers: frozenset[str]  # "que", "that"
    sentence_openers: frozenset[str]  # "Mais selon X, …"
    coordinators: frozenset[str]  # join two clauses or subjects: "et", "and"
    # Pronouns.
    inverted: dict[str, str]  # inverted subject pronoun → gender ("-t-il", "said he")
    subjects: dict[str, str]  # subject pronoun → gender: "M", "F", "P" (plural) or "N" (it)
    object_pronouns: dict[str, str]  # "selon lui", "according to her"
    relatives: frozenset[str]  # relative pronouns: "X, qui …"
    pronouns: frozenset[str]  # every pronoun a name cannot start or end with
    clitics: frozenset[str]  # may stand between a subject and its verb: "il nous a dit", "X ne l'a pas caché"
    negations: frozenset[str]  # "Pour Dupont, le président n'a pas …" opens a clause
    # Determiners and function words.
    articles: frozenset[str]  # definite articles
    determiners: frozenset[str]  # definite and possessive: the title names someone known
    indefinites: frozenset[str]  # "un porte-parole", "an official": someone unnamed
    possessives: frozenset[str]  # "son avocat", "his lawyer": someone of someone else's
    # Tell the gender of the noun they precede where the noun does not ("la ministre", "le juge").
    feminine_determiners: frozenset[str]
    masculine_determiners: frozenset[str]
    prepositions: frozenset[str]  # common prepositions, a name's borders
    title_prepositions: frozenset[str]  # open a title's complement: "chef de la diplomatie", "head of the IMF"
    definite_prepositions: frozenset[str]  # "du", "des": the article is inside the preposition
    agent_prepositions: frozenset[str]  # "reçus par X", "avec X", "told to X": X is not the subject
    absolute_prepositions: frozenset[str]  # "with X claiming …": X is the participle's subject
    listener_prepositions: frozenset[str]  # "a indiqué à l'AFP", "said to the BBC": X is spoken to
    infinitive_markers: frozenset[str]  # "appelé X à agir", "accusé X de mentir", "urged X to act"
    passive_markers: frozenset[str]  # "a été accusé", "has been charged": the subject undergoes, says nothing
    passive_be: frozenset[str]  # "X was sentenced": a form of "be" before a participle makes it passive
    own_part: frozenset[tuple[str, str]]  # "pour sa part", "de son côté": first and last word, said of the subject
    conjunctions: frozenset[str]  # "et", "mais", "and", "but"
    # Skipped when two names or phrases are compared ("Banque de France", "BdF"); words written with an
    # apostrophe are cut there ("l", "d").
    stop_words: frozenset[str]
    # Titles and people.
    titles: frozenset[str]  # title head words, singular: "ministre", "spokesman"
    plural_titles: frozenset[str]  # "les princesses A, B et C"
    title_tails: frozenset[str]  # end a title without heading one: "chief executive" (not "the Executive")
    needs_complement: frozenset[str]  # a title only with a complement: "head of the BBC", not "his head"
    title_modifiers: frozenset[str]  # before a head: "premier ministre", "former minister"
    title_followers: frozenset[str]  # after a head besides adjectives: "secrétaire général", "president elect"
    not_title_adjectives: frozenset[str]  # after a head and not part of the title: "le ministre lui-même"
    portfolio_joiners: frozenset[str]  # join portfolios: "de l'Europe et des Affaires étrangères"
    list_joiners: frozenset[str]  # "les princesses A, B et C"
    kin: frozenset[str]  # "le fils du ministre, Paul Dupont": the name after the comma is the relative's
    person_nouns: frozenset[str]  # nouns only, describing someone like a title: "le musicien", "the actor"
    spokespeople: frozenset[str]  # speak for an organisation: "a spokesman for X" is X
    unnamed_sources: frozenset[str]  # "une source proche de X", "a source close to X": someone unnamed, not X
    statements: frozenset[str]  # a text an organisation issues speaks for it: "the Acme statement said"
    speech_nouns: frozenset[str]  # "Réaction de X : « … »", "Response from X: "…"": X speaks the quote after
    female_titles: frozenset[str]
    male_titles: frozenset[str]
    courtesy_female: frozenset[str]  # "Mme", "Mrs"
    courtesy_male: frozenset[str]  # "M.", "Mr"
    courtesy_other: frozenset[str]  # neither: "Me", "Dr", "Prof."
    # Titles and ranks that belong to the name they precede ("Prince Harry", "Lady Gaga", "le général de
    # Gaulle") and may be a whole name ("Prince", "Queens"): a name is never cut after one nor dropped as a role.
    styles: frozenset[str]
    age_words: frozenset[str]  # "the 55-year-old Frenchman"
    becoming: frozenset[str]  # give their subject the title after them: "X became the party's leader"
    # How a woman inhabitant's name ends ("la Neuchâteloise"); the other forms are also places'.
    demonym_endings: tuple[str, ...]
    demonyms: frozenset[str]  # an inhabitant, never a place after a masculine article: "le Belge", "l'Américain"
    # Organisations, events and works.
    organisations: frozenset[str]  # "le ministère", "the company": an organisation named again
    generic_organisations: frozenset[str]  # "the company": the latest organisation, whatever its name
    organisation_heads: frozenset[str]  # head nouns of organisations' names: "Agence France-Presse"
    institution_heads: frozenset[str]  # a common noun plus a portfolio: "ministère … de l'Intérieur"
    event_heads: frozenset[str]  # head nouns of named events: "Coupe du monde", "Cannes Film Festival"
    work_nouns: frozenset[str]  # "le film « … »", "so-called": what follows is a name or a scare quote
    # Places and common nouns.
    place_nouns: frozenset[str]  # a kind of place before its name: "le département de X", "the province of X"
    capitalised_nouns: frozenset[str]  # common nouns written with a capital, no one thing's name: "l'État", "Internet"
    # Time.
    days: frozenset[str]  # days and other time words: "a affirmé mercredi que", "said on Monday"
    time_nouns: frozenset[str]  # a trailing "de l'année prochaine" is a date, not part of a name

    @property
    def courtesy(self) -> frozenset[str]:
        """Every courtesy title: "M.", "Mme", "Me", "Mr", "Dr"."""
        return self.courtesy_female | self.courtesy_male | self.courtesy_other


# Particles inside people's names, from any language: "de Gaulle", "van Gogh", "bin Salman".
NAME_PARTICLES = words("de d' du des van von der den da di del della dos das le la ben bin ibn al el")
# Written before a title head with a hyphen, in either language: "ex-ministre", "vice-président", "Co-Founder".
TITLE_PREFIXES = words("ex vice co sous haut")
# Quotation marks as tokens, in either language.
OPENING_QUOTES = frozenset({'"', "«", "“"})
CLOSING_QUOTES = frozenset({'"', "»", "”"})


def _lexicons() -> dict[str, Lexicon]:
    # fr.py and en.py build their Lexicon with the class above, so they are imported once it exists.
    from . import en, fr

    return {"fr": fr.LEXICON, "en": en.LEXICON}


LEXICONS: dict[str, Lexicon] = _lexicons()


def lexicon_for(language: str | None) -> Lexicon | None:
    """The lexicon of a language code ("fr", "fr-CH", "EN"), or None for a language without word lists."""
    return LEXICONS.get((language or "").lower()[:2])


@cache
def every(name: str) -> frozenset[str]:
    """One word list joined across every language, for the rules that do not know the text's language."""
    if name not in {f.name for f in fields(Lexicon)} and name != "courtesy":
        raise AttributeError(f"Lexicon has no list {name!r}")
    return frozenset().union(*(getattr(lexicon, name) for lexicon in LEXICONS.values()))
