import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Actor, Article, ArticleTopic, Kind, Mention, Topic
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

BODY = "Le ministre français de l'Intérieur s'est rendu à Rabat pour parler de terrorisme."


def paste(client, **fields):
    data = {"paste-title": "", "paste-body": BODY, "paste-source": "", "paste-url": "", "paste-published_at": "",
            "paste-language": ""}
    data.update({f"paste-{k}": v for k, v in fields.items()})
    return client.post(reverse("articles:new"), data)


def upload(client, name, content, **fields):
    data = {"upload-file": SimpleUploadedFile(name, content)}
    data.update({f"upload-{k}": v for k, v in fields.items()})
    return client.post(reverse("articles:new"), data)


def test_pages_require_login(client):
    for url in (reverse("articles:list"), reverse("articles:new"), "/api/docs"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_login_page_renders(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="password"' in response.content


def test_editor_pastes_an_article(editor_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = paste(editor_client, title="Visite à Rabat", source="Le Desk", url="https://news.example/1",
                         published_at="2024-03-01T10:00", language="fr")
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("articles:detail", args=[article.id])
    assert (article.title, article.source.name, article.language, article.language_given) == (
        "Visite à Rabat", "Le Desk", "fr", True)
    assert article.published_at.year == 2024
    assert len(callbacks) == 1
    page = editor_client.get(response["Location"])
    assert "queued" in page.content.decode()


@pytest.mark.parametrize("published_at", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_a_paste_with_an_impossible_publication_date_is_refused_with_a_message(editor_client, published_at):
    response = paste(editor_client, published_at=published_at)
    assert response.status_code == 400
    assert "A publication date is between the years 1800 and 2200." in response.content.decode()
    assert not Article.objects.exists()


def test_a_duplicate_paste_links_the_existing_article(editor_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        paste(editor_client)
        response = paste(editor_client, title="Autre titre")
    first = Article.objects.get()
    assert response["Location"] == reverse("articles:detail", args=[first.id])
    page = editor_client.get(response["Location"]).content.decode()
    assert "already in the review" in page
    assert reverse("articles:detail", args=[first.id]) in page


def test_an_empty_paste_is_refused(editor_client):
    response = paste(editor_client, body="   ")
    assert response.status_code == 400
    assert "The article text is empty." in response.content.decode()
    assert not Article.objects.exists()


def test_viewer_cannot_add(viewer_client):
    assert viewer_client.get(reverse("articles:new")).status_code == 403
    assert paste(viewer_client).status_code == 403
    assert not Article.objects.exists()


def test_viewer_cannot_retry(viewer_client):
    article = Article.objects.create(title="t", body="b", content_hash="h", status=Article.Status.FAILED)
    assert viewer_client.post(reverse("articles:retry", args=[article.id])).status_code == 403
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED


def test_post_without_csrf_token_is_refused(editor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert paste(client).status_code == 403
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("note.txt", "Réunion à Rabat sur la sécurité.\nDeuxième ligne.".encode("cp1252"), "Réunion à Rabat"),
        ("note.md", "# Titre\n\nUn **paragraphe** sur la [sécurité](https://x.example).".encode(), "paragraphe"),
        (
            "page.html",
            (
                "<html lang='fr'><head><title>Visite</title><script>alert(1)</script></head><body><nav>Menu</nav>"
                "<article><h1>Visite</h1><p>" + "Le ministre a rencontré son homologue à Rabat. " * 20
                + "</p></article></body></html>"
            ).encode(),
            "Le ministre a rencontré",
        ),
    ],
)
def test_editor_uploads_a_file(editor_client, django_capture_on_commit_callbacks, name, content, expected):
    with django_capture_on_commit_callbacks():
        response = upload(editor_client, name, content)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    assert expected in article.body
    assert "alert(1)" not in article.body
    assert article.original_filename == name


def test_editor_uploads_a_docx(editor_client, django_capture_on_commit_callbacks):
    import docx

    document = docx.Document()
    document.add_heading("Coopération sécuritaire", level=1)
    document.add_paragraph("Les deux ministres ont signé un accord à Rabat.")
    buffer = io.BytesIO()
    document.save(buffer)
    with django_capture_on_commit_callbacks():
        response = upload(editor_client, "accord.docx", buffer.getvalue())
    assert response.status_code == 302
    article = Article.objects.get()
    assert "signé un accord" in article.body


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.txt", b"", "empty"),
        ("binary.txt", bytes(range(256)) * 40, "not text"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "docx"),
        ("broken.pdf", b"%PDF-1.4\n garbage without xref", "PDF"),
        ("virus.exe", b"MZ\x90\x00", "Unsupported file type"),
    ],
)
def test_bad_uploads_get_a_clear_message_and_store_nothing(editor_client, name, content, message):
    response = upload(editor_client, name, content)
    assert response.status_code == 400
    assert message.lower() in response.content.decode().lower()
    assert not Article.objects.exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://files.example/a", "http://[::1"])
def test_a_paste_with_a_url_that_is_not_a_web_address_is_refused_with_a_message(editor_client, url):
    response = paste(editor_client, url=url)
    assert response.status_code == 400
    assert "Not a web address" in response.content.decode()
    assert not Article.objects.exists()


def test_a_paste_of_an_address_without_scheme_gets_https(editor_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        paste(editor_client, url="news.example/a/1")
    assert Article.objects.get().url == "https://news.example/a/1"


def test_an_upload_with_a_bad_typed_url_is_refused(editor_client):
    response = upload(editor_client, "note.txt", "Réunion à Rabat.".encode(), url="javascript:alert(1)")
    assert response.status_code == 400
    assert "Not a web address" in response.content.decode()
    assert not Article.objects.exists()


def test_an_uploaded_page_whose_own_link_is_not_a_web_address_is_stored_without_it(
        editor_client, django_capture_on_commit_callbacks):
    page = ("<html><head><title>Visite</title><link rel='canonical' href='javascript:alert(1)'></head><body>"
            "<article><p>" + "Le ministre a rencontré son homologue à Rabat. " * 20 + "</p></article></body></html>")
    with django_capture_on_commit_callbacks():
        response = upload(editor_client, "page.html", page.encode())
    assert response.status_code == 302
    assert Article.objects.get().url == ""


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "//evil.example/a"])
def test_the_review_page_links_only_web_addresses(editor_client, url):
    # Stored before URLs were checked at ingest (the migration empties them; this is the second line).
    bad = Article.objects.create(title="A", body="b", content_hash="bad", url=url)
    good = Article.objects.create(title="B", body="b", content_hash="good", url="https://news.example/1")
    page = editor_client.get(reverse("articles:detail", args=[bad.id])).content.decode()
    assert url not in page and ">original<" not in page
    page = editor_client.get(reverse("articles:detail", args=[good.id])).content.decode()
    assert 'href="https://news.example/1"' in page


def test_an_upload_in_utf8_with_one_bad_byte_keeps_its_accents_and_says_where_the_byte_was(
        editor_client, django_capture_on_commit_callbacks):
    text = "Le président de la région a présenté le budget.\nLa séance a été levée à midi."
    data = text.encode()
    cut = data.index(b"\nLa") + 1
    with django_capture_on_commit_callbacks():
        response = upload(editor_client, "note.txt", data[:cut] + b"\x92" + data[cut:])
    assert response.status_code == 302
    body = Article.objects.get().body
    assert body == text.replace("\nLa", "\n\ufffdLa") and "Ã©" not in body
    page = editor_client.get(response["Location"]).content.decode()
    assert f"1 invalid UTF-8 sequence replaced with \ufffd; the first at line 2, byte {cut}" in page


def test_an_image_uploaded_as_text_is_refused_as_not_text(editor_client):
    response = upload(editor_client, "note.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert response.status_code == 400
    assert "This file is not text (its content looks like a PNG image)" in response.content.decode()
    assert not Article.objects.exists()


def test_the_upload_service_refuses_a_file_over_the_limit_before_reading_it(editor, settings):
    from articles.services.ingest import IngestError, article_create_from_upload

    settings.MAX_UPLOAD_BYTES = 1024
    with pytest.raises(IngestError, match=r"^The file is too large \(2 KB; the limit is 1 KB\)$"):
        article_create_from_upload(file=SimpleUploadedFile("big.txt", b"a" * 2048), created_by=editor)
    assert not Article.objects.exists()


def test_an_oversized_request_is_refused_before_reading_it(editor_client, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    response = upload(editor_client, "big.txt", b"a" * 200_000)
    assert response.status_code == 413
    assert "limit" in response.content.decode()
    assert not Article.objects.exists()


def annotated_article():
    body = "Gérald Darmanin a parlé. <script>alert('x')</script> Darmanin <img src=x onerror=alert(1)> hx-get=\"/\""
    article = Article.objects.create(title="<b>Titre</b>", body=body, content_hash="h1",
                                     status=Article.Status.ANNOTATED, language="fr")
    actor = Actor.objects.create(name="Gérald Darmanin", kind="person", key="gerald darmanin|person")
    start = body.index("Gérald Darmanin")
    Mention.objects.create(article=article, start=start, end=start + 15, text="Gérald Darmanin", kind="person",
                           actor=actor)
    start = body.index("Darmanin <img")
    Mention.objects.create(article=article, start=start, end=start + 8, text="Darmanin", kind="person", actor=actor)
    ArticleTopic.objects.create(article=article, topic=Topic.objects.get(slug="terrorism"), score=0.8,
                                evidence=[[0, 25]])
    return article


def test_detail_shows_actors_grouped_with_offsets_and_topics(editor_client):
    article = annotated_article()
    page = editor_client.get(reverse("articles:detail", args=[article.id])).content.decode()
    assert page.count(">Gérald Darmanin</a></strong>") == 1
    assert "2×" in page
    assert "0–15" in page
    assert "Terrorism" in page and "0.80" in page
    assert "Gérald Darmanin a parlé." in page  # evidence sentence


def test_everything_written_by_users_is_escaped(editor_client):
    article = annotated_article()
    page = editor_client.get(reverse("articles:detail", args=[article.id])).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    assert "<b>Titre</b>" not in page and "&lt;b&gt;Titre&lt;/b&gt;" in page
    assert 'hx-get="/"' not in page


def test_polling_returns_the_fragment_and_stops_when_finished(editor_client):
    article = Article.objects.create(title="t", body="b", content_hash="h", status=Article.Status.ANNOTATING)
    url = reverse("articles:detail", args=[article.id])
    response = editor_client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="annotation"') and "<html" not in html
    assert 'hx-trigger="every 1s"' in html
    Article.objects.filter(id=article.id).update(status=Article.Status.FAILED, last_error="ValueError: boom")
    response = editor_client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 286
    html = response.content.decode()
    assert "hx-trigger" not in html
    assert "ValueError: boom" in html and "Retry annotation" in html


def test_the_queued_notice_is_part_of_the_polled_fragment_and_goes_once_annotated(editor_client):
    article = Article.objects.create(title="t", body="b", content_hash="h", status=Article.Status.QUEUED)
    url = reverse("articles:detail", args=[article.id])
    page = editor_client.get(url).content.decode()
    annotation = page.split('<div id="annotation"', 1)[1]
    assert "Article queued for annotation." in annotation and page.count("Article queued for annotation.") == 1
    Article.objects.filter(id=article.id).update(status=Article.Status.ANNOTATED, pipeline_version="fr-9.9")
    response = editor_client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 286
    html = response.content.decode()
    assert "Article queued for annotation." not in html
    # The pipeline's version is there for whoever looks for it, folded away from the editor's view.
    assert '<details class="technical">' in html and "Annotated by pipeline fr-9.9." in html
    assert html.index('<details class="technical">') < html.index("fr-9.9")
    assert "queued for annotation" not in editor_client.get(url).content.decode()


def test_retry_requeues_a_failed_article(editor_client, django_capture_on_commit_callbacks):
    article = Article.objects.create(title="t", body="b", content_hash="h", status=Article.Status.FAILED, attempts=3,
                                     last_error="boom")
    with django_capture_on_commit_callbacks() as callbacks:
        response = editor_client.post(reverse("articles:retry", args=[article.id]))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.QUEUED and article.attempts == 0
    assert len(callbacks) == 1


def test_list_shows_status_and_polls_only_while_work_is_pending(editor_client, django_assert_max_num_queries):
    for i in range(30):
        Article.objects.create(title=f"Article {i}", body="b", content_hash=f"h{i}", status=Article.Status.ANNOTATED)
    # Session, user, 2 permissions, count, rows, their actors, their topics, and the filter
    # choices (topics, actors, sources, languages): see tests/test_queue.py for growth.
    with django_assert_max_num_queries(12):
        page = editor_client.get(reverse("articles:list")).content.decode()
    assert "Article 29" in page and "annotated" in page
    assert 'hx-trigger="every' not in page, "nothing pending: no polling"
    Article.objects.create(title="New", body="b", content_hash="new")
    page = editor_client.get(reverse("articles:list")).content.decode()
    assert 'hx-trigger="every 2s"' in page


def test_detail_query_count_does_not_grow_with_mentions(editor_client, django_assert_max_num_queries):
    article = Article.objects.create(title="t", body="Darmanin. " * 300, content_hash="h", language="fr",
                                     status=Article.Status.ANNOTATED)
    actor = Actor.objects.create(name="Darmanin", kind="person", key="darmanin|person")
    Mention.objects.bulk_create(
        Mention(article=article, start=i * 10, end=i * 10 + 8, text="Darmanin", kind="person", actor=actor)
        for i in range(300)
    )
    with django_assert_max_num_queries(11):
        response = editor_client.get(reverse("articles:detail", args=[article.id]))
    assert len(re.findall(r'<a id="m-\d+" class="mention kind-person', response.content.decode())) == 300


def test_unknown_role_user_sees_nothing(client, db):
    client.force_login(make_user("nobody", None))
    assert client.get(reverse("articles:list")).status_code == 403


def test_pages_that_also_answer_htmx_with_a_fragment_vary_on_hx_request(client):
    # A page and its fragment share an address: a cache (the browser's back button) must not mix them up.
    client.force_login(make_user("boss", "admin"))
    actor = Actor.objects.create(name="Ana Pereira", kind=Kind.PERSON)
    article = Article.objects.create(title="t", body=BODY, content_hash="vary", status=Article.Status.ANNOTATED)
    pages = [reverse("articles:list"), reverse("articles:detail", args=[article.id]), reverse("articles:actors"),
             reverse("articles:actor", args=[actor.id]), reverse("articles:actor-duplicates")]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "HX-Request" in response["Vary"], url
    for url in (reverse("articles:actors"), reverse("articles:actor-duplicates")):
        assert "HX-Request" in client.get(url, headers={"HX-Request": "true"})["Vary"], url
