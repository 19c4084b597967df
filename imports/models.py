"""Bulk imports: one batch per uploaded file, its rejected rows, the articles it created.

Job state lives in these rows (the progress page polls them): the counters
are written by the worker after every chunk, and the number of articles
annotated is read from the articles themselves.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article


class ImportBatchQuerySet(models.QuerySet):
    def running(self):
        return self.filter(status__in=ImportBatch.RUNNING)


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        CHECKING = "checking", _("dry run in progress")
        DRY_RUN_READY = "dry_run_ready", _("dry run ready")
        QUEUED = "queued", _("queued")
        IMPORTING = "importing", _("importing")
        ANNOTATING = "annotating", _("annotating")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        JSON = "json", "JSON"
        JSONL = "jsonl", "JSON Lines"
        ZIP = "zip", _("ZIP of documents")

    RUNNING = (Status.CHECKING, Status.QUEUED, Status.IMPORTING, Status.ANNOTATING)
    CANCELLABLE = (Status.CHECKING, Status.DRY_RUN_READY, Status.QUEUED, Status.IMPORTING)
    FINISHED = (Status.DONE, Status.FAILED, Status.CANCELLED)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=300, blank=True)
    original_filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0, help_text="Bytes uploaded.")
    format = models.CharField(max_length=8, choices=Format)
    # {"delimiter", "encoding", "columns": {field: column}, "manifest", "default_source", "default_language"}
    options = models.JSONField(default=dict, blank=True)
    # What the reader found: {"encoding", "delimiter", "columns", "mapping"}.
    detected = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status, db_index=True)
    error = models.TextField(blank=True, help_text="Why the whole file failed, for the person who uploaded it.")
    attempts = models.PositiveSmallIntegerField(default=0)

    parsed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0,
                                          help_text="Articles created; for a dry run, articles it would create.")
    duplicates = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0, help_text="Invalid rows.")
    # Reading progress, in bytes (CSV, JSON) or unpacked bytes of documents (ZIP).
    progress_done = models.PositiveBigIntegerField(default=0)
    progress_total = models.PositiveBigIntegerField(default=0)
    # The first rows a dry run would create: [[line, location, title, source, language, published_at], ...].
    sample = models.JSONField(default=list, blank=True)
    # Sources this batch created, removed again if it is cancelled or fails.
    created_sources = models.JSONField(default=list, blank=True)

    started_at = models.DateTimeField(null=True, blank=True)
    inserted_at = models.DateTimeField(null=True, blank=True, help_text="When the import's rows were committed.")
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self):
        return f"#{self.id} {self.original_filename}"

    def is_running(self) -> bool:
        return self.status in self.RUNNING

    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    def can_cancel(self) -> bool:
        return self.status in self.CANCELLABLE

    def articles(self):
        return Article.objects.filter(import_entry__batch=self)

    def annotation_counts(self) -> tuple[int, int]:
        """(articles finished annotating, of which failed or unsupported)."""
        if self.inserted_at is None:
            return 0, 0
        waiting = [Article.Status.QUEUED, Article.Status.ANNOTATING]
        not_annotated = [Article.Status.FAILED, Article.Status.UNSUPPORTED]
        counts = self.articles().aggregate(
            finished=models.Count("id", filter=~models.Q(status__in=waiting)),
            failed=models.Count("id", filter=models.Q(status__in=not_annotated)),
        )
        return counts["finished"], counts["failed"]

    def reading_fraction(self) -> float:
        if self.status in (self.Status.DRY_RUN_READY, self.Status.ANNOTATING, self.Status.DONE):
            return 1.0
        return min(self.progress_done / self.progress_total, 1.0) if self.progress_total else 0.0

    def eta(self, *, annotated: int = 0, now=None) -> timedelta | None:
        """Time left in the current phase, from the rate so far; None when unknown."""
        now = now or timezone.now()
        if self.status in (self.Status.IMPORTING, self.Status.CHECKING) and self.started_at:
            done, total, since = self.progress_done, self.progress_total, self.started_at
        elif self.status == self.Status.ANNOTATING and self.inserted_at:
            done, total, since = annotated, self.created, self.inserted_at
        else:
            return None
        elapsed = (now - since).total_seconds()
        if done <= 0 or elapsed <= 0 or total <= done:
            return None
        return timedelta(seconds=round(elapsed * (total - done) / done))


class ImportedArticle(models.Model):
    """An article an import created: what a cancel or a failure removes, and
    what the progress bar counts."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="entries")
    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="import_entry")
    line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.batch_id}:{self.article_id}"


class ImportIssue(models.Model):
    """A row the import did not create: invalid, or a duplicate."""

    class Kind(models.TextChoices):
        INVALID = "invalid", _("invalid")
        DUPLICATE_DB = "duplicate", _("already in the review")
        DUPLICATE_FILE = "duplicate_in_file", _("duplicate within the file")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="issues")
    line = models.PositiveIntegerField(null=True, blank=True)
    location = models.CharField(max_length=300, blank=True, help_text="The file inside a ZIP archive.")
    kind = models.CharField(max_length=20, choices=Kind)
    reason = models.TextField()
    title = models.CharField(max_length=300, blank=True)
    duplicate_of = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.line or self.location}: {self.reason}"
