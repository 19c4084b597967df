"""Seeded French desk-topic cues revised: "ambassadeur" and "ambassadrice" also name a brand's or an
event's ambassador and a source quoted in passing ("un ambassadeur en poste au Vatican"), so they
count for diplomacy only beside its own vocabulary, which gains the recall of an ambassador and
his credentials (a summoned ambassador keeps its phrase); foreign
police and gendarmes sent as reinforcements are security cooperation.

The revision is frozen here (not read from articles.topics_seed) and applied with
topic_cues_revise: a cue a chief editor removed or rewrote stays as edited.
"""

from django.db import migrations

from articles.services.taxonomy import topic_cues_migration

REVISIONS = {
    "diplomacy": {
        "fr": [
            ("ambassadeur*", "~ambassadeur*"),
            ("ambassadrice*", "~ambassadrice*"),
            (None, "rappel* son ambassadeur*"),
            (None, "rappel* ses ambassadeurs"),
            (None, "rappel* leur* ambassadeur*"),
            (None, "rappel* l'ambassadeur*"),
            (None, "rappel* pour consultations"),
            (None, "lettres de créance"),
        ],
    },
    "security-cooperation": {
        "fr": [
            (None, "renforts étrangers"),
            (None, "renforts internationaux"),
            (None, "policiers étrangers"),
            (None, "gendarmes étrangers"),
            (None, "forces de l'ordre étrangères"),
            (None, "forces de sécurité étrangères"),
        ],
    },
}


class Migration(migrations.Migration):
    dependencies = [("articles", "0025_topic_cues_places_titles_threats")]

    operations = [topic_cues_migration(REVISIONS)]
