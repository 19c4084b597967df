"""Seeded French desk-topic cues revised against ordinary French words that share a desk topic's
stem: "terroris*" also took "terrorisée" (a frightened victim) and "attentat*" "attentatoire" (a
measure that infringes a freedom), so terrorism lists its nouns and adjective instead; a movement
that "se radicalise" and a "kamikaze" choice are figures of speech, so those words count only
beside terrorism's own. A suspect who "s'est réfugié" at a friend's took refuge: those verb phrases
are general for migration, so "réfugié" inside them is no evidence. "Bilatéral" is also a medical
word ("pneumonie bilatérale") and "pourparlers" also labour talks: diplomacy keeps them as general
words and gains the bilateral phrases of relations between states and "pourparlers de paix".

The revision is frozen here (not read from articles.topics_seed) and applied with
topic_cues_revise: a cue a chief editor removed or rewrote stays as edited.
"""

from django.db import migrations

from articles.services.taxonomy import topic_cues_migration

REVISIONS = {
    "terrorism": {
        "fr": [
            ("terroris*", "terrorisme"),
            ("attentat*", "attentat"),
            ("radicalis*", "~radicalis*"),
            ("kamikaze*", "~kamikaze*"),
            (None, "terroriste"),
            (None, "terroristes"),
            (None, "attentats"),
        ],
    },
    "diplomacy": {
        "fr": [
            ("bilatéra*", "~bilatéra*"),
            ("pourparlers", "~pourparlers"),
            (None, "relation bilatérale"),
            (None, "accords bilatéraux"),
            (None, "entretien bilatéral"),
            (None, "entretiens bilatéraux"),
            (None, "rencontre bilatérale"),
            (None, "rencontres bilatérales"),
            (None, "échanges bilatéraux"),
            (None, "partenariat bilatéral"),
            (None, "ordre bilatéral"),
            (None, "plan bilatéral"),
            (None, "questions bilatérales"),
            (None, "pourparlers de paix"),
        ],
    },
    "migration": {
        "fr": [
            (None, "~s'est réfugié*"),
            (None, "~s'était réfugié*"),
            (None, "~se sont réfugié*"),
            (None, "~s'étaient réfugié*"),
            (None, "~se réfugi*"),
            (None, "~s'y est réfugié*"),
            (None, "~s'y sont réfugié*"),
        ],
    },
}


class Migration(migrations.Migration):
    dependencies = [("articles", "0028_topic_thresholds_recalibrated_french")]

    operations = [topic_cues_migration(REVISIONS)]
