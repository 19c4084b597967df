"""The desk's picture of the news: articles counted per day, per actor, topic, source and pair of actors.

The counting unit is the article (an article that names an actor five times counts once), its day
the publication date, else the day it was added, in the site's time zone; only annotated articles
count, and a rejected mention or topic counts for nothing. The counts are kept current by
``insights.services.counts_refresh`` from each article's ``ArticleCount`` (what it added last
time), so the page sums a few daily rows rather than the archive's mentions.
"""

from django.db import models

# Actors and topics are plain keys (no database constraint, nothing deleted with them): a cell taken
# back later must still be there, and the page leaves out keys whose row is gone.

# The source key of an article without a source (the counts keep it, the queue cannot filter on it).
NO_SOURCE = 0


class ArticleCount(models.Model):
    """What one article adds to the daily counts, as last counted: taken back before its new
    contribution is added. No foreign key: a deleted article's contribution can still be taken back."""

    article_id = models.BigIntegerField(primary_key=True)
    day = models.DateField()
    source_key = models.BigIntegerField(default=NO_SOURCE)
    actors = models.JSONField(default=list, help_text="Ids of the actors it mentions (mentions not rejected).")
    topics = models.JSONField(default=list, help_text="Ids of its topics not rejected.")

    def __str__(self):
        return f"article {self.article_id} on {self.day}"


class DailySourceCount(models.Model):
    day = models.DateField()
    source_key = models.BigIntegerField(help_text="The source's id; 0 for articles without a source.")
    articles = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "source_key"], name="daily_source_cell")]


class DailyActorCount(models.Model):
    day = models.DateField()
    actor = models.ForeignKey("articles.Actor", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    source_key = models.BigIntegerField(help_text="The source's id; 0 for articles without a source.")
    articles = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "actor", "source_key"], name="daily_actor_cell")]
        indexes = [
            # The most mentioned actors of a period, from the index alone (no table read).
            models.Index(fields=["day", "actor", "articles"], name="daily_actor_ranking"),
            # A chart's few actors, day by day.
            models.Index(fields=["actor", "day"], name="daily_actor_by_actor"),
        ]


class DailyTopicCount(models.Model):
    day = models.DateField()
    topic = models.ForeignKey("articles.Topic", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    source_key = models.BigIntegerField(help_text="The source's id; 0 for articles without a source.")
    articles = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "topic", "source_key"], name="daily_topic_cell")]
        indexes = [models.Index(fields=["topic", "day"], name="daily_topic_by_topic")]


class DailyPairCount(models.Model):
    """Articles that mention both actors (``actor_a`` < ``actor_b``)."""

    day = models.DateField()
    actor_a = models.ForeignKey("articles.Actor", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    actor_b = models.ForeignKey("articles.Actor", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    articles = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "actor_a", "actor_b"], name="daily_pair_cell"),
            models.CheckConstraint(condition=models.Q(actor_a__lt=models.F("actor_b")), name="daily_pair_ordered"),
        ]
        # The pairs of a chart's few actors, without reading every pair of the period.
        indexes = [models.Index(fields=["actor_a", "actor_b", "day"], name="daily_pair_by_actors")]
