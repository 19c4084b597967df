"""French word lists."""

from . import Lexicon, words


def _first_conjugation(stems: str) -> frozenset[str]:
    # Regular "-er" verbs: the forms a news report uses (present, past participle, simple past,
    # imperfect, future, conditional, present participle).
    endings = ("e", "ent", "é", "ée", "és", "ées", "a", "ait", "aient", "era", "erait", "ant")
    return frozenset(stem + ending for stem in stems.split() for ending in endings)


_VERBS = _first_conjugation(
    "argument déclar affirm soulign ajout expliqu indiqu estim assur insist précis confi évoqu qualifi annonc"
    " répliqu déplor regrett dénonc not observ lâch gliss comment racont témoign résum exclam plaid interrog"
    " demand confirm ni tweet accus avou assén fustig critiqu exhort relev signal martel rappel lanc avanc"
    " jug souffl tranch ironis mentionn souhait exig réclam menac remerci constat invit félicit détaill"
    " nuanc contest indign étonn alarm raill point illustr questionn pronostiqu exprim"
) | words(
    "dit dis disait disaient dira dirait disent disant écrit écrivait écrivent écrira répond répondu répondait"
    " répondent reconnaît reconnait reconnu reconnaissait admet admis admettait promet promis promettait conclut"
    " conclu concluait prévient prévenu prévenait avertit averti avertissait soutient soutenu soutenait poursuit"
    " poursuivi poursuivait réagit réagi réagissait dément démenti démentait martèle martèlent rappelle"
    " rappellent lança lançait annonça annonçait avança avançait considère considéré considérait jugea jugeait"
    " répète répété répétait dénonça appelle appellent appelé appela appelait appellera"
    " relève relèvent renchérit renchéri renchérissait prédit prédisait prédisent inquiète inquiètent"
    " concède concèdent concédé espère espèrent reprend reprennent"
)

