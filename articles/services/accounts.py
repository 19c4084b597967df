"""Roles are Django groups with model permissions; views check permissions."""

import hashlib
import secrets

from django.apps import apps as global_apps
from django.db import transaction

VIEW = ["view_article", "view_mention", "view_actor", "view_actoralias", "view_actorrole", "view_topic",
        "view_articletopic", "view_quote", "view_source", "view_reviewevent", "view_actormerge",
        "view_reannotationjob", "view_rejectedsurface", "view_conventionoff",
        "view_digest", "view_digestsection", "view_digestitem", "view_exportjob", "view_feed", "view_feeditem",
        "view_feedpoll"]
EDIT = ["add_article", "change_article", "add_mention", "change_mention", "delete_mention", "add_articletopic",
        "change_articletopic", "delete_articletopic", "add_quote", "change_quote", "add_actor", "change_actor",
        "add_actoralias", "add_source", "add_rejectedsurface",
        "add_digest", "change_digest", "add_digestitem", "change_digestitem", "delete_digestitem", "add_exportjob",
        "export_annotations"]
CHIEF = ["add_topic", "change_topic", "delete_topic", "delete_article", "delete_actor", "delete_actoralias",
         "change_source", "delete_rejectedsurface", "add_conventionoff", "delete_conventionoff", "merge_actor",
         "reannotate_article", "add_duplicatedismissal", "publish_digest", "delete_digest", "add_feed", "change_feed",
         "delete_feed"]
ADMIN = ["add_user", "change_user", "view_user", "delete_user", "view_group", "add_apitoken", "view_apitoken",
         "delete_apitoken", "add_importbatch", "view_importbatch", "change_importbatch"]

ROLES = {
    "viewer": VIEW,
    "editor": VIEW + EDIT,
    "chief editor": VIEW + EDIT + CHIEF,
    "admin": VIEW + EDIT + CHIEF + ADMIN,
}


def roles_ensure(apps=global_apps) -> None:
    """Create or complete the four role groups. Safe to run any number of times."""
    from django.contrib.auth.management import create_permissions

    historical = apps is not global_apps
    for app_config in apps.get_app_configs():
        if historical:
            # Historical app configs have no models module; permissions are only
            # created for configs that do (Django ticket #29843 pattern).
            app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        if historical:
            app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    with transaction.atomic():
        for name, codenames in ROLES.items():
            group, _ = Group.objects.get_or_create(name=name)
            group.permissions.add(*Permission.objects.filter(codename__in=codenames))


def user_role(user) -> str:
    """The highest role a user holds, for display."""
    if user.is_superuser:
        return "admin"
    names = set(user.groups.values_list("name", flat=True))
    for role in ("admin", "chief editor", "editor", "viewer"):
        if role in names:
            return role
    return ""


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def api_token_create(*, user, label: str = "") -> str:
    """Create a bearer token for ``user``; only its digest is stored, so the
    returned value cannot be shown again."""
    from articles.models import ApiToken

    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=token_digest(token), label=label[:100])
    return token
