"""The review queue: rows, filters, search, pagination, live status and bulk actions."""

import itertools
from datetime import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import (
    Actor,
    Article,
    ArticleTopic,
    Decision,
    Mention,
    Origin,
    ReviewEvent,
    SearchDocument,
    Source,
    Topic,
)
from articles.queue_params import QueueParams
from articles.selectors import articles_for_queue
from articles.services import review
from articles.services.ingest import article_create
from articles.services.search import articles_index_missing
from tests.conftest import make_user
from tests.factories import ActorFactory, ArticleFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("articles:list")
BULK = reverse("articles:bulk")
_hashes = itertools.count()


def make_article(title="Article", *, body="Un texte.", status=Article.Status.ANNOTATED,
                 review_state=Article.ReviewState.UNREVIEWED, source="", language="fr", published_at=None,
                 added_at=None) -> Article:
    article = ArticleFactory(title=title, body=body, status=status, review_state=review_state, language=language,
                             source=source, published_at=published_at, indexed=True)
    if added_at:
        Article.objects.filter(id=article.id).update(created_at=added_at)
        article.refresh_from_db()
    return article


def make_actor(name, kind="person") -> Actor:
    return ActorFactory(name=name, kind=kind)


def mention(article, actor, times=1, decision=Decision.PENDING):
    first = Mention.objects.filter(article=article).count()
    Mention.objects.bulk_create(
        Mention(article=article, actor=actor, start=i * 10, end=i * 10 + 5, text=actor.name[:5], kind=actor.kind,
                decision=decision)
        for i in range(first, first + times)
    )


def tag(article, slug, score=0.8, decision=Decision.PENDING, origin=Origin.RULE) -> ArticleTopic:
    return ArticleTopic.objects.create(article=article, topic=Topic.objects.get(slug=slug), score=score,
                                       decision=decision, origin=origin)


def titles(response) -> list[str]:
    return [article.title for article in response.context["rows"]]


def day(value: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(value))


def htmx(target: str) -> dict:
    return {"HX-Request": "true", "HX-Target": target}


# Rows


def test_a_row_shows_title_source_dates_language_status_and_review_state(editor_client):
    article = make_article("Visite à Rabat", source="Le Desk", language="fr", published_at=day("2024-03-01 10:00"),
                           review_state=Article.ReviewState.IN_REVIEW)
    page = editor_client.get(QUEUE).content.decode()
    assert f'<a href="{reverse("articles:detail", args=[article.id])}">Visite à Rabat</a>' in page
    assert "Le Desk" in page
    assert '<time datetime="2024-03-01T10:00:00' in page
    assert '<span class="badge status-annotated">annotated</span>' in page
    assert '<span class="badge review-in_review">in review</span>' in page


def test_unsupported_language_reads_as_such(editor_client):
    make_article(status=Article.Status.UNSUPPORTED, language="ar")
    assert "language not supported yet" in editor_client.get(QUEUE).content.decode()


def test_a_row_shows_the_three_most_mentioned_actors_without_rejected_mentions(editor_client):
    article = make_article()
    mention(article, make_actor("Darmanin"), 5)
    mention(article, make_actor("Bourita"), 3)
    mention(article, make_actor("Interpol", "organisation"), 2)
    mention(article, make_actor("Rabat", "place"), 1)
    rejected = make_actor("Faux Positif")
    mention(article, rejected, 9, decision=Decision.REJECTED)
    response = editor_client.get(QUEUE)
    [row] = response.context["rows"]
    assert [(a.name, a.count) for a in row.top_actors] == [("Darmanin", 5), ("Bourita", 3), ("Interpol", 2)]
    assert "Faux Positif" not in response.content.decode()


def test_a_row_shows_topics_above_the_threshold_that_are_not_rejected(editor_client, settings):
    settings.TOPIC_THRESHOLD = 0.35
    article = make_article()
    tag(article, "terrorism", 0.9)
    tag(article, "sport", 0.1)
    tag(article, "migration", 0.9, decision=Decision.REJECTED)
    tag(article, "diplomacy", 0.2, decision=Decision.ACCEPTED, origin=Origin.EDITOR)
    response = editor_client.get(QUEUE)
    [row] = response.context["rows"]
    assert [t.topic.slug for t in row.shown_topics] == ["terrorism", "diplomacy"]
    page = response.content.decode()
    assert '<li class="chip topic">Terrorism</li>' in page
    assert "Migration" not in page.split('id="article-rows"')[1]


