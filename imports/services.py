"""Bulk import: writes. A file becomes an ImportBatch; a worker checks its rows
(dry run) or inserts them in chunks; the articles are then annotated in
batches on the ``bulk`` queue.

Every row is classified like a pasted article would be (``article_prepare``):
created, a duplicate of an article already stored (same normalised text or
same URL), a duplicate of an earlier row of the file, or invalid with a reason.

How a cancel or a failure leaves nothing half-written
-----------------------------------------------------
Rows are inserted chunk by chunk (``IMPORT_CHUNK_ROWS``, one transaction
each) so that the progress bar moves and SQLite is never locked for the whole
import. Each chunk transaction first locks the batch row and checks that the
batch is still importing, under this run's attempt number; the articles are
stored with status "queued" but nothing is sent to the workers until the last
chunk has committed and the batch has moved to "annotating" in one
transaction. Until then the batch can be cancelled (or fail), and the cancel
(or the failure) deletes, in one transaction, every article the batch created
and every source it created that nothing else uses: a chunk is either entirely
committed before the cancel (and deleted with the others) or it sees the
cancel and writes nothing. Annotation never runs on rows of an import that
did not complete. A worker that dies mid-import gets the task again (acks_late);
the new attempt deletes what the previous one wrote and starts over.
The price: while the import runs, the articles of its committed chunks are
visible in the review queue as "queued" (and disappear if it is cancelled).
The alternative, one transaction for the whole file, would hide the progress
from the page and hold SQLite's write lock for the length of the import.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from email.utils import parsedate_to_datetime
from pathlib import PurePath

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from articles.models import Article, Source
from articles.services.ingest import IngestError, PreparedArticle, article_prepare, clean_line
from articles.services.recovery import annotation_messages
from articles.tasks import index_search
from imports import parsers
from imports.dates import AmbiguousDate, parse_written_date
from imports.models import ImportBatch, ImportedArticle, ImportIssue
from imports.tasks import check_import, finish_import, run_import
from pressreview.enqueue import Message, send, send_on_commit
from pressreview.files import too_large

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
ZIP_CHUNK_FILES = 50
SAMPLE_ROWS = 100
_DELETE_CHUNK = 1000
# How 06/12/2026 is read: "auto" puts the day first for rows in French (the
# row's language, else the import's default language) and refuses the
# ambiguous ones of other rows with their value, rather than guess.
DATE_ORDERS = ("auto", "day", "month")
_DAY_FIRST_LANGUAGES = {"fr"}


class ImportStopped(Exception):
    """The batch was cancelled, or another attempt took it over: stop writing."""


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
    transaction as the status change (see the module docstring); the
    worker stops at its next chunk.
    """
    with transaction.atomic():
        cancelled = ImportBatch.objects.filter(id=batch.id, status__in=ImportBatch.CANCELLABLE).update(
            status=ImportBatch.Status.CANCELLED, finished_at=timezone.now(), created=0)
        if cancelled:
            _remove_created(batch.id)
            _delete_file_on_commit(batch.id)
    batch.refresh_from_db()
    return bool(cancelled)


def _remove_created(batch_id: int) -> None:
    """Delete the articles and the unused sources a batch created."""
    ids = list(ImportedArticle.objects.filter(batch_id=batch_id).values_list("article_id", flat=True))
    for i in range(0, len(ids), _DELETE_CHUNK):
        # only("id"): the collector loads the rows it deletes; bodies are not needed for that.
        Article.objects.filter(id__in=ids[i:i + _DELETE_CHUNK]).only("id").delete()
    sources = ImportBatch.objects.filter(id=batch_id).values_list("created_sources", flat=True).first() or []
    if sources:
        Source.objects.filter(id__in=sources, articles__isnull=True, rejectedsurface__isnull=True).delete()
        ImportBatch.objects.filter(id=batch_id).update(created_sources=[])


def _delete_file_on_commit(batch_id: int) -> None:
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


# --- the worker's side ----------------------------------------------------------------


