"""Celery tasks of the digests app: thin, idempotent, given ids only."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

EXPORT_TIME_LIMIT = 900


@shared_task(
    name="digests.export",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
    soft_time_limit=EXPORT_TIME_LIMIT,
    time_limit=EXPORT_TIME_LIMIT + 30,
)
def export_digest(self, job_id: int):
    """Write an export job's file. A second delivery of the same message finds the
    job claimed or finished and does nothing (the claim is a conditional update)."""
    from digests import services

    try:
        services.export_job_run(job_id=job_id, stale_after=EXPORT_TIME_LIMIT + 60)
    except (OperationalError, InterfaceError, ConnectionError, TimeoutError) as exc:
        logger.warning("export %s: transient error, retrying: %s", job_id, exc)
        if self.request.retries >= self.max_retries:
            services.export_job_fail(job_id=job_id, error=f"{type(exc).__name__}: {exc}")
            return
        # Let the retry claim the job again straight away.
        services.export_job_requeue(job_id=job_id)
        raise self.retry(exc=exc, countdown=min(2 ** self.request.retries, 30))
    except SoftTimeLimitExceeded:
        services.export_job_fail(job_id=job_id, error=f"The export stopped at the time limit ({EXPORT_TIME_LIMIT} s).")


@shared_task(name="digests.expire_exports", ignore_result=True, soft_time_limit=300, time_limit=330)
def expire_exports():
    """Hourly (beat): remove export files older than EXPORT_KEEP_DAYS."""
    from digests import services

    services.export_jobs_expire()


@shared_task(name="digests.sweep", ignore_result=True, soft_time_limit=60, time_limit=90)
def sweep():
    """Every minute (beat): send again the export jobs whose message was lost."""
    from digests import services

    services.export_jobs_sweep(stale_after=EXPORT_TIME_LIMIT + 60)
