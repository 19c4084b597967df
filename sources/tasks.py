"""Celery tasks of the sources app: thin, idempotent, given ids only."""

from celery import shared_task

POLL_TIME_LIMIT = 900


@shared_task(name="sources.poll_source", acks_late=True, reject_on_worker_lost=True,
             soft_time_limit=POLL_TIME_LIMIT, time_limit=POLL_TIME_LIMIT + 30)
def poll_source(feed_id: int):
    """Poll one source. A second delivery finds the poll claimed or the items stored and adds nothing."""
    from sources import services

    services.feed_poll(feed_id=feed_id)


@shared_task(name="sources.poll_due", ignore_result=True, soft_time_limit=60, time_limit=90)
def poll_due():
    """Every minute (beat): send a poll for each source whose time has come, and again the page
    fetches of articles posted by their address whose message was lost."""
    from sources import services

    services.feeds_send_due()
    services.articles_fetch_stranded()


@shared_task(name="sources.fetch_article", acks_late=True, reject_on_worker_lost=True, soft_time_limit=300,
             time_limit=330)
def fetch_article(article_id: int):
    """Fetch the page of an article posted by its address alone, then queue it for annotation."""
    from sources import services

    services.article_fetch(article_id=article_id)