def import_check(*, batch_id: int) -> None:
    """The dry run: read and classify every row, write only the report."""
    batch = _claim(batch_id, from_statuses=[ImportBatch.Status.CHECKING], to_status=ImportBatch.Status.CHECKING)
    if batch is not None:
        _run(batch, write=False)


def import_run(*, batch_id: int) -> None:
    """The import: insert the rows in chunks, then queue them for annotation.

    Idempotent: a batch already imported, cancelled or failed is left as it is;
    one left importing by a worker that died is started again from nothing.
    """
    batch = _claim(batch_id, from_statuses=[ImportBatch.Status.QUEUED, ImportBatch.Status.IMPORTING],
                   to_status=ImportBatch.Status.IMPORTING)
    if batch is not None:
        _run(batch, write=True)


def _claim(batch_id: int, *, from_statuses, to_status) -> ImportBatch | None:
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(id=batch_id, status__in=from_statuses, attempts__lt=MAX_ATTEMPTS).update(
            status=to_status, attempts=F("attempts") + 1, started_at=timezone.now(), error="")
        if not claimed:
            gave_up = ImportBatch.objects.filter(id=batch_id, status__in=from_statuses, attempts__gte=MAX_ATTEMPTS)
            if gave_up.exists():
                _remove_created(batch_id)
                gave_up.update(status=ImportBatch.Status.FAILED, finished_at=timezone.now(),
                               error=f"Gave up after {MAX_ATTEMPTS} attempts: the worker stopped during each one "
                                     "(out of memory?). Nothing was imported.")
            return None
        # What an earlier attempt (a worker that died) left behind.
        _remove_created(batch_id)
        ImportIssue.objects.filter(batch_id=batch_id).delete()
        ImportBatch.objects.filter(id=batch_id).update(parsed=0, created=0, duplicates=0, failed=0, progress_done=0,
                                                       sample=[], inserted_at=None, finished_at=None)
        return ImportBatch.objects.get(id=batch_id)


@dataclass
class _Candidate:
    row: parsers.Row
    index: int  # position in its chunk
    prepared: PreparedArticle
    source: str
    published_at: datetime | None


@dataclass
class _State:
    parsed: int = 0
    created: int = 0
    duplicates: int = 0
    failed: int = 0
    seen_hashes: dict[str, str] = field(default_factory=dict)
    seen_urls: dict[str, str] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)
    created_sources: list[int] = field(default_factory=list)
    sample: list[list] = field(default_factory=list)


def _limits() -> parsers.Limits:
    return parsers.Limits(
        max_zip_files=settings.IMPORT_MAX_ZIP_FILES,
        max_unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES,
        max_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
        max_member_bytes=settings.MAX_UPLOAD_BYTES,
        max_chars=settings.MAX_ARTICLE_CHARS,
    )


def _reader_options(options: dict) -> parsers.Options:
    return parsers.Options(format=options.get("format", "auto"), delimiter=options.get("delimiter", "auto"),
                           encoding=options.get("encoding", "auto"), columns=options.get("columns") or {},
                           manifest=options.get("manifest", ""))


def _chunks(rows: Iterable[parsers.Row], size: int) -> Iterator[list[parsers.Row]]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass
class _Chunk:
    """Rows read and checked without the database (invalid rows, duplicates
    within the file); what remains is to look for duplicates among the stored
    articles, then to insert."""

    size: int
    candidates: list[_Candidate]
    issues: list[tuple[int, ImportIssue]]  # with the row's position, to keep the file's order
    progress: tuple[int, int]
    detected: dict


def _checked_chunks(batch: ImportBatch, rows: parsers.Rows, state: _State) -> Iterator[_Chunk]:
    size = max(settings.IMPORT_CHUNK_ROWS, 1)
    if batch.format == ImportBatch.Format.ZIP:
        size = min(size, ZIP_CHUNK_FILES)  # documents are slower to read: keep the progress moving
    parsed = 0
    for rows_chunk in _chunks(rows, size):
        parsed += len(rows_chunk)
        if parsed > settings.IMPORT_MAX_ROWS:
            raise parsers.ImportFileError(
                f"The file has more than {settings.IMPORT_MAX_ROWS:,} rows, the limit for one import: "
                "split it into several files"
            )
        candidates, issues = _check_rows(batch, rows_chunk, state)
        yield _Chunk(size=len(rows_chunk), candidates=candidates, issues=issues, progress=rows.progress(),
                     detected=rows.described())


