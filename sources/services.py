"""Followed sources: adding and changing them, and polling them.

Guarantees of a poll (``feed_poll``):
- one worker polls a feed at a time (claim by conditional update on ``poll_started_at``);
- an item is stored once whatever the polls: by GUID and by normalised URL (unique
  constraints), and its article and its link to the item are written in one
  transaction, so a worker killed mid-poll leaves nothing a second poll duplicates;
- every outcome is recorded on the feed (last poll, last success, last error in
  words, consecutive failures) and in a ``FeedPoll`` row; a failing feed is polled
  again later and later (exponential backoff), never dropped.
"""

import logging
import re
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.models import Article, SearchDocument, Source
from articles.services.ingest import (
    IngestError,
    IngestResult,
    article_create,
    article_prepare,
    article_with_url,
    articles_requeue,
    normalise_url,
)
from articles.services.recovery import annotation_enqueue
from articles.services.search import articles_index
from pressreview.enqueue import Message, send, send_on_commit
from sources import feeds, pages
from sources.fetch import Fetcher, FetchError, FetchPolicy, FetchResult, url_refusal
from sources.models import Feed, FeedItem, FeedPoll, HostTurn
from sources.tasks import fetch_article, poll_source

logger = logging.getLogger(__name__)

FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
               "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.5, */*;q=0.1")
# poll_due leaves a sent feed alone this long: a lost message or a dead worker makes it due again after it.
SEND_LEASE = timedelta(minutes=10)


class SourceError(ValueError):
    """Input a chief editor must fix; the message is shown as is."""


class DatabaseHostGate:
    """One request at a time per host, ``min_delay`` seconds apart, across every worker process
    and machine: the turn is a ``HostTurn`` row taken by a conditional update.

    A holder that dies keeps the turn until ``LEASE`` has passed, then anyone may take it.
    """

    LEASE = timedelta(minutes=5)
    POLL_EVERY = 0.05  # seconds between two looks at a busy host's row

    @contextmanager
    def turn(self, host: str, *, min_delay: float, max_wait: float) -> Iterator[None]:
        host = host[:255]
        holder, deadline = uuid.uuid4().hex, time.monotonic() + max_wait
        row_checked = False
        while True:
            now = timezone.now()
            free = Q(busy_until__isnull=True) | Q(busy_until__lt=now)
            if HostTurn.objects.filter(free, host=host, next_at__lte=now).update(holder=holder,
                                                                               busy_until=now + self.LEASE):
                break
            if not row_checked:  # the first miss: perhaps a host never seen, whose row is made here
                row_checked = True
                try:
                    with transaction.atomic():
                        HostTurn.objects.get_or_create(host=host)
                except IntegrityError:
                    pass  # another process made the row first
                continue
            if time.monotonic() > deadline:
                raise FetchError(f"{host} was busy with other requests for more than {max_wait:.0f} s.")
            time.sleep(self.POLL_EVERY)
        try:
            yield
        finally:
            HostTurn.objects.filter(host=host, holder=holder).update(
                holder="", busy_until=None, next_at=timezone.now() + timedelta(seconds=min_delay))


def _fetching(client: Fetcher | None):
    """The caller's fetcher, or a new one whose connections close after use."""
    return nullcontext(client) if client is not None else fetcher()


def fetcher() -> Fetcher:
    return Fetcher(FetchPolicy(
        user_agent=settings.FETCH_USER_AGENT, allow_private=settings.FETCH_ALLOW_PRIVATE_NETWORKS,
        allowed_addresses=frozenset(settings.FETCH_ALLOWED_ADDRESSES),
        connect_timeout=settings.FETCH_CONNECT_TIMEOUT, read_timeout=settings.FETCH_READ_TIMEOUT,
        max_bytes=settings.FETCH_MAX_BYTES, min_delay=settings.FETCH_HOST_DELAY,
        max_retry_wait=settings.FETCH_MAX_RETRY_WAIT,
    ), gate=DatabaseHostGate())


# -- managing sources ---------------------------------------------------------------------------------------------


