import pytest
from django.test import Client
from django.urls import reverse

from articles.models import (
    Actor,
    ActorAlias,
    Article,
    ArticleTopic,
    Decision,
    Kind,
    Mention,
    Origin,
    Quote,
    ReviewEvent,
    Topic,
)
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

BODY = "Gérald Darmanin est à Rabat. Darmanin a rencontré Abdelouafi Laftit. Plus tard, Darmanin est reparti."


@pytest.fixture
def article():
    article = Article.objects.create(title="Visite", body=BODY, content_hash="h", status=Article.Status.ANNOTATED,
                                     language="fr")
    full = Actor.objects.create(name="Gérald Darmanin", kind="person", key="gerald darmanin|person")
    short = Actor.objects.create(name="Darmanin", kind="place", key="darmanin|place")
    place = Actor.objects.create(name="Rabat", kind="place", key="rabat|place")
    Mention.objects.create(article=article, start=0, end=15, text="Gérald Darmanin", kind="person", actor=full)
    for start in (BODY.index("Darmanin a"), BODY.index("Darmanin est reparti")):
        Mention.objects.create(article=article, start=start, end=start + 8, text="Darmanin", kind="place", actor=short)
    start = BODY.index("Rabat")
    Mention.objects.create(article=article, start=start, end=start + 5, text="Rabat", kind="place", actor=place)
    ArticleTopic.objects.create(article=article, topic=Topic.objects.get(slug="diplomacy"), score=0.6)
    return article


def htmx_post(client, url, data):
    return client.post(url, data, headers={"HX-Request": "true", "HX-Target": "workspace"})


def mention_at(article, surface, nth=0):
    return Mention.objects.filter(article=article, text=surface).order_by("start")[nth]


def url(name, article, *args):
    return reverse(f"articles:{name}", args=[article.id, *args])


def test_editor_rejects_a_mention_and_it_is_logged(editor_client, editor, article):
    mention = mention_at(article, "Rabat")
    response = htmx_post(editor_client, url("mention-decide", article, mention.id),
                         {"decision": "rejected", "version": article.version})
    assert response.status_code == 200
    html = response.content.decode()
    # Only what the decision changed, each piece swapped in place by its id: not the workspace.
    assert 'id="workspace"' not in html and "<html" not in html and "Plus tard" not in html
    assert response["HX-Reswap"] == "none"
    assert f'<a id="m-{mention.id}" class="mention kind-place decision-rejected' in html
    assert 'id="mention-panel" class="mention-panel' in html and 'id="history"' in html
    assert f'id="m-{mention_at(article, "Darmanin").id}"' not in html  # the other mentions stay as they are
    mention.refresh_from_db()
    assert (mention.decision, mention.decided_by) == (Decision.REJECTED, editor)
    article.refresh_from_db()
    assert article.version == 2 and article.review_state == Article.ReviewState.IN_REVIEW
    event = ReviewEvent.objects.get()
    assert (event.user, event.action, event.before["decision"], event.after["decision"]) == (
        editor, "mention_rejected", "pending", "rejected")
    assert f'value="{article.version}"' in html  # every form now carries the new version


def test_accept_every_occurrence(editor_client, article):
    mention = mention_at(article, "Darmanin")
    htmx_post(editor_client, url("mention-decide", article, mention.id),
              {"decision": "accepted", "everywhere": "1", "version": 1})
    decisions = set(Mention.objects.filter(article=article, text="Darmanin").values_list("decision", flat=True))
    assert decisions == {Decision.ACCEPTED}
    assert mention_at(article, "Rabat").decision == Decision.PENDING


def test_change_kind_every_occurrence(editor_client, article):
    mention = mention_at(article, "Darmanin")
    htmx_post(editor_client, url("mention-kind", article, mention.id),
              {"kind": "person", "everywhere": "1", "version": 1})
    rows = Mention.objects.filter(article=article, text="Darmanin")
    assert {m.kind for m in rows} == {"person"} and {m.decision for m in rows} == {Decision.ACCEPTED}
    assert {m.actor.kind for m in rows} == {"person"}