class _ReadAhead:
    """The checked chunks of a file, one at a time, with a way to read the next
    one early: while PostgreSQL works through the rows of a chunk (the full-text
    index), the worker reads and checks the next one (``_bulk_insert``)."""

    _END = object()

    def __init__(self, chunks: Iterator[_Chunk]):
        self._chunks = chunks
        self._next = None

    def __iter__(self) -> Iterator[_Chunk]:
        while True:
            self.read_next()
            chunk, self._next = self._next, None
            if chunk is self._END:
                return
            yield chunk

    def read_next(self) -> None:
        if self._next is None:
            self._next = next(self._chunks, self._END)


def _run(batch: ImportBatch, *, write: bool) -> None:
    token = batch.attempts
    expected = ImportBatch.Status.IMPORTING if write else ImportBatch.Status.CHECKING
    rows = None
    try:
        state = _State()
        with batch.file.open("rb") as handle:
            rows = parsers.open_rows(handle, format=batch.format, options=_reader_options(batch.options),
                                     limits=_limits())
            chunks = _ReadAhead(_checked_chunks(batch, rows, state))
            for chunk in chunks:
                _write_chunk(batch, chunk, state, write=write, expected=expected, token=token,
                             meanwhile=chunks.read_next)
            _finish(batch, rows, state, write=write, token=token)
    except ImportStopped:
        logger.info("import %s stopped: cancelled or taken over", batch.id)
    except parsers.ImportFileError as exc:
        _fail(batch.id, expected, token, str(exc) + ". Nothing was imported.", rows)
    except Exception as exc:
        from celery.exceptions import SoftTimeLimitExceeded

        if isinstance(exc, SoftTimeLimitExceeded):
            message = (f"The import took longer than its time limit ({settings.IMPORT_TIME_LIMIT} s). "
                       "Nothing was imported.")
        else:
            logger.exception("import %s failed", batch.id)
            message = f"The import stopped on an unexpected error ({type(exc).__name__}: {exc}). Nothing was imported."
        _fail(batch.id, expected, token, message, rows)


def _write_chunk(batch: ImportBatch, chunk: _Chunk, state: _State, *, write: bool, expected: str, token: int,
                 meanwhile: Callable[[], None]) -> None:
    """Look for the chunk's duplicates among the stored articles, then, in one
    transaction that first checks the batch is still this run's, insert its
    rows (or count them, for a dry run), its issues and the progress.
    ``meanwhile`` runs while the database inserts the articles."""
    state.parsed += chunk.size
    fresh, issues = _without_db_duplicates(batch, chunk)
    state.failed += sum(1 for issue in issues if issue.kind == ImportIssue.Kind.INVALID)
    state.duplicates += sum(1 for issue in issues if issue.kind != ImportIssue.Kind.INVALID)
    with transaction.atomic():
        _lock(batch.id, expected, token)
        if write:
            fresh = _insert(batch, fresh, issues, state, meanwhile=meanwhile)
        else:
            state.created += len(fresh)
            state.sample.extend(_sample_row(c) for c in fresh[: SAMPLE_ROWS - len(state.sample)])
        ImportIssue.objects.bulk_create(issues)
        ImportBatch.objects.filter(id=batch.id).update(
            parsed=state.parsed, created=state.created, duplicates=state.duplicates, failed=state.failed,
            progress_done=chunk.progress[0], progress_total=chunk.progress[1], detected=chunk.detected,
            created_sources=state.created_sources, updated_at=timezone.now())


def _lock(batch_id: int, expected: str, token: int) -> None:
    """Inside a transaction: hold the batch row, and stop unless this run still owns it."""
    current = ImportBatch.objects.select_for_update().filter(id=batch_id).values_list("status", "attempts").first()
    if current != (expected, token):
        raise ImportStopped


