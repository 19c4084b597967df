"""JSON API of stories (mounted on the project's API in articles/api.py)."""

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from articles.models import Article
from pressreview.inputs import MAX_ID, MAX_OFFSET
from stories import selectors
from stories.models import Story
from stories.services import StoryError, article_story_move

router = Router(tags=["stories"])


def _require(request, permission):
    if not request.auth.has_perm(permission):
        raise HttpError(403, "Your role does not allow this.")


class StoryActor(Schema):
    id: int
    name: str
    kind: str


class StoryTopic(Schema):
    slug: str
    name: str


class StorySummary(Schema):
    id: int
    title: str
    article_count: int
    outlet_count: int
    languages: list[str]
    first_seen: datetime | None
    last_seen: datetime | None
    actors: list[StoryActor]
    topics: list[StoryTopic]


class StoryArticle(Schema):
    id: int
    title: str
    source: str | None
    language: str
    url: str
    published_at: datetime | None
    created_at: datetime
    first_to_report: bool
    near_copy_of: int | None
    placed_by_editor: bool


class StoryOut(StorySummary):
    articles: list[StoryArticle]


class StoryList(Schema):
    count: int
    items: list[StorySummary]


class StoryRef(Schema):
    id: int
    title: str
    size: int


class StoryMove(Schema):
    story_id: int | None = Field(..., description="The story to put the article in; null for a new story.")


class StoryMoved(Schema):
    id: int
    story: StoryRef


class StoryFiltersIn(Schema):
    from_: date | None = Field(None, alias="from")
    to: date | None = None
    topic: str = ""
    actor: int | None = Field(None, ge=1, le=MAX_ID)
    source: str = ""
    language: str = ""
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


@router.get("/stories", response=StoryList, summary="Stories, newest activity first")
def list_stories(request, filters: Query[StoryFiltersIn]):
    """Stories with an article matching every filter (``from``/``to``: days the story was active)."""
    _require(request, "articles.view_article")
    stories = selectors.stories_filtered(selectors.StoryFilters(
        start=filters.from_, end=filters.to, topic=filters.topic, actor=filters.actor, source=filters.source,
        language=filters.language))
    page = list(stories[filters.offset:filters.offset + filters.limit])
    return {"count": stories.count(), "items": selectors.stories_describe(page)}


@router.get("/stories/{story_id}", response=StoryOut, summary="A story with its articles")
def get_story(request, story_id: int):
    _require(request, "articles.view_article")
    story = get_object_or_404(Story.objects.live(), id=story_id)
    articles = selectors.story_articles(story)
    return {**selectors.stories_describe([story])[0], "articles": [
        {"id": a.id, "title": a.title, "source": a.source.name if a.source_id else None, "language": a.language,
         "url": a.url, "published_at": a.published_at, "created_at": a.created_at, "first_to_report": i == 0,
         "near_copy_of": a.near_copy_of_id, "placed_by_editor": a.story_origin == "editor"}
        for i, a in enumerate(articles)
    ]}


@router.post("/articles/{article_id}/story", response=StoryMoved, summary="Move an article to another story")
def move_article(request, article_id: int, payload: StoryMove):
    """Editors and above. The article stays where the editor put it: the machine never moves it back."""
    _require(request, "articles.change_article")
    get_object_or_404(Article, id=article_id)
    try:
        story = article_story_move(article_id=article_id, story_id=payload.story_id, user=request.auth)
    except StoryError as exc:
        raise HttpError(400, str(exc)) from None
    return {"id": article_id, "story": {"id": story.id, "title": story.title, "size": story.article_count}}
