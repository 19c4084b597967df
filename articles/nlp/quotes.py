"""Who said what: direct quotes, quoted fragments and reported speech, with their speaker.

What ``find_quotes`` guarantees:

- every span it returns indexes the stored text: ``text[start:end] == QuoteSpan.text``, ``start < end``,
  ``end`` is at or before ``content_end`` (site boilerplate after it is never read), spans come in
  text order and no two share the same (start, end);
- a direct quote or fragment covers the words between its quotation marks, without the marks, the
  spaces inside them (U+00A0 and U+202F included) or a trailing comma. Marks read: « », “ ” „, ‹ ›,
  straight " (paired by the spaces around them; after a number it is seconds or inches and never
  opens a quote), and single ‘ ’ or ' only when both ends are found where an apostrophe cannot be;
- a quote inside a quote gives the outer one only. An opening mark never closed ends its quote where a quote
  inside it closes at the end of a sentence (« … je m'étais dit : « Il faut y aller ». Mais …: one mark
  closes both), else at the next opening mark of its kind that starts a sentence ("… avant. « J'y veillerai
  »"), else at the end of the paragraph. A closing mark followed by a comma with no opening mark before it
  in its paragraph ('Engagez-vous", a-t-il ajouté') closes the words from the paragraph start;
- kind "direct" is a statement: a clause with a finite verb, a capitalised sentence of its own, or a
  long passage a speech verb introduces; a few words of someone's inside the reporter's sentence are
  kind "fragment"; kind "reported" is a clause a speech verb or a source introduces ("X a déclaré que
  …", "X said (that) …", "selon X, …", "…, according to X.") and is only returned when its speaker is
  known and it holds no direct quote;
- words in quotation marks that are nobody's are not returned: a scare quote ("so-called", « soi-disant »),
  the title of a work ("le film « … »"), the name of a charge ("mis en examen pour « … »", "charged
  with "…""), a name in title case or capitalised mid-sentence ("le « Nid d'oiseau »"), and a few words
  (up to four, no finite verb) in a sentence with neither a speech verb nor a person or organisation;
- the speaker is a group index of a person or organisation, or of a place only when the place itself is the
  subject of the speech verb ("a déclaré l'Élysée", "Pékin a averti": a seat of government). It is the
  subject of a speech verb after the quote ("« … », a déclaré X", ""…," said X", "« … » X a déclaré"),
  before it ("X a déclaré : « … »"), or inside it (« …, a-t-il dit, … »); "selon X", "according to X", "pour
  X," name it too, but a source the reporter cites for the sentence ("…, a-t-il ajouté, selon l'AFP", "X a
  affirmé qu'il « … », selon un enregistrement obtenu par Y") never outranks a speech verb whose speaker is
  known, and a document after "selon" names no one. A relative pronoun speaks for the noun before it ("le
  parti qui l'a qualifiée de « … »"); a speech verb coordinated with a first clause shares its subject ("X a
  défendu le « … », et a exhorté …", "X said … and promised "…""), and a participle the speaker of the cue
  it follows ("…, a-t-il souligné, estimant que « … »"); a short name in brackets ("The Chambers of Commerce
  (BCC) said") and adverbs between subject and verb are skipped. A pronoun is a person named outside quotes,
  "elle"/"she" a woman when the text tells (courtesy title, gendered title next to the name, agreement). A
  title ("le chef de la diplomatie française", "the company's chief executive") or a noun describing someone
  ("le musicien", "la chanteuse", "the actor", an age alone, "the 55-year-old said", and a one-word
  "person", inhabitant or aged noun the entity model took for a name: "the Scot", "la Neuchâteloise", "the
  55-year-old Frenchman") is the person named right after it or set beside it ("le producteur X", "répond
  son agent, l'avocat X", "selon le représentant du groupe en Europe, X,"), else the person whose role
  matches it (a role matched on some words only must come first), else the subject of the nearest sentence
  naming a fitting person and the latest person quoted when they agree or only one is known (for a title,
  neither may carry another title of the article), else no one; a description in a sentence naming someone
  else before it ("X is fit, but the Scot admitted") is no one. Gender counts: "la responsable" is no man,
  "the spokesman" no woman. ``speaker_role`` then keeps the phrase as written; "un porte-parole", "an
  official" are unnamed (no group, phrase kept), "a spokesman for X" is organisation X. A name only
  qualifying the subject is not it: "Rovers manager X", "Smith's lawyer, X", "le patron de la banque Y, X"
  give X; the listener after "told" ("told BBC Radio 4's Today programme"), the agent of a passive ("reçus
  par le maire X"), a complement ("avec l'équipe X"), a name opening the reported clause ("insisted Mr X was
  speaking") and coordinated subjects ("X and Y said", but not "Milan won at Old Trafford and X said") give
  no one. A pronoun goes first to a title or description that is the subject or the speaker of a sentence
  between it and the nearest name ("The Tory leader countered …. He declared:" is the Tory leader; "But a
  spokeswoman insisted …. "…," she said" is no one); else to the subject of the nearest sentence naming a
  fitting person (over sentences whose own subject is a pronoun), to the inverted subject of a speech verb
  there, to a surname the entity model missed as that sentence's subject, to the sentence's one person, else
  to no one; a speaker the text did not name or the entity model did not take for a person in between leaves
  it unresolved. With no speech verb, a colon hands the quote to the subject of its sentence ("X a été plus
  direct : « … »"; an opening phrase such as "Speaking to the BBC," is skipped); a speech verb before a
  colon owns its quote even when its subject is unknown; a statement with no attribution continues the quote
  next to it, or the previous one when no one else is named and no one else speaks in between (a bare
  participle, "Sa carrière lancée, …", speaks for no one), or takes the speaker of the reporter's sentence
  right before it ("…, Howard said. "…"");
- ``confidence`` says how sure the speaker is (None without one): 0.9 for a name that is the subject of
  the speech verb or the source after "selon", less for a surname matched, a title, a pronoun, a seat of
  government or an organisation named again, 0.6 for a speaker carried over from a neighbour;
- ``cue`` is the attribution as written ("a déclaré", "a-t-il ajouté", "dit-il", "selon", "said"),
  empty when the speaker came from a colon or a neighbouring quote.

The dependency parser is not in the pipeline: the rules read tokens, POS tags, morphology, sentence
starts and entity mentions, and small word lists per language (speech verbs, titles, pronouns). No
rule names a person, a place or a sentence. Languages without word lists get quotes and kinds, no
speakers. The work is linear in the text: each quote looks at a bounded window around it.
"""

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy
from spacy.attrs import IDX, LENGTH, POS, SENT_START
from spacy.parts_of_speech import NAMES
from spacy.tokens import Doc

from .types import ActorGroup, MentionSpan, QuoteSpan, RoleSpan

# --------------------------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------------------------


def _words(*groups: str) -> frozenset[str]:
    return frozenset(word for group in groups for word in group.split())


def _first_conjugation(stems: str) -> frozenset[str]:
    # Regular "-er" verbs: the forms a news report uses (present, past participle, simple past,
    # imperfect, future, conditional, present participle).
    endings = ("e", "ent", "é", "ée", "és", "ées", "a", "ait", "aient", "era", "erait", "ant")
    return frozenset(stem + ending for stem in stems.split() for ending in endings)


def _regular_english(bases: str) -> frozenset[str]:
    forms = set()
    for base in bases.split():
        past = base + "d" if base.endswith("e") else (base[:-1] + "ied" if base.endswith("y") else base + "ed")
        third = base + "es" if base.endswith(("s", "sh", "ch", "x")) else base + "s"
        gerund = (base[:-1] if base.endswith("e") and not base.endswith("ee") else base) + "ing"
        forms.update((base, past, third, gerund))
    return frozenset(forms)


@dataclass(frozen=True)
class _Lexicon:
    verbs: frozenset[str]  # speech verbs, every form
    according: tuple[tuple[str, ...], ...]  # "selon", "d'après", "according to": the source follows
    auxiliaries: frozenset[str]  # "a", "ont", "has": part of the cue as written
    inverted: dict[str, str]  # inverted subject pronoun → gender ("-t-il", "said he")
    subjects: dict[str, str]  # subject pronoun → gender: "M", "F", "P" (plural) or "N" (it)
    object_pronouns: dict[str, str]  # "selon lui", "according to her"
    complementisers: frozenset[str]  # "que", "that"
    determiners: frozenset[str]  # definite and possessive: the title names someone known
    indefinites: frozenset[str]  # "un porte-parole", "an official": someone unnamed
    prepositions: frozenset[str]  # inside a title: "chef de la diplomatie", "head of the IMF"
    titles: frozenset[str]  # title head words
    person_nouns: frozenset[str]  # nouns only, describing someone like a title: "le musicien", "the actor"
    title_tails: frozenset[str]  # end a title without heading one: "chief executive" (not "the Executive")
    spokespeople: frozenset[str]  # speak for an organisation: "a spokesman for X" is X
    organisations: frozenset[str]  # "le ministère", "the company": an organisation named again
    generic_organisations: frozenset[str]  # "the company": the latest organisation, whatever its name
    tell_verbs: frozenset[str]  # take a listener before the clause: "told reporters that"
    title_modifiers: frozenset[str]  # before a head: "premier ministre", "former minister"
    not_title_adjectives: frozenset[str]
    courtesy_female: frozenset[str]
    courtesy_male: frozenset[str]
    female_titles: frozenset[str]
    male_titles: frozenset[str]
    relatives: frozenset[str]  # "X, qui …": a name inside a relative clause is not the subject
    work_nouns: frozenset[str]  # "le film « … »", "so-called": what follows is a name or a scare quote
    source_verbs: frozenset[str]  # "comme le rapporte X": the reporter's source ends a clause
    sentence_openers: frozenset[str]  # "Mais selon X, …"
    coordinators: frozenset[str]


_FR_VERBS = _first_conjugation(
    "argument déclar affirm soulign ajout expliqu indiqu estim assur insist précis confi évoqu qualifi annonc"
    " répliqu déplor regrett dénonc not observ lâch gliss comment racont témoign résum exclam plaid interrog"
    " demand confirm ni tweet accus avou assén fustig critiqu exhort relev signal martel rappel lanc avanc"
    " jug souffl tranch ironis mentionn souhait exig réclam menac remerci constat invit"
) | _words(
    "dit dis disait disaient dira dirait disent disant écrit écrivait écrivent écrira répond répondu répondait"
    " répondent reconnaît reconnait reconnu reconnaissait admet admis admettait promet promis promettait conclut"
    " conclu concluait prévient prévenu prévenait avertit averti avertissait soutient soutenu soutenait poursuit"
    " poursuivi poursuivait réagit réagi réagissait dément démenti démentait martèle martèlent rappelle"
    " rappellent lança lançait annonça annonçait avança avançait considère considéré considérait jugea jugeait"
    " répète répété répétait dénonça appelle appellent appelé appela appelait appellera"
)
_EN_VERBS = _regular_english(
    "add state insist warn explain note argue claim declare announce admit acknowledge confirm deny stress"
    " emphasise emphasize reply respond answer tweet conclude suggest comment observe remark recall predict"
    " promise vow urge caution agree concede maintain assert complain joke reiterate contend reveal boast"
    " counter allege accuse demand talk"
) | _words(
    "said says say saying told tells tell wrote writes adding insisting warning explaining asked asks called calls",
    "admitted admits described describes believe believes believed",
)

