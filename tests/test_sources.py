"""Followed sources: polling real feeds served on 127.0.0.1, the API, the health of a source."""

import html
import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Source
from articles.services.accounts import api_token_create
from articles.services.ingest import normalise_url
from sources import services
from sources.models import Feed, FeedItem, FeedPoll, HostTurn
from tests.conftest import make_user, wait_for
from tests.feedsite import Route, atom, corpus_articles, json_feed, rss


@pytest.fixture(autouse=True)
def _no_host_delay(settings):
    settings.FETCH_HOST_DELAY = 0
    settings.FETCH_READ_TIMEOUT = 3


def _site_with_articles(site, count=3, feed=rss, **feed_route):
    rows = corpus_articles(count=count)
    items = []
    for n, row in enumerate(rows):
        link = site.add_page(f"/news/{n}-story.html", row)
        # The feed carries the first paragraph only, as most news feeds do.
        items.append({"title": row["title"], "link": link + "?utm_source=rss", "guid": f"chronicle-{n}",
                      "description": row["text"].split("\n\n")[0]})
    site.routes["/feed.xml"] = Route(feed(items), content_type="application/rss+xml", **feed_route)
    return rows


def _follow(site, path="/feed.xml", **kwargs):
    return services.feed_create(name=kwargs.pop("name", "The Test Chronicle"), url=site.url + path, **kwargs)


def test_it_stores_each_item_with_its_source_and_url_and_the_page_text(db, feed_site):
    rows = _site_with_articles(feed_site)
    feed = _follow(feed_site)
    poll = services.feed_poll(feed_id=feed.id)
    assert poll.outcome == FeedPoll.Outcome.OK and poll.items_new == 3
    articles = list(Article.objects.order_by("id"))
    assert [a.source.name for a in articles] == ["The Test Chronicle"] * 3
    # Oldest item first; the tracking parameter is gone from the stored address.
    assert [a.url for a in articles] == [f"{feed_site.url}/news/{n}-story.html" for n in (2, 1, 0)]
    for article, row in zip(articles, reversed(rows), strict=True):
        assert article.title == row["title"]
        assert row["text"].split("\n\n")[-1][:80] in article.body  # the whole text, from the page
        assert "All rights reserved" not in article.body and "Most read" not in article.body
    assert set(FeedItem.objects.values_list("text", flat=True)) == {FeedItem.Text.PAGE}
    feed.refresh_from_db()
    assert feed.status == Feed.Status.OK and feed.feed_url == feed.url and feed.last_error == ""


def test_a_second_poll_is_answered_304_and_creates_nothing(db, feed_site):
    _site_with_articles(feed_site, etag='"v1"')
    feed = _follow(feed_site)
    services.feed_poll(feed_id=feed.id)
    second = services.feed_poll(feed_id=feed.id)
    assert second.outcome == FeedPoll.Outcome.NOT_MODIFIED
    assert Article.objects.count() == 3
    assert feed_site.requests[-1][1]["if-none-match"] == '"v1"'


def test_a_poll_that_sees_the_items_again_stores_none_twice(db, feed_site):
    _site_with_articles(feed_site)
    feed = _follow(feed_site)
    services.feed_poll(feed_id=feed.id)
    again = services.feed_poll(feed_id=feed.id)
    assert again.outcome == FeedPoll.Outcome.OK and again.items_new == 0
    assert Article.objects.count() == 3 and FeedItem.objects.count() == 3


def test_a_poll_cut_short_leaves_nothing_the_next_poll_duplicates(db, feed_site):
    _site_with_articles(feed_site)
    feed = _follow(feed_site)
    # What a worker killed mid-poll leaves: its claim, and an item seen but not yet stored.
    FeedItem.objects.create(feed=feed, guid="chronicle-1", url=f"{feed_site.url}/news/1-story.html")
    Feed.objects.filter(id=feed.id).update(poll_started_at=timezone.now() - timedelta(hours=1))
    poll = services.feed_poll(feed_id=feed.id)
    assert poll.items_new == 3
    assert Article.objects.count() == 3 and FeedItem.objects.filter(article__isnull=False).count() == 3


