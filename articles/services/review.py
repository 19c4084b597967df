"""Editor decisions on an article: mentions, actor links, topics, review state.

Every function here:
- checks the article's ``version`` against the one the editor saw and raises
  ``Conflict`` when someone else changed the article in between, so no
  decision silently overwrites another;
- bumps the version and moves an unreviewed article to "in review";
- writes one ReviewEvent per changed row (who, when, before, after);
- runs in one transaction.
"""

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from articles.models import (
    Actor,
    Article,
    ArticleTopic,
    Decision,
    Kind,
    Mention,
    Origin,
    Quote,
    QuoteSpeaker,
    ReviewEvent,
    SearchDocument,
    Source,
    Topic,
)
from articles.nlp.normalise import normalise_surface
from articles.services.actors import actor_confirm, actors_by_alias, alias_add, surface_reject, surface_teach
from articles.services.ingest import IngestError, clean_line, normalise_url, published_check
from articles.services.search import articles_index
from insights.services import counts_refresh_later
from stories.services import article_story_refresh
from watches.matching import notifications_withdraw

# Where a rejected surface is not suggested again (besides the mention itself).
FORGET_SCOPES = ("", "source", "everywhere")


class ReviewError(ValueError):
    """A request an editor must correct; the message is shown as is."""


class Conflict(Exception):
    """The article changed since the editor loaded it."""

    def __init__(self, article: Article):
        super().__init__(f"article {article.id} changed")
        self.article = article


def _claim_version(*, article: Article, expected_version: int) -> None:
    updated = Article.objects.filter(id=article.id, version=expected_version).update(version=F("version") + 1)
    if not updated:
        article.refresh_from_db()
        raise Conflict(article)
    Article.objects.filter(id=article.id, review_state=Article.ReviewState.UNREVIEWED).update(
        review_state=Article.ReviewState.IN_REVIEW
    )
    article.refresh_from_db(fields=["version", "review_state"])


def _mention_state(mention: Mention) -> dict:
    return {"kind": mention.kind, "decision": mention.decision, "actor": mention.actor_id, "text": mention.text,
            "start": mention.start, "end": mention.end}


def _log(*, article: Article, user, action: str, target: str, before: dict, after: dict) -> ReviewEvent:
    counts_refresh_later([article.id])  # every decision may change what the article counts for (insights)
    return ReviewEvent(article=article, user=user, action=action, target=target, before=before, after=after)


def _targets(mention: Mention, everywhere: bool) -> list[Mention]:
    if not everywhere:
        return [mention]
    surface = normalise_surface(mention.text)
    siblings = Mention.objects.filter(article_id=mention.article_id).select_related("actor")
    return [m for m in siblings if normalise_surface(m.text) == surface]


def _apply(*, article: Article, user, action: str, mentions: Iterable[Mention], change) -> list[Mention]:
    now = timezone.now()
    events, changed = [], []
    mentions = list(mentions)
    # One decision on several mentions ("every occurrence") is undone as one.
    batch = {"batch": uuid.uuid4().hex} if len(mentions) > 1 else {}
    for mention in mentions:
        before = _mention_state(mention)
        change(mention)
        mention.decided_by = user
        mention.decided_at = now
        after = _mention_state(mention)
        if after != before or mention.decision == Decision.PENDING:
            events.append(_log(article=article, user=user, action=action, target=f"mention {mention.id}",
                               before=before, after={**after, **batch}))
        changed.append(mention)
    Mention.objects.bulk_update(changed, ["kind", "decision", "actor", "decided_by", "decided_at"])
    ReviewEvent.objects.bulk_create(events)
    notifications_withdraw(article_ids=[article.id])  # a rejected or relinked mention may undo a match
    return changed


def mention_decide(*, mention: Mention, user, decision: str, expected_version: int, everywhere: bool = False,
                   forget: str = "") -> list[Mention]:
    """Accept or reject a mention (or every mention of the same surface in the article).

    The registry learns from it: accepting confirms the actor and makes the
    surface one of its aliases (found in the next articles); rejecting with
    ``forget`` ("source" or "everywhere") records the surface as never to be
    suggested again in the articles of this source, or in any article.
    """
    if decision not in (Decision.ACCEPTED, Decision.REJECTED):
        raise ReviewError(_("A decision is accept or reject."))
    if forget not in FORGET_SCOPES:
        raise ReviewError(_("Choose where the surface should not be suggested again."))
    article = mention.article
    with transaction.atomic():
        _claim_version(article=article, expected_version=expected_version)
        if decision == Decision.ACCEPTED and mention.actor is not None:
            surface_teach(actor=mention.actor, surface=mention.text, user=user, language=article.language)
        elif decision == Decision.REJECTED and forget:
            if forget == "source" and article.source_id is None:
                raise ReviewError(_("This article has no source: choose “everywhere” or “only here”."))
            surface_reject(surface=mention.text, user=user, article=article,
                           source=article.source if forget == "source" else None)

        def change(m):
            m.decision = decision

        return _apply(article=article, user=user, action=f"mention_{decision}", mentions=_targets(mention, everywhere),
                      change=change)


