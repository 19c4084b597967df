"""Reads that several views and the API share."""

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce, Greatest, RowNumber, Substr, TruncMonth
from django.utils import translation
from django.utils.formats import date_format
from django.utils.functional import cached_property

from articles import history
from articles.actor_params import ACTOR_SORTS, ActorParams

# The suggested duplicates have their own module; these names stay importable from here.
from articles.duplicates import DuplicatePair, duplicate_suggestions  # noqa: F401
from articles.history import HistoryEntry
from articles.models import (
    Actor,
    ActorAlias,
    ActorMerge,
    ActorRole,
    Article,
    ArticleTopic,
    ConventionOff,
    Decision,
    Kind,
    Mention,
    Origin,
    Quote,
    QuoteSpeaker,
    ReannotationJob,
    RejectedSurface,
    ReviewEvent,
    Source,
    Topic,
    fold_surface,
    speakers_prefetch,
    suggestions_in_words,
)
from articles.nlp.names import names_alike
from articles.nlp.titles import title_cut, title_kept
from articles.queue_params import QueueParams
from pressreview.inputs import id_or_none
from sources.models import FeedItem
from stories.models import Story


@dataclass(frozen=True, slots=True)
class MentionRow:
    """A mention as the review page shows it: plain values, no model instance
    (building a thousand model instances would cost more than the page itself)."""

    id: int
    start: int
    end: int
    text: str
    kind: str
    origin: str
    decision: str
    actor_id: int | None
    actor_name: str | None


def group_key(mention) -> tuple | int:
    """What groups mentions on the review page: their actor, or for unlinked ones their text and kind."""
    return mention.actor_id or ("unlinked", mention.text, mention.kind)


def group_dom_id(key) -> str:
    if isinstance(key, int):
        return f"group-{key}"
    return "group-u-" + hashlib.blake2s(f"{key[1]}\x00{key[2]}".encode(), digest_size=6).hexdigest()


@dataclass
class ActorGroupView:
    actor_id: int | None
    name: str
    kind: str
    mentions: list[MentionRow] = field(default_factory=list)
    dom_id: str = ""


@dataclass(frozen=True)
class Segment:
    text: str
    mention: MentionRow | None = None
    cropped: bool = False


def article_for_display(article_id: int):
    """The article with what its page shows beside the text; ``text_origin`` says, for an article a
    feed brought, where the feed item that stored it took the text (``FeedItem.Text``), else None."""
    stored_by = FeedItem.objects.filter(article=OuterRef("pk")).exclude(text="").order_by("created_at", "id")
    return (
        Article.objects.select_related("source", "created_by", "story")
        .prefetch_related(
            Prefetch("topics", queryset=ArticleTopic.objects.select_related("topic").order_by("-score")),
        )
        .annotate(text_origin=Subquery(stored_by.values("text")[:1]))
        .get(id=article_id)
    )


def article_mentions(article: Article) -> list[MentionRow]:
    rows = (
        Mention.objects.filter(article=article)
        .order_by("start", "end")
        .values_list("id", "start", "end", "text", "kind", "origin", "decision", "actor_id", "actor__name")
    )
    return [MentionRow(*row) for row in rows]


def article_actor_groups(mentions: list[MentionRow]) -> list[ActorGroupView]:
    """Mentions grouped by actor, most mentioned first; rejected ones left out."""
    groups: dict = {}
    for mention in mentions:
        if mention.decision == Decision.REJECTED:
            continue
        key = group_key(mention)
        group = groups.get(key)
        if group is None:
            group = groups[key] = ActorGroupView(mention.actor_id, mention.actor_name or mention.text, mention.kind,
                                                 dom_id=group_dom_id(key))
        group.mentions.append(mention)
    return sorted(groups.values(), key=lambda g: (-len(g.mentions), g.name))