def test_titles_and_names_are_escaped(editor_client):
    article = make_article("<script>alert(1)</script>", source="<b>Source</b>")
    mention(article, make_actor("<img src=x onerror=alert(2)>"))
    page = editor_client.get(QUEUE).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'aria-label="Select &lt;script&gt;alert(1)&lt;/script&gt;"' in page
    assert "<b>Source</b>" not in page and "<img src=x" not in page


# Filters


@pytest.fixture
def desk():
    """Four articles that differ in every filtered field."""
    sport, terrorism = Topic.objects.get(slug="sport"), Topic.objects.get(slug="terrorism")
    darmanin = make_actor("Darmanin")
    a = make_article("Alpha", body="Le ministre parle de sécurité à Rabat.", source="Le Desk", language="fr",
                     published_at=day("2024-01-10 08:00"), added_at=day("2024-01-10 09:00"))
    b = make_article("Bravo", body="The minister spoke about football.", source="Reuters", language="en",
                     status=Article.Status.FAILED, review_state=Article.ReviewState.REVIEWED,
                     published_at=day("2024-02-10 08:00"), added_at=day("2024-02-10 09:00"))
    c = make_article("Charlie", body="Le ministre et le football.", source="Le Desk", language="fr",
                     review_state=Article.ReviewState.IN_REVIEW, published_at=day("2024-03-10 08:00"),
                     added_at=day("2024-03-10 09:00"))
    d = make_article("Delta", body="Rien à voir.", source="Reuters", language="en", status=Article.Status.QUEUED,
                     added_at=day("2024-04-10 09:00"))
    tag(a, terrorism.slug)
    tag(c, terrorism.slug)
    tag(c, sport.slug)
    tag(b, sport.slug, decision=Decision.REJECTED)
    mention(a, darmanin, 2)
    mention(c, darmanin, 1, decision=Decision.REJECTED)
    return {"a": a, "b": b, "c": c, "d": d, "darmanin": darmanin}


@pytest.mark.parametrize(
    "query, expected",
    [
        ({}, ["Delta", "Charlie", "Bravo", "Alpha"]),
        ({"status": "failed"}, ["Bravo"]),
        ({"status": "queued"}, ["Delta"]),
        ({"review_state": "reviewed"}, ["Bravo"]),
        ({"review_state": "unreviewed"}, ["Delta", "Alpha"]),
        ({"topic": "terrorism"}, ["Charlie", "Alpha"]),
        ({"topic": "sport"}, ["Charlie"]),  # Bravo's sport was rejected
        ({"language": "en"}, ["Delta", "Bravo"]),
        ({"added_from": "2024-02-10"}, ["Delta", "Charlie", "Bravo"]),
        ({"added_to": "2024-02-10"}, ["Bravo", "Alpha"]),
        ({"added_from": "2024-02-01", "added_to": "2024-03-31"}, ["Charlie", "Bravo"]),
        ({"published_from": "2024-02-01"}, ["Charlie", "Bravo"]),
        ({"published_to": "2024-01-31"}, ["Alpha"]),
        ({"q": "ministre"}, ["Charlie", "Alpha"]),
        ({"q": "football"}, ["Charlie", "Bravo"]),
        ({"q": "Bravo"}, ["Bravo"]),  # titles count too
    ],
)
def test_each_filter_narrows_the_queue(editor_client, desk, query, expected):
    assert titles(editor_client.get(QUEUE, query)) == expected


def test_the_actor_filter_leaves_out_rejected_mentions(editor_client, desk):
    assert titles(editor_client.get(QUEUE, {"actor": desk["darmanin"].id})) == ["Alpha"]


