"""Followed sources: the feeds the desk polls, what each poll found, and each feed item seen.

A ``Feed`` belongs to a publication, ``articles.Source`` (the name articles are
filed under): a publication can be followed through several feeds (its
international and its politics sections), and articles pasted by hand under
that name and those a feed brought are one publication. The feed holds what
polling needs (feed URL, conditional GET validators, schedule, health).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Source


class FeedQuerySet(models.QuerySet):
    def due(self, now=None):
        """Active feeds whose next poll is due and that no worker is polling now."""
        now = now or timezone.now()
        return self.filter(active=True, next_poll_at__lte=now).filter(
            Q(poll_started_at__isnull=True) | Q(poll_started_at__lt=now - timedelta(seconds=Feed.POLL_STALE_AFTER))
        )

    def with_counts(self):
        return self.annotate(articles_count=models.Count("items__article", distinct=True))


class Feed(models.Model):
    """A followed source: a feed (or a site whose feed is discovered) polled on a schedule."""

    # A poll claimed longer ago than this was ended by a dead worker; another may take it.
    POLL_STALE_AFTER = 1800  # seconds, beyond the poll task's hard time limit

    class Status(models.TextChoices):
        NEW = "new", _("new")
        OK = "ok", _("ok")
        FAILING = "failing", _("failing")
        PAUSED = "paused", _("paused")

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="feeds",
                               help_text="The publication the feed's articles are filed under.")
    url = models.URLField(max_length=2000, help_text="The address given: a feed or a site.")
    feed_url = models.URLField(max_length=2000, blank=True, help_text="The feed itself, once discovered.")
    language = models.CharField(max_length=8, blank=True, help_text="Language hint given to every article.")
    poll_minutes = models.PositiveIntegerField(default=15)
    active = models.BooleanField(default=True)
    fetch_pages = models.BooleanField(default=True, help_text="Fetch each item's page for its full text.")

    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    next_poll_at = models.DateTimeField(default=timezone.now, db_index=True)
    poll_started_at = models.DateTimeField(null=True, blank=True, help_text="A worker is polling it since then.")
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FeedQuerySet.as_manager()

    class Meta:
        ordering = ["source__name", "id"]
        verbose_name = _("followed source")
        constraints = [models.UniqueConstraint(fields=["url"], name="feed_url_followed_once")]

    def __str__(self):
        return f"{self.source.name} ({self.feed_url or self.url})"

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def status(self) -> str:
        if not self.active:
            return self.Status.PAUSED
        if self.consecutive_failures:
            return self.Status.FAILING
        if self.last_success_at is None:
            return self.Status.NEW
        return self.Status.OK

    def get_status_display(self) -> str:
        return self.Status(self.status).label


class FeedItem(models.Model):
    """One item a feed listed: seen once per GUID and once per normalised URL, whatever the polls."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        STORED = "stored", _("stored")
        FAILED = "failed", _("failed")

    class Text(models.TextChoices):
        PAGE = "page", _("full page")
        FEED = "feed", _("feed text only")
        EXCERPT = "excerpt", _("excerpt only")

    MAX_ATTEMPTS = 3

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="items")
    guid = models.CharField(max_length=1000)
    url = models.URLField(max_length=2000, blank=True, help_text="The item's link, normalised.")
    title = models.CharField(max_length=500, blank=True)
    author = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="feed_items")
    state = models.CharField(max_length=8, choices=State, default=State.PENDING)
    text = models.CharField(max_length=8, choices=Text, blank=True, help_text="Where the article's text came from.")
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["feed", "guid"], name="feed_item_guid_once"),
            models.UniqueConstraint(fields=["feed", "url"], condition=~Q(url=""), name="feed_item_url_once"),
        ]

    def __str__(self):
        return self.title or self.guid


class FeedPoll(models.Model):
    """One poll of a feed, for the source's page (its last errors) and its health."""

    class Outcome(models.TextChoices):
        OK = "ok", _("ok")
        NOT_MODIFIED = "not_modified", _("not modified")
        FAILED = "failed", _("failed")

    KEEP = 50  # polls kept per feed

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="polls")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome)
    items_seen = models.PositiveIntegerField(default=0)
    items_new = models.PositiveIntegerField(default=0)
    items_failed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.feed_id} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"


class HostTurn(models.Model):
    """Whose turn it is to fetch from a host, shared by every worker process and machine
    (``sources.services.DatabaseHostGate``): one request at a time, a minimum delay apart."""

    host = models.CharField(max_length=255, primary_key=True)
    holder = models.CharField(max_length=32, blank=True)
    busy_until = models.DateTimeField(null=True, blank=True, help_text="Taken until then (a dead holder's turn ends).")
    next_at = models.DateTimeField(default=timezone.now, help_text="The next request may start then.")

    def __str__(self):
        return self.host