def article_hidden_groups(mentions: list[MentionRow], groups: list[ActorGroupView]) -> list[str]:
    """The page ids of the groups whose mentions are all rejected (none of ``groups``)."""
    shown = {group.dom_id for group in groups}
    return list(dict.fromkeys(dom_id for dom_id in (group_dom_id(group_key(m)) for m in mentions)
                              if dom_id not in shown))


def mention_rows(mentions) -> list[MentionRow]:
    """Mention instances (their actor loaded) as the review page shows them."""
    return [MentionRow(m.id, m.start, m.end, m.text, m.kind, m.origin, m.decision, m.actor_id,
                       m.actor.name if m.actor_id else None) for m in mentions]


def article_groups_of(article_id: int, mentions: list[MentionRow]) -> tuple[list[ActorGroupView], list[str]]:
    """The groups the given mentions belong to, each with all its mentions in the article (a decision's answer
    renders these alone), and the ids of those left without a mention that is not rejected."""
    keys = {group_key(m) for m in mentions}
    actor_ids = [k for k in keys if isinstance(k, int)]
    unlinked = Q()
    for _tag, text, kind in (k for k in keys if not isinstance(k, int)):
        unlinked |= Q(actor__isnull=True, text=text, kind=kind)
    members = Mention.objects.filter(article_id=article_id).filter(Q(actor_id__in=actor_ids) | unlinked)
    rows = [MentionRow(*row) for row in members.order_by("start", "end").values_list(
        "id", "start", "end", "text", "kind", "origin", "decision", "actor_id", "actor__name")]
    groups = article_actor_groups(rows)
    shown = {group.dom_id for group in groups}
    return groups, [group_dom_id(k) for k in keys if group_dom_id(k) not in shown]


@dataclass(frozen=True)
class PendingCounts:
    """The suggestions of an article nobody has decided yet."""

    mentions: int = 0
    topics: int = 0
    quotes: int = 0

    @property
    def total(self) -> int:
        return self.mentions + self.topics + self.quotes

    def in_words(self) -> str:
        """"28 mentions, 1 topic": the kinds there are some of, counted."""
        return suggestions_in_words(mentions=self.mentions, topics=self.topics, quotes=self.quotes)

    @classmethod
    def of(cls, mentions: list, topics: list, quotes: list) -> "PendingCounts":
        """Counted in rows already loaded (the review page has them all)."""
        def pending(rows):
            return sum(1 for row in rows if row.decision == Decision.PENDING)
        return cls(mentions=pending(mentions), topics=pending(topics), quotes=pending(quotes))


def article_pending(article_id: int) -> PendingCounts:
    """How many mentions, topics and quotes of the article are still pending."""
    pending = {"article_id": article_id, "decision": Decision.PENDING}
    return PendingCounts(mentions=Mention.objects.filter(**pending).count(),
                         topics=ArticleTopic.objects.filter(**pending).count(),
                         quotes=Quote.objects.filter(**pending).count())


@dataclass(frozen=True, slots=True)
class SpeakerRow:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class QuoteRow:
    """A quote as the review page shows it: plain values (the fields of ``Quote`` the page reads, the
    speaker's id and name), no model instance (hundreds of them would cost more than their markup)."""

    id: int
    start: int
    end: int
    text: str
    kind: str
    speaker_role: str
    cue: str
    origin: str
    decision: str
    speaker_id: int | None
    speaker_confidence: float | None
    speaker: SpeakerRow | None
    others: tuple[SpeakerRow, ...] = ()

    def speaker_inferred(self) -> bool:
        """The model's rule (``Quote.speaker_inferred``) on these plain values."""
        return (self.speaker_id is not None and self.speaker_confidence is not None
                and self.speaker_confidence < Quote.INFERRED_BELOW)

    def speakers(self) -> list[SpeakerRow]:
        """Every speaker in order, the first one first (``Quote.speakers`` on these plain values)."""
        return ([self.speaker] if self.speaker else []) + list(self.others)


