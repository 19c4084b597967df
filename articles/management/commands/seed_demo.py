import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from articles.services.ingest import article_create

DEMO_ARTICLE = Path(settings.BASE_DIR) / "demo" / "fr-darmanin-rabat.txt"


class Command(BaseCommand):
    help = "Create the demo editor account (password printed once) and queue the demo article."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="demo")

    def handle(self, *args, username, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            user = User.objects.create_user(username=username, password=password)
            user.groups.add(Group.objects.get(name="editor"))
            self.stdout.write(self.style.SUCCESS(f"Demo editor account: {username} / {password}  (shown once)"))
        else:
            self.stdout.write(
                f"Demo account {username!r} already exists (reset it with: manage.py changepassword {username})."
            )
        result = article_create(body=DEMO_ARTICLE.read_text(encoding="utf-8"), created_by=user, source_name="Demo")
        state = "already loaded" if result.duplicate else "queued for annotation"
        self.stdout.write(f"Demo article #{result.article.id} {state}.")