def test_a_feed_polled_by_another_worker_is_left_to_it(db, feed_site):
    _site_with_articles(feed_site)
    feed = _follow(feed_site)
    Feed.objects.filter(id=feed.id).update(poll_started_at=timezone.now())
    assert services.feed_poll(feed_id=feed.id) is None
    assert feed_site.requests == []


def test_a_site_address_finds_the_feed_its_page_announces(db, feed_site):
    _site_with_articles(feed_site, feed=atom)
    feed_site.add_home("/", "/feed.xml", "application/atom+xml")
    feed = _follow(feed_site, path="/")
    services.feed_poll(feed_id=feed.id)
    feed.refresh_from_db()
    assert feed.feed_url == feed_site.url + "/feed.xml"
    assert Article.objects.count() == 3


def test_it_reads_json_feed(db, feed_site):
    _site_with_articles(feed_site, feed=json_feed)
    feed_site.routes["/feed.xml"].content_type = "application/feed+json"
    feed = _follow(feed_site)
    assert services.feed_poll(feed_id=feed.id).items_new == 3


@pytest.mark.parametrize(("route", "message"), [
    (Route(b"<?xml version='1.0'?><rss><channel><item><title>broken", content_type="application/rss+xml"),
     "not well-formed XML"),
    (Route(b"<!doctype html><html><body><p>Hello</p></body></html>"), "announces no feed"),
    (Route(b"oops", status=500), "answered 500 Internal Server Error"),
    (Route(b"<rss/>", delay=4), "Timed out waiting for the answer"),
    (Route(b'{"version": "1"}', content_type="application/json"), "not a JSON Feed"),
])
def test_a_feed_that_cannot_be_read_makes_the_source_failing_with_the_reason(db, feed_site, route, message):
    feed_site.routes["/feed.xml"] = route
    feed_site.routes["/"] = route
    feed = _follow(feed_site, path="/" if "announces" in message else "/feed.xml")
    poll = services.feed_poll(feed_id=feed.id)
    feed.refresh_from_db()
    assert poll.outcome == FeedPoll.Outcome.FAILED and message in poll.error
    assert feed.status == Feed.Status.FAILING and message in feed.last_error
    assert feed.consecutive_failures == 1 and feed.poll_started_at is None
    assert feed.next_poll_at > timezone.now() + timedelta(minutes=feed.poll_minutes)


def test_a_failing_source_backs_off_then_recovers(db, feed_site):
    feed_site.routes["/feed.xml"] = Route(b"oops", status=500)
    feed = _follow(feed_site)
    services.feed_poll(feed_id=feed.id)
    services.feed_poll(feed_id=feed.id)
    feed.refresh_from_db()
    assert feed.consecutive_failures == 2
    assert feed.next_poll_at > timezone.now() + timedelta(minutes=4 * feed.poll_minutes - 1)
    _site_with_articles(feed_site)
    services.feed_poll(feed_id=feed.id)
    feed.refresh_from_db()
    assert feed.status == Feed.Status.OK and feed.consecutive_failures == 0
    assert Article.objects.count() == 3


def test_duplicate_guids_and_links_make_one_article(db, feed_site):
    row = corpus_articles(count=1)[0]
    link = feed_site.add_page("/news/one.html", row)
    text = row["text"].split("\n\n")[0]
    feed_site.routes["/feed.xml"] = Route(rss([
        {"title": row["title"], "link": link, "guid": "same", "description": text},
        {"title": row["title"], "link": link, "guid": "same", "description": text},
        {"title": row["title"], "link": link + "#comments", "guid": "other", "description": text},
    ]), content_type="application/rss+xml")
    feed = _follow(feed_site)
    services.feed_poll(feed_id=feed.id)
    assert Article.objects.count() == 1 and FeedItem.objects.count() == 1