_LEXICONS: dict[str, _Lexicon] = {
    "fr": _Lexicon(
        verbs=_FR_VERBS,
        according=(("selon",), ("d'", "après"), ("d'après",)),
        auxiliaries=_words("a ont avait avaient aurait auraient aura est sont était s' se"),
        inverted={"-il": "M", "-elle": "F", "-ils": "P", "-elles": "P", "-on": "P"},
        subjects={"il": "M", "elle": "F", "ils": "P", "elles": "P"},
        object_pronouns={"lui": "M", "elle": "F", "eux": "P", "elles": "P"},
        complementisers=_words("que qu'"),
        determiners=_words("le la l' les son sa ses leur leurs ce cet cette notre"),
        indefinites=_words("un une"),
        prepositions=_words("de d' du des"),
        titles=_words(
            "ministre président présidente chef cheffe porte-parole secrétaire directeur directrice ambassadeur"
            " ambassadrice maire député députée sénateur sénatrice patron patronne dirigeant dirigeante procureur"
            " procureure juge avocat avocate commissaire gouverneur préfet préfète roi reine prince princesse"
            " souverain monarque pape conseiller conseillère chancelier chancelière homologue entraîneur"
            " sélectionneur capitaine fondateur fondatrice pdg p.-d.g. candidat candidate leader émissaire envoyé"
            " envoyée médiateur médiatrice représentant représentante haut-commissaire diplomate général colonel"
            " commandant émir sultan vainqueur champion championne coureur joueur joueuse"
        ),
        person_nouns=_words(
            "musicien musicienne organiste pianiste violoniste compositeur compositrice chanteur chanteuse artiste"
            " acteur actrice comédien comédienne écrivain écrivaine auteur autrice romancier romancière réalisateur"
            " réalisatrice cinéaste producteur productrice journaliste économiste analyste expert experte chercheur"
            " chercheuse professeur professeure médecin militant militante syndicaliste élu élue responsable agent"
            " agente interprète trader banquier banquière entrepreneur entrepreneuse sportif sportive athlète"
            " cycliste skieur skieuse nageur nageuse footballeur footballeuse attaquant attaquante gardien gardienne"
        ),
        title_tails=frozenset(),
        spokespeople=_words("porte-parole représentant représentante"),
        organisations=_words(
            "ministère gouvernement entreprise société groupe parti agence commission police armée parquet"
            " tribunal cour banque fédération syndicat association organisation conseil mairie préfecture"
            " ambassade présidence club équipe ong"
        ),
        generic_organisations=_words("entreprise société groupe"),
        tell_verbs=_words("confié confie confiait expliqué rappelé assuré annoncé indiqué promis répondu écrit"),
        title_modifiers=_words("premier première ancien ancienne ex nouveau nouvelle haut haute vice"),
        not_title_adjectives=_words("même seul seule tel telle autre prochain prochaine dernier dernière"),
        courtesy_female=_words("mme madame mlle mademoiselle"),
        courtesy_male=_words("m. monsieur"),
        female_titles=_words(
            "présidente directrice ambassadrice députée sénatrice patronne dirigeante procureure avocate"
            " préfète reine princesse conseillère chancelière fondatrice candidate envoyée médiatrice représentante"
            " cheffe épouse mère fille sœur soeur veuve actrice chanteuse musicienne compositrice comédienne"
            " écrivaine autrice romancière réalisatrice productrice experte chercheuse professeure militante élue"
            " agente banquière entrepreneuse sportive skieuse nageuse footballeuse attaquante gardienne"
        ),
        male_titles=_words(
            "président directeur ambassadeur député sénateur patron dirigeant procureur avocat préfet roi prince"
            " conseiller chancelier fondateur candidat envoyé médiateur représentant époux mari père fils frère"
            " acteur chanteur émir sultan musicien compositeur comédien écrivain romancier réalisateur producteur"
            " chercheur militant élu banquier entrepreneur sportif skieur nageur footballeur attaquant gardien"
        ),
        relatives=_words("qui dont lequel laquelle"),
        work_nouns=_words(
            "film films roman romans livre livres ouvrage ouvrages série séries album albums chanson chansons"
            " pièce émission émissions documentaire spectacle titre titré intitulé intitulée intitulés baptisé"
            " baptisée surnommé surnommée appelé appelée dit dite dits dites soi-disant journal magazine"
            " quotidien hebdomadaire opération opérations programme plan slogan devise hashtag mot terme"
            " expression formule"
        ),
        source_verbs=_words("rapporte rapportent rapportait rapporté indique indiquait précise précisait"),
        sentence_openers=_words("mais et or pourtant toutefois cependant"),
        coordinators=_words("et ou"),
    ),
    "en": _Lexicon(
        verbs=_EN_VERBS,
        according=(("according", "to"),),
        auxiliaries=_words("has have had"),
        inverted={"he": "M", "she": "F", "they": "P", "it": "N"},
        subjects={"he": "M", "she": "F", "they": "P", "it": "N"},
        object_pronouns={"him": "M", "her": "F", "them": "P"},
        complementisers=_words("that"),
        determiners=_words("the his her its their our this that"),
        indefinites=_words("a an one"),
        prepositions=_words("of for at"),
        titles=_words(
            "minister president chief spokesman spokeswoman spokesperson secretary director ambassador"
            " chairman chairwoman chair mayor governor senator leader boss head manager coach captain founder"
            " chancellor king queen prince princess pope premier prosecutor judge lawyer attorney commissioner"
            " envoy adviser advisor official analyst economist representative general commander officer"
            " counterpart mp ceo president-elect"
        ),
        person_nouns=_words(
            "actor actress star singer musician artist player striker midfielder defender goalkeeper winger"
            " champion winner author writer novelist producer composer expert researcher scientist professor doctor"
            " campaigner activist councillor veteran trader banker entrepreneur agent interpreter"
        ),
        title_tails=_words("executive"),
        spokespeople=_words("spokesman spokeswoman spokesperson representative official"),
        organisations=_words(
            "ministry department government company firm group party agency commission police army court bank"
            " federation union association organisation organization council office embassy board club team"
            " regulator watchdog"
        ),
        generic_organisations=_words("company firm group"),
        tell_verbs=_words("told tells tell assured assures reminded reminds warned warns promised promises"),
        title_modifiers=_words("former acting deputy shadow outgoing interim vice prime"),
        not_title_adjectives=frozenset(),
        courtesy_female=_words("mrs mrs. ms ms. miss dame lady"),
        courtesy_male=_words("mr mr. sir lord"),
        female_titles=_words(
            "spokeswoman chairwoman queen princess congresswoman wife mother daughter sister widow actress"
            " businesswoman sportswoman"
        ),
        male_titles=_words("spokesman chairman king prince congressman husband father son brother widower actor"),
        relatives=_words("who which whose"),
        work_nouns=_words(
            "film films movie movies novel novels book books series show shows album albums song songs play"
            " programme program documentary titled entitled called dubbed named nicknamed so-called newspaper"
            " magazine operation slogan motto hashtag word term phrase"
        ),
        source_verbs=_words("reported reports"),
        sentence_openers=_words("but and yet however"),
        coordinators=_words("and or"),
    ),
}

_POS = {int(code): name for code, name in NAMES.items()}
_LINE_BREAKS = re.compile(r"\n\s*")
_ACCORDING_FIRST = frozenset(phrase[0] for lexicon in _LEXICONS.values() for phrase in lexicon.according)

# Equivalent ways to name a portfolio or a function, folded: compared as one word each.
_CONCEPTS = (
    (re.compile(r"\baffaires etrangeres\b|\bdiplomatie\b|\bforeign(?: affairs)?\b"), " foreignaffairs "),
    (re.compile(r"\bchef du gouvernement\b|\bpremier ministre\b|\bprime minister\b"), " headofgovernment "),
    (re.compile(r"\bchef de l'etat\b|\bhead of state\b"), " president "),
    (re.compile(r"\bchief executive\b|\bdirecteur general\b|\bp\.?-?d\.?g\.?\b|\bceo\b|\bboss\b|\bpatron\b"), " ceo "),
    (re.compile(r"\binterieur\b|\binterior\b|\bhome secretary\b|\bhome office\b"), " interior "),
)
_STOPWORDS = _words("le la les l de d du des un une son sa ses leur leurs the of a an his her its their s et and for")

_TERMINALS = frozenset({".", "!", "?", "…", ";", "...", "?!", "!?", "!!", "??"})
_MARK_CHARS = "«»“”„‟\"‹›‘’'"
_MARK_RE = re.compile("[" + _MARK_CHARS + "]")
_SPACES = " \t\r\n\u00a0\u202f\u2009\u2007\u2002\u2003\u2004\u2005\u2006\u2008\u200a\u3000"
_OPEN_CONTEXT = "([{—–-/:«“‘\u00a0\u202f"
_CLOSE_CONTEXT = ".,;:!?)]}—–-…»”’"
_UNSURE_FAMILIES = frozenset({"single", "apostrophe"})
_LONG = 10  # words: a quote this long is a statement, not a phrase in the reporter's sentence
_WINDOW_AFTER = 20  # tokens read after a quote for its attribution (a name and its title fit)
_WINDOW_BEFORE = 30  # tokens read back from a quote for a speech verb
# Days and other time words: "a affirmé mercredi que", "said on Monday".
_TIME_WORDS = _words(
    "lundi mardi mercredi jeudi vendredi samedi dimanche hier aujourd'hui demain soir matin",
    "monday tuesday wednesday thursday friday saturday sunday yesterday today tomorrow tonight",
)
# Words that may stand between a subject and its verb: "il nous a dit", "X ne l'a pas caché".
_CLITICS = _words("se s' lui leur nous vous y en ne n' l' le la les me m' pas not n't")
_SPEAKER_KINDS = frozenset({"person", "organisation"})
# How a woman inhabitant's name ends in French ("la Neuchâteloise", "la Lyonnaise", "la Parisienne"); the
# other forms are also those of places that speak for their government ("le Valais", "l'Ukraine").
_DEMONYM_ENDINGS = ("oise", "aise", "ienne")
_AGE_WORDS = _words("- year years old")  # "the 55-year-old Frenchman"
# Verbs giving their subject the title after them: "X became the party's leader", "X a été nommé ministre".
_BECOMING = _words(
    "become becomes became remain remains remained named appointed elected",
    "devient devenu devenue devenus reste resté restée demeure nommé nommée élu élue",
)
_AGENT_PREPOSITIONS = _words("par avec à au aux pour by with to for")
_SCARE = re.compile(r"(?i)\b(?:so-called|soi-disant)\s*$")
# The name of a charge: "charged with "…"", "mis en examen pour « … »", "chef d'accusation de « … »".
_CHARGE = re.compile(
    r"(?i)\b(?:charged with|convicted of|accused of|charges? of|counts? of|guilty of"
    r"|(?:plainte|examen|poursuivie?s?|condamnée?s?|inculpée?s?|écrouée?s?)(?:\s+[^\s«»\"“”]+){0,4}\s+pour"
    r"|chefs? d['’](?:inculpation|accusation)(?:\s+de|\s+d['’])?|chefs? de)\s*$"
)


# How sure each kind of evidence makes a speaker (QuoteSpan.confidence).
_SURE = 0.9  # a name as the subject of the speech verb, "selon X", "according to X"
_SPOKESPERSON = 0.85  # "a spokesman for X"
_SURNAME = 0.8  # a name the entity model missed, matched to the one person with that surname
_ROLE = 0.8  # a title matched to the role the article gives someone
_PRONOUN = 0.75  # a pronoun resolved to the nearest fitting person
_COLON = _SEAT = _NAMED_AGAIN = 0.7  # a sentence's subject before a colon, "l'Élysée", "the company"
_NEIGHBOUR = 0.6  # no cue of its own: the quote before it, or the speaker of the sentence before it
_NEAREST_SUBJECT = 0.6  # a title no one holds: the subject of the nearest sentence naming a person

# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mark:
    pos: int
    family: str  # "guillemet", "curly", "straight", "angle", "single"
    side: str  # "open", "close" or "both" (direction told by pairing only)


@dataclass
class _Quote:
    open: int  # position of the opening mark
    close: int  # position of the closing mark, or where the quote was cut
    closed: bool  # an explicit closing mark ends it
    start: int  # the quoted words
    end: int
    t0: int = 0  # its tokens, end exclusive
    t1: int = 0
    kind: str = "fragment"
    speaker: int | None = None
    cue: str = ""
    role: str = ""
    attributed: bool = False  # a speech verb or "selon" was found for it
    confidence: float = 0.0  # of the speaker, when there is one
    by_verb: bool = False  # … and it was a speech verb


@dataclass(frozen=True)
class _Attribution:
    speaker: int | None
    cue: str
    role: str = ""
    by_verb: bool = True  # False for "selon X", "according to X", "pour X"
    # How sure the speaker is: a name as the verb's subject is surer than a pronoun, a title or a neighbour.
    confidence: float = 0.9


@dataclass
class _Context:
    doc: Doc
    text: str
    lexicon: _Lexicon | None
    limit: int
    idx: list[int]
    ends: list[int]
    lower: list[str]
    pos: list[str]
    para: list[int]  # paragraph number of each token
    sent: list[int]  # sentence number of each token
    owner: list[MentionSpan | None]  # the mention covering each token
    mentions: list[MentionSpan]  # in text order
    groups: Sequence[ActorGroup]
    roles: Sequence[RoleSpan]
    quote_of: list[int] = field(default_factory=list)  # token → index of the quote containing it, or -1
    quotes: list[_Quote] = field(default_factory=list)
    opens: frozenset[int] = frozenset()  # char positions of opening marks
    free: list[MentionSpan] = field(default_factory=list)  # mentions outside quotes, in text order
    free_starts: list[int] = field(default_factory=list)
    free_tokens: list[int] = field(default_factory=list)
    person_starts: dict[int, list[int]] = field(default_factory=dict)  # person group → its free mentions' starts
    descriptions: frozenset[int] = frozenset()  # starts of "person" mentions that only describe someone
    genders: dict[int, str] = field(default_factory=dict)
    morphs: dict[int, str] = field(default_factory=dict)  # read on demand: few tokens need it

    def morph(self, i: int) -> str:
        if i not in self.morphs:
            self.morphs[i] = str(self.doc[i].morph)
        return self.morphs[i]

    def finite(self, i: int) -> bool:
        return "VerbForm=Fin" in self.morph(i)

    def is_boundary(self, i: int) -> bool:
        return self.lower[i] in _TERMINALS or "\n" in self.lower[i]


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def find_quotes(
    doc: Doc,
    text: str,
    mentions: Sequence[MentionSpan],
    groups: Sequence[ActorGroup],
    roles: Sequence[RoleSpan],
    language: str,
    content_end: int | None = None,
) -> list[QuoteSpan]:
    """Direct quotes, fragments and reported speech of ``text``, in text order."""
    folded = doc.text
    limit = min(len(text), len(folded), content_end if content_end is not None else len(text))
    ctx = _context(doc, folded, text, mentions, groups, roles, language, limit)
    ctx.quotes = [q for q in _pair_marks(text, limit) if _trim(text, q)]
    if not ctx.quotes and ctx.lexicon is None:
        return []
    _index_quotes(ctx)
    for quote in ctx.quotes:
        attribution = _attribute(ctx, quote)
        if attribution is not None:
            quote.attributed, quote.by_verb = True, attribution.by_verb
            quote.speaker, quote.cue, quote.role = attribution.speaker, attribution.cue, attribution.role
            quote.confidence = attribution.confidence
        quote.kind = _kind(ctx, quote)
    _continue_speakers(ctx)
    spans = [
        QuoteSpan(
            q.start,
            q.end,
            text[q.start : q.end],
            q.kind,
            q.speaker,
            q.cue,
            q.role,
            q.confidence if q.speaker is not None else None,
        )
        for q in ctx.quotes
        if not _nobodys_words(ctx, q)
    ]
    spans.extend(_reported(ctx))
    seen: set[tuple[int, int]] = set()
    unique = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if (span.start, span.end) not in seen and span.start < span.end <= limit:
            seen.add((span.start, span.end))
            unique.append(span)
    return unique


def _context(
    doc: Doc,
    folded: str,
    text: str,
    mentions: Sequence[MentionSpan],
    groups: Sequence[ActorGroup],
    roles: Sequence[RoleSpan],
    language: str,
    limit: int,
) -> _Context:
    # Token attributes are read once, in bulk: creating a Token per access dominates the time otherwise.
    columns = doc.to_array([IDX, LENGTH, POS, SENT_START])
    idx = columns[:, 0].tolist()
    ends = (columns[:, 0] + columns[:, 1]).tolist()
    lower = [folded[a:b].lower() for a, b in zip(idx, ends, strict=True)]
    pos = [_POS.get(tag, "") for tag in columns[:, 2].tolist()]
    sent = numpy.cumsum(columns[:, 3] == 1).tolist()
    # A paragraph starts after each run of line breaks (blank lines included).
    breaks = [match.start() for match in _LINE_BREAKS.finditer(folded)]
    para = numpy.searchsorted(numpy.asarray(breaks, dtype=numpy.int64), columns[:, 0], side="left").tolist()
    owner: list[MentionSpan | None] = [None] * len(idx)
    kept = sorted((m for m in mentions if m.end <= limit), key=lambda m: m.start)
    for mention in kept:
        for i in range(bisect_left(idx, mention.start), bisect_left(idx, mention.end)):
            owner[i] = mention
    ctx = _Context(
        doc,
        text,
        _LEXICONS.get((language or "").lower()[:2]),
        limit,
        idx,
        ends,
        lower,
        pos,
        para,
        sent,
        owner,
        kept,
        groups,
        roles,
    )
    if ctx.lexicon is not None:
        ctx.genders = _genders(ctx)
    return ctx


# --------------------------------------------------------------------------------------------
# Quotation marks
# --------------------------------------------------------------------------------------------


def _pair_marks(text: str, limit: int) -> list[_Quote]:
    """Outer quotes of each paragraph; the text after ``limit`` is not read."""
    quotes: list[_Quote] = []
    start = 0
    while start < limit:
        end = text.find("\n", start, limit)
        end = limit if end < 0 else end
        marks = _marks(text, start, end)
        if marks:
            quotes.extend(_pair_paragraph(text, marks, end, start))
        start = end + 1
    return quotes