def _clean_settings(*, name: str, language: str, poll_minutes: int) -> tuple[str, str]:
    name = " ".join((name or "").split())[:200]
    if not name:
        raise SourceError(_("Give the source a name (the publication its articles are filed under)."))
    language = (language or "").strip().lower()
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise SourceError(_("Unknown language code '%(code)s': use a two-letter code such as fr or en.")
                          % {"code": language})
    if not 1 <= poll_minutes <= 7 * 24 * 60:
        raise SourceError(_("The poll interval must be between 1 minute and 7 days."))
    return name, language


def feed_url_check(url: str) -> str:
    """The address, stripped, if it may be followed; SourceError with the reason otherwise."""
    url = (url or "").strip()
    refusal = url_refusal(url, allow_private=settings.FETCH_ALLOW_PRIVATE_NETWORKS,
                          allowed=frozenset(settings.FETCH_ALLOWED_ADDRESSES))
    if refusal:
        raise SourceError(_("This address cannot be followed: %(reason)s") % {"reason": refusal})
    return url


def feed_create(*, name: str, url: str, poll_minutes: int = 15, language: str = "", fetch_pages: bool = True,
                topics=(), created_by=None) -> Feed:
    """Follow a feed, or a site whose feed its first poll discovers; the first poll is sent after commit.

    Raises SourceError (refused address, bad settings, address already followed) and stores nothing then.
    """
    name, language = _clean_settings(name=name, language=language, poll_minutes=poll_minutes)
    url = feed_url_check(url)
    if Feed.objects.filter(Q(url=url) | Q(feed_url=url)).exists():
        raise SourceError(_("This address is already followed."))
    try:
        with transaction.atomic():
            source, _created = Source.objects.get_or_create(name=name)
            feed = Feed.objects.create(source=source, url=url, language=language, poll_minutes=poll_minutes,
                                       fetch_pages=fetch_pages, created_by=created_by, next_poll_at=timezone.now())
            if topics:
                source.default_topics.set(topics)
            send_on_commit(Message(poll_source, (feed.id,)))
    except IntegrityError:
        raise SourceError(_("This address is already followed.")) from None
    return feed


def feed_update(*, feed: Feed, name: str, language: str, poll_minutes: int, active: bool, fetch_pages: bool,
                topics=None) -> Feed:
    """Change a source's settings; a new name files its next articles under that publication.
    ``topics`` (unchanged when None) are suggested for each of its articles from now on."""
    name, language = _clean_settings(name=name, language=language, poll_minutes=poll_minutes)
    with transaction.atomic():
        source, _created = Source.objects.get_or_create(name=name)
        resumed = active and not feed.active
        feed.source, feed.language, feed.poll_minutes, feed.active, feed.fetch_pages = (
            source, language, poll_minutes, active, fetch_pages)
        fields = ["source", "language", "poll_minutes", "active", "fetch_pages"]
        if resumed:
            feed.next_poll_at = timezone.now()
            fields.append("next_poll_at")
        feed.save(update_fields=fields)
        if topics is not None:
            source.default_topics.set(topics)
    return feed


def feed_set_active(*, feed: Feed, active: bool) -> Feed:
    """Pause or resume; a resumed source is polled at the next beat."""
    return feed_update(feed=feed, name=feed.source.name, language=feed.language, poll_minutes=feed.poll_minutes,
                       active=active, fetch_pages=feed.fetch_pages)


def feed_poll_now(*, feed: Feed) -> None:
    """Send a poll of the source now (paused or not), after commit."""
    send_on_commit(Message(poll_source, (feed.id,)))


def feeds_send_due(*, now=None) -> list[int]:
    """Send a poll for every due source (beat, every minute); returns their ids.

    Each is claimed by a conditional update that moves its next poll ``SEND_LEASE``
    ahead, so a second beat does not send it again while its message waits, and a lost
    message makes it due again afterwards.
    """
    now = now or timezone.now()
    sent = []
    for feed_id, next_poll_at in Feed.objects.due(now).order_by("next_poll_at").values_list("id", "next_poll_at")[:500]:
        if Feed.objects.filter(id=feed_id, next_poll_at=next_poll_at).update(next_poll_at=now + SEND_LEASE):
            sent.append(feed_id)
    return sent[: send(Message(poll_source, (feed_id,)) for feed_id in sent)]