def mention_relabel(
    *, mention: Mention, user, kind: str, expected_version: int, everywhere: bool = False
) -> list[Mention]:
    """Change a mention's kind; the editor's kind is a decision (accepted).

    Learned: the surface is an alias of a confirmed actor of the new kind
    (the ruler finds it with that kind next time) and is not suggested again
    with the old kind.
    """
    if kind not in Kind.values:
        raise ReviewError(_("Unknown kind '%(kind)s'.") % {"kind": kind})
    article = mention.article
    with transaction.atomic():
        _claim_version(article=article, expected_version=expected_version)
        actor = _actor_for(name=mention.actor.name if mention.actor else mention.text, kind=kind, user=user,
                           confirm=True)
        surface_teach(actor=actor, surface=mention.text, user=user, language=article.language)
        if mention.kind != kind:
            surface_reject(surface=mention.text, kind=mention.kind, user=user, article=article)

        def change(m):
            m.kind = kind
            m.decision = Decision.ACCEPTED
            if m.actor is None or m.actor.kind != kind:
                m.actor = actor

        return _apply(article=article, user=user, action="mention_relabel", mentions=_targets(mention, everywhere),
                      change=change)


def mention_link(
    *, mention: Mention, user, actor: Actor, expected_version: int, everywhere: bool = False
) -> list[Mention]:
    """Link a mention to a registry actor; its surface becomes one of the actor's aliases."""
    actor = actor.merged_into or actor
    article = mention.article
    with transaction.atomic():
        _claim_version(article=article, expected_version=expected_version)
        surface_teach(actor=actor, surface=mention.text, user=user, language=article.language)

        def change(m):
            m.actor = actor
            m.kind = actor.kind
            m.decision = Decision.ACCEPTED

        return _apply(article=article, user=user, action="mention_link", mentions=_targets(mention, everywhere),
                      change=change)


def mention_link_new(*, mention: Mention, user, name: str, kind: str, expected_version: int,
                     everywhere: bool = False) -> list[Mention]:
    """Create a confirmed actor named ``name`` and link the mention to it."""
    name = " ".join(name.split())
    if not name:
        raise ReviewError(_("Give the new actor a name."))
    if kind not in Kind.values:
        raise ReviewError(_("Unknown kind '%(kind)s'.") % {"kind": kind})
    with transaction.atomic():
        actor = _actor_for(name=name, kind=kind, user=user, confirm=True)
        return mention_link(mention=mention, user=user, actor=actor, expected_version=expected_version,
                            everywhere=everywhere)


def mention_create(*, article: Article, user, start: int, end: int, kind: str, expected_version: int) -> Mention:
    """Add a mention the model missed, at character offsets into the stored body."""
    if kind not in Kind.values:
        raise ReviewError(_("Unknown kind '%(kind)s'.") % {"kind": kind})
    body = article.body
    if not (0 <= start < end <= len(body)):
        raise ReviewError(_("The selection is outside the article text."))
    # Selections often catch a space or a punctuation mark at either end.
    while start < end and not (body[start].isalnum()):
        start += 1
    while end > start and not (body[end - 1].isalnum() or body[end - 1] in ".)"):
        end -= 1
    if end - start < 1:
        raise ReviewError(_("Select at least one letter or digit."))
    if end - start > 300:
        raise ReviewError(_("A mention is at most 300 characters long."))
    with transaction.atomic():
        _claim_version(article=article, expected_version=expected_version)
        overlapping = (
            Mention.objects.filter(article=article, start__lt=end, end__gt=start)
            .exclude(decision=Decision.REJECTED)
            .first()
        )
        if overlapping is not None:
            raise ReviewError(_("“%(text)s” is already marked there: change or reject it first.")
                              % {"text": overlapping.text})
        text = body[start:end]
        actor = _actor_for(name=text, kind=kind, user=user)
        surface_teach(actor=actor, surface=text, user=user, language=article.language)
        mention, _created = Mention.objects.update_or_create(
            article=article, start=start, end=end,
            defaults={"text": text, "kind": kind, "actor": actor, "origin": Origin.EDITOR,
                      "decision": Decision.ACCEPTED, "decided_by": user, "decided_at": timezone.now()},
        )
        ReviewEvent.objects.create(article=article, user=user, action="mention_add", target=f"mention {mention.id}",
                                   before={}, after=_mention_state(mention))
        return mention


def mentions_add_by_text(*, article: Article, user, text: str, kind: str, expected_version: int) -> list[Mention]:
    """Mark every occurrence of ``text`` that is not part of another mention (works without a mouse)."""
    text = text.strip()
    if not text:
        raise ReviewError(_("Type the words to mark."))
    body = article.body
    positions, index = [], body.find(text)
    while index != -1:
        positions.append(index)
        index = body.find(text, index + len(text))
    if not positions:
        raise ReviewError(
            _("“%(text)s” does not occur in this article (the match is case-sensitive).") % {"text": text}
        )
    with transaction.atomic():
        version = expected_version
        created = []
        for position in positions:
            try:
                created.append(mention_create(article=article, user=user, start=position, end=position + len(text),
                                              kind=kind, expected_version=version))
            except ReviewError:
                continue
            version = article.version
        if not created:
            raise ReviewError(_("Every occurrence of “%(text)s” is already part of a mention.") % {"text": text})
        return created


