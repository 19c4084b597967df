"""An article's details (title, source, address, publication date) corrected from its review page:
the editor's layer, checked as at ingest, logged field by field, kept by every annotation run."""

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article, ReviewEvent, SearchDocument, Source
from articles.services import review
from articles.services.ingest import article_create, articles_requeue
from stories.models import Story
from tests.conftest import make_user, wait_annotated

pytestmark = pytest.mark.django_db

BODY = "Amina Diallo a rencontré Paul Martin à Dakar. Les deux ministres ont parlé de la pêche."


@pytest.fixture
def article():
    source = Source.objects.create(name="Le Quotidien")
    return Article.objects.create(title="Amina Diallo a rencontré Paul Martin à…", body=BODY, content_hash="details",
                                  status=Article.Status.ANNOTATED, language="fr", source=source,
                                  url="https://quotidien.example/dakar",
                                  published_at=datetime(2026, 12, 6, 7, 15, tzinfo=UTC))


def edit_url(article):
    return reverse("articles:edit", args=[article.id])


def details(article, **changes):
    values = {"details-title": article.title, "details-source": article.source.name if article.source else "",
              "details-url": article.url, "details-published_at": "2026-12-06T08:15", "version": article.version}
    return {**values, **{f"details-{k}" if k != "version" else k: v for k, v in changes.items()}}


def htmx_post(client, url, data):
    return client.post(url, data, headers={"HX-Request": "true", "HX-Target": "article-head"})


