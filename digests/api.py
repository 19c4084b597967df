"""Digests in the JSON API (mounted under /api/digests by articles/api.py)."""

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from articles.models import Article, Topic
from digests import delivery, services
from digests.delivery import DeliveryError
from digests.models import Delivery, Digest, DistributionList
from digests.selectors import view_for
from digests.services import DigestError
from pressreview.inputs import MAX_OFFSET

router = Router(tags=["digests"])


def _require(request, permission):
    if not request.auth.has_perm(permission):
        raise HttpError(403, "Your role does not allow this.")


def _digest(request, digest_id: int) -> Digest:
    return get_object_or_404(Digest.objects.visible_to(request.auth), id=digest_id)


class DigestIn(Schema):
    title: str = Field(..., min_length=1, max_length=300)
    language: str = Field("fr", max_length=8)
    period_start: date
    period_end: date
    introduction: str = Field("", max_length=5000)


class Created(Schema):
    id: int


class ItemIn(Schema):
    article_id: int
    section: str | None = Field(None, max_length=100, description="A topic's slug; the article's topic when absent.")


class ItemOut(Schema):
    article_id: int | None
    title: str
    summary: str


class SectionOut(Schema):
    title: str
    items: list[ItemOut]


class DigestOut(Schema):
    id: int
    title: str
    status: str
    public_url: str | None
    sections: list[SectionOut]


class SendIn(Schema):
    recipients: list[str] | None = Field(None, max_length=5000)
    list_id: int | None = None


class SendOut(Schema):
    queued: int
    unsubscribed: int
    already_sent: int
    bouncing: int


class DeliveryOut(Schema):
    recipient: str
    status: str
    attempts: int
    sent_at: datetime | None
    error: str


class DeliveriesOut(Schema):
    count: int
    items: list[DeliveryOut]


@router.post("", response={201: Created}, summary="Create a draft digest")
def create_digest(request, payload: DigestIn):
    _require(request, "digests.add_digest")
    try:
        digest = services.digest_create(title=payload.title, period_start=payload.period_start,
                                        period_end=payload.period_end, introduction=payload.introduction,
                                        language=payload.language, user=request.auth)
    except DigestError as exc:
        raise HttpError(400, str(exc)) from None
    return Status(201, {"id": digest.id})


@router.post("/{digest_id}/items", response={201: Created}, summary="Add an article to a draft")
def add_item(request, digest_id: int, payload: ItemIn):
    _require(request, "digests.add_digestitem")
    digest = _digest(request, digest_id)
    article = get_object_or_404(Article.objects.defer("body"), id=payload.article_id)
    topic = None
    if payload.section:
        topic = Topic.objects.filter(slug=payload.section).first()
        if topic is None:
            raise HttpError(400, f"Unknown section {payload.section!r}: give a topic's slug.")
    try:
        added = services.digest_items_add(digest=digest, articles=[article], user=request.auth, topic=topic)
    except DigestError as exc:
        raise HttpError(409, str(exc)) from None
    if not added:
        raise HttpError(409, "This article, or another article of its story, is in the digest already.")
    return Status(201, {"id": added[0].id})


@router.post("/{digest_id}/publish", response=DigestOut, summary="Publish a draft")
def publish_digest(request, digest_id: int):
    _require(request, "digests.publish_digest")
    digest = _digest(request, digest_id)
    try:
        digest = services.digest_publish(digest=digest, user=request.auth)
    except DigestError as exc:
        raise HttpError(409, str(exc)) from None
    return _out(digest)


def _out(digest: Digest) -> dict:
    view = view_for(digest)
    return {
        "id": digest.id, "title": view.title, "status": digest.status,
        "public_url": delivery.public_url(digest) or None,
        "sections": [{"title": section.title,
                      "items": [{"article_id": item.article_id, "title": item.title, "summary": item.summary}
                                for item in section.items]}
                     for section in view.sections],
    }


@router.get("/{digest_id}", response=DigestOut, summary="A digest with its sections")
def get_digest(request, digest_id: int):
    _require(request, "digests.view_digest")
    return _out(_digest(request, digest_id))


@router.post("/{digest_id}/send", response={202: SendOut}, summary="Send a published digest by e-mail")
def send_digest(request, digest_id: int, payload: SendIn):
    """To ``recipients`` (addresses) or to the list ``list_id``. Each recipient gets the digest once;
    unsubscribed and bouncing addresses are left out. The sending runs on the workers: follow it with /deliveries."""
    _require(request, "digests.publish_digest")
    digest = _digest(request, digest_id)
    lists = []
    if payload.list_id is not None:
        lists = [get_object_or_404(DistributionList, id=payload.list_id)]
    if not lists and not payload.recipients:
        raise HttpError(400, "Give recipients (a list of addresses) or list_id.")
    try:
        plan = delivery.deliveries_queue(digest=digest, emails=payload.recipients or [], lists=lists,
                                         user=request.auth)
    except DeliveryError as exc:
        raise HttpError(400 if digest.is_published() else 409, str(exc)) from None
    return Status(202, {"queued": plan.count, "unsubscribed": plan.unsubscribed, "already_sent": plan.already,
                        "bouncing": plan.bouncing})


@router.get("/{digest_id}/deliveries", response=DeliveriesOut, summary="Who the digest was sent to")
def list_deliveries(request, digest_id: int, limit: int = Query(1000, ge=1, le=5000),
                    offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    _require(request, "digests.publish_digest")
    digest = _digest(request, digest_id)
    deliveries = Delivery.objects.filter(digest=digest).order_by("email", "id")
    return {
        "count": deliveries.count(),
        "items": [{"recipient": d.email, "status": d.state, "attempts": d.attempts, "sent_at": d.sent_at,
                   "error": d.error} for d in deliveries[offset:offset + limit]],
    }
