"""The Django admin: every model of the application has a page that opens."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse

from articles.models import Actor, ActorMerge
from articles.services.actors import actor_merge
from tests.test_digests import build_digest, newsroom

pytestmark = pytest.mark.django_db

APPS = ("articles", "imports", "digests", "sources")
INLINED = {"DigestItem", "DigestSection", "Mention"}  # edited inside their digest or article


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw-for-tests-only"))
    return client


def test_every_model_of_the_application_is_in_the_admin():
    inlined = {inline.model.__name__ for model_admin in admin.site._registry.values() for inline in model_admin.inlines}
    missing = [model.__name__ for model in apps.get_models()
               if model._meta.app_label in APPS and model not in admin.site._registry and model.__name__ not in inlined]
    assert missing == []


def test_every_changelist_and_change_page_opens(admin_client, editor):
    found = newsroom()
    digest = build_digest(list(found.values())[:2])
    first, second = (Actor.objects.create(name=name, kind="person", key=f"{name}|person") for name in ("A. B", "Ann B"))
    actor_merge(survivor=first, merged=second, user=editor)
    for model in admin.site._registry:
        if model._meta.app_label not in APPS:
            continue
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert admin_client.get(reverse(f"{name}_changelist")).status_code == 200, model.__name__
        row = model.objects.first()
        if row is not None:
            assert admin_client.get(reverse(f"{name}_change", args=[row.pk])).status_code == 200, model.__name__
    page = admin_client.get(reverse("admin:digests_digest_change", args=[digest.id])).content.decode()
    assert "Digest sections" in page
    merge = ActorMerge.objects.get()
    page = admin_client.get(reverse("admin:articles_actormerge_change", args=[merge.id])).content.decode()
    assert "Save" not in page  # shown, not editable