def test_an_item_without_a_link_is_stored_from_the_feed_text(db, feed_site):
    row = corpus_articles(count=1, skip=3)[0]
    feed_site.routes["/feed.xml"] = Route(rss([{"title": row["title"], "description": row["text"]}]),
                                          content_type="application/rss+xml")
    feed = _follow(feed_site)
    services.feed_poll(feed_id=feed.id)
    article = Article.objects.get()
    assert article.url == "" and article.body.startswith(row["text"][:100])
    assert FeedItem.objects.get().text == FeedItem.Text.FEED


def test_a_page_that_cannot_be_fetched_leaves_the_feed_text_marked_feed_text_only(db, feed_site):
    row = corpus_articles(count=1)[0]
    feed_site.routes["/feed.xml"] = Route(rss([{"title": row["title"], "link": feed_site.url + "/gone.html",
                                                "guid": "g", "description": row["text"]}]),
                                          content_type="application/rss+xml")
    feed = _follow(feed_site)
    services.feed_poll(feed_id=feed.id)
    item = FeedItem.objects.get()
    assert item.text == FeedItem.Text.FEED and "404" in item.error
    assert item.article.body.startswith(row["text"][:100])


def test_a_page_much_shorter_than_the_feed_text_is_marked_excerpt_only(db, feed_site):
    row = corpus_articles(count=1)[0]
    teaser = {"title": row["title"], "text": row["text"].split("\n\n")[0] + "\n\nSubscribe to continue reading."}
    link = feed_site.add_page("/news/paywalled.html", teaser)
    feed_site.routes["/feed.xml"] = Route(rss([{"title": row["title"], "link": link, "guid": "p",
                                                "description": row["text"]}]), content_type="application/rss+xml")
    feed = _follow(feed_site)
    services.feed_poll(feed_id=feed.id)
    item = FeedItem.objects.get()
    assert item.text == FeedItem.Text.EXCERPT
    assert len(item.article.body) >= len(row["text"]) * 0.9  # the longer text is kept


def test_the_canonical_link_of_the_page_is_the_article_address(db, feed_site):
    row = corpus_articles(count=1)[0]
    link = feed_site.add_page("/amp/story.html", row, canonical="https://Chronicle.example:443/news/story/")
    feed_site.routes["/feed.xml"] = Route(rss([{"title": row["title"], "link": link, "guid": "c",
                                                "description": row["text"][:200]}]), content_type="application/rss+xml")
    services.feed_poll(feed_id=_follow(feed_site).id)
    assert Article.objects.get().url == "https://chronicle.example/news/story"


def test_scripts_in_entries_are_dropped_from_the_text_and_escaped_on_the_pages(db, feed_site, editor_client):
    feed_site.routes["/feed.xml"] = Route(rss([{
        "title": "<script>alert('title')</script>Council &amp; <b>budget</b> <img src=x onerror=alert(1)>",
        "guid": "x",
        "description": "<p>The council met on Monday.</p><script>alert('body')</script><p>It voted the budget.</p>",
    }]), content_type="application/rss+xml")
    services.feed_poll(feed_id=_follow(feed_site).id)
    article = Article.objects.get()
    assert "alert" not in article.body and "<p>" not in article.body
    assert "It voted the budget." in article.body
    response = editor_client.get(f"/articles/{article.id}")
    assert b"<script>alert" not in response.content and b"onerror=alert" not in response.content


def test_private_addresses_are_refused_when_private_networks_are_not_allowed(db, feed_site, settings):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
    with pytest.raises(services.SourceError, match="loopback address"):
        _follow(feed_site)
    assert Feed.objects.count() == 0


def test_due_sources_are_sent_once(db, feed_site):
    _site_with_articles(feed_site)
    feed = _follow(feed_site)
    paused = _follow(feed_site, path="/other.xml", name="Paused")
    Feed.objects.filter(id=paused.id).update(active=False)
    assert services.feeds_send_due() == [feed.id]
    assert services.feeds_send_due() == []  # its message is on its way


# -- API --------------------------------------------------------------------------------------------------------------


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user)}"}


