"""Digests (the press review a chief editor sends), their sections and items,
and the export jobs that write their files in the background.

A draft is read live from the articles. Publishing copies everything a reader
sees into ``Digest.snapshot``; from then on the digest is frozen: the
permalink and every export read the snapshot, never the articles again.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Quote, Topic


class DigestQuerySet(models.QuerySet):
    def drafts(self):
        return self.filter(status=Digest.Status.DRAFT)

    def published(self):
        return self.filter(status=Digest.Status.PUBLISHED)

    def visible_to(self, user):
        """Published digests for everyone who may read digests; drafts only for those who may build them."""
        if user.has_perm("digests.change_digest"):
            return self
        return self.published()


def _new_token() -> str:
    return secrets.token_urlsafe(12)


class Digest(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    title = models.CharField(max_length=300)
    period_start = models.DateField()
    period_end = models.DateField()
    introduction = models.TextField(blank=True)
    # One of settings.LANGUAGES (checked by the form and the service; no choices here, so that adding a
    # language needs no migration).
    language = models.CharField(max_length=8, default="fr",
                                help_text="Language of the section titles and of the exports' fixed texts.")
    status = models.CharField(max_length=12, choices=Status, default=Status.DRAFT, db_index=True)
    # Stable identifier for exports (ninjs uri, file names); not a secret, every page needs a login.
    token = models.CharField(max_length=32, unique=True, default=_new_token, editable=False)
    # The whole digest as published (see digests.viewmodel.DigestView.to_dict); empty for a draft.
    snapshot = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    objects = DigestQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end", "-created_at", "-id"]
        permissions = [
            ("publish_digest", "Can publish a digest"),
            ("export_annotations", "Can export reviewed annotations for model training"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                   name="digest_period_ordered"),
        ]

    def __str__(self):
        return self.title

    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class DigestSection(models.Model):
    """A topic's section; ``topic`` empty is the section for articles without a topic."""

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="sections")
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.digest_id}:{self.topic_id or '-'}"


class DigestItem(models.Model):
    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(DigestSection, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey(Article, null=True, on_delete=models.SET_NULL, related_name="digest_items")
    position = models.PositiveIntegerField(default=0)
    summary = models.TextField(blank=True)
    note = models.TextField(blank=True, help_text="The editor's note, printed under the summary.")
    quotes = models.ManyToManyField(Quote, blank=True, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["section__position", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["digest", "article"], name="digest_article_once")]

    def __str__(self):
        return f"{self.digest_id}:{self.article_id}"


class ExportJob(models.Model):
    """One export written in the background; the page polls this row."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    FINISHED = (Status.DONE, Status.FAILED)

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="export_jobs")
    format = models.CharField(max_length=16)
    status = models.CharField(max_length=12, choices=Status, default=Status.QUEUED, db_index=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/", max_length=300, blank=True)
    filename = models.CharField(max_length=200, blank=True, help_text="The name the download is saved under.")
    size = models.PositiveBigIntegerField(default=0)
    # Where the digest is read online, for the links an export carries (a worker has no request).
    base_url = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # When its task was last sent: the sweeper sends a job again at most once per period.
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"export {self.id} {self.format} of digest {self.digest_id}"

    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.progress_done / self.progress_total) if self.progress_total else 0
