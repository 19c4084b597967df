"""Seeded French desk-topic cues revised against look-alike articles: a town of Western Sahara
(Dakhla, Laâyoune, Tindouf) is a place, and a kitesurf holiday there is not the Western Sahara
question; "champion olympique" is the title an athlete carries into any meeting, not the Games;
"menace terroriste" is what a security plan guards against, not an attack or a plot. Each now
counts only beside the topic's own vocabulary.

The revision is frozen here (not read from articles.topics_seed) and applied with
topic_cues_revise: a cue a chief editor removed or rewrote stays as edited.
"""

from django.db import migrations

from articles.services.taxonomy import topic_cues_migration

REVISIONS = {
    "western-sahara": {
        "fr": [
            ("tindouf", "~tindouf"),
            ("laâyoune", "~laâyoune"),
            ("laayoune", "~laayoune"),
            ("dakhla", "~dakhla"),
        ],
    },
    "olympic-games": {
        "fr": [
            ("champion* olympique*", "~champion* olympique*"),
        ],
    },
    "terrorism": {
        "fr": [
            ("menace terroriste", "~menace terroriste"),
        ],
    },
}


class Migration(migrations.Migration):
    dependencies = [("articles", "0024_span_conventions")]

    operations = [topic_cues_migration(REVISIONS)]
