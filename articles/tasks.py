"""Celery tasks: thin, idempotent, given ids only.

Services import these tasks to send them; a task imports its service inside its
body, so the two never import each other at load time.
"""

import gc
import logging

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_process_init
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError

from articles.nlp.language import detect_language
from pressreview.heap import keep_freed_memory
from pressreview.logs import about_articles

logger = logging.getLogger(__name__)

# Errors of the infrastructure, worth trying again; anything else is the
# article's own problem and retrying would only fail the same way.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


def _annotates() -> bool:
    """Whether this worker takes the queues of this app's work (a worker of the sources queue does not)."""
    from celery import current_app

    queues = set(current_app.amqp.queues.consume_from or ())
    return not queues or bool(queues & {"annotate", "bulk", "export"})


@worker_process_init.connect
def _load_pipeline(**kwargs):
    # A batch's arrays, freed at its end, are reused by the next batch rather
    # than given back to the system and faulted in again page by page.
    from articles.services import annotation

    if not _annotates():
        return  # fetching feeds needs no language model: a sources worker stays small

    keep_freed_memory(settings.ANNOTATION_WORKER_KEEP_MEMORY_MB * 2**20)
    # Load the spaCy models, and the language detector's (about a second of
    # work on its first call), before the first task rather than inside it.
    annotation.annotator_preload()
    try:
        detect_language("Press Review reads the news. La revue de presse lit les nouvelles.", settings.DETECT_LANGUAGES)
    except Exception:
        logger.exception("could not load the language detector")
    # The models are some 600,000 objects that live as long as the process: out of
    # the collector's sight, each full collection no longer walks them all again.
    gc.freeze()


class WorkerTimeLimits(DjangoTask):
    """A task whose time limits are the worker's own settings.

    Celery copies the sender's limits into each message, and a worker obeys the
    message: the web process's or the sweeper's ANNOTATION_TIME_LIMIT, not the
    worker's. Sent without them, the message leaves the worker its own.
    """

    def apply_async(self, args=None, kwargs=None, **options):
        options.setdefault("time_limit", None)
        options.setdefault("soft_time_limit", None)
        return super().apply_async(args, kwargs, **options)


def _fail(article_ids, exc, *, final):
    from articles.services import annotation

    message = f"{type(exc).__name__}: {exc}"
    for article_id in article_ids:
        annotation.article_fail(article_id=article_id, error=message, final=final)


@shared_task(
    name="articles.annotate_article",
    base=WorkerTimeLimits,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=5,
    soft_time_limit=settings.ANNOTATION_TIME_LIMIT,
    time_limit=settings.ANNOTATION_TIME_LIMIT + 30,
)
def annotate_article(self, article_id: int):
    with about_articles([article_id]):
        _annotate(self, [article_id])


@shared_task(
    name="articles.annotate_batch",
    base=WorkerTimeLimits,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=5,
    soft_time_limit=settings.ANNOTATION_TIME_LIMIT * 4,
    time_limit=settings.ANNOTATION_TIME_LIMIT * 4 + 30,
)
def annotate_batch(self, article_ids: list[int]):
    with about_articles(article_ids):
        _annotate(self, article_ids)


def _annotate(task, article_ids):
    from articles.services import annotation

    try:
        annotation.articles_annotate(article_ids=article_ids)
    except TRANSIENT_ERRORS as exc:
        logger.warning("articles %s: transient error, retrying: %s", article_ids, exc)
        final = task.request.retries >= task.max_retries
        try:
            _fail(article_ids, exc, final=final)
        except DatabaseError:
            pass  # the database itself is down; the claim is retried with the task
        raise task.retry(exc=exc, countdown=min(2 ** task.request.retries, 60)) from exc
    except SoftTimeLimitExceeded:
        limit = task.soft_time_limit
        for article_id in article_ids:
            annotation.article_fail(
                article_id=article_id, error=f"Annotation stopped at the time limit ({limit} s).", final=True
            )
    except Exception as exc:
        if len(article_ids) > 1:
            # One bad article must not fail its whole batch: isolate it.
            _fail(article_ids, exc, final=False)
            for article_id in article_ids:
                annotate_article.delay(article_id)
            return
        logger.exception("article %s failed", article_ids[0])
        _fail(article_ids, exc, final=True)


@shared_task(name="articles.sweep", ignore_result=True, soft_time_limit=60, time_limit=90)
def sweep():
    """Every minute (beat): send again the articles a lost message or a dead worker stranded."""
    from articles.services.recovery import articles_sweep

    articles_sweep()


@shared_task(name="articles.index_search", ignore_result=True, soft_time_limit=3600, time_limit=3660)
def index_search():
    """After a bulk import, and every minute (beat): write the missing full-text search documents."""
    from articles.services.search import articles_index_missing

    articles_index_missing()