LEXICON = Lexicon(
    verbs=_VERBS,
    according=(("selon",), ("d'", "après"), ("d'après",)),
    auxiliaries=words("a ont avait avaient aurait auraient aura est sont était s' se"),
    tell_verbs=words("confié confie confiait expliqué rappelé assuré annoncé indiqué promis répondu écrit"),
    source_verbs=words("rapporte rapportent rapportait rapporté indique indiquait précise précisait"),
    complementisers=words("que qu'"),
    sentence_openers=words("mais et or pourtant toutefois cependant"),
    coordinators=words("et ou"),
    inverted={"-il": "M", "-elle": "F", "-ils": "P", "-elles": "P", "-on": "P"},
    subjects={"il": "M", "elle": "F", "ils": "P", "elles": "P"},
    object_pronouns={"lui": "M", "elle": "F", "eux": "P", "elles": "P"},
    relatives=words("qui dont lequel laquelle"),
    pronouns=words(
        "il elle ils elles on nous vous je j' tu ce c' cela ça ceci celui celle ceux qui que qu' quoi se s'"
    ),
    clitics=words("se s' lui leur nous vous y en ne n' l' le la les me m' pas"),
    negations=words("ne n' pas"),
    articles=words("le la les l'"),
    determiners=words("le la l' les son sa ses leur leurs ce cet cette notre nos"),
    indefinites=words("un une"),
    possessives=words("son sa ses leur leurs"),
    feminine_determiners=words("la une cette sa"),
    masculine_determiners=words("le un ce cet du au"),
    prepositions=words(
        "à a au aux en de du des d' dans pour par sur selon avec chez vers depuis contre entre après avant"
    ),
    title_prepositions=words("de d' du des"),
    definite_prepositions=words("du des"),
    agent_prepositions=words("par avec à au aux pour"),
    absolute_prepositions=words("avec"),
    listener_prepositions=words("à au aux"),
    infinitive_markers=words("à de d'"),
    passive_markers=words("été"),
    passive_be=words("été"),
    own_part=frozenset({("pour", "part"), ("de", "côté")}),
    conjunctions=words("et ou mais ni car"),
    stop_words=words("le la les l de d du des un une son sa ses leur leurs et à au aux en pour sur"),
    titles=words(
        "ministre président présidente vice-président vice-présidente chef cheffe secrétaire porte-parole"
        " directeur directrice ambassadeur ambassadrice roi reine prince princesse souverain souveraine monarque"
        " homologue député députée sénateur sénatrice maire général commissaire patron patronne dirigeant"
        " dirigeante fondateur fondatrice cofondateur cofondatrice pdg p.-d.g. p-dg procureur procureure"
        " juge chancelier chancelière conseiller conseillère gouverneur gouverneure préfet préfète émir"
        " sultan pape cardinal archevêque évêque rabbin imam leader représentant représentante envoyé"
        " envoyée émissaire médiateur médiatrice rapporteur rapporteure candidat candidate avocat avocate"
        " entraîneur entraîneuse sélectionneur capitaine président-directeur administrateur administratrice"
        " coordinateur coordinatrice trésorier trésorière haut-commissaire haut-représentant"
        " vice-chancelier diplomate colonel commandant vainqueur champion championne coureur joueur joueuse manager"
    ),
    plural_titles=words(
        "ministres présidents présidentes vice-présidents chefs cheffes secrétaires directeurs directrices"
        " ambassadeurs ambassadrices rois reines princes princesses souverains monarques homologues députés"
        " députées sénateurs sénatrices maires généraux commissaires patrons patronnes dirigeants dirigeantes"
        " fondateurs fondatrices cofondateurs procureurs juges chanceliers conseillers conseillères"
        " gouverneurs préfets émirs sultans cardinaux évêques rabbins imams leaders représentants"
        " représentantes envoyés émissaires médiateurs rapporteurs candidats candidates avocats avocates"
        " entraîneurs sélectionneurs capitaines administrateurs responsables coordinateurs trésoriers"
    ),
    title_tails=frozenset(),
    needs_complement=words("responsable"),  # "responsable" alone is mostly the adjective
    title_modifiers=words(
        "premier première ancien ancienne anciens anciennes ex nouveau nouvel nouvelle nouveaux futur future"
        " actuel actuelle haut haute grand grande vice"
    ),
    title_followers=words(
        "général générale généraux adjoint adjointe adjoints délégué déléguée délégués chargé chargée"
        " chargés sortant sortante démissionnaire intérimaire honoraire exécutif exécutive élu élue"
    ),
    not_title_adjectives=words(
        "même mêmes seul seule seuls seules tel telle autre autres prochain prochaine dernier dernière"
    ),
    portfolio_joiners=words("et ,"),
    list_joiners=words(", et"),
    kin=words(
        "fils fille filles épouse époux femme mari frère frères sœur soeur sœurs père mère parents enfant"
        " enfants veuve veuf compagne compagnon neveu nièce cousin cousine oncle tante petit-fils petite-fille"
    ),
    person_nouns=words(
        "musicien musicienne organiste pianiste violoniste compositeur compositrice chanteur chanteuse artiste"
        " acteur actrice comédien comédienne écrivain écrivaine auteur autrice romancier romancière réalisateur"
        " réalisatrice cinéaste producteur productrice journaliste économiste analyste expert experte chercheur"
        " chercheuse professeur professeure médecin militant militante syndicaliste élu élue responsable agent"
        " agente interprète trader banquier banquière entrepreneur entrepreneuse sportif sportive athlète"
        " cycliste skieur skieuse nageur nageuse footballeur footballeuse attaquant attaquante gardien gardienne"
    ),
    spokespeople=words("porte-parole représentant représentante"),
    unnamed_sources=words("source sources proche proches entourage"),
    statements=words("communiqué"),
    speech_nouns=words("réaction réponse commentaire explication verdict riposte"),
    female_titles=words(
        "présidente directrice ambassadrice députée sénatrice patronne dirigeante procureure avocate"
        " préfète reine princesse conseillère chancelière fondatrice candidate envoyée médiatrice représentante"
        " cheffe épouse mère fille sœur soeur veuve actrice chanteuse musicienne compositrice comédienne"
        " écrivaine autrice romancière réalisatrice productrice experte chercheuse professeure militante élue"
        " agente banquière entrepreneuse sportive skieuse nageuse footballeuse attaquante gardienne"
    ),
    male_titles=words(
        "président directeur ambassadeur député sénateur patron dirigeant procureur avocat préfet roi prince"
        " conseiller chancelier fondateur candidat envoyé médiateur représentant époux mari père fils frère"
        " acteur chanteur émir sultan musicien compositeur comédien écrivain romancier réalisateur producteur"
        " chercheur militant élu banquier entrepreneur sportif skieur nageur footballeur attaquant gardien"
    ),
    courtesy_female=words("mme madame mlle mademoiselle"),
    courtesy_male=words("m. monsieur"),
    courtesy_other=words("mmes me mgr dr pr"),
    styles=words(
        "roi reine rois reines prince princesse princes princesses pape émir émirs sultan sultans cardinal cardinaux"
        " archevêque évêque général colonel commandant capitaine"
    ),
    age_words=frozenset(),
    becoming=words("devient devenu devenue devenus reste resté restée demeure nommé nommée élu élue"),
    demonym_endings=("oise", "aise", "ienne"),
    demonyms=words(
        "belge suisse americain espagnol italien allemand anglais britannique francais russe chinois japonais"
        " marocain algerien tunisien senegalais ivoirien camerounais neerlandais portugais bresilien argentin"
        " colombien mexicain canadien australien irlandais ecossais gallois danois suedois norvegien finlandais"
        " polonais autrichien grec turc israelien palestinien libanais syrien irakien iranien egyptien indien"
        " pakistanais kenyan ethiopien nigerian ukrainien luxembourgeois tcheque slovaque hongrois roumain"
        " bulgare serbe croate slovene"
    ),
    organisations=words(
        "ministère gouvernement entreprise société groupe parti agence commission police armée parquet"
        " tribunal cour banque fédération syndicat association organisation conseil mairie préfecture"
        " ambassade présidence club équipe ong inspection"
    ),
    generic_organisations=words("entreprise société groupe"),
    organisation_heads=words(
        "presse agence parti union association fondation banque groupe université institut conseil commission"
        " comité ministère mouvement fédération ligue club compagnie journal brigade tribunal cour assemblée"
        " parlement sénat gouvernement police gendarmerie armée préfecture mairie syndicat société laboratoire"
        " caisse chambre"
    ),
    institution_heads=words("ministère département secrétariat direction office commissariat haut-commissariat"),
    event_heads=words(
        "jeux jo coupe championnat championnats mondial mondiaux sommet festival conférence forum exposition"
        " salon tournoi biennale olympiades marathon grand-prix rallye élection élections guerre révolution cop"
    ),
    work_nouns=words(
        "film films roman romans livre livres ouvrage ouvrages série séries album albums chanson chansons"
        " pièce émission émissions documentaire spectacle titre titré intitulé intitulée intitulés baptisé"
        " baptisée surnommé surnommée appelé appelée dit dite dits dites soi-disant journal magazine"
        " quotidien hebdomadaire opération opérations programme plan slogan devise hashtag mot terme"
        " expression formule"
    ),
    place_nouns=words(
        "département départements région province ville commune village quartier arrondissement district base"
    ),
    capitalised_nouns=words("état etat internet"),
    days=words("lundi mardi mercredi jeudi vendredi samedi dimanche hier aujourd'hui demain soir matin"),
    time_nouns=words(
        "année an saison mois semaine été hiver printemps automne jour prochain prochaine dernier dernière"
    ),
)