# -- polling ------------------------------------------------------------------------------------------------------


@dataclass
class _Counts:
    seen: int = 0
    new: int = 0
    failed: int = 0
    first_error: str = ""


def feed_poll(*, feed_id: int, client: Fetcher | None = None) -> FeedPoll | None:
    """Poll a source once: fetch its feed (conditional GET), store its new items as articles.

    Returns the poll's record, or None when another worker is polling it.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=Feed.POLL_STALE_AFTER)
    claimed = Feed.objects.filter(id=feed_id).filter(Q(poll_started_at__isnull=True) | Q(poll_started_at__lt=stale))
    if not claimed.update(poll_started_at=now):
        return None
    feed = Feed.objects.select_related("source").get(id=feed_id)
    with _fetching(client) as client:
        return _poll(feed, client, now)


def _poll(feed: Feed, client: Fetcher, now) -> FeedPoll:
    poll = FeedPoll(feed=feed, started_at=now)
    try:
        result = _fetch_feed(feed, client)
        if result.not_modified:
            poll.outcome = FeedPoll.Outcome.NOT_MODIFIED
        else:
            parsed = feeds.parse_feed(result.content, content_type=result.content_type, url=result.url)
            counts = _take_entries(feed, parsed.entries, client)
            poll.outcome = FeedPoll.Outcome.OK
            poll.items_seen, poll.items_new, poll.items_failed = counts.seen, counts.new, counts.failed
            if counts.failed:
                poll.error = ngettext("%(count)s item could not be stored: %(error)s",
                                      "%(count)s items could not be stored; the first: %(error)s",
                                      counts.failed) % {"count": counts.failed, "error": counts.first_error}
            poll.error = " ".join(filter(None, [parsed.warning, poll.error]))
        _poll_succeeded(feed, poll, result)
    except (FetchError, feeds.FeedError) as exc:
        _poll_failed(feed, poll, str(exc), retry_after=getattr(exc, "retry_after", None))
    except Exception as exc:
        logger.exception("source %s: poll failed", feed.id)
        _poll_failed(feed, poll, f"Unexpected error: {type(exc).__name__}: {exc}")
    return poll


def _fetch_feed(feed: Feed, client: Fetcher) -> FetchResult:
    """The feed's answer; the first poll of a site's address finds the feed its page announces."""
    if feed.feed_url:
        return client.fetch(feed.feed_url, etag=feed.etag, last_modified=feed.last_modified, accept=FEED_ACCEPT)
    result = client.fetch(feed.url, accept=FEED_ACCEPT)
    if "html" in result.content_type or feeds._looks_like_html(result.content):
        found = feeds.discover_feed(result.text(), base_url=result.url) or _news_sitemap(client, result.url)
        if not found:
            raise feeds.FeedError("This page announces no feed (no <link rel=\"alternate\"> of an RSS, Atom or "
                                  "JSON Feed type) and the site has no news sitemap: give the feed's own address.")
        result = client.fetch(found, accept=FEED_ACCEPT)
        feed.feed_url = found
    else:
        feed.feed_url = feed.url
    return result


# Where sites usually put their news sitemap, besides what their robots.txt names; how many to try.
NEWS_SITEMAP_PATHS = ("/news-sitemap.xml", "/sitemap_news.xml", "/sitemap-news.xml")
SITEMAP_TRIES = 6


def _news_sitemap(client: Fetcher, page_url: str) -> str:
    """The address of a news sitemap of the page's site ("" if none): one its robots.txt names,
    directly or through a sitemap index, or one at a usual address; at most ``SITEMAP_TRIES`` fetches."""
    parts = urlsplit(page_url)
    site = f"{parts.scheme}://{parts.netloc}"
    candidates = [*client.sitemaps(page_url), *(site + path for path in NEWS_SITEMAP_PATHS)]
    tried: set[str] = set()
    while candidates and len(tried) < SITEMAP_TRIES:
        url = candidates.pop(0)
        if url in tried:
            continue
        tried.add(url)
        try:
            result = client.fetch(url, accept=FEED_ACCEPT)
        except FetchError:
            continue
        if feeds.is_news_sitemap(result.content):
            return url
        # An index: its news sitemaps first.
        candidates[:0] = [child for child in feeds.sitemap_index_children(result.content) if "news" in child.lower()]
    return ""


def _poll_succeeded(feed: Feed, poll: FeedPoll, result: FetchResult) -> None:
    now = timezone.now()
    with transaction.atomic():
        fields = {"poll_started_at": None, "last_polled_at": now, "last_success_at": now, "consecutive_failures": 0,
                  "next_poll_at": now + timedelta(minutes=feed.poll_minutes), "feed_url": feed.feed_url}
        if not result.not_modified:
            fields.update(etag=result.etag[:500], last_modified=result.last_modified[:100])
        if poll.error:
            fields.update(last_error=poll.error, last_error_at=now)
        Feed.objects.filter(id=feed.id).update(**fields)
        _record(poll, now)


def _poll_failed(feed: Feed, poll: FeedPoll, error: str, *, retry_after: float | None = None) -> None:
    now = timezone.now()
    failures = feed.consecutive_failures + 1
    backoff = min(feed.poll_minutes * 2 ** min(failures, 20), settings.SOURCES_MAX_BACKOFF_MINUTES)
    wait = max(timedelta(minutes=backoff), timedelta(seconds=retry_after or 0))
    with transaction.atomic():
        Feed.objects.filter(id=feed.id).update(
            poll_started_at=None, last_polled_at=now, last_error=error, last_error_at=now,
            consecutive_failures=F("consecutive_failures") + 1, next_poll_at=now + wait, feed_url=feed.feed_url)
        poll.outcome, poll.error = FeedPoll.Outcome.FAILED, error
        _record(poll, now)
    logger.warning("source %s: poll failed (%s failures in a row): %s", feed.id, failures, error)


def _record(poll: FeedPoll, now) -> None:
    poll.finished_at = now
    poll.save()
    old = FeedPoll.objects.filter(feed_id=poll.feed_id).order_by("-started_at", "-id")[FeedPoll.KEEP:]
    FeedPoll.objects.filter(id__in=list(old.values_list("id", flat=True))).delete()


def _take_entries(feed: Feed, entries: list[feeds.Entry], client: Fetcher) -> _Counts:
    counts = _Counts(seen=len(entries))
    # Feeds list the newest first: store the oldest first, so ids follow publication order.
    entries = list(reversed(entries[: settings.SOURCES_MAX_ITEMS_PER_POLL]))
    done = set(FeedItem.objects.filter(feed=feed, guid__in=[e.guid for e in entries])
               .filter(Q(state=FeedItem.State.STORED) | Q(attempts__gte=FeedItem.MAX_ATTEMPTS))
               .values_list("guid", flat=True))
    todo = [e for e in entries if e.guid not in done]
    # A first poll or a backfill goes to the bulk queue in batches: a pasted article is not kept waiting.
    bulk = feed.last_success_at is None or len(todo) > settings.SOURCES_BULK_AFTER
    for_bulk = []
    for entry in todo:
        item = _item_for(feed, entry)
        if item is None or item.state == FeedItem.State.STORED:
            continue
        try:
            article, created = _store_entry(feed, item, entry, client, enqueue=not bulk)
        except (IngestError, FetchError) as exc:
            FeedItem.objects.filter(id=item.id).update(state=FeedItem.State.FAILED, error=str(exc),
                                                       attempts=F("attempts") + 1)
            counts.failed += 1
            counts.first_error = counts.first_error or f"{entry.title or entry.guid}: {exc}"
            continue
        if created:
            counts.new += 1
            if bulk:
                for_bulk.append(article.id)
    if for_bulk:
        annotation_enqueue(for_bulk, batch_size=settings.IMPORT_ANNOTATION_BATCH)
    return counts


def _item_for(feed: Feed, entry: feeds.Entry) -> FeedItem | None:
    """The item's row, made on first sight; None when another GUID of this feed already has its URL."""
    url = normalise_url(entry.link) if entry.link else ""
    try:
        with transaction.atomic():
            item, _created = FeedItem.objects.get_or_create(
                feed=feed, guid=entry.guid,
                defaults={"url": url, "title": entry.title[:500], "published_at": entry.published,
                          "author": entry.author[:300]})
    except IntegrityError:
        return None  # the same link under a second GUID: one article
    return item


