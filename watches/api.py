"""JSON API of watches and notifications (mounted on the project's API in articles/api.py).

Every role may watch (viewers only read articles; following them is reading). A user sees,
deletes and reads only their own watches and notifications.
"""

from datetime import datetime
from typing import Literal

from django.db import transaction
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from articles.models import Source, Topic
from pressreview.inputs import MAX_ID, MAX_OFFSET
from watches import selectors, services
from watches.models import Notification, Watch

router = Router(tags=["watches"])


def _require_role(request):
    if not request.auth.has_perm("articles.view_article"):
        raise HttpError(403, "Your role does not allow this.")


class WatchIn(Schema):
    kind: Literal["actor", "topic", "source", "story", "search"]
    actor_id: int | None = Field(None, ge=1, le=MAX_ID)
    topic: str | int | None = Field(None, description="The topic's slug (or id).")
    source: str | int | None = Field(None, description="The source's name (or id).")
    story_id: int | None = Field(None, ge=1, le=MAX_ID)
    query: str | None = Field(None, max_length=2000,
                              description="The review queue's query string (q=…&topic=…), saved under a name.")
    name: str | None = Field(None, max_length=200, description="The saved search's name (default: the query).")
    shared: bool = Field(False, description="The saved search is offered to the whole desk.")
    mail: Literal["none", "immediate", "hourly"] = "none"


class WatchCreated(Schema):
    id: int


class WatchOut(Schema):
    id: int
    kind: str
    actor_id: int | None
    topic: str | None
    source: str | None
    story_id: int | None
    search_id: int | None
    query: str | None
    mail: str
    created_at: datetime


class WatchList(Schema):
    count: int
    items: list[WatchOut]


class NotificationOut(Schema):
    id: int
    watch_id: int | None
    article_id: int
    created_at: datetime
    read: bool


class NotificationList(Schema):
    count: int
    items: list[NotificationOut]


class NotificationsIn(Schema):
    unread: bool = False
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def _by_key(model, value, field: str) -> int | None:
    if value is None:
        return None
    lookup = {"id": value} if isinstance(value, int) and 0 < value <= MAX_ID else {field: str(value)[:200]}
    return model.objects.filter(**lookup).values_list("id", flat=True).first() or 0


def _target_id(request, payload: WatchIn) -> int | None:
    if payload.kind == "search":
        if not payload.query:
            raise HttpError(400, "query: the queue's query string is required for a search watch.")
        search = services.saved_search_create(user=request.auth, name=payload.name or payload.query,
                                              query=payload.query, shared=payload.shared)
        return search.id
    return {"actor": lambda: payload.actor_id, "story": lambda: payload.story_id,
            "topic": lambda: _by_key(Topic, payload.topic, "slug"),
            "source": lambda: _by_key(Source, payload.source, "name")}[payload.kind]()


@router.post("/watches", response={201: WatchCreated}, summary="Watch an actor, topic, source, story or search")
def create_watch(request, payload: WatchIn):
    """Notifications follow for each annotated article the watch matches; 400 when the target does not exist
    or is watched already."""
    _require_role(request)
    try:
        with transaction.atomic():  # a search saved for the watch goes with it
            target_id = _target_id(request, payload)
            watch = services.watch_create(user=request.auth, kind=payload.kind, target_id=target_id,
                                          mail=payload.mail)
    except services.WatchError as exc:
        raise HttpError(400, str(exc)) from None
    return Status(201, {"id": watch.id})


def _watch_out(watch: Watch) -> dict:
    return {"id": watch.id, "kind": watch.kind, "actor_id": watch.actor_id,
            "topic": watch.topic.slug if watch.topic_id else None,
            "source": watch.source.name if watch.source_id else None, "story_id": watch.story_id,
            "search_id": watch.search_id, "query": watch.search.query if watch.search_id else None,
            "mail": watch.mail, "created_at": watch.created_at}


@router.get("/watches", response=WatchList, summary="Your watches, newest first")
def list_watches(request):
    _require_role(request)
    watches = selectors.watches_of(request.auth)
    return {"count": len(watches), "items": [_watch_out(w) for w in watches]}


@router.delete("/watches/{watch_id}", response={204: None}, summary="Stop watching")
def delete_watch(request, watch_id: int):
    _require_role(request)
    if not services.watch_delete(user=request.auth, watch_id=watch_id):
        raise HttpError(404, "Not Found")
    return Status(204, None)


def _notification_out(note: Notification) -> dict:
    return {"id": note.id, "watch_id": note.watch_id, "article_id": note.article_id, "created_at": note.created_at,
            "read": note.read_at is not None}


@router.get("/notifications", response=NotificationList, summary="Your notifications, newest first")
def list_notifications(request, filters: Query[NotificationsIn]):
    """``unread=1``: only those not read yet; ``count`` counts every one the filter keeps."""
    _require_role(request)
    notes = selectors.notifications_of(request.auth, unread=filters.unread)
    page = notes[filters.offset:filters.offset + filters.limit]
    return {"count": notes.count(), "items": [_notification_out(n) for n in page]}


@router.post("/notifications/{notification_id}/read", response=NotificationOut, summary="Mark a notification read")
def read_notification(request, notification_id: int):
    _require_role(request)
    if not services.notification_read(user=request.auth, notification_id=notification_id):
        raise HttpError(404, "Not Found")
    return _notification_out(Notification.objects.get(id=notification_id))
