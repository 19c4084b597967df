"""Reading a batch's state: marking it done once its articles are annotated,
and the report of the rows it did not create."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone

from imports.models import ImportBatch, ImportIssue


def import_refresh(*, batch: ImportBatch) -> ImportBatch:
    """Mark an annotating batch done once none of its articles waits for a worker."""
    if batch.status == ImportBatch.Status.ANNOTATING and not batch.articles().in_progress().exists():
        with transaction.atomic():
            ImportBatch.objects.filter(id=batch.id, status=ImportBatch.Status.ANNOTATING).update(
                status=ImportBatch.Status.DONE, finished_at=timezone.now())
        batch.refresh_from_db()
    return batch


def import_finish(*, batch_id: int) -> bool:
    """True once the batch is over (done, failed or cancelled); an annotating
    batch whose articles are all annotated is marked done."""
    batch = ImportBatch.objects.filter(id=batch_id).first()
    return batch is None or import_refresh(batch=batch).is_finished()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(value) -> str:
    """A spreadsheet never runs a cell of this report as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def import_error_report(*, batch: ImportBatch) -> Iterator[str]:
    """Every row the batch did not create, as CSV lines (UTF-8 with a BOM, for spreadsheets)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_safe_cell(v) for v in values])
        return buffer.getvalue()

    yield codecs.BOM_UTF8.decode("utf-8") + line(["line", "file", "kind", "reason", "title", "duplicate_of"])
    issues = batch.issues.order_by("id").values_list("line", "location", "kind", "reason", "title", "duplicate_of_id")
    kinds = dict(ImportIssue.Kind.choices)
    for number, location, kind, reason, title, duplicate_of in issues.iterator(chunk_size=2000):
        yield line([number or "", location, kinds.get(kind, kind), reason, title, duplicate_of or ""])