def test_api_chief_editors_follow_sources_and_editors_read_them(client, db, feed_site):
    chief, editor = make_user("chief", "chief editor"), make_user("ed", "editor")
    payload = {"name": "The Test Chronicle", "url": feed_site.url + "/feed.xml"}
    assert client.post("/api/sources", payload, content_type="application/json", **_auth(editor)).status_code == 403
    created = client.post("/api/sources", payload, content_type="application/json", **_auth(chief))
    assert created.status_code == 201
    source_id = created.json()["id"]
    answer = client.get(f"/api/sources/{source_id}", **_auth(editor)).json()
    assert answer == {"id": source_id, "name": "The Test Chronicle", "url": feed_site.url + "/feed.xml",
                      "feed_url": "", "status": "new", "last_polled_at": None, "last_success_at": None,
                      "last_error": "", "articles_count": 0}
    assert [s["id"] for s in client.get("/api/sources", **_auth(editor)).json()] == [source_id]
    assert client.post(f"/api/sources/{source_id}/poll", **_auth(editor)).status_code == 403
    assert client.post(f"/api/sources/{source_id}/poll", **_auth(chief)).status_code == 202


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/feed", "not a url"])
def test_api_refuses_an_address_that_cannot_be_followed(client, db, url):
    chief = make_user("chief", "chief editor")
    response = client.post("/api/sources", {"name": "X", "url": url}, content_type="application/json", **_auth(chief))
    assert response.status_code == 400
    assert "cannot be followed" in response.json()["detail"]
    assert Feed.objects.count() == 0


# -- a real worker -----------------------------------------------------------------------------------------------------


def test_a_worker_polls_a_new_source_and_a_second_poll_creates_nothing(worker, feed_site, client):
    _site_with_articles(feed_site, etag='"v1"')
    chief = make_user("chief", "chief editor")
    created = client.post("/api/sources", {"name": "The Test Chronicle", "url": feed_site.url + "/feed.xml"},
                          content_type="application/json", **_auth(chief))
    source_id = created.json()["id"]
    wait_for(lambda: Article.objects.filter(source__name="The Test Chronicle").count() == 3, timeout=120,
             worker=worker, what="the feed's three articles")
    wait_for(lambda: Feed.objects.get(id=source_id).last_success_at, worker=worker, what="the poll to end")
    answer = client.get(f"/api/sources/{source_id}", **_auth(chief)).json()
    assert answer["status"] == "ok" and answer["articles_count"] == 3
    assert client.post(f"/api/sources/{source_id}/poll", **_auth(chief)).status_code == 202
    wait_for(lambda: FeedPoll.objects.filter(feed_id=source_id, outcome="not_modified").exists(), worker=worker,
             what="a second poll answered 304")
    assert Article.objects.count() == 3


def test_two_workers_take_turns_on_one_host(transactional_db, feed_site):
    from django.db import connection

    from sources.fetch import Fetcher, FetchPolicy

    feed_site.routes["/a"] = Route(b"a", delay=0.2)
    policy = FetchPolicy(allow_private=True, min_delay=0.5)
    errors = []

    def fetch():
        try:
            Fetcher(policy, gate=services.DatabaseHostGate()).fetch(feed_site.url + "/a")
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=fetch) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    gaps = [later - earlier for earlier, later in zip(feed_site.arrivals, feed_site.arrivals[1:], strict=False)]
    # Each request waits for the previous one's answer (0.2 s) and then the delay (0.5 s).
    assert len(feed_site.arrivals) == 3 and min(gaps) >= 0.65


