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
        raise self.retry(exc=exc, countdown=min(2 ** self.request.retries, 30)) from exc
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


SEND_TIME_LIMIT = 3600


@shared_task(
    name="digests.send_deliveries",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=SEND_TIME_LIMIT,
    time_limit=SEND_TIME_LIMIT + 60,
)
def send_deliveries(self, delivery_ids: list[int]):
    """Send a batch of deliveries over one SMTP connection. Idempotent: each delivery is
    claimed before its message, so a redelivered task sends to nobody twice. When the server
    is unreachable the rest of the batch is sent again after its backoff (the sweeper sends
    it if this message is lost)."""
    from digests import delivery

    try:
        outcome = delivery.deliveries_send(delivery_ids=delivery_ids)
    except (OperationalError, InterfaceError) as exc:
        # The database, not the mail server: the claimed delivery (if any) stays "sending" and
        # the sweeper shows it for a decision; the others are still queued.
        logger.warning("sending deliveries %s: database error, sent again in a minute: %s", delivery_ids[:5], exc)
        _later(self, delivery_ids, 60)
        return
    except SoftTimeLimitExceeded:
        logger.warning("sending deliveries stopped at the time limit; the sweeper sends the rest")
        return
    if outcome.retry_ids:
        _later(self, outcome.retry_ids, outcome.retry_after)


def _later(task, delivery_ids: list[int], countdown: int) -> None:
    try:
        task.apply_async((delivery_ids,), countdown=countdown, retry=False)
    except Exception as exc:  # noqa: BLE001 - the broker is down: the sweeper sends the queued deliveries
        logger.warning("deliveries %s not sent again (%s); the sweeper will", delivery_ids[:5], exc)


@shared_task(name="digests.sweep_deliveries", ignore_result=True, soft_time_limit=60, time_limit=90)
def sweep_deliveries():
    """Every minute (beat): deliveries left "sending" by a dead worker become "unknown";
    queued deliveries whose message was lost are sent again."""
    from digests import delivery

    delivery.deliveries_sweep()


@shared_task(name="digests.run_schedules", ignore_result=True, soft_time_limit=60, time_limit=90)
def run_schedules():
    """Every minute (beat): queue the scheduled sendings whose time has come."""
    from digests import delivery

    delivery.schedules_run()


@shared_task(name="digests.read_bounces", ignore_result=True, soft_time_limit=240, time_limit=270)
def read_bounces():
    """Every BOUNCE_READ_EVERY seconds (beat): read the bounce mailbox (BOUNCE_MAILDIR) once. Each
    message is applied once (its mailbox name is unique on Bounce) and moved out of the inbox."""
    from django.conf import settings

    from digests import bounces

    if not settings.BOUNCE_MAILDIR:
        return
    try:
        bounces.bounces_read()
    except bounces.MaildirMissing as exc:
        logger.warning("bounces not read: %s", exc)
    except SoftTimeLimitExceeded:
        logger.warning("reading bounces stopped at the time limit; the next reading goes on")
