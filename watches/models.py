"""Watches: what an editor follows, and the notifications the machine makes from them.

Layers, as for annotations: a ``Watch`` and a ``SavedSearch`` are the user's own
choices; a ``Notification`` is machine output (made on the worker after an
article is annotated and placed in its story, withdrawn when an editor's
decision removes what it depended on); its ``read_at`` is the user's and no
machine run changes it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SavedSearch(models.Model):
    """The review queue's filters and search, under a name; shared ones are offered to the whole desk."""

    name = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    query = models.CharField(max_length=2000, help_text="The queue's query string (articles.queue_params.QueueParams).")
    shared = models.BooleanField(default=False, help_text="Offered to every member of the desk.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "saved searches"
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_search_name_unique")]

    def __str__(self):
        return self.name


class WatchQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(user=user)


class Watch(models.Model):
    class Kind(models.TextChoices):
        ACTOR = "actor", _("actor")
        TOPIC = "topic", _("topic")
        SOURCE = "source", _("source")
        STORY = "story", _("story")
        SEARCH = "search", _("saved search")

    class Mail(models.TextChoices):
        NONE = "none", _("no e-mail")
        IMMEDIATE = "immediate", _("an e-mail at once")
        HOURLY = "hourly", _("an hourly summary")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches")
    kind = models.CharField(max_length=8, choices=Kind)
    # Exactly the field of its kind is set (watch_target_matches_kind); each is indexed (foreign key),
    # so the watches of an article's actors, topics, source and story are found without a scan.
    actor = models.ForeignKey("articles.Actor", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey("articles.Topic", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey("articles.Source", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    story = models.ForeignKey("stories.Story", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    search = models.ForeignKey(SavedSearch, null=True, blank=True, on_delete=models.CASCADE, related_name="watches")
    mail = models.CharField(max_length=10, choices=Mail, default=Mail.NONE)
    created_at = models.DateTimeField(default=timezone.now)

    objects = WatchQuerySet.as_manager()

    TARGETS = {"actor": "actor", "topic": "topic", "source": "source", "story": "story", "search": "search"}

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            *(models.UniqueConstraint(fields=["user", field], condition=Q(**{f"{field}__isnull": False}),
                                      name=f"watch_{field}_unique")
              for field in ("actor", "topic", "source", "story", "search")),
            models.CheckConstraint(
                condition=(Q(kind="actor", actor__isnull=False, topic=None, source=None, story=None, search=None)
                           | Q(kind="topic", topic__isnull=False, actor=None, source=None, story=None, search=None)
                           | Q(kind="source", source__isnull=False, actor=None, topic=None, story=None, search=None)
                           | Q(kind="story", story__isnull=False, actor=None, topic=None, source=None, search=None)
                           | Q(kind="search", search__isnull=False, actor=None, topic=None, source=None,
                               story=None)),
                name="watch_target_matches_kind"),
        ]

    def __str__(self):
        return f"{self.kind} watch {self.id}"

    @property
    def target_id(self) -> int | None:
        return getattr(self, f"{self.kind}_id", None)


class NotificationQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(user=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One per user and article, however many of the user's watches the article matched."""

    class Reason(models.TextChoices):
        MATCH = "match", _("matches a watch")
        OUTLET = "outlet", _("a new outlet in a watched story")
        BREAKING = "breaking", _("breaking: many outlets at once")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    watch = models.ForeignKey(Watch, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications",
                              help_text="The first watch it matched (a story watch first).")
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    story = models.ForeignKey("stories.Story", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=8, choices=Reason, default=Reason.MATCH)
    # What it depended on: the ids of every watch the article matched. An editor's decision
    # that leaves none of them matching withdraws the notification (watches.services).
    matched = models.JSONField(default=list)
    mail = models.CharField(max_length=10, choices=Watch.Mail, default=Watch.Mail.NONE,
                            help_text="The soonest e-mail its watches asked for.")
    mailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "article"], name="notification_user_article_unique")]
        indexes = [models.Index(fields=["user", "-created_at"], name="notification_user_created"),
                   models.Index(fields=["user"], condition=Q(read_at=None), name="notification_unread"),
                   models.Index(fields=["mail"], condition=Q(mailed_at=None, read_at=None),
                                name="notification_to_mail")]

    def __str__(self):
        return f"notification {self.id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