def topic_add(*, article: Article, user, topic: Topic, expected_version: int) -> ArticleTopic:
    with transaction.atomic():
        _claim_version(article=article, expected_version=expected_version)
        article_topic, created = ArticleTopic.objects.get_or_create(
            article=article, topic=topic,
            defaults={"origin": Origin.EDITOR, "decision": Decision.ACCEPTED, "score": 1.0},
        )
        before = {} if created else {"decision": article_topic.decision}
        article_topic.decision = Decision.ACCEPTED
        article_topic.decided_by = user
        article_topic.decided_at = timezone.now()
        article_topic.save()
        ReviewEvent.objects.create(article=article, user=user, action="topic_add", target=f"topic {topic.slug}",
                                   before=before, after={"decision": article_topic.decision})
        return article_topic


def topic_decide(*, article_topic: ArticleTopic, user, decision: str, expected_version: int) -> ArticleTopic:
    """Confirm (accepted) or remove (rejected) a topic; a rejected topic is not suggested again."""
    if decision not in (Decision.ACCEPTED, Decision.REJECTED):
        raise ReviewError(_("A decision is accept or reject."))
    article = article_topic.article
    with transaction.atomic():
        _claim_version(article=article, expected_version=expected_version)
        before = {"decision": article_topic.decision}
        article_topic.decision = decision
        article_topic.decided_by = user
        article_topic.decided_at = timezone.now()
        article_topic.save(update_fields=["decision", "decided_by", "decided_at"])
        ReviewEvent.objects.create(article=article, user=user, action=f"topic_{decision}",
                                   target=f"topic {article_topic.topic.slug}", before=before,
                                   after={"decision": decision})
        notifications_withdraw(article_ids=[article.id] if decision == Decision.REJECTED else [])
        return article_topic


# What "accept the rest" accepts, by the key its event lists their ids under.
REST = {"mentions": Mention, "topics": ArticleTopic, "quotes": Quote}


def article_mark_reviewed(*, article: Article, user, expected_version: int) -> dict[str, int]:
    """Accept the rest and mark the article reviewed; returns how many mentions, topics
    and quotes were accepted.

    Guarantees: a reviewed article holds no pending suggestion, so "reviewed" means that
    an editor decided every mention, topic and quote on it. The suggestions still pending
    become accepted, decided by ``user``, in one decision: one event, whose ``after`` lists
    the rows it accepted ("accepted": {"mentions": [ids], "topics": [ids], "quotes": [ids]}),
    and which ``decision_undo`` takes back whole. The registry learns nothing from these
    acceptances (no alias, no actor confirmed, no rejected surface lifted): the editor
    vouched for the article, not for each name in it.
    """
    with transaction.atomic():
        _claim_version(article=article, expected_version=expected_version)
        accepted, now = {}, timezone.now()
        for key, model in REST.items():
            pending = model.objects.filter(article=article, decision=Decision.PENDING)
            accepted[key] = sorted(pending.values_list("id", flat=True))
            model.objects.filter(id__in=accepted[key]).update(decision=Decision.ACCEPTED, decided_by=user,
                                                             decided_at=now)
        before = {"review_state": article.review_state}
        Article.objects.filter(id=article.id).update(review_state=Article.ReviewState.REVIEWED)
        article.review_state = Article.ReviewState.REVIEWED
        ReviewEvent.objects.create(article=article, user=user, action="article_reviewed",
                                   target=f"article {article.id}", before=before,
                                   after={"review_state": article.review_state, "accepted": accepted})
        return {key: len(ids) for key, ids in accepted.items()}


# What a crop takes out of the review with the text: the rows inside it, rejected.
CROPPED = {"mentions": Mention, "quotes": Quote}


def _reject_cropped(*, article: Article, user, start: int, end: int) -> dict[str, list[dict]]:
    """Reject the mentions and quotes outside ``start``–``end``; each row's state before, to put back."""
    now, rejected = timezone.now(), {}
    for key, model in CROPPED.items():
        rows = (model.objects.filter(article=article).exclude(decision=Decision.REJECTED)
                .filter(Q(start__lt=start) | Q(end__gt=end)).values("id", "decision", "decided_by", "decided_at"))
        rejected[key] = [{**row, "decided_at": row["decided_at"].isoformat() if row["decided_at"] else None}
                         for row in rows]
        model.objects.filter(id__in=[row["id"] for row in rejected[key]]).update(
            decision=Decision.REJECTED, decided_by=user, decided_at=now)
    return rejected


