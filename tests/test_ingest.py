from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles.models import Article, Source
from articles.services.ingest import (
    IngestError,
    article_create,
    articles_requeue,
    content_fingerprint,
    is_web_url,
    normalise_url,
    url_check,
)

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


NOT_WEB = ["javascript:alert(1)", "JavaScript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>",
           "file:///etc/passwd", "vbscript:msgbox(1)", "//evil.example/page", "ftp://files.example/a",
           "http://", "https:///path-only", "http://[::1", "http://news.example/a\x00b", "news.example/a"]


@pytest.mark.parametrize("url", NOT_WEB)
def test_it_refuses_a_url_that_is_not_an_http_address_and_stores_nothing(url):
    with pytest.raises(IngestError, match="Not a web address"):
        article_create(body=BODY, url=url)
    assert not Article.objects.exists()


def test_it_refuses_a_url_longer_than_the_column():
    with pytest.raises(IngestError, match="longer than 2,000"):
        article_create(body=BODY, url="https://news.example/" + "a" * 2000)


def test_it_turns_control_characters_in_one_line_fields_into_spaces(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        article = article_create(body=BODY, title="Visite\x00 à\x1b Rabat\n", source_name="\x00Le\tDesk\x7f",
                                 original_filename="a\x00.txt").article
    article.refresh_from_db()
    assert (article.title, article.source.name, article.original_filename) == ("Visite à Rabat", "Le Desk", "a .txt")


def test_a_title_of_control_characters_only_falls_back_to_the_first_line(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        article = article_create(body=BODY, title="\x00\x01", source_name="\x00").article
    assert (article.title, article.source) == ("Le ministre s’est rendu à Rabat.", None)


# Addresses in the shape of URLs (so that most examples get past the scheme), and any text at all.
_url_like = st.builds(
    lambda scheme, sep, host, rest: f"{scheme}{sep}{host}{rest}",
    st.sampled_from(["http", "https", "HTTP", "javascript", "data", "file", "ftp", ""]),
    st.sampled_from(["://", ":", "//", ":///"]),
    st.text(max_size=30),
    st.text(max_size=40),
)


@hypothesis_settings(deadline=None)  # a loaded test machine must not turn a slow example into a failure
@given(st.one_of(_url_like, st.text(max_size=80)))
def test_the_url_check_and_normaliser_raise_only_their_own_error_and_keep_only_web_addresses(url):
    try:
        checked = url_check(url)
        normalised = normalise_url(url)
    except IngestError as exc:
        assert str(exc).startswith(("Not a web address", "The URL is longer"))
        return
    if checked:
        assert is_web_url(normalised)
        assert urlsplit(normalised).scheme in ("http", "https")
        assert normalised == normalise_url(normalised)  # already canonical
    else:
        assert normalised == "" and not url.strip()


def test_the_migration_empties_urls_that_are_not_web_addresses_and_keeps_the_others():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("articles.migrations.0009_article_url_http_only")
    kept = ["https://news.example/a", "http://localhost/b", ""]
    emptied = ["javascript:alert(1)", " JAVASCRIPT:alert(1)", "data:text/html,x", "file:///etc/passwd",
               "vbscript:x", "//evil.example/a", "http://[::1", "ftp://files.example/a"]
    # Two rows with the same bad URL: the URL is not unique, both end up empty.
    urls = [*kept, *emptied, "javascript:alert(1)"]
    for i, url in enumerate(urls):
        Article.objects.create(title=f"A{i}", body="b", content_hash=f"h{i}", url=url)
    migration.forward(apps, None)
    assert list(Article.objects.order_by("id").values_list("url", flat=True)) == [
        *kept, *[""] * (len(emptied) + 1)]
