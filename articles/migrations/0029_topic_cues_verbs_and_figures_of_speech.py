"""Seeded French desk-topic cues revised against ordinary French words that share a desk topic's
stem: "terroris*" also took "terrorisée" (a frightened victim) and "attentat*" "attentatoire" (a
measure that infringes a freedom), so terrorism lists its nouns and adjective instead; a movement
that "se radicalise" and a "kamikaze" choice are figures of speech, so those words count only
beside terrorism's own. A suspect who "s'est réfugié" at a friend's took refuge: those verb phrases
are general for migration, so "réfugié" inside them is no evidence. "Bilatéral" is also a medical
word ("pneumonie bilatérale") and "pourparlers" also labour talks: diplomacy keeps them as general
words and gains the bilateral phrases of relations between states and "pourparlers de paix"; "la
Chancellerie" is also the French ministry of justice and "ingérence" any meddling, so they count only
beside diplomacy's words ("ingérence étrangère" stays its own), and a coach who "reste diplomate" is
tactful. The UN is cited by news of every kind (a climate report, a health agency's figures) and
"aide internationale" reaches every disaster: "ONU" and "Nations unies" become general words and are no
longer diplomacy's actors in French (the Security Council, the Secretary-General, the General Assembly
and a UN resolution stay its own), and international aid counts only beside diplomacy's words, as does an official visit, which a minister
also pays to a school at home. Organised crime and criminal networks, the daily matter of crime news, count for security
cooperation only beside its own words.

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
            ("chancellerie*", "~chancellerie*"),
            ("ingérence*", "~ingérence*"),
            ("nations unies", "~nations unies"),
            ("onu", "~onu"),
            ("aide internationale", "~aide internationale"),
            ("visite officielle", "~visite officielle"),
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
            (None, "ingérence étrangère"),
            (None, "ingérences étrangères"),
            (None, "non-ingérence"),
            (None, "~reste diplomate"),
            (None, "~rester diplomate"),
            (None, "~resté diplomate"),
            (None, "~restée diplomate"),
            (None, "~très diplomate"),
            (None, "~très diplomatique"),
            (None, "~se montre diplomate"),
            (None, "~s'est montré diplomate"),
            (None, "~s'est montrée diplomate"),
            (None, "secrétaire général de l'onu"),
            (None, "secrétaire général des nations unies"),
            (None, "assemblée générale de l'onu"),
            (None, "assemblée générale des nations unies"),
            (None, "résolution de l'onu"),
            (None, "résolution des nations unies"),
        ],
        "actors": [
            ("ONU", None),
            ("Nations unies", None),
        ],
    },
    "security-cooperation": {
        "fr": [
            ("réseaux criminels", "~réseaux criminels"),
            ("criminalité organisée", "~criminalité organisée"),
            ("crime organisé", "~crime organisé"),
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
