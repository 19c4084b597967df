"""The Django admin: every model of the application has a page that opens."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from articles.models import Actor, ActorMerge
from articles.services.actors import actor_merge
from tests.conftest import make_user
from tests.test_digests import build_digest, newsroom

pytestmark = pytest.mark.django_db

APPS = ("articles", "imports", "digests", "sources", "watches")
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
    assert 'name="_save"' not in page  # shown, not editable (no Save button)


# --- accounts: the admin role cannot raise itself or anyone above what it holds ---------------------


@pytest.fixture
def staff_admin(client):
    """A user with the admin role and access to the Django admin, who is not a superuser."""
    user = make_user("office", "admin")
    user.is_staff = True
    user.save()
    client.force_login(user)
    return user


def account_form(user, **changes) -> dict:
    """What the user change form posts for ``user`` as it is, with ``changes``."""
    data = {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
            "groups": list(user.groups.values_list("id", flat=True))}
    data.update({flag: "on" for flag in ("is_active", "is_staff", "is_superuser") if getattr(user, flag)})
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def state(user) -> tuple:
    user = User.objects.get(id=user.id)
    return (user.username, user.is_superuser, user.is_staff, user.is_active,
            sorted(user.groups.values_list("name", flat=True)), user.user_permissions.count(), user.password)


def bulk_delete(client, user):
    return client.post(reverse("admin:auth_user_changelist"),
                       {"action": "delete_selected", "_selected_action": [user.id], "post": "yes"})


def change(client, user, data):
    return client.post(reverse("admin:auth_user_change", args=[user.id]), data)


def test_an_admin_cannot_make_itself_superuser_or_give_itself_permissions_or_groups(client, staff_admin):
    before = state(staff_admin)
    every_permission = list(Permission.objects.values_list("id", flat=True))
    response = change(client, staff_admin, account_form(
        staff_admin, is_superuser="on", user_permissions=every_permission,
        groups=list(Group.objects.values_list("id", flat=True)), first_name="Office"))
    assert response.status_code == 302
    assert state(staff_admin) == before
    assert User.objects.get(id=staff_admin.id).first_name == "Office"  # what is theirs to change still changes


def test_an_admin_cannot_make_another_user_superuser_or_admin(client, staff_admin):
    editor = make_user("ed", "editor")
    before = state(editor)
    admin_group = Group.objects.get(name="admin").id
    change(client, editor, account_form(editor, is_superuser="on",
                                        user_permissions=list(Permission.objects.values_list("id", flat=True))))
    assert state(editor) == before
    response = change(client, editor, account_form(editor, groups=[admin_group]))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert state(editor) == before


def test_an_admin_gives_another_user_a_role_below_its_own(client, staff_admin):
    editor = make_user("ed", "editor")
    response = change(client, editor, account_form(editor, groups=[Group.objects.get(name="chief editor").id],
                                                   is_staff="on"))
    assert response.status_code == 302
    assert state(editor)[1:5] == (False, True, True, ["chief editor"])


def test_an_admin_cannot_change_delete_or_reset_the_password_of_a_superuser_or_another_admin(client, staff_admin):
    root = User.objects.create_superuser("root", "root@example.org", "pw-for-tests-only")
    other_admin = make_user("other-office", "admin")
    for user in (root, other_admin):
        before = state(user)
        assert change(client, user, account_form(user, username="taken-over", is_active=None)).status_code == 403
        password = reverse("admin:auth_user_password_change", args=[user.id])
        new_password = {"password1": "x-Ab12-new-pass", "password2": "x-Ab12-new-pass"}
        assert client.post(password, new_password).status_code == 403
        assert client.post(reverse("admin:auth_user_delete", args=[user.id]), {"post": "yes"}).status_code == 403
        bulk_delete(client, user)
        assert state(user) == before
        # Still listed and readable: the admin role views every account.
        assert client.get(reverse("admin:auth_user_change", args=[user.id])).status_code == 200


def test_a_superuser_still_grants_the_admin_role_and_superuser_status(admin_client):
    editor = make_user("ed", "editor")
    response = change(admin_client, editor, account_form(editor, is_superuser="on", is_staff="on",
                                                         groups=[Group.objects.get(name="admin").id]))
    assert response.status_code == 302
    assert state(editor)[1:5] == (True, True, True, ["admin"])
    bulk_delete(admin_client, editor)  # the same action that the admin role is refused on a superuser
    assert not User.objects.filter(id=editor.id).exists()


@pytest.mark.parametrize("url, error", [("javascript:alert(1)", True), ("ftp://files.example/a", True),
                                        ("https://news.example/a", False)])
def test_the_article_admin_checks_urls_as_every_other_way_in(admin_client, url, error):
    from articles.models import Article

    article = Article.objects.create(title="A", body="b", content_hash="h", url="https://news.example/first")
    data = {"title": "A", "body": "b", "url": url, "status": "queued", "attempts": "0", "review_state": "unreviewed",
            "version": "1", "queued_at_0": "2026-01-01", "queued_at_1": "10:00:00",
            "mentions-TOTAL_FORMS": "0", "mentions-INITIAL_FORMS": "0"}
    response = admin_client.post(reverse("admin:articles_article_change", args=[article.id]), data)
    article.refresh_from_db()
    if error:
        assert "Not a web address" in response.content.decode()
        assert article.url == "https://news.example/first"
    else:
        assert response.status_code == 302 and article.url == url