def article_quotes(article: Article) -> list[QuoteRow]:
    """The article's quotes in text order, rejected ones last (kept so a decision can be reversed)."""
    if article.status != Article.Status.ANNOTATED:
        return []
    kept_start, kept_end = article.kept_bounds()  # none from the text an editor cut off
    rows = article.quotes.filter(start__gte=kept_start, end__lte=kept_end).order_by("start", "end").values_list(
        "id", "start", "end", "text", "kind", "speaker_role", "cue", "origin", "decision", "speaker_id",
        "speaker_confidence", "speaker__name")
    rows = list(rows)
    others = defaultdict(list)
    # The speakers after the first, of all the quotes at once (none to look for without a quote).
    for quote_id, actor_id, name in (QuoteSpeaker.objects.filter(quote__article=article)
                                     .values_list("quote_id", "actor_id", "actor__name") if rows else ()):
        others[quote_id].append(SpeakerRow(actor_id, name))
    quotes = [QuoteRow(*row[:11], SpeakerRow(row[9], row[11]) if row[9] else None, tuple(others[row[0]]))
              for row in rows]
    return sorted(quotes, key=lambda q: q.decision == Decision.REJECTED)


def article_speaker_named(article_id: int, name: str) -> Actor | None:
    """The article's person or organisation called ``name`` (case ignored), as the speaker
    field suggests it: linked by a mention not rejected, the most mentioned if two share the name."""
    live = Q(mentions__article_id=article_id,
             mentions__decision__in=[d for d in Decision.values if d != Decision.REJECTED])
    return (
        Actor.objects.filter(live, name__iexact=name, kind__in=(Kind.PERSON, Kind.ORGANISATION))
        .annotate(n=Count("mentions", filter=live))
        .order_by("-n", "id")
        .first()
    )


def article_speaker_names(article_id: int) -> list[str]:
    """The names a quote's speaker field suggests: the article's people and organisations linked by
    a mention not rejected, most mentioned first, each name once (``article_speaker_named`` finds
    the actor a name stands for)."""
    live = Q(mentions__article_id=article_id,
             mentions__decision__in=[d for d in Decision.values if d != Decision.REJECTED])
    rows = (
        Actor.objects.filter(live, kind__in=(Kind.PERSON, Kind.ORGANISATION))
        .values("name")
        .annotate(n=Count("mentions", filter=live))
        .order_by("-n", "name")
    )
    return [row["name"] for row in rows]


def actor_quotes(actor: Actor, limit: int = 20) -> list[Quote]:
    """The quotes the actor said, alone or with others, newest articles first, not rejected ones."""
    return list(
        Quote.objects.filter(Q(speaker=actor) | Q(id__in=QuoteSpeaker.objects.filter(actor=actor).values("quote_id")))
        .exclude(decision=Decision.REJECTED)
        .select_related("article", "speaker").prefetch_related(speakers_prefetch())
        .only("id", "text", "kind", "start", "article__id", "article__title", "article__published_at",
              "article__created_at", "speaker__id", "speaker__name")
        .order_by(F("article__published_at").desc(nulls_last=True), "-article__created_at", "start")[:limit]
    )


def article_segments(article: Article, mentions: list[MentionRow]) -> list[Segment]:
    """The body cut into plain text and highlighted mentions (rejected ones
    too, shown struck through so a decision can be reversed), in order; the
    text an editor cut off is marked ``cropped``, without its mentions."""
    body = article.body
    kept_start, kept_end = article.kept_bounds()
    segments = []

    def plain(start, end):
        for a, b, cropped in ((start, min(end, kept_start), True), (max(start, kept_start), min(end, kept_end), False),
                              (max(start, kept_end), end, True)):
            if a < b:
                segments.append(Segment(body[a:b], cropped=cropped))

    position = 0
    for mention in mentions:
        if mention.start < position or mention.start < kept_start or mention.end > kept_end:
            continue
        if mention.start > position:
            plain(position, mention.start)
        segments.append(Segment(body[mention.start : mention.end], mention))
        position = mention.end
    plain(position, len(body))
    return segments


