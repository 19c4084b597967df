"""Articles, the machine's suggestions and the editors' decisions.

Machine output and editor decisions are separate layers (see README): a
suggestion has ``decision=pending`` and is replaced on each annotation run;
an accepted or rejected row, or one with ``origin=editor``, is never touched
by the pipeline.
"""

import unicodedata
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from articles.dbfunctions import SearchMatch
from articles.nlp.normalise import normalise_surface
from articles.nlp.types import SPEAKER_INFERRED_BELOW, TITLES_IN_PERSONS

# PostgreSQL text search configurations (migration 0009): the French and English
# stemmers after unaccent. A document is parsed with its article's language's
# configuration (both when the language is not known yet), a query with both.
SEARCH_CONFIGS = ("french_unaccent", "english_unaccent")


def fold_surface(text: str) -> str:
    """The normalised surface without accents: what a search box matches ("gerald" finds "Gérald")."""
    decomposed = unicodedata.normalize("NFKD", normalise_surface(text))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class Kind(models.TextChoices):
    PERSON = "person", _("person")
    ORGANISATION = "organisation", _("organisation")
    PLACE = "place", _("place")
    EVENT = "event", _("event")
    OTHER = "other", _("other")


class Origin(models.TextChoices):
    MODEL = "model", _("model")
    RULE = "rule", _("rule")
    EDITOR = "editor", _("editor")