def _marks(text: str, start: int, end: int) -> list[_Mark]:
    marks: list[_Mark] = []
    for match in _MARK_RE.finditer(text, start, end):
        pos = match.start()
        ch = text[pos]
        before = text[pos - 1] if pos > start else "\n"
        after = text[pos + 1] if pos + 1 < end else "\n"
        opens = before in _SPACES or before in _OPEN_CONTEXT
        closes = after in _SPACES or after in _CLOSE_CONTEXT
        if ch == "«":
            marks.append(_Mark(pos, "guillemet", "open"))
        elif ch == "»":
            marks.append(_Mark(pos, "guillemet", "close"))
        elif ch in "“„‟":
            marks.append(_Mark(pos, "curly", "open"))
        elif ch == "”":
            # Some copy types ” on both sides: one that opens a word may open a quote.
            marks.append(_Mark(pos, "curly", "both" if opens and not closes else "close"))
        elif ch == "‹":
            marks.append(_Mark(pos, "angle", "open"))
        elif ch == "›":
            marks.append(_Mark(pos, "angle", "close"))
        elif ch in "‘’'":
            # Single marks double as apostrophes ("l’État", "don't", "’90s", "the ministers' plan"): a mark
            # opens only before a letter after a space, closes only after a word before a space or
            # punctuation, and a quote is kept only when both ends are found.
            family = "apostrophe" if ch == "'" else "single"
            if ch != "’" and opens and after.isalpha():
                marks.append(_Mark(pos, family, "open"))
            elif ch != "‘" and closes and before not in _SPACES and not before.isdigit():
                marks.append(_Mark(pos, family, "close"))
        elif ch == '"':
            # After a number ("41 \"", "2'24\"", "12\"") it is seconds or inches: it may close a quote
            # ("… by 2008\"") but never opens one.
            number = before.isdigit() or before == " " and pos - 2 >= start and text[pos - 2].isdigit()
            if number:
                side = "close"
            else:
                side = "open" if opens and not closes else "close" if closes and not opens else "both"
            marks.append(_Mark(pos, "straight", side))
    return marks


def _pair_paragraph(text: str, marks: list[_Mark], paragraph_end: int, paragraph_start: int) -> list[_Quote]:
    quotes: list[_Quote] = []
    i = 0
    while i < len(marks):
        mark = marks[i]
        if mark.side == "close":
            if (
                i == 0
                and mark.family not in _UNSURE_FAMILIES
                and text[mark.pos + 1 : mark.pos + 3].lstrip()[:1] == ","
                and not text[max(paragraph_start, mark.pos - 2) : mark.pos].strip()[-1:].isdigit()  # 41 ", seconds
            ):
                # 'Engagez-vous", a-t-il ajouté.': the opening mark was lost (or the quote goes on from the
                # paragraph before); the words from the paragraph start are the quote.
                quotes.append(_Quote(paragraph_start - 1, mark.pos, True, 0, 0))
            i += 1  # a closing mark nothing opened
            continue
        j = _closing(marks, i)
        if j is not None:
            quotes.append(_Quote(mark.pos, marks[j].pos, True, 0, 0))
            i = j + 1
            continue
        if mark.family in _UNSURE_FAMILIES:
            i += 1  # likely an apostrophe after all
            continue
        # Never closed: the quote stops where the next one of its kind opens a sentence ("… avant.
        # « J'y veillerai »"), or with the paragraph; a quote opening mid-sentence is one inside it.
        k = next((k for k in range(i + 1, len(marks)) if _opens_next(text, mark, marks[k])), None)
        shared = _shared_closing(text, marks, i, len(marks) if k is None else k)
        if shared is not None:
            # « … m'a-t-il dit : « Il faut y aller ». Then: one mark closes both quotes, as French copy allows.
            quotes.append(_Quote(mark.pos, marks[shared].pos, True, 0, 0))
            i = shared + 1
            continue
        quotes.append(_Quote(mark.pos, marks[k].pos if k is not None else paragraph_end, False, 0, 0))
        if k is None:
            break
        i = k
    return quotes


def _shared_closing(text: str, marks: list[_Mark], i: int, stop: int) -> int | None:
    """Index of the mark closing a quote inside the unclosed quote marks[i] and, with it, its sentence: the
    writer closed both quotes with one mark ("… je m'étais dit : « Il faut la rencontre ». Mais …")."""
    family = marks[i].family
    if family in ("straight", *_UNSURE_FAMILIES):
        return None  # these never nest
    depth = 0
    for j in range(i + 1, stop):
        mark = marks[j]
        if mark.family != family:
            continue
        depth += 1 if mark.side == "open" else -1
        if (
            depth == 0
            and mark.side != "open"
            and text[mark.pos + 1 : mark.pos + 4].lstrip(_SPACES)[:1] in (".", "!", "?", "…")
        ):
            return j
    return None


def _opens_next(text: str, unclosed: _Mark, mark: _Mark) -> bool:
    if mark.family != unclosed.family or mark.side != "open":
        return False
    if mark.family in ("straight", *_UNSURE_FAMILIES):
        return True  # these never nest
    before = text[unclosed.pos + 1 : mark.pos].rstrip(_SPACES)
    return before[-1:] in (".", "!", "?", "…")


def _closing(marks: list[_Mark], i: int) -> int | None:
    """Index of the mark closing marks[i]; marks of another family inside are a quote in the quote."""
    family = marks[i].family
    depth = 0
    for j in range(i + 1, len(marks)):
        mark = marks[j]
        if mark.family != family:
            continue
        if mark.side == "open":
            if family == "straight" or family in _UNSURE_FAMILIES:
                return None  # these do not nest: this one opens the next quote
            depth += 1
        elif depth == 0:
            return j
        else:
            depth -= 1
    return None


def _trim(text: str, quote: _Quote) -> bool:
    """Set the quoted words inside the marks; False when nothing is quoted."""
    start, end = quote.open + 1, quote.close
    while start < end and text[start] in _SPACES:
        start += 1
    while end > start and (text[end - 1] in _SPACES or text[end - 1] == ","):
        end -= 1
    quote.start, quote.end = start, end
    # Words start a quote; punctuation first means the mark closed something instead.
    return start < end and text[start] not in ".,;:!?)]}" and any(ch.isalnum() for ch in text[start:end])


def _index_quotes(ctx: _Context) -> None:
    ctx.quote_of = [-1] * len(ctx.idx)
    for n, quote in enumerate(ctx.quotes):
        quote.t0 = bisect_left(ctx.idx, quote.start)
        quote.t1 = bisect_left(ctx.idx, quote.end)
        # The marks themselves belong to the quote: a walk through the sentence jumps over all of it.
        for i in range(
            bisect_left(ctx.idx, quote.open), bisect_left(ctx.idx, quote.close + (1 if quote.closed else 0))
        ):
            ctx.quote_of[i] = n
    ctx.opens = frozenset(q.open for q in ctx.quotes)
    if ctx.lexicon is not None:
        ctx.descriptions = frozenset(m.start for m in ctx.mentions if _describes(ctx, m))
    for mention in ctx.mentions:
        token = bisect_left(ctx.idx, mention.start)
        if mention.start in ctx.descriptions:
            continue  # never an antecedent: it names no one
        if token < len(ctx.quote_of) and ctx.quote_of[token] < 0:
            ctx.free.append(mention)
            ctx.free_starts.append(mention.start)
            ctx.free_tokens.append(token)
            if mention.kind == "person":
                ctx.person_starts.setdefault(mention.group, []).append(mention.start)


def _describes(ctx: _Context, mention: MentionSpan) -> bool:
    """A one-word "person" after a determiner is a description the entity model took for a name ("the
    Scot"), and so is a one-word place that reads as an inhabitant ("la Neuchâteloise") and
    any one word given an age ("the 55-year-old Frenchman"): it stands for someone, it names no one."""
    first = bisect_left(ctx.idx, mention.start)
    if bisect_left(ctx.idx, mention.end) - first != 1:
        return False
    k = first - 1
    while k >= 0 and first - k <= 6 and (ctx.pos[k] in ("ADJ", "NUM") or ctx.lower[k] in _AGE_WORDS):
        k -= 1
    if k < 0 or not (ctx.lower[k] in ctx.lexicon.determiners or ctx.lower[k] in ctx.lexicon.indefinites):
        return False
    aged = any(ctx.lower[j] in ("old", "ans") for j in range(k + 1, first))
    demonym = mention.kind in ("place", "other") and _fold(ctx.lower[first]).endswith(_DEMONYM_ENDINGS)
    return mention.kind == "person" or demonym or aged


def _is_description(ctx: _Context, mention: MentionSpan) -> bool:
    return mention.start in ctx.descriptions


def _description_speaker(ctx: _Context, mention: MentionSpan) -> _Attribution:
    """Who a description stands for ("« … », raconte la Neuchâteloise"): the person the article is about
    there (see _described_person), unless the sentence names someone else before it ("X is fit again, but the
    Scot admitted": the description is there to tell them apart)."""
    first = bisect_left(ctx.idx, mention.start)
    start = first - 1
    while start > 0 and (ctx.pos[start] in ("ADJ", "NUM") or ctx.lower[start] in _AGE_WORDS):
        start -= 1  # back to its determiner
    phrase = ctx.text[ctx.idx[start] : mention.end]
    if ctx.lower[start] in ctx.lexicon.indefinites:
        return _Attribution(None, "", phrase)
    sentence = _sentence_start(ctx, first)
    if any(
        ctx.owner[j] is not None and ctx.owner[j].kind == "person" and not _is_description(ctx, ctx.owner[j])
        for j in range(sentence, start)
        if ctx.quote_of[j] < 0
    ):
        return _Attribution(None, "", phrase)
    person = _described_person(ctx, mention.start, _unwanted_gender(ctx, first), title=False)
    return _Attribution(person, "", phrase, confidence=_NEAREST_SUBJECT)


# --------------------------------------------------------------------------------------------
# Direct or fragment
# --------------------------------------------------------------------------------------------


def _kind(ctx: _Context, quote: _Quote) -> str:
    tokens = range(quote.t0, quote.t1)
    words = sum(1 for i in tokens if any(ch.isalnum() for ch in ctx.lower[i]))
    if _names_a_work(ctx, quote):
        return "fragment"
    finite = any(ctx.finite(i) for i in tokens)
    first = next((ch for ch in ctx.text[quote.start : quote.end] if ch.isalpha()), "")
    # A long passage is a statement when it is a clause, a sentence of its own, or what a speech verb
    # introduces ("a évoqué « l'obtention d'informations … »"); a long phrase a newspaper or a
    # document is credited with ("selon les documents officiels") stays a fragment.
    if words >= _LONG and (finite or quote.by_verb or first.isupper() and _opens_sentence(ctx, quote)):
        return "direct"
    # A clause is a statement; three words of one inside the reporter's sentence ("a promis de
    # « ne pas reculer »") are still a fragment.
    if finite and (words >= 4 or words >= 3 and first.isupper()):
        return "direct"
    if first.isupper() and _opens_sentence(ctx, quote):
        # A capitalised sentence of its own: a statement when it ends like one or someone said it.
        last = ctx.text[quote.start : quote.end].rstrip()[-1:]
        if (finite and words >= 2) or (last in ".!?…" and words >= 2) or quote.attributed:
            return "direct"
    return "fragment"


def _nobodys_words(ctx: _Context, quote: _Quote) -> bool:
    """A few words in quotation marks that no one is said to have spoken: a scare quote, a nickname, a
    name, the title of a work ("the "middle office"", « le Nid d'oiseau », "Happy Birthday")."""
    if ctx.lexicon is None or quote.kind == "direct":
        return False
    if _names_a_work(ctx, quote):
        return True
    before = bisect_left(ctx.idx, quote.open) - 1
    first = next((ch for ch in ctx.text[quote.start : quote.end] if ch.isalpha()), "")
    if (
        first.isupper()
        and before >= 0
        and ctx.pos[before] in ("ADP", "DET")
        and quote.t1 - quote.t0 <= 4
        and not any(ctx.finite(i) for i in range(quote.t0, quote.t1))
    ):
        return True  # "a confirmé dans « Le Figaro »": a name after a preposition, whoever speaks
    if quote.attributed and (quote.speaker is not None or quote.role):
        return False
    words = sum(1 for i in range(quote.t0, quote.t1) if any(ch.isalnum() for ch in ctx.lower[i]))
    if _title_case(ctx.text[quote.start : quote.end]) and not _opens_sentence(ctx, quote):
        return True  # "an "Action Plan for the Development of the Region"": a name, however long
    if words > 4 or any(ctx.finite(i) for i in range(quote.t0, quote.t1)):
        return False
    first = next((ch for ch in ctx.text[quote.start : quote.end] if ch.isalpha()), "")
    if first.isupper() and not _opens_sentence(ctx, quote):
        return True  # capitalised in the middle of the reporter's sentence: a name or a title
    # Someone's words need someone: a speech verb or a speaker in the sentence.
    first_token = _clause_floor(ctx, quote.t0 - 1) if quote.t0 > 0 else 0
    for i in range(first_token, len(ctx.lower)):
        if i >= quote.t0 and ctx.quote_of[i] < 0 and ctx.is_boundary(i):
            break
        if ctx.quote_of[i] >= 0:
            continue
        owner = ctx.owner[i]
        if owner is not None and owner.kind in _SPEAKER_KINDS or _is_speech_verb(ctx, i):
            return False
    return True


def _title_case(words: str) -> bool:
    """Every word longer than three letters capitalised, at least two of them, no sentence punctuation."""
    if any(ch in words for ch in ".!?;:,"):
        return False
    long = [w for w in re.findall(r"[^\W\d_][\w'’-]*", words) if len(w) > 3]
    return len(long) >= 2 and all(w[0].isupper() for w in long)


def _opens_sentence(ctx: _Context, quote: _Quote) -> bool:
    i = quote.open - 1
    while i >= 0 and ctx.text[i] in " \t\u00a0\u202f":
        i -= 1
    return i < 0 or ctx.text[i] in "\n.!?…:—–-"


def _names_a_work(ctx: _Context, quote: _Quote) -> bool:
    # "le film « Les Misérables »", "the so-called "experts"": a name or a scare quote, not speech.
    lexicon = ctx.lexicon
    i = bisect_left(ctx.idx, quote.open) - 1
    if lexicon is None or i < 0:
        return False
    word = ctx.lower[i]
    if _SCARE.search(ctx.text, max(0, quote.open - 20), quote.open):
        return True  # "so-called" may come as three tokens
    if quote.t1 - quote.t0 <= 8 and _CHARGE.search(ctx.text, max(0, quote.open - 60), quote.open):
        return True
    return word in lexicon.work_nouns and ctx.pos[i] != "VERB" or word in ("so-called", "soi-disant")


# --------------------------------------------------------------------------------------------
# Attribution
# --------------------------------------------------------------------------------------------


