"""Celery tasks of the insights app: thin, idempotent, given ids only."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(name="insights.refresh_counts", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5,
             ignore_result=True, soft_time_limit=120, time_limit=150)
def refresh_counts(self, article_ids: list[int]):
    """Sent on commit of an annotation or a decision: the articles' daily counts brought up to date
    (a refresh twice is harmless; a deadlock between two refreshes is retried)."""
    from insights.services import counts_refresh

    try:
        counts_refresh(article_ids=article_ids)
    except TRANSIENT_ERRORS as exc:
        logger.warning("counts of articles %s: transient error, retrying: %s", article_ids[:10], exc)
        raise self.retry(exc=exc, countdown=min(2 ** self.request.retries, 60)) from exc