def test_the_actor_filter_offers_the_chosen_actor_and_those_matching_the_typed_words(editor_client, desk):
    make_actor("Bourita")
    page = editor_client.get(QUEUE).content.decode()
    assert "Darmanin (person)" not in page and "Bourita" not in page  # no list of the whole registry
    page = editor_client.get(QUEUE, {"actor_q": "darm"}).content.decode()  # without JavaScript: a page
    assert "Darmanin (person)" in page and "Bourita" not in page
    choices = editor_client.get(reverse("articles:queue-actors"), {"actor_q": "bour", "actor": desk["darmanin"].id},
                                headers={"HX-Request": "true"}).content.decode()
    assert choices.lstrip().startswith('<select id="queue-actor" name="actor">')
    assert f'<option value="{desk["darmanin"].id}" selected>Darmanin (person)</option>' in choices
    assert "Bourita (person)" in choices


def test_the_queue_page_does_not_count_mentions_per_actor(editor_client, desk):
    with CaptureQueriesContext(connection) as queries:
        editor_client.get(QUEUE, {"actor": desk["darmanin"].id})
    aggregating = [q["sql"] for q in queries if "COUNT(" in q["sql"] and 'GROUP BY "articles_actor"' in q["sql"]]
    assert aggregating == []


def test_the_source_filter(editor_client, desk):
    source = Source.objects.get(name="Reuters")
    assert titles(editor_client.get(QUEUE, {"source": source.id})) == ["Delta", "Bravo"]


def test_filters_combine(editor_client, desk):
    le_desk = Source.objects.get(name="Le Desk")
    assert titles(editor_client.get(QUEUE, {"q": "ministre", "topic": "sport"})) == ["Charlie"]
    assert titles(editor_client.get(QUEUE, {"source": le_desk.id, "review_state": "unreviewed"})) == ["Alpha"]
    assert titles(editor_client.get(QUEUE, {"language": "fr", "topic": "terrorism",
                                            "published_from": "2024-02-01"})) == ["Charlie"]
    assert titles(editor_client.get(QUEUE, {"language": "en", "topic": "terrorism"})) == []


def test_search_needs_every_word_in_the_title_or_the_body(editor_client, desk):
    assert titles(editor_client.get(QUEUE, {"q": "ministre football"})) == ["Charlie"]
    assert titles(editor_client.get(QUEUE, {"q": "MINISTRE rabat"})) == ["Alpha"]
    assert titles(editor_client.get(QUEUE, {"q": "ministre cricket"})) == []
    assert titles(editor_client.get(QUEUE, {"q": "   "})) == ["Delta", "Charlie", "Bravo", "Alpha"]


def test_a_rejected_other_topic_does_not_hide_an_article():
    article = make_article()
    tag(article, "terrorism")
    tag(article, "sport", decision=Decision.REJECTED)
    assert list(Article.objects.with_topic("terrorism")) == [article]
    assert list(Article.objects.with_topic("sport")) == []


def test_values_that_do_not_parse_switch_the_filter_off(editor_client, desk):
    query = {"status": "nope", "review_state": "x", "actor": "²", "source": "1; drop", "added_from": "2024-13-45",
             "topic": "<script>", "language": "français", "page": "³"}
    assert QueueParams.from_query(query) == QueueParams()
    assert titles(editor_client.get(QUEUE, query)) == ["Delta", "Charlie", "Bravo", "Alpha"]


def test_the_filter_form_keeps_the_chosen_values(editor_client, desk):
    page = editor_client.get(QUEUE, {"q": "ministre", "status": "failed", "topic": "sport",
                                     "actor": desk["darmanin"].id, "added_from": "2024-02-01"}).content.decode()
    assert '<form role="search" method="get"' in page
    assert 'hx-push-url="true"' in page
    assert 'name="q" value="ministre"' in page
    assert '<option value="failed" selected>' in page
    assert '<option value="sport" selected>' in page
    assert f'<option value="{desk["darmanin"].id}" selected>Darmanin (person)</option>' in page
    assert 'name="added_from" value="2024-02-01"' in page


def test_the_selector_is_chainable():
    make_article("Old", added_at=day("2024-01-01 09:00"))
    make_article("New", review_state=Article.ReviewState.REVIEWED, added_at=day("2024-05-01 09:00"))
    queue = articles_for_queue({"added_from": "2023-12-01"})
    assert [a.title for a in queue.reviewed()] == ["New"]


# Pagination


