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
    # The address of the public "read online" page (digests:public), for recipients without an account;
    # empty until the digest is first sent or the link is made, emptied when a chief editor revokes it.
    public_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
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
    """A topic's section; ``topic`` empty is the section for articles without a topic,
    unless the chief editor made it and named it (``title``)."""

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="sections")
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=200, blank=True, help_text="The name the chief editor gave it; "
                             "empty: its topic's name.")
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
    title = models.CharField(max_length=500, blank=True,
                             help_text="The title shown for the item; empty: the article's.")
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


def _new_secret() -> str:
    return secrets.token_urlsafe(24)


class DistributionList(models.Model):
    """A named set of recipients a digest is sent to."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    # The digests sent to the list (its Atom feed) and the secret of the feed's address, made and
    # revoked by a chief editor (digests:feed); no address, no feed.
    digests_sent = models.ManyToManyField(Digest, blank=True, related_name="sent_to_lists")
    feed_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class RecipientQuerySet(models.QuerySet):
    def subscribed(self):
        return self.filter(unsubscribed_at__isnull=True)


class Recipient(models.Model):
    """One address, in any number of lists. Unsubscribing is per address and final:
    an unsubscribed address is never sent to again, whichever list or send names it.
    An address whose server refused a message for good (a hard bounce) is "bouncing":
    nothing is sent to it until a chief editor clears that on the list's page."""

    email = models.EmailField(max_length=254, unique=True)
    name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=8, default="fr")
    lists = models.ManyToManyField(DistributionList, blank=True, related_name="recipients")
    # The personal unsubscribe link's secret (digests:unsubscribe).
    token = models.CharField(max_length=64, unique=True, default=_new_secret, editable=False)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # The first hard bounce since the address was last cleared, and the server's reason.
    bounced_at = models.DateTimeField(null=True, blank=True)
    bounce_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RecipientQuerySet.as_manager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email

    def is_unsubscribed(self) -> bool:
        return self.unsubscribed_at is not None

    def is_bouncing(self) -> bool:
        return self.bounced_at is not None


class Delivery(models.Model):
    """One digest to one recipient: the state is committed before and after its message.

    queued → sending (claimed, committed before the SMTP conversation) → sent | failed.
    A transient error puts it back to queued for a later attempt. A delivery left
    "sending" by a dead worker may or may not have reached the server: it is never
    sent again automatically; the sweeper marks it "unknown" for a person to decide.
    A sent (or unknown) one becomes "bounced" when a server reports, later and by
    e-mail, that it refused the message for good (``digests.bounces``).
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        UNKNOWN = "unknown", _("unknown")
        BOUNCED = "bounced", _("bounced")

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="deliveries")
    # The address as it was when queued (what the log shows).
    email = models.EmailField(max_length=254)
    state = models.CharField(max_length=12, choices=State, default=State.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    # The Message-ID of its last message, and the secret in that message's envelope sender
    # (BOUNCE_ADDRESS+token@domain): how a bounce finds its delivery. A new pair for each attempt.
    message_id = models.CharField(max_length=300, blank=True, db_index=True)
    return_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # When its task was last sent (the sweeper sends a lost one again) and when it was claimed.
    queued_at = models.DateTimeField(default=timezone.now)
    # Not before this time (a transient error's backoff).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email", "id"]
        constraints = [models.UniqueConstraint(fields=["digest", "recipient"], name="delivery_once_per_recipient")]
        verbose_name_plural = "deliveries"

    def __str__(self):
        return f"digest {self.digest_id} to {self.email}: {self.state}"


class Bounce(models.Model):
    """A report that came back by e-mail about a delivery's message (read from BOUNCE_MAILDIR):
    "hard" (a permanent failure, 5.x.x: the delivery is bounced, the address bouncing) or "soft"
    (delayed or a transient failure, 4.x.x: recorded, nothing else changes)."""

    class Kind(models.TextChoices):
        HARD = "hard", _("permanent failure")
        SOFT = "soft", _("delayed")

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="bounces")
    kind = models.CharField(max_length=8, choices=Kind)
    # As the report gives them: the enhanced status code (RFC 3463, e.g. 5.1.1), the action
    # (failed, delayed) and the server's words (Diagnostic-Code, or the line that said it).
    status = models.CharField(max_length=16, blank=True)
    action = models.CharField(max_length=16, blank=True)
    reason = models.TextField(blank=True)
    # The report's unique name in the mailbox: a report is applied once even if it is read twice.
    mailbox_key = models.CharField(max_length=255, unique=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return f"{self.kind} bounce of delivery {self.delivery_id}: {self.status}"


class Schedule(models.Model):
    """Send a list, at a local time on some weekdays, the latest published digest it has not had."""

    distribution_list = models.ForeignKey(DistributionList, on_delete=models.CASCADE, related_name="schedules")
    # ISO weekdays, Monday 1 … Sunday 7, comma-separated ("1,2,3,4,5": weekdays).
    weekdays = models.CharField(max_length=20, default="1,2,3,4,5")
    time = models.TimeField(help_text="Local time of the sending, in the schedule's time zone.")
    timezone = models.CharField(max_length=64, default="Europe/Paris")
    enabled = models.BooleanField(default=True)
    # The occurrence last handled (claimed by a conditional update: one run per occurrence) and the
    # digest last sent by this schedule (the next run sends a later one, or nothing).
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_digest = models.ForeignKey(Digest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["distribution_list__name", "time", "id"]

    def __str__(self):
        return f"{self.distribution_list} at {self.time:%H:%M} {self.timezone} ({self.weekdays})"

    def clean(self):
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        from django.core.exceptions import ValidationError

        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError({"timezone": _("Unknown time zone (e.g. Europe/Paris).")}) from None
        if not self.weekday_set() or not self.weekday_set() <= set(range(1, 8)):
            raise ValidationError({"weekdays": _("Weekdays from 1 (Monday) to 7 (Sunday), e.g. 1,2,3,4,5.")})

    def weekday_set(self) -> set[int]:
        return {int(day) for day in self.weekdays.split(",") if day.strip().isdigit()}


class MailPace(models.Model):
    """One row: when the next message may leave, shared by every worker process, so that
    MAIL_RATE_PER_MINUTE holds for the whole installation (``delivery.mail_slot``)."""

    next_at = models.FloatField(default=0.0, help_text="Seconds since the epoch.")

    def __str__(self):
        return f"next message at {self.next_at:.3f}"
