"""JSON API of followed sources, mounted under /api by articles/api.py."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from sources import selectors, services
from sources.models import Feed

router = Router(tags=["sources"])


def _require(request, permission):
    if not request.auth.has_perm(permission):
        raise HttpError(403, "Your role does not allow this.")


class SourceIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    url: str = Field(..., min_length=1, max_length=2000)
    poll_minutes: int = 15
    language: str = Field("", max_length=8)
    fetch_pages: bool = True


class SourceCreated(Schema):
    id: int


class SourceOut(Schema):
    id: int
    name: str
    url: str
    feed_url: str
    status: str
    last_polled_at: datetime | None
    last_success_at: datetime | None
    last_error: str
    articles_count: int


def _out(feed: Feed) -> dict:
    return {"id": feed.id, "name": feed.source.name, "url": feed.url, "feed_url": feed.feed_url,
            "status": feed.status, "last_polled_at": feed.last_polled_at, "last_success_at": feed.last_success_at,
            "last_error": feed.last_error, "articles_count": feed.articles_count}


@router.post("/sources", response={201: SourceCreated}, summary="Follow a source (a feed, or a site with a feed)")
def create_source(request, payload: SourceIn):
    """The first poll is sent at once; a site's feed is found on its page (``feed_url`` once polled)."""
    _require(request, "sources.add_feed")
    try:
        feed = services.feed_create(name=payload.name, url=payload.url, poll_minutes=payload.poll_minutes,
                                    language=payload.language, fetch_pages=payload.fetch_pages,
                                    created_by=request.auth)
    except services.SourceError as exc:
        raise HttpError(400, str(exc)) from None
    return Status(201, {"id": feed.id})


@router.get("/sources", response=list[SourceOut], summary="Followed sources with their health")
def list_sources(request):
    _require(request, "sources.view_feed")
    return [_out(feed) for feed in selectors.feeds_with_counts()]


@router.get("/sources/{source_id}", response=SourceOut, summary="A followed source with its health")
def get_source(request, source_id: int):
    _require(request, "sources.view_feed")
    return _out(get_object_or_404(selectors.feeds_with_counts(), id=source_id))


@router.post("/sources/{source_id}/poll", response={202: SourceCreated}, summary="Poll a source now")
def poll_source(request, source_id: int):
    _require(request, "sources.change_feed")
    feed = get_object_or_404(Feed, id=source_id)
    services.feed_poll_now(feed=feed)
    return Status(202, {"id": feed.id})