def article_crop(*, article: Article, user, start: int, end: int, expected_version: int) -> Article:
    """Mark the selection (from the first words of the article's text, or up to its last ones) as
    not part of the article: a site's header, a "read more" list the pipeline kept.

    Guarantees: the crop is the editor's layer (annotation never reads the cropped text, see
    ``Article.text_for_annotation``, and never writes the crop); the mentions and quotes in the
    cropped text are rejected, so they leave the review, the exports and the counts; one event
    records it, with the rows' states before, and ``decision_undo`` or ``article_uncrop`` put
    them back. A selection inside the text, or one that would leave nothing, is refused.
    """
    body = article.body
    if not (0 <= start < end <= len(body)):
        raise ReviewError(_("The selection is outside the article text."))
    with transaction.atomic():
        current = Article.objects.select_for_update().only("id", "body", "crop_start", "crop_end").get(id=article.id)
        kept_start, kept_end = current.kept_bounds()
        leading = not body[kept_start:start].strip()
        trailing = not body[end:kept_end].strip()
        if leading and trailing:
            raise ReviewError(_("That is all of the article's text: select only what is not part of it."))
        if not (leading or trailing):
            raise ReviewError(_("Only text at the start or at the end of the article can be cut off: select from "
                                "its first words, or up to its last ones."))
        new_start, new_end = (max(kept_start, end), kept_end) if leading else (kept_start, min(kept_end, start))
        _claim_version(article=article, expected_version=expected_version)
        rejected = _reject_cropped(article=article, user=user, start=new_start, end=new_end)
        crop = {"crop_start": new_start, "crop_end": None if new_end == len(body) else new_end}
        Article.objects.filter(id=article.id).update(**crop)
        article.crop_start, article.crop_end = crop["crop_start"], crop["crop_end"]
        cut = body[kept_start:new_start] if leading else body[new_end:kept_end]
        ReviewEvent.objects.create(
            article=article, user=user, action="article_crop", target=f"article {article.id}",
            before={"crop_start": current.crop_start, "crop_end": current.crop_end},
            after={**crop, "cut": " ".join(cut.split())[:200], "rejected": rejected})
        return article


def article_uncrop(*, article: Article, user, expected_version: int) -> Article:
    """Put the text an editor cut off back into the article, with the mentions and quotes its
    crops rejected that nobody decided on since."""
    with transaction.atomic():
        _claim_version(article=article, expected_version=expected_version)
        events = ReviewEvent.objects.filter(article=article, action__in=["article_crop", "article_uncrop"])
        undone = {i for after in ReviewEvent.objects.filter(article=article, action="undo")
                  .values_list("after", flat=True) for i in after.get("undoes", [])}
        crops = []
        for event in events.order_by("-id"):
            if event.action == "article_uncrop":
                break
            if event.id not in undone:
                crops.append(event)
        current = Article.objects.only("crop_start", "crop_end").get(id=article.id)
        for event in crops:
            _rows_put_back(event, strict=False)
        Article.objects.filter(id=article.id).update(crop_start=0, crop_end=None)
        article.crop_start, article.crop_end = 0, None
        ReviewEvent.objects.create(article=article, user=user, action="article_uncrop", target=f"article {article.id}",
                                   before={"crop_start": current.crop_start, "crop_end": current.crop_end},
                                   after={"crop_start": 0, "crop_end": None})
        return article


def _details_state(*, title: str, source_name: str, url: str, published_at: datetime | None) -> dict[str, str]:
    # To the minute, in UTC: what the form shows and sends back of a date must not read as a change.
    published = published_at.astimezone(UTC).replace(second=0, microsecond=0).isoformat() if published_at else ""
    return {"title": title, "source": source_name, "url": url, "published_at": published}


def article_details_edit(*, article: Article, user, title: str, source_name: str, url: str,
                         published_at: datetime | None, expected_version: int) -> list[str]:
    """Correct an article's title, source (by name, created if new), address and publication
    date; returns the names of the fields that changed.

    Guarantees: the values are cleaned and checked as when an article is added (an address
    goes through ``normalise_url``; one that another article already has is refused); each
    changed field is logged as its own event, before and after in words (the source by
    name, the date in ISO 8601). These are the editor's layer: annotation and re-annotation
    never write them. The search document (title) and the article's story (title, outlets,
    time span) follow. Nothing changed: nothing is written, not even a new version.
    """
    title = clean_line(title)[:500]
    if not title:
        raise ReviewError(_("An article needs a title."))
    source_name = clean_line(source_name)[:200]
    try:
        url = normalise_url(url)
        published_at = published_check(published_at)
    except IngestError as exc:
        raise ReviewError(str(exc)) from None
    with transaction.atomic():
        current = Article.objects.select_for_update().get(id=article.id)
        if current.version != expected_version:
            article.refresh_from_db()
            raise Conflict(article)
        if current.status == Article.Status.FETCHING:
            # The fetch that is under way writes the page's title and address.
            raise ReviewError(_("The article's page is still being fetched: correct its details once its text is in."))
        current_source = Source.objects.filter(id=current.source_id).values_list("name", flat=True).first() or ""
        # Cleaned as the new values are: a name stored with a double space is not a change.
        before = _details_state(title=clean_line(current.title)[:500], source_name=clean_line(current_source)[:200],
                                url=current.url, published_at=current.published_at)
        after = _details_state(title=title, source_name=source_name, url=url, published_at=published_at)
        changed = [field for field in before if before[field] != after[field]]
        if not changed:
            return []
        if "url" in changed and url:
            other = Article.objects.filter(url=url).exclude(id=article.id).only("id", "title").first()
            if other is not None:
                raise ReviewError(_("Article “%(title)s” already has this address.") % {"title": other.title})
        _claim_version(article=article, expected_version=expected_version)
        values = {"title": title, "url": url, "published_at": published_at}
        values = {field: value for field, value in values.items() if field in changed}
        if "source" in changed:
            values["source"] = Source.objects.get_or_create(name=source_name)[0] if source_name else None
        Article.objects.filter(id=article.id).update(**values, updated_at=timezone.now())
        for field, value in values.items():
            setattr(article, field, value)
        if "title" in changed:
            # The search document holds the title: written again from the new one.
            SearchDocument.objects.filter(article_id=article.id).delete()
            articles_index([article.id])
        if current.story_id and set(changed) & {"title", "source", "published_at"}:
            article_story_refresh(article_id=article.id)
        ReviewEvent.objects.bulk_create(
            _log(article=article, user=user, action="article_edit", target=f"article {article.id}",
                 before={field: before[field]}, after={field: after[field]})
            for field in changed
        )
        return changed