def _attribute(ctx: _Context, quote: _Quote) -> _Attribution | None:
    if ctx.lexicon is None:
        return None
    colon = bisect_left(ctx.idx, quote.open) - 1
    if colon >= 0 and ctx.lower[colon] == ":":
        # "X added: "…"": the colon hands the quote to what stands before it, whatever follows.
        found = _attribution_before(ctx, quote)
        if found is not None and (found.speaker is not None or found.cue):
            # A speech verb before the colon owns the quote even when its subject is unknown ("The Archbishop
            # said: "…""): the name after the quote opens the next sentence and says something else.
            return found
    return _attribution_after(ctx, quote) or _attribution_before(ctx, quote) or _attribution_inside(ctx, quote)


def _attribution_inside(ctx: _Context, quote: _Quote) -> _Attribution | None:
    """An incise inside the marks, as French typography allows: « Il faut agir, a-t-il dit, et vite »."""
    for i in range(quote.t0 + 1, quote.t1 - 1):
        if ctx.lower[i - 1] != ",":
            continue
        verb = next((j for j in range(i, min(i + 4, quote.t1)) if _is_speech_verb(ctx, j)), None)
        if verb is None or _cue_chain(ctx, verb)[0] != i and verb != i:
            continue
        # The incise closes with a comma or a sentence end soon after its verb.
        if not any(ctx.lower[k] == "," or ctx.is_boundary(k) for k in range(verb + 1, min(verb + 9, quote.t1))):
            continue
        found = _speaker_of_verb(ctx, verb, quote, window_start=i)
        if found.speaker is not None or found.role:
            return found
    return None


def _attribution_after(ctx: _Context, quote: _Quote) -> _Attribution | None:
    """« … », a-t-il ajouté / "…," she said / « … » X a déclaré / "…," said X, the chief executive."""
    if not quote.closed:
        return None
    first = bisect_right(ctx.idx, quote.close)
    if first >= len(ctx.idx) or "\n" in ctx.text[quote.close : ctx.idx[first]]:
        return None
    # The quote ended its sentence and a capitalised word follows: a new sentence, which attributes the
    # quote only if it opens with its subject and speech verb ("« … » Darmanin a déclaré …").
    new_sentence = ctx.text[quote.start : quote.end].rstrip()[-1:] in ".!?…" and ctx.text[ctx.idx[first]].isupper()
    for i in range(first, min(first + _WINDOW_AFTER, len(ctx.idx))):
        if new_sentence and i - first > 5 or new_sentence and not _may_lead_cue(ctx, i):
            return None
        if ctx.idx[i] in ctx.opens or ctx.quote_of[i] >= 0 or ctx.is_boundary(i) or ctx.para[i] != ctx.para[first]:
            return None
        according = _according_at(ctx, i)
        if according:
            # "X a affirmé qu'il « … » …, selon Y": the speaker the verb before the quote names outranks the
            # source after it, which only says where the reporter got it ("Ils ont évoqué « … », selon Y": Y).
            before = _attribution_before(ctx, quote)
            if before is not None and before.by_verb and before.speaker is not None:
                return before
            return _source_speaker(ctx, i + according, ctx.text[ctx.idx[i] : ctx.ends[i + according - 1]], quote)
        if ctx.lower[i] in ctx.lexicon.complementisers and ctx.pos[i] in ("SCONJ", "PRON"):
            return None  # "« … » mais qu'elle soutenait …": a clause of the reporter's sentence, not an incise
        if _is_speech_verb(ctx, i):
            if _introduces(ctx, i):
                return None  # "… », la chanteuse déclare : « … »": the verb is the next quote's
            found = _speaker_of_verb(ctx, i, quote, window_start=first)
            # A new sentence about someone else ("England confirmed that …") does not attribute it.
            return None if new_sentence and found.speaker is None else found
        if ctx.pos[i] in ("VERB", "AUX") and ctx.finite(i) and not _is_auxiliary_of_cue(ctx, i):
            return None  # a clause of its own starts: its verb says nothing of the quote
    return None


def _introduces(ctx: _Context, verb: int) -> bool:
    """The speech verb is followed by a colon, or by a noun phrase then a colon: it opens what follows."""
    for k in range(verb + 1, min(verb + 8, len(ctx.lower))):
        if ctx.lower[k] == ":":
            return True
        if ctx.is_boundary(k) or ctx.lower[k] == "," or ctx.idx[k] in ctx.opens:
            return False
    return False


def _may_lead_cue(ctx: _Context, i: int) -> bool:
    """Token i may stand before a speech verb opening a sentence: subject, auxiliary, adverb, the verb."""
    lexicon = ctx.lexicon
    word = ctx.lower[i]
    return (
        ctx.owner[i] is not None
        or word in lexicon.subjects
        or word in lexicon.auxiliaries
        or word in lexicon.courtesy_female
        or word in lexicon.courtesy_male
        or word in lexicon.inverted
        or word == "-t"
        or ctx.pos[i] == "ADV"
        or _is_speech_verb(ctx, i)
    )


def _attribution_before(ctx: _Context, quote: _Quote) -> _Attribution | None:
    """X a déclaré : « … » / X said: "…" / selon X, « … » / Pour X, « … »."""
    i = bisect_left(ctx.idx, quote.open) - 1
    floor = _clause_floor(ctx, i)
    steps = 0
    while i >= floor and steps < _WINDOW_BEFORE:
        if ctx.quote_of[i] >= 0:
            # Over a quote of the same sentence, marks and all: "X a dit « A » puis « B »".
            i = bisect_left(ctx.idx, ctx.quotes[ctx.quote_of[i]].open) - 1
            continue
        steps += 1
        if _is_speech_verb(ctx, i):
            return _speaker_of_verb(ctx, i, quote, window_start=floor)
        according = _according_ending_at(ctx, i)
        if according:
            start = i - according + 1
            return _source_speaker(ctx, i + 1, ctx.text[ctx.idx[start] : ctx.ends[i]], quote)
        if ctx.lower[i] == "pour" and i == floor and ctx.lexicon is _LEXICONS["fr"]:
            found = _pour_speaker(ctx, i, quote)
            if found is not None:
                return found
        i -= 1
    # "X a été plus direct : « … »", "X was blunt: "…"": a colon hands the word to the sentence's subject.
    colon = bisect_left(ctx.idx, quote.open) - 1
    if colon > floor and ctx.lower[colon] == ":":
        found = _sentence_subject(ctx, floor, colon, quote)
        if found is not None and found.speaker is not None:
            return _Attribution(found.speaker, "", found.role, by_verb=False, confidence=min(found.confidence, _COLON))
    return None


def _clause_floor(ctx: _Context, i: int, reach: int = 300) -> int:
    """First token of the sentence holding token i, read back over quotes; a paragraph ending in a
    colon ("X said:\\n"…"") introduces the next one and belongs to its sentence."""
    stop = i - reach  # copy without punctuation (a list, a table) must not make this quadratic
    while i >= 0:
        if i <= stop:
            return i + 1
        if ctx.quote_of[i] >= 0:
            quote = ctx.quotes[ctx.quote_of[i]]
            if ctx.text[quote.start : quote.end][-1:] in ".!?…":
                return i + 1  # « … le mieux. » Après …: the quote ended the sentence
            i = bisect_left(ctx.idx, quote.open) - 1
            continue
        if "\n" in ctx.lower[i]:
            k = i - 1
            while k >= 0 and not ctx.lower[k].strip():
                k -= 1
            if k >= 0 and ctx.lower[k] == ":":
                i = k - 1
                continue
            return i + 1
        if ctx.lower[i] in _TERMINALS:
            return i + 1
        i -= 1
    return 0


def _is_speech_verb(ctx: _Context, i: int) -> bool:
    lexicon = ctx.lexicon
    word = ctx.lower[i]
    if word not in lexicon.verbs:
        return False
    if word in lexicon.work_nouns and not ctx.finite(i):
        # "un homme appelé « le Boucher »", "dit « le Boucher »" name someone; "a appelé", "a-t-il dit" speak.
        start, end, _ = _cue_chain(ctx, i)
        return start < i or end > i + 1
    if ctx.pos[i] in ("VERB", "AUX"):
        return True
    # Tags slip on "note", "juge", "estime": an auxiliary before or a pronoun after settles it.
    j = i + 2 if i + 1 < len(ctx.lower) and ctx.lower[i + 1] == "-t" else i + 1  # "argumente-t-il"
    return (i > 0 and ctx.lower[i - 1] in lexicon.auxiliaries) or (
        j < len(ctx.lower) and ctx.lower[j] in lexicon.inverted and ctx.lower[j].startswith("-")
    )


def _is_auxiliary_of_cue(ctx: _Context, i: int) -> bool:
    # "a" in "a-t-il ajouté", "has" in "has said": the speech verb follows within three tokens.
    if ctx.lower[i] not in ctx.lexicon.auxiliaries:
        return False
    return any(j < len(ctx.lower) and _is_speech_verb(ctx, j) for j in range(i + 1, i + 4))


def _according_at(ctx: _Context, i: int) -> int:
    """Length of a "selon" / "d'après" / "according to" starting at token i, else 0."""
    if ctx.lower[i] not in _ACCORDING_FIRST:
        return 0
    for phrase in ctx.lexicon.according:
        n = len(phrase)
        if tuple(ctx.lower[i : i + n]) == phrase:
            return n
    return 0


def _according_ending_at(ctx: _Context, i: int) -> int:
    for phrase in ctx.lexicon.according:
        n = len(phrase)
        if i - n + 1 >= 0 and tuple(ctx.lower[i - n + 1 : i + 1]) == phrase:
            return n
    return 0


def _cue_chain(ctx: _Context, verb: int) -> tuple[int, int, str | None]:
    """Token range of the cue as written, and the gender of a French inverted pronoun in it, if any."""
    lexicon = ctx.lexicon
    start, end, inverted = verb, verb + 1, None
    if lexicon is not _LEXICONS["fr"]:
        # "has said", "had also told": the auxiliary is part of the cue.
        k = verb - 1
        if k >= 1 and ctx.pos[k] == "ADV" and ctx.lower[k - 1] in lexicon.auxiliaries:
            k -= 1
        if k >= 0 and ctx.lower[k] in lexicon.auxiliaries:
            start = k
        return start, end, None
    # Forward: "dit-il", "ajoute-t-elle".
    j = verb + 1
    if j < len(ctx.lower) and ctx.lower[j] == "-t":
        j += 1
    if j < len(ctx.lower) and ctx.lower[j] in lexicon.inverted:
        end, inverted = j + 1, lexicon.inverted[ctx.lower[j]]
    # Backward: "a-t-il ajouté", "a également déclaré", "s'est exclamé".
    k = verb - 1
    adverbs = 0
    while k >= 0:
        word = ctx.lower[k]
        if word in lexicon.inverted:
            inverted = lexicon.inverted[word]
        elif word == "-t":
            pass
        elif word in lexicon.auxiliaries:
            start = k
        elif (
            ctx.pos[k] == "ADV"
            and adverbs < 2
            and k > 0
            and (
                ctx.lower[k - 1] in lexicon.auxiliaries
                or ctx.lower[k - 1] in lexicon.inverted
                or ctx.pos[k - 1] == "ADV"
            )
        ):
            adverbs += 1
        else:
            break
        k -= 1
    return start, end, inverted


def _speaker_of_verb(ctx: _Context, verb: int, quote: _Quote, window_start: int) -> _Attribution:
    start, end, inverted = _cue_chain(ctx, verb)
    cue = ctx.text[ctx.idx[start] : ctx.ends[end - 1]]
    if inverted is not None and ctx.lexicon is _LEXICONS["fr"]:
        return _Attribution(_resolve_pronoun(ctx, inverted, min(quote.open, ctx.idx[start])), cue, confidence=_PRONOUN)
    before = _subject_before(ctx, start, window_start, quote)
    if before is None and start > 0 and ctx.lower[verb].endswith(("ing", "ant")):
        # "…, saying that …", "…, ajoutant que …": the participle shares the subject of its sentence, or the
        # speaker of the cue it follows ("« … », a-t-il souligné, estimant que « … »").
        floor = _clause_floor(ctx, start - 1)
        before = _sentence_subject(ctx, floor, start, quote)
        previous = next(
            (
                k
                for k in range(start - 1, max(floor, start - 8) - 1, -1)
                if ctx.quote_of[k] < 0 and _is_speech_verb(ctx, k) and not ctx.lower[k].endswith(("ing", "ant"))
            ),
            None,
        )
        if before is None and previous is not None:
            earlier = _speaker_of_verb(ctx, previous, quote, window_start)
            before = earlier if earlier.speaker is not None else None
    if before is None and start == verb:
        # "X a, de son côté, critiqué …": the subject stands before an auxiliary a few words back.
        aux = next(
            (
                k
                for k in range(verb - 1, max(window_start, verb - 6) - 1, -1)
                if ctx.lower[k] in ctx.lexicon.auxiliaries and ctx.pos[k] in ("AUX", "VERB")
            ),
            None,
        )
        if aux is not None and not any(ctx.is_boundary(k) or ctx.quote_of[k] >= 0 for k in range(aux, verb)):
            before = _subject_before(ctx, aux, window_start, quote)
    if before is None:
        # "X a mis la pression …, et a exhorté …", "X said … and promised …": the verb shares the subject of
        # the clause it is coordinated with.
        k = start - 1
        while k >= window_start and (ctx.lower[k] == "," or ctx.pos[k] == "ADV" and ctx.owner[k] is None):
            k -= 1
        if k > window_start and ctx.lower[k] in ctx.lexicon.coordinators and ctx.quote_of[k] < 0:
            before = _sentence_subject(ctx, _clause_floor(ctx, k - 1), k, quote)
    if before is not None:
        return _Attribution(before.speaker, cue, before.role, confidence=before.confidence)
    if ctx.lexicon is _LEXICONS["en"] and ctx.lower[verb] in ctx.lexicon.tell_verbs:
        return _Attribution(None, cue)  # "told BBC Radio 4's Today": the listener, never the speaker
    if ctx.lower[verb].endswith(("ing", "ant")):
        return _Attribution(None, cue)  # "en accusant le président": a participle's object, not its subject
    after = _subject_after(ctx, end, quote)
    if after is not None:
        return _Attribution(after.speaker, cue, after.role, confidence=after.confidence)
    return _Attribution(None, cue)