def topic_evidence(article: Article, article_topic: ArticleTopic) -> list[str]:
    return [article.body[start:end] for start, end in article_topic.evidence if 0 <= start < end <= len(article.body)]


def topics_for_choice():
    return list(Topic.objects.active().only("id", "slug", "name_en", "name_fr").order_by("name_en"))


def article_events(article: Article, limit: int = 50) -> list[HistoryEntry]:
    """The article's latest decisions, newest first, in words."""
    return history.describe(list(ReviewEvent.objects.filter(article=article).select_related("user")[:limit]))


def next_article_for_review(*, after: Article) -> Article | None:
    """The next article of the queue (newest first) that still needs review."""
    queue = Article.objects.needs_review().exclude(id=after.id).only("id")
    older = queue.filter(created_at__lte=after.created_at).order_by("-created_at", "-id").first()
    return older or queue.order_by("-created_at", "-id").first()


# The review queue.

QUEUE_PAGE_SIZE = 100
# The queue counts its articles exactly up to this many; past it, "more than" (see QueuePaginator).
QUEUE_COUNT_CAP = 10_000
# The grouped queue: stories a page, articles read and shown (with their near copies) per story.
QUEUE_STORIES_PAGE_SIZE = 25
STORY_ROWS_READ = 30
STORY_ROWS_SHOWN = 5


def articles_for_queue(params: QueueParams | Mapping) -> QuerySet[Article]:
    """The queue, newest first, narrowed by every filter that is on."""
    if not isinstance(params, QueueParams):
        params = QueueParams.from_query(params)
    articles = Article.objects.select_related("source").defer("body", "last_error")
    if params.status:
        articles = articles.filter(status=params.status)
    if params.review_state:
        articles = articles.filter(review_state=params.review_state)
    if params.topic:
        articles = articles.with_topic(params.topic)
    if params.actor:
        articles = articles.with_actor(params.actor)
    if params.with_actor:
        articles = articles.with_actor(params.with_actor)
    if params.source:
        articles = articles.filter(source_id=params.source)
    if params.language:
        articles = articles.filter(language=params.language)
    if params.batch:
        articles = articles.filter(import_entry__batch_id=params.batch)
    if params.text:
        articles = articles.filter(Exists(FeedItem.objects.filter(article=OuterRef("pk"), text=params.text)))
    articles = articles.added_between(params.added_from, params.added_to)
    articles = articles.published_between(params.published_from, params.published_to)
    articles = articles.dated_between(params.day_from, params.day_to)
    if params.q:
        articles = articles.search(params.q)
    return articles.order_by("-created_at", "-id")


class QueuePaginator(Paginator):
    """The queue's pages, counting the articles only as far as a page needs: up to ``QUEUE_COUNT_CAP``,
    or further when the page asked for (and the one after it, for the "Next" link) lies beyond. Past
    that, ``count`` is the cap and ``capped`` is true (the page says "more than"): counting a whole
    archive would cost more than the page itself, and more as the archive grows."""

    def __init__(self, object_list, per_page, *, page_number=None):
        super().__init__(object_list, per_page)
        self.cap = max(QUEUE_COUNT_CAP, ((id_or_none(page_number) or 1) + 1) * per_page)

    @cached_property
    def counted(self) -> int:
        # Unordered and one column: counting needs neither the order nor the rows.
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def capped(self) -> bool:
        return self.counted > self.cap


class StoryQueuePaginator(QueuePaginator):
    """The grouped queue's pages: the object list holds one row per story (``queue_story_keys``)."""

    @cached_property
    def counted(self) -> int:
        return self.object_list[: self.cap + 1].count()


def queue_story_keys(articles: QuerySet[Article]) -> QuerySet:
    """One row per story among the matching articles, the story with the latest added of them first:
    ``group`` (the story's id, or minus the article's id for an article not in a story yet, a group of
    its own) and ``matching`` (how many of the articles are in it)."""
    return (
        articles.order_by()
        .annotate(group=Coalesce(F("story_id"), Value(0) - F("id")))
        .values("group")
        .annotate(latest=Max("created_at"), matching=Count("id"))
        .order_by("-latest", "-group")
    )