QUOTE_MARKS = "«»“”„‟\"'‹›‘’ \u00a0\u202f\n\t"


def _quote_state(quote: Quote) -> dict:
    return {"kind": quote.kind, "decision": quote.decision, "speaker": quote.speaker_id, "start": quote.start,
            "end": quote.end, "text": quote.text[:200], "speaker_confidence": quote.speaker_confidence}


def _quote_change(*, quote: Quote, user, action: str, change) -> Quote:
    before = _quote_state(quote)
    change(quote)
    quote.decided_by, quote.decided_at = user, timezone.now()
    quote.save()
    ReviewEvent.objects.create(article=quote.article, user=user, action=action, target=f"quote {quote.id}",
                               before=before, after=_quote_state(quote))
    return quote


def quote_decide(*, quote: Quote, user, decision: str, expected_version: int) -> Quote:
    """Accept or reject a quote; a rejected span is not proposed again."""
    if decision not in (Decision.ACCEPTED, Decision.REJECTED):
        raise ReviewError(_("A decision is accept or reject."))
    with transaction.atomic():
        _claim_version(article=quote.article, expected_version=expected_version)

        def change(q):
            q.decision = decision

        return _quote_change(quote=quote, user=user, action=f"quote_{decision}", change=change)


def _speaker_ids(quote: Quote) -> list[int]:
    """Every speaker's id in order, the first one first, as the database holds them now."""
    others = QuoteSpeaker.objects.filter(quote=quote).values_list("actor_id", flat=True)
    return ([quote.speaker_id] if quote.speaker_id else []) + list(others)


def quote_set_speaker(*, quote: Quote, user, actor: Actor | None, expected_version: int) -> Quote:
    """Say who said it (None: nobody named); the quote is then accepted, its speaker the editor's (no
    longer a machine's guess with a confidence). This is the first speaker: the others stay, and one of
    them cannot become the first, nor can nobody be named while they are there (``ReviewError``)."""
    if actor is not None:
        actor = actor.survivor()
    with transaction.atomic():
        others = _speaker_ids(quote)[1 if quote.speaker_id else 0:]
        if actor is None and others:
            raise ReviewError(_("This quote has other speakers: remove them first."))
        if actor is not None and actor.id in others:
            raise ReviewError(_("%(name)s is already a speaker of this quote.") % {"name": actor.name})
        _claim_version(article=quote.article, expected_version=expected_version)

        def change(q):
            q.speaker, q.speaker_confidence = actor, None
            q.decision = Decision.ACCEPTED

        return _quote_change(quote=quote, user=user, action="quote_speaker", change=change)


def _speakers_change(*, quote: Quote, user, actor: Actor, action: str, change) -> Quote:
    """Change a quote's speakers (``change`` gets the quote and the ids in order, returns the new ids),
    accept the quote as the other speaker decisions do, and log the event with both lists."""
    before_ids = _speaker_ids(quote)
    after_ids = change(before_ids)
    first, others = (after_ids[0], after_ids[1:]) if after_ids else (None, [])
    QuoteSpeaker.objects.filter(quote=quote).delete()
    QuoteSpeaker.objects.bulk_create(QuoteSpeaker(quote=quote, actor_id=actor_id, position=position)
                                     for position, actor_id in enumerate(others))
    before = {**_quote_state(quote), "speakers": before_ids}
    if first != quote.speaker_id:
        quote.speaker_id, quote.speaker_confidence = first, None
    quote.decision, quote.decided_by, quote.decided_at = Decision.ACCEPTED, user, timezone.now()
    quote.save()
    ReviewEvent.objects.create(article=quote.article, user=user, action=action, target=f"quote {quote.id}",
                               before=before, after={**_quote_state(quote), "speakers": after_ids,
                                                     "actor": actor.id})
    return quote


def quote_speaker_add(*, quote: Quote, user, actor: Actor, expected_version: int) -> Quote:
    """Add a speaker after the quote's others ("A and B said …"); on a quote without one, the first.
    The quote is then accepted and its speakers an editor's decision, which every later run keeps.
    An actor already among them: ``ReviewError``, nothing changes."""
    actor = actor.survivor()
    with transaction.atomic():
        if actor.id in _speaker_ids(quote):
            raise ReviewError(_("%(name)s is already a speaker of this quote.") % {"name": actor.name})
        _claim_version(article=quote.article, expected_version=expected_version)
        return _speakers_change(quote=quote, user=user, actor=actor, action="quote_speaker_add",
                                change=lambda ids: [*ids, actor.id])


