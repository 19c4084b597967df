"""Matching annotated articles to the watches, and withdrawing what an editor's decision undid.

Guarantees:
- ``watches_match`` costs a fixed number of queries per article, whatever the number of
  watches: the watches of the article's actors, topics, source and story come from one
  query on their indexed foreign keys; the watched saved searches are evaluated with the
  queue's own query restricted to the article (the search index, not a scan of the
  articles), ``SEARCHES_PER_QUERY`` searches per query.
- One notification per user and article, however many of the user's watches match
  (``matched`` lists them all); running it again on the same article notifies no one twice.
- Only news rings: an article published more than ``WATCH_RECENT_DAYS`` ago (an archive
  import, past articles annotated again) notifies no one.
- A rejected mention or topic lends nothing: an actor only rejected mentions name, or a
  rejected topic, matches no watch.
- ``notifications_withdraw`` deletes the unread notifications of an article none of whose
  watches match any more (a read notification is the user's: it stays).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Q
from django.http import QueryDict
from django.utils import timezone

from articles.models import Actor, Article, ArticleTopic, Decision, Mention
from articles.queue_params import QueueParams
from articles.selectors import articles_for_queue
from articles.services.search import articles_index
from pressreview.enqueue import Message, send_on_commit
from watches.models import Notification, Watch
from watches.tasks import mail_alerts

# Saved searches evaluated in one query (one EXISTS each): the query count grows by one per this many.
SEARCHES_PER_QUERY = 200
# The watch a notification names when several match: the most specific first.
KIND_ORDER = [Watch.Kind.STORY, Watch.Kind.ACTOR, Watch.Kind.TOPIC, Watch.Kind.SOURCE, Watch.Kind.SEARCH]
MAIL_ORDER = [Watch.Mail.IMMEDIATE, Watch.Mail.HOURLY, Watch.Mail.NONE]


@dataclass(frozen=True)
class _Facts:
    """What the watches are matched against, read once per article."""

    article: Article
    actor_ids: frozenset[int]
    topic_ids: frozenset[int]
    topic_slugs: frozenset[str]
    new_outlet: bool


def _facts(article: Article) -> _Facts:
    rows = (Mention.objects.filter(article_id=article.id, actor__isnull=False).exclude(decision=Decision.REJECTED)
            .values_list("actor_id", "actor__merged_into_id"))
    named = {i for pair in rows for i in pair if i}
    # Watchers of an actor since merged into one the article names follow it there too (and the
    # watchers of the survivor, a mention still linked to the merged actor: the pairs above).
    merged = Actor.objects.filter(merged_into_id__in=named).values_list("id", flat=True) if named else []
    actor_ids = frozenset(named.union(merged))
    topics = list(ArticleTopic.objects.filter(article_id=article.id).exclude(decision=Decision.REJECTED)
                  .values_list("topic_id", "topic__slug"))
    return _Facts(article=article, actor_ids=actor_ids, topic_ids=frozenset(t for t, _ in topics),
                  topic_slugs=frozenset(s for _, s in topics), new_outlet=_new_outlet(article))


def _new_outlet(article: Article) -> bool:
    """The article is the first of its outlet in its story."""
    if not article.story_id or not article.source_id:
        return False
    earlier = Q(created_at__lt=article.created_at) | Q(created_at=article.created_at, id__lt=article.id)
    return not Article.objects.filter(earlier, story_id=article.story_id, source_id=article.source_id).exists()


def _keyed_watches(facts: _Facts) -> list[Watch]:
    """The actor, topic, source and story watches the article matches: one query on indexed keys."""
    article = facts.article
    keys = []
    if facts.actor_ids:
        keys.append(Q(kind=Watch.Kind.ACTOR, actor_id__in=facts.actor_ids))
    if facts.topic_ids:
        keys.append(Q(kind=Watch.Kind.TOPIC, topic_id__in=facts.topic_ids))
    if article.source_id:
        keys.append(Q(kind=Watch.Kind.SOURCE, source_id=article.source_id))
    if facts.new_outlet:
        keys.append(Q(kind=Watch.Kind.STORY, story_id=article.story_id))
    if not keys:
        return []
    return list(Watch.objects.filter(reduce(or_, keys)).only("id", "user_id", "kind", "mail"))


def _could_match(params: QueueParams, facts: _Facts) -> bool:
    """False when a filter of the search rules the article out without asking the database."""
    article = facts.article
    return not ((params.actor and params.actor not in facts.actor_ids)
                or (params.topic and params.topic not in facts.topic_slugs)
                or (params.source and params.source != article.source_id)
                or (params.language and params.language != article.language)
                or (params.status and params.status != article.status))


def _search_watches(facts: _Facts) -> list[Watch]:
    """The saved-search watches whose search finds the article (the queue's query on this article only)."""
    watches = list(Watch.objects.filter(kind=Watch.Kind.SEARCH).select_related("search")
                   .only("id", "user_id", "kind", "mail", "search__id", "search__query"))
    params = {w.search_id: QueueParams.from_query(QueryDict(w.search.query)) for w in watches}
    candidates = [i for i, p in params.items() if _could_match(p, facts)]
    if any(params[i].q for i in candidates):
        articles_index([facts.article.id])  # a pasted article has its document; one from elsewhere may not yet
    found = set()
    for start in range(0, len(candidates), SEARCHES_PER_QUERY):
        chunk = candidates[start:start + SEARCHES_PER_QUERY]
        checks = {f"s{i}": Exists(articles_for_queue(params[i]).filter(id=facts.article.id)) for i in chunk}
        row = Article.objects.filter(id=facts.article.id).annotate(**checks).values(*checks).first() or {}
        found.update(int(name[1:]) for name, hit in row.items() if hit)
    return [w for w in watches if w.search_id in found]


def _is_news(article: Article) -> bool:
    """Published within WATCH_RECENT_DAYS, or undated: an archive import, or past articles annotated
    again, ring no bell."""
    recent = timezone.now() - timedelta(days=settings.WATCH_RECENT_DAYS)
    return article.published_at is None or article.published_at >= recent


def _matching(article: Article) -> list[Watch]:
    facts = _facts(article)
    return _keyed_watches(facts) + _search_watches(facts)


def _story_reason(article: Article) -> str:
    """Why a story watch fired: its story reached the breaking threshold, or just gained an outlet."""
    since = timezone.now() - timedelta(hours=settings.WATCH_BREAKING_HOURS)
    outlets = (Article.objects.filter(story_id=article.story_id, created_at__gte=since, source__isnull=False)
               .values("source_id").distinct().count())
    return Notification.Reason.BREAKING if outlets >= settings.WATCH_BREAKING_OUTLETS else Notification.Reason.OUTLET


def _notification(article: Article, watches: list[Watch], story_reason: str) -> Notification:
    """One user's notification: named after the most specific watch, mailed as the most urgent asks."""
    first = min(watches, key=lambda w: (KIND_ORDER.index(w.kind), w.id))
    mail = min((w.mail for w in watches), key=MAIL_ORDER.index)
    story = any(w.kind == Watch.Kind.STORY for w in watches)
    return Notification(user_id=first.user_id, watch_id=first.id, article_id=article.id, story_id=article.story_id,
                        reason=story_reason if story else Notification.Reason.MATCH,
                        matched=sorted(w.id for w in watches), mail=mail)


def _new_notifications(article: Article, by_user: dict[int, list[Watch]]) -> list[Notification]:
    """The notifications of the users not notified of this article yet."""
    notified = set(Notification.objects.filter(article_id=article.id, user_id__in=by_user)
                   .values_list("user_id", flat=True))
    fired = any(w.kind == Watch.Kind.STORY for ws in by_user.values() for w in ws)
    story_reason = _story_reason(article) if fired else Notification.Reason.MATCH
    return [_notification(article, ws, story_reason) for user_id, ws in by_user.items() if user_id not in notified]


def watches_match(*, article_id: int) -> list[Notification]:
    """Notify the users whose watches the annotated article matches (see the module's guarantees);
    returns the notifications made now. Immediate e-mails are sent once this commits."""
    with transaction.atomic():
        article = Article.objects.filter(id=article_id, status=Article.Status.ANNOTATED).only(
            "id", "source_id", "story_id", "language", "status", "created_at", "published_at").first()
        if article is None or not _is_news(article):
            return []
        by_user = defaultdict(list)
        for watch in _matching(article):
            by_user[watch.user_id].append(watch)
        new = _new_notifications(article, by_user) if by_user else []
        Notification.objects.bulk_create(new, ignore_conflicts=True)
        if any(n.mail == Watch.Mail.IMMEDIATE for n in new):
            send_on_commit(Message(mail_alerts, (article.id,)))
        return new


def notifications_withdraw(*, article_ids: Iterable[int]) -> int:
    """Delete the unread notifications of these articles that no watch of theirs matches any more
    (an editor rejected the mention or the topic they depended on); the number deleted. One query
    when none of the articles has an unread notification; a fixed number per article that has."""
    unread = defaultdict(list)
    for note in Notification.objects.unread().filter(article_id__in=list(article_ids)).only("id", "article_id",
                                                                                           "matched"):
        unread[note.article_id].append(note)
    gone = []
    for article in Article.objects.filter(id__in=list(unread)).only("id", "source_id", "story_id", "language", "status",
                                                                 "created_at"):
        still = {w.id for w in _matching(article)}
        gone += [note.id for note in unread[article.id] if not still.intersection(note.matched)]
    return Notification.objects.filter(id__in=gone).delete()[0] if gone else 0