@dataclass
class StoryGroup:
    """A story on a page of the grouped queue: its matching articles, first to report first, each
    near copy folded under the version it copies (``article.copies``), and how many are not shown."""

    story: Story | None
    rows: list[Article]
    more: int = 0


def queue_story_groups(articles: QuerySet[Article], keys: list[dict]) -> list[StoryGroup]:
    """The groups of a page of ``queue_story_keys``, in a constant number of queries: at most
    ``STORY_ROWS_READ`` articles are read per story, ``STORY_ROWS_SHOWN`` shown with their copies."""
    story_ids = [key["group"] for key in keys if key["group"] > 0]
    lone_ids = [-key["group"] for key in keys if key["group"] < 0]
    reported = Coalesce("published_at", "created_at")
    ranked = (
        articles.filter(Q(story_id__in=story_ids) | Q(id__in=lone_ids))
        .annotate(rank=Window(RowNumber(), partition_by=[Coalesce(F("story_id"), Value(0) - F("id"))],
                              order_by=[reported.asc(), F("id").asc()]))
        .order_by(reported, "id")
    )
    read = list(ranked.filter(rank__lte=STORY_ROWS_READ))
    stories = Story.objects.in_bulk(story_ids)
    members: dict[int, list[Article]] = defaultdict(list)
    for article in read:
        article.copies = []
        members[article.story_id or -article.id].append(article)
    groups = []
    for key in keys:
        found = members.get(key["group"], [])
        by_id = {article.id: article for article in found}
        rows = []
        for article in found:
            original = by_id.get(article.near_copy_of_id)
            if original is not None:
                original.copies.append(article)
            else:
                rows.append(article)
        shown = rows[:STORY_ROWS_SHOWN]
        folded = sum(len(article.copies) for article in shown)
        groups.append(StoryGroup(story=stories.get(key["group"]), rows=shown,
                                 more=max(0, key["matching"] - len(shown) - folded)))
    queue_rows([article for group in groups for article in group.rows])
    return groups


@dataclass(frozen=True)
class ActorCount:
    id: int
    name: str
    kind: str
    count: int


