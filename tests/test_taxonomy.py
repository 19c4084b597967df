"""The seeded taxonomy in the database: cue revisions reach an existing installation and leave
chief editors' edits alone."""

import importlib

import pytest

from articles.models import Topic
from articles.services.taxonomy import (
    cue_revisions_reversed,
    threshold_revisions_reversed,
    topic_cues_revise,
    topic_thresholds_revise,
)
from articles.topics_seed import TOPICS

REVISION = importlib.import_module("articles.migrations.0020_topic_cues_everyday_words")
THRESHOLDS = importlib.import_module("articles.migrations.0021_topic_thresholds")
RECALIBRATED = importlib.import_module("articles.migrations.0028_topic_thresholds_recalibrated_french")
LOOK_ALIKES = importlib.import_module("articles.migrations.0022_topic_cues_look_alikes")
ENGLISH_SECTIONS = importlib.import_module("articles.migrations.0023_topic_cues_english_sections")
PLACES_TITLES_THREATS = importlib.import_module("articles.migrations.0025_topic_cues_places_titles_threats")
AMBASSADORS_POLICE = importlib.import_module("articles.migrations.0026_topic_cues_ambassadors_foreign_police")
VISITS_VISAS_GAMES = importlib.import_module("articles.migrations.0027_topic_cues_visits_visas_games_names")
VERBS_FIGURES = importlib.import_module("articles.migrations.0029_topic_cues_verbs_and_figures_of_speech")

pytestmark = pytest.mark.django_db

# The French revisions after the look-alike one, in migration order.
LATER_FRENCH = (PLACES_TITLES_THREATS, AMBASSADORS_POLICE, VISITS_VISAS_GAMES, VERBS_FIGURES)


def _undo(migrations):
    for migration in reversed(migrations):
        topic_cues_revise(revisions=cue_revisions_reversed(migration.REVISIONS))


def _redo(migrations):
    for migration in migrations:
        topic_cues_revise(revisions=migration.REVISIONS)


def _seed_cues(slug):
    entry = next(entry for entry in TOPICS if entry["slug"] == slug)
    return {**entry["cues"], "actors": list(entry.get("actors", []))}


def test_migrated_database_holds_the_seed_cues():
    for entry in TOPICS:
        assert Topic.objects.get(slug=entry["slug"]).cues == _seed_cues(entry["slug"]), entry["slug"]
    assert "~élus" in Topic.objects.get(slug="elections").cues["fr"]
    assert "~migration*" in Topic.objects.get(slug="migration").cues["fr"]
    assert "patent" in Topic.objects.get(slug="science-and-technology").cues["en"]


def test_look_alike_revision_brings_an_installation_seeded_before_it_to_the_seed():
    # Back to before it (the later revisions of the same cues first), then forward as the migrations run.
    _undo(LATER_FRENCH)
    assert topic_cues_revise(revisions=cue_revisions_reversed(LOOK_ALIKES.REVISIONS)) == len(LOOK_ALIKES.REVISIONS)
    older = Topic.objects.get(slug="olympic-games").cues["fr"]
    assert "olympique*" in older and "drapeau olympique" not in older

    assert topic_cues_revise(revisions=LOOK_ALIKES.REVISIONS) == len(LOOK_ALIKES.REVISIONS)
    assert topic_cues_revise(revisions=LOOK_ALIKES.REVISIONS) == 0
    _redo(LATER_FRENCH)
    for slug in LOOK_ALIKES.REVISIONS:
        assert Topic.objects.get(slug=slug).cues == _seed_cues(slug), slug


def test_english_sections_revision_brings_an_installation_seeded_before_it_to_the_seed():
    revisions = ENGLISH_SECTIONS.REVISIONS
    assert topic_cues_revise(revisions=cue_revisions_reversed(revisions)) == len(revisions)
    older = Topic.objects.get(slug="science-and-technology").cues["en"]
    assert "~patent*" in older and "patent" not in older and "smartcard*" not in older
    assert "lord chancellor" not in Topic.objects.get(slug="politics").cues["en"]

    assert topic_cues_revise(revisions=revisions) == len(revisions)
    for slug in revisions:
        assert Topic.objects.get(slug=slug).cues == _seed_cues(slug), slug
    assert topic_cues_revise(revisions=revisions) == 0