def test_a_page_holds_100_rows_and_page_links_keep_the_filters(editor_client):
    Article.objects.bulk_create(
        Article(title=f"Sécurité {i}", body="b", content_hash=f"s{i}", language="fr", status=Article.Status.ANNOTATED)
        for i in range(130)
    )
    articles_index_missing()
    make_article("Other language", language="en")
    first = editor_client.get(QUEUE, {"language": "fr", "q": "sécurité"})
    assert len(first.context["rows"]) == 100
    page = first.content.decode()
    assert "Page 1 of 2" in page
    assert 'href="/?q=s%C3%A9curit%C3%A9&amp;language=fr&amp;page=2"' in page
    second = editor_client.get(QUEUE, {"language": "fr", "q": "sécurité", "page": 2})
    assert len(second.context["rows"]) == 30
    assert 'href="/?q=s%C3%A9curit%C3%A9&amp;language=fr"' in second.content.decode()
    assert "Other language" not in second.content.decode()


def test_past_the_count_cap_the_queue_says_more_than_and_still_pages_on(editor_client, monkeypatch):
    from articles import selectors

    monkeypatch.setattr(selectors, "QUEUE_PAGE_SIZE", 2)
    monkeypatch.setattr(selectors, "QUEUE_COUNT_CAP", 4)
    for i in range(7):
        make_article(f"Dépêche {i}")
    first = editor_client.get(QUEUE).content.decode()
    assert "More than 4 articles" in first and "Page 1 of more than 2" in first
    assert 'href="/?page=2"' in first
    # A page past the cap counts as far as the page after it: exact again near the end.
    last = editor_client.get(QUEUE, {"page": 4}).content.decode()
    assert "7 articles" in last and "Page 4 of 4" in last and "Dépêche 0" in last
    assert 'href="/?page=3"' in last and "?page=5" not in last


def test_the_queue_page_reads_no_query_that_grows_with_the_archive(editor_client):
    make_article("Une", language="fr")
    make_article("Two", language="en")
    make_article("Sans langue", language="")
    with CaptureQueriesContext(connection) as queries:
        page = editor_client.get(QUEUE).content.decode()
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"] and "articles_article" in q["sql"]]
    assert counts and all("LIMIT 10001" in sql for sql in counts), counts
    assert not [q["sql"] for q in queries.captured_queries if "DISTINCT" in q["sql"]]
    # The languages in use, each once, from the index on the language column.
    assert '<option value="en">English</option>' in page and '<option value="fr">French</option>' in page
    assert "3 articles" in page


def test_the_languages_in_use_come_in_order_each_once(db):
    from articles.selectors import article_languages

    assert article_languages() == []
    for language in ("fr", "en", "fr", "", "ar", "en"):
        make_article(language=language)
    assert article_languages() == ["ar", "en", "fr"]


# Live status


def test_rows_poll_only_while_work_is_pending_and_then_stop_with_286(editor_client):
    article = make_article("Pending", status=Article.Status.ANNOTATING)
    page = editor_client.get(QUEUE, {"language": "fr"}).content.decode()
    assert 'hx-get="/?language=fr" hx-trigger="every 2s"' in page
    poll = editor_client.get(QUEUE, {"language": "fr"}, headers=htmx("article-rows"))
    assert poll.status_code == 200
    html = poll.content.decode()
    assert html.lstrip().startswith('<tbody id="article-rows"') and "<table" not in html
    assert 'hx-trigger="every 2s"' in html and "status-annotating" in html
    Article.objects.filter(id=article.id).update(status=Article.Status.ANNOTATED)
    poll = editor_client.get(QUEUE, {"language": "fr"}, headers=htmx("article-rows"))
    assert poll.status_code == 286
    assert "hx-trigger" not in poll.content.decode() and "status-annotated" in poll.content.decode()
    assert 'hx-trigger="every' not in editor_client.get(QUEUE).content.decode(), "nothing pending: no polling"


