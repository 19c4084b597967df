import pytest

from articles.models import Article, Source
from articles.services.ingest import IngestError, article_create, articles_requeue, content_fingerprint, normalise_url

pytestmark = pytest.mark.django_db

BODY = "Le ministre s’est rendu à Rabat.\n\nIl a rencontré son homologue."


def test_it_stores_and_queues_after_commit(django_capture_on_commit_callbacks, editor):
    with django_capture_on_commit_callbacks() as callbacks:
        result = article_create(body=BODY, title="Visite", source_name="Le Desk", created_by=editor)
    assert not result.duplicate
    article = Article.objects.get()
    assert article.status == Article.Status.QUEUED
    assert article.body == BODY
    assert article.source == Source.objects.get(name="Le Desk")
    assert article.created_by == editor
    # Enqueued only once the row is committed, so a worker always finds it.
    assert len(callbacks) == 1


def test_it_reports_a_duplicate_with_other_typography(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        first = article_create(body=BODY).article
    with django_capture_on_commit_callbacks() as callbacks:
        again = article_create(body="  Le ministre s'est rendu à  Rabat.\r\n\r\n\r\nIl a rencontré son homologue. ")
    assert again.duplicate
    assert again.article == first
    assert Article.objects.count() == 1
    assert callbacks == []


def test_it_reports_a_duplicate_url_ignoring_tracking_parameters(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        first = article_create(body=BODY, url="https://news.example/a/1?utm_source=x").article
        again = article_create(body=BODY + " Mise à jour.", url="https://NEWS.example/a/1/")
    assert again.duplicate and again.article == first


def test_it_refuses_empty_text():
    with pytest.raises(IngestError, match="empty"):
        article_create(body=" \n\t ")
    assert not Article.objects.exists()


def test_it_refuses_text_over_the_limit(settings):
    settings.MAX_ARTICLE_CHARS = 100
    with pytest.raises(IngestError, match="too long"):
        article_create(body="mot " * 100)
    assert not Article.objects.exists()


def test_it_refuses_a_bad_language_code():
    with pytest.raises(IngestError, match="language"):
        article_create(body=BODY, language="french")


def test_it_strips_control_characters(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        article = article_create(body="Titre\x00 avec\x07 bruit\n\tet tabulation").article
    assert article.body == "Titre avec bruit\n\tet tabulation"


def test_title_defaults_to_the_first_line(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        article = article_create(body=BODY).article
    assert article.title == "Le ministre s’est rendu à Rabat."


def test_requeue_resets_a_failed_article(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        article = article_create(body=BODY).article
    Article.objects.filter(id=article.id).update(status=Article.Status.FAILED, attempts=3, last_error="boom")
    with django_capture_on_commit_callbacks() as callbacks:
        articles_requeue(article_ids=[article.id])
    article.refresh_from_db()
    assert (article.status, article.attempts, article.last_error) == (Article.Status.QUEUED, 0, "")
    assert len(callbacks) == 1


def test_fingerprint_folds_case_spacing_and_quotes():
    assert content_fingerprint("« Oui », dit-il’") == content_fingerprint('" oui ",   DIT-IL\'')
    assert content_fingerprint("a b") != content_fingerprint("a c")


def test_normalise_url():
    assert normalise_url("HTTPS://Example.com/x/?utm_medium=y&id=3#top") == "https://example.com/x?id=3"
    assert normalise_url("") == ""