def _store_entry(feed: Feed, item: FeedItem, entry: feeds.Entry, client: Fetcher, *, enqueue: bool):
    """Store one item as an article (the same ingest as a pasted one) and link it, in one transaction."""
    title, body, kind, published, author = entry.title, entry.text, FeedItem.Text.FEED, entry.published, entry.author
    url, note = item.url, ""
    known = article_with_url(url)
    if url and feed.fetch_pages and known is None:
        try:
            page = client.fetch_page(entry.link)
            markup = page.text()
            extracted = pages.extract_page(markup, url=page.url)
            canonical = feeds.canonical_link(markup, base_url=page.url)
            if canonical:
                url = normalise_url(canonical)
        except FetchError as exc:
            extracted, note = None, str(exc)
        if extracted is not None:
            title, published, author = (
                title or extracted.title, published or extracted.published, author or extracted.author
            )
            if pages.is_excerpt(extracted.text, entry.text):
                kind, body = FeedItem.Text.EXCERPT, max(extracted.text, entry.text, key=len)
            else:
                kind, body = FeedItem.Text.PAGE, extracted.text
        elif not note:
            note = _("No article text found in the page: the feed's text is used.")
    if not body.strip():
        raise IngestError(note or _("The item has no text and no page to fetch it from."))
    with transaction.atomic():
        result = article_create(body=body, title=title, source_name=feed.source.name, url=url,
                                published_at=published, language=feed.language, enqueue=enqueue)
        # A known article's text came from elsewhere (pasted, another feed): this item says nothing of it.
        FeedItem.objects.filter(id=item.id).update(
            article=result.article, state=FeedItem.State.STORED, text="" if result.duplicate else kind, error=note,
            author=(author or "")[:300], attempts=F("attempts") + 1)
    return result.article, not result.duplicate


