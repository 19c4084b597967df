"""The topic taxonomy: seeded once, then edited by chief editors."""

from django.apps import apps as global_apps
from django.db import migrations, transaction

from articles.topics_seed import TOPICS


def topics_seed(apps=global_apps, *, overwrite: bool = False) -> int:
    """Create the seeded topics that are missing; returns how many were created.

    An existing topic is left as a chief editor edited it unless ``overwrite``.
    """
    Topic = apps.get_model("articles", "Topic")
    # Migration 0002 seeds with a model that has no thresholds yet; 0021 adds them.
    with_thresholds = any(field.name == "thresholds" for field in Topic._meta.get_fields())
    created = 0
    with transaction.atomic():
        by_slug = {}
        for entry in TOPICS:
            fields = {
                "name_en": entry["name_en"],
                "name_fr": entry["name_fr"],
                "iptc_code": entry.get("iptc_code", ""),
                "description": entry.get("description", ""),
                "cues": {**entry.get("cues", {}), "actors": list(entry.get("actors", []))},
            }
            if with_thresholds:
                fields["thresholds"] = dict(entry.get("thresholds", {}))
            topic = Topic.objects.filter(slug=entry["slug"]).first()
            if topic is None:
                topic = Topic.objects.create(slug=entry["slug"], **fields)
                created += 1
            elif overwrite:
                for name, value in fields.items():
                    setattr(topic, name, value)
                topic.save()
            by_slug[entry["slug"]] = topic
        for entry in TOPICS:
            parent = by_slug.get(entry.get("parent") or "")
            topic = by_slug[entry["slug"]]
            if parent is not None and topic.parent_id is None:
                topic.parent = parent
                topic.save(update_fields=["parent"])
    return created


def topic_cues_revise(apps=global_apps, *, revisions: dict[str, dict[str, list[tuple[str | None, str | None]]]]) -> int:
    """Apply a revision of the seeded cue lists to the topics in the database; returns how many changed.

    ``revisions`` maps a topic slug to, per language, ``(old, new)`` pairs: ``old`` is replaced by
    ``new`` where the list still holds ``old``; ``(None, new)`` adds a cue, ``(old, None)`` removes
    one. A cue a chief editor already removed or rewrote stays as edited, a cue already present is
    not added twice, and a topic that was deleted is skipped: only the seed's own words change.
    """
    Topic = apps.get_model("articles", "Topic")
    changed = 0
    with transaction.atomic():
        for topic in Topic.objects.filter(slug__in=list(revisions)).select_for_update():
            cues = dict(topic.cues or {})
            for language, pairs in revisions[topic.slug].items():
                current = list(cues.get(language, []))
                for old, new in pairs:
                    if old is not None and old in current:
                        if new is None or new in current:
                            current.remove(old)
                        else:
                            current[current.index(old)] = new
                    elif old is None and new is not None and new not in current:
                        current.append(new)
                cues[language] = current
            if cues != topic.cues:
                topic.cues = cues
                topic.save(update_fields=["cues"])
                changed += 1
    return changed


def topic_thresholds_revise(apps=global_apps, *,
                            revisions: dict[str, dict[str, tuple[float | None, float | None]]]) -> int:
    """Apply a revision of the seeded thresholds to the topics in the database; returns how many changed.

    ``revisions`` maps a topic slug to, per language, an ``(old, new)`` pair (None: no threshold of
    its own). A threshold changes only where it is still ``old``: one a chief editor set or removed
    stays as edited, and a topic that was deleted is skipped.
    """
    Topic = apps.get_model("articles", "Topic")
    changed = 0
    with transaction.atomic():
        for topic in Topic.objects.filter(slug__in=list(revisions)).select_for_update():
            thresholds = dict(topic.thresholds or {})
            for language, (old, new) in revisions[topic.slug].items():
                if thresholds.get(language) != old:
                    continue
                if new is None:
                    thresholds.pop(language, None)
                else:
                    thresholds[language] = new
            if thresholds != (topic.thresholds or {}):
                topic.thresholds = thresholds
                topic.save(update_fields=["thresholds"])
                changed += 1
    return changed


def topic_thresholds_migration(revisions: dict[str, dict[str, tuple[float | None, float | None]]]
                               ) -> migrations.RunPython:
    """A data migration's operation: ``revisions`` (frozen in the migration) applied with topic_thresholds_revise,
    and undone when the migration is reversed."""
    backwards = threshold_revisions_reversed(revisions)

    def revise(apps, schema_editor):
        topic_thresholds_revise(apps, revisions=revisions)

    def restore(apps, schema_editor):
        topic_thresholds_revise(apps, revisions=backwards)

    return migrations.RunPython(revise, restore)


def threshold_revisions_reversed(revisions: dict[str, dict[str, tuple[float | None, float | None]]]) -> dict:
    """A threshold revision undone: each pair the other way round."""
    return {slug: {language: (new, old) for language, (old, new) in languages.items()}
            for slug, languages in revisions.items()}


def cue_revisions_reversed(revisions: dict[str, dict[str, list[tuple[str | None, str | None]]]]) -> dict:
    """A revision undone: each pair the other way round, the last first."""
    return {
        slug: {language: [(new, old) for old, new in reversed(pairs)] for language, pairs in languages.items()}
        for slug, languages in revisions.items()
    }


def topic_cues_migration(revisions: dict[str, dict[str, list[tuple[str | None, str | None]]]]) -> migrations.RunPython:
    """A data migration's operation: ``revisions`` (frozen in the migration) applied with topic_cues_revise, and
    undone when the migration is reversed."""

    def revise(apps, schema_editor):
        topic_cues_revise(apps, revisions=revisions)

    def restore(apps, schema_editor):
        topic_cues_revise(apps, revisions=cue_revisions_reversed(revisions))

    return migrations.RunPython(revise, restore)