def _finish(batch: ImportBatch, rows: parsers.Rows, state: _State, *, write: bool, token: int) -> None:
    now = timezone.now()
    _, total = rows.progress()
    counts = {"parsed": state.parsed, "created": state.created, "duplicates": state.duplicates, "failed": state.failed,
              "progress_done": total, "progress_total": total, "detected": rows.described(),
              "created_sources": state.created_sources}
    with transaction.atomic():
        if not write:
            _lock(batch.id, ImportBatch.Status.CHECKING, token)
            ImportBatch.objects.filter(id=batch.id).update(status=ImportBatch.Status.DRY_RUN_READY, finished_at=now,
                                                           sample=state.sample, **counts)
            return
        _lock(batch.id, ImportBatch.Status.IMPORTING, token)
        status = ImportBatch.Status.ANNOTATING if state.created else ImportBatch.Status.DONE
        ImportBatch.objects.filter(id=batch.id).update(status=status, inserted_at=now,
                                                       finished_at=None if state.created else now, **counts)
        # Only now, with every row committed, do the articles go to the workers.
        ids = list(ImportedArticle.objects.filter(batch_id=batch.id).order_by("article_id")
                   .values_list("article_id", flat=True))
        # Searchable in seconds (another queue than the batches'); finished behind the batches.
        if ids:
            send_on_commit(Message(index_search), *annotation_messages(ids, batch_size=settings.IMPORT_ANNOTATION_BATCH),
                           Message(finish_import, (batch.id,)))
        _delete_file_on_commit(batch.id)


def _fail(batch_id: int, expected: str, token: int, message: str, rows: parsers.Rows | None) -> None:
    with transaction.atomic():
        try:
            _lock(batch_id, expected, token)
        except ImportStopped:
            return
        _remove_created(batch_id)
        ImportBatch.objects.filter(id=batch_id).update(
            status=ImportBatch.Status.FAILED, error=message[:5000], finished_at=timezone.now(), created=0,
            **({"detected": rows.described()} if rows is not None else {}))


# --- rows ---------------------------------------------------------------------------


def _where(row: parsers.Row) -> str:
    if row.line and row.location:
        return f"line {row.line} ({row.location})"
    if row.line:
        return f"line {row.line}"
    return row.location


def _issue(batch: ImportBatch, row: parsers.Row, kind: str, reason: str, *, title: str = "", duplicate_of=None):
    return ImportIssue(batch_id=batch.id, line=row.line, location=row.location[:300], kind=kind, reason=reason,
                       title=(title or row.fields.get("title", "") or "")[:300], duplicate_of_id=duplicate_of)


def _check_rows(batch: ImportBatch, chunk: list[parsers.Row], state: _State):
    """Valid rows not seen earlier in the file, and the issues of the others (no database)."""
    options = batch.options
    candidates: list[_Candidate] = []
    issues: list[tuple[int, ImportIssue]] = []
    for index, row in enumerate(chunk):
        if row.error:
            issues.append((index, _issue(batch, row, ImportIssue.Kind.INVALID, row.error)))
            continue
        try:
            candidate = _candidate(row, options, index)
        except IngestError as exc:
            issues.append((index, _issue(batch, row, ImportIssue.Kind.INVALID, str(exc))))
            continue
        prepared = candidate.prepared
        first = state.seen_hashes.get(prepared.content_hash)
        same = "text"
        if first is None and prepared.url:
            first, same = state.seen_urls.get(prepared.url), "URL"
        if first is not None:
            issues.append((index, _issue(batch, row, ImportIssue.Kind.DUPLICATE_FILE, f"Same {same} as {first}.",
                                         title=prepared.title)))
            continue
        where = _where(row)
        state.seen_hashes[prepared.content_hash] = where
        if prepared.url:
            state.seen_urls[prepared.url] = where
        candidates.append(candidate)
    return candidates, issues