class Decision(models.TextChoices):
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class Source(models.Model):
    name = models.CharField(max_length=200, unique=True)
    domain = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=2, blank=True)
    language = models.CharField(max_length=8, blank=True)
    default_topics = models.ManyToManyField("Topic", blank=True, related_name="+",
                                            help_text="Suggested for every article of the source.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _day_range(field: str, start: date | None, end: date | None) -> Q:
    """``field`` on or after the ``start`` day and before the day after ``end`` (days of the current time zone).
    Bounds as instants rather than field__date: the comparison can use an index."""
    bounds = Q()
    if start:
        bounds &= Q(**{f"{field}__gte": _start_of_day(start)})
    if end:
        bounds &= Q(**{f"{field}__lt": _start_of_day(end + timedelta(days=1))})
    return bounds


class ArticleQuerySet(models.QuerySet):
    def needs_review(self):
        return self.filter(status=Article.Status.ANNOTATED).exclude(review_state=Article.ReviewState.REVIEWED)

    def in_progress(self):
        return self.filter(status__in=[Article.Status.FETCHING, Article.Status.QUEUED, Article.Status.ANNOTATING])

    def finished(self):
        return self.exclude(status__in=[Article.Status.FETCHING, Article.Status.QUEUED, Article.Status.ANNOTATING])

    def without_page(self):
        """Articles posted by their address whose page was never fetched (no text yet)."""
        return self.filter(body="", content_hash__startswith=Article.PAGE_PENDING)

    def reviewed(self):
        return self.filter(review_state=Article.ReviewState.REVIEWED)

    def with_topic(self, slug):
        # Exists, not a join + exclude: a rejected *other* topic must not hide the article.
        return self.filter(models.Exists(
            ArticleTopic.objects.filter(article=models.OuterRef("pk"), topic__slug=slug)
            .exclude(decision=Decision.REJECTED)
        ))

    def with_actor(self, actor_id):
        return self.filter(models.Exists(
            Mention.objects.filter(article=models.OuterRef("pk"), actor_id=actor_id).exclude(decision=Decision.REJECTED)
        ))

    def added_between(self, start: date | None = None, end: date | None = None):
        """Added on or after the ``start`` day and on or before the ``end`` day (days of the current time zone)."""
        return self._between("created_at", start, end)

    def published_between(self, start: date | None = None, end: date | None = None):
        return self._between("published_at", start, end)

    def dated_between(self, start: date | None = None, end: date | None = None):
        """Dated (published, else added when it has no publication date) between the ``start`` and ``end``
        days: the day the desk's counts give an article (``insights``). One WHERE with an OR, which the
        indexes on ``published_at`` and ``created_at`` serve."""
        if not start and not end:
            return self
        return self.filter(_day_range("published_at", start, end)
                           | (Q(published_at__isnull=True) & _day_range("created_at", start, end)))

    def _between(self, field: str, start: date | None, end: date | None):
        return self.filter(_day_range(field, start, end))

    def search(self, q: str):
        """Articles whose title or body match every word of ``q``, case and accents ignored.

        PostgreSQL: full-text search (web-search syntax: "quoted phrase", -word, or)
        over the articles' ``SearchDocument`` rows (an article is found once it has
        one; see ``articles.services.search``), through the French and English
        configurations that fold accents before stemming ("refugie" finds
        "réfugiés"). Other databases: each word, folded and without a plural
        ending, must occur in the folded title or body.
        """
        q = " ".join((q or "").split())
        if not q:
            return self
        if connections[self.db].vendor == "postgresql":
            query = SearchQuery(q, config=SEARCH_CONFIGS[0], search_type="websearch")
            for config in SEARCH_CONFIGS[1:]:
                query = query | SearchQuery(q, config=config, search_type="websearch")
            return self.filter(search_document__vector=query)
        return self.alias(search_match=SearchMatch("title", "body", q.replace('"', " ").split())).filter(
            search_match=True)


class StoryOrigin(models.TextChoices):
    MACHINE = "machine", _("machine")
    EDITOR = "editor", _("editor")


class Article(models.Model):
    class Status(models.TextChoices):
        # Posted by its address alone: a worker fetches its page first (sources.services.article_fetch).
        FETCHING = "fetching", _("fetching its page")
        QUEUED = "queued", _("queued")
        ANNOTATING = "annotating", _("annotating")
        ANNOTATED = "annotated", _("annotated")
        FAILED = "failed", _("failed")
        UNSUPPORTED = "unsupported", _("language not supported yet")

    class ReviewState(models.TextChoices):
        UNREVIEWED = "unreviewed", _("unreviewed")
        IN_REVIEW = "in_review", _("in review")
        REVIEWED = "reviewed", _("reviewed")

    title = models.CharField(max_length=500)
    body = models.TextField(help_text="The text as received; mention offsets index it.")
    language = models.CharField(max_length=8, blank=True)
    language_given = models.BooleanField(default=False, help_text="The language was set by a person, not detected.")
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    url = models.URLField(max_length=2000, blank=True, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    content_hash = models.CharField(max_length=64, unique=True)

    status = models.CharField(max_length=16, choices=Status, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    pipeline_version = models.CharField(max_length=64, blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="When a worker last took it.")
    annotated_at = models.DateTimeField(null=True, blank=True)

    review_state = models.CharField(max_length=16, choices=ReviewState, default=ReviewState.UNREVIEWED, db_index=True)
    # An editor's decision: the text before crop_start and after crop_end (a site's header, its
    # "read more" links) is not part of the article. Offsets still index the whole body.
    crop_start = models.PositiveIntegerField(default=0, help_text="Editor: the article starts here.")
    crop_end = models.PositiveIntegerField(null=True, blank=True,
                                           help_text="Editor: the article ends here (empty: at the end).")
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every editor change (optimistic locking).")

    story = models.ForeignKey("stories.Story", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="articles")
    story_origin = models.CharField(max_length=8, choices=StoryOrigin, blank=True,
                                    help_text="editor: placed by an editor, never moved by the machine.")
    near_copy_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="near_copies",
                                     help_text="The first version of the same text (a wire story republished).")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The queue's language filter lists the languages in use by walking this index
            # (selectors.article_languages).
            models.Index(fields=["language"], name="article_language"),
            # A digest's period: its articles, and the actors most mentioned in them.
            models.Index(fields=["published_at"], name="article_published_at"),
        ]

    def __str__(self):
        return self.title

    def is_finished(self):
        return self.status in (self.Status.ANNOTATED, self.Status.FAILED, self.Status.UNSUPPORTED)

    # The placeholder fingerprint of an article posted by its address until its page's text replaces it.
    PAGE_PENDING = "fetching:"

    def can_retry(self):
        return self.status in (self.Status.FAILED, self.Status.UNSUPPORTED)

    def kept_bounds(self) -> tuple[int, int]:
        """Where the article's own text starts and ends in ``body`` (all of it, unless an editor cropped it)."""
        end = len(self.body) if self.crop_end is None else min(self.crop_end, len(self.body))
        return min(self.crop_start, end), end

    def is_cropped(self) -> bool:
        return self.kept_bounds() != (0, len(self.body))

    def kept_text(self) -> str:
        start, end = self.kept_bounds()
        return self.body[start:end]

    def text_for_annotation(self) -> str:
        """The body with the text an editor cropped blanked out, line breaks kept: the same
        length, so offsets found in it index the body, and nothing is found there."""
        start, end = self.kept_bounds()
        if (start, end) == (0, len(self.body)):
            return self.body
        def blank(text):
            return "".join(ch if ch == "\n" else " " for ch in text)
        return blank(self.body[:start]) + self.body[start:end] + blank(self.body[end:])


class SearchDocument(models.Model):
    """An article's full-text search vector (PostgreSQL; other databases search the text itself).

    Kept apart from the article and written after it (``articles.services.search``):
    parsing a text for the index costs the database more than storing it, and a bulk
    import would wait for it. The body never changes; an editor's new title writes the
    document again (``articles.services.review.article_details_edit``).
    """

    article = models.OneToOneField(Article, primary_key=True, on_delete=models.CASCADE, related_name="search_document")
    vector = SearchVectorField()

    def __str__(self):
        return f"search document of article {self.article_id}"


class ActorQuerySet(models.QuerySet):
    def canonical(self):
        return self.filter(merged_into__isnull=True)

    def with_alias_containing(self, folded: str):
        """Actors one of whose aliases contains ``folded`` (see ``fold_surface``)."""
        return self.filter(models.Exists(
            ActorAlias.objects.filter(actor=models.OuterRef("pk"), folded__contains=folded)
        ))

    def with_counts(self):
        """Each actor's mentions and articles (rejected mentions left out) and when it was last seen."""
        live = ~Q(mentions__decision=Decision.REJECTED)
        return self.annotate(
            mention_count=Count("mentions", filter=live),
            article_count=Count("mentions__article", filter=live, distinct=True),
            last_seen=models.Max("mentions__article__created_at", filter=live),
        )


class Actor(models.Model):
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=16, choices=Kind)
    # Normalised name + kind: lets concurrent workers create a suggested actor once.
    key = models.CharField(max_length=340, unique=True)
    description = models.TextField(blank=True)
    wikidata_id = models.CharField(max_length=20, blank=True)
    confirmed = models.BooleanField(default=False,
                                    help_text="Confirmed by an editor; unconfirmed actors are suggestions.")
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        permissions = [
            ("merge_actor", "Can merge, split and un-merge actors"),
            ("reannotate_article", "Can re-annotate past articles with the registry's corrections"),
        ]

    def __str__(self):
        return f"{self.name} ({self.kind})"

    def survivor(self) -> "Actor":
        """The actor this one was merged into, following chains of merges."""
        actor, seen = self, {self.id}
        while actor.merged_into_id is not None and actor.merged_into_id not in seen:
            actor = actor.merged_into
            seen.add(actor.id)
        return actor

    @staticmethod
    def key_for(name: str, kind: str) -> str:
        """The unique key of the actor of that name and kind."""
        return f"{normalise_surface(name)}|{kind}"[:340]