# -- an article posted by its address alone ---------------------------------------------------------------------------

# A "fetching" article whose message was lost is sent again after this long (by poll_due).
FETCH_STRANDED_AFTER = timedelta(minutes=10)


def article_fetch_start(*, url: str, title: str = "", source_name: str = "", published_at=None, language: str = "",
                        created_by=None) -> IngestResult:
    """Store an article known by its address alone, "fetching", and send a worker to fetch its page.

    A known address answers the stored article (``duplicate=True``); an address that cannot be
    fetched raises IngestError and stores nothing.
    """
    refusal = url_refusal((url or "").strip(), allow_private=settings.FETCH_ALLOW_PRIVATE_NETWORKS,
                          allowed=frozenset(settings.FETCH_ALLOWED_ADDRESSES))
    if refusal:
        raise IngestError(_("This address cannot be fetched: %(reason)s") % {"reason": refusal})
    address = normalise_url(url)
    known = article_with_url(address)
    if known is not None:
        return IngestResult(article=known, duplicate=True)
    language = (language or "").strip().lower()
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise IngestError(_("Unknown language code '%(code)s': use a two-letter code such as fr or en.")
                          % {"code": language})
    with transaction.atomic():
        source = Source.objects.get_or_create(name=source_name.strip()[:200])[0] if source_name.strip() else None
        article = Article.objects.create(
            title=(title or "").strip()[:500] or address[:500], body="", url=address, source=source,
            published_at=published_at, language=language, language_given=bool(language), created_by=created_by,
            # Unique like every text's fingerprint, until the page's text replaces it.
            content_hash=f"{Article.PAGE_PENDING}{uuid.uuid4().hex}", status=Article.Status.FETCHING,
            queued_at=timezone.now())
        send_on_commit(Message(fetch_article, (article.id,)))
    return IngestResult(article=article, duplicate=False)