def _sentence_subject(ctx: _Context, floor: int, stop: int, quote: _Quote) -> _Attribution | None:
    """The subject of the sentence starting at token ``floor``: what it names before its first verb."""
    if floor < stop and ctx.pos[floor] in ("ADP", "VERB"):
        # "Speaking to BBC Radio 4's Today programme, the MP …", "Interrogée par France Inter, la députée …":
        # the opening phrase names the outlet or the place, never the subject.
        comma = next((k for k in range(floor, stop) if ctx.lower[k] == ","), None)
        if comma is None:
            return None
        floor = comma + 1
    for k in range(floor, stop):
        if _foreign(ctx, k, quote) or ctx.pos[k] in ("VERB", "AUX") and ctx.finite(k):
            return None
        if k > floor and ctx.pos[k - 1] == "ADP" and ctx.owner[k] is not None:
            return None  # "à Paris", "with the BBC": a complement, not the subject
        if _is_title_head(ctx, k):
            return _title_subject(ctx, k, None, quote)
        owner = ctx.owner[k]
        if owner is not None and owner.kind == "person":
            return _description_speaker(ctx, owner) if _is_description(ctx, owner) else _Attribution(owner.group, "")
        if owner is not None and owner.kind == "organisation":
            # "Home Office minister Hazel Blears": the organisation qualifies the person's title.
            after = bisect_left(ctx.idx, owner.end)
            person = next((ctx.owner[j] for j in range(after, min(after + 4, stop)) if ctx.owner[j] is not None), None)
            if (
                person is not None
                and person.kind == "person"
                and all(
                    ctx.pos[j] in ("NOUN", "PROPN", "ADJ") for j in range(after, bisect_left(ctx.idx, person.start))
                )
            ):
                return _Attribution(person.group, "")
            return _Attribution(owner.group, "")
        if ctx.lower[k] in ctx.lexicon.subjects and ctx.pos[k] == "PRON":
            return _Attribution(
                _resolve_pronoun(ctx, ctx.lexicon.subjects[ctx.lower[k]], ctx.idx[k]), "", confidence=_PRONOUN
            )
    return None


def _subject_before(ctx: _Context, cue_start: int, floor: int, quote: _Quote) -> _Attribution | None:
    """The subject written right before the speech verb: a name, a pronoun, a title, an organisation."""
    i = cue_start - 1
    skipped = 0
    # Between a subject and its verb: "X, lundi, a déclaré", "X, qui a rencontré Y, a déclaré".
    while i >= floor and skipped < 6:
        if _foreign(ctx, i, quote) or ctx.is_boundary(i):
            return None
        if ctx.lower[i] == ",":
            relative = _relative_start(ctx, i - 1, floor)
            if relative is None:
                relative = _apposition_start(ctx, i - 1, floor)
            i = relative - 1 if relative is not None else i - 1
        elif ctx.owner[i] is None and (ctx.pos[i] == "ADV" or _is_time(ctx, i) or ctx.lower[i] in _CLITICS):
            i -= 1
        elif ctx.lower[i] == ")":
            # "The British Chambers of Commerce (BCC) said": the short name in brackets is the same subject.
            opening = next((j for j in range(i - 1, max(floor, i - 6) - 1, -1) if ctx.lower[j] == "("), None)
            if opening is None:
                break
            i = opening - 1
        else:
            break
        skipped += 1
    if i < floor or _foreign(ctx, i, quote) or ctx.is_boundary(i):
        return None
    if ctx.lower[i] in ("qui", "who") and ctx.pos[i] == "PRON" and i > floor:
        # "le Parti socialiste qui l'a qualifiée de « … »": the relative pronoun stands for the noun before it,
        # whatever that noun does in the sentence ("a été critiquée par le Parti socialiste qui …").
        j = i - 1 if ctx.lower[i - 1] != "," else i - 2
        if j < floor or _foreign(ctx, j, quote):
            return None
        head = _noun_phrase_head(ctx, j, floor)
        return None if _coordinated_subject(ctx, head, floor) else _subject_at(ctx, head, cue_start, quote)
    head = _noun_phrase_head(ctx, i, floor)
    if _agent_or_complement(ctx, head, floor):
        return None  # "X reçus par le président Y ont jugé": Y is not who judged
    if _coordinated_subject(ctx, head, floor):
        return None  # "William and Harry said": two speakers, no one group said it
    return _subject_at(ctx, head, cue_start, quote)


def _coordinated_subject(ctx: _Context, head: int, floor: int) -> bool:
    """ "William and Harry said": the subject is one of two. Not when a clause comes before the coordinator
    ("Milan beat Juventus at Old Trafford and Ancelotti said": two clauses, one subject each)."""
    mention = ctx.owner[head]
    k = (bisect_left(ctx.idx, mention.start) if mention is not None else head) - 1
    while k >= floor and (ctx.lower[k] in ctx.lexicon.determiners or ctx.lower[k] in ctx.lexicon.titles):
        k -= 1
    if k < floor or ctx.lower[k] not in ctx.lexicon.coordinators:
        return False
    return not any(ctx.quote_of[j] < 0 and ctx.pos[j] in ("VERB", "AUX") and ctx.finite(j) for j in range(floor, k))


def _agent_or_complement(ctx: _Context, head: int, floor: int) -> bool:
    """The noun phrase at ``head`` follows "par", "by", "avec", "with", "à", "to": it is no subject."""
    k = head - 1
    while k >= floor and head - k <= 6:
        word = ctx.lower[k]
        if word in _AGENT_PREPOSITIONS:
            return True
        if not (
            word in ctx.lexicon.determiners
            or word in ctx.lexicon.titles
            or word in ctx.lexicon.title_modifiers
            or word in ctx.lexicon.courtesy_female
            or word in ctx.lexicon.courtesy_male
            or word in ctx.lexicon.organisations  # "avec l'équipe X"
            or ctx.pos[k] in ("ADJ", "PROPN")
        ):
            return False
        k -= 1
    return False


def _is_time(ctx: _Context, i: int) -> bool:
    return ctx.lower[i] in _TIME_WORDS or ctx.doc[i].ent_type_ in ("DATE", "TIME")


def _foreign(ctx: _Context, i: int, quote: _Quote) -> bool:
    """Token i is inside a quote other than ``quote``: an attribution never reads into one."""
    n = ctx.quote_of[i]
    return n >= 0 and ctx.quotes[n] is not quote


def _noun_phrase_head(ctx: _Context, i: int, floor: int) -> int:
    """Head of the noun phrase ending at token i: complements and French adjectives are skipped
    ("le chef de la diplomatie française" → "chef", "the head of the IMF" → "head")."""
    lexicon = ctx.lexicon
    while i > floor:
        mention = ctx.owner[i]
        start = bisect_left(ctx.idx, mention.start) if mention is not None else i
        j = start - 1
        if (
            j >= floor
            and ctx.lower[j] in lexicon.determiners
            and j - 1 >= floor
            and ctx.lower[j - 1] in lexicon.prepositions
        ):
            j -= 1  # "de la", "of the"
        if (
            j > floor
            and ctx.lower[j] in lexicon.prepositions
            and ctx.owner[j] is None
            and (ctx.pos[start] in ("NOUN", "PROPN") or mention is not None)
        ):
            i = j - 1  # a complement: the head is before it
            continue
        if (
            mention is None
            and ctx.pos[i] == "ADJ"
            and lexicon is _LEXICONS["fr"]
            and ctx.pos[i - 1] in ("NOUN", "PROPN", "ADJ")
        ):
            i -= 1  # French adjectives follow their noun
            continue
        return start
    return i


def _subject_at(ctx: _Context, i: int, cue_start: int, quote: _Quote) -> _Attribution | None:
    lexicon = ctx.lexicon
    mention = ctx.owner[i]
    if mention is not None:
        if mention.kind == "other" and ctx.pos[i] == "PROPN":
            # The model ran a name into the words after it ("Henry told CRN"): the person it ends with.
            person = _person_by_surname(ctx, i)
            return _Attribution(person, "", confidence=_SURNAME) if person is not None else None
        if _is_description(ctx, mention):
            return _description_speaker(ctx, mention)
        if mention.kind == "place" and _seat_speaks(ctx, mention):
            return _Attribution(mention.group, "", confidence=_SEAT)
        if mention.kind not in _SPEAKER_KINDS:
            return None  # "en France, a déclaré", "in Paris, he said": a place is not a speaker
        title = bisect_left(ctx.idx, mention.start) - 1
        if (
            mention.kind == "organisation"
            and title >= 0
            and _is_title_head(ctx, title)
            and ctx.lower[title] not in ctx.lexicon.spokespeople
        ):
            return _title_subject(ctx, title, None, quote)  # "le maire PS": the mayor, not the party
        return _Attribution(mention.group, "")
    word = ctx.lower[i]
    if word in lexicon.subjects and ctx.pos[i] == "PRON":
        return _Attribution(_resolve_pronoun(ctx, lexicon.subjects[word], ctx.idx[i]), "", confidence=_PRONOUN)
    if word in lexicon.determiners or word in lexicon.indefinites:
        aged = _aged(ctx, i)  # "the 55-year-old said" (the age itself read as a date and skipped)
        if aged is not None:
            return aged
    if ctx.pos[i] == "PROPN":
        person = _person_by_surname(ctx, i)
        if person is not None:
            return _Attribution(person, "", confidence=_SURNAME)
    if _is_title_head(ctx, i):
        return _title_subject(ctx, i, cue_start, quote)
    if word in lexicon.organisations and ctx.pos[i] in ("NOUN", "PROPN"):
        return _organisation_named_again(ctx, i)
    return None


def _person_by_surname(ctx: _Context, i: int) -> int | None:
    """A name the entity model missed ("Mr Gates insisted"): the one person of the article whose name
    ends with that word."""
    word = _fold(ctx.lower[i])
    if not ctx.text[ctx.idx[i]].isupper():
        return None
    found = {
        n
        for n, group in enumerate(ctx.groups)
        if group.kind == "person"
        and any(_fold(surface).split()[-1:] == [word] for surface in (group.name, *group.surfaces))
    }
    return found.pop() if len(found) == 1 else None


def _subject_after(ctx: _Context, i: int, quote: _Quote) -> _Attribution | None:
    """An inverted subject: "a déclaré le chef de la diplomatie", "said Jane Smith", "said he"."""
    lexicon = ctx.lexicon
    n = len(ctx.lower)
    # Dates and adverbs may come first: "a déclaré lundi le ministre".
    while i < n and (ctx.pos[i] == "ADV" or _is_time(ctx, i)) and ctx.owner[i] is None:
        i += 1
    if i >= n or _foreign(ctx, i, quote) or ctx.is_boundary(i):
        return None
    # A name, maybe after a courtesy or an English title: "estime M. Dupont", "said Foreign Secretary X".
    for j in range(i, min(i + 5, n)):
        mention = ctx.owner[j]
        if mention is not None:
            if _opens_clause(ctx, bisect_left(ctx.idx, mention.end)):
                return None  # "insisted Mr X was speaking about adults": the subject of what was said
            if _is_description(ctx, mention):
                return _description_speaker(ctx, mention)
            if mention.kind == "place" and j <= i + 1 and _seat_speaks(ctx, mention):
                return _Attribution(mention.group, "", confidence=_SEAT)  # "a déclaré l'Élysée dans un communiqué"
            if mention.kind not in _SPEAKER_KINDS:
                return None
            return _holder_of_title_after(ctx, mention, quote) or _Attribution(mention.group, "")
        word = ctx.lower[j]
        if not (
            word in lexicon.courtesy_female
            or word in lexicon.courtesy_male
            or (lexicon is _LEXICONS["en"] and ctx.text[ctx.idx[j]].isupper() and ctx.pos[j] in ("PROPN", "NOUN"))
            or (j == i and word in lexicon.determiners)  # "a indiqué le ministère de la Santé"
            or (lexicon is _LEXICONS["en"] and (word in lexicon.titles or word in lexicon.title_modifiers))
        ):
            break
    word = ctx.lower[i]
    # "said he." inverts the subject; in "argued it was" the pronoun opens the reported clause.
    if lexicon is _LEXICONS["en"] and word in ("he", "she") and (i + 1 >= n or ctx.pos[i + 1] == "PUNCT"):
        return _Attribution(_resolve_pronoun(ctx, lexicon.subjects[word], quote.open), "", confidence=_PRONOUN)
    if word in lexicon.determiners or word in lexicon.indefinites:
        j = i + 1
        while j < min(i + 8, n) and not ctx.is_boundary(j) and not _foreign(ctx, j, quote):
            owner = ctx.owner[j]
            if owner is not None:
                if owner.kind == "person":
                    break
                j = bisect_left(ctx.idx, owner.end)  # "the two-time Academy Award winner": a name qualifying it
                continue
            if _is_title_head(ctx, j):
                return _title_subject(ctx, j, None, quote)
            if ctx.lower[j] in lexicon.organisations and ctx.pos[j] in ("NOUN", "PROPN"):
                return _organisation_named_again(ctx, j)
            if ctx.pos[j] not in ("DET", "ADJ", "NOUN", "PROPN", "PART", "NUM") and ctx.lower[j] != "-":
                break
            j += 1
        aged = _aged(ctx, i)
        if aged is not None:
            return aged
    return None


def _aged(ctx: _Context, determiner: int) -> _Attribution | None:
    """ "the 55-year-old said": an age standing for a person, the one the article is about there."""
    j = determiner + 1
    while j < len(ctx.lower) and j - determiner <= 6 and (ctx.pos[j] == "NUM" or ctx.lower[j] in _AGE_WORDS):
        j += 1
    if ctx.lower[j - 1] != "old" or j >= len(ctx.lower) or ctx.pos[j] in ("NOUN", "PROPN"):
        return None  # no age, or an age qualifying a noun ("the 55-year-old actor")
    phrase = ctx.text[ctx.idx[determiner] : ctx.ends[j - 1]]
    if ctx.lower[determiner] in ctx.lexicon.indefinites:
        return _Attribution(None, "", phrase)
    return _Attribution(
        _described_person(ctx, ctx.idx[determiner], None, title=False), "", phrase, confidence=_NEAREST_SUBJECT
    )


def _opens_clause(ctx: _Context, k: int) -> bool:
    """A finite verb at token ``k``, after adverbs: the noun phrase before it is that verb's subject."""
    while k < len(ctx.lower) and ctx.pos[k] == "ADV" and ctx.owner[k] is None:
        k += 1
    return k < len(ctx.lower) and ctx.quote_of[k] < 0 and ctx.pos[k] in ("VERB", "AUX") and ctx.finite(k)


def _apposition_start(ctx: _Context, i: int, floor: int) -> int | None:
    """Start (the comma) of a title set beside a name, ending at token i: "X, director of Y, said"."""
    titled = False
    found = None
    # "X, director of Y, said", "X, vice president at the group, Acme, agreed": back to a person if there is one.
    for j in range(i, max(floor, i - 24) - 1, -1):
        if ctx.is_boundary(j) or ctx.quote_of[j] >= 0 or ctx.pos[j] in ("VERB", "AUX") and ctx.finite(j):
            break
        titled = titled or _is_title_head(ctx, j)
        if ctx.lower[j] == "," and j < i and j > floor and ctx.owner[j - 1] is not None:
            owner = ctx.owner[j - 1]
            if owner.kind == "person":
                return j
            if owner.kind in _SPEAKER_KINDS and titled and found is None:
                found = j
    return found