class ActorAlias(models.Model):
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    surface = models.CharField(max_length=300)
    normalised = models.CharField(max_length=300, db_index=True)
    folded = models.CharField(max_length=300, db_index=True, blank=True, help_text="Normalised, without accents.")
    language = models.CharField(max_length=8, blank=True,
                                help_text="Empty: the entity ruler of every language uses it.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "normalised"], name="alias_unique_per_actor")]

    def __str__(self):
        return self.surface

    @classmethod
    def build(cls, *, actor: Actor, surface: str, language: str = "", created_by=None) -> "ActorAlias":
        """An unsaved alias with its normalised and folded forms filled in."""
        surface = " ".join(surface.split())[:300]
        return cls(actor=actor, surface=surface, normalised=normalise_surface(surface)[:300],
                   folded=fold_surface(surface)[:300], language=language, created_by=created_by)


class ActorRole(models.Model):
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="roles")
    title = models.CharField(max_length=300)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="roles")
    origin = models.CharField(max_length=8, choices=Origin, default=Origin.MODEL)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-article__published_at", "-article__created_at", "title"]

    def __str__(self):
        return self.title


class ActorMerge(models.Model):
    """One merge, with what it moved, so that it can be undone."""

    survivor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="merges_in")
    merged = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="merges_out")
    # {"mentions": [ids], "aliases": [ids], "roles": [ids], "quotes": [ids],
    #  "dropped_aliases": [{"surface", "normalised", "language"}], "survivor_confirmed": bool}
    moved = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.merged_id} → {self.survivor_id}"


class DuplicateDismissal(models.Model):
    """A chief editor said these two actors are not the same: not suggested again."""

    low = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="+")
    high = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["low", "high"], name="duplicate_dismissed_once"),
            models.CheckConstraint(condition=Q(low__lt=models.F("high")), name="duplicate_dismissal_ordered"),
        ]


