"""Reads that several views and the API share."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from articles.models import Actor, Article, ArticleTopic, Decision, Mention, ReviewEvent, Topic


@dataclass
class ActorGroupView:
    actor: Actor | None
    kind: str
    mentions: list[Mention] = field(default_factory=list)

    @property
    def name(self):
        return self.actor.name if self.actor else self.mentions[0].text


@dataclass(frozen=True)
class Segment:
    text: str
    mention: Mention | None = None


def article_for_display(article_id: int):
    return (
        Article.objects.select_related("source", "created_by")
        .prefetch_related(
            Prefetch("mentions", queryset=Mention.objects.select_related("actor").order_by("start", "end")),
            Prefetch("topics", queryset=ArticleTopic.objects.select_related("topic").order_by("-score")),
            "quotes",
        )
        .get(id=article_id)
    )


def article_actor_groups(article: Article) -> list[ActorGroupView]:
    """Mentions grouped by actor, most mentioned first; rejected ones left out."""
    groups: dict = {}
    for mention in article.mentions.all():
        if mention.decision == Decision.REJECTED:
            continue
        key = mention.actor_id or ("unlinked", mention.text, mention.kind)
        group = groups.setdefault(key, ActorGroupView(actor=mention.actor, kind=mention.kind))
        group.mentions.append(mention)
    return sorted(groups.values(), key=lambda g: (-len(g.mentions), g.name))


def article_segments(article: Article) -> list[Segment]:
    """The body cut into plain text and highlighted mentions (rejected ones
    too, shown struck through so a decision can be reversed), in order."""
    segments = []
    position = 0
    for mention in article.mentions.all():
        if mention.start < position:
            continue
        if mention.start > position:
            segments.append(Segment(article.body[position : mention.start]))
        segments.append(Segment(article.body[mention.start : mention.end], mention))
        position = mention.end
    if position < len(article.body):
        segments.append(Segment(article.body[position:]))
    return segments


def topic_evidence(article: Article, article_topic: ArticleTopic) -> list[str]:
    return [article.body[start:end] for start, end in article_topic.evidence if 0 <= start < end <= len(article.body)]


def topics_for_choice():
    return list(Topic.objects.active().only("id", "slug", "name_en", "name_fr").order_by("name_en"))


def article_events(article: Article, limit: int = 50) -> list[ReviewEvent]:
    return list(ReviewEvent.objects.filter(article=article).select_related("user")[:limit])


def next_article_for_review(*, after: Article) -> Article | None:
    """The next article of the queue (newest first) that still needs review."""
    queue = Article.objects.needs_review().exclude(id=after.id).only("id")
    older = queue.filter(created_at__lte=after.created_at).order_by("-created_at", "-id").first()
    return older or queue.order_by("-created_at", "-id").first()
