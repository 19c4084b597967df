"""Watches: matching annotated articles to what editors follow, withdrawal on rejection,
the API's contract and the pages."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from articles.models import ArticleTopic, Decision, Topic
from articles.services.accounts import api_token_create
from articles.services.review import articles_topic_remove, mention_decide, topic_decide
from stories.models import Story
from tests.conftest import make_user
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    MentionFactory,
    NotificationFactory,
    SourceFactory,
    WatchFactory,
)
from watches.matching import notifications_withdraw, watches_match
from watches.models import Notification, SavedSearch, Watch
from watches.services import WatchError, saved_search_create, watch_create

pytestmark = pytest.mark.django_db

BODY = "La ministre Anne Dupont a visité Rabat. Anne Dupont a parlé de migration avec Karim Benali."


@pytest.fixture
def desk(db):
    from articles.services.accounts import roles_ensure

    roles_ensure()
    return {"ed": make_user("ed", "editor"), "vi": make_user("vi", "viewer")}


@pytest.fixture
def topic(db):
    return Topic.objects.get_or_create(slug="migration", defaults={"name_en": "migration", "name_fr": "migration"})[0]


def annotated(*, title="Visite à Rabat", body=BODY, source="Le Matin", actors=("Anne Dupont",), topics=(),
              decision=Decision.PENDING, **kwargs):
    article = ArticleFactory(title=title, body=body, source=source, indexed=True, **kwargs)
    for name in actors:
        MentionFactory(article=article, actor=ActorFactory(name=name), decision=decision)
    for t in topics:
        ArticleTopic.objects.create(article=article, topic=t, score=0.8)
    return article


def notified(user) -> list[int]:
    return sorted(Notification.objects.filter(user=user).values_list("article_id", flat=True))


# Matching, kind by kind.

def test_an_article_naming_a_watched_actor_notifies_its_watcher_only(desk):
    watch = watch_create(user=desk["ed"], kind="actor", target_id=ActorFactory(name="Anne Dupont").id)
    article = annotated()
    annotated(title="Autre", body="Karim Benali à Oujda.", actors=("Karim Benali",))
    made = watches_match(article_id=article.id)
    assert [(n.user_id, n.watch_id, n.article_id) for n in made] == [(desk["ed"].id, watch.id, article.id)]
    assert notified(desk["vi"]) == []


def test_a_watched_topic_and_a_watched_source_match(desk, topic):
    watch_create(user=desk["vi"], kind="topic", target_id=topic.id)
    watch_create(user=desk["ed"], kind="source", target_id=SourceFactory(name="Hespress").id)
    on_topic = annotated(topics=[topic], source="Le Matin")
    from_source = annotated(title="Autre", source="Hespress")
    for article in (on_topic, from_source):
        watches_match(article_id=article.id)
    assert notified(desk["vi"]) == [on_topic.id]
    assert notified(desk["ed"]) == [from_source.id]


def test_a_watched_story_notifies_when_a_new_outlet_joins_it_not_the_same_outlet_again(desk):
    story = Story.objects.create(title="Visite", article_count=1)
    watch_create(user=desk["ed"], kind="story", target_id=story.id)
    first = annotated(story=story, source="Le Matin")
    again = annotated(title="Suite", story=story, source="Le Matin")
    other = annotated(title="Ailleurs", story=story, source="Hespress")
    for article in (first, again, other):
        watches_match(article_id=article.id)
    assert notified(desk["ed"]) == [first.id, other.id]
    assert Notification.objects.get(article=other).reason == Notification.Reason.OUTLET


def test_a_story_reaching_the_outlet_threshold_is_breaking(desk, settings):
    settings.WATCH_BREAKING_OUTLETS, settings.WATCH_BREAKING_HOURS = 3, 6
    story = Story.objects.create(title="Séisme")
    watch_create(user=desk["ed"], kind="story", target_id=story.id)
    old = annotated(story=story, source="Ancien")
    ArticleFactory._meta.model.objects.filter(id=old.id).update(created_at=timezone.now() - timedelta(hours=7))
    reasons = []
    for source in ("A", "B", "C"):
        article = annotated(title=source, story=story, source=source)
        reasons.append(watches_match(article_id=article.id)[0].reason)
    assert reasons == ["outlet", "outlet", "breaking"]  # the old outlet is outside the window


def test_breaking_is_said_only_to_the_watchers_of_the_story(desk, settings):
    settings.WATCH_BREAKING_OUTLETS = 1
    story = Story.objects.create(title="Séisme")
    watch_create(user=desk["ed"], kind="story", target_id=story.id)
    watch_create(user=desk["vi"], kind="actor", target_id=ActorFactory(name="Anne Dupont").id)
    article = annotated(story=story)
    reasons = {n.user_id: n.reason for n in watches_match(article_id=article.id)}
    assert reasons == {desk["ed"].id: "breaking", desk["vi"].id: "match"}


def test_a_saved_search_matches_through_the_search_index(desk):
    search = saved_search_create(user=desk["ed"], name="Migration", query="q=migration&language=fr")
    watch_create(user=desk["ed"], kind="search", target_id=search.id)
    found = annotated()
    annotated(title="Sport", body="Le Raja a gagné à Casablanca.", actors=())
    annotated(title="English", body="Migration talks in Rabat.", language="en", actors=())
    for article_id in ArticleFactory._meta.model.objects.values_list("id", flat=True):
        watches_match(article_id=article_id)
    assert notified(desk["ed"]) == [found.id]


def test_one_notification_per_user_and_article_however_many_watches_match(desk, topic):
    actor = watch_create(user=desk["ed"], kind="actor", target_id=ActorFactory(name="Anne Dupont").id)
    on_topic = watch_create(user=desk["ed"], kind="topic", target_id=topic.id)
    article = annotated(topics=[topic])
    watches_match(article_id=article.id)
    watches_match(article_id=article.id)  # again: a re-annotation, a message delivered twice
    [note] = Notification.objects.filter(user=desk["ed"])
    assert (note.watch_id, note.matched) == (actor.id, sorted([actor.id, on_topic.id]))


def test_a_rejected_mention_or_topic_matches_nothing(desk, topic):
    watch_create(user=desk["ed"], kind="actor", target_id=ActorFactory(name="Anne Dupont").id)
    watch_create(user=desk["vi"], kind="topic", target_id=topic.id)
    article = annotated(decision=Decision.REJECTED)
    ArticleTopic.objects.create(article=article, topic=topic, decision=Decision.REJECTED)
    assert watches_match(article_id=article.id) == []


def test_an_article_not_annotated_is_not_matched(desk):
    watch_create(user=desk["ed"], kind="actor", target_id=ActorFactory(name="Anne Dupont").id)
    article = annotated(status="queued")
    assert watches_match(article_id=article.id) == []


@pytest.mark.parametrize("kind", ["actor", "topic", "source", "search"])
def test_matching_costs_the_same_queries_with_1_or_200_watches(kind, desk, topic, django_assert_max_num_queries):
    def watch_many(n):
        Watch.objects.all().delete()
        SavedSearch.objects.all().delete()
        users = [User.objects.get_or_create(username=f"w{kind}{i}")[0] for i in range(n)]
        for i, user in enumerate(users):
            if kind == "actor":
                watch_create(user=user, kind="actor", target_id=ActorFactory(name="Anne Dupont" if i == 0 else
                                                                             f"Personne {i}").id)
            elif kind == "topic":
                watch_create(user=user, kind="topic", target_id=topic.id)
            elif kind == "source":
                watch_create(user=user, kind="source", target_id=SourceFactory(name="Le Matin").id)
            else:
                search = saved_search_create(user=user, name="s", query=f"q=ministre+{i}" if i else "q=ministre")
                watch_create(user=user, kind="search", target_id=search.id)

    article = annotated(topics=[topic])
    counts = []
    for n in (1, 200):
        watch_many(n)
        Notification.objects.all().delete()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            made = watches_match(article_id=article.id)
        assert made, f"nothing matched with {n} {kind} watches"
        # The reads: the inserts of 200 notifications are one statement on PostgreSQL, a few on
        # SQLite (its limit of variables per statement).
        counts.append(len([q for q in captured.captured_queries if not q["sql"].startswith("INSERT")]))
    assert counts[1] == counts[0], f"{counts[0]} queries with 1 watch, {counts[1]} with 200"
    Notification.objects.all().delete()
    # The article, its actors and those merged into them, its topics, the keyed watches, the search
    # watches and their evaluation, the users notified already, the insert; a savepoint and its
    # release; a search's index document.
    with django_assert_max_num_queries(12):
        watches_match(article_id=article.id)


# Withdrawal by an editor's decision.

def test_rejecting_the_watched_mention_withdraws_the_unread_notification(desk):
    watch_create(user=desk["vi"], kind="actor", target_id=ActorFactory(name="Anne Dupont").id)
    article = annotated()
    watches_match(article_id=article.id)
    assert notified(desk["vi"]) == [article.id]
    mention = article.mentions.get(text="Anne Dupont")
    mention_decide(mention=mention, user=desk["ed"], decision="rejected", expected_version=article.version)
    assert notified(desk["vi"]) == []


def test_a_notification_that_still_holds_by_another_watch_stays(desk, topic):
    watch_create(user=desk["vi"], kind="actor", target_id=ActorFactory(name="Anne Dupont").id)
    on_topic = watch_create(user=desk["vi"], kind="topic", target_id=topic.id)
    article = annotated(topics=[topic])
    watches_match(article_id=article.id)
    mention_decide(mention=article.mentions.get(), user=desk["ed"], decision="rejected",
                   expected_version=article.version)
    [note] = Notification.objects.filter(user=desk["vi"])
    assert on_topic.id in note.matched


def test_rejecting_the_watched_topic_withdraws_and_a_read_notification_stays(desk, topic):
    watch_create(user=desk["vi"], kind="topic", target_id=topic.id)
    watch_create(user=desk["ed"], kind="topic", target_id=topic.id)
    article = annotated(topics=[topic])
    watches_match(article_id=article.id)
    Notification.objects.filter(user=desk["ed"]).update(read_at=timezone.now())
    topic_decide(article_topic=article.topics.get(), user=desk["ed"], decision="rejected",
                 expected_version=article.version)
    assert notified(desk["vi"]) == []
    assert notified(desk["ed"]) == [article.id]  # read: the user's, it stays


def test_removing_a_topic_from_many_articles_withdraws_theirs(desk, topic):
    watch_create(user=desk["vi"], kind="topic", target_id=topic.id)
    articles = [annotated(title=f"A{i}", topics=[topic]) for i in range(3)]
    for article in articles:
        watches_match(article_id=article.id)
    articles_topic_remove(article_ids=[a.id for a in articles[:2]], topic=topic, user=desk["ed"])
    assert notified(desk["vi"]) == [articles[2].id]


def test_withdrawal_is_one_query_when_the_article_has_no_notification(desk, django_assert_num_queries):
    article = annotated()
    with django_assert_num_queries(1):
        assert notifications_withdraw(article_ids=[article.id]) == 0


# Services.

def test_a_target_is_watched_once_and_must_exist(desk):
    actor = ActorFactory(name="Anne Dupont")
    watch_create(user=desk["ed"], kind="actor", target_id=actor.id)
    with pytest.raises(WatchError, match="already watch"):
        watch_create(user=desk["ed"], kind="actor", target_id=actor.id)
    with pytest.raises(WatchError, match="no such"):
        watch_create(user=desk["ed"], kind="story", target_id=987654)
    with pytest.raises(WatchError):
        watch_create(user=desk["ed"], kind="planet", target_id=actor.id)


def test_an_empty_search_cannot_be_saved_and_another_users_private_search_cannot_be_watched(desk):
    with pytest.raises(WatchError, match="every article"):
        saved_search_create(user=desk["ed"], name="Tout", query="nonsense=1")
    private = saved_search_create(user=desk["ed"], name="Mine", query="q=rabat")
    shared = saved_search_create(user=desk["ed"], name="Ours", query="q=oujda", shared=True)
    with pytest.raises(WatchError):
        watch_create(user=desk["vi"], kind="search", target_id=private.id)
    assert watch_create(user=desk["vi"], kind="search", target_id=shared.id).search_id == shared.id


# The API's contract.

def api(client, user, method, path, payload=None):
    headers = {"Authorization": f"Bearer {api_token_create(user=user)}"}
    if method == "post":
        return client.post(path, data=json.dumps(payload or {}), content_type="application/json", headers=headers)
    return getattr(client, method)(path, headers=headers)


def test_api_creates_lists_and_deletes_watches_of_each_kind(client, desk, topic):
    user = desk["vi"]  # viewers may watch
    actor = ActorFactory(name="Anne Dupont")
    source = SourceFactory(name="Hespress")
    story = Story.objects.create(title="Visite")
    payloads = [{"kind": "actor", "actor_id": actor.id}, {"kind": "topic", "topic": "migration"},
                {"kind": "source", "source": "Hespress"}, {"kind": "story", "story_id": story.id},
                {"kind": "search", "query": "q=rabat&topic=migration"}]
    ids = []
    for payload in payloads:
        response = api(client, user, "post", "/api/watches", payload)
        assert response.status_code == 201, response.content
        assert list(response.json()) == ["id"]
        ids.append(response.json()["id"])
    listed = api(client, user, "get", "/api/watches").json()
    assert listed["count"] == 5
    by_id = {item["id"]: item for item in listed["items"]}
    assert by_id[ids[0]]["actor_id"] == actor.id and by_id[ids[1]]["topic"] == "migration"
    assert by_id[ids[2]]["source"] == source.name and by_id[ids[3]]["story_id"] == story.id
    assert by_id[ids[4]]["query"] == "q=rabat&topic=migration"
    assert api(client, user, "delete", f"/api/watches/{ids[0]}").status_code == 204
    assert api(client, user, "delete", f"/api/watches/{ids[0]}").status_code == 404
    assert api(client, desk["ed"], "delete", f"/api/watches/{ids[1]}").status_code == 404  # not theirs
    assert Watch.objects.filter(user=user).count() == 4


def test_api_refuses_a_watch_of_nothing_with_a_message(client, desk):
    for payload in [{"kind": "actor"}, {"kind": "topic", "topic": "nope"}, {"kind": "galaxy"},
                    {"kind": "search"}, {"kind": "search", "query": "junk=1"}, {"kind": "actor", "actor_id": 10**20}]:
        response = api(client, desk["ed"], "post", "/api/watches", payload)
        assert response.status_code == 400, (payload, response.content)
        assert response.json()["detail"]
    assert not Watch.objects.exists()


def test_api_lists_counts_and_reads_notifications(client, desk):
    watch = WatchFactory(user=desk["ed"], actor=ActorFactory(name="Anne Dupont"))
    older, newer = NotificationFactory(user=desk["ed"], watch=watch), NotificationFactory(user=desk["ed"], watch=watch)
    NotificationFactory(user=desk["vi"], watch=None)
    body = api(client, desk["ed"], "get", "/api/notifications?unread=1").json()
    assert body["count"] == 2
    assert [set(item) for item in body["items"]] == [{"id", "watch_id", "article_id", "created_at", "read"}] * 2
    assert [item["id"] for item in body["items"]] == [newer.id, older.id]
    response = api(client, desk["ed"], "post", f"/api/notifications/{older.id}/read")
    assert response.status_code == 200 and response.json()["read"] is True
    assert api(client, desk["ed"], "get", "/api/notifications?unread=1").json()["count"] == 1
    assert api(client, desk["ed"], "get", "/api/notifications").json()["count"] == 2
    other = Notification.objects.get(user=desk["vi"])
    assert api(client, desk["ed"], "post", f"/api/notifications/{other.id}/read").status_code == 404
    assert Notification.objects.get(id=other.id).read_at is None


def test_api_needs_a_role(client, db):
    response = api(client, make_user("nobody", None), "get", "/api/notifications")
    assert response.status_code == 403


# Pages.

def test_watch_and_unwatch_from_the_actor_page(client, desk):
    actor = ActorFactory(name="Anne Dupont")
    client.force_login(desk["vi"])
    page = client.get(f"/actors/{actor.id}")
    assert b">Watch</button>" in page.content
    response = client.post("/watches/add", {"kind": "actor", "target": actor.id, "next": f"/actors/{actor.id}"})
    assert response.status_code == 302 and response["Location"] == f"/actors/{actor.id}"
    watch = Watch.objects.get(user=desk["vi"], actor=actor)
    assert b">Unwatch</button>" in client.get(f"/actors/{actor.id}").content
    client.post(f"/watches/{watch.id}/delete", {"next": "https://elsewhere.example/"})
    assert not Watch.objects.exists()


def test_the_queue_saves_and_watches_its_search_and_the_topic(client, desk, topic):
    client.force_login(desk["ed"])
    page = client.get("/?topic=migration&q=rabat").content.decode()
    assert "Save this search" in page and "Watch this topic" in page
    client.post("/watches/searches/add", {"name": "Rabat", "query": "topic=migration&q=rabat", "shared": "on"})
    client.post("/watches/add", {"kind": "topic", "topic": "migration"})
    search = SavedSearch.objects.get(owner=desk["ed"])
    assert (search.name, search.shared) == ("Rabat", True)
    assert set(Watch.objects.filter(user=desk["ed"]).values_list("kind", flat=True)) == {"search", "topic"}
    client.force_login(desk["vi"])
    assert "Rabat" in client.get("/watches/").content.decode()  # shared with the desk


def test_the_notifications_page_marks_read_and_the_bell_counts(client, desk):
    watch = WatchFactory(user=desk["vi"], actor=ActorFactory(name="Anne Dupont"))
    notes = [NotificationFactory(user=desk["vi"], watch=watch, article=annotated(title=f"Titre {i}")) for i in range(3)]
    client.force_login(desk["vi"])
    assert 'data-count="3"' in client.get("/notifications/bell").content.decode()
    page = client.get("/notifications/").content.decode()
    assert all(f"Titre {i}" in page for i in range(3))
    client.post(f"/notifications/{notes[0].id}/read", {"next": "/notifications/"})
    assert 'data-count="2"' in client.get("/notifications/bell").content.decode()
    client.post("/notifications/read-all")
    assert 'data-count="0"' in client.get("/notifications/bell").content.decode()
    assert "Titre 0" not in client.get("/notifications/?unread=1").content.decode()


def test_a_user_cannot_read_or_delete_what_is_not_theirs(client, desk):
    watch = WatchFactory(user=desk["ed"], actor=ActorFactory(name="Anne Dupont"))
    note = NotificationFactory(user=desk["ed"], watch=watch)
    client.force_login(desk["vi"])
    client.post(f"/notifications/{note.id}/read")
    client.post(f"/watches/{watch.id}/delete")
    assert Watch.objects.filter(id=watch.id).exists()
    assert Notification.objects.get(id=note.id).read_at is None
    assert "Dépêche" not in client.get("/notifications/").content.decode()


def test_the_watches_pages_and_the_bell_speak_french(client, desk):
    client.force_login(desk["vi"])
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert "Ce que vous suivez" in client.get("/watches/").content.decode()
    assert "Aucune notification pour l’instant" in client.get("/notifications/").content.decode()
    assert "Notifications : 0 non lue" in client.get("/notifications/bell").content.decode()


# E-mail.

@pytest.fixture
def smtp(smtp_server, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.MAIL_RATE_PER_MINUTE = "127.0.0.1", smtp_server.port, 0
    settings.SITE_URL = "http://testserver"
    return smtp_server


def test_the_hourly_summary_sends_each_user_their_unread_notifications_once(desk, smtp):
    from watches.mail import summaries_send

    desk["ed"].email = "ed@newsroom.example"
    desk["ed"].save()
    watch = WatchFactory(user=desk["ed"], actor=ActorFactory(name="Anne Dupont"), mail="hourly")
    notes = [NotificationFactory(user=desk["ed"], watch=watch, mail="hourly", article=annotated(title=f"Titre {i}"))
             for i in range(3)]
    Notification.objects.filter(id=notes[2].id).update(read_at=timezone.now())  # read already: not mailed
    quiet = WatchFactory(user=desk["vi"], actor=ActorFactory(name="Karim Benali"), mail="hourly")
    NotificationFactory(user=desk["vi"], watch=quiet, mail="hourly")  # no address: no e-mail
    summaries_send()
    summaries_send()
    [message] = smtp.received()
    assert message["To"] == "ed@newsroom.example"
    assert message["Subject"] == "Press Review: 2 new notifications"
    body = message.get_content()
    assert "Titre 0" in body and "Titre 1" in body and "Titre 2" not in body
    assert f"http://testserver/articles/{notes[0].article_id}" in body
    assert Notification.objects.filter(user=desk["ed"], mailed_at__isnull=False).count() == 2


def test_a_refused_alert_is_given_back_for_a_later_try(desk, smtp):
    from watches.mail import alerts_send

    desk["ed"].email = "busy@newsroom.example"
    desk["ed"].save()
    smtp.refuse["busy@newsroom.example"] = "451 4.3.0 Try again later"
    watch = WatchFactory(user=desk["ed"], actor=ActorFactory(name="Anne Dupont"), mail="immediate")
    note = NotificationFactory(user=desk["ed"], watch=watch, mail="immediate")
    assert alerts_send(article_id=note.article_id) is not None  # seconds until the next try
    note.refresh_from_db()
    assert note.mailed_at is None and smtp.received() == []


def test_the_story_and_source_pages_have_a_watch_button(client, desk):
    from sources.models import Feed

    story = Story.objects.create(title="Visite", article_count=1)
    client.force_login(desk["vi"])
    page = client.get(f"/stories/{story.id}").content.decode()
    assert 'name="kind" value="story"' in page and f'name="target" value="{story.id}"' in page
    feed = Feed.objects.create(source=SourceFactory(name="Hespress"), url="https://hespress.example/")
    page = client.get(f"/sources/{feed.id}").content.decode()
    assert 'name="kind" value="source"' in page and f'name="target" value="{feed.source_id}"' in page


def test_an_archive_article_rings_no_bell(desk, settings):
    settings.WATCH_RECENT_DAYS = 3
    watch_create(user=desk["ed"], kind="actor", target_id=ActorFactory(name="Anne Dupont").id)
    old = annotated(published_at=timezone.now() - timedelta(days=30))
    fresh = annotated(title="Fraîche", published_at=timezone.now() - timedelta(days=1))
    assert watches_match(article_id=old.id) == []
    assert [n.article_id for n in watches_match(article_id=fresh.id)] == [fresh.id]


def test_the_watchers_of_an_actor_merged_into_another_follow_it(desk):
    from articles.services.actors import actor_merge

    survivor, merged = ActorFactory(name="Anne Dupont"), ActorFactory(name="A. Dupont")
    watch_create(user=desk["vi"], kind="actor", target_id=merged.id)
    actor_merge(survivor=survivor, merged=merged, user=desk["ed"])
    article = annotated()
    assert [n.user_id for n in watches_match(article_id=article.id)] == [desk["vi"].id]


def test_a_watch_posted_without_a_csrf_token_is_refused(desk):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(desk["ed"])
    actor = ActorFactory(name="Anne Dupont")
    assert client.post("/watches/add", {"kind": "actor", "target": actor.id}).status_code == 403
    assert client.post("/notifications/read-all").status_code == 403
    assert not Watch.objects.exists()