def test_places_titles_threats_revision_brings_an_installation_seeded_before_it_to_the_seed():
    revisions = PLACES_TITLES_THREATS.REVISIONS
    _undo((VISITS_VISAS_GAMES, VERBS_FIGURES))  # later revisions of the same topics
    assert topic_cues_revise(revisions=cue_revisions_reversed(revisions)) == len(revisions)
    older = Topic.objects.get(slug="western-sahara").cues["fr"]
    assert "dakhla" in older and "~dakhla" not in older
    assert "menace terroriste" in Topic.objects.get(slug="terrorism").cues["fr"]

    assert topic_cues_revise(revisions=revisions) == len(revisions)
    _redo((VISITS_VISAS_GAMES, VERBS_FIGURES))
    for slug in revisions:
        assert Topic.objects.get(slug=slug).cues == _seed_cues(slug), slug
    assert "~champion* olympique*" in Topic.objects.get(slug="olympic-games").cues["fr"]
    assert topic_cues_revise(revisions=revisions) == 0


def test_ambassadors_foreign_police_revision_brings_an_installation_seeded_before_it_to_the_seed():
    revisions = AMBASSADORS_POLICE.REVISIONS
    _undo((VISITS_VISAS_GAMES, VERBS_FIGURES))  # later revisions of the same topics
    assert topic_cues_revise(revisions=cue_revisions_reversed(revisions)) == len(revisions)
    older = Topic.objects.get(slug="diplomacy").cues["fr"]
    assert "ambassadeur*" in older and "~ambassadeur*" not in older
    assert "policiers étrangers" not in Topic.objects.get(slug="security-cooperation").cues["fr"]

    assert topic_cues_revise(revisions=revisions) == len(revisions)
    _redo((VISITS_VISAS_GAMES, VERBS_FIGURES))
    for slug in revisions:
        assert Topic.objects.get(slug=slug).cues == _seed_cues(slug), slug
    assert topic_cues_revise(revisions=revisions) == 0


def test_visits_visas_games_revision_brings_an_installation_seeded_before_it_to_the_seed():
    revisions = VISITS_VISAS_GAMES.REVISIONS
    _undo((VERBS_FIGURES,))  # a later revision of the same topics
    assert topic_cues_revise(revisions=cue_revisions_reversed(revisions)) == len(revisions)
    older = Topic.objects.get(slug="diplomacy").cues["fr"]
    assert "communauté internationale" in older and "visite d'amitié" not in older
    assert "SOS Méditerranée" not in Topic.objects.get(slug="migration").cues["actors"]

    assert topic_cues_revise(revisions=revisions) == len(revisions)
    _redo((VERBS_FIGURES,))
    for slug in revisions:
        assert Topic.objects.get(slug=slug).cues == _seed_cues(slug), slug
    assert "paris 2024" in Topic.objects.get(slug="olympic-games").cues["fr"]
    assert topic_cues_revise(revisions=revisions) == 0


def test_verbs_figures_revision_brings_an_installation_seeded_before_it_to_the_seed():
    revisions = VERBS_FIGURES.REVISIONS
    assert topic_cues_revise(revisions=cue_revisions_reversed(revisions)) == len(revisions)
    older = Topic.objects.get(slug="terrorism").cues["fr"]
    assert "terroris*" in older and "terroriste" not in older
    assert "bilatéra*" in Topic.objects.get(slug="diplomacy").cues["fr"]

    assert topic_cues_revise(revisions=revisions) == len(revisions)
    for slug in revisions:
        assert Topic.objects.get(slug=slug).cues == _seed_cues(slug), slug
    assert topic_cues_revise(revisions=revisions) == 0


