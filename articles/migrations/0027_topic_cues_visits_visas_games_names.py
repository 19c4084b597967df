"""Seeded French desk-topic cues revised: diplomacy gains the vocabulary of relations between two
states that names no diplomat (a visit of friendship, two heads of state, relations or cooperation
between the two countries, cooperation agreements, a memorandum of understanding, a joint
commission, a state dinner; a working visit or lunch, which a minister also pays at home, only beside
diplomacy's own words) and of a visa dispute (the granting of visas
cut, restricted or suspended); "communauté internationale", said of any crisis, counts only beside
diplomacy's own words. The Olympic
Games gain their host's name ("Paris 2024"; "Jeux de Paris" only beside the Games' own words, since
"jeux de paris sportifs" are betting); migration gains the waiting zone at the border, humanitarian
rescue ships and the rescue organisation SOS Méditerranée. An "attentat à la pudeur" is indecent
exposure, not terrorism: the phrase is general, so "attentat" inside it is no evidence.

The revision is frozen here (not read from articles.topics_seed) and applied with
topic_cues_revise: a cue a chief editor removed or rewrote stays as edited.
"""

from django.db import migrations

from articles.services.taxonomy import topic_cues_migration

REVISIONS = {
    "diplomacy": {
        "fr": [
            ("communauté internationale", "~communauté internationale"),
            (None, "visite d'amitié"),
            (None, "~visite de travail"),
            (None, "deux chefs d'état"),
            (None, "relations entre les deux pays"),
            (None, "coopération entre les deux pays"),
            (None, "liens entre les deux pays"),
            (None, "entre les deux gouvernements"),
            (None, "accord de coopération"),
            (None, "accords de coopération"),
            (None, "mémorandum d'entente"),
            (None, "commission mixte"),
            (None, "consultations politiques"),
            (None, "~entre les deux pays"),
            (None, "~reçu en audience"),
            (None, "~reçue en audience"),
            (None, "octroi de visas"),
            (None, "octroi des visas"),
            (None, "réduction des visas"),
            (None, "~nombre de visas"),
            (None, "restriction de visas"),
            (None, "restrictions de visas"),
            (None, "restriction des visas"),
            (None, "restrictions des visas"),
            (None, "suspension des visas"),
            (None, "guerre des visas"),
            (None, "crise des visas"),
            (None, "~déjeuner de travail"),
            (None, "~dîner de travail"),
            (None, "dîner d'état"),
        ],
    },
    "olympic-games": {
        "fr": [
            (None, "paris 2024"),
            (None, "~jeux de paris"),
        ],
    },
    "terrorism": {
        "fr": [
            (None, "~attentat à la pudeur"),
            (None, "~attentats à la pudeur"),
        ],
    },
    "migration": {
        "fr": [
            (None, "zone d'attente"),
            (None, "zones d'attente"),
            (None, "navire humanitaire"),
            (None, "navires humanitaires"),
        ],
        "actors": [
            (None, "SOS Méditerranée"),
            (None, "SOS Mediterranee"),
        ],
    },
}


class Migration(migrations.Migration):
    dependencies = [("articles", "0026_topic_cues_ambassadors_foreign_police")]

    operations = [topic_cues_migration(REVISIONS)]