def test_an_htmx_request_gets_only_the_results(editor_client, desk):
    response = editor_client.get(QUEUE, {"status": "failed"}, headers=htmx("queue-results"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="queue-results"')
    assert "<html" not in html and 'role="search"' not in html
    assert "Bravo" in html and "Alpha" not in html
    assert response["HX-Push-Url"] == "/?status=failed"  # not every empty field of the form
    assert "HX-Request" in response["Vary"]
    assert "HX-Request" in editor_client.get(QUEUE)["Vary"]


def test_an_htmx_history_restore_gets_the_whole_page(editor_client):
    response = editor_client.get(QUEUE, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in response.content.decode()


# Bulk actions


def bulk(client, action, articles, query="", **extra):
    return client.post(BULK, {"action": action, "articles": [a.id for a in articles], "query": query, **extra})


def test_editor_marks_a_selection_reviewed(editor_client, editor):
    chosen = [make_article(f"Chosen {i}") for i in range(3)]
    other = make_article("Other")
    response = bulk(editor_client, "reviewed", chosen, query="language=fr&page=1")
    assert response.status_code == 302
    assert response["Location"] == "/?language=fr"
    for article in chosen:
        article.refresh_from_db()
        assert (article.review_state, article.version) == (Article.ReviewState.REVIEWED, 2)
    other.refresh_from_db()
    assert (other.review_state, other.version) == (Article.ReviewState.UNREVIEWED, 1)
    events = ReviewEvent.objects.filter(action="article_reviewed")
    assert sorted(e.article_id for e in events) == sorted(a.id for a in chosen)
    assert {e.user for e in events} == {editor}
    assert {(e.before["review_state"], e.after["review_state"]) for e in events} == {("unreviewed", "reviewed")}
    assert "3 articles marked reviewed." in editor_client.get(response["Location"]).content.decode()


def test_marking_reviewed_leaves_reviewed_and_pending_articles_alone():
    user = make_user("chief", "editor")
    done = make_article(review_state=Article.ReviewState.REVIEWED)
    queued = make_article(status=Article.Status.QUEUED)
    ready = make_article()
    assert review.articles_mark_reviewed(article_ids=[done.id, queued.id, ready.id], user=user) == [ready.id]
    assert ReviewEvent.objects.count() == 1
    done.refresh_from_db()
    assert done.version == 1


def test_an_open_review_page_gets_a_conflict_after_a_bulk_change(editor):
    article = make_article()
    seen_version = article.version
    review.articles_topic_add(article_ids=[article.id], topic=Topic.objects.get(slug="sport"), user=editor)
    with pytest.raises(review.Conflict):
        review.article_mark_reviewed(article=article, user=editor, expected_version=seen_version)


def test_editor_adds_a_topic_to_a_selection(editor_client, editor):
    fresh = make_article("Fresh")
    suggested = make_article("Suggested")
    tag(suggested, "sport", score=0.5)
    confirmed = make_article("Confirmed")
    tag(confirmed, "sport", decision=Decision.ACCEPTED)
    response = bulk(editor_client, "topic_add", [fresh, suggested, confirmed], topic="sport")
    assert response.status_code == 302
    topics = {t.article_id: t for t in ArticleTopic.objects.filter(topic__slug="sport")}
    assert {t.decision for t in topics.values()} == {Decision.ACCEPTED}
    assert (topics[fresh.id].origin, topics[fresh.id].decided_by) == (Origin.EDITOR, editor)
    assert topics[suggested.id].decided_by == editor
    events = ReviewEvent.objects.filter(action="topic_add", target="topic sport")
    assert sorted(e.article_id for e in events) == [fresh.id, suggested.id]
    versions = dict(Article.objects.values_list("title", "version"))
    assert versions == {"Fresh": 2, "Suggested": 2, "Confirmed": 1}
    assert Article.objects.get(id=fresh.id).review_state == Article.ReviewState.IN_REVIEW
    page = editor_client.get(response["Location"]).content.decode()
    assert "Topic “sport” added to 2 articles. 1 already had it." in page


def test_editor_removes_a_topic_from_a_selection(editor_client, editor):
    tagged = [make_article(f"Tagged {i}") for i in range(2)]
    for article in tagged:
        tag(article, "terrorism")
    untagged = make_article("Untagged")
    response = bulk(editor_client, "topic_remove", [*tagged, untagged], topic="terrorism")
    assert response.status_code == 302
    assert set(ArticleTopic.objects.values_list("decision", flat=True)) == {Decision.REJECTED}
    assert not ArticleTopic.objects.filter(article=untagged).exists()
    events = ReviewEvent.objects.filter(action="topic_rejected")
    assert sorted(e.article_id for e in events) == [a.id for a in tagged]
    assert {(e.before["decision"], e.after["decision"]) for e in events} == {("pending", "rejected")}
    assert Article.objects.get(id=untagged.id).version == 1
    page = editor_client.get(response["Location"]).content.decode()
    assert "Topic “terrorism” removed from 2 articles. 1 did not have it." in page
    assert titles(editor_client.get(QUEUE, {"topic": "terrorism"})) == []


def test_editor_requeues_a_selection_for_annotation(editor_client, django_capture_on_commit_callbacks):
    finished = [make_article("Annotated"), make_article("Failed", status=Article.Status.FAILED)]
    running = make_article("Running", status=Article.Status.ANNOTATING)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = bulk(editor_client, "requeue", [*finished, running])
    assert response.status_code == 302
    with mock.patch("articles.tasks.annotate_article.apply_async") as send:
        for callback in callbacks:
            callback()
    assert sorted(call.args[0] for call in send.call_args_list) == sorted((a.id,) for a in finished)
    statuses = dict(Article.objects.values_list("title", "status"))
    assert statuses == {"Annotated": "queued", "Failed": "queued", "Running": "annotating"}
    page = editor_client.get(response["Location"]).content.decode()
    assert "2 articles queued for annotation again. 1 left as they were" in page


def test_select_all_without_javascript_means_every_row_the_page_showed(editor_client):
    shown = [make_article(f"Shown {i}") for i in range(3)]
    response = editor_client.post(BULK, {"action": "reviewed", "all": "page", "shown": [a.id for a in shown],
                                         "articles": [shown[0].id]})
    assert response.status_code == 302
    assert Article.objects.reviewed().count() == 3


@pytest.mark.parametrize(
    "data, message",
    [
        ({"action": "reviewed"}, "Select at least one article first."),
        ({"action": "reviewed", "articles": ["abc", "²", "-1"]}, "Select at least one article first."),
        ({"action": "delete"}, "Choose an action for the selected articles."),
        ({"action": ""}, "Choose an action for the selected articles."),
        ({"action": "topic_add", "topic": "no-such-topic"}, "Choose the topic to add or remove."),
        ({"action": "topic_remove"}, "Choose the topic to add or remove."),
    ],
)
def test_a_bulk_request_that_makes_no_sense_changes_nothing_and_says_why(editor_client, data, message):
    article = make_article()
    if data["action"] != "reviewed":
        data["articles"] = [article.id]
    query = "status=annotated&page=²"
    response = editor_client.post(BULK, {"query": query, **data})
    assert response.status_code == 302 and response["Location"] == "/?status=annotated"
    assert message in editor_client.get(response["Location"]).content.decode()
    article.refresh_from_db()
    assert (article.version, article.review_state) == (1, Article.ReviewState.UNREVIEWED)
    assert not ReviewEvent.objects.exists() and not ArticleTopic.objects.exists()


def test_an_htmx_bulk_action_returns_the_results_with_the_message(editor_client, desk):
    response = editor_client.post(BULK, {"action": "reviewed", "articles": [desk["a"].id], "query": "language=fr"},
                                  headers=htmx("queue-results"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="queue-results"') and "<html" not in html
    assert '<p class="message success" role="status">1 article marked reviewed.</p>' in html
    assert "Alpha" in html and "Bravo" not in html  # the same filtered queue
    assert '<span class="badge review-reviewed">reviewed</span>' in html
    refused = editor_client.post(BULK, {"action": "reviewed", "query": "language=fr"}, headers=htmx("queue-results"))
    assert refused.status_code == 422 and 'role="alert"' in refused.content.decode()


def test_a_bulk_redirect_cannot_leave_the_queue(editor_client):
    article = make_article()
    response = bulk(editor_client, "reviewed", [article], query="next=https://evil.example&status=annotated")
    assert response["Location"] == "/?status=annotated"


def test_viewer_sees_no_selection_and_gets_403_on_bulk(viewer_client):
    article = make_article("Seen")
    page = viewer_client.get(QUEUE).content.decode()
    assert "Seen" in page
    assert 'name="articles"' not in page and "bulk-bar" not in page
    assert bulk(viewer_client, "reviewed", [article]).status_code == 403
    assert bulk(viewer_client, "requeue", [article]).status_code == 403
    article.refresh_from_db()
    assert (article.review_state, article.status, article.version) == ("unreviewed", "annotated", 1)


def test_editor_sees_checkboxes_labelled_with_the_title(editor_client):
    article = make_article("Visite à Rabat")
    page = editor_client.get(QUEUE).content.decode()
    assert f'name="articles" value="{article.id}"' in page
    assert 'aria-label="Select Visite à Rabat"' in page
    assert 'aria-label="Select all articles on this page"' in page
    assert '<th scope="col">Title</th>' in page


def test_bulk_requires_post(editor_client):
    assert editor_client.get(BULK).status_code == 405


def test_bulk_without_csrf_token_is_refused(editor):
    article = make_article()
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert bulk(client, "reviewed", [article]).status_code == 403
    article.refresh_from_db()
    assert article.review_state == Article.ReviewState.UNREVIEWED


# Queries


def queue_with(count: int):
    Article.objects.all().delete()
    Actor.objects.all().delete()
    actors = [make_actor(f"Actor {i}") for i in range(5)]
    sport = Topic.objects.get(slug="sport")
    for i in range(count):
        article = make_article(f"Article {i}", source=f"Source {i % 3}",
                               status=Article.Status.QUEUED if i == count - 1 else Article.Status.ANNOTATED)
        for n, actor in enumerate(actors):
            mention(article, actor, n + 1)
        ArticleTopic.objects.create(article=article, topic=sport, score=0.9)


def count_queries(client, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE, {"language": "fr", "q": "texte"}, headers=headers)
    assert response.status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(editor_client, django_assert_max_num_queries):
    queue_with(10)
    few = count_queries(editor_client)
    few_rows = count_queries(editor_client, **htmx("article-rows"))
    queue_with(150)
    with django_assert_max_num_queries(few):
        response = editor_client.get(QUEUE, {"language": "fr", "q": "texte"})
    assert len(response.context["rows"]) == 100
    assert [a.name for a in response.context["rows"][0].top_actors] == ["Actor 4", "Actor 3", "Actor 2"]
    assert count_queries(editor_client) == few
    assert count_queries(editor_client, **htmx("article-rows")) == few_rows
    assert few <= 14, few


def test_dates_are_compared_in_local_days(editor_client, settings):
    settings.TIME_ZONE = "Europe/Paris"
    # 00:30 in Paris is still the day before in UTC: the editor means the Paris day.
    make_article("Just after midnight", published_at=day("2024-03-02 00:30"), added_at=day("2024-03-02 00:30"))
    assert titles(editor_client.get(QUEUE, {"published_from": "2024-03-02", "published_to": "2024-03-02"})) == [
        "Just after midnight"]
    assert titles(editor_client.get(QUEUE, {"published_to": "2024-03-01"})) == []
    assert titles(editor_client.get(QUEUE, {"added_to": "2024-03-01"})) == []


def test_an_article_is_searchable_once_its_search_document_is_written(db):
    if connection.vendor != "postgresql":
        pytest.skip("search documents exist on PostgreSQL only")
    pasted = article_create(body="Le ministre est arrivé à Rabat.", enqueue=False).article
    assert list(Article.objects.search("Rabat")) == [pasted]  # in the transaction that stored it
    stored = Article.objects.create(title="Sommet", body="Les ministres se retrouvent à Rabat.", content_hash="other")
    assert list(Article.objects.search("retrouvent")) == []  # stored another way: not yet
    assert articles_index_missing(batch_size=1) == 1
    assert articles_index_missing() == 0
    assert set(Article.objects.search("Rabat")) == {pasted, stored}
    assert list(Article.objects.search("sommet")) == [stored]  # the title counts
    stored.delete()
    assert SearchDocument.objects.count() == 1


def test_the_missing_search_documents_are_written_every_minute(settings):
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["articles.index_search"] <= 60
    # Not behind an archive's annotation batches: the queue the bulk worker takes besides "bulk".
    assert settings.CELERY_TASK_ROUTES["articles.index_search"] == {"queue": "export"}


def test_postgresql_search_uses_the_full_text_index(db):
    if connection.vendor != "postgresql":
        pytest.skip("the full-text index exists on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned anyway
        plan = Article.objects.search("Darmanin Rabat").explain()
    assert "searchdocument_vector_gin" in plan


# Grouped by story.

def _in_story(story, *articles, copy_of=None):
    from stories.models import Story

    assert isinstance(story, Story)
    Article.objects.filter(id__in=[a.id for a in articles]).update(story=story, near_copy_of=copy_of)


def _story(title, outlets, languages):
    from stories.models import Story

    return Story.objects.create(title=title, outlet_count=outlets, article_count=outlets, languages=languages)


def _day(day, hour=8):
    return timezone.make_aware(datetime(2026, 12, day, hour))


def test_the_queue_grouped_by_story_shows_each_story_once_with_its_articles_first_to_report_first(editor_client):
    rabat = _story("Darmanin à Rabat", 3, ["fr", "en"])
    games = _story("Jeux olympiques", 1, ["fr"])
    first = make_article("Darmanin arrive à Rabat", source="Le Matin", published_at=_day(1), added_at=_day(1))
    wire = make_article("Darmanin à Rabat (AFP)", source="AFP", published_at=_day(2), added_at=_day(2))
    copy = make_article("Darmanin à Rabat (AFP, repris)", source="Le360", published_at=_day(2, 9), added_at=_day(3))
    english = make_article("Darmanin in Rabat", source="Morocco World News", language="en", published_at=_day(2, 10),
                           added_at=_day(2, 10))
    games_article = make_article("Les Jeux commencent", source="L'Équipe", published_at=_day(4), added_at=_day(4))
    lone = make_article("Pas encore rangé", added_at=_day(5))
    _in_story(rabat, first, wire, english)
    _in_story(rabat, copy, copy_of=wire)
    _in_story(games, games_article)
    page = editor_client.get(QUEUE, {"group": "story"}).content.decode()
    assert "3 stories" in page
    # Latest added first: the lone article (5 Dec), the Games (4 Dec), then Rabat (its copy added 3 Dec).
    order = [page.index(text) for text in ("Not in a story yet", "Pas encore rangé", "Jeux olympiques",
                                           "Les Jeux commencent", "Darmanin à Rabat</a>", "Darmanin arrive à Rabat",
                                           "Darmanin à Rabat (AFP)</a>", "Darmanin in Rabat")]
    assert order == sorted(order)
    assert "3 outlets · 3 articles · fr, en" in page and f'id="select-{lone.id}"' in page
    # The copy is folded under the version it copies, not a row of its own.
    assert f'id="select-{copy.id}"' not in page and "Near copies:" in page
    assert f'href="/articles/{copy.id}">Le360</a>' in page
    # Filters still apply: only the English article, under its story.
    english_only = editor_client.get(QUEUE, {"group": "story", "language": "en"}).content.decode()
    assert "1 story" in english_only and "Darmanin in Rabat" in english_only
    assert "Darmanin arrive à Rabat" not in english_only and "Jeux olympiques" not in english_only


def test_a_story_with_many_matching_articles_shows_the_first_and_says_how_many_more(editor_client):
    from articles.selectors import STORY_ROWS_SHOWN

    story = _story("Sommet", 9, ["fr"])
    articles = [make_article(f"Sommet, épisode {n}", published_at=_day(1 + n % 5, n)) for n in range(9)]
    _in_story(story, *articles)
    page = editor_client.get(QUEUE, {"group": "story"}).content.decode()
    shown = [a for a in articles if f'id="select-{a.id}"' in page]
    assert len(shown) == STORY_ROWS_SHOWN
    reported_first = sorted(articles, key=lambda a: (a.published_at, a.id))[:STORY_ROWS_SHOWN]
    assert set(shown) == set(reported_first)
    assert f"{9 - STORY_ROWS_SHOWN} more matching articles in this story." in page


def test_the_grouped_queue_costs_the_same_queries_for_3_or_30_stories(editor_client, django_assert_max_num_queries):
    def fill(n):
        for i in range(n):
            story = _story(f"Sujet {i}", 2, ["fr"])
            _in_story(story, make_article(f"Sujet {i} a"), make_article(f"Sujet {i} b"))

    fill(3)
    with CaptureQueriesContext(connection) as few:
        editor_client.get(QUEUE, {"group": "story"})
    fill(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = editor_client.get(QUEUE, {"group": "story"}).content.decode()
    assert "25 stories" not in page and "30 stories" in page and "Page 1 of 2" in page
