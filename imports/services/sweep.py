"""Sending again what the broker lost: import batches no worker took, or took
and left, and annotating batches whose end was not recorded."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from imports.models import ImportBatch
from imports.services.report import import_finish
from imports.tasks import check_import, run_import
from pressreview.enqueue import Message, send

logger = logging.getLogger(__name__)


def imports_sweep(*, now=None) -> list[int]:
    """Send again the batches whose message was lost; returns their ids.

    A batch that no worker has taken (a dry run or an import waiting) for
    ``SWEEP_QUEUED_AFTER`` seconds gets its task again: its message may never
    have reached the broker, or the broker lost it. So does a batch a worker
    took longer ago than the task's hard time limit (plus
    ``SWEEP_ANNOTATING_GRACE``) and left importing or checking: that run is
    over, and the broker, which delivers the message of a dead worker again
    within ``CELERY_VISIBILITY_TIMEOUT``, has not (it lost it). A message sent
    twice is harmless: the claim lets one run take the batch, and its attempts
    still bound a file that kills its worker. An annotating batch whose
    articles are all done is marked done (its ``finish_import`` may have been
    lost too).
    """
    now = now or timezone.now()
    before = now - timedelta(seconds=settings.SWEEP_QUEUED_AFTER)
    over = now - timedelta(seconds=settings.IMPORT_TIME_LIMIT + 60 + settings.SWEEP_ANNOTATING_GRACE)
    tasks = {ImportBatch.Status.CHECKING: check_import, ImportBatch.Status.QUEUED: run_import,
             ImportBatch.Status.IMPORTING: run_import}
    waiting = Q(status=ImportBatch.Status.QUEUED) | Q(status=ImportBatch.Status.CHECKING, started_at__isnull=True)
    abandoned = Q(status__in=[ImportBatch.Status.IMPORTING, ImportBatch.Status.CHECKING], started_at__lt=over)
    stalled = list(ImportBatch.objects.filter(waiting | abandoned, updated_at__lt=before).values_list("id", "status"))
    sent = []
    for batch_id, status in stalled:
        if not send([Message(tasks[status], (batch_id,))]):
            break  # the broker is still down: next time
        ImportBatch.objects.filter(id=batch_id, status=status).update(updated_at=now)
        sent.append(batch_id)
    for batch_id in ImportBatch.objects.filter(status=ImportBatch.Status.ANNOTATING, updated_at__lt=before).values_list(
            "id", flat=True):
        import_finish(batch_id=batch_id)
    if sent:
        logger.info("sweeper: import batches %s sent again", sent)
    return sent
