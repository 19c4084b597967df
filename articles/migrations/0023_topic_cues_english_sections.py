"""Seeded English cues revised for the top-level topics: "patent" is the vocabulary of inventions
and counts as technology's own word (its old prefix "patent*" also took the everyday "patently"),
smart cards and decryption join technology, and the lord chancellor joins the other offices of
government in politics.

The revision is frozen here (not read from articles.topics_seed) and applied with
topic_cues_revise: a cue a chief editor removed or rewrote stays as edited.
"""

from django.db import migrations

from articles.services.taxonomy import topic_cues_migration

REVISIONS = {
    "science-and-technology": {
        "en": [
            ("~patent*", "patent"),
            (None, "patents"),
            (None, "patented"),
            (None, "patenting"),
            (None, "decryption"),
            (None, "smartcard*"),
            (None, "smart card*"),
        ],
    },
    "politics": {
        "en": [
            (None, "lord chancellor"),
        ],
    },
}


class Migration(migrations.Migration):
    dependencies = [("articles", "0022_topic_cues_look_alikes")]

    operations = [topic_cues_migration(REVISIONS)]