def quote_speaker_remove(*, quote: Quote, user, actor: Actor, expected_version: int) -> Quote:
    """Take a speaker off the quote; the others keep their order (the first one gone, the next is
    first). An actor who is not one of them: ``ReviewError``, nothing changes."""
    with transaction.atomic():
        if actor.id not in _speaker_ids(quote):
            raise ReviewError(_("%(name)s is not a speaker of this quote.") % {"name": actor.name})
        _claim_version(article=quote.article, expected_version=expected_version)
        return _speakers_change(quote=quote, user=user, actor=actor, action="quote_speaker_remove",
                                change=lambda ids: [i for i in ids if i != actor.id])


def _quote_bounds(body: str, start: int, end: int) -> tuple[int, int]:
    if not (0 <= start < end <= len(body)):
        raise ReviewError(_("The selection is outside the article text."))
    while start < end and body[start] in QUOTE_MARKS:
        start += 1
    while end > start and body[end - 1] in QUOTE_MARKS:
        end -= 1
    if end - start < 2:
        raise ReviewError(_("Select the quoted words."))
    return start, end


def quote_create(*, article: Article, user, start: int, end: int, expected_version: int, speaker: Actor | None = None,
                 kind: str = Quote.QuoteKind.DIRECT, cue: str = "") -> Quote:
    """Add a quote the pipeline missed (an editor's row: it survives every run)."""
    if kind not in Quote.QuoteKind.values:
        raise ReviewError(_("Unknown quote kind '%(kind)s'.") % {"kind": kind})
    start, end = _quote_bounds(article.body, start, end)
    with transaction.atomic():
        _claim_version(article=article, expected_version=expected_version)
        clash = Quote.objects.filter(article=article, start=start, end=end).first()
        if clash is not None:
            raise ReviewError(_("This passage is already a quote: change that one."))
        quote = Quote.objects.create(
            article=article, start=start, end=end, text=article.body[start:end], kind=kind, cue=cue[:100],
            speaker=speaker.survivor() if speaker else None, origin=Origin.EDITOR, decision=Decision.ACCEPTED,
            decided_by=user, decided_at=timezone.now(),
        )
        ReviewEvent.objects.create(article=article, user=user, action="quote_add", target=f"quote {quote.id}",
                                   before={}, after=_quote_state(quote))
        return quote


def quote_set_span(*, quote: Quote, user, start: int, end: int, expected_version: int) -> Quote:
    """Correct where a quote starts and ends.

    The old span is kept as rejected (so the pipeline does not propose it
    again) and the corrected one is an editor's quote with the same speaker.
    """
    article = quote.article
    start, end = _quote_bounds(article.body, start, end)
    if (start, end) == (quote.start, quote.end):
        return quote
    with transaction.atomic():
        _claim_version(article=article, expected_version=expected_version)
        if Quote.objects.filter(article=article, start=start, end=end).exists():
            raise ReviewError(_("This passage is already a quote: change that one."))

        def change(q):
            q.decision = Decision.REJECTED

        _quote_change(quote=quote, user=user, action="quote_rejected", change=change)
        corrected = Quote.objects.create(
            article=article, start=start, end=end, text=article.body[start:end], kind=quote.kind, cue=quote.cue,
            speaker=quote.speaker, speaker_role=quote.speaker_role, speaker_confidence=quote.speaker_confidence,
            origin=Origin.EDITOR, decision=Decision.ACCEPTED,
            decided_by=user, decided_at=timezone.now(),
        )
        QuoteSpeaker.objects.bulk_create(QuoteSpeaker(quote=corrected, actor_id=row.actor_id, position=row.position)
                                         for row in QuoteSpeaker.objects.filter(quote=quote))
        ReviewEvent.objects.create(article=article, user=user, action="quote_span", target=f"quote {corrected.id}",
                                   before=_quote_state(quote), after=_quote_state(corrected))
        return corrected


def _actor_for(*, name: str, kind: str, user=None, confirm: bool = False) -> Actor:
    """The registry actor of that name and kind, created if missing."""
    normalised = normalise_surface(name)
    actor = actors_by_alias([normalised]).get((normalised, kind))
    if actor is None:
        actor, _created = Actor.objects.get_or_create(key=Actor.key_for(name, kind),
                                               defaults={"name": name[:300], "kind": kind, "created_by": user})
        alias_add(actor=actor, surface=name, user=user)
    if confirm:
        actor_confirm(actor=actor)
    return actor


# Bulk actions from the queue. They take ids (the queue shows no versions), so
# instead of checking a version they lock the rows, change only what differs
# and bump the version of every article they change: a review page opened
# before gets a Conflict rather than overwriting the bulk decision.


def _lock_articles(article_ids: Iterable[int]) -> list[Article]:
    # In id order, so two bulk actions on overlapping selections cannot deadlock.
    return list(
        Article.objects.select_for_update()
        .filter(id__in=set(article_ids))
        .only("id", "status", "review_state")
        .order_by("id")
    )


def _bump(article_ids: list[int]) -> None:
    if not article_ids:
        return
    Article.objects.filter(id__in=article_ids).update(version=F("version") + 1)
    Article.objects.filter(id__in=article_ids, review_state=Article.ReviewState.UNREVIEWED).update(
        review_state=Article.ReviewState.IN_REVIEW
    )