def queue_rows(articles: list[Article], *, top_actors: int = 3) -> list[Article]:
    """Give each article of a queue page ``top_actors`` (most mentioned first,
    rejected mentions left out) and ``shown_topics`` (above the threshold or
    confirmed, not rejected), in two queries whatever the number of rows."""
    by_id = {article.id: article for article in articles}
    for article in articles:
        article.top_actors, article.shown_topics = [], []
    if not by_id:
        return articles
    counts = defaultdict(list)
    rows = (
        Mention.objects.filter(article_id__in=by_id, actor__isnull=False)
        .exclude(decision=Decision.REJECTED)
        .values("article_id", "actor_id", "actor__name", "actor__kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[row["article_id"]].append(
            ActorCount(id=row["actor_id"], name=row["actor__name"], kind=row["actor__kind"], count=row["n"])
        )
    for article_id, actors in counts.items():
        by_id[article_id].top_actors = sorted(actors, key=lambda a: (-a.count, a.name))[:top_actors]
    article_topics = (
        ArticleTopic.objects.filter(article_id__in=by_id)
        .exclude(decision=Decision.REJECTED)
        .filter(Q(score__gte=settings.TOPIC_THRESHOLD) | Q(decision=Decision.ACCEPTED) | Q(origin=Origin.EDITOR))
        .select_related("topic")
        .only("article_id", "score", "decision", "topic__slug", "topic__name_en", "topic__name_fr")
        .order_by("-score", "topic__name_en")
    )
    for article_topic in article_topics:
        by_id[article_topic.article_id].shown_topics.append(article_topic)
    return articles


def queue_filter_choices(params: QueueParams, *, actor_query: str = "") -> dict:
    """The choices of the queue's filter form besides topics: sources, languages in use, and for
    the actor the chosen one and those whose name contains ``actor_query`` (see ``queue_actor_choices``)."""
    actors = queue_actor_choices(params, actor_query)
    return {
        "sources": list(Source.objects.only("id", "name")),
        # Not "languages": the base template's language switcher sets that name for the whole page.
        "queue_languages": languages_in_use(),
        "actors": actors,
        "with_actor": Actor.objects.filter(id=params.with_actor).only("id", "name").first() if params.with_actor
        else None,
    }


def languages_in_use() -> list[tuple[str, str]]:
    """The articles' languages, as (code, name in the interface's language)."""
    return [(code, language_label(code)) for code in article_languages()]


def article_languages() -> list[str]:
    """The languages the articles are in, in order. Each step of the recursive query asks the index on
    ``language`` for the next language after the last one found: as many probes as languages, where
    a DISTINCT would read every article of the archive."""
    table, column = connection.ops.quote_name(Article._meta.db_table), connection.ops.quote_name("language")
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE found(language) AS ("
            f" SELECT MIN({column}) FROM {table} WHERE {column} > ''"
            f" UNION ALL SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > found.language)"
            f" FROM found WHERE found.language IS NOT NULL"
            f") SELECT language FROM found WHERE language IS NOT NULL"
        )
        return [row[0] for row in cursor.fetchall()]


def most_mentioned_actors(*, articles: QuerySet[Article], limit: int = 100) -> list[Actor]:
    """The actors with the most mentions not rejected in ``articles`` (the digest builder's actor
    choices, over the digest's period): the count reads those articles' mentions, so it is bounded
    by them, not by the archive. The queue searches actors instead (``queue_actor_choices``)."""
    live = [d for d in Decision.values if d != Decision.REJECTED]
    return list(
        Actor.objects.canonical()
        .filter(mentions__article__in=articles.values("id"), mentions__decision__in=live)
        .annotate(n=Count("mentions"))
        .only("id", "name", "kind")
        .order_by("-n", "name")[:limit]
    )


def queue_actor_choices(params: QueueParams, actor_query: str = "", *, limit: int = 20) -> list[Actor]:
    """The actor filter's choices: the chosen actor (by id) and the actors whose name or alias contains
    ``actor_query``. A search rather than a list of the most mentioned, which would count every
    mention of the archive on each page load."""
    actors = list(Actor.objects.filter(id=params.actor).only("id", "name", "kind")) if params.actor else []
    folded = fold_surface(actor_query)
    if not folded:
        return actors
    named = Actor.objects.canonical().filter(
        Q(name__icontains=actor_query)
        | Exists(ActorAlias.objects.filter(actor=OuterRef("pk"), folded__contains=folded)))
    matches = named.only("id", "name", "kind").order_by("-confirmed", "name")[:limit]
    return actors + [actor for actor in matches if actor.id != params.actor]


def language_label(code: str) -> str:
    """A language's name in the interface's language ("French" for "fr"); the code itself when Django has none."""
    try:
        return str(translation.get_language_info(code)["name_translated"])
    except KeyError:
        return code


# The actor registry.



ACTOR_QUERY_MAX = 200


def mention_link_suggestions(mention: Mention, limit: int = 5) -> list[Actor]:
    """The actors a mention may stand for, to link it in one step: the article's other actors of its kind
    (linked by a mention not rejected), those whose name is like the mention's text first ("UE", "Union
    européenne"; "la capitale" has none alike, so the article's most mentioned place comes first), then
    the most mentioned. One query whatever the article's size."""
    live = Q(mentions__article_id=mention.article_id,
             mentions__decision__in=[d for d in Decision.values if d != Decision.REJECTED])
    actors = list(
        Actor.objects.filter(live, kind=mention.kind, merged_into__isnull=True).exclude(id=mention.actor_id)
        .annotate(n=Count("mentions", filter=live)).order_by("-n", "name")[:50]
    )
    institution = mention.kind == Kind.ORGANISATION
    return sorted(actors, key=lambda actor: not names_alike(mention.text, actor.name, institution=institution))[:limit]


def actors_search(query: str, *, kind: str = "", limit: int = 10) -> list[Actor]:
    """Canonical actors whose name or an alias contains ``query``, accents and case ignored (confirmed first)."""
    # Longer than any name; SQLite refuses a LIKE pattern over 50,000 bytes.
    folded = fold_surface(query[:ACTOR_QUERY_MAX])
    if not folded:
        return []
    actors = Actor.objects.canonical().with_alias_containing(folded)
    if kind:
        actors = actors.filter(kind=kind)
    return list(actors.order_by("-confirmed", "name")[:limit])


def actors_for_directory(params: ActorParams) -> QuerySet:
    """Canonical actors with their article and mention counts and when they were last seen."""
    actors = Actor.objects.canonical()
    if params.q:
        actors = actors.with_alias_containing(fold_surface(params.q))
    if params.kind:
        actors = actors.filter(kind=params.kind)
    if params.confirmed:
        actors = actors.filter(confirmed=params.confirmed == "yes")
    actors = actors.with_counts()
    order = ACTOR_SORTS[params.sort]
    nulls = F(order.lstrip("-")).desc(nulls_last=True) if order.startswith("-") else F(order).asc()
    return actors.order_by(nulls, "name", "id")


def actor_articles(actor: Actor) -> QuerySet:
    """The articles that mention the actor (a rejected mention does not count), latest first."""
    return (
        Article.objects.with_actor(actor.id)
        .select_related("source")
        .only("id", "title", "status", "review_state", "published_at", "created_at", "source__name")
        .order_by(F("published_at").desc(nulls_last=True), "-created_at", "-id")
    )


def _actor_article_ids(actor: Actor) -> QuerySet:
    return Mention.objects.filter(actor=actor).exclude(decision=Decision.REJECTED).values("article_id")


def actor_co_mentioned(actor: Actor, limit: int = 12) -> list[tuple[Actor, int]]:
    """Other actors in the same articles, with the number of articles shared."""
    rows = (
        Mention.objects.filter(article_id__in=_actor_article_ids(actor), actor__isnull=False,
                               actor__merged_into__isnull=True)
        .exclude(actor=actor)
        .exclude(decision=Decision.REJECTED)
        .values("actor_id")
        .annotate(n=Count("article_id", distinct=True))
        .order_by("-n", "actor_id")[:limit]
    )
    counts = {row["actor_id"]: row["n"] for row in rows}
    actors = Actor.objects.in_bulk(list(counts))
    return [(actors[i], n) for i, n in counts.items() if i in actors]


def actor_topics(actor: Actor, limit: int = 10) -> list[tuple[Topic, int]]:
    rows = (
        ArticleTopic.objects.filter(article_id__in=_actor_article_ids(actor))
        .exclude(decision=Decision.REJECTED)
        .values("topic_id")
        .annotate(n=Count("article_id", distinct=True))
        .order_by("-n", "topic_id")[:limit]
    )
    counts = {row["topic_id"]: row["n"] for row in rows}
    topics = Topic.objects.in_bulk(list(counts))
    return [(topics[i], n) for i, n in counts.items() if i in topics]


def actor_roles(actor: Actor, limit: int = 50) -> list[ActorRole]:
    return list(
        ActorRole.objects.filter(actor=actor)
        .select_related("article")
        .only("id", "title", "article__id", "article__title", "article__published_at", "article__created_at")[:limit]
    )


@dataclass(frozen=True)
class TimelineBar:
    """One month of the actor page's chart, in SVG units (a bar every 10, 100 high at most)."""

    label: str  # the month in words: "Apr 2024", "avr. 2024"
    count: int
    x: int
    y: int
    height: int


def actor_timeline(actor: Actor, months: int = 24) -> list[TimelineBar]:
    """Mentions per month (of the article's publication date, else when it was
    added): the last ``months`` months that have any, oldest first."""
    rows = (
        Mention.objects.filter(actor=actor)
        .exclude(decision=Decision.REJECTED)
        .annotate(month=TruncMonth(Coalesce("article__published_at", "article__created_at")))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("-month")[:months]
    )
    counts = [(row["month"], row["n"]) for row in rows if row["month"] is not None][::-1]
    top = max((n for _, n in counts), default=0)
    bars = []
    for i, (month, n) in enumerate(counts):
        height = max(2, round(100 * n / top))
        bars.append(TimelineBar(label=date_format(month, "YEAR_MONTH_FORMAT"), count=n, x=i * 10, y=100 - height,
                                height=height))
    return bars


def actor_merges(actor: Actor) -> list[ActorMerge]:
    """Merges into this actor, latest first (the undo buttons)."""
    return list(ActorMerge.objects.filter(survivor=actor).select_related("merged", "created_by", "undone_by")[:20])


# The desk's span conventions are read from its editors' latest person mentions: enough to see a habit, and
# a habit the desk has since dropped ages out. A title kept inside a person's mention this many times, and
# never left outside it, is the desk's convention.
CONVENTION_MENTIONS = 1000
TITLES_IN_PERSONS_AFTER = 3
_BEFORE_CHARS = 30  # of text before a mention, for the title written before it


@dataclass(frozen=True)
class TitleConvention:
    """Whether the desk writes a person's title inside the mention, and the editors' mentions that say so:
    ``kept`` starts with a title ("président Jean Dupuis"), ``cut`` follows one ("président | Jean Dupuis");
    (text, article id) pairs, newest first. ``off``: the record of a chief editor who stopped it."""

    kept: list[tuple[str, int]]
    cut: list[tuple[str, int]]
    off: ConventionOff | None
    name: ClassVar[str] = ConventionOff.Name.TITLES_IN_PERSONS

    @property
    def learned(self) -> bool:
        return len(self.kept) >= TITLES_IN_PERSONS_AFTER and not self.cut

    @property
    def in_force(self) -> bool:
        return self.learned and self.off is None

    @property
    def needed(self) -> int:
        return TITLES_IN_PERSONS_AFTER


def title_convention(limit: int = CONVENTION_MENTIONS) -> TitleConvention:
    """The desk's convention for titles before people's names, from the latest person mentions editors
    accepted or added."""
    first = Greatest(F("start") - _BEFORE_CHARS + 1, Value(1))  # SQL counts characters from 1
    rows = (
        Mention.objects.filter(kind=Kind.PERSON, decision=Decision.ACCEPTED)
        .order_by("-decided_at", "-id")
        .annotate(before=Substr("article__body", first, F("start") + 1 - first))
        .values_list("text", "before", "article_id")[:limit]
    )
    kept, cut = [], []
    for text, before, article_id in rows:
        if title_kept(text):
            kept.append((text, article_id))
        elif title_cut(before, text):
            cut.append((text, article_id))
    return TitleConvention(kept=kept, cut=cut,
                           off=ConventionOff.objects.filter(name=ConventionOff.Name.TITLES_IN_PERSONS).first())


def learned_records(limit: int = 200) -> dict[str, list]:
    """What steers the pipeline, newest first: aliases of confirmed actors (the ruler), rejected surfaces, and
    the desk's convention for titles with the editors' mentions it rests on."""
    return {
        "titles": title_convention(),
        "aliases": list(
            ActorAlias.objects.filter(actor__confirmed=True, actor__merged_into__isnull=True)
            .select_related("actor", "created_by")
            .order_by("-created_at", "-id")[:limit]
        ),
        "rejected": list(
            RejectedSurface.objects.select_related("source", "created_by", "article")
            .order_by("-created_at", "-id")[:limit]
        ),
    }


def reannotation_jobs(limit: int = 10) -> list[ReannotationJob]:
    return list(ReannotationJob.objects.select_related("created_by")[:limit])
