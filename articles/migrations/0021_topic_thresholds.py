"""Topics get thresholds of their own, per language, and the seeded ones calibrated on the labelled
tuning articles (bench/topics_fr.py and bench/topics.py --calibrate): the Olympic Games in French,
four IPTC top-level topics in English.

The values are frozen here (not read from articles.topics_seed) and applied with
topic_thresholds_revise: a threshold a chief editor set stays as set.
"""

from django.db import migrations, models

import articles.models
from articles.services.taxonomy import topic_thresholds_migration

REVISIONS = {
    "olympic-games": {"fr": (None, 0.5)},
    "economy-business-and-finance": {"en": (None, 0.83)},
    "arts-culture-entertainment-and-media": {"en": (None, 0.93)},
    "sport": {"en": (None, 0.51)},
    "science-and-technology": {"en": (None, 0.69)},
}


class Migration(migrations.Migration):
    dependencies = [("articles", "0020_topic_cues_everyday_words")]

    operations = [
        migrations.AddField(
            model_name="topic",
            name="thresholds",
            field=models.JSONField(
                blank=True, default=dict,
                help_text='Score from which the topic is suggested, per language, e.g. {"fr": 0.5}; TOPIC_THRESHOLD '
                          "for a language not listed. Applies to articles annotated from now on.",
                validators=[articles.models.validate_topic_thresholds]),
        ),
        topic_thresholds_migration(REVISIONS),
    ]