def articles_mark_reviewed(*, article_ids: Iterable[int], user) -> list[int]:
    """Mark the articles reviewed; returns the ids of those that changed.

    Already reviewed articles, and articles still queued or being annotated
    (their suggestions are not there yet), are left as they are.
    """
    with transaction.atomic():
        articles = [
            a for a in _lock_articles(article_ids)
            if a.review_state != Article.ReviewState.REVIEWED and a.is_finished()
        ]
        changed = [a.id for a in articles]
        Article.objects.filter(id__in=changed).update(
            review_state=Article.ReviewState.REVIEWED, version=F("version") + 1
        )
        ReviewEvent.objects.bulk_create(
            _log(article=a, user=user, action="article_reviewed", target=f"article {a.id}",
                 before={"review_state": a.review_state}, after={"review_state": Article.ReviewState.REVIEWED})
            for a in articles
        )
        return changed


def articles_topic_add(*, article_ids: Iterable[int], topic: Topic, user) -> list[int]:
    """Give every article the topic as an editor decision (accepted); returns
    the ids of the articles that changed (not those where it was already accepted)."""
    now = timezone.now()
    with transaction.atomic():
        articles = _lock_articles(article_ids)
        existing = {
            t.article_id: t
            for t in ArticleTopic.objects.filter(article__in=articles, topic=topic).only("id", "article_id", "decision")
        }
        created, updated, events = [], [], []
        for article in articles:
            article_topic = existing.get(article.id)
            if article_topic is None:
                created.append(ArticleTopic(article=article, topic=topic, origin=Origin.EDITOR, score=1.0,
                                            decision=Decision.ACCEPTED, decided_by=user, decided_at=now))
                before = {}
            elif article_topic.decision != Decision.ACCEPTED:
                updated.append(article_topic.id)
                before = {"decision": article_topic.decision}
            else:
                continue
            events.append(_log(article=article, user=user, action="topic_add", target=f"topic {topic.slug}",
                               before=before, after={"decision": Decision.ACCEPTED}))
        ArticleTopic.objects.bulk_create(created)
        ArticleTopic.objects.filter(id__in=updated).update(decision=Decision.ACCEPTED, decided_by=user, decided_at=now)
        ReviewEvent.objects.bulk_create(events)
        changed = [event.article.id for event in events]
        _bump(changed)
        return changed


def articles_topic_remove(*, article_ids: Iterable[int], topic: Topic, user) -> list[int]:
    """Reject the topic on every article that has it (it is not suggested
    again); returns the ids of the articles that changed."""
    now = timezone.now()
    with transaction.atomic():
        articles = {a.id: a for a in _lock_articles(article_ids)}
        article_topics = list(
            ArticleTopic.objects.filter(article_id__in=articles, topic=topic)
            .exclude(decision=Decision.REJECTED)
            .only("id", "article_id", "decision")
        )
        ArticleTopic.objects.filter(id__in=[t.id for t in article_topics]).update(
            decision=Decision.REJECTED, decided_by=user, decided_at=now
        )
        ReviewEvent.objects.bulk_create(
            _log(article=articles[t.article_id], user=user, action="topic_rejected", target=f"topic {topic.slug}",
                 before={"decision": t.decision}, after={"decision": Decision.REJECTED})
            for t in article_topics
        )
        changed = sorted(t.article_id for t in article_topics)
        _bump(changed)
        notifications_withdraw(article_ids=changed)
        return changed


# Decisions that "undo" takes back: what they changed is all in their event's before/after.
UNDOABLE = {
    "mention_accepted", "mention_rejected", "mention_relabel", "mention_link",
    "topic_accepted", "topic_rejected",
    "quote_accepted", "quote_rejected", "quote_speaker", "quote_speaker_add", "quote_speaker_remove",
    "article_reviewed", "article_crop",
}
# Their events hold every speaker in order ("speakers"), which undo puts back besides the quote's fields.
SPEAKERS_CHANGES = {"quote_speaker_add", "quote_speaker_remove"}
MENTION_FIELDS = {"decision": "decision", "kind": "kind", "actor": "actor_id"}
QUOTE_FIELDS = {"decision": "decision", "speaker": "speaker_id", "speaker_confidence": "speaker_confidence"}
TOPIC_FIELDS = {"decision": "decision"}
ARTICLE_FIELDS = {"review_state": "review_state"}
CROP_FIELDS = {"crop_start": "crop_start", "crop_end": "crop_end"}


def _last_undoable(article: Article, user) -> list[ReviewEvent]:
    """The editor's last decision on the article not undone yet (all its events), newest first."""
    events = list(ReviewEvent.objects.filter(article=article, user=user).order_by("-id")[:500])
    undone = {event_id for event in events if event.action == "undo" for event_id in event.after.get("undoes", [])}
    for event in events:
        if event.id in undone or event.action == "undo":
            continue
        if event.action not in UNDOABLE:
            return []  # a later step (an added mention, corrected details) is not taken back past
        batch = event.after.get("batch")
        if not batch:
            return [event]
        return [e for e in events if e.after.get("batch") == batch and e.id not in undone]
    return []


