"""French desk-topic thresholds calibrated again on the labelled tuning articles, now three sets
(bench/topics_fr.py --calibrate): Western Sahara, with eight articles about it, gets 0.47; the Olympic
Games go from 0.5 to 0.6.

The values are frozen here (not read from articles.topics_seed) and applied with
topic_thresholds_revise: a threshold a chief editor set stays as set.
"""

from django.db import migrations

from articles.services.taxonomy import topic_thresholds_migration

REVISIONS = {
    "western-sahara": {"fr": (None, 0.47)},
    "olympic-games": {"fr": (0.5, 0.6)},
}


class Migration(migrations.Migration):
    dependencies = [("articles", "0027_topic_cues_visits_visas_games_names")]

    operations = [topic_thresholds_migration(REVISIONS)]
