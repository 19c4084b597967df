"""Queue finished articles for annotation again.

After an upgrade (a new pipeline or model version) ``--outdated`` re-annotates
what an older version produced; ``--all`` takes every finished article and
``--ids`` the given ones. They go to the bulk queue in batches of
IMPORT_ANNOTATION_BATCH, as an import's do. Only pending suggestions are
replaced: every editor decision is kept.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from articles.models import Article
from articles.services.annotation import get_annotator
from articles.services.ingest import articles_requeue

# Rows locked and queued per transaction.
CHUNK = 1000


class Command(BaseCommand):
    help = "Queue finished articles for annotation again (after an upgrade: --outdated)."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--outdated", action="store_true",
                           help="articles annotated by another pipeline version than the installed one")
        which.add_argument("--all", action="store_true", help="every finished article")
        which.add_argument("--ids", type=int, nargs="+", metavar="ID", help="these articles")
        parser.add_argument("--dry-run", action="store_true", help="count the articles, queue nothing")

    def handle(self, *, outdated, ids, dry_run, **options):
        version = get_annotator().version()
        articles = Article.objects.finished()
        if outdated:
            # A failed article produced nothing to refresh: it has its own retry.
            articles = articles.exclude(status=Article.Status.FAILED).exclude(pipeline_version=version)
        elif ids:
            articles = articles.filter(id__in=ids)
        todo = list(articles.order_by("id").values_list("id", flat=True))
        if dry_run:
            self.stdout.write(f"{len(todo)} articles would be queued (pipeline {version}).")
            return
        queued = 0
        for i in range(0, len(todo), CHUNK):
            queued += len(
                articles_requeue(article_ids=todo[i : i + CHUNK], batch_size=settings.IMPORT_ANNOTATION_BATCH)
            )
        self.stdout.write(f"{queued} articles queued for annotation (pipeline {version}).")
