"""Seeded cues revised against look-alike articles: "migration" and "migratoire" are general words
(birds and cells migrate too) and count only beside the topic's own vocabulary, as does "olympique"
(a club's name), with the Olympic phrases that carry the adjective; diplomacy gains the words of
an expulsion of diplomats.

The revision is frozen here (not read from articles.topics_seed) and applied with
topic_cues_revise: a cue a chief editor removed or rewrote stays as edited.
"""

from django.db import migrations

from articles.services.taxonomy import topic_cues_migration

REVISIONS = {
    "olympic-games": {
        "fr": [
            ("olympique*", "~olympique*"),
            (None, "comité international olympique"),
            (None, "champion* olympique*"),
            (None, "titre olympique"),
            (None, "médaille* olympique*"),
            (None, "sélection olympique"),
            (None, "équipe olympique"),
            (None, "qualification* olympique*"),
            (None, "drapeau olympique"),
            (None, "serment olympique"),
            (None, "anneaux olympiques"),
            (None, "site* olympique*"),
            (None, "épreuve* olympique*"),
            (None, "record olympique"),
            (None, "tournoi olympique"),
            (None, "programme olympique"),
            (None, "podium olympique"),
            (None, "parc olympique"),
            (None, "relais de la flamme"),
            (None, "porteur* de la flamme"),
        ],
    },
    "migration": {
        "fr": [
            ("migration*", "~migration*"),
            ("migratoire*", "~migratoire*"),
            (None, "politique migratoire"),
            (None, "crise migratoire"),
            (None, "pression migratoire"),
        ],
        "en": [
            ("migration*", "~migration*"),
            ("migratory", "~migratory"),
            ("migrate*", "~migrate*"),
            (None, "migration policy"),
            (None, "net migration"),
        ],
    },
    "diplomacy": {
        "fr": [
            (None, "chargé d'affaires"),
            (None, "chargée d'affaires"),
            (None, "persona non grata"),
            (None, "~consulaire*"),
        ],
    },
}


class Migration(migrations.Migration):
    dependencies = [("articles", "0021_topic_thresholds")]

    operations = [topic_cues_migration(REVISIONS)]