def test_link_darmanin_to_gerald_darmanin(editor_client, article):
    full = Actor.objects.get(name="Gérald Darmanin")
    mention = mention_at(article, "Darmanin")
    response = htmx_post(editor_client, url("mention-link", article, mention.id),
                         {"actor": full.id, "everywhere": "1", "version": 1})
    assert response.status_code == 200
    rows = Mention.objects.filter(article=article, text="Darmanin")
    assert {m.actor_id for m in rows} == {full.id} and {m.kind for m in rows} == {"person"}
    # The registry learned the alias, with who taught it.
    alias = ActorAlias.objects.get(actor=full, normalised="darmanin")
    assert alias.created_by is not None
    page = editor_client.get(url("detail", article)).content.decode()
    assert page.count(">Gérald Darmanin</a></strong>") == 1 and "3×" in page


def test_link_to_a_new_actor(editor_client, article):
    mention = mention_at(article, "Rabat")
    htmx_post(editor_client, url("mention-link", article, mention.id),
              {"new_name": "Rabat, capitale du Maroc", "new_kind": "place", "version": 1})
    mention.refresh_from_db()
    assert mention.actor.name == "Rabat, capitale du Maroc" and mention.actor.confirmed


def test_actor_search_lists_matches(editor_client, article):
    mention = mention_at(article, "Darmanin")
    ActorAlias.build(actor=Actor.objects.get(name="Gérald Darmanin"), surface="Gérald Darmanin").save()
    html = editor_client.get(url("actor-search", article, mention.id) + "?q=gerald",
                             headers={"HX-Request": "true"}).content.decode()
    assert "Gérald Darmanin" in html and 'name="actor"' in html


def test_add_a_missed_mention_by_offsets_trimming_the_selection(editor_client, article):
    start = BODY.index("Plus tard")
    response = htmx_post(editor_client, url("mention-add", article),
                         {"start": start - 1, "end": start + 10, "kind": "other", "version": 1})
    assert response.status_code == 200
    mention = Mention.objects.get(article=article, origin=Origin.EDITOR)
    assert (mention.start, mention.end, mention.text) == (start, start + 9, "Plus tard")
    assert mention.decision == Decision.ACCEPTED


def test_add_by_text_marks_every_free_occurrence(editor_client, article):
    htmx_post(editor_client, url("mention-add", article), {"text": "est", "kind": "other", "version": 1})
    assert Mention.objects.filter(article=article, text="est", origin=Origin.EDITOR).count() == 2


@pytest.mark.parametrize(
    "data, message",
    [
        ({"start": 0, "end": 6, "kind": "person"}, "already marked"),
        ({"start": 0, "end": 9999, "kind": "person"}, "outside the article"),
        ({"start": 30, "end": 34, "kind": "wizard"}, "Unknown kind"),
        ({"text": "Paris", "kind": "place"}, "does not occur"),
    ],
)
def test_bad_additions_are_refused_with_a_message(editor_client, article, data, message):
    response = htmx_post(editor_client, url("mention-add", article), {**data, "version": 1})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Mention.objects.filter(origin=Origin.EDITOR).exists()
    article.refresh_from_db()
    assert article.version == 1


def test_topics_add_confirm_remove(editor_client, article):
    htmx_post(editor_client, url("topic-add", article), {"topic": "terrorism", "version": 1})
    added = ArticleTopic.objects.get(article=article, topic__slug="terrorism")
    assert (added.origin, added.decision) == (Origin.EDITOR, Decision.ACCEPTED)
    suggested = ArticleTopic.objects.get(article=article, topic__slug="diplomacy")
    htmx_post(editor_client, url("topic-decide", article, suggested.id), {"decision": "rejected", "version": 2})
    suggested.refresh_from_db()
    assert suggested.decision == Decision.REJECTED


