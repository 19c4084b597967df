"""A batch's life as the import page, its buttons and the management command
drive it: store the file and send the check or the import, confirm, check again,
cancel (see ``imports.services`` for how a cancel leaves nothing half-written)."""

from __future__ import annotations

import logging
import re
from pathlib import PurePath

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from articles.models import Article, Source
from imports import parsers
from imports.models import ImportBatch, ImportedArticle
from imports.tasks import check_import, run_import
from pressreview.enqueue import Message, send_on_commit
from pressreview.files import too_large

logger = logging.getLogger(__name__)

_DELETE_CHUNK = 1000
# How 06/12/2026 is read: "auto" puts the day first for rows in French (the
# row's language, else the import's default language) and refuses the
# ambiguous ones of other rows with their value, rather than guess.
DATE_ORDERS = ("auto", "day", "month")


# --- creating a batch -------------------------------------------------------------


def import_options_clean(options: dict) -> dict:
    """The options in their stored form; ImportFileError on a value that cannot work."""
    fmt = options.get("format") or "auto"
    if fmt != "auto" and fmt not in parsers.FORMATS:
        raise parsers.ImportFileError(f"Unknown format {fmt!r}: choose csv, json, jsonl or zip")
    delimiter = options.get("delimiter") or "auto"
    if delimiter != "auto" and delimiter not in parsers.DELIMITERS:
        raise parsers.ImportFileError("Choose a delimiter among comma, semicolon, tab and pipe")
    encoding = (options.get("encoding") or "auto").strip()
    if encoding.lower() != "auto":
        parsers.encoding_check(encoding)
    else:
        encoding = "auto"
    columns = {name: str(column).strip() for name, column in (options.get("columns") or {}).items()
               if name in parsers.FIELDS and str(column).strip()}
    language = (options.get("default_language") or "").strip().lower()
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise parsers.ImportFileError(f"Unknown language code {language!r}: use a two-letter code such as fr or en")
    date_order = options.get("date_order") or "auto"
    if date_order not in DATE_ORDERS:
        raise parsers.ImportFileError("Choose the order of dates among auto, day first and month first")
    return {
        "format": fmt,
        "delimiter": delimiter,
        "encoding": encoding,
        "columns": columns,
        "manifest": (options.get("manifest") or "").strip(),
        "default_source": (options.get("default_source") or "").strip()[:200],
        "default_language": language,
        "date_order": date_order,
    }


def import_preview(*, file: File, filename: str, options: dict, created_by=None, enqueue: bool = True) -> ImportBatch:
    """Store the file and check it in the background (a dry run).

    Nothing but the batch and its report is written: the page then shows what
    would be created, what is a duplicate and which rows are invalid, and
    ``import_confirm`` imports it. ``enqueue=False`` leaves the check to the
    caller (``import_check``), as the management command does.
    """
    return _batch_create(file=file, filename=filename, options=options, created_by=created_by,
                         status=ImportBatch.Status.CHECKING, task=check_import if enqueue else None)


def import_start(*, file: File, filename: str, options: dict, created_by=None, enqueue: bool = True) -> ImportBatch:
    """Store the file and import it in the background, without a dry run first."""
    return _batch_create(file=file, filename=filename, options=options, created_by=created_by,
                         status=ImportBatch.Status.QUEUED, task=run_import if enqueue else None)


def _batch_create(*, file: File, filename: str, options: dict, created_by, status, task) -> ImportBatch:
    options = import_options_clean(options)
    size = file.size
    if size > settings.IMPORT_MAX_BYTES:
        raise parsers.ImportFileError(too_large(size, settings.IMPORT_MAX_BYTES, for_import=True))
    if not size:
        raise parsers.ImportFileError("The file is empty")
    file.seek(0)
    head = file.read(4096)
    file.seek(0)
    try:
        fmt = options["format"] if options["format"] != "auto" else parsers.detect_format(filename, head)
    except parsers.ImportFileError:
        parsers.check_is_text(head, format="auto")  # "not text" says more than "format not recognised"
        raise
    parsers.check_is_text(head, format=fmt)
    name = PurePath(filename.replace("\\", "/")).name or "import"
    with transaction.atomic():
        batch = ImportBatch(created_by=created_by, original_filename=name[:255], size=size, format=fmt,
                            options=options, status=status)
        batch.file.save(name[-100:], file, save=False)
        batch.save()
        if task is not None:
            send_on_commit(Message(task, (batch.id,)))
    return batch


