"""Celery tasks of the watches app: thin, idempotent, given ids only."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(name="watches.match", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5,
             ignore_result=True, soft_time_limit=120, time_limit=150)
def match(self, article_ids: list[int]):
    """Sent once the articles are in their stories: notify the users whose watches they match
    (a match twice is harmless: one notification per user and article)."""
    from watches.matching import watches_match

    for article_id in article_ids:
        try:
            watches_match(article_id=article_id)
        except TRANSIENT_ERRORS as exc:
            logger.warning("watches of article %s: transient error, retrying: %s", article_id, exc)
            raise self.retry(exc=exc, countdown=min(2 ** self.request.retries, 60)) from exc


@shared_task(name="watches.mail_alerts", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5,
             ignore_result=True, soft_time_limit=120, time_limit=150)
def mail_alerts(self, article_id: int):
    """E-mail at once the notifications of this article whose watches asked for it (each claimed before
    it is sent: a message redelivered sends nothing twice)."""
    from watches.mail import alerts_send

    retry_in = alerts_send(article_id=article_id)
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(name="watches.mail_summaries", ignore_result=True, soft_time_limit=600, time_limit=660)
def mail_summaries():
    """Hourly, from beat: each user's unread notifications of the hour in one e-mail."""
    from watches.mail import summaries_send

    summaries_send()
