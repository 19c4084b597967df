"""Seeded cues revised for precision: everyday words of a desk topic ("expulsé", "élus", "otage",
"renseignement", "intégrité territoriale", an embassy as the place of a protest) are marked general
("~"), so they count only beside the topic's own vocabulary; diplomacy gains a few words of
diplomatic rows.

The revision is frozen here (not read from articles.topics_seed) and applied with
topic_cues_revise: a cue a chief editor removed or rewrote stays as edited.
"""

from django.db import migrations

from articles.services.taxonomy import topic_cues_migration

REVISIONS = {
    "terrorism": {
        "fr": [
            ("islamiste*", "~islamiste*"),
            ("extrémis*", "~extrémis*"),
            ("revendiqu*", "~revendiqu*"),
            ("prise d'otages", "~prise d'otages"),
            ("otage*", "~otage*"),
            ("commando*", "~commando*"),
            ("assaillant*", "~assaillant*"),
            ("explosif*", "~explosif*"),
            ("groupes armés", "~groupes armés"),
        ],
        "en": [
            ("extremis*", "~extremis*"),
            ("bombing*", "~bombing*"),
            ("hostage*", "~hostage*"),
            ("gunmen", "~gunmen"),
            ("gunman", "~gunman"),
            ("explosive*", "~explosive*"),
            ("plot*", "~plot*"),
        ],
    },
    "olympic-games": {
        "fr": [
            ("médaille d'or", "~médaille d'or"),
            ("médaillé*", "~médaillé*"),
            ("cérémonie d'ouverture", "~cérémonie d'ouverture"),
        ],
        "en": [
            ("gold medal*", "~gold medal*"),
            ("opening ceremony", "~opening ceremony"),
        ],
    },
    "western-sahara": {
        "fr": [
            ("plan d'autonomie", "~plan d'autonomie"),
            ("projet d'autonomie", "~projet d'autonomie"),
            ("autodétermination", "~autodétermination"),
            ("provinces du sud", "~provinces du sud"),
            ("intégrité territoriale", "~intégrité territoriale"),
        ],
        "en": [
            ("autonomy plan", "~autonomy plan"),
            ("autonomy proposal", "~autonomy proposal"),
            ("self-determination", "~self-determination"),
            ("southern provinces", "~southern provinces"),
            ("territorial integrity", "~territorial integrity"),
        ],
    },
    "migration": {
        "fr": [
            ("clandestin*", "~clandestin*"),
            ("passeur*", "~passeur*"),
            ("expulsion*", "~expulsion*"),
            ("expulsé*", "~expulsé*"),
            ("régularisation*", "~régularisation*"),
            ("exilé*", "~exilé*"),
        ],
        "en": [
            ("undocumented", "~undocumented"),
            ("deport*", "~deport*"),
            ("visas", "~visas"),
            ("resettlement", "~resettlement"),
        ],
    },
    "diplomacy": {
        "fr": [
            ("ambassade*", "~ambassade"),
            ("consulat*", "~consulat*"),
            ("sommet*", "~sommet*"),
            ("homologue*", "~homologue*"),
            ("rapprochement*", "~rapprochement*"),
            ("médiation", "~médiation"),
            ("délégation*", "~délégation*"),
            ("entretiens", "~entretiens"),
            ("traité*", "~traité*"),
            (None, "relations franco*"),
            (None, "relations sino*"),
            (None, "convoqu* l'ambassadeur*"),
            (None, "vive protestation"),
            (None, "protestation officielle"),
            (None, "ingérence*"),
            (None, "affaires intérieures"),
            (None, "~ambassades"),
        ],
        "en": [
            ("embass*", "~embass*"),
            ("consulate*", "~consulate*"),
            ("counterpart*", "~counterpart*"),
            ("treaty", "~treaty"),
            ("treaties", "~treaties"),
            ("rapprochement", "~rapprochement"),
            ("delegation*", "~delegation*"),
        ],
    },
    "security-cooperation": {
        "fr": [
            ("renseignement*", "~renseignement*"),
            ("échange d'informations", "~échange d'informations"),
            ("échanges d'informations", "~échanges d'informations"),
            ("sécurité intérieure", "~sécurité intérieure"),
            ("forces de sécurité", "~forces de sécurité"),
            ("sécuritaire*", "~sécuritaire*"),
            ("sécuriser", "~sécuriser"),
            ("ministre de l'intérieur", "~ministre de l'intérieur"),
            ("ministère de l'intérieur", "~ministère de l'intérieur"),
            ("dispositif de sécurité", "~dispositif de sécurité"),
        ],
        "en": [
            ("security forces", "~security forces"),
            ("interior minister*", "~interior minister*"),
            ("home office", "~home office"),
            ("security services", "~security services"),
        ],
    },
    "elections": {
        "fr": [
            ("urne*", "~urne*"),
            ("voter", "~voter"),
            ("votes", "~votes"),
            ("candidat*", "~candidat*"),
            ("sondage*", "~sondage*"),
            ("municipales", "~municipales"),
            ("européennes", "~européennes"),
            ("réélu*", "~réélu*"),
            ("élu", "~élu"),
            ("élus", "~élus"),
            ("élue", "~élue"),
            ("primaire*", "~primaire*"),
        ],
        "en": [
            ("polls", "~polls"),
            ("polling", "~polling"),
            ("candidate*", "~candidate*"),
            ("landslide", "~landslide"),
            ("manifesto*", "~manifesto*"),
            ("seats", "~seats"),
            ("majority", "~majority"),
        ],
    },
}


class Migration(migrations.Migration):
    dependencies = [("articles", "0019_quote_other_speakers")]

    operations = [topic_cues_migration(REVISIONS)]
