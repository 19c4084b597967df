"""English word lists."""

from . import Lexicon, words


def _regular(bases: str) -> frozenset[str]:
    forms = set()
    for base in bases.split():
        past = base + "d" if base.endswith("e") else (base[:-1] + "ied" if base.endswith("y") else base + "ed")
        third = base + "es" if base.endswith(("s", "sh", "ch", "x")) else base + "s"
        gerund = (base[:-1] if base.endswith("e") and not base.endswith("ee") else base) + "ing"
        forms.update((base, past, third, gerund))
    return frozenset(forms)


_VERBS = _regular(
    "add state insist warn explain note argue claim declare announce admit acknowledge confirm deny stress"
    " emphasise emphasize reply respond answer tweet conclude suggest comment observe remark recall predict"
    " promise vow urge caution agree concede maintain assert complain joke reiterate contend reveal boast"
    " counter allege accuse demand talk"
) | words(
    "said says say saying told tells tell wrote writes adding insisting warning explaining asked asks called calls",
    "admitted admits described describes believe believes believed",
)

LEXICON = Lexicon(
    verbs=_VERBS,
    according=(("according", "to"),),
    auxiliaries=words("has have had"),
    tell_verbs=words("told tells tell assured assures reminded reminds warned warns promised promises"),
    source_verbs=words("reported reports"),
    complementisers=words("that"),
    sentence_openers=words("but and yet however"),
    coordinators=words("and or"),
    inverted={"he": "M", "she": "F", "they": "P", "it": "N"},
    subjects={"he": "M", "she": "F", "they": "P", "it": "N"},
    object_pronouns={"him": "M", "her": "F", "them": "P"},
    relatives=words("who which whose"),
    pronouns=words("it we they he she i you this that these those who"),
    clitics=words("not n't"),
    negations=words("not never"),
    articles=words("the"),
    determiners=words("the his her its their our this that"),
    indefinites=words("a an one"),
    possessives=words("his her its their"),
    feminine_determiners=frozenset(),
    masculine_determiners=frozenset(),
    prepositions=words("in at on from of for by to with into after before"),
    title_prepositions=words("of for at"),
    definite_prepositions=frozenset(),
    agent_prepositions=words("by with to for"),
    absolute_prepositions=words("with"),
    listener_prepositions=words("to"),
    infinitive_markers=words("to"),
    passive_markers=words("been being"),
    passive_be=words("is are was were been"),
    own_part=frozenset(),
    conjunctions=words("and or but"),
    stop_words=words("the of a an his her its their s and for in on to"),
    titles=words(
        "minister premier president vice-president secretary chancellor spokesman spokeswoman spokesperson"
        " chairman chairwoman chairperson chair director ambassador king queen prince princess counterpart"
        " senator congressman congresswoman mayor general leader founder co-founder cofounder judge prosecutor"
        " mp mep governor commissioner chief boss head manager coach captain lawyer attorney envoy adviser"
        " advisor representative speaker pope archbishop bishop candidate sheikh emir sultan treasurer commander"
        " officer official analyst economist ceo president-elect"
    ),
    plural_titles=words(
        "ministers presidents secretaries chancellors spokesmen spokeswomen spokespeople executives chairmen"
        " directors ambassadors kings queens princes princesses counterparts senators congressmen mayors"
        " generals leaders founders judges prosecutors mps meps governors commissioners chiefs bosses heads"
        " managers coaches captains lawyers envoys advisers advisors representatives candidates"
    ),
    title_tails=words("executive"),
    needs_complement=words("head heads"),
    title_modifiers=words("former acting deputy shadow outgoing incoming interim vice co managing prime"),
    title_followers=words("general elect"),
    not_title_adjectives=frozenset(),
    portfolio_joiners=words("and ,"),
    list_joiners=words(", and &"),
    kin=words(
        "son sons daughter daughters wife husband brother sister father mother widow widower partner"
        " nephew niece cousin uncle aunt grandson granddaughter children"
    ),
    person_nouns=words(
        "actor actress star singer musician artist player striker midfielder defender goalkeeper winger"
        " champion winner author writer novelist producer composer expert researcher scientist professor doctor"
        " campaigner activist councillor veteran trader banker entrepreneur agent interpreter"
    ),
    spokespeople=words("spokesman spokeswoman spokesperson representative official"),
    unnamed_sources=words("source sources close familiar"),
    statements=words("statement communique communiqué"),
    speech_nouns=words("reaction response reply answer verdict comment"),
    female_titles=words(
        "spokeswoman chairwoman queen princess congresswoman wife mother daughter sister widow actress"
        " businesswoman sportswoman"
    ),
    male_titles=words("spokesman chairman king prince congressman husband father son brother widower actor"),
    courtesy_female=words("mrs mrs. ms ms. miss dame lady"),
    courtesy_male=words("mr mr. sir lord"),
    courtesy_other=words("dr dr. prof prof. sen. gov. rep."),
    styles=words(
        "king kings queen queens prince princes princess princesses pope sheikh emir sultan sultans archbishop"
        " bishop sir lord lady dame general colonel commander captain"
    ),
    age_words=words("- year years old"),
    becoming=words("become becomes became remain remains remained named appointed elected"),
    demonym_endings=(),
    demonyms=frozenset(),
    organisations=words(
        "ministry department government company firm group party agency commission police army court bank"
        " federation union association organisation organization council office embassy board club team"
        " regulator watchdog"
    ),
    generic_organisations=words("company firm group"),
    organisation_heads=words(
        "press agency news party union association foundation bank group university institute council"
        " commission committee ministry movement federation league club company corporation corp inc ltd"
        " journal court police army parliament senate government agency authority board laboratory society"
    ),
    institution_heads=words("ministry office"),
    event_heads=words(
        "games olympics olympiad cup championship championships summit conference expo exhibition tournament"
        " prix election elections war revolution fair show open festival forum marathon"
    ),
    work_nouns=words(
        "film films movie movies novel novels book books series show shows album albums song songs play"
        " programme program documentary titled entitled called dubbed named nicknamed so-called newspaper"
        " magazine operation slogan motto hashtag word term phrase"
    ),
    place_nouns=words("city town village province region county district state"),
    capitalised_nouns=frozenset(),
    days=words("monday tuesday wednesday thursday friday saturday sunday yesterday today tomorrow tonight"),
    time_nouns=words("year season month week next last"),
)