def _without_db_duplicates(batch: ImportBatch, chunk: _Chunk) -> tuple[list[_Candidate], list[ImportIssue]]:
    """The chunk's rows to create, and the issues of the others, in file order."""
    candidates, issues = chunk.candidates, list(chunk.issues)
    by_hash = dict(Article.objects.filter(content_hash__in=[c.prepared.content_hash for c in candidates])
                   .values_list("content_hash", "id"))
    urls = {c.prepared.url for c in candidates if c.prepared.url}
    by_url: dict[str, int] = {}
    if urls:
        for url, article_id in Article.objects.filter(url__in=urls).order_by("id").values_list("url", "id"):
            by_url.setdefault(url, article_id)
    fresh = []
    for candidate in candidates:
        prepared = candidate.prepared
        existing = by_hash.get(prepared.content_hash)
        reason = "The same text is already in the review (article {id})."
        if existing is None and prepared.url:
            existing = by_url.get(prepared.url)
            reason = "An article with the same URL is already in the review (article {id})."
        if existing is not None:
            issues.append((candidate.index, _issue(batch, candidate.row, ImportIssue.Kind.DUPLICATE_DB,
                                                   reason.format(id=existing), title=prepared.title,
                                                   duplicate_of=existing)))
        else:
            fresh.append(candidate)
    issues.sort(key=lambda pair: pair[0])
    return fresh, [issue for _, issue in issues]


def _candidate(row: parsers.Row, options: dict, index: int) -> _Candidate:
    fields = row.fields
    language = (fields.get("language") or "").strip() or options.get("default_language", "")
    # "fr-FR", "en_GB": the review works with the language, not the region.
    language = re.sub(r"^([A-Za-z]{2})[-_][A-Za-z0-9-]+$", r"\1", language)
    prepared = article_prepare(body=fields.get("body", ""), title=fields.get("title", ""), url=fields.get("url") or "",
                               language=language)
    source = clean_line(fields.get("source") or "") or clean_line(options.get("default_source", ""))
    if len(source) > 200:
        raise IngestError("The source name is longer than 200 characters.")
    return _Candidate(row=row, index=index, prepared=prepared, source=source,
                      published_at=_published_at(fields.get("published_at") or "",
                                                 day_first=_day_first(options, prepared.language)))


def _day_first(options: dict, language: str) -> bool | None:
    order = options.get("date_order") or "auto"
    if order != "auto":
        return order == "day"
    return True if (language or options.get("default_language")) in _DAY_FIRST_LANGUAGES else None