def test_an_editor_corrects_every_detail_and_each_change_is_in_the_history(editor_client, editor, article):
    response = htmx_post(editor_client, edit_url(article), details(
        article, title="Dakar : les ministres parlent de la pêche", source="La Gazette",
        url="gazette.example/2026/dakar/?utm_source=feed", published_at="2026-12-05T18:30"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Dakar : les ministres parlent de la pêche</h1>" in html and "Details saved." in html
    # Out of band: the version the workspace's forms send next, the review state and the history.
    assert 'id="article-version" name="version" value="2" hx-swap-oob="true"' in html
    assert 'id="history" hx-swap-oob="true"' in html
    assert ("changed the title: “Amina Diallo a rencontré Paul Martin à…” → “Dakar : les ministres parlent de la "
            "pêche”") in html
    article.refresh_from_db()
    assert (article.title, article.source.name, article.url, article.published_at) == (
        "Dakar : les ministres parlent de la pêche", "La Gazette", "https://gazette.example/2026/dakar",
        datetime(2026, 12, 5, 17, 30, tzinfo=UTC))  # typed in the desk's time zone (Paris)
    assert (article.version, article.review_state) == (2, Article.ReviewState.IN_REVIEW)
    events = {next(iter(e.after)): (e.user, e.action, e.before, e.after)
              for e in ReviewEvent.objects.filter(article=article)}
    assert events == {
        "title": (editor, "article_edit", {"title": "Amina Diallo a rencontré Paul Martin à…"},
                  {"title": "Dakar : les ministres parlent de la pêche"}),
        "source": (editor, "article_edit", {"source": "Le Quotidien"}, {"source": "La Gazette"}),
        "url": (editor, "article_edit", {"url": "https://quotidien.example/dakar"},
                {"url": "https://gazette.example/2026/dakar"}),
        "published_at": (editor, "article_edit", {"published_at": "2026-12-06T07:15:00+00:00"},
                         {"published_at": "2026-12-05T17:30:00+00:00"}),
    }
    assert Source.objects.filter(name="Le Quotidien").exists()  # the old source stays, with its other articles


def test_the_form_is_filled_with_the_details_and_saving_it_unchanged_writes_nothing(editor_client, article):
    page = editor_client.get(reverse("articles:detail", args=[article.id])).content.decode()
    assert "Edit details" in page and 'value="2026-12-06T08:15"' in page and 'value="Le Quotidien"' in page
    response = editor_client.post(edit_url(article), details(article))
    assert response.status_code == 302
    assert "Nothing to save" in editor_client.get(response["Location"]).content.decode()
    article.refresh_from_db()
    assert article.version == 1 and not ReviewEvent.objects.exists()


def test_emptying_the_source_url_and_date_is_a_change_like_any_other(editor_client, article):
    htmx_post(editor_client, edit_url(article), details(article, source="", url="", published_at=""))
    article.refresh_from_db()
    assert (article.source, article.url, article.published_at) == (None, "", None)
    assert ReviewEvent.objects.filter(action="article_edit").count() == 3


@pytest.mark.parametrize("changes, message", [
    ({"url": "javascript:alert(1)"}, "Not a web address"),
    ({"published_at": "the sixth"}, "Enter a valid date/time."),
    ({"published_at": "2026-13-01T08:00"}, "Enter a valid date/time."),
    ({"published_at": "0001-01-01T00:00"}, "between the years 1800 and 2200"),
    ({"title": "   "}, "This field is required."),
])
@pytest.mark.parametrize("htmx", [True, False])
def test_bad_details_bring_the_form_back_with_the_message_and_change_nothing(editor_client, article, changes,
                                                                              message, htmx):
    data = details(article, **{"title": "A new title", **changes})
    response = htmx_post(editor_client, edit_url(article), data) if htmx else editor_client.post(edit_url(article),
                                                                                                   data)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html and '<details class="edit-details" open>' in html
    assert 'value="A new title"' in html or "title" in changes  # what the editor typed is kept
    assert "autofocus" in html
    article.refresh_from_db()
    assert article.title.startswith("Amina") and article.version == 1 and not ReviewEvent.objects.exists()


def test_an_address_another_article_has_is_refused(editor_client, article):
    other = Article.objects.create(title="Autre", body="Autre texte.", content_hash="other",
                                   url="https://quotidien.example/autre")
    response = htmx_post(editor_client, edit_url(article), details(article, url="https://quotidien.example/autre/"))
    assert response.status_code == 422
    assert f"Article “{other.title}” already has this address." in response.content.decode()
    article.refresh_from_db()
    assert article.url == "https://quotidien.example/dakar"


def test_a_stale_version_is_a_conflict_that_keeps_what_the_editor_typed(editor_client, article):
    second = Client()
    second.force_login(make_user("ed2", "editor"))
    htmx_post(second, edit_url(article), details(article, title="Le titre de l'autre"))
    response = htmx_post(editor_client, edit_url(article), details(article, title="Mon titre"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this article" in html and "<h1>Le titre de l&#x27;autre</h1>" in html
    assert 'value="Mon titre"' in html and 'name="version" value="2"' in html  # saving again is one click
    article.refresh_from_db()
    assert article.title == "Le titre de l'autre"


def test_what_an_editor_writes_is_escaped(editor_client, article):
    htmx_post(editor_client, edit_url(article), details(article, title="<script>alert(1)</script>",
                                                        source="<b>Gazette</b>"))
    page = editor_client.get(reverse("articles:detail", args=[article.id])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>Gazette</b>" not in page


def test_a_viewer_cannot_edit_and_a_post_needs_its_csrf_token(client, viewer, editor, article):
    client.force_login(viewer)
    assert "Edit details" not in client.get(reverse("articles:detail", args=[article.id])).content.decode()
    assert htmx_post(client, edit_url(article), details(article, title="Viewer")).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    assert htmx_post(strict, edit_url(article), details(article, title="No token")).status_code == 403
    assert strict.get(edit_url(article)).status_code == 405
    article.refresh_from_db()
    assert article.title.startswith("Amina") and not ReviewEvent.objects.exists()


def test_an_article_whose_page_is_being_fetched_cannot_be_edited_yet(editor_client, article):
    # The fetch under way writes the page's own title and address when it ends.
    Article.objects.filter(id=article.id).update(status=Article.Status.FETCHING)
    assert "Edit details" not in editor_client.get(reverse("articles:detail", args=[article.id])).content.decode()
    response = htmx_post(editor_client, edit_url(article), details(article, title="Trop tôt"))
    assert response.status_code == 422 and "still being fetched" in response.content.decode()
    article.refresh_from_db()
    assert article.title.startswith("Amina")


def test_the_new_title_is_what_search_finds(editor):
    article = article_create(body=BODY, title="Rencontre à Dakar", enqueue=False).article
    assert list(Article.objects.search("rencontre")) == [article]
    review.article_details_edit(article=article, user=editor, title="Pêcheries sénégalaises", source_name="",
                                url="", published_at=None, expected_version=article.version)
    assert list(Article.objects.search("pecheries")) == [article]
    assert SearchDocument.objects.filter(article=article).count() == 1


def test_the_story_takes_the_corrected_title_and_date(editor, article):
    story = Story.objects.create(title=article.title, central_article=article, article_count=1)
    Article.objects.filter(id=article.id).update(story=story)
    article.refresh_from_db()
    review.article_details_edit(article=article, user=editor, title="Dakar : la pêche", source_name="La Gazette",
                                url=article.url, published_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
                                expected_version=article.version)
    story.refresh_from_db()
    assert (story.title, story.first_seen, story.outlet_count) == (
        "Dakar : la pêche", datetime(2026, 12, 1, 9, 0, tzinfo=UTC), 1)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_re_annotation_keeps_the_editors_details(worker, seeded):
    editor = make_user("details-editor", "editor")
    article = article_create(body=BODY, title="Amina Diallo a rencontré…", source_name="Le Quotidien",
                             url="https://quotidien.example/dakar").article
    [article] = wait_annotated([article.id], worker=worker)
    review.article_details_edit(article=article, user=editor, title="Dakar : les ministres parlent de la pêche",
                                source_name="La Gazette", url="https://gazette.example/dakar",
                                published_at=datetime(2026, 12, 5, 17, 30, tzinfo=UTC),
                                expected_version=article.version)
    # A new pipeline version on the workers: the article annotated again.
    Article.objects.filter(id=article.id).update(pipeline_version="older")
    assert articles_requeue(article_ids=[article.id]) == [article.id]
    [article] = wait_annotated([article.id], worker=worker)

    assert article.pipeline_version != "older" and article.status == Article.Status.ANNOTATED
    assert (article.title, article.source.name, article.url, article.published_at) == (
        "Dakar : les ministres parlent de la pêche", "La Gazette", "https://gazette.example/dakar",
        datetime(2026, 12, 5, 17, 30, tzinfo=UTC))