def test_a_first_poll_goes_to_annotation_in_batches_and_later_items_one_by_one(db, feed_site, settings,
                                                                                django_capture_on_commit_callbacks):
    settings.IMPORT_ANNOTATION_BATCH = 2
    _site_with_articles(feed_site)
    feed = _follow(feed_site)
    with django_capture_on_commit_callbacks() as first:
        services.feed_poll(feed_id=feed.id)
    sent = [message for callback in first if hasattr(callback, "messages") for message in callback.messages]
    assert [(m.task.name, len(m.args[0])) for m in sent] == [("articles.annotate_batch", 2),
                                                             ("articles.annotate_batch", 1)]
    row = corpus_articles(count=1, skip=5)[0]
    feed_site.routes["/feed.xml"] = Route(rss([{"title": row["title"], "guid": "later", "description": row["text"]}]),
                                          content_type="application/rss+xml")
    with django_capture_on_commit_callbacks() as later:
        services.feed_poll(feed_id=feed.id)
    sent = [message for callback in later if hasattr(callback, "messages") for message in callback.messages]
    assert [m.task.name for m in sent] == ["articles.annotate_article"]


def test_a_worker_killed_mid_poll_leaves_nothing_the_next_poll_duplicates(worker, worker_factory, feed_site):
    # ``worker``: the session's worker annotates what the polls store, and the test ends once it has.
    from sources.tasks import poll_source

    rows = corpus_articles(count=4)
    items = []
    for n, row in enumerate(rows):
        # Slow pages: the worker is killed while it reads them.
        link = feed_site.add_page(f"/news/{n}.html", row, delay=1.5)
        items.append({"title": row["title"], "link": link, "guid": f"k{n}", "description": row["text"][:300]})
    feed_site.routes["/feed.xml"] = Route(rss(items), content_type="application/rss+xml")
    # Made here rather than with feed_create, whose first poll could go to the session's worker.
    feed = Feed.objects.create(source=Source.objects.create(name="Killed Chronicle"), url=feed_site.url + "/feed.xml")
    doomed = worker_factory(args=("-Q", "sources-doomed"))
    poll_source.apply_async((feed.id,), queue="sources-doomed")
    wait_for(lambda: FeedItem.objects.filter(feed=feed, state=FeedItem.State.STORED).exists(), timeout=120,
             worker=doomed, what="a first item stored")
    doomed.kill()
    stored_before = FeedItem.objects.filter(feed=feed, state=FeedItem.State.STORED).count()
    assert stored_before < 4
    # Past the stale claim's time, and past the lease of the host's turn the dead worker may have
    # held mid-request, the next poll runs (here in this process).
    Feed.objects.filter(id=feed.id).update(poll_started_at=timezone.now() - timedelta(hours=1))
    HostTurn.objects.update(busy_until=timezone.now() - timedelta(seconds=1))
    poll = services.feed_poll(feed_id=feed.id)
    assert poll.outcome == FeedPoll.Outcome.OK and poll.items_new == 4 - stored_before
    assert Article.objects.filter(source__name="Killed Chronicle").count() == 4
    assert sorted(Article.objects.values_list("title", flat=True)) == sorted(row["title"] for row in rows)
    assert FeedItem.objects.filter(feed=feed).count() == 4


def test_an_item_already_pasted_links_to_that_article_without_a_mark(db, feed_site):
    from articles.services.ingest import article_create

    row = corpus_articles(count=1)[0]
    link = feed_site.add_page("/news/pasted.html", row)
    pasted = article_create(body=row["text"], title=row["title"], url=link, source_name="Pasted by hand").article
    feed_site.routes["/feed.xml"] = Route(rss([{"title": row["title"], "link": link, "guid": "p",
                                                "description": row["text"][:200]}]), content_type="application/rss+xml")
    poll = services.feed_poll(feed_id=_follow(feed_site).id)
    item = FeedItem.objects.get()
    assert poll.items_new == 0 and item.article == pasted and item.text == ""
    assert "/news/pasted.html" not in feed_site.paths()  # a known address costs no page fetch


def test_a_page_robots_txt_forbids_is_not_fetched_and_the_feed_text_is_kept(db, feed_site):
    row = corpus_articles(count=1)[0]
    link = feed_site.add_page("/members/story.html", row)
    feed_site.routes["/robots.txt"] = Route(b"User-agent: PressReview\nDisallow: /members/\n",
                                            content_type="text/plain")
    feed_site.routes["/feed.xml"] = Route(rss([{"title": row["title"], "link": link, "guid": "r",
                                                "description": row["text"]}]), content_type="application/rss+xml")
    services.feed_poll(feed_id=_follow(feed_site).id)
    item = FeedItem.objects.get()
    assert item.text == FeedItem.Text.FEED and "robots.txt" in item.error
    assert "/members/story.html" not in feed_site.paths()