def _undo_row(event: ReviewEvent):
    """The row an event changed and the fields to put back (field name → model attribute)."""
    kind, _, ident = event.target.partition(" ")
    if kind == "mention":
        return Mention.objects.filter(id=ident, article_id=event.article_id).first(), MENTION_FIELDS
    if kind == "quote":
        return Quote.objects.filter(id=ident, article_id=event.article_id).first(), QUOTE_FIELDS
    if kind == "topic":
        return ArticleTopic.objects.filter(topic__slug=ident, article_id=event.article_id).first(), TOPIC_FIELDS
    if kind == "article":
        fields = CROP_FIELDS if event.action == "article_crop" else ARTICLE_FIELDS
        return Article.objects.filter(id=event.article_id).only("id", *fields).first(), fields
    return None, {}


def _rows_put_back(event: ReviewEvent, *, strict: bool = True) -> None:
    """The rows an article-wide decision changed, as they were: what "accept the rest" accepted
    (pending again), what a crop rejected (its decision before). A row decided since by anyone:
    ``ReviewError`` when ``strict``, else that row is left as it is."""
    changed = [(REST[key], ids, Decision.ACCEPTED, None) for key, ids in event.after.get("accepted", {}).items()]
    changed += [(CROPPED[key], [row["id"] for row in rows], Decision.REJECTED, rows)
                for key, rows in event.after.get("rejected", {}).items()]
    for model, ids, decision, states in changed:
        rows = model.objects.filter(article_id=event.article_id, id__in=ids)
        untouched = rows.filter(decision=decision, decided_by_id=event.user_id)
        if strict and rows.exclude(id__in=untouched.values("id")).exists():
            raise ReviewError(_("This decision was changed since; nothing was undone."))
        if states is None:
            untouched.update(decision=Decision.PENDING, decided_by=None, decided_at=None)
            continue
        ids = set(untouched.values_list("id", flat=True))
        # Whoever decided before may have left since (decided_by is then empty, as on their other rows).
        users = set(get_user_model().objects.filter(id__in={state["decided_by"] for state in states})
                    .values_list("id", flat=True))
        for state in states:
            if state["id"] in ids:
                at = parse_datetime(state["decided_at"]) if state["decided_at"] else None
                model.objects.filter(id=state["id"]).update(
                    decision=state["decision"], decided_by_id=state["decided_by"] if state["decided_by"] in users
                    else None, decided_at=at)


def decision_undo(*, article: Article, user, expected_version: int) -> list[ReviewEvent]:
    """Take back the editor's last decision on the article (a mention, topic or quote accepted,
    rejected, relabelled or linked; a quote's speakers set, added or removed, in their order; every
    occurrence at once when it was made so; the article
    marked reviewed, with every suggestion that accepted; a crop, with the rows it rejected): each row gets
    back the state its event recorded before it. The undo is a decision too, logged like the
    others; a second undo takes back the decision before. Nothing to undo, or a row changed
    since by someone else: ``ReviewError`` and nothing changes. What the registry learned from
    the decision (aliases, surfaces not to suggest again) stays.
    """
    with transaction.atomic():
        _claim_version(article=article, expected_version=expected_version)
        events = _last_undoable(article, user)
        if not events:
            raise ReviewError(_("There is no decision of yours to undo on this article."))
        now, logs = timezone.now(), []
        # Taking back a decision on every occurrence is one step too, shown as one.
        batch = {"batch": uuid.uuid4().hex} if len(events) > 1 else {}
        for event in events:
            row, fields = _undo_row(event)
            if row is None:  # replaced by a new annotation run: nothing left to put back
                logs.append(_log(article=article, user=user, action="undo", target=event.target, before={},
                                 after={"undoes": [event.id], **batch}))
                continue
            current = {name: getattr(row, attr) for name, attr in fields.items()}
            if any(current[name] != event.after.get(name) for name in fields if name in event.after) or (
                    event.action in SPEAKERS_CHANGES and _speaker_ids(row) != event.after.get("speakers")):
                raise ReviewError(_("This decision was changed since; nothing was undone."))
            restored = {name: event.before.get(name, current[name]) for name in fields}
            if restored.get("actor") and not Actor.objects.filter(id=restored["actor"]).exists():
                raise ReviewError(_("The actor this mention was linked to no longer exists; nothing was undone."))
            for name, attr in fields.items():
                setattr(row, attr, restored[name])
            if isinstance(row, Article):
                row.save(update_fields=[*fields.values()])
                _rows_put_back(event)
            else:
                decided = restored["decision"] != Decision.PENDING
                row.decided_by, row.decided_at = (user, now) if decided else (None, None)
                row.save(update_fields=[*fields.values(), "decided_by", "decided_at"])
            if event.action in SPEAKERS_CHANGES:
                QuoteSpeaker.objects.filter(quote=row).delete()
                QuoteSpeaker.objects.bulk_create(QuoteSpeaker(quote=row, actor_id=actor_id, position=position)
                                                 for position, actor_id in enumerate(event.before["speakers"][1:]))
            logs.append(_log(article=article, user=user, action="undo", target=event.target, before=current,
                             after={**restored, "undoes": [event.id], **batch}))
        ReviewEvent.objects.bulk_create(logs)
        return logs
