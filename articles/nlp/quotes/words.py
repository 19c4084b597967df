"""Word lists the quote rules read, per language: speech verbs, titles, pronouns, determiners…"""

from dataclasses import dataclass


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

_STOPWORDS = _words("le la les l de d du des un une son sa ses leur leurs the of a an his her its their s et and for")

# Days and other time words: "a affirmé mercredi que", "said on Monday".
_TIME_WORDS = _words(
    "lundi mardi mercredi jeudi vendredi samedi dimanche hier aujourd'hui demain soir matin",
    "monday tuesday wednesday thursday friday saturday sunday yesterday today tomorrow tonight",
)
# Words that may stand between a subject and its verb: "il nous a dit", "X ne l'a pas caché".
_CLITICS = _words("se s' lui leur nous vous y en ne n' l' le la les me m' pas not n't")

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