def test_an_item_with_no_text_anywhere_is_reported_and_the_others_stored(db, feed_site):
    row = corpus_articles(count=1)[0]
    feed_site.routes["/feed.xml"] = Route(rss([{"title": "Only a title", "guid": "empty"},
                                               {"title": row["title"], "guid": "full", "description": row["text"]}]),
                                          content_type="application/rss+xml")
    feed = _follow(feed_site)
    poll = services.feed_poll(feed_id=feed.id)
    feed.refresh_from_db()
    assert poll.items_new == 1 and poll.items_failed == 1
    assert poll.error == "1 item could not be stored: Only a title: The item has no text and no page to fetch it from."
    assert feed.status == Feed.Status.OK and feed.last_error == poll.error
    assert FeedItem.objects.get(guid="empty").state == FeedItem.State.FAILED


@pytest.mark.parametrize(("given", "stored"), [
    ("HTTPS://News.Example:443/a/b/?utm_source=rss&id=3#top", "https://news.example/a/b?id=3"),
    ("http://news.example:80/", "http://news.example/"),
    ("http://news.example:8080/a/", "http://news.example:8080/a"),
    ("https://[2001:db8::1]:443/a", "https://[2001:db8::1]/a"),
])
def test_an_item_address_is_stored_in_one_form(given, stored):
    assert normalise_url(given) == stored


# -- an article posted by its address alone -------------------------------------------------------------------------


def test_api_an_article_posted_by_its_address_is_fetched_then_queued(client, db, feed_site):
    row = corpus_articles(count=1, skip=2)[0]
    link = feed_site.add_page("/news/posted.html", row)
    editor = make_user("ed", "editor")
    response = client.post("/api/articles", {"url": link + "?utm_medium=api", "source": "Chronicle"},
                           content_type="application/json", **_auth(editor))
    assert response.status_code == 202 and response.json()["status"] == "fetching"
    article_id = response.json()["id"]
    services.article_fetch(article_id=article_id)
    article = Article.objects.get(id=article_id)
    assert article.status == Article.Status.QUEUED and article.title == row["title"]
    assert row["text"].split("\n\n")[-1][:80] in article.body and "All rights reserved" not in article.body
    assert (article.url, article.source.name) == (link, "Chronicle")
    again = client.post("/api/articles", {"url": link}, content_type="application/json", **_auth(editor))
    assert again.status_code == 200 and again.json()["duplicate_of"] == article_id


def test_api_an_article_whose_page_cannot_be_fetched_fails_with_the_reason(client, db, feed_site):
    editor = make_user("ed", "editor")
    response = client.post("/api/articles", {"url": feed_site.url + "/gone.html"}, content_type="application/json",
                           **_auth(editor))
    services.article_fetch(article_id=response.json()["id"])
    article = Article.objects.get(id=response.json()["id"])
    assert article.status == Article.Status.FAILED
    assert article.last_error.startswith("The page could not be fetched: The server answered 404")


@pytest.mark.parametrize(("payload", "message"), [
    ({"url": "file:///etc/passwd"}, "cannot be fetched"),
    ({"url": "http://169.254.169.254/latest"}, "link-local address"),
    ({"title": "nothing"}, "the article text is empty"),
])
def test_api_refuses_an_address_it_cannot_fetch(client, db, settings, payload, message):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
    response = client.post("/api/articles", payload, content_type="application/json",
                           **_auth(make_user("ed", "editor")))
    assert response.status_code == 400 and message in response.json()["detail"]
    assert Article.objects.count() == 0