def test_mark_reviewed_and_open_the_next_which_says_which_article_was_saved(editor_client, article):
    following = Article.objects.create(title="Next", body="b", content_hash="n", status=Article.Status.ANNOTATED)
    Article.objects.filter(id=following.id).update(created_at=article.created_at.replace(year=2000))
    response = htmx_post(editor_client, url("reviewed", article), {"version": 1, "next": "1"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("articles:detail", args=[following.id])
    article.refresh_from_db()
    assert article.review_state == Article.ReviewState.REVIEWED
    page = editor_client.get(response["HX-Redirect"]).content.decode()
    assert "“Visite” marked reviewed. Accepted the rest: 4 mentions, 1 topic." in page
    assert f'<a href="{url("detail", article)}">Open it again</a>' in page
    # Said once: not again on the page after.
    assert "marked reviewed" not in editor_client.get(response["HX-Redirect"]).content.decode()


def add_quote(article, text="Plus tard"):
    start = BODY.index(text)
    return Quote.objects.create(article=article, start=start, end=start + len(text), text=text)


def test_the_review_button_says_it_accepts_the_rest_and_how_many_are_left(editor_client, article):
    add_quote(article)
    page = editor_client.get(url("detail", article)).content.decode()
    assert "still pending: 4 mentions, 1 topic, 1 quote" in page
    assert ">Accept the rest (6) and mark reviewed</button>" in page
    assert 'data-shortcut="n">Accept the rest (6), mark reviewed and open the next (n)</button>' in page
    # Each decision brings the count down, in the answer that swaps the review state.
    html = decide(editor_client, article, mention_at(article, "Rabat"), "rejected").content.decode()
    assert 'id="review-state" hx-swap-oob="true"' in html and ">Accept the rest (5) and mark reviewed</button>" in html
    assert "still pending: 3 mentions, 1 topic, 1 quote" in html


def test_with_nothing_pending_the_button_only_marks_reviewed(editor_client, article):
    Mention.objects.filter(article=article).update(decision=Decision.REJECTED)
    ArticleTopic.objects.filter(article=article).update(decision=Decision.ACCEPTED)
    page = editor_client.get(url("detail", article)).content.decode()
    assert ">Mark reviewed</button>" in page and "Accept the rest" not in page and "still pending" not in page


def test_marking_reviewed_accepts_the_rest_as_the_editors_one_decision(editor_client, editor, article):
    quote = add_quote(article)
    rabat = mention_at(article, "Rabat")
    decide(editor_client, article, rabat, "rejected")
    article.refresh_from_db()
    response = htmx_post(editor_client, url("reviewed", article), {"version": article.version})
    assert response.status_code == 200

    article.refresh_from_db()
    assert article.review_state == Article.ReviewState.REVIEWED
    mentions = Mention.objects.filter(article=article).exclude(id=rabat.id)
    assert {(m.decision, m.decided_by) for m in mentions} == {(Decision.ACCEPTED, editor)}
    assert mention_at(article, "Rabat").decision == Decision.REJECTED  # a decision already taken stays
    topic = ArticleTopic.objects.get(article=article)
    quote.refresh_from_db()
    assert (topic.decision, topic.decided_by, quote.decision, quote.decided_by) == (
        Decision.ACCEPTED, editor, Decision.ACCEPTED, editor)
    # One decision, one event: what it accepted is listed in it.
    assert list(ReviewEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "mention_rejected", "article_reviewed"]
    event = ReviewEvent.objects.get(action="article_reviewed")
    assert (event.user, event.before, event.after) == (editor, {"review_state": "in_review"}, {
        "review_state": "reviewed",
        "accepted": {"mentions": sorted(m.id for m in mentions), "topics": [topic.id], "quotes": [quote.id]}})
    html = response.content.decode()
    assert "still pending" not in html
    history = html.split('id="history"')[1]
    assert "accepted the rest (3 mentions, 1 topic, 1 quote) and marked the article reviewed" in history, history
    # The registry was not taught names the editor did not look at one by one.
    assert not Actor.objects.filter(confirmed=True).exists()


def test_undo_takes_back_accept_the_rest_as_a_whole(editor_client, editor, article):
    add_quote(article)
    rabat = mention_at(article, "Rabat")
    decide(editor_client, article, rabat, "rejected")
    article.refresh_from_db()
    htmx_post(editor_client, url("reviewed", article), {"version": article.version})

    assert undo(editor_client, article).status_code == 200
    article.refresh_from_db()
    assert article.review_state == Article.ReviewState.IN_REVIEW
    others = Mention.objects.filter(article=article).exclude(id=rabat.id)
    assert {(m.decision, m.decided_by) for m in others} == {(Decision.PENDING, None)}
    assert ArticleTopic.objects.get(article=article).decision == Decision.PENDING
    assert Quote.objects.get(article=article).decision == Decision.PENDING
    assert mention_at(article, "Rabat").decision == Decision.REJECTED
    undo(editor_client, article)  # the decision before it: the rejection
    assert mention_at(article, "Rabat").decision == Decision.PENDING


def test_undoing_accept_the_rest_is_refused_once_someone_changed_one_of_its_rows(editor_client, article):
    htmx_post(editor_client, url("reviewed", article), {"version": article.version})
    other = Client()
    other.force_login(make_user("other", "editor"))
    decide(other, article, mention_at(article, "Rabat"), "rejected")
    response = undo(editor_client, article)
    assert response.status_code == 422 and "changed since" in response.content.decode()
    article.refresh_from_db()
    assert article.review_state == Article.ReviewState.REVIEWED
    assert mention_at(article, "Darmanin").decision == Decision.ACCEPTED


def test_accept_the_rest_checks_the_version(editor_client, article):
    decide(editor_client, article, mention_at(article, "Rabat"), "rejected")
    response = htmx_post(editor_client, url("reviewed", article), {"version": 1})
    assert response.status_code == 409
    article.refresh_from_db()
    assert article.review_state == Article.ReviewState.IN_REVIEW
    assert mention_at(article, "Darmanin").decision == Decision.PENDING


def test_plain_form_posts_work_without_javascript(editor_client, article):
    mention = mention_at(article, "Rabat")
    response = editor_client.post(url("mention-decide", article, mention.id), {"decision": "accepted", "version": 1})
    assert response.status_code == 302
    assert response["Location"].endswith(f"?mention={mention.id}#m-{mention.id}")
    page = editor_client.get(response["Location"]).content.decode()
    assert "“Rabat”" in page and "Accept" in page
    mention.refresh_from_db()
    assert mention.decision == Decision.ACCEPTED


def test_two_editors_get_a_conflict_instead_of_overwriting(article):
    first, second = Client(), Client()
    first.force_login(make_user("ed1", "editor"))
    second.force_login(make_user("ed2", "editor"))
    mention = mention_at(article, "Rabat")
    seen_version = article.version
    assert htmx_post(first, url("mention-decide", article, mention.id),
                     {"decision": "accepted", "version": seen_version}).status_code == 200
    response = htmx_post(second, url("mention-decide", article, mention.id),
                         {"decision": "rejected", "version": seen_version})
    assert response.status_code == 409
    assert "Someone else changed this article" in response.content.decode()
    mention.refresh_from_db()
    assert mention.decision == Decision.ACCEPTED
    assert ReviewEvent.objects.count() == 1


def test_viewer_can_read_but_not_change_anything(client, viewer, article):
    client.force_login(viewer)
    page = client.get(url("detail", article)).content.decode()
    assert "Gérald Darmanin" in page and "Accept" not in page and "Add mention" not in page
    mention = mention_at(article, "Rabat")
    for name, args, data in [
        ("mention-decide", [mention.id], {"decision": "rejected"}),
        ("mention-kind", [mention.id], {"kind": "person"}),
        ("mention-link", [mention.id], {"new_name": "X", "new_kind": "person"}),
        ("mention-add", [], {"start": 30, "end": 34, "kind": "other"}),
        ("topic-add", [], {"topic": "terrorism"}),
        ("reviewed", [], {}),
    ]:
        response = htmx_post(client, url(name, article, *args), {**data, "version": 1})
        assert response.status_code == 403, name
    article.refresh_from_db()
    assert article.version == 1 and not ReviewEvent.objects.exists()


def test_htmx_posts_need_the_csrf_header(editor, article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    mention = mention_at(article, "Rabat")
    response = htmx_post(client, url("mention-decide", article, mention.id), {"decision": "rejected", "version": 1})
    assert response.status_code == 403
    page = client.get(url("detail", article))
    token = page.cookies["csrftoken"].value
    assert '"x-csrftoken": "' in page.content.decode()
    response = client.post(url("mention-decide", article, mention.id), {"decision": "rejected", "version": 1},
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200


def test_review_page_queries_do_not_grow_with_mentions(editor_client, django_assert_num_queries):
    counts = {}
    for n in (20, 400):
        body = "Darmanin. " * n
        article = Article.objects.create(title="t", body=body, content_hash=f"q{n}", status=Article.Status.ANNOTATED)
        actor = Actor.objects.create(name="Darmanin", kind="person", key=f"darmanin|person{n}")
        Mention.objects.bulk_create(Mention(article=article, start=i * 10, end=i * 10 + 8, text="Darmanin",
                                            kind="person", actor=actor) for i in range(n))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = editor_client.get(url("detail", article))
        assert response.content.decode().count('class="mention kind-person') == n
        counts[n] = len(queries)
    assert counts[20] == counts[400]


def test_a_mention_carries_its_id_kind_and_decision_and_nothing_the_page_can_say_once(editor_client, article):
    rabat = mention_at(article, "Rabat")
    page = editor_client.get(url("detail", article)).content.decode()
    # In the text: the kind's label comes from one stylesheet, the actor and details from the panel.
    link = f'<a id="m-{rabat.id}" class="mention kind-place decision-pending" href="?mention={rabat.id}#m-{rabat.id}">'
    assert f"{link}Rabat</a>" in page
    assert reverse("articles:mention-kinds-css", args=["en"]) in page
    # Under its actor: a plain link (one handler in the page's script opens the panel in place).
    assert f'<li><a href="?mention={rabat.id}#mention-panel">Rabat</a> <span class="muted">' in page
    assert 'hx-get="?mention=' not in page
    assert page.count("data-kind-label=") == len(Kind.choices)  # the legend's, not one per mention


def test_the_mention_kinds_stylesheet_labels_each_kind_and_tells_screen_readers_the_decision(client):
    css = client.get(reverse("articles:mention-kinds-css", args=["fr"]))
    assert css.status_code == 200 and css["Content-Type"].startswith("text/css")
    assert "max-age=86400" in css["Cache-Control"]
    text = css.content.decode()
    assert 'a.mention.kind-place::after { content: "lieu"; }' in text
    assert 'a.mention.kind-place.decision-accepted::after { content: "lieu" / "lieu, accepté"; }' in text
    assert 'content: "place"' in client.get(reverse("articles:mention-kinds-css", args=["en"])).content.decode()
    assert client.get("/articles/mention-kinds.xx.css").status_code == 404


def test_the_mention_panel_alone_is_sent_when_a_mention_is_clicked(editor_client, article,
                                                                   django_assert_max_num_queries):
    mention = mention_at(article, "Rabat")
    with django_assert_max_num_queries(7):  # 6, and 1 for the actors it may be linked to in one step
        response = editor_client.get(f"{url('detail', article)}?mention={mention.id}",
                                     headers={"HX-Request": "true", "HX-Target": "mention-panel"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "“Rabat”" in html and f'value="{article.version}"' in html
    assert url("mention-decide", article, mention.id) in html and 'id="article-body"' not in html


# Undo


def decide(client, article, mention, decision, **extra):
    article.refresh_from_db()
    return htmx_post(client, url("mention-decide", article, mention.id),
                     {"decision": decision, "version": article.version, **extra})


def undo(client, article):
    article.refresh_from_db()
    return htmx_post(client, url("undo", article), {"version": article.version})


def test_undo_puts_back_the_decision_before_the_last_one_and_logs_it(editor_client, editor, article):
    mention = mention_at(article, "Rabat")
    decide(editor_client, article, mention, "rejected")
    decide(editor_client, article, mention, "accepted")
    response = undo(editor_client, article)
    assert response.status_code == 200
    mention.refresh_from_db()
    assert (mention.decision, mention.decided_by) == (Decision.REJECTED, editor)
    last = ReviewEvent.objects.order_by("-id").first()
    assert (last.user, last.action, last.target, last.before["decision"], last.after["decision"]) == (
        editor, "undo", f"mention {mention.id}", "accepted", "rejected")
    assert last.changes() == [("decision", "accepted", "rejected")]
    assert "undid their decision on “Rabat” (now rejected)" in response.content.decode().split('class="history"')[1]

    undo(editor_client, article)  # the decision before: back to pending
    mention.refresh_from_db()
    assert (mention.decision, mention.decided_by) == (Decision.PENDING, None)
    response = undo(editor_client, article)
    assert response.status_code == 422 and "no decision of yours to undo" in response.content.decode()


def test_undo_takes_back_every_occurrence_decided_at_once(editor_client, article):
    decide(editor_client, article, mention_at(article, "Rabat"), "rejected")
    decide(editor_client, article, mention_at(article, "Darmanin"), "accepted", everywhere="1")
    undo(editor_client, article)
    assert list(Mention.objects.filter(text="Darmanin").values_list("decision", flat=True)) == ["pending", "pending"]
    assert mention_at(article, "Rabat").decision == Decision.REJECTED


def test_an_every_occurrence_decision_answers_with_each_mention_it_changed_and_their_group(editor_client, article):
    first, second = (mention_at(article, "Darmanin", n) for n in (0, 1))
    html = decide(editor_client, article, first, "accepted", everywhere="1").content.decode()
    for mention in (first, second):
        assert f'<a id="m-{mention.id}" class="mention kind-place decision-accepted' in html
    assert f'<li id="group-{first.actor_id}" hx-swap-oob="true">' in html and "2×" in html
    assert f'id="m-{mention_at(article, "Rabat").id}"' not in html


def test_rejecting_a_groups_last_mention_hides_the_group_and_accepting_it_brings_it_back(editor_client, article):
    rabat = mention_at(article, "Rabat")
    html = decide(editor_client, article, rabat, "rejected").content.decode()
    assert f'<li id="group-{rabat.actor_id}" hidden hx-swap-oob="true"></li>' in html
    page = editor_client.get(url("detail", article)).content.decode()
    assert f'<li id="group-{rabat.actor_id}" hidden></li>' in page  # where an accept puts it back
    html = decide(editor_client, article, rabat, "accepted").content.decode()
    assert f'<li id="group-{rabat.actor_id}" hx-swap-oob="true">' in html and ">Rabat</a>" in html


def test_undo_answers_htmx_with_the_mention_it_put_back(editor_client, article):
    mention = mention_at(article, "Rabat")
    decide(editor_client, article, mention, "rejected")
    html = undo(editor_client, article).content.decode()
    assert 'id="workspace"' not in html
    assert f'<a id="m-{mention.id}" class="mention kind-place decision-pending is-current"' in html


def test_a_topic_decision_answers_with_that_topic_only(editor_client, article):
    ArticleTopic.objects.create(article=article, topic=Topic.objects.get(slug="sport"), score=0.5)
    diplomacy = ArticleTopic.objects.get(article=article, topic__slug="diplomacy")
    html = htmx_post(editor_client, url("topic-decide", article, diplomacy.id),
                     {"decision": "accepted", "version": article.version}).content.decode()
    assert f'<li class="topic decision-accepted" id="topic-{diplomacy.id}" hx-swap-oob="true"' in html
    assert "Sport" not in html and 'id="workspace"' not in html


def test_undo_covers_topics_and_kinds_and_leaves_other_editors_decisions(editor_client, editor, article):
    other = make_user("other", "editor")
    client = Client()
    client.force_login(other)
    article_topic = ArticleTopic.objects.get(article=article)
    article.refresh_from_db()
    htmx_post(editor_client, url("topic-decide", article, article_topic.id), {"decision": "rejected",
                                                                              "version": article.version})
    gerald = mention_at(article, "Gérald Darmanin")
    article.refresh_from_db()
    htmx_post(editor_client, url("mention-kind", article, gerald.id), {"kind": "organisation",
                                                                       "version": article.version})
    decide(client, article, mention_at(article, "Rabat"), "rejected")  # someone else's
    undo(editor_client, article)
    gerald.refresh_from_db()
    assert (gerald.kind, gerald.decision) == ("person", Decision.PENDING)
    assert mention_at(article, "Rabat").decision == Decision.REJECTED
    undo(editor_client, article)
    article_topic.refresh_from_db()
    assert article_topic.decision == Decision.PENDING


def test_undo_refuses_a_decision_changed_since_by_someone_else(editor_client, article):
    other = make_user("other", "editor")
    client = Client()
    client.force_login(other)
    mention = mention_at(article, "Rabat")
    decide(editor_client, article, mention, "rejected")
    decide(client, article, mention, "accepted")
    response = undo(editor_client, article)
    assert response.status_code == 422 and "changed since" in response.content.decode()
    mention.refresh_from_db()
    assert mention.decision == Decision.ACCEPTED


def test_undo_checks_the_version_and_the_permission(editor_client, viewer, article):
    decide(editor_client, article, mention_at(article, "Rabat"), "rejected")
    assert htmx_post(editor_client, url("undo", article), {"version": 1}).status_code == 409
    viewer_client = Client()
    viewer_client.force_login(viewer)
    assert undo(viewer_client, article).status_code == 403
    assert mention_at(article, "Rabat").decision == Decision.REJECTED
