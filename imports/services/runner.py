"""The worker's side of an import: claim the batch, read and check its rows
chunk by chunk (the next chunk read while the database stores the current one),
leave out the duplicates, insert the rest (COPY on PostgreSQL) and, once every
chunk has committed, send the articles to annotation. A dry run does the same
without inserting. See ``imports.services`` for how a cancel or a failure
leaves nothing half-written."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.utils import timezone

from articles.models import Article, Source
from articles.services.ingest import IngestError
from articles.services.recovery import annotation_messages
from articles.tasks import index_search
from imports import parsers
from imports.models import ImportBatch, ImportedArticle, ImportIssue
from imports.services.batches import delete_file_on_commit, remove_created
from imports.services.rows import Candidate, row_candidate, row_issue, row_sample, row_where
from imports.tasks import finish_import
from pressreview.enqueue import Message, send_on_commit

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
ZIP_CHUNK_FILES = 50
SAMPLE_ROWS = 100


class ImportStopped(Exception):
    """The batch was cancelled, or another attempt took it over: stop writing."""


def import_check(*, batch_id: int, reraise: tuple[type[Exception], ...] = ()) -> None:
    """The dry run: read and classify every row, write only the report.

    ``reraise``: as for ``import_run``.
    """
    batch = _claim(batch_id, from_statuses=[ImportBatch.Status.CHECKING], to_status=ImportBatch.Status.CHECKING)
    if batch is not None:
        _run(batch, write=False, reraise=reraise)


def import_run(*, batch_id: int, reraise: tuple[type[Exception], ...] = ()) -> None:
    """The import: insert the rows in chunks, then queue them for annotation.

    Idempotent: a batch already imported, cancelled or failed is left as it is;
    one left importing by a worker that died is started again from nothing.
    Any error fails the batch and removes what it wrote, except those of
    ``reraise``, which the caller handles (the task, its time limit, with
    ``import_fail_time_limit``): those leave the batch as it is.
    """
    batch = _claim(batch_id, from_statuses=[ImportBatch.Status.QUEUED, ImportBatch.Status.IMPORTING],
                   to_status=ImportBatch.Status.IMPORTING)
    if batch is not None:
        _run(batch, write=True, reraise=reraise)


def import_fail_time_limit(*, batch_id: int) -> None:
    """A check or an import that ran out of time: the batch fails and what it
    wrote is removed, unless it is no longer running (finished, cancelled)."""
    with transaction.atomic():
        running = ImportBatch.objects.select_for_update().filter(
            id=batch_id, status__in=[ImportBatch.Status.CHECKING, ImportBatch.Status.IMPORTING]).exists()
        if running:
            _fail_locked(batch_id, f"The import took longer than its time limit ({settings.IMPORT_TIME_LIMIT} s). "
                                   "Nothing was imported.")


def _claim(batch_id: int, *, from_statuses, to_status) -> ImportBatch | None:
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(id=batch_id, status__in=from_statuses, attempts__lt=MAX_ATTEMPTS).update(
            status=to_status, attempts=F("attempts") + 1, started_at=timezone.now(), error="")
        if not claimed:
            gave_up = ImportBatch.objects.filter(id=batch_id, status__in=from_statuses, attempts__gte=MAX_ATTEMPTS)
            if gave_up.exists():
                remove_created(batch_id)
                gave_up.update(status=ImportBatch.Status.FAILED, finished_at=timezone.now(),
                               error=f"Gave up after {MAX_ATTEMPTS} attempts: the worker stopped during each one "
                                     "(out of memory?). Nothing was imported.")
            return None
        # What an earlier attempt (a worker that died) left behind.
        remove_created(batch_id)
        ImportIssue.objects.filter(batch_id=batch_id).delete()
        ImportBatch.objects.filter(id=batch_id).update(parsed=0, created=0, duplicates=0, failed=0, progress_done=0,
                                                       sample=[], inserted_at=None, finished_at=None)
        return ImportBatch.objects.get(id=batch_id)


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
    candidates: list[Candidate]
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


def _run(batch: ImportBatch, *, write: bool, reraise: tuple[type[Exception], ...]) -> None:
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
    except reraise:
        raise
    except Exception as exc:
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
            state.sample.extend(row_sample(c) for c in fresh[: SAMPLE_ROWS - len(state.sample)])
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
            send_on_commit(Message(index_search),
                           *annotation_messages(ids, batch_size=settings.IMPORT_ANNOTATION_BATCH),
                           Message(finish_import, (batch.id,)))
        delete_file_on_commit(batch.id)


def _fail(batch_id: int, expected: str, token: int, message: str, rows: parsers.Rows | None) -> None:
    with transaction.atomic():
        try:
            _lock(batch_id, expected, token)
        except ImportStopped:
            return
        _fail_locked(batch_id, message, **({"detected": rows.described()} if rows is not None else {}))


def _fail_locked(batch_id: int, message: str, **fields) -> None:
    """Inside a transaction holding the batch row: fail it and remove what it wrote."""
    remove_created(batch_id)
    ImportBatch.objects.filter(id=batch_id).update(
        status=ImportBatch.Status.FAILED, error=message[:5000], finished_at=timezone.now(), created=0, **fields)


def _check_rows(batch: ImportBatch, chunk: list[parsers.Row], state: _State):
    """Valid rows not seen earlier in the file, and the issues of the others (no database)."""
    options = batch.options
    candidates: list[Candidate] = []
    issues: list[tuple[int, ImportIssue]] = []
    for index, row in enumerate(chunk):
        if row.error:
            issues.append((index, row_issue(batch, row, ImportIssue.Kind.INVALID, row.error)))
            continue
        try:
            candidate = row_candidate(row, options, index)
        except IngestError as exc:
            issues.append((index, row_issue(batch, row, ImportIssue.Kind.INVALID, str(exc))))
            continue
        prepared = candidate.prepared
        first = state.seen_hashes.get(prepared.content_hash)
        same = "text"
        if first is None and prepared.url:
            first, same = state.seen_urls.get(prepared.url), "URL"
        if first is not None:
            issues.append((index, row_issue(batch, row, ImportIssue.Kind.DUPLICATE_FILE, f"Same {same} as {first}.",
                                            title=prepared.title)))
            continue
        where = row_where(row)
        state.seen_hashes[prepared.content_hash] = where
        if prepared.url:
            state.seen_urls[prepared.url] = where
        candidates.append(candidate)
    return candidates, issues


def _without_db_duplicates(batch: ImportBatch, chunk: _Chunk) -> tuple[list[Candidate], list[ImportIssue]]:
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
            issues.append((candidate.index, row_issue(batch, candidate.row, ImportIssue.Kind.DUPLICATE_DB,
                                                      reason.format(id=existing), title=prepared.title,
                                                      duplicate_of=existing)))
        else:
            fresh.append(candidate)
    issues.sort(key=lambda pair: pair[0])
    return fresh, [issue for _, issue in issues]


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


def _insert(batch: ImportBatch, fresh: list[Candidate], issues: list[ImportIssue], state: _State, *,
            meanwhile: Callable[[], None] | None = None) -> list[Candidate]:
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
                    issues.append(row_issue(batch, c.row, ImportIssue.Kind.DUPLICATE_DB,
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
