"""Celery tasks of the bulk import: thin, given a batch id, idempotent (the
service claims the batch with a conditional update). Each imports its service in
its body: the services import these tasks to send them."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings


@shared_task(
    name="imports.check_import",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.IMPORT_TIME_LIMIT,
    time_limit=settings.IMPORT_TIME_LIMIT + 60,
)
def check_import(batch_id: int):
    from imports.services import runner

    try:
        runner.import_check(batch_id=batch_id, reraise=(SoftTimeLimitExceeded,))
    except SoftTimeLimitExceeded:
        runner.import_fail_time_limit(batch_id=batch_id)


@shared_task(
    name="imports.run_import",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.IMPORT_TIME_LIMIT,
    time_limit=settings.IMPORT_TIME_LIMIT + 60,
)
def run_import(batch_id: int):
    from imports.services import runner

    try:
        runner.import_run(batch_id=batch_id, reraise=(SoftTimeLimitExceeded,))
    except SoftTimeLimitExceeded:
        runner.import_fail_time_limit(batch_id=batch_id)


# Marks the batch done when its articles are annotated, so that the row says so
# even if nobody watches the progress page: checked again every FINISH_INTERVAL
# seconds, for up to a day.
FINISH_INTERVAL = 10


@shared_task(
    name="imports.finish_import",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=24 * 3600 // FINISH_INTERVAL,
)
def finish_import(self, batch_id: int):
    from imports.services import report

    if not report.import_finish(batch_id=batch_id):
        raise self.retry(countdown=FINISH_INTERVAL)


@shared_task(name="imports.sweep", ignore_result=True, soft_time_limit=60, time_limit=90)
def sweep():
    """Every minute (beat): send again the batches whose message was lost."""
    from imports.services import sweep

    sweep.imports_sweep()