def _published_at(value: str, *, day_first: bool | None = None) -> datetime | None:
    """ISO 8601 (a date, or a date and time), an RFC 2822 date as in RSS feeds, or a
    date as people write it (``imports.dates``: 06/12/2026, 6 décembre 2026, December 6, 2026)."""
    value = value.strip()
    if not value:
        return None
    moment = None
    try:
        moment = parse_datetime(value.replace("Z", "+00:00") if value.endswith("Z") else value)
        if moment is None:
            day = parse_date(value)
            moment = datetime.combine(day, time.min) if day else None
    except ValueError:
        moment = None
    if moment is None:
        # Before RFC 2822, whose lenient parser drops a trailing "pm".
        try:
            moment = parse_written_date(value, day_first=day_first)
        except AmbiguousDate as exc:
            raise IngestError(str(exc)) from None
    if moment is None:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            moment = None
    if moment is None or not 1800 <= moment.year <= 2200:
        raise IngestError(
            f"Unrecognised date {value[:60]!r}: use ISO 8601 such as 2024-03-01 or 2024-03-01T10:30:00+01:00."
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _sample_row(candidate: _Candidate) -> list:
    published = candidate.published_at.isoformat() if candidate.published_at else ""
    return [candidate.row.line, candidate.row.location, candidate.prepared.title[:200], candidate.source,
            candidate.prepared.language, published]


def _source_ids(names: set[str], state: _State) -> dict[str, int]:
    missing = names - state.sources.keys()
    if missing:
        state.sources.update(Source.objects.filter(name__in=missing).values_list("name", "id"))
        new = missing - state.sources.keys()
        if new:
            Source.objects.bulk_create([Source(name=name) for name in new], ignore_conflicts=True)
            created = dict(Source.objects.filter(name__in=new).values_list("name", "id"))
            state.sources.update(created)
            state.created_sources.extend(created.values())
    return state.sources


def _insert(batch: ImportBatch, fresh: list[_Candidate], issues: list[ImportIssue], state: _State, *,
            meanwhile: Callable[[], None] | None = None) -> list[_Candidate]:
    """Inside the chunk's transaction: create the chunk's articles and their links to the batch."""
    if not fresh:
        return fresh
    sources = _source_ids({c.source for c in fresh if c.source}, state)
    filename = batch.original_filename[:255]
    for _ in range(3):
        rows = [
            {
                "title": c.prepared.title,
                "body": c.prepared.body,
                "language": c.prepared.language,
                "language_given": bool(c.prepared.language),
                "source_id": sources.get(c.source),
                "url": c.prepared.url,
                "published_at": c.published_at,
                "original_filename": (c.row.location or filename)[:255],
                "content_hash": c.prepared.content_hash,
                "created_by_id": batch.created_by_id,
            }
            for c in fresh
        ]
        try:
            with transaction.atomic():
                ids = _bulk_insert(Article, rows, meanwhile=meanwhile)
            break
        except IntegrityError:
            # Someone pasted one of these texts since the chunk was checked.
            taken = dict(Article.objects.filter(content_hash__in=[row["content_hash"] for row in rows])
                         .values_list("content_hash", "id"))
            for c in fresh:
                if c.prepared.content_hash in taken:
                    existing = taken[c.prepared.content_hash]
                    issues.append(_issue(batch, c.row, ImportIssue.Kind.DUPLICATE_DB,
                                         f"The same text is already in the review (article {existing}).",
                                         title=c.prepared.title, duplicate_of=existing))
                    state.duplicates += 1
            fresh = [c for c in fresh if c.prepared.content_hash not in taken]
    else:
        raise IntegrityError("the chunk kept conflicting with concurrent inserts")
    _bulk_insert(ImportedArticle, [{"batch_id": batch.id, "article_id": article_id, "line": c.row.line}
                                   for article_id, c in zip(ids, fresh, strict=True)])
    state.created += len(ids)
    return fresh


def _bulk_insert(model: type[models.Model], rows: list[dict], *,
                 meanwhile: Callable[[], None] | None = None) -> list[int]:
    """Insert new rows of ``model``, each given as ``{attname: value}``; the ids, in order.

    A field a row leaves out takes the value a new instance gets (its default;
    ``auto_now`` timestamps: now), the same for every row. On PostgreSQL through
    COPY, with no model instance per row: COPY skips the SQL compiler and the
    quoting of every value, and building instances took longer than the
    database's own work for a chunk of articles. The ids are taken from the
    table's sequence first, as an INSERT would take them. Values must be plain
    ones psycopg adapts itself (text, numbers, booleans, aware datetimes), as
    Article's and ImportedArticle's are.

    ``meanwhile`` is called once the rows are sent, before waiting for the
    server to store them and update its indexes: work done there costs no time.
    On other databases, which do not work while the caller does, it is not called.
    """
    if not rows:
        return []
    if connection.vendor != "postgresql":
        return [obj.pk for obj in model.objects.bulk_create([model(**row) for row in rows])]
    meta = model._meta
    fields = [f for f in meta.concrete_fields if f is not meta.pk]
    new = model()
    defaults = [(f.attname, f.pre_save(new, True)) for f in fields]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [meta.db_table, meta.pk.column, len(rows)])
        ids = [pk for (pk,) in cursor.fetchall()]
        columns = ", ".join(quote(f.column) for f in [meta.pk, *fields])
        with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row([pk, *(row.get(name, default) for name, default in defaults)])
            if meanwhile is not None:
                meanwhile()
    return ids


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


# --- reading the state --------------------------------------------------------------


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
