"""The topic taxonomy: seeded once, then edited by chief editors."""

from django.apps import apps as global_apps
from django.db import transaction

from articles.topics_seed import TOPICS


def topics_seed(apps=global_apps, *, overwrite: bool = False) -> int:
    """Create the seeded topics that are missing; returns how many were created.

    An existing topic is left as a chief editor edited it unless ``overwrite``.
    """
    Topic = apps.get_model("articles", "Topic")
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
