"""Nothing is lost: queue again what a lost message or a dead worker left behind.

Two ways an article can be stranded, and what brings it back:
- "queued" with no message on the broker: the broker was down when the
  article was accepted (sending is best effort, see ``pressreview.enqueue``),
  or the broker lost its data. The sweeper sends a message again.
- "annotating" with nobody working on it: the worker died and the message was
  not redelivered. The sweeper sends a message again; the claim counts the
  attempt, so a poison article still ends "failed" after its attempts.

A message sent twice is harmless: the claim lets one task take the article.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from articles.models import Article
from articles.tasks import annotate_article, annotate_batch
from pressreview.enqueue import Message, send, send_on_commit

logger = logging.getLogger(__name__)

SWEEP_BATCH = 500


def annotation_messages(article_ids: list[int], *, batch_size: int | None = None) -> list[Message]:
    """One ``annotate_article`` message per article (the ``annotate`` queue), or with
    ``batch_size`` one ``annotate_batch`` message per that many (the bulk queue: one
    ``nlp.pipe`` pass each)."""
    if batch_size is None:
        return [Message(annotate_article, (article_id,)) for article_id in article_ids]
    step = max(batch_size, 1)
    return [Message(annotate_batch, (article_ids[i : i + step],)) for i in range(0, len(article_ids), step)]


def annotation_enqueue(article_ids: Iterable[int], *, batch_size: int | None = None) -> None:
    """Send the articles to the workers once the current transaction commits
    (``annotation_messages``). With the broker down the articles stay "queued"
    and the sweeper sends them when it is back; the editor's request does not fail.
    """
    send_on_commit(*annotation_messages(list(article_ids), batch_size=batch_size))


def articles_sweep(*, now=None) -> list[int]:
    """Send again the articles stranded "queued" or "annotating"; returns their ids.

    "queued" for longer than ``SWEEP_QUEUED_AFTER`` seconds, or "annotating"
    since longer than a batch's hard time limit plus ``SWEEP_ANNOTATING_GRACE``.
    Each is stamped so that it is sent at most once per period.
    """
    now = now or timezone.now()
    queued_before = now - timedelta(seconds=settings.SWEEP_QUEUED_AFTER)
    claimed_before = now - timedelta(seconds=settings.ANNOTATION_TIME_LIMIT * 4 + 30 + settings.SWEEP_ANNOTATING_GRACE)
    stranded = Article.objects.filter(
        Q(status=Article.Status.QUEUED, queued_at__lt=queued_before)
        | Q(status=Article.Status.ANNOTATING, claimed_at__lt=claimed_before)
        | Q(status=Article.Status.ANNOTATING, claimed_at__isnull=True, queued_at__lt=claimed_before)
    )
    ids = list(stranded.order_by("queued_at", "id").values_list("id", flat=True)[:SWEEP_BATCH])
    if not ids:
        return []
    Article.objects.filter(id__in=ids, status=Article.Status.QUEUED).update(queued_at=now)
    Article.objects.filter(id__in=ids, status=Article.Status.ANNOTATING).update(claimed_at=now)
    sent = send(annotation_messages(ids))
    logger.info("sweeper: %s stranded articles, %s sent again", len(ids), sent)
    return ids[:sent]