def article_fetch(*, article_id: int, client: Fetcher | None = None) -> None:
    """Fetch a "fetching" article's page and queue it for annotation with the page's text,
    or mark it failed with the reason. A second delivery finds it no longer "fetching"."""
    now = timezone.now()
    stale = now - FETCH_STRANDED_AFTER
    claim = Article.objects.filter(id=article_id, status=Article.Status.FETCHING).filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
    if not claim.update(claimed_at=now):
        return
    article = Article.objects.get(id=article_id)
    try:
        with _fetching(client) as client:
            page = client.fetch_page(article.url)
        markup = page.text()
        extracted = pages.extract_page(markup, url=page.url)
    except FetchError as exc:
        return _fetch_failed(article, _("The page could not be fetched: %(reason)s") % {"reason": exc})
    if extracted is None:
        return _fetch_failed(article, _("No article text found in the page."))
    canonical = feeds.canonical_link(markup, base_url=page.url)
    try:
        prepared = article_prepare(body=extracted.text, url=normalise_url(canonical) if canonical else article.url,
                                   title=article.title if article.title != article.url[:500] else extracted.title,
                                   language=article.language)
    except IngestError as exc:
        return _fetch_failed(article, str(exc))
    twin = Article.objects.filter(content_hash=prepared.content_hash).exclude(id=article.id).first()
    if twin is not None:
        return _fetch_failed(article, _("The page's text is already article %(id)s.") % {"id": twin.id})
    try:
        with transaction.atomic():
            Article.objects.filter(id=article.id, status=Article.Status.FETCHING).update(
                title=prepared.title, body=prepared.body, content_hash=prepared.content_hash, url=prepared.url,
                published_at=article.published_at or extracted.published, status=Article.Status.QUEUED,
                queued_at=timezone.now(), claimed_at=None, last_error="")
            # The indexer may have written the placeholder's document (its address, no text) meanwhile.
            SearchDocument.objects.filter(article_id=article.id).delete()
            articles_index([article.id])
            annotation_enqueue([article.id])
    except IntegrityError:
        _fetch_failed(article, _("The page's text is already stored as another article."))


def articles_retry(*, article_ids: Iterable[int]) -> list[int]:
    """An editor's "try again": an article posted by its address whose page could not be fetched
    is fetched again; any other finished article is annotated again (``articles_requeue``).
    Returns the ids sent back to the workers; those already in their hands are left alone."""
    ids = set(article_ids)
    with transaction.atomic():
        pageless = list(Article.objects.select_for_update().filter(id__in=ids).finished().without_page()
                        .exclude(url="").order_by("id").values_list("id", flat=True))
        Article.objects.filter(id__in=pageless).update(
            status=Article.Status.FETCHING, attempts=0, last_error="", claimed_at=None, queued_at=timezone.now())
        send_on_commit(*(Message(fetch_article, (article_id,)) for article_id in pageless))
        return sorted(pageless + articles_requeue(article_ids=ids - set(pageless)))


def _fetch_failed(article: Article, reason: str) -> None:
    Article.objects.filter(id=article.id, status=Article.Status.FETCHING).update(
        status=Article.Status.FAILED, last_error=reason, claimed_at=None)


def articles_fetch_stranded(*, now=None) -> list[int]:
    """Send again the "fetching" articles whose message was lost (every minute, with ``poll_due``)."""
    now = now or timezone.now()
    ids = list(Article.objects.filter(status=Article.Status.FETCHING, queued_at__lt=now - FETCH_STRANDED_AFTER)
               .values_list("id", flat=True)[:500])
    Article.objects.filter(id__in=ids).update(queued_at=now)
    return ids[: send(Message(fetch_article, (article_id,)) for article_id in ids)]
