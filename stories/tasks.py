"""Celery tasks of the stories app: thin, idempotent, given ids only."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from pressreview.enqueue import Message, send
from watches.tasks import match as match_watches

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(name="stories.assign", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5,
             ignore_result=True, soft_time_limit=120, time_limit=150)
def assign(self, article_ids: list[int]):
    """Sent on commit of an annotation: each article joins its story (an assignment twice is harmless),
    then the articles are matched to the watches (story watches need the story)."""
    from stories.services import story_assign

    for article_id in article_ids:
        try:
            story_assign(article_id=article_id)
        except TRANSIENT_ERRORS as exc:
            logger.warning("story of article %s: transient error, retrying: %s", article_id, exc)
            raise self.retry(exc=exc, countdown=min(2 ** self.request.retries, 60)) from exc
    send([Message(match_watches, (article_ids,))])