def test_a_worker_fetches_an_article_posted_by_its_address(worker, feed_site, client):
    row = corpus_articles(count=1, skip=4)[0]
    link = feed_site.add_page("/news/worker.html", row)
    response = client.post("/api/articles", {"url": link}, content_type="application/json",
                           **_auth(make_user("ed", "editor")))
    article_id = response.json()["id"]
    wait_for(lambda: Article.objects.filter(id=article_id).exclude(status="fetching").exists(), worker=worker,
             what="the page fetched")
    article = Article.objects.get(id=article_id)
    assert article.status != Article.Status.FAILED, article.last_error
    assert article.title == row["title"]


def test_a_fetching_article_shows_its_state_and_a_lost_fetch_is_sent_again(db, feed_site, editor_client):
    result = services.article_fetch_start(url=feed_site.url + "/news/later.html")
    page = editor_client.get(f"/articles/{result.article.id}")
    assert page.status_code == 200 and "fetching its page" in page.content.decode()
    assert services.articles_fetch_stranded() == []
    later = timezone.now() + services.FETCH_STRANDED_AFTER + timedelta(seconds=1)
    assert services.articles_fetch_stranded(now=later) == [result.article.id]
    assert services.articles_fetch_stranded(now=later) == []  # stamped: once per period


def test_trying_again_an_article_whose_page_failed_fetches_the_page_again(db, feed_site, editor_client):
    row = corpus_articles(count=1, skip=5)[0]
    result = services.article_fetch_start(url=feed_site.url + "/news/late.html")
    services.article_fetch(article_id=result.article.id)
    article = Article.objects.get(id=result.article.id)
    assert article.status == Article.Status.FAILED and article.body == ""
    feed_site.add_page("/news/late.html", row)
    editor_client.post(f"/articles/{article.id}/retry")
    article.refresh_from_db()
    assert (article.status, article.last_error) == (Article.Status.FETCHING, "")
    services.article_fetch(article_id=article.id)
    article.refresh_from_db()
    assert article.status == Article.Status.QUEUED and article.title == row["title"]
    assert row["text"].split("\n\n")[-1][:80] in article.body


def test_the_queue_s_re_annotate_fetches_pageless_articles_and_annotates_the_others_again(db, feed_site,
                                                                                        editor_client):
    pageless = services.article_fetch_start(url=feed_site.url + "/gone.html").article
    services.article_fetch(article_id=pageless.id)
    pasted = Article.objects.create(title="Collé", body="Un texte collé.", content_hash="pasted",
                                    status=Article.Status.FAILED, last_error="boom")
    response = editor_client.post("/articles/bulk", {"action": "requeue", "articles": [pageless.id, pasted.id]},
                                  follow=True)
    assert "2 articles queued for annotation again." in response.content.decode()
    statuses = dict(Article.objects.values_list("id", "status"))
    assert statuses == {pageless.id: Article.Status.FETCHING, pasted.id: Article.Status.QUEUED}
    assert Article.objects.get(id=pasted.id).body == "Un texte collé."


def test_the_article_page_says_when_its_text_is_the_feed_s_or_an_excerpt(db, feed_site, editor_client):
    full, teased, lost = corpus_articles(count=3)
    full_link = feed_site.add_page("/news/full.html", full)
    teaser = {"title": teased["title"], "text": teased["text"].split("\n\n")[0] + "\n\nSubscribe to continue reading."}
    teaser_link = feed_site.add_page("/news/paywalled.html", teaser)
    feed_site.routes["/feed.xml"] = Route(rss([
        {"title": full["title"], "link": full_link, "guid": "f", "description": full["text"][:200]},
        {"title": teased["title"], "link": teaser_link, "guid": "p", "description": teased["text"]},
        {"title": lost["title"], "link": feed_site.url + "/gone.html", "guid": "g", "description": lost["text"]},
    ]), content_type="application/rss+xml")
    services.feed_poll(feed_id=_follow(feed_site).id)
    shown = {item.guid: editor_client.get(f"/articles/{item.article_id}").content.decode()
             for item in FeedItem.objects.all()}
    assert "Text from the feed only" in shown["g"] and "Excerpt only" not in shown["g"]
    assert "Excerpt only" in shown["p"] and "Text from the feed only" not in shown["p"]
    assert "Text from the feed only" not in shown["f"] and "Excerpt only" not in shown["f"]