class ReannotationJob(models.Model):
    """'Apply to past articles': the articles a correction affects, queued again.

    Progress is read from the articles themselves (job state lives in rows):
    done = the job's articles no longer queued or annotating.
    """

    reason = models.CharField(max_length=300)
    article_ids = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.reason

    def progress(self) -> tuple[int, int]:
        """(articles done, articles in the job)."""
        total = len(self.article_ids)
        pending = Article.objects.filter(id__in=self.article_ids).in_progress().count() if total else 0
        return total - pending, total


class Mention(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.CharField(max_length=500)
    kind = models.CharField(max_length=16, choices=Kind)
    actor = models.ForeignKey(Actor, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentions")
    origin = models.CharField(max_length=8, choices=Origin, default=Origin.MODEL)
    decision = models.CharField(max_length=8, choices=Decision, default=Decision.PENDING)
    confidence = models.FloatField(null=True, blank=True)
    pipeline_version = models.CharField(max_length=64, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start", "end"]
        constraints = [
            models.UniqueConstraint(fields=["article", "start", "end"], name="mention_one_per_span"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="mention_nonempty"),
        ]
        # The desk's span conventions read the latest decided mentions of a kind (selectors.title_convention).
        indexes = [models.Index(fields=["kind", "decision", "decided_at"], name="mention_kind_decided")]

    def __str__(self):
        return f"{self.text} [{self.start}:{self.end}] {self.kind}"

    def is_suggestion(self):
        return self.decision == Decision.PENDING and self.origin != Origin.EDITOR


class RejectedSurface(models.Model):
    """A surface an editor rejected: the pipeline will not suggest it again."""

    normalised = models.CharField(max_length=300)
    surface = models.CharField(max_length=300, blank=True, help_text="As the editor saw it.")
    kind = models.CharField(max_length=16, choices=Kind, blank=True, help_text="Empty: rejected whatever the kind.")
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.CASCADE, help_text="Empty: everywhere.")
    article = models.ForeignKey("Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                help_text="The article where the editor made the correction.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["normalised", "kind", "source"], name="rejected_surface_unique")]

    def __str__(self):
        return self.normalised


class ConventionOff(models.Model):
    """A span convention learned from editors' mentions that a chief editor stopped: not applied to the next
    articles, whatever the editors' mentions show, until the record is removed."""

    class Name(models.TextChoices):
        TITLES_IN_PERSONS = TITLES_IN_PERSONS, _("a person's title inside the mention")

    name = models.CharField(max_length=40, choices=Name, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name


class TopicQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


def validate_topic_thresholds(value) -> None:
    """A topic's own thresholds: a language code to a score from TOPIC_THRESHOLD to 1. The queue and
    digests show no machine suggestion under TOPIC_THRESHOLD, so a topic's own can only raise the bar."""
    if not isinstance(value, dict):
        raise ValidationError(_("Thresholds are a language code and a score, e.g. {\"fr\": 0.5}."))
    for language, threshold in value.items():
        if (not isinstance(threshold, int | float) or isinstance(threshold, bool)
                or not settings.TOPIC_THRESHOLD <= threshold <= 1):
            raise ValidationError(_("The threshold for %(language)s must be a number from %(low)s to 1."),
                                  params={"language": language, "low": settings.TOPIC_THRESHOLD})


class Topic(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name_en = models.CharField(max_length=200)
    name_fr = models.CharField(max_length=200)
    iptc_code = models.CharField(max_length=20, blank=True, help_text="IPTC Media Topic code, e.g. medtop:11000000.")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    description = models.TextField(blank=True)
    # {"fr": ["terroris*", "attentat*", ...], "en": [...], "actors": ["Front Polisario"]}
    cues = models.JSONField(default=dict, blank=True)
    # {"fr": 0.38}: the score from which the topic is suggested on an article in that language, where
    # it was calibrated on labelled articles or a chief editor set it; TOPIC_THRESHOLD elsewhere.
    thresholds = models.JSONField(
        default=dict, blank=True, validators=[validate_topic_thresholds],
        help_text=_("Score from which the topic is suggested, per language, e.g. {\"fr\": 0.5}; "
                    "TOPIC_THRESHOLD for a language not listed. Applies to articles annotated from now on."))
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]

    def __str__(self):
        return self.name_en

    def name_for(self, language):
        return self.name_fr if language == "fr" else self.name_en


class ArticleTopic(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="topics")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="article_topics")
    score = models.FloatField(default=0.0)
    # [[start, end], ...] character offsets of the sentences that triggered the topic.
    evidence = models.JSONField(default=list, blank=True)
    origin = models.CharField(max_length=8, choices=Origin, default=Origin.RULE)
    decision = models.CharField(max_length=8, choices=Decision, default=Decision.PENDING)
    pipeline_version = models.CharField(max_length=64, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score"]
        constraints = [models.UniqueConstraint(fields=["article", "topic"], name="article_topic_unique")]

    def __str__(self):
        return f"{self.topic_id} {self.score:.2f}"


class Quote(models.Model):
    class QuoteKind(models.TextChoices):
        DIRECT = "direct", _("direct")
        FRAGMENT = "fragment", _("fragment")
        REPORTED = "reported", _("reported")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="quotes")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    kind = models.CharField(max_length=10, choices=QuoteKind, default=QuoteKind.DIRECT)
    speaker = models.ForeignKey(Actor, null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes")
    # The speakers after the first ("A and B said …"), in order: an editor's decision, as the first one is.
    other_speakers = models.ManyToManyField(Actor, through="QuoteSpeaker", related_name="quotes_also", blank=True)
    speaker_role = models.CharField(max_length=300, blank=True,
                                    help_text="How the text named the speaker, if by a title.")
    speaker_confidence = models.FloatField(
        null=True, blank=True,
        help_text="How sure the pipeline is of the speaker it proposed, 0 to 1; empty once an editor sets it.")
    cue = models.CharField(max_length=100, blank=True)
    origin = models.CharField(max_length=8, choices=Origin, default=Origin.RULE)
    decision = models.CharField(max_length=8, choices=Decision, default=Decision.PENDING)
    pipeline_version = models.CharField(max_length=64, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start", "end"]
        constraints = [
            models.UniqueConstraint(fields=["article", "start", "end"], name="quote_one_per_span"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="quote_nonempty"),
        ]

    INFERRED_BELOW = SPEAKER_INFERRED_BELOW

    def __str__(self):
        return f"{self.text[:40]} [{self.start}:{self.end}]"

    def speaker_inferred(self) -> bool:
        return (self.speaker_id is not None and self.speaker_confidence is not None
                and self.speaker_confidence < self.INFERRED_BELOW)

    def speakers(self) -> list[Actor]:
        """Every speaker in order, the first one (``speaker``) first; reads ``speaker_rows`` prefetched
        with their actor (``speakers_prefetch``) without a query."""
        first = [self.speaker] if self.speaker_id else []
        return first + [row.actor for row in self.speaker_rows.all()]

    def speaker_names(self) -> str:
        """The speakers' names as a sentence says them: "A", "A and B", "A, B and C"."""
        return speakers_in_words([actor.name for actor in self.speakers()])


class QuoteSpeaker(models.Model):
    """A speaker of a quote after its first one, at its place among them (``position``, lowest first)."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="speaker_rows")
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["quote", "actor"], name="quote_speaker_once")]

    def __str__(self):
        return f"{self.actor_id} on quote {self.quote_id}"


def speakers_prefetch(prefix: str = "") -> Prefetch:
    """What ``Quote.speakers`` reads, for every quote of a list in one query (``prefix``: the path to the
    quotes, e.g. "quotes__")."""
    return Prefetch(f"{prefix}speaker_rows", queryset=QuoteSpeaker.objects.select_related("actor"))


def speakers_in_words(names: list[str]) -> str:
    """Names joined as the interface language says a list of people: "A, B and C" ("A, B et C")."""
    return get_text_list(names, gettext("and"))


class ReviewEvent(models.Model):
    """Append-only log of every decision: who, when, what, before and after."""

    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    action = models.CharField(max_length=50)
    target = models.CharField(max_length=100, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.action} {self.target}"

    def changes(self) -> list[tuple[str, object, object]]:
        """The fields this decision changed, as (field, before, after)."""
        keys = [k for k in self.after if k not in ("start", "end", "text", "batch", "undoes")]
        return [(k, self.before.get(k), self.after.get(k)) for k in keys if self.before.get(k) != self.after.get(k)]


def suggestions_in_words(*, mentions: int = 0, topics: int = 0, quotes: int = 0) -> str:
    """"28 mentions, 1 topic": the kinds of suggestion there are some of, counted."""
    words = [(mentions, ngettext("%(n)d mention", "%(n)d mentions", mentions)),
             (topics, ngettext("%(n)d topic", "%(n)d topics", topics)),
             (quotes, ngettext("%(n)d quote", "%(n)d quotes", quotes))]
    return ", ".join(text % {"n": n} for n, text in words if n)


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"token {self.id} of {self.user}"