def test_revision_brings_an_installation_seeded_before_it_to_the_seed():
    # Back to before both revisions, in reverse order, then forward again as the migrations run.
    _undo(LATER_FRENCH)
    topic_cues_revise(revisions=cue_revisions_reversed(LOOK_ALIKES.REVISIONS))
    assert topic_cues_revise(revisions=cue_revisions_reversed(REVISION.REVISIONS)) == len(REVISION.REVISIONS)
    older = Topic.objects.get(slug="elections").cues["fr"]
    assert "élus" in older and "~élus" not in older

    assert topic_cues_revise(revisions=REVISION.REVISIONS) == len(REVISION.REVISIONS)
    # Applied twice, nothing changes (checked before the later revisions, one of which rewrites a cue it adds).
    assert topic_cues_revise(revisions=REVISION.REVISIONS) == 0
    topic_cues_revise(revisions=LOOK_ALIKES.REVISIONS)
    _redo(LATER_FRENCH)
    for slug in REVISION.REVISIONS:
        assert Topic.objects.get(slug=slug).cues == _seed_cues(slug), slug


def test_revision_keeps_what_a_chief_editor_changed():
    topic = Topic.objects.get(slug="migration")
    topic.cues = {**topic.cues, "fr": ["migrant*", "expulsion*", "rétention"]}
    topic.save()
    revisions = {"migration": {"fr": [("expulsion*", "~expulsion*"), ("passeur*", "~passeur*"),
                                      (None, "rétention"), (None, "centre de rétention"), ("migrant*", None)]},
                 "no-such-topic": {"fr": [(None, "mot")]}}

    assert topic_cues_revise(revisions=revisions) == 1

    topic.refresh_from_db()
    # Revised in place; a cue the editor had removed is not brought back, none is doubled.
    assert topic.cues["fr"] == ["~expulsion*", "rétention", "centre de rétention"]
    assert topic.cues["actors"] == _seed_cues("migration")["actors"]


def test_migrated_database_holds_the_seed_thresholds():
    for entry in TOPICS:
        assert Topic.objects.get(slug=entry["slug"]).thresholds == entry.get("thresholds", {}), entry["slug"]
    assert any(Topic.objects.get(slug=slug).thresholds for slug in THRESHOLDS.REVISIONS)


def test_threshold_revision_brings_an_older_installation_to_the_seed_and_keeps_a_chief_editors():
    # Back to before the later recalibration, which revises a threshold this one sets.
    assert topic_thresholds_revise(revisions=threshold_revisions_reversed(RECALIBRATED.REVISIONS)) == len(
        RECALIBRATED.REVISIONS)
    backwards = threshold_revisions_reversed(THRESHOLDS.REVISIONS)
    assert topic_thresholds_revise(revisions=backwards) == len(THRESHOLDS.REVISIONS)
    assert all(not Topic.objects.get(slug=slug).thresholds for slug in THRESHOLDS.REVISIONS)
    edited = next(iter(THRESHOLDS.REVISIONS))
    [language] = THRESHOLDS.REVISIONS[edited]
    Topic.objects.filter(slug=edited).update(thresholds={language: 0.9, "xx": 0.5})

    assert topic_thresholds_revise(revisions=THRESHOLDS.REVISIONS) == len(THRESHOLDS.REVISIONS) - 1

    assert Topic.objects.get(slug=edited).thresholds == {language: 0.9, "xx": 0.5}
    topic_thresholds_revise(revisions=RECALIBRATED.REVISIONS)
    for entry in TOPICS:
        if entry["slug"] in THRESHOLDS.REVISIONS and entry["slug"] != edited:
            assert Topic.objects.get(slug=entry["slug"]).thresholds == entry["thresholds"], entry["slug"]
    # Applied twice, nothing changes.
    assert topic_thresholds_revise(revisions=THRESHOLDS.REVISIONS) == 0


def test_french_recalibration_brings_an_older_installation_to_the_seed():
    assert topic_thresholds_revise(revisions=threshold_revisions_reversed(RECALIBRATED.REVISIONS)) == len(
        RECALIBRATED.REVISIONS)
    assert Topic.objects.get(slug="western-sahara").thresholds == {}
    assert Topic.objects.get(slug="olympic-games").thresholds == {"fr": 0.5}
    assert topic_thresholds_revise(revisions=RECALIBRATED.REVISIONS) == len(RECALIBRATED.REVISIONS)
    for slug in RECALIBRATED.REVISIONS:
        entry = next(entry for entry in TOPICS if entry["slug"] == slug)
        assert Topic.objects.get(slug=slug).thresholds == entry["thresholds"], slug
    assert topic_thresholds_revise(revisions=RECALIBRATED.REVISIONS) == 0