def _news_sitemap(items: list[dict]) -> bytes:
    urls = "".join(
        f"<url><loc>{html.escape(item['link'])}</loc><news:news><news:publication><news:name>The Test Chronicle"
        f"</news:name><news:language>en</news:language></news:publication><news:publication_date>{item['date']}"
        f"</news:publication_date><news:title>{html.escape(item['title'])}</news:title></news:news></url>"
        for item in items)
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>').encode()


def _site_without_feed_link(site, sitemap_path):
    rows = corpus_articles(count=2)
    items = [{"link": site.add_page(f"/news/{n}-story.html", row), "title": row["title"],
              "date": f"2026-12-0{n + 1}T08:00:00+01:00"} for n, row in enumerate(rows)]
    site.routes["/"] = Route(b"<!doctype html><html><head><title>The Test Chronicle</title></head>"
                             b"<body><h1>News</h1></body></html>")
    site.routes[sitemap_path] = Route(_news_sitemap(items), content_type="application/xml")
    return rows


@pytest.mark.parametrize("named_by_robots", [False, True])
def test_a_site_without_a_feed_link_is_followed_through_its_news_sitemap(db, feed_site, named_by_robots):
    if named_by_robots:
        rows = _site_without_feed_link(feed_site, "/sitemaps/latest-news.xml")
        index = (f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                 f"<sitemap><loc>{feed_site.url}/sitemaps/pages.xml</loc></sitemap>"
                 f"<sitemap><loc>{feed_site.url}/sitemaps/latest-news.xml</loc></sitemap></sitemapindex>")
        feed_site.routes["/sitemaps/index.xml"] = Route(index.encode(), content_type="application/xml")
        robots = f"User-agent: *\nAllow: /\nSitemap: {feed_site.url}/sitemaps/index.xml\n"
        feed_site.routes["/robots.txt"] = Route(robots.encode(), content_type="text/plain")
        expected = feed_site.url + "/sitemaps/latest-news.xml"
    else:
        rows = _site_without_feed_link(feed_site, "/news-sitemap.xml")
        expected = feed_site.url + "/news-sitemap.xml"
    feed = _follow(feed_site, path="/")
    services.feed_poll(feed_id=feed.id)
    feed.refresh_from_db()
    assert feed.feed_url == expected and feed.last_error == ""
    stored = {article.title: article for article in Article.objects.all()}
    assert sorted(stored) == sorted(row["title"] for row in rows)
    for row in rows:  # the text comes from the page, the date from the sitemap
        assert row["text"].split("\n\n")[-1][:80] in stored[row["title"]].body
    assert {article.published_at.day for article in stored.values()} == {1, 2}


def test_a_site_with_neither_feed_link_nor_news_sitemap_says_so(db, feed_site):
    feed_site.routes["/"] = Route(b"<!doctype html><html><head><title>Chronicle</title></head><body></body></html>")
    feed_site.routes["/news-sitemap.xml"] = Route(
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>http://example.org/about</loc></url></urlset>", content_type="application/xml")
    feed = _follow(feed_site, path="/")
    services.feed_poll(feed_id=feed.id)
    feed.refresh_from_db()
    assert "no news sitemap" in feed.last_error and Article.objects.count() == 0


def test_a_news_sitemap_s_entities_are_not_expanded():
    from sources import feeds

    bomb = (b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY file SYSTEM "file:///etc/passwd">]>'
            b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://example.org/a</loc>'
            b"<news:news><news:title>&b;&file;</news:title></news:news></url></urlset>")
    parsed = feeds.parse_feed(bomb)
    assert [entry.link for entry in parsed.entries] == ["https://example.org/a"]
    assert "root:" not in parsed.entries[0].title and len(parsed.entries[0].title) < 100
