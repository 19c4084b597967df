"""Reads of stories that the API and pages share."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce

from articles.models import Actor, Article, ArticleTopic, Decision, _start_of_day
from stories.models import Story

TOP_ACTORS = 5
TOP_TOPICS = 3


@dataclass(frozen=True)
class StoryFilters:
    start: date | None = None
    end: date | None = None
    topic: str = ""
    actor: int | None = None
    source: str = ""
    language: str = ""


def stories_filtered(filters: StoryFilters):
    """Stories with at least one article matching every article filter, newest activity first."""
    stories = Story.objects.live()
    if filters.start:
        stories = stories.filter(last_seen__gte=_start_of_day(filters.start))
    if filters.end:
        stories = stories.filter(first_seen__lt=_start_of_day(filters.end + timedelta(days=1)))
    articles = Article.objects.filter(story=OuterRef("pk"))
    if filters.topic:
        articles = articles.with_topic(filters.topic)
    if filters.actor:
        articles = articles.with_actor(filters.actor)
    if filters.source:
        articles = articles.filter(source__name=filters.source)
    if filters.language:
        articles = articles.filter(language=filters.language)
    if filters.topic or filters.actor or filters.source or filters.language:
        stories = stories.filter(Exists(articles))
    return stories.order_by("-last_seen", "-id")


def stories_describe(stories: list[Story]) -> list[dict]:
    """The list fields of each story, in a fixed number of queries: top actors (its centroid's
    heaviest registry actors) and top topics (the most frequent non-rejected topics of its articles)."""
    actor_ids = {s.id: [int(k[2:]) for k, _ in sorted(((k, w) for k, w in s.centroid.items() if k.startswith("a:")),
                                                      key=lambda kv: (-kv[1], kv[0]))[:TOP_ACTORS]]
                 for s in stories}
    actors = Actor.objects.in_bulk({i for ids in actor_ids.values() for i in ids})
    topics = defaultdict(Counter)
    names = {}
    for story_id, slug, name in ArticleTopic.objects.filter(article__story__in=stories).exclude(
            decision=Decision.REJECTED).values_list("article__story_id", "topic__slug", "topic__name_en"):
        topics[story_id][slug] += 1
        names[slug] = name
    return [{
        "id": s.id, "title": s.title, "article_count": s.article_count, "outlet_count": s.outlet_count,
        "languages": s.languages, "first_seen": s.first_seen, "last_seen": s.last_seen,
        "actors": [{"id": a.id, "name": a.name, "kind": a.kind} for a in (actors.get(i) for i in actor_ids[s.id]) if a],
        "topics": [{"slug": slug, "name": names[slug]} for slug, _ in
                   sorted(topics[s.id].items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TOPICS]],
    } for s in stories]


def story_articles(story: Story) -> list[Article]:
    """The story's articles by time (publication, or added when undated); the first is the first to report it."""
    return list(story.articles.select_related("source").defer("body")
                .order_by(Coalesce("published_at", "created_at"), "id"))


def article_story_ref(article: Article) -> dict | None:
    if article.story_id is None:
        return None
    story = article.story
    return {"id": story.id, "title": story.title, "size": story.article_count}

