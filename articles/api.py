"""JSON API for other tools: bearer tokens, the same services as the web UI."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import RequestDataTooBig
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer

from articles import selectors
from articles.actor_params import ActorParams
from articles.models import Actor, ApiToken, Article, ArticleTopic, Decision, Mention, speakers_prefetch
from articles.services.accounts import token_digest
from articles.services.ingest import IngestError, article_create
from pressreview.inputs import MAX_ID, MAX_OFFSET
from sources.services import article_fetch_start
from stories.api import StoryRef
from stories.selectors import article_story_ref


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        api_token = ApiToken.objects.select_related("user").filter(digest=token_digest(token)).first()
        if api_token is None or not api_token.user.is_active:
            return None
        ApiToken.objects.filter(id=api_token.id).update(last_used_at=timezone.now())
        request.user = api_token.user
        return api_token.user


def _docs_for_roles(view):
    """The docs page and the schema: for users who hold a role (viewer and up), as every other page;
    anonymous visitors go to the login page, a user without a role gets 403."""
    return login_required(permission_required("articles.view_article", raise_exception=True)(view))


api = NinjaAPI(
    title="Press Review API",
    version="1",
    auth=BearerToken(),
    urls_namespace="api",
    docs_decorator=_docs_for_roles,
)
# The other apps' routes, each in its own module.
api.add_router("", "sources.api.router")
api.add_router("", "stories.api.router")
api.add_router("/digests", "digests.api.router")
api.add_router("", "watches.api.router")


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    messages = []
    for error in exc.errors:
        loc = list(error.get("loc", ()))
        if loc[:2] == ["body", "payload"]:
            loc = loc[2:]
        where = ".".join(str(part) for part in loc)
        messages.append(f"{where}: {error.get('msg')}" if where else str(error.get("msg")))
    return api.create_response(request, {"detail": "; ".join(messages) or "Invalid input."}, status=400)


@api.exception_handler(RequestDataTooBig)
def request_too_big(request, exc):
    # Bodies up to MAX_UPLOAD_BYTES get past the middleware; Django reads at most
    # DATA_UPLOAD_MAX_MEMORY_SIZE of one into memory.
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
    return api.create_response(
        request, {"detail": f"The request body is over the limit of {limit:.0f} MB. Nothing was saved."}, status=413)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    response = api.create_response(
        request, {"detail": "A valid API token is required (Authorization: Bearer TOKEN)."}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


def _require(request, permission):
    if not request.auth.has_perm(permission):
        raise HttpError(403, "Your role does not allow this.")


class ArticleIn(Schema):
    title: str = Field("", max_length=500)
    body: str = Field("", description="The text; without it, ``url`` is fetched in the background.")
    source: str | None = Field(None, max_length=200)
    url: str | None = Field(None, max_length=2000)
    published_at: datetime | None = None
    language: str | None = Field(None, max_length=8)


class ArticleCreated(Schema):
    id: int
    status: str
    duplicate_of: int | None


class MentionOut(Schema):
    start: int
    end: int
    text: str
    kind: str
    actor_id: int | None
    origin: str
    decision: str


class ActorOut(Schema):
    id: int
    name: str
    kind: str


class TopicOut(Schema):
    slug: str
    name: str
    score: float
    origin: str
    decision: str


class QuoteOut(Schema):
    start: int
    end: int
    text: str
    speaker_actor_id: int | None
    speaker_actor_ids: list[int]  # every speaker in order, the first one speaker_actor_id
    speaker_confidence: float | None  # the pipeline's, 0 to 1; None once an editor set the speaker
    cue: str
    kind: str
    origin: str
    decision: str


class ArticleSummary(Schema):
    id: int
    title: str
    status: str
    language: str
    review_state: str
    source: str | None
    url: str
    published_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_source(obj):
        if isinstance(obj, dict):
            return obj.get("source")
        return obj.source.name if obj.source_id else None


class ArticleOut(ArticleSummary):
    story: StoryRef | None
    body: str
    last_error: str
    pipeline_version: str
    mentions: list[MentionOut]
    actors: list[ActorOut]
    topics: list[TopicOut]
    quotes: list[QuoteOut]


def _summary(article: Article) -> dict:
    return {
        "id": article.id,
        "title": article.title,
        "status": article.status,
        "language": article.language,
        "review_state": article.review_state,
        "source": article.source.name if article.source else None,
        "url": article.url,
        "published_at": article.published_at,
        "created_at": article.created_at,
    }


@api.post("/articles", response={201: ArticleCreated, 200: ArticleCreated, 202: ArticleCreated},
          summary="Add an article")
def create_article(request, payload: ArticleIn):
    """Store an article and queue it for annotation. A duplicate (same
    normalised text or URL) is not stored again: the answer is 200 with
    ``duplicate_of`` set to the existing article."""
    _require(request, "articles.add_article")
    if not payload.body.strip():
        if (payload.url or "").strip():
            return _create_from_url(request, payload)
        raise HttpError(400, "body: the article text is empty; give it, or a url to fetch it from.")
    try:
        result = article_create(
            title=payload.title,
            body=payload.body,
            source_name=payload.source or "",
            url=payload.url or "",
            published_at=payload.published_at,
            language=payload.language or "",
            created_by=request.auth,
        )
    except IngestError as exc:
        raise HttpError(400, str(exc)) from None
    article = result.article
    if result.duplicate:
        return Status(200, {"id": article.id, "status": article.status, "duplicate_of": article.id})
    return Status(201, {"id": article.id, "status": article.status, "duplicate_of": None})


def _create_from_url(request, payload: ArticleIn):
    """An address and no text: 202, the article "fetching" until a worker has its page's text
    (then "queued"), or "failed" with the reason."""
    try:
        result = article_fetch_start(url=payload.url, title=payload.title, source_name=payload.source or "",
                                     published_at=payload.published_at, language=payload.language or "",
                                     created_by=request.auth)
    except IngestError as exc:
        raise HttpError(400, str(exc)) from None
    article = result.article
    if result.duplicate:
        return Status(200, {"id": article.id, "status": article.status, "duplicate_of": article.id})
    return Status(202, {"id": article.id, "status": article.status, "duplicate_of": None})


@api.get("/articles/{article_id}", response=ArticleOut, summary="An article with its annotation")
def get_article(request, article_id: int):
    _require(request, "articles.view_article")
    article = get_object_or_404(
        Article.objects.select_related("source", "story").prefetch_related(
            Prefetch("mentions", queryset=Mention.objects.select_related("actor").order_by("start")),
            Prefetch("topics", queryset=ArticleTopic.objects.select_related("topic").order_by("-score")),
            "quotes", speakers_prefetch("quotes__"),
        ),
        id=article_id,
    )
    mentions = list(article.mentions.all())
    actors = {}
    for mention in mentions:
        if mention.actor and mention.decision != Decision.REJECTED:
            actors.setdefault(mention.actor_id, mention.actor)
    language = article.language or "en"
    return {
        **_summary(article),
        "story": article_story_ref(article),
        "body": article.body,
        "last_error": article.last_error,
        "pipeline_version": article.pipeline_version,
        "mentions": [
            {"start": m.start, "end": m.end, "text": m.text, "kind": m.kind, "actor_id": m.actor_id,
             "origin": m.origin, "decision": m.decision}
            for m in mentions
        ],
        "actors": [{"id": a.id, "name": a.name, "kind": a.kind} for a in actors.values()],
        "topics": [
            {"slug": t.topic.slug, "name": t.topic.name_for(language), "score": t.score, "origin": t.origin,
             "decision": t.decision}
            for t in article.topics.all()
        ],
        "quotes": [
            {"start": q.start, "end": q.end, "text": q.text, "speaker_actor_id": q.speaker_id,
             "speaker_actor_ids": ([q.speaker_id] if q.speaker_id else []) + [r.actor_id for r in q.speaker_rows.all()],
             "speaker_confidence": q.speaker_confidence, "cue": q.cue, "kind": q.kind, "origin": q.origin,
             "decision": q.decision}
            for q in article.quotes.all()
        ],
    }


class Page(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=200)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    class Output(Schema):
        count: int
        items: list[ArticleSummary]


@api.get("/articles", response=list[ArticleSummary], summary="List articles")
@paginate(Page)
def list_articles(request, status: str | None = None, topic: str | None = None,
                  actor: int | None = Query(None, ge=1, le=MAX_ID), source: str | None = None,
                  q: str | None = None):
    """Newest first; ``q`` searches titles and texts as the queue does (case and accents ignored)."""
    _require(request, "articles.view_article")
    articles = Article.objects.select_related("source").defer("body").order_by("-created_at", "-id")
    if status:
        if status not in Article.Status.values:
            raise HttpError(400, f"Unknown status {status!r}: one of {', '.join(Article.Status.values)}.")
        articles = articles.filter(status=status)
    if topic:
        articles = articles.with_topic(topic)
    if actor:
        articles = articles.with_actor(actor)
    if source:
        articles = articles.filter(source__name=source)
    if q:
        articles = articles.search(q[:200])
    return articles


class AliasOut(Schema):
    surface: str
    language: str


class RoleOut(Schema):
    title: str
    article_id: int


class ActorSummary(Schema):
    id: int
    name: str
    kind: str
    confirmed: bool
    wikidata_id: str


class ActorOut(ActorSummary):
    description: str
    merged_into: int | None = Field(None, alias="merged_into_id")
    aliases: list[AliasOut]
    roles: list[RoleOut]


@api.get("/actors", response=list[ActorSummary], summary="Search the actor registry")
@paginate(Page)
def list_actors(request, q: str = "", kind: str = ""):
    """Canonical actors whose name or an alias contains ``q`` (accents and case ignored)."""
    _require(request, "articles.view_actor")
    params = ActorParams.from_query({"q": q, "kind": kind, "sort": "name"})
    return selectors.actors_for_directory(params)


@api.get("/actors/{actor_id}", response=ActorOut, summary="An actor with its aliases and roles")
def get_actor(request, actor_id: int):
    """A merged actor answers with ``merged_into`` set: follow it to the survivor."""
    _require(request, "articles.view_actor")
    actor = get_object_or_404(Actor, id=actor_id)
    return {
        "id": actor.id, "name": actor.name, "kind": actor.kind, "confirmed": actor.confirmed,
        "wikidata_id": actor.wikidata_id, "description": actor.description, "merged_into_id": actor.merged_into_id,
        "aliases": [{"surface": a.surface, "language": a.language} for a in actor.aliases.order_by("surface")],
        "roles": [{"title": r.title, "article_id": r.article_id} for r in selectors.actor_roles(actor)],
    }

