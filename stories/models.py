"""Stories: the articles of any outlet and language that report one event.

Two layers, as for annotations: the machine assigns an article to a story
(``Article.story_origin = machine``) and may revise it on the next run; an
editor's move (``story_origin = editor``) is never undone by the machine.
"""

from django.db import models
from django.utils import timezone


class StoryQuerySet(models.QuerySet):
    def live(self):
        return self.filter(article_count__gt=0)

    def active_between(self, start, end):
        """Stories with an article seen (published, or added when undated) between the two instants."""
        return self.filter(last_seen__gte=start, first_seen__lte=end)


class Story(models.Model):
    title = models.CharField(max_length=500, blank=True)
    title_by_editor = models.BooleanField(default=False, help_text="Renamed by an editor: the machine keeps the title.")
    central_article = models.ForeignKey("articles.Article", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", help_text="The article closest to the story's centre.")
    central_score = models.FloatField(default=0.0)
    # Event time: publication date, or the date added for an undated article.
    first_seen = models.DateTimeField(null=True, blank=True, db_index=True)
    last_seen = models.DateTimeField(null=True, blank=True, db_index=True)
    last_added = models.DateTimeField(null=True, blank=True, help_text="When its latest article was added.")
    undated_count = models.PositiveIntegerField(default=0)
    article_count = models.PositiveIntegerField(default=0)
    outlet_count = models.PositiveIntegerField(default=0)
    languages = models.JSONField(default=list, blank=True)
    # The sum of its articles' unit vectors (stories.features), top keys only: updated per article.
    centroid = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-last_seen", "-id"]
        verbose_name_plural = "stories"

    def __str__(self):
        return self.title or f"story {self.id}"


class StoryKey(models.Model):
    """The index candidates come from: a story's most telling keys (rare actors and words),
    with the story's time span copied so that the window is read from the index."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="keys")
    key = models.CharField(max_length=120)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    last_added = models.DateTimeField()
    undated = models.BooleanField(default=False, help_text="The story holds an undated article.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "story"], name="story_key_unique")]
        indexes = [models.Index(fields=["key", "last_seen"], name="story_key_seen"),
                   models.Index(fields=["key", "last_added"], name="story_key_added")]


class KeyFrequency(models.Model):
    """In how many articles each key occurs (``key=""``: the number of articles): the rarity weights."""

    key = models.CharField(max_length=120, unique=True)
    df = models.PositiveIntegerField(default=0)


class ArticleVector(models.Model):
    """The article's unit vector as last assigned; its presence means its keys were counted once."""

    article = models.OneToOneField("articles.Article", primary_key=True, on_delete=models.CASCADE,
                                   related_name="story_vector")
    vector = models.JSONField(default=dict)
    signature = models.CharField(max_length=32, blank=True, help_text="A digest of the keys it was weighed from.")
    score = models.FloatField(null=True, blank=True, help_text="Similarity to the story it joined (None: new story).")
