"""The sources page: health at a glance for everyone who reads, management for chief editors."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from sources import services
from sources.models import Feed, FeedItem
from tests.conftest import make_user
from tests.feedsite import Route, rss

pytestmark = pytest.mark.django_db


@pytest.fixture
def chief_client(client):
    client.force_login(make_user("chief", "chief editor"))
    return client


@pytest.fixture
def failing(db):
    feed = services.feed_create(name="Le Quotidien <b>test</b>", url="http://127.0.0.1:9/feed.xml")
    Feed.objects.filter(id=feed.id).update(consecutive_failures=2,
                                           last_error="The server answered 500 <script>x</script>")
    return feed


def test_readers_see_each_source_with_its_health_and_no_actions(viewer_client, failing):
    response = viewer_client.get(reverse("sources:list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Le Quotidien &lt;b&gt;test&lt;/b&gt;" in page and "failing" in page and "2 failures in a row" in page
    assert "answered 500 &lt;script&gt;" in page and "<script>x" not in page
    assert "Poll now" not in page and "Follow a source" not in page


def test_people_without_a_role_cannot_see_sources(client, failing):
    client.force_login(make_user("nobody", ""))
    assert client.get(reverse("sources:list")).status_code == 403


def test_a_chief_editor_follows_a_source_from_the_page(chief_client):
    response = chief_client.post(reverse("sources:add"), {"url": "http://127.0.0.1:9/feed.xml", "name": "Chronicle",
                                                          "poll_minutes": "30", "language": "fr", "fetch_pages": "on"})
    feed = Feed.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("sources:detail", args=[feed.id])
    assert (feed.source.name, feed.poll_minutes, feed.language, feed.fetch_pages) == ("Chronicle", 30, "fr", True)


def test_a_refused_address_is_explained_on_the_form(chief_client, settings):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
    response = chief_client.post(reverse("sources:add"), {"url": "http://169.254.169.254/", "name": "Metadata",
                                                          "poll_minutes": "15"})
    assert response.status_code == 400
    assert "link-local address" in response.content.decode()
    assert Feed.objects.count() == 0


def test_editors_cannot_add_pause_or_poll(editor_client, failing):
    assert editor_client.post(reverse("sources:add"), {"url": "http://127.0.0.1:9/x", "name": "X",
                                                       "poll_minutes": "15"}).status_code == 403
    assert editor_client.post(reverse("sources:active", args=[failing.id]), {"active": "0"}).status_code == 403
    assert editor_client.post(reverse("sources:poll", args=[failing.id])).status_code == 403
    assert editor_client.post(reverse("sources:detail", args=[failing.id]), {"name": "Y", "poll_minutes": "5"}
                              ).status_code == 403


def test_pausing_and_resuming_answers_the_row_again(chief_client, failing):
    response = chief_client.post(reverse("sources:active", args=[failing.id]), {"active": "0"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and "paused" in page and "Resume" in page
    assert not Feed.objects.get(id=failing.id).active
    chief_client.post(reverse("sources:active", args=[failing.id]), {"active": "1"})
    assert Feed.objects.get(id=failing.id).active


def test_the_settings_are_changed_on_the_source_page(chief_client, failing):
    response = chief_client.post(reverse("sources:detail", args=[failing.id]),
                                 {"name": "Renamed", "language": "en", "poll_minutes": "60", "active": "on"})
    assert response.status_code == 302
    feed = Feed.objects.select_related("source").get(id=failing.id)
    assert (feed.source.name, feed.language, feed.poll_minutes, feed.fetch_pages) == ("Renamed", "en", 60, False)


def test_a_source_s_default_topics_are_suggested_for_its_articles_and_kept_apart_from_decisions(chief_client,
                                                                                               failing):
    from articles.models import ArticleTopic, Decision, Origin, Topic
    from articles.nlp.types import Annotation
    from articles.services.annotation import annotations_apply

    page = chief_client.get(reverse("sources:detail", args=[failing.id])).content.decode()
    assert 'name="topics" value="terrorism"' in page
    response = chief_client.post(reverse("sources:detail", args=[failing.id]), {
        "name": "Le Quotidien", "language": "fr", "poll_minutes": "15", "active": "on",
        "topics": ["terrorism", "olympic-games"]})
    assert response.status_code == 302
    feed = Feed.objects.select_related("source").get(id=failing.id)
    assert sorted(feed.source.default_topics.values_list("slug", flat=True)) == ["olympic-games", "terrorism"]
    assert chief_client.post(reverse("sources:detail", args=[failing.id]), {
        "name": "Le Quotidien", "poll_minutes": "15", "topics": ["no-such-topic"]}).status_code == 400

    article = Article.objects.create(title="Dépêche", body="Un texte.", content_hash="d", source=feed.source,
                                     status=Article.Status.ANNOTATING, language="fr")
    other = Article.objects.create(title="Autre", body="Un autre texte.", content_hash="o",
                                   status=Article.Status.ANNOTATING, language="fr")
    ArticleTopic.objects.create(article=article, topic=Topic.objects.get(slug="olympic-games"),
                                decision=Decision.REJECTED, origin=Origin.RULE)  # an editor said no
    run = Annotation(language="fr", supported=True, pipeline_version="test")
    for _ in range(2):  # annotated again: the suggestion is replaced, not doubled
        annotations_apply(results={article.id: run, other.id: run})
    topics = dict(ArticleTopic.objects.filter(article=article).values_list("topic__slug", "decision"))
    assert topics == {"terrorism": Decision.PENDING, "olympic-games": Decision.REJECTED}
    assert not ArticleTopic.objects.filter(article=other).exists()


def test_the_source_page_shows_its_last_errors_and_items(viewer_client, feed_site, settings):
    settings.FETCH_HOST_DELAY = 0
    feed_site.routes["/feed.xml"] = Route(rss([{"title": "A <i>council</i> vote", "guid": "a",
                                                "description": "The council voted the budget on Monday."}]),
                                          content_type="application/rss+xml")
    feed = services.feed_create(name="Chronicle", url=feed_site.url + "/feed.xml")
    services.feed_poll(feed_id=feed.id)
    feed_site.routes["/feed.xml"] = Route(b"oops", status=503)
    Feed.objects.filter(id=feed.id).update(etag="")
    services.feed_poll(feed_id=feed.id)
    page = viewer_client.get(reverse("sources:detail", args=[feed.id])).content.decode()
    assert "answered 503 Service Unavailable" in page
    assert "A council vote" in page and "feed text only" in page


def test_the_queue_filters_articles_with_only_part_of_their_text(editor_client, feed_site, settings):
    settings.FETCH_HOST_DELAY = 0
    feed_site.routes["/feed.xml"] = Route(rss([
        {"title": "Council vote", "guid": "a", "description": "The council voted the budget on Monday."},
        {"title": "Harbour works", "guid": "b", "description": "Works at the harbour start in spring."},
    ]), content_type="application/rss+xml")
    feed = services.feed_create(name="Chronicle", url=feed_site.url + "/feed.xml")
    services.feed_poll(feed_id=feed.id)
    FeedItem.objects.filter(guid="b").update(text=FeedItem.Text.EXCERPT)
    Article.objects.create(title="Pasted", body="Pasted by hand.", content_hash="x" * 64)
    feed_only = editor_client.get(reverse("articles:list"), {"text": "feed"}).content.decode()
    excerpts = editor_client.get(reverse("articles:list"), {"text": "excerpt"}).content.decode()
    assert "Council vote" in feed_only and "Harbour works" not in feed_only and "Pasted" not in feed_only
    assert "Harbour works" in excerpts and "Council vote" not in excerpts


def test_the_source_page_counts_items_per_day(viewer_client, failing, django_assert_max_num_queries):
    for n in range(3):
        FeedItem.objects.create(feed=failing, guid=f"today-{n}", title=f"Item {n}")
    old = FeedItem.objects.create(feed=failing, guid="old", title="Old")
    FeedItem.objects.filter(id=old.id).update(created_at=timezone.now() - timedelta(days=2))
    with django_assert_max_num_queries(12):
        response = viewer_client.get(reverse("sources:detail", args=[failing.id]))
    per_day = response.context["per_day"]
    assert len(per_day) == 30 and per_day[-1].count == 3 and per_day[-3].count == 1
    assert sum(d.count for d in per_day) == 4
    assert '<progress value="3" max="3"' in response.content.decode()


def test_the_sources_list_costs_the_same_queries_whatever_the_number_of_sources(viewer_client, failing,
                                                                                django_assert_num_queries):
    with CaptureQueriesContext(connection) as one:
        viewer_client.get(reverse("sources:list"))
    for n in range(5):
        services.feed_create(name=f"Outlet {n}", url=f"http://127.0.0.1:9/{n}.xml")
    with django_assert_num_queries(len(one.captured_queries)):
        assert "Outlet 4" in viewer_client.get(reverse("sources:list")).content.decode()