def _seat_speaks(ctx: _Context, mention: MentionSpan) -> bool:
    """A place that is itself the subject of a speech verb stands for its government or institution
    ("Pékin a averti", "a déclaré l'Élysée", "the White House said"): not after a preposition ("à Paris"),
    and nothing but punctuation or a preposition after it ("l'Élysée dans un communiqué")."""
    first = bisect_left(ctx.idx, mention.start)
    after = bisect_left(ctx.idx, mention.end)
    j = first - 1
    if j >= 0 and ctx.lower[j] in ctx.lexicon.determiners:
        j -= 1
    if j >= 0 and ctx.pos[j] == "ADP":
        return False
    return after >= len(ctx.lower) or ctx.pos[after] in ("PUNCT", "ADP", "AUX", "VERB") or ctx.is_boundary(after)


def _holder_of_title_after(ctx: _Context, mention: MentionSpan, quote: _Quote) -> _Attribution | None:
    """A name that only qualifies the title after it: "Biancardi's attorney, James Zeszutek", "Acme chief
    executive Jane Smith", "the club's manager": the title's holder speaks, not the name (None if not so)."""
    lexicon = ctx.lexicon
    k = bisect_left(ctx.idx, mention.end)
    possessive = k < len(ctx.lower) and ctx.lower[k] in ("'s", "'")
    if possessive:
        k += 1
    elif mention.kind != "organisation":
        return None
    for j in range(k, min(k + 4, len(ctx.lower))):
        owner = ctx.owner[j]
        if owner is not None:
            return _Attribution(owner.group, "") if owner.kind == "person" and j > k else None
        if _is_title_head(ctx, j):
            return _title_subject(ctx, j, None, quote) or _Attribution(None, "")
        if not (possessive or ctx.lower[j] in lexicon.title_modifiers or ctx.pos[j] in ("NOUN", "PROPN", "ADJ")):
            break
    return _Attribution(None, "") if possessive else None


def _relative_start(ctx: _Context, i: int, floor: int) -> int | None:
    """Start (the comma) of a relative clause holding token i: ", qui …", ", who …"."""
    j = i - 1
    while j > floor and i - j < 10:
        if ctx.lower[j] == "," and ctx.lower[j + 1] in ctx.lexicon.relatives:
            return j
        if ctx.lower[j] == ",":
            return None
        j -= 1
    return None


def _source_speaker(ctx: _Context, i: int, cue: str, quote: _Quote) -> _Attribution:
    """The source named after "selon" / "according to": a name, a pronoun or a title."""
    lexicon = ctx.lexicon
    n = len(ctx.lower)
    if i < n and ctx.lower[i] in lexicon.object_pronouns:
        return _Attribution(
            _resolve_pronoun(ctx, lexicon.object_pronouns[ctx.lower[i]], quote.open),
            cue,
            by_verb=False,
            confidence=_PRONOUN,
        )
    for j in range(i, min(i + 10, n)):
        if ctx.lower[j] == "," or ctx.is_boundary(j) or _foreign(ctx, j, quote) or ctx.idx[j] in ctx.opens:
            break
        if ctx.pos[j] in ("VERB", "AUX") or ctx.lower[j] in ("par", "by"):
            break  # "selon un enregistrement obtenu par l'AFP": the source is the recording, not the agency
        mention = ctx.owner[j]
        if mention is not None and mention.kind in _SPEAKER_KINDS:
            if any(_is_title_head(ctx, k) and ctx.lower[k] not in lexicon.spokespeople for k in range(i, j)):
                break  # "selon le patron de la banque X, Jean Dupont": the title's holder, read below
            if _is_description(ctx, mention):
                found = _description_speaker(ctx, mention)
                return _Attribution(found.speaker, cue, found.role, by_verb=False, confidence=found.confidence)
            held = _holder_of_title_after(ctx, mention, quote)
            if held is not None:
                return _Attribution(held.speaker, cue, held.role, by_verb=False, confidence=held.confidence)
            return _Attribution(mention.group, cue, by_verb=False)
    found = _subject_after(ctx, i, quote)
    if found is None:
        return _Attribution(None, cue, by_verb=False)
    return _Attribution(found.speaker, cue, found.role, by_verb=False, confidence=found.confidence)


def _pour_speaker(ctx: _Context, i: int, quote: _Quote) -> _Attribution | None:
    # "Pour Jean Dupont, « … »": an opinion given by a person or an organisation, comma required.
    found = _source_speaker(ctx, i + 1, ctx.text[ctx.idx[i] : ctx.ends[i]], quote)
    if found.speaker is None:
        return None
    j = i + 1
    while j < len(ctx.lower) and ctx.lower[j] != "," and not ctx.is_boundary(j) and j - i < 10:
        j += 1
    return found if j < len(ctx.lower) and ctx.lower[j] == "," else None


# --------------------------------------------------------------------------------------------
# Pronouns, titles and organisations named again
# --------------------------------------------------------------------------------------------


def _resolve_pronoun(ctx: _Context, gender: str, before: int) -> int | None:
    """The person (or, for "it", the organisation) a pronoun at char ``before`` refers to."""
    if gender == "P":
        return None  # several speakers: no one group said it
    kind = "organisation" if gender == "N" else "person"
    last = bisect_left(ctx.idx, before)
    wanted = "F" if gender == "F" else None
    unwanted = "F" if gender == "M" else "M" if gender == "F" else None
    if kind == "person":
        described = _described_before(ctx, last, unwanted)
        if described is not None:
            return described.speaker
        unwanted = "F" if gender == "M" else None
    for pass_ in (0, 1):
        found = _nearest_antecedent(ctx, last, kind, wanted if pass_ == 0 else None, unwanted if pass_ == 0 else None)
        if found is not None:
            return None if kind == "person" and _unknown_speaker_since(ctx, found, last) else found
    return None


def _described_before(ctx: _Context, last: int, unwanted: str | None) -> _Attribution | None:
    """The sentences between a pronoun at token ``last`` and the nearest name before it may be about someone
    the text only describes ("The Tory leader countered …. He declared:", "But a spokeswoman insisted …. "…,"
    she said", "X is fit, but the Scot admitted …. "…," he said"): the pronoun is that description's, whoever
    holds it or no one. None when a name comes first (the pronoun is read as usual)."""
    lexicon = ctx.lexicon
    end = _sentence_start(ctx, last)  # the pronoun's own sentence is about it
    for _ in range(3):
        if end <= 0:
            return None
        floor = _sentence_start(ctx, end - 1)
        probe = _Quote(ctx.idx[floor], ctx.idx[floor], False, 0, 0)
        found = None
        for verb in range(end - 1, floor - 1, -1):
            if ctx.quote_of[verb] >= 0 or not _is_speech_verb(ctx, verb):
                continue
            start, stop, inverted = _cue_chain(ctx, verb)
            # A pronoun speaking there ("he said", "said he.") is about someone earlier still: no need to
            # resolve it here.
            pronoun = any(
                ctx.lower[k] in lexicon.subjects and ctx.quote_of[k] < 0 for k in range(max(floor, start - 6), start)
            ) or (stop + 1 < end and ctx.lower[stop] in lexicon.subjects and ctx.pos[stop + 1] == "PUNCT")
            if inverted is None and not pronoun:
                found = _subject_before(ctx, start, floor, probe)
                if found is None and ctx.lower[verb] not in lexicon.tell_verbs:
                    found = _subject_after(ctx, stop, probe)
            break
        if found is None:
            verb = next(
                (
                    k
                    for k in range(floor, end)
                    if ctx.quote_of[k] < 0 and ctx.pos[k] in ("VERB", "AUX") and ctx.finite(k)
                ),
                end,
            )
            if not any(ctx.lower[k] in lexicon.subjects for k in range(floor, verb)):
                found = _sentence_subject(ctx, floor, verb, probe)
        if found is not None and found.role and _fits_phrase(ctx, found, unwanted):
            return found
        if any(
            ctx.quote_of[k] < 0
            and ctx.owner[k] is not None
            and ctx.owner[k].kind == "person"
            and not _is_description(ctx, ctx.owner[k])
            for k in range(floor, end)
        ):
            return None
        end = floor
    return None


def _fits_phrase(ctx: _Context, found: _Attribution, unwanted: str | None) -> bool:
    """The title or description ``found`` (and the person it stands for) may be of the pronoun's gender."""
    if unwanted is None:
        return True
    words = set(found.role.casefold().split())
    gender = "F" if words & ctx.lexicon.female_titles else "M" if words & ctx.lexicon.male_titles else None
    if gender == unwanted:
        return False
    return found.speaker is None or _fits(ctx, found.speaker, None, unwanted)


def _unknown_speaker_since(ctx: _Context, group: int, last: int) -> bool:
    """A sentence after the antecedent's last mention opens with a name that is no person of the article
    and speaks ("Al-Sawarmi Khalid, spokesman for the army, said …"): the pronoun may be theirs."""
    starts = ctx.person_starts.get(group, [])
    n = bisect_left(starts, ctx.idx[last] if last < len(ctx.idx) else ctx.limit)
    k = bisect_left(ctx.idx, starts[n - 1]) + 1 if n else 0
    if any(q.by_verb and q.speaker is None and k <= q.t0 < last for q in ctx.quotes):
        return True  # '"…," said the fisherman's wife. "…," she said': someone the text did not name
    while k < last:
        if ctx.sent[k] != ctx.sent[k - 1] and ctx.quote_of[k] < 0:
            owner = ctx.owner[k]
            # "Al-Sawarmi Khalid, spokesman …, said", "L'association a expliqué qu'elle …" (« elle » may be it).
            unknown = (
                owner is not None
                and owner.kind != "person"
                or owner is None
                and ctx.pos[k] == "PROPN"
                and ctx.text[ctx.idx[k]].isupper()
                and _person_by_surname(ctx, k) != group
                or ctx.lower[k] in ctx.lexicon.determiners
                and k + 1 < last
                and ctx.lower[k + 1] in ctx.lexicon.organisations
            )
            end = min(k + _WINDOW_AFTER, last)
            # Its own verb (the first finite one) says it: "Polar Express is based on a book which tells …" does not.
            verb = next(
                (
                    j
                    for j in range(k, end)
                    if ctx.quote_of[j] < 0
                    and (ctx.pos[j] in ("VERB", "AUX") and ctx.finite(j) or _is_speech_verb(ctx, j))
                ),
                None,
            )
            if unknown and verb is not None and (_is_speech_verb(ctx, verb) or _is_auxiliary_of_cue(ctx, verb)):
                return True
        k += 1
    return False


def _nearest_antecedent(
    ctx: _Context, last: int, kind: str, wanted: str | None, unwanted: str | None, subject_only: bool = False
) -> int | None:
    # Walks back to the nearest sentence naming a fitting actor; there its subject (named before any
    # finite verb of the sentence) wins over the others, then the latest one. A sentence whose subject is
    # itself a pronoun ("He directed X's film") is about someone named earlier: the walk goes on.
    for _ in range(3):
        same: list[MentionSpan] = []
        sentence = -1
        for mention, token in _mentions_back(ctx, last):
            if sentence >= 0 and ctx.sent[token] != sentence:
                break
            if mention.kind == kind and _fits(ctx, mention.group, wanted, unwanted):
                sentence = ctx.sent[token]
                same.append(mention)
        if not same:
            return None
        subject = _subject_among(ctx, same, sentence)
        if subject is not None:
            return subject
        first = _sentence_start(ctx, bisect_left(ctx.idx, same[-1].start))
        if _pronoun_opens(ctx, first, bisect_left(ctx.idx, same[-1].start)):
            last = first
            continue
        if subject_only:
            return None
        first_token = bisect_left(ctx.sent, sentence)
        verbs = [
            i
            for i in range(first_token, bisect_left(ctx.idx, same[0].start))
            if ctx.quote_of[i] < 0 and ctx.pos[i] in ("VERB", "AUX") and ctx.finite(i)
        ]
        for mention in reversed(same):  # text order
            if not verbs or ctx.idx[verbs[0]] > mention.start:
                return mention.group
        # A name the entity model missed as the subject ("Ancelotti said he was aware of the threat United
        # posed"): the one person of that surname, else no one.
        unnamed = next(
            (
                k
                for k in range(first_token, verbs[0])
                if ctx.owner[k] is None
                and ctx.pos[k] == "PROPN"
                and ctx.text[ctx.idx[k]].isupper()
                and ctx.quote_of[k] < 0
            ),
            None,
        )
        if unnamed is not None:
            person = _person_by_surname(ctx, unnamed)
            return person if person is not None and _fits(ctx, person, wanted, unwanted) else None
        # No subject to go by: the latest name only when it is the sentence's one fitting actor.
        return same[0].group if len({mention.group for mention in same}) == 1 else None
    return None


def _subject_among(ctx: _Context, same: list[MentionSpan], sentence: int) -> int | None:
    for mention in reversed(same):  # text order: a name its finite verb follows is the subject
        before = bisect_left(ctx.idx, mention.start) - 1
        while before >= 0 and (
            ctx.lower[before] in ctx.lexicon.courtesy_male
            or ctx.lower[before] in ctx.lexicon.courtesy_female
            or _is_title_head(ctx, before)
        ):
            before -= 1
        if before >= 0 and ctx.quote_of[before] < 0 and _is_speech_verb(ctx, before):
            return mention.group  # "…, a expliqué Marc Vidal": the inverted subject of a speech verb
        if _verb_before(ctx, bisect_left(ctx.sent, sentence), bisect_left(ctx.idx, mention.start)):
            continue  # "Ils étaient tous des X, …, a expliqué Y": X is no subject
        k = bisect_left(ctx.idx, mention.end)
        if k < len(ctx.lower) and ctx.lower[k] == ",":
            # "X, septuple vainqueur du Tour qui a annoncé son retour, a repoussé …": past the apposition.
            k = next((j + 1 for j in range(k + 1, min(k + 30, len(ctx.lower))) if ctx.lower[j] == ","), k)
        while k < len(ctx.lower) and ctx.owner[k] is None and (ctx.pos[k] == "ADV" or ctx.lower[k] in _CLITICS):
            k += 1
        if k < len(ctx.lower) and ctx.pos[k] in ("VERB", "AUX") and ctx.finite(k) and ctx.quote_of[k] < 0:
            return mention.group
    return None


def _sentence_start(ctx: _Context, i: int) -> int:
    """First token after the sentence end or line break before token i."""
    k = i - 1
    while k >= 0 and i - k < 200 and not (ctx.is_boundary(k) and ctx.quote_of[k] < 0):
        k -= 1
    return k + 1


def _pronoun_opens(ctx: _Context, first: int, stop: int) -> bool:
    """The sentence from token ``first`` has a subject pronoun before its first finite verb and name."""
    for k in range(first, stop):
        if ctx.lower[k] in ctx.lexicon.subjects and ctx.pos[k] == "PRON":
            return True
        if ctx.owner[k] is not None or ctx.pos[k] in ("VERB", "AUX", "NOUN", "PROPN"):
            return False
    return False