def import_confirm(*, batch: ImportBatch, enqueue: bool = True) -> bool:
    """Import a batch whose dry run is ready and would create articles; False otherwise."""
    with transaction.atomic():
        # A dry run that found nothing to create has nothing to import.
        started = ImportBatch.objects.filter(id=batch.id, status=ImportBatch.Status.DRY_RUN_READY,
                                             created__gt=0).update(
            status=ImportBatch.Status.QUEUED, attempts=0, error="", updated_at=timezone.now())
        if started and enqueue:
            send_on_commit(Message(run_import, (batch.id,)))
    batch.refresh_from_db()
    return bool(started)


def import_recheck(*, batch: ImportBatch, options: dict, enqueue: bool = True) -> bool:
    """Run the dry run again on the stored file with other options (a mapping,
    an encoding…); only before anything was imported."""
    options = import_options_clean(options)
    with transaction.atomic():
        fmt = options["format"] if options["format"] != "auto" else batch.format
        again = ImportBatch.objects.filter(
            id=batch.id, status__in=[ImportBatch.Status.DRY_RUN_READY, ImportBatch.Status.FAILED],
            inserted_at__isnull=True,
        ).exclude(file="").update(status=ImportBatch.Status.CHECKING, options=options, format=fmt, attempts=0,
                                  error="", started_at=None, finished_at=None, updated_at=timezone.now())
        if again and enqueue:
            send_on_commit(Message(check_import, (batch.id,)))
    batch.refresh_from_db()
    return bool(again)


# --- cancelling -------------------------------------------------------------------


def import_cancel(*, batch: ImportBatch) -> bool:
    """Stop an import before its rows are committed; False if it is past that.

    Every article and source the batch created is deleted in the same
    transaction as the status change (see ``imports.services``); the
    worker stops at its next chunk.
    """
    with transaction.atomic():
        cancelled = ImportBatch.objects.filter(id=batch.id, status__in=ImportBatch.CANCELLABLE).update(
            status=ImportBatch.Status.CANCELLED, finished_at=timezone.now(), created=0)
        if cancelled:
            remove_created(batch.id)
            delete_file_on_commit(batch.id)
    batch.refresh_from_db()
    return bool(cancelled)


def remove_created(batch_id: int) -> None:
    """Delete the articles and the unused sources a batch created (inside the
    transaction that cancels or fails it, or that a new attempt claims it in)."""
    ids = list(ImportedArticle.objects.filter(batch_id=batch_id).values_list("article_id", flat=True))
    for i in range(0, len(ids), _DELETE_CHUNK):
        # only("id"): the collector loads the rows it deletes; bodies are not needed for that.
        Article.objects.filter(id__in=ids[i:i + _DELETE_CHUNK]).only("id").delete()
    sources = ImportBatch.objects.filter(id=batch_id).values_list("created_sources", flat=True).first() or []
    if sources:
        Source.objects.filter(id__in=sources, articles__isnull=True, rejectedsurface__isnull=True).delete()
        ImportBatch.objects.filter(id=batch_id).update(created_sources=[])


def delete_file_on_commit(batch_id: int) -> None:
    """Forget the batch's stored file, and delete it once the transaction commits."""
    name = ImportBatch.objects.filter(id=batch_id).values_list("file", flat=True).first()
    if name:
        ImportBatch.objects.filter(id=batch_id).update(file="")

        def delete():
            from django.core.files.storage import default_storage

            try:
                default_storage.delete(name)
            except OSError:
                logger.warning("could not delete the import file %s", name)

        transaction.on_commit(delete)