def _verb_before(ctx: _Context, first: int, stop: int) -> bool:
    """A finite verb between tokens ``first`` and ``stop`` (or the last line break or sentence end before it),
    outside quotes and parentheses."""
    depth = 0
    for i in range(stop - 1, first - 1, -1):
        word = ctx.lower[i]
        if ctx.is_boundary(i) and ctx.quote_of[i] < 0:
            return False
        depth += (word == ")") - (word == "(")
        if depth <= 0 and ctx.quote_of[i] < 0 and ctx.pos[i] in ("VERB", "AUX") and ctx.finite(i):
            return True
    return False


def _mentions_back(ctx: _Context, last: int):
    """Mentions outside quotes (a name inside a quote is not the speaker) ending before token ``last``,
    nearest first, with the token each starts at."""
    end = ctx.idx[last] if last < len(ctx.idx) else ctx.limit
    for n in range(bisect_left(ctx.free_starts, end) - 1, -1, -1):
        mention = ctx.free[n]
        if mention.end <= end:
            yield mention, ctx.free_tokens[n]


def _fits(ctx: _Context, group: int, wanted: str | None, unwanted: str | None) -> bool:
    gender = ctx.genders.get(group)
    if wanted is not None:
        return gender == wanted
    return unwanted is None or gender != unwanted


def _genders(ctx: _Context) -> dict[int, str]:
    """What the text tells of each person's gender: courtesy titles, gendered titles, agreement."""
    lexicon = ctx.lexicon
    votes: dict[int, list[str]] = {}
    for mention in ctx.mentions:
        if mention.kind != "person":
            continue
        start = bisect_left(ctx.idx, mention.start)
        end = bisect_left(ctx.idx, mention.end)
        for i in (start - 1, start):
            if 0 <= i < len(ctx.lower):
                if ctx.lower[i] in lexicon.courtesy_female:
                    votes.setdefault(mention.group, []).append("F")
                elif ctx.lower[i] in lexicon.courtesy_male:
                    votes.setdefault(mention.group, []).append("M")
        # A gendered title right before the name: "la chanteuse Cindy Santos", "le producteur et musicien
        # suisse David Wehren", "actress Jane Smith".
        for i in range(start - 1, max(start - 5, 0) - 1, -1):
            word = ctx.lower[i]
            if word in lexicon.female_titles or word in lexicon.male_titles:
                votes.setdefault(mention.group, []).append("F" if word in lexicon.female_titles else "M")
                break
            if ctx.pos[i] not in ("ADJ", "NOUN", "CCONJ") or ctx.owner[i] is not None:
                break
        # French agreement: "X s'est rendue", "X est arrivée" (the masculine is also the default).
        for i in range(end, min(end + 3, len(ctx.lower))):
            if ctx.pos[i] == "VERB" and "VerbForm=Part" in ctx.morph(i):
                if "Gender=Fem" in ctx.morph(i) and ctx.lower[end] in ("est", "s'", "a"):
                    votes.setdefault(mention.group, []).append("F")
                break
    for role in ctx.roles:
        words = set(role.title.casefold().split())
        if words & lexicon.female_titles:
            votes.setdefault(role.group, []).append("F")
        elif words & lexicon.male_titles:
            votes.setdefault(role.group, []).append("M")
    return {group: max(set(v), key=v.count) for group, v in votes.items() if len(set(v)) == 1}


def _is_title_head(ctx: _Context, i: int) -> bool:
    word, pos = ctx.lower[i], ctx.pos[i]
    if ctx.owner[i] is not None:
        return False
    return (
        word in ctx.lexicon.titles
        and pos in ("NOUN", "PROPN", "ADJ")
        or (word in ctx.lexicon.person_nouns and pos in ("NOUN", "PROPN"))
    )


def _title_span(ctx: _Context, head: int) -> tuple[int, int]:
    """Token range of the title phrase around a head word, its determiner included."""
    lexicon = ctx.lexicon
    n = len(ctx.lower)
    english = lexicon is _LEXICONS["en"]
    region = ctx.quote_of[head]  # the phrase stays inside (or outside) the quote its head is in
    start = head
    # Modifiers before the head: "Premier ministre", "the company's chief executive".
    while start - 1 >= 0 and head - start < 5 and ctx.quote_of[start - 1] == region:
        word, pos = ctx.lower[start - 1], ctx.pos[start - 1]
        if (
            word in lexicon.title_modifiers
            or word in lexicon.titles
            or (english and (pos in ("ADJ", "NOUN", "PROPN") or word == "'s") and not ctx.is_boundary(start - 1))
        ):
            start -= 1
        else:
            break
    if (
        not english
        and start - 2 >= 0
        and ctx.pos[start - 1] in ("ADJ", "NOUN")
        and ctx.owner[start - 1] is None
        and ctx.lower[start - 2] in lexicon.determiners
    ):
        start -= 1  # "le septuple vainqueur", "la nouvelle présidente"
    if start - 1 >= 0 and (ctx.lower[start - 1] in lexicon.determiners or ctx.lower[start - 1] in lexicon.indefinites):
        start -= 1
    end = head + 1
    complements = 0
    while end < n and ctx.quote_of[end] == region and not ctx.is_boundary(end):
        word, pos = ctx.lower[end], ctx.pos[end]
        if not english and pos == "ADJ" and word not in lexicon.not_title_adjectives:
            end += 1
            continue
        if (word in lexicon.titles or word in lexicon.title_tails) and ctx.owner[end] is None and pos != "PUNCT":
            end += 1  # "chief executive", "secrétaire général"
            continue
        if word in lexicon.prepositions and complements < 3:
            j = end + 1
            if j < n and ctx.lower[j] in lexicon.determiners:
                j += 1
            if j < n and ctx.owner[j] is not None and ctx.owner[j].kind != "person":
                end = bisect_left(ctx.idx, ctx.owner[j].end)
                complements += 1
                continue
            if j < n and ctx.pos[j] in ("NOUN", "PROPN") and ctx.owner[j] is None:
                end = j + 1
                complements += 1
                continue
        break
    return start, end


def _title_subject(ctx: _Context, head: int, cue_start: int | None, quote: _Quote) -> _Attribution | None:
    start, end = _title_span(ctx, head)
    if cue_start is not None and any(
        ctx.pos[k] not in ("ADV", "PUNCT", "AUX", "PART", "PRON") and not _is_time(ctx, k)
        for k in range(end, cue_start)
    ):
        return None  # the title is not the subject of this verb
    lexicon = ctx.lexicon
    phrase = ctx.text[ctx.idx[start] : ctx.ends[end - 1]]
    # "X, le ministre de l'Intérieur, a déclaré": the title is an apposition, the name the subject.
    before = start - 1
    if (
        before - 1 >= 0
        and ctx.lower[before] == ","
        and ctx.owner[before - 1] is not None
        and ctx.owner[before - 1].kind == "person"
        and not _is_description(ctx, ctx.owner[before - 1])
    ):
        return _Attribution(ctx.owner[before - 1].group, "")
    # "le producteur et musicien suisse David Wehren", "said the chief executive, Jane Smith", "répond son agent,
    # l'avocat genevois Jacques Barillon": the title names the person set right after it.
    named = _named_after_title(ctx, end, quote)
    if named is None:
        named = _apposed_person(ctx, end, quote)
    if named is not None:
        return _Attribution(named, "")
    definite = ctx.lower[start] in lexicon.determiners
    position = min(quote.open, ctx.idx[start])
    if ctx.lower[head] in lexicon.spokespeople:
        # "le porte-parole du ministère", "a spokesman for Acme": the organisation speaks through them,
        # unless a person of the article holds that very title.
        organisation = next(
            (
                ctx.owner[k]
                for k in range(head, end)
                if ctx.owner[k] is not None and ctx.owner[k].kind == "organisation"
            ),
            None,
        )
        if organisation is not None:
            person = _role_holder(ctx, phrase, position, exact=True) if definite else None
            return _Attribution(
                person if person is not None else organisation.group, "", phrase, confidence=_SPOKESPERSON
            )
    if ctx.lower[start] in lexicon.indefinites:
        return _Attribution(None, "", phrase)  # "un diplomate", "an official": someone unnamed
    if lexicon is _LEXICONS["fr"] and not definite:
        return None  # "ministre" alone, without its article, is not a French subject
    unwanted = _unwanted_gender(ctx, head)
    person = _role_holder(ctx, phrase, position, exact=False, unwanted=unwanted)
    if person is not None:
        return _Attribution(person, "", phrase, confidence=_ROLE)
    # No one holds the title: the one the article is about at that point, if that is clear.
    person = _described_person(ctx, position, unwanted, title=ctx.lower[head] in lexicon.titles)
    if person is not None and _met_there(ctx, person, head):
        person = None  # "X met the Prime Minister. "…," the Prime Minister said": not X
    return _Attribution(person, "", phrase, confidence=_NEAREST_SUBJECT)


def _met_there(ctx: _Context, person: int, head: int) -> bool:
    """After a verb, the sentence of the person's latest mention before token ``head`` names someone else by
    the same title or noun ("X met the Prime Minister", "X a reçu le musicien"): the title stands for that
    other one. A title set beside the name ("X, septuple vainqueur du Tour, …") or given by a copula ("X is
    the Labour MP", "X a été nommé ministre") is the person's own."""
    starts = ctx.person_starts.get(person, [])
    n = bisect_left(starts, ctx.idx[head])
    if not n:
        return False
    k = bisect_left(ctx.idx, starts[n - 1])
    verb = False
    while k < len(ctx.lower) and k != head and not (ctx.is_boundary(k) and ctx.quote_of[k] < 0):
        if ctx.quote_of[k] < 0 and ctx.owner[k] is None:
            if verb and ctx.lower[k] == ctx.lower[head]:
                return True
            verb = verb or ctx.pos[k] == "VERB" and ctx.lower[k] not in _BECOMING
        k += 1
    return False


def _described_person(ctx: _Context, position: int, unwanted: str | None, title: bool = True) -> int | None:
    """The person a title no one holds or a description ("le musicien", "the actor") stands for, at char
    ``position``: the subject of the nearest sentence naming a fitting person, or the latest person quoted
    before, when they agree or only one of them is known. Neither may carry another title of the article
    ("le chancelier allemand" is not "le président français": such a subject leaves it to no one) when it is a
    ``title``, and "X a demandé à Y …. Le ministre a …" is X, not merely the latest name."""
    titled = {role.group for role in ctx.roles} if title else set()
    subject = _nearest_antecedent(ctx, bisect_left(ctx.idx, position), "person", None, unwanted, subject_only=True)
    speaker = next(
        (
            q.speaker
            for q in reversed(ctx.quotes)
            if q.open < position
            and q.speaker is not None
            and ctx.groups[q.speaker].kind == "person"
            and _fits(ctx, q.speaker, None, unwanted)
            and q.speaker not in titled
        ),
        None,
    )
    if subject in titled:
        return None
    found = {group for group in (subject, speaker) if group is not None}
    return found.pop() if len(found) == 1 else None


def _unwanted_gender(ctx: _Context, head: int) -> str | None:
    """The gender a person described by the title or noun at ``head`` cannot have: "la responsable" is no
    man, "the spokesman" no woman."""
    lexicon = ctx.lexicon
    word = ctx.lower[head]
    if word in lexicon.female_titles:
        return "M"
    if word in lexicon.male_titles:
        return "F"
    if lexicon is _LEXICONS["fr"]:
        morph = ctx.morph(head)
        if "Gender=Fem" in morph:
            return "M"
        if "Gender=Masc" in morph and word not in lexicon.spokespeople:
            return "F"
    return None


def _named_after_title(ctx: _Context, end: int, quote: _Quote) -> int | None:
    """A person named right after a title, over adjectives and a second title: "le producteur et musicien
    suisse David Wehren", "Labour MP Anna Wright"."""
    lexicon = ctx.lexicon
    for j in range(end, min(end + 5, len(ctx.lower))):
        owner = ctx.owner[j]
        if owner is not None:
            if owner.kind == "person" and not _is_description(ctx, owner) and not _foreign(ctx, j, quote):
                return owner.group
            return None
        word = ctx.lower[j]
        if not (
            ctx.pos[j] == "ADJ"
            or _is_title_head(ctx, j)
            or word in lexicon.title_modifiers
            or word in lexicon.coordinators
            and j + 1 < len(ctx.lower)
            and (ctx.pos[j + 1] == "ADJ" or _is_title_head(ctx, j + 1))
        ):
            return None
    return None


def _apposed_person(ctx: _Context, end: int, quote: _Quote) -> int | None:
    """A person set beside the noun phrase ending before token ``end``, after a comma: "said the chief
    executive, Jane Smith", "répond son agent, l'avocat genevois Jacques Barillon", "le représentant du
    leader tibétain en Europe, Jampal Chosang, ajoutant". Not the subject of a clause of its own ("selon le
    ministère, Jean Dupont a démissionné")."""
    lexicon = ctx.lexicon
    n = len(ctx.lower)
    j = end
    while j < n and ctx.lower[j] != "," and j - end < 5:
        # A short complement may end the noun phrase first: "en Europe", "of the bank Acme".
        owner = ctx.owner[j]
        if (
            ctx.is_boundary(j)
            or _foreign(ctx, j, quote)
            or owner is not None
            and owner.kind == "person"
            or ctx.pos[j] not in ("ADP", "DET", "NOUN", "PROPN", "ADJ")
        ):
            return None
        j += 1
    if j >= n or ctx.lower[j] != ",":
        return None
    for k in range(j + 1, min(j + 7, n)):
        owner = ctx.owner[k]
        if owner is not None:
            if owner.kind != "person" or _is_description(ctx, owner) or _foreign(ctx, k, quote):
                return None
            after = bisect_left(ctx.idx, owner.end)
            if after < n and ctx.pos[after] in ("VERB", "AUX") and ctx.finite(after):
                return None  # the name opens a clause of its own
            return owner.group
        word = ctx.lower[k]
        if not (
            ctx.pos[k] in ("DET", "ADJ")
            or _is_title_head(ctx, k)
            or word in lexicon.title_modifiers
            or word in lexicon.courtesy_female
            or word in lexicon.courtesy_male
        ):
            return None
    return None


def _role_holder(ctx: _Context, phrase: str, before: int, exact: bool, unwanted: str | None = None) -> int | None:
    """The person whose role matches a title phrase (its words all in the role, or the role's all in
    it), else, unless ``exact``, the one sharing most words with it among the roles the text gave before
    char ``before``; ties go to the latest mentioned. Never a person of the ``unwanted`` gender."""
    wanted = _stems(phrase)
    recency = _person_recency(ctx, before)
    best: tuple[int, int, int, int] | None = None  # (match, overlap, recency, group)
    for role in ctx.roles:
        if not _fits(ctx, role.group, None, unwanted):
            continue
        have = _stems(role.title)
        overlap = len(wanted & have)
        if not overlap:
            continue
        match = 1 if wanted <= have or have <= wanted else 0
        if not match and (exact or role.start >= before):
            continue
        key = (match, overlap, recency.get(role.group, -1), role.group)
        if best is None or key > best:
            best = key
    return best[3] if best is not None else None


def _person_recency(ctx: _Context, before: int) -> dict[int, int]:
    # Persons mentioned before char ``before`` outside quotes → position of their latest mention.
    recency = {}
    for group, starts in ctx.person_starts.items():
        n = bisect_left(starts, before)
        if n:
            recency[group] = starts[n - 1]
    return recency


def _organisation_named_again(ctx: _Context, head: int) -> _Attribution | None:
    """ "le ministère", "the company": the latest organisation with that word in its name (or, for a
    company, the latest organisation); None when no organisation fits."""
    lexicon = ctx.lexicon
    if head == 0 or ctx.lower[head - 1] not in lexicon.determiners:
        return None
    word = _fold(ctx.lower[head])
    for mention, _ in _mentions_back(ctx, head):
        if mention.kind != "organisation":
            continue
        names = (_fold(ctx.groups[mention.group].name), *(_fold(s) for s in ctx.groups[mention.group].surfaces))
        if any(word in name.split() for name in names) or ctx.lower[head] in lexicon.generic_organisations:
            return _Attribution(mention.group, "", confidence=_NAMED_AGAIN)
    return None


def _fold(words: str) -> str:
    decomposed = unicodedata.normalize("NFD", words.replace("\u2019", "'").casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=4096)
def _stems(phrase: str) -> frozenset[str]:
    folded = " " + " ".join(re.findall(r"[a-z0-9.'-]+", _fold(phrase))) + " "
    for pattern, concept in _CONCEPTS:
        folded = pattern.sub(concept, folded)
    stems = set()
    for word in re.findall(r"[a-z0-9]+", folded):
        if word in _STOPWORDS:
            continue
        # One form for the masculine, feminine and plural: "français", "française", "étrangères".
        for suffix in ("s", "e", "s"):
            if len(word) > 3 and word.endswith(suffix):
                word = word[: -len(suffix)]
        stems.add(word)
    return frozenset(stems)


# --------------------------------------------------------------------------------------------
# Quotes with no attribution of their own
# --------------------------------------------------------------------------------------------


def _continue_speakers(ctx: _Context) -> None:
    """A quote without a cue continues its neighbour: « A. « B », a-t-il dit / "A," he said. "B." """
    quotes = ctx.quotes
    # Right next to each other (only spaces or punctuation between): one utterance in two pieces.
    for n in range(len(quotes) - 1, 0, -1):
        a, b = quotes[n - 1], quotes[n]
        if _adjacent(ctx, a, b) and not a.attributed and b.attributed and a.kind == "direct":
            a.speaker, a.cue, a.role, a.attributed, a.confidence = b.speaker, b.cue, b.role, True, b.confidence
    for quote in quotes:
        if quote.kind == "direct" and not quote.attributed:
            found = _speaker_of_sentence_before(ctx, quote)
            if found is not None:
                quote.speaker, quote.role, quote.attributed = found.speaker, found.role, True
                quote.confidence = min(found.confidence, _NEIGHBOUR)
    # A following statement in the same or the next paragraph, with no one else named between.
    previous = -1
    for n, quote in enumerate(quotes):
        if quote.kind != "direct":
            continue
        before = quotes[previous] if previous >= 0 else None
        if (
            not quote.attributed
            and before is not None
            and before.speaker is not None
            and _continues(ctx, before, quote, previous)
        ):
            quote.speaker, quote.role = before.speaker, before.role
            quote.confidence = min(before.confidence, _NEIGHBOUR)
        previous = n


def _speaker_of_sentence_before(ctx: _Context, quote: _Quote) -> _Attribution | None:
    """The speaker of the sentence right before a quote that opens a sentence of its own: "…, Howard said.
    "The volume is really high."" (the same or the previous paragraph, no quote in that sentence)."""
    if ctx.lexicon is None or not _opens_sentence(ctx, quote):
        return None
    end = bisect_left(ctx.idx, quote.open) - 1
    while end >= 0 and "\n" in ctx.lower[end]:
        end -= 1
    if end <= 0 or ctx.lower[end] not in (".", "!", "?", "…") or ctx.quote_of[end] >= 0:
        return None
    floor = _clause_floor(ctx, end - 1)
    if ctx.para[quote.t0] - ctx.para[floor] > 1 or any(ctx.quote_of[k] >= 0 for k in range(floor, end)):
        return None
    verb = next((k for k in range(end - 1, floor - 1, -1) if _is_speech_verb(ctx, k)), None)
    if verb is None:
        return None
    found = _speaker_of_verb(ctx, verb, quote, window_start=floor)
    return found if found.speaker is not None else None


def _adjacent(ctx: _Context, a: _Quote, b: _Quote) -> bool:
    if not a.closed:
        return a.close == b.open
    between = ctx.text[a.close + 1 : b.open]
    return "\n" not in between and all(not ch.isalnum() for ch in between)


def _continues(ctx: _Context, a: _Quote, b: _Quote, a_index: int) -> bool:
    if not a.closed and a.close == b.open:
        return True  # "A … "B …": the first never closed, the second goes on
    first, last = bisect_left(ctx.idx, a.close), bisect_left(ctx.idx, b.open)
    if last <= first or ctx.para[last] - ctx.para[first] > 1:
        return False
    for i in range(first, last):
        if ctx.quote_of[i] >= 0 and ctx.quote_of[i] != a_index:
            continue
        owner = ctx.owner[i]
        # Names in the sentence attributing the first quote qualify its speaker ("said Flynn's father").
        own_sentence = a.by_verb and ctx.sent[i] == ctx.sent[first]
        if (
            owner is not None
            and owner.kind == "person"
            and owner.group != a.speaker
            and not own_sentence
            and not _is_description(ctx, owner)
        ):
            return False
        if (
            ctx.lexicon is not None
            and ctx.lower[i] in ctx.lexicon.verbs
            and ctx.pos[i] == "VERB"
            and ctx.quote_of[i] < 0
            and not _belongs_to(ctx, i, a)
            and not _bare_participle(ctx, i)
        ):
            return False  # someone else's speech verb between
    return True


def _bare_participle(ctx: _Context, i: int) -> bool:
    """A past participle with no auxiliary before it describes ("Sa carrière lancée, …"): no one speaks."""
    return (
        "VerbForm=Part" in ctx.morph(i)
        and "Tense=Past" in ctx.morph(i)
        and (i == 0 or ctx.lower[i - 1] not in ctx.lexicon.auxiliaries)
    )


def _belongs_to(ctx: _Context, i: int, quote: _Quote) -> bool:
    # The verb of the quote's own cue ("« … », a-t-il ajouté") sits right after it.
    return (
        bool(quote.cue)
        and ctx.text[ctx.idx[i] : ctx.ends[i]] in quote.cue
        and i - bisect_left(ctx.idx, quote.close) <= _WINDOW_AFTER
    )


# --------------------------------------------------------------------------------------------
# Reported speech
# --------------------------------------------------------------------------------------------


def _reported(ctx: _Context) -> list[QuoteSpan]:
    if ctx.lexicon is None:
        return []
    spans: list[QuoteSpan] = []
    n = len(ctx.lower)
    i = 0
    while i < n:
        if ctx.quote_of[i] >= 0:
            i += 1
            continue
        span = None
        if _is_speech_verb(ctx, i):
            span = _reported_after_verb(ctx, i)
        elif _according_at(ctx, i):
            span = _reported_according(ctx, i)
        if span is not None:
            spans.append(span)
            i = max(i + 1, bisect_left(ctx.idx, span.end))
        else:
            i += 1
    return spans


def _reported_after_verb(ctx: _Context, verb: int) -> QuoteSpan | None:
    """X a déclaré (dans un communiqué) que … / X said (on Monday) (that) …"""
    lexicon = ctx.lexicon
    n = len(ctx.lower)
    j = verb + 1
    while j < n and (ctx.lower[j] in ("-t",) or ctx.lower[j] in lexicon.inverted and ctx.lower[j].startswith("-")):
        j += 1
    clause = None
    # A short complement may come first: "dans un communiqué", "on Monday", "told reporters"; a noun
    # right after "said" starts the clause itself ("said reports that … were wrong").
    tells = ctx.lower[verb] in lexicon.tell_verbs
    for k in range(j, min(j + 7, n)):
        if (
            k == j
            and not tells
            and ctx.pos[k] in ("DET", "NOUN", "PROPN", "PRON", "NUM", "ADJ")
            and not _is_time(ctx, k)
        ):
            break
        if ctx.lower[k] in lexicon.complementisers and ctx.pos[k] in ("SCONJ", "PRON", "ADP", "DET"):
            clause = k + 1
            break
        if (
            ctx.is_boundary(k)
            or ctx.quote_of[k] >= 0
            or ctx.lower[k] in (",", ":")
            or (ctx.pos[k] in ("VERB", "AUX") and ctx.finite(k))
        ):
            break
    if clause is None and lexicon is _LEXICONS["en"] and ctx.lower[verb] in ("said", "says"):
        clause = _bare_clause(ctx, j)
    if clause is None:
        return None
    start, end, _ = _cue_chain(ctx, verb)
    floor = _clause_floor(ctx, start - 1) if start > 0 else 0
    subject = _subject_before(ctx, start, floor, _Quote(ctx.idx[start], ctx.idx[start], False, 0, 0))
    if subject is None or subject.speaker is None or _coordinated(ctx, start, floor):
        return None
    return _clause_span(ctx, clause, subject, ctx.text[ctx.idx[start] : ctx.ends[end - 1]])


def _bare_clause(ctx: _Context, j: int) -> int | None:
    # "He said the firm would cut jobs": a subject then a finite verb within five tokens, no comma.
    for k in range(j, min(j + 6, len(ctx.lower))):
        if ctx.is_boundary(k) or ctx.quote_of[k] >= 0 or ctx.pos[k] in ("PUNCT", "ADP", "SCONJ") and k == j:
            return None
        if ctx.lower[k] == ",":
            return None
        if k > j and ctx.pos[k] in ("VERB", "AUX") and ctx.finite(k):
            return j
    return None


def _coordinated(ctx: _Context, cue_start: int, floor: int) -> bool:
    # "Laftit et Darmanin ont souligné que …": two speakers, no one group said it.
    words = [ctx.lower[k] for k in range(max(floor, cue_start - 8), cue_start)]
    return any(w in ctx.lexicon.coordinators for w in words) and ctx.lower[cue_start] in ("ont", "have", "sont")


def _reported_according(ctx: _Context, i: int) -> QuoteSpan | None:
    """Selon X, … / According to X, … (sentence start) and …, selon X. (sentence end)."""
    length = _according_at(ctx, i)
    cue = ctx.text[ctx.idx[i] : ctx.ends[i + length - 1]]
    floor = _clause_floor(ctx, i - 1) if i > 0 else 0
    head = floor
    if head < i and ctx.lower[head] in ctx.lexicon.sentence_openers:
        head += 1
    probe = _Quote(ctx.idx[i], ctx.idx[i], False, 0, 0)
    if head == i:
        comma = next(
            (
                k
                for k in range(i + length, min(i + length + 12, len(ctx.lower)))
                if ctx.lower[k] == "," or ctx.is_boundary(k)
            ),
            None,
        )
        if comma is None or ctx.lower[comma] != ",":
            return None
        comma = _after_apposition(ctx, comma)
        source = _source_speaker(ctx, i + length, cue, probe)
        if source.speaker is None:
            return None
        return _clause_span(ctx, comma + 1, source, cue)
    if i > floor and ctx.lower[i - 1] == ",":
        end = next((k for k in range(i + length, min(i + length + 14, len(ctx.lower))) if ctx.is_boundary(k)), None)
        if end is None or any(ctx.quote_of[k] >= 0 or ctx.lower[k] == "," for k in range(i + length, end)):
            return None
        source = _source_speaker(ctx, i + length, cue, probe)
        if source.speaker is None or any(ctx.quote_of[k] >= 0 for k in range(floor, i)):
            return None
        start_char, end_char = ctx.idx[floor], ctx.ends[i - 2]
        return QuoteSpan(
            start_char,
            end_char,
            ctx.text[start_char:end_char],
            "reported",
            source.speaker,
            cue,
            source.role,
            source.confidence,
        )
    return None


def _after_apposition(ctx: _Context, comma: int) -> int:
    """ "Selon X, délégué général du festival, le film …", "According to X, the business daily, …": the
    comma after a noun phrase set beside the source (no verb in it), else ``comma`` itself."""
    first = comma + 1
    if first >= len(ctx.lower) or ctx.pos[first] not in ("DET", "NOUN", "PROPN", "ADJ") or _is_time(ctx, first):
        return comma
    for k in range(first, min(first + 8, len(ctx.lower))):
        if ctx.is_boundary(k) or ctx.quote_of[k] >= 0 or ctx.pos[k] in ("VERB", "AUX"):
            return comma
        if ctx.lower[k] == ",":
            return k if k > first else comma
    return comma


def _clause_span(ctx: _Context, first: int, attribution: _Attribution, cue: str) -> QuoteSpan | None:
    """The reported clause from token ``first`` to the sentence end, less a trailing source."""
    n = len(ctx.lower)
    last = first
    while last < n and not ctx.is_boundary(last) and ctx.para[last] == ctx.para[first]:
        if ctx.quote_of[last] >= 0 and ctx.quotes[ctx.quote_of[last]].kind == "direct":
            return None  # the direct quote already says it
        last += 1
    last = _without_source(ctx, first, last)
    while last > first and ctx.pos[last - 1] in ("PUNCT", "SPACE") and ctx.quote_of[last - 1] < 0:
        last -= 1  # the closing mark of a fragment inside the clause stays
    if last - first < 3:
        return None
    start, end = ctx.idx[first], ctx.ends[last - 1]
    return QuoteSpan(
        start,
        end,
        ctx.text[start:end],
        "reported",
        attribution.speaker,
        cue,
        attribution.role,
        attribution.confidence if attribution.speaker is not None else None,
    )


def _without_source(ctx: _Context, first: int, last: int) -> int:
    # ", comme le rapporte X", ", selon X", ", according to X" end the sentence, not the speech.
    for k in range(first, last):
        if ctx.lower[k] != ",":
            continue
        rest = ctx.lower[k + 1 : k + 4]
        if rest and (
            rest[0] in ("comme", "as") and any(w in ctx.lexicon.source_verbs for w in rest) or _according_at(ctx, k + 1)
        ):
            return k
    return last
